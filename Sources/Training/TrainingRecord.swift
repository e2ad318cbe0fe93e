import Data

/// How a checkpoint was trained: stored as the checkpoint's `training` attribute (JSON).
///
/// Carries the full recipe plus readable copies of its key facts (seed, epochs, optimizer,
/// schedule), what the run did, and the test accuracy after the last step.
public struct TrainingRecord: Codable, Hashable, Sendable {
    public var recipe: TrainingRecipe
    public var seed: UInt64
    /// Epochs trained (fractional when the run was given in steps).
    public var epochs: Double
    public var steps: Int
    /// e.g. `sgd(lr 0.1, momentum 0.9)`.
    public var optimizer: String
    /// e.g. `cosine per step to 0.0`.
    public var schedule: String
    public var finalTrainLoss: Double?
    /// Test-split evaluation after the last step, when it was run.
    public var test: Evaluation?
    public var wallSeconds: Double
    /// Kernel threads used (results are bit-identical for a given count).
    public var threads: Int
    /// The training examples held out of training for validation; nil when the model saw them all.
    public var validationHoldout: ValidationHoldout?

    /// The record of `summary` under `recipe`, with an optional test evaluation.
    public init(recipe: TrainingRecipe, summary: TrainingSummary, test: Evaluation?, threads: Int) {
        self.recipe = recipe
        self.seed = recipe.seed
        self.epochs = summary.epochs
        self.steps = summary.steps
        self.optimizer = recipe.optimizer.summary
        self.schedule = recipe.schedule.summary
        self.finalTrainLoss = summary.finalTrainLoss
        self.test = test
        self.wallSeconds = summary.wallSeconds
        self.threads = threads
    }
}
