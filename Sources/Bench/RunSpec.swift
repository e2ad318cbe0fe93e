import Foundation
import Pruning

/// A file a run depends on, identified by its path and the SHA-256 of its bytes.
public struct FileReference: Codable, Hashable, Sendable {
    /// The path as the suite gave it (relative paths are relative to the working directory).
    public var path: String
    /// Lowercase hex SHA-256 of the file's contents.
    public var sha256: String

    /// A value from its parts.
    public init(path: String, sha256: String) {
        self.path = path
        self.sha256 = sha256
    }
}

/// How much training a run may spend after the dense checkpoint: a number of epochs over the
/// training split (minus validation) or a number of optimizer steps. Exactly one is set.
public struct TrainingBudget: Codable, Hashable, Sendable {
    public var epochs: Double?
    public var steps: Int?

    /// A budget of `epochs` epochs.
    public init(epochs: Double) { self.epochs = epochs }
    /// A budget of `steps` optimizer steps.
    public init(steps: Int) { self.steps = steps }

    /// The budget in optimizer steps, given how many steps one epoch takes.
    public func steps(perEpoch: Int) -> Int {
        if let steps { return steps }
        return Int(((epochs ?? 0) * Double(perEpoch)).rounded())
    }
}

/// Everything that determines one benchmark run; its canonical JSON's SHA-256 is the run id.
///
/// Versioned (`version`): a field added later must be optional (or carry a default that is
/// dropped when encoding) so that runs described before it keep their digest — "new fields default
/// to no change". What "defaults omitted" means here:
/// - optional fields that are `nil` are not encoded;
/// - `configuration` holds only the method configuration's members that differ from the method's
///   default configuration (`Configuration()`), recursively for nested objects, so spelling out a
///   default in a suite does not change the digest, and adding a configuration field with a
///   default does not change old digests;
/// - `fineTuning` likewise holds only the recipe members that differ from `Suite.defaultRecipe`.
public struct RunSpec: Codable, Hashable, Sendable {
    /// The layout version of this description (1).
    public var version: Int
    /// The engine that runs it (`PruneBenchVersion.engine`); a new engine version re-runs everything.
    public var engine: String
    /// The dense starting checkpoint.
    public var checkpoint: FileReference
    /// The dataset file.
    public var dataset: FileReference
    /// The registered method name.
    public var method: String
    /// The method configuration, defaults omitted (an object).
    public var configuration: JSONValue
    /// The target compression ratio (all parameters / nonzero parameters), or the target speedup when
    /// `target` is `.speedup`.
    public var compression: Double
    /// The run's seed; every random stream of the run derives from it.
    public var seed: UInt64
    /// The training budget after the dense checkpoint.
    public var budget: TrainingBudget
    /// The recipe of the run's training (optimizer, schedule, batch size, …) as JSON, defaults omitted:
    /// the fine-tuning recipe after a checkpoint, the dense recipe from initialisation.
    public var fineTuning: JSONValue
    /// The track the run competes in (`nil`: a description from before tracks, post-training).
    public var track: Track?
    /// The from-initialisation weight scale when not the dense initialisation's (`nil`: `dense`).
    public var initialisation: InitialisationScale?
    /// Where the validation split comes from; nil is `.holdout` (the checkpoint's recorded holdout).
    public var validation: ValidationSource?
    /// What `compression` means when not a compression: `.speedup` (dense MACs / MACs after physical removal).
    public var target: TargetKind?

    /// The current layout version.
    public static let currentVersion = 1

    /// A run description at the current layout version.
    public init(engine: String = PruneBenchVersion.engine, checkpoint: FileReference, dataset: FileReference,
                method: String, configuration: JSONValue = .object([:]), compression: Double, seed: UInt64,
                budget: TrainingBudget, fineTuning: JSONValue = .object([:]), validation: ValidationSource? = nil) {
        self.version = RunSpec.currentVersion
        self.engine = engine
        self.checkpoint = checkpoint
        self.dataset = dataset
        self.method = method
        self.configuration = configuration
        self.compression = compression
        self.seed = seed
        self.budget = budget
        self.fineTuning = fineTuning
        self.validation = validation == .holdout ? nil : validation
    }

    /// The canonical JSON text this run hashes as.
    public func canonicalJSON() throws -> String { try JSONValue(encoding: self).canonical }

    /// The run id: lowercase hex SHA-256 of `canonicalJSON()`.
    public func digest() throws -> String { try JSONValue(encoding: self).canonicalDigest }
}

/// Where a run's validation split (the only data a method may select on) comes from.
public enum ValidationSource: String, Codable, Hashable, Sendable {
    /// The validation holdout recorded in the checkpoint: examples it was trained without (the default;
    /// a checkpoint without one is refused).
    case holdout
    /// Carved per seed from the whole training split (stream `"validation"` of the run's seed), for a
    /// checkpoint that records no holdout. Those examples may be ones the checkpoint was trained on.
    case carve
}

/// Version strings recorded with every run.
public enum PruneBenchVersion {
    /// The engine version: bump when a change to training, pruning or metrics changes results.
    public static let engine = "0.4.1"
}
