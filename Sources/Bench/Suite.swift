import Foundation
import Pruning
import Training

/// A benchmark suite read from YAML: a dataset, starting models, methods, compression targets, seeds and
/// the tracks (protocols) the methods compete under. `expand` turns it into the grid of runs.
///
/// ```yaml
/// name: smoke                     # optional; default: the file name without extension
/// dataset: fashion-mnist          # a dataset .h5 path, or `fashion-mnist` (imported when missing)
/// models:                         # trained first (5000 examples held out), cached in checkpoints/
///   - name: mlp                   # the label in the leaderboard
///     architecture: mlp           # a zoo name, or a mapping (an architecture description)
///     training: {epochs: 10}      # a training recipe; missing fields take TrainingRecipe's defaults
/// checkpoints:                    # and/or existing checkpoint files, each recording the validation holdout
///   - {name: lenet5-pt, path: checkpoints/lenet5-pt.h5}   # it was trained without (prunebench train does),
///   - {name: other, path: x.h5, validation: carve}        # or opting in to a validation split that overlaps
///                                                         # its training data (no holdout recorded)
/// methods: all                    # or a list of names and/or {name: …, configuration: {…}, label: …};
///                                 # the item `all` in a list adds every registered method with defaults
/// exclude: [structured]           # optional: what `all` leaves out, method names or categories
/// compressions: [2, 4, 8]         # targets ≥ 1 (1: the method's own protocol with nothing pruned, as the
///                                 # lottery suite's dense references; each track's control runs once, at 1); or
///                                 # speedups: [2, 4, 8]: MAC speedups after physical channel removal, for
///                                 # the methods that remove whole channels (`all` keeps only those)
/// seeds: [0, 1, 2]
/// tracks:                         # every method runs in each listed track it belongs to
///   - track: post-training        # prune the checkpoint, then fine-tune for the budget
///     epochs: 2                   # the budget: epochs or steps
///     recipe: {optimizer: {kind: sgd, lr: 0.001}}
///   - track: from-initialisation  # equal total training from initialisation with the dense recipe
///     epochs: 10
///     recipe: {optimizer: {kind: sgd, lr: 0.1, momentum: 0.9}, schedule: {kind: cosine, unit: step}}
///     initialisation: rescaled    # optional: dense (default) or rescaled (√(N/n) per masked layer)
/// ```
/// `fineTuning: {epochs: …, recipe: …}` is short for a single post-training track.
public struct Suite: Sendable {
    /// Where the dataset comes from.
    public enum DatasetSource: Hashable, Sendable {
        /// Fashion-MNIST, imported from the Debian package into `data/fashion-mnist.h5` when missing.
        case fashionMNIST
        /// An existing dataset file.
        case file(String)
    }

    /// A starting model: trained by the harness first, or an existing checkpoint.
    public struct ModelSource: Hashable, Sendable {
        public enum Origin: Hashable, Sendable {
            /// Train `architecture` (a JSON architecture description) with `recipe`.
            case train(architecture: JSONValue, recipe: TrainingRecipe)
            /// Load the checkpoint at this path.
            case checkpoint(String)
        }
        /// The label used in leaderboards.
        public var name: String
        public var origin: Origin
        /// Where it was given in the file (`models[0]`, `checkpoints[1]`), for error messages.
        public var key: String
        /// Where runs on it take their validation split (`validation: carve` in a `checkpoints` entry).
        public var validation: ValidationSource = .holdout
    }

    /// A method to run and its configuration (as given: members not in the file take defaults).
    public struct MethodChoice: Hashable, Sendable {
        public var name: String
        public var configuration: JSONValue
        /// The leaderboard label, when the file gives one (default: the name plus non-default settings).
        public var label: String? = nil
        /// Where it was given in the file (`methods[2]`), for error messages.
        public var key: String

        /// The list item `all`: every registered method of the suite's tracks, default configurations.
        public static let allName = "all"
        /// Whether this choice is the item `all`.
        public var isAll: Bool { name == Self.allName }
    }

    /// The suite's name (its report folder is `reports/<name>/`).
    public var name: String
    /// The file it was read from.
    public var file: String
    public var dataset: DatasetSource
    public var models: [ModelSource]
    /// `nil` means every registered method (`methods: all`); a list may hold the item `all` among entries.
    public var methods: [MethodChoice]?
    /// What `all` leaves out: method names or method categories (`structured`, `iterative`, …) (`exclude:`).
    public var exclude: [String] = []
    /// The target numbers (compressions, or speedups when `targetKind` is `.speedup`).
    public var compressions: [Double]
    /// What the targets are: compressions (`compressions:`) or speedups (`speedups:`).
    public var targetKind: TargetKind = .compression
    public var seeds: [UInt64]
    /// The protocols the methods compete under, in suite order (names unique).
    public var tracks: [TrackPlan]
}

/// One track of a suite: the protocol (post-training or from-initialisation), its training budget and
/// recipe, and for from-initialisation the scale of the masked layers' initial weights.
public struct TrackPlan: Hashable, Sendable {
    public var track: Track
    /// The training budget of every run in the track (after the checkpoint, or from initialisation).
    public var budget: TrainingBudget
    /// The recipe of the track's training; its length fields are ignored (the budget sets the length).
    public var recipe: TrainingRecipe
    /// How masked layers' initial weights are scaled (from-initialisation only; `dense` elsewhere).
    public var initialisation: InitialisationScale
    /// What the suite's targets are (the suite's, copied into each track: it names the leaderboard section).
    public var targetKind = TargetKind.compression
    /// Where it was given in the file (`tracks[1]`), for error messages.
    public var key: String

    /// A track from its parts.
    public init(track: Track, budget: TrainingBudget, recipe: TrainingRecipe,
                initialisation: InitialisationScale = .dense, key: String) {
        self.track = track
        self.budget = budget
        self.recipe = recipe
        self.initialisation = initialisation
        self.key = key
    }

    /// The leaderboard name: the track's, with ` (rescaled init)` for the rescaled initialisation and
    /// ` (speedup targets)` when the targets are speedups.
    public var name: String {
        track.rawValue + (initialisation == .rescaled ? " (rescaled init)" : "")
            + (targetKind == .speedup ? " (speedup targets)" : "")
    }

    /// The control that anchors this track's leaderboard: `dense` after training, `dense-scratch` from
    /// initialisation.
    public var controlMethod: String {
        track == .postTraining ? DenseControl.name : DenseScratchControl.name
    }
}

extension Suite {
    /// Reads and checks the suite file at `path`; errors name the file and the key.
    public static func load(path: String) throws -> Suite {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw BenchError.io(file: path, message: "cannot read the suite file: \(error.localizedDescription)")
        }
        let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        return try parse(yaml: text, file: path, defaultName: name)
    }

    /// Parses suite YAML `text`; `file` names it in errors.
    public static func parse(yaml text: String, file: String, defaultName: String) throws -> Suite {
        let document = try SuiteReader.decodeYAML(text, file: file)
        let reader = SuiteReader(file: file)
        let root = try reader.mapping(document, key: "(document)")
        try reader.rejectUnknown(root, allowed: ["name", "dataset", "models", "checkpoints", "methods",
                                                 "compressions", "speedups", "seeds", "tracks", "fineTuning", "exclude"],
                                  key: "")
        let name = try root["name"].map { try reader.string($0, key: "name") } ?? defaultName
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw BenchError.suite(file: file, key: "name", message: "expected letters, digits, '-', '_' or '.', got '\(name)'")
        }
        let models = try reader.models(root) + reader.checkpoints(root)
        guard !models.isEmpty else {
            throw BenchError.suite(file: file, key: "models", message: "the suite needs at least one model or checkpoint")
        }
        let duplicates = Dictionary(grouping: models, by: \.name).filter { $0.value.count > 1 }.keys.sorted()
        if let first = duplicates.first {
            throw BenchError.suite(file: file, key: "models", message: "model name '\(first)' is used twice")
        }
        let (kind, targets) = try reader.targets(root)
        let tracks = try reader.tracks(root).map { plan in
            var plan = plan
            plan.targetKind = kind
            return plan
        }
        var suite = Suite(name: name, file: file, dataset: try reader.dataset(try reader.require(root, "dataset", key: "")),
                          models: models, methods: try reader.methods(try reader.require(root, "methods", key: "")),
                          compressions: targets, seeds: try reader.seeds(try reader.require(root, "seeds", key: "")),
                          tracks: tracks)
        suite.targetKind = kind
        if let value = root["exclude"] {
            suite.exclude = try reader.list(value, key: "exclude").enumerated().map { try reader.string($1, key: "exclude[\($0)]") }
            guard suite.methods?.contains(where: \.isAll) ?? true else {
                throw BenchError.suite(file: file, key: "exclude", message: "'exclude' narrows 'all'; the methods list has no 'all'")
            }
        }
        return suite
    }
}
