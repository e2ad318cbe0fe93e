import NN

/// What happened in one optimizer step, handed to the step hooks.
public struct StepInfo: Sendable {
    /// 0-based index of the step in the run (the schedule's step).
    public let step: Int
    /// 0-based epoch the step belongs to.
    public let epoch: Int
    /// 0-based index of the batch within its epoch.
    public let batch: Int
    /// The batch's mean training loss.
    public let loss: Float
    /// The learning rate this step uses.
    public let learningRate: Float
    /// Examples in the batch.
    public let batchSize: Int
}

/// The summary of one finished epoch, handed to the epoch hook.
public struct EpochInfo: Sendable {
    /// 0-based epoch index.
    public let epoch: Int
    /// Steps taken in this epoch (fewer than an epoch's batches when training resumed mid-epoch).
    public let steps: Int
    /// Mean of the per-batch losses, weighted by batch size.
    public let meanLoss: Double
    /// Fraction of the epoch's training examples classified correctly during training.
    public let trainAccuracy: Double
    /// The learning rate of the epoch's last step.
    public let learningRate: Float
    /// Wall time of the epoch.
    public let seconds: Double
    /// Training throughput over the epoch.
    public let imagesPerSecond: Double
}

/// Callbacks into the training loop, all optional. A pruning method uses them to read
/// gradients, activations, update masks, or stop early (e.g. when its budget is spent).
public struct TrainingHooks {
    /// After the backward pass, before the optimizer: gradients are complete and visible (and
    /// may be edited; masked entries are zeroed by the optimizer afterwards).
    public var afterBackward: ((StepInfo) -> Void)?
    /// After the optimizer step and re-masking: the place for mask updates.
    public var afterStep: ((StepInfo) -> Void)?
    /// After an epoch's last step.
    public var afterEpoch: ((EpochInfo) -> Void)?
    /// Sees every module's input and output during training forward passes (activations).
    public var forwardObserver: ((ForwardEvent) -> Void)?
    /// Asked after every step; `true` ends the run there.
    public var shouldStop: ((StepInfo) -> Bool)?

    public init(afterBackward: ((StepInfo) -> Void)? = nil, afterStep: ((StepInfo) -> Void)? = nil,
                afterEpoch: ((EpochInfo) -> Void)? = nil, forwardObserver: ((ForwardEvent) -> Void)? = nil,
                shouldStop: ((StepInfo) -> Bool)? = nil) {
        self.afterBackward = afterBackward
        self.afterStep = afterStep
        self.afterEpoch = afterEpoch
        self.forwardObserver = forwardObserver
        self.shouldStop = shouldStop
    }
}

/// What a call to `Trainer.run` did.
public struct TrainingSummary: Codable, Hashable, Sendable {
    /// Optimizer steps taken in this call.
    public var steps: Int
    /// Epochs completed by the end of this call (counted from the start of the run, fractional).
    public var epochs: Double
    /// Mean training loss over the run's last (possibly partial) epoch; nil before any step.
    public var finalTrainLoss: Double?
    /// The last step's batch loss; nil when this call took no step.
    public var lastStepLoss: Double?
    /// Wall-clock seconds of this call.
    public var wallSeconds: Double
    /// Training images per second over this call.
    public var imagesPerSecond: Double
    /// True when a `shouldStop` hook ended the call before its planned length.
    public var stoppedEarly: Bool
}
