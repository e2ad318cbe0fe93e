import Foundation
import NN
import Pruning
import Training

/// What the expansion needs to know about a registered method.
public struct MethodCatalogEntry: Sendable {
    public var name: String
    /// The method's default configuration (`Configuration()`) as JSON.
    public var defaultConfiguration: JSONValue
    /// Whether this is a control that does not prune (it runs once per seed, at compression 1).
    public var isControl: Bool
    /// The tracks the method competes in.
    public var tracks: [Track]
    /// The kinds of target the method can aim at with a given configuration (a modifier: its base's).
    public var targetKinds: @Sendable (JSONValue) -> [TargetKind]
    /// Why the method with a given configuration cannot prune a model (`nil` when it can).
    public var notApplicable: @Sendable (JSONValue, Model) -> String?
    /// The method's category (`MethodCategory` raw value; `exclude: [structured]` leaves a category out of `all`).
    public var category: String
    /// Throws a description of the problem when a full configuration does not decode or validate.
    public var check: @Sendable (JSONValue) throws -> Void

    /// A value from its parts.
    public init(name: String, defaultConfiguration: JSONValue, isControl: Bool, tracks: [Track] = [.postTraining],
                targetKinds: @escaping @Sendable (JSONValue) -> [TargetKind] = { _ in [.compression] },
                notApplicable: @escaping @Sendable (JSONValue, Model) -> String? = { _, _ in nil },
                category: String = "", check: @escaping @Sendable (JSONValue) throws -> Void) {
        self.name = name
        self.defaultConfiguration = defaultConfiguration
        self.isControl = isControl
        self.tracks = tracks
        self.targetKinds = targetKinds
        self.notApplicable = notApplicable
        self.category = category
        self.check = check
    }
}

/// The files a suite's runs start from, once prepared (dataset imported, models trained).
public struct PreparedInputs: Sendable {
    public var dataset: FileReference
    /// The dataset's name for labels.
    public var datasetName: String
    /// Each model's leaderboard name and checkpoint, in suite order.
    public var models: [(name: String, checkpoint: FileReference)]
    /// The architecture of each model by name, where known (methods that do not apply to it are skipped).
    public var architectures: [String: Architecture]

    /// A value from its parts.
    public init(dataset: FileReference, datasetName: String, models: [(name: String, checkpoint: FileReference)],
                architectures: [String: Architecture] = [:]) {
        self.dataset = dataset
        self.datasetName = datasetName
        self.models = models
        self.architectures = architectures
    }
}

extension Suite {
    /// The run-spec form of `track`'s recipe: its encoding (which omits TrainingRecipe's defaults) without
    /// `epochs`, `steps` and `seed`, which the budget and the run's seed replace.
    public static func recipeJSON(_ track: TrackPlan) throws -> JSONValue {
        guard case .object(var members) = try JSONValue(encoding: track.recipe) else { return .object([:]) }
        for key in ["epochs", "steps", "seed"] { members[key] = nil }
        return .object(members)
    }

    /// The methods chosen, checked against `catalog`: each with its configuration, defaults omitted.
    public func resolvedMethods(_ catalog: [MethodCatalogEntry]) throws
        -> [(entry: MethodCatalogEntry, configuration: JSONValue, label: String)] {
        try listedMethods(catalog).map { ($0.entry, $0.configuration, $0.label) }
    }

    /// The chosen methods with where each was given (`nil`: by `all`, which takes every registered method
    /// with its default configuration, as a list item too, e.g. `[all, {name: x, configuration: …, label: …}]`).
    func listedMethods(_ catalog: [MethodCatalogEntry]) throws
        -> [(entry: MethodCatalogEntry, configuration: JSONValue, label: String, key: String?)] {
        let categories = Set(catalog.map(\.category))
        for (index, item) in exclude.enumerated() where !categories.contains(item) && !catalog.contains(where: { $0.name == item }) {
            throw BenchError.suite(file: file, key: "exclude[\(index)]", message: "'\(item)' is neither a registered method "
                + "nor a method category (categories: \(categories.filter { !$0.isEmpty }.sorted().joined(separator: ", ")))")
        }
        let included = catalog.filter { !exclude.contains($0.name) && !exclude.contains($0.category) }
        guard let methods else { return included.map { ($0, .object([:]), $0.name, nil) } }
        var seen: [String: String] = [:]
        var chosen: [(entry: MethodCatalogEntry, configuration: JSONValue, label: String, key: String?)] = []
        func add(_ entry: MethodCatalogEntry, _ configuration: JSONValue, _ label: String, key: String, listed: Bool) throws {
            if let earlier = seen[label] {
                throw BenchError.suite(file: file, key: key, message: "label '\(label)' is already used by "
                    + "\(earlier); give each method entry its own label")
            }
            seen[label] = key
            chosen.append((entry, configuration, label, listed ? key : nil))
        }
        for choice in methods {
            if choice.isAll {
                for entry in included { try add(entry, .object([:]), entry.name, key: choice.key, listed: false) }
                continue
            }
            guard let entry = catalog.first(where: { $0.name == choice.name }) else {
                throw BenchError.suite(file: file, key: choice.key, message: "unknown method '\(choice.name)' "
                    + "(registered: \(catalog.map(\.name).joined(separator: ", ")))")
            }
            let defaults = entry.defaultConfiguration.objectValue ?? [:]
            for key in (choice.configuration.objectValue ?? [:]).keys.sorted() where defaults[key] == nil {
                throw BenchError.suite(file: file, key: "\(choice.key).configuration.\(key)",
                    message: "unknown configuration key for method '\(entry.name)' (expected one of: "
                        + "\(defaults.keys.sorted().joined(separator: ", ")))")
            }
            do { try entry.check(entry.defaultConfiguration.merging(choice.configuration)) } catch {
                throw BenchError.suite(file: file, key: "\(choice.key).configuration", message: "\(error)")
            }
            let configuration = choice.configuration.omittingDefaults(entry.defaultConfiguration)
            try add(entry, configuration, choice.label ?? Suite.label(method: entry.name, configuration: configuration),
                    key: choice.key, listed: true)
        }
        return chosen
    }

    /// The methods of each track: those chosen that compete in it (`all`: every registered method that
    /// does), the track's control first when the suite does not list it. Throws for a listed method that
    /// competes in none of the suite's tracks.
    public func methodsByTrack(_ catalog: [MethodCatalogEntry]) throws
        -> [(track: TrackPlan, methods: [(entry: MethodCatalogEntry, configuration: JSONValue, label: String)])] {
        let listed = try listedMethods(catalog)
        let declared = Set(tracks.map(\.track))
        for method in listed where declared.isDisjoint(with: method.entry.tracks) {
            guard let key = method.key else { continue }
            throw BenchError.suite(file: file, key: key, message: "method '\(method.entry.name)' "
                + "competes in \(method.entry.tracks.map(\.rawValue).joined(separator: ", ")); the suite declares "
                + "\(tracks.map(\.track.rawValue).joined(separator: ", ")) (add its track or drop the method)")
        }
        for method in listed where !method.entry.isControl && !method.entry.targetKinds(method.configuration).contains(targetKind) {
            // `all` quietly keeps the methods that can aim at the suite's targets; a listed one is an error.
            guard let key = method.key else { continue }
            throw BenchError.suite(file: file, key: key, message: "method '\(method.entry.name)' cannot aim at "
                + "\(targetKind.rawValue) targets (it removes no whole channels); use compressions, or drop the method")
        }
        let chosen = listed.filter { $0.entry.isControl || $0.entry.targetKinds($0.configuration).contains(targetKind) }
            .map { (entry: $0.entry, configuration: $0.configuration, label: $0.label) }
        return try tracks.map { track in
            var members = chosen.filter { $0.entry.tracks.contains(track.track) }
            if !members.contains(where: { $0.entry.name == track.controlMethod }) {
                guard let control = catalog.first(where: { $0.name == track.controlMethod }) else {
                    throw BenchError.suite(file: file, key: track.key, message: "control '\(track.controlMethod)' is not registered")
                }
                members.insert((control, .object([:]), control.name), at: 0)
            }
            return (track, members)
        }
    }

    /// The (model, method) pairs of the suite that are skipped because the method does not apply to the
    /// model (`MethodCatalogEntry.notApplicable`), with the reason; models of unknown architecture are kept.
    /// Throws for a method the suite lists by name that applies to none of its models.
    public func notApplicable(_ inputs: PreparedInputs, catalog: [MethodCatalogEntry]) throws
        -> [(model: String, method: String, reason: String)] {
        var skipped: [(model: String, method: String, reason: String)] = []
        var built: [String: Model] = [:]
        for model in inputs.models {
            guard let architecture = inputs.architectures[model.name] else { continue }
            var random = SeededGenerator(seed: 0)
            built[model.name] = try Model(architecture, random: &random)
        }
        for method in try listedMethods(catalog) {
            let reasons = inputs.models.compactMap { model in
                built[model.name].flatMap { method.entry.notApplicable(method.configuration, $0) }.map { (model.name, method.label, $0) }
            }
            if let key = method.key, !reasons.isEmpty, reasons.count == inputs.models.count {
                throw BenchError.suite(file: file, key: key, message: "method '\(method.entry.name)' applies to none of "
                    + "the suite's models: " + reasons.map { "\($0.0): \($0.2)" }.joined(separator: "; "))
            }
            for reason in reasons where !skipped.contains(where: { $0.model == reason.0 && $0.method == reason.1 }) {
                skipped.append((reason.0, reason.1, reason.2))
            }
        }
        return skipped
    }

    /// The suite's runs, ordered model, seed, track, method, target (so a partial grid covers every method
    /// of the first seeds). Controls run at compression 1 only; a method is left out on the models it does
    /// not apply to (`notApplicable`).
    public func expand(_ inputs: PreparedInputs, catalog: [MethodCatalogEntry]) throws -> [PlannedRun] {
        let tracks = try methodsByTrack(catalog)
        let skipped = try notApplicable(inputs, catalog: catalog)
        var runs: [PlannedRun] = []
        for model in inputs.models {
            let validation = models.first { $0.name == model.name }?.validation
            for seed in seeds {
                for (track, methods) in tracks {
                    let recipe = try Suite.recipeJSON(track)
                    for (entry, configuration, label) in methods
                    where !skipped.contains(where: { $0.model == model.name && $0.method == label }) {
                        for target in entry.isControl ? [1] : compressions {
                            var spec = RunSpec(checkpoint: model.checkpoint, dataset: inputs.dataset, method: entry.name,
                                               configuration: configuration, compression: target, seed: seed,
                                               budget: track.budget, fineTuning: recipe)
                            spec.track = track.track
                            spec.initialisation = track.initialisation == .dense ? nil : track.initialisation
                            spec.target = targetKind == .compression ? nil : targetKind
                            spec.validation = validation == .holdout ? nil : validation
                            runs.append(try PlannedRun(spec: spec, labels: RunLabels(
                                dataset: inputs.datasetName, model: model.name, method: label, track: track.name)))
                        }
                    }
                }
            }
        }
        return runs
    }

    /// `name`, or `name(key=value,…)` with the configuration's non-default members in canonical form.
    public static func label(method name: String, configuration: JSONValue) -> String {
        guard let members = configuration.objectValue, !members.isEmpty else { return name }
        let parts = members.keys.sorted().map { key -> String in
            let value = members[key] ?? .null
            if case .string(let text) = value { return "\(key)=\(text)" }
            return "\(key)=\(value.canonical)"
        }
        return "\(name)(\(parts.joined(separator: ",")))"
    }
}
