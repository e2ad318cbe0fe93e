import Data
import NN

/// How to train a network: length, batch size, optimizer, schedule, augmentation, loss, seed.
///
/// Encoded as a flat object; decoding fills missing fields with defaults, encoding writes only
/// fields that differ from them (stable digests). Defaults: 10 epochs, batch 128, SGD lr 0.1
/// momentum 0.9, per-step cosine to 0, no augmentation, no label smoothing, seed 0, last
/// partial batch kept. Exactly one of `epochs` and `steps` sets the length.
public struct TrainingRecipe: Codable, Hashable, Sendable {
    /// Training length in epochs (ignored when `steps` is set).
    public var epochs: Int
    /// Training length in optimizer steps; overrides `epochs` when set.
    public var steps: Int?
    public var batchSize: Int
    public var optimizer: OptimizerConfig
    public var schedule: ScheduleConfig
    public var augmentation: Augmentation
    public var labelSmoothing: Float
    /// The root seed; data order, augmentation and dropout take streams derived from it
    /// (`"data-order"`, `"augment"`, `"dropout"`) unless the trainer is given a generator.
    public var seed: UInt64
    /// Drop each epoch's last batch when it is smaller than `batchSize`.
    public var dropLast: Bool

    public init(epochs: Int = 10, steps: Int? = nil, batchSize: Int = 128,
                optimizer: OptimizerConfig = .sgd(), schedule: ScheduleConfig = .cosine(),
                augmentation: Augmentation = .none, labelSmoothing: Float = 0, seed: UInt64 = 0,
                dropLast: Bool = false) {
        self.epochs = epochs
        self.steps = steps
        self.batchSize = batchSize
        self.optimizer = optimizer
        self.schedule = schedule
        self.augmentation = augmentation
        self.labelSmoothing = labelSmoothing
        self.seed = seed
        self.dropLast = dropLast
    }

    /// The number of optimizer steps for a training split of `examples` examples.
    public func totalSteps(examples: Int) -> Int {
        if let steps { return steps }
        return epochs * batchesPerEpoch(examples: examples)
    }

    /// Batches per epoch for a training split of `examples` examples.
    public func batchesPerEpoch(examples: Int) -> Int {
        dropLast ? examples / batchSize : (examples + batchSize - 1) / batchSize
    }

    /// The longest training any recipe or budget may ask for, in epochs (far beyond any real run; it keeps step
    /// counts far from overflow).
    public static let maximumEpochs = 100_000.0
    /// The most optimizer steps any recipe or budget may ask for.
    public static let maximumSteps = 1_000_000_000
    /// The largest batch.
    public static let maximumBatchSize = 1 << 20

    /// Checks every field; the error names the field and what was expected.
    public func validate() throws(TrainingError) {
        func require(_ ok: Bool, _ message: String) throws(TrainingError) {
            if !ok { throw TrainingError("training recipe: \(message)") }
        }
        try require(batchSize > 0 && batchSize <= Self.maximumBatchSize,
                    "batchSize must be in 1...\(Self.maximumBatchSize), got \(batchSize)")
        if let steps { try require(steps > 0 && steps <= Self.maximumSteps, "steps must be in 1...\(Self.maximumSteps), got \(steps)") }
        else {
            try require(epochs > 0 && Double(epochs) <= Self.maximumEpochs,
                        "epochs must be in 1...\(Int(Self.maximumEpochs)), got \(epochs)")
        }
        try require(labelSmoothing >= 0 && labelSmoothing <= 1,
                    "labelSmoothing must be in [0, 1], got \(labelSmoothing)")
        try require(augmentation.cropPadding >= 0, "cropPadding must be >= 0")
        do {
            try optimizer.validate()
            try schedule.validate()
        } catch { throw TrainingError("training recipe: \(error.message)") }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case epochs, steps, batchSize, optimizer, schedule, augmentation, labelSmoothing, seed, dropLast
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init()
        epochs = try c.decodeIfPresent(Int.self, forKey: .epochs) ?? epochs
        steps = try c.decodeIfPresent(Int.self, forKey: .steps)
        batchSize = try c.decodeIfPresent(Int.self, forKey: .batchSize) ?? batchSize
        optimizer = try c.decodeIfPresent(OptimizerConfig.self, forKey: .optimizer) ?? optimizer
        schedule = try c.decodeIfPresent(ScheduleConfig.self, forKey: .schedule) ?? schedule
        augmentation = try c.decodeIfPresent(Augmentation.self, forKey: .augmentation) ?? augmentation
        labelSmoothing = try c.decodeIfPresent(Float.self, forKey: .labelSmoothing) ?? labelSmoothing
        seed = try c.decodeIfPresent(UInt64.self, forKey: .seed) ?? seed
        dropLast = try c.decodeIfPresent(Bool.self, forKey: .dropLast) ?? dropLast
        do { try validate() } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        let d = TrainingRecipe()
        if epochs != d.epochs { try c.encode(epochs, forKey: .epochs) }
        try c.encodeIfPresent(steps, forKey: .steps)
        if batchSize != d.batchSize { try c.encode(batchSize, forKey: .batchSize) }
        if optimizer != d.optimizer { try c.encode(optimizer, forKey: .optimizer) }
        if schedule != d.schedule { try c.encode(schedule, forKey: .schedule) }
        if augmentation != d.augmentation { try c.encode(augmentation, forKey: .augmentation) }
        if labelSmoothing != d.labelSmoothing { try c.encode(labelSmoothing, forKey: .labelSmoothing) }
        if seed != d.seed { try c.encode(seed, forKey: .seed) }
        if dropLast != d.dropLast { try c.encode(dropLast, forKey: .dropLast) }
    }
}

/// A training failure: a bad recipe, data that does not fit the model, or a diverged loss.
public struct TrainingError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
