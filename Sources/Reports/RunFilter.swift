import Bench
import Pruning
import Foundation

/// Which runs a report or a check looks at: label filters and, optionally, a suite's grid.
///
/// A suite selects by what its runs are made of without training anything: model and method
/// labels, targets (and 1 for controls), seeds, the budget, the fine-tuning recipe, the engine
/// version, and the dataset or checkpoint paths it names.
public struct RunFilter: Sendable {
    public var datasets: Set<String> = []
    public var models: Set<String> = []
    public var methods: Set<String> = []
    public var targets: Set<Double> = []
    public var seeds: Set<UInt64> = []
    /// The suite's selection, if one was given.
    public var suite: SuiteSelection?

    public init() {}

    /// Whether `record` passes every filter given (an empty set means "any").
    public func includes(_ record: RunRecord) -> Bool {
        (datasets.isEmpty || datasets.contains(record.labels.dataset))
            && (models.isEmpty || models.contains(record.labels.model))
            && (methods.isEmpty || methods.contains(record.labels.method)
                || methods.contains(record.spec.method))
            && (targets.isEmpty || targets.contains(record.spec.compression))
            && (seeds.isEmpty || seeds.contains(record.spec.seed))
            && (suite?.includes(record) ?? true)
    }
}

/// The runs a suite describes, as facts of their specs and labels.
public struct SuiteSelection: Sendable {
    /// What one track of the suite runs.
    public struct TrackSelection: Sendable {
        public var track: TrackPlan
        /// Method label → whether it is a control (run at compression 1 only).
        public var methods: [String: Bool]
        /// The track's recipe as run specs carry it.
        public var recipe: JSONValue
    }

    public var name: String
    /// Model label → checkpoint path when the suite names a file (trained models: `nil`).
    public var models: [String: String?]
    /// Track name → what it runs.
    public var tracks: [String: TrackSelection]
    public var targets: Set<Double>
    public var seeds: Set<UInt64>
    /// The dataset path the suite names (`nil` for Fashion-MNIST, imported by the harness).
    public var datasetPath: String?

    /// The selection of `suite`, resolving its methods against `catalog`.
    public init(_ suite: Suite, catalog: [MethodCatalogEntry]) throws {
        name = suite.name
        var models: [String: String?] = [:]
        for model in suite.models {
            if case .checkpoint(let path) = model.origin { models[model.name] = .some(path) } else { models[model.name] = .some(nil) }
        }
        self.models = models
        var tracks: [String: TrackSelection] = [:]
        for (track, methods) in try suite.methodsByTrack(catalog) {
            var labels: [String: Bool] = [:]
            for (entry, _, label) in methods { labels[label] = entry.isControl }
            tracks[track.name] = TrackSelection(track: track, methods: labels, recipe: try Suite.recipeJSON(track))
        }
        self.tracks = tracks
        targets = Set(suite.compressions)
        seeds = Set(suite.seeds)
        if case .file(let path) = suite.dataset { datasetPath = path } else { datasetPath = nil }
    }

    /// Whether `record` is one of the suite's runs.
    public func includes(_ record: RunRecord) -> Bool {
        guard let selection = tracks[record.labels.track ?? Track.postTraining.rawValue],
              let isControl = selection.methods[record.labels.method],
              let checkpoint = models[record.labels.model] else { return false }
        let spec = record.spec
        let plan = selection.track
        return (isControl ? spec.compression == 1 : targets.contains(spec.compression))
            && seeds.contains(spec.seed) && spec.budget == plan.budget && spec.fineTuning == selection.recipe
            && (spec.track ?? .postTraining) == plan.track
            && (spec.initialisation ?? .dense) == plan.initialisation
            && (spec.target ?? .compression) == plan.targetKind
            && spec.engine == PruneBenchVersion.engine
            && (checkpoint.map { $0 == spec.checkpoint.path } ?? true)
            && (datasetPath.map { $0 == spec.dataset.path } ?? true)
    }
}
