import Data
import NN

/// Trains a fresh model into a dense checkpoint on the training split minus a validation holdout.
///
/// The one path by which `prunebench train` and a suite's cached checkpoints are trained: the
/// holdout (`ValidationHoldout`, when asked for) is taken out of the training split before the
/// trainer sees it, and the checkpoint's `training` attribute records it with the recipe, what the
/// run did and the test accuracy, so that runs on the checkpoint validate on exactly those examples.
public final class CheckpointTraining {
    /// The model being trained, initialised from stream `"init"` of the recipe's seed.
    public let model: Model
    /// The trainer; set its `progress` or `hooks` before `run()`.
    public let trainer: Trainer
    /// The examples held out of training, or nil when training sees the whole training split.
    public let holdout: ValidationHoldout?
    /// The held-out examples themselves (nil without a holdout).
    public let validation: ImageSplit?
    private let dataset: ImageDataset
    private let architecture: Architecture

    /// Prepares training `architecture` by `recipe` on `dataset`, holding `holdoutCount` training
    /// examples out (nil: none; `ValidationHoldout.defaultCount(for:)` is the usual count).
    public init(architecture: Architecture, recipe: TrainingRecipe, dataset: ImageDataset, holdoutCount: Int?,
                threads: Int) throws {
        var training = dataset.train
        if let holdoutCount {
            let holdout = try ValidationHoldout.choose(count: holdoutCount, from: dataset.train)
            (training, validation) = try holdout.separate(dataset.train)
            self.holdout = holdout
        } else {
            (holdout, validation) = (nil, nil)
        }
        var initRandom = SeededGenerator(seed: recipe.seed).derived("init")
        model = try Model(architecture, random: &initRandom)
        trainer = try Trainer(network: model, train: training, normalization: dataset.normalization,
                              recipe: recipe, threads: threads)
        self.dataset = dataset
        self.architecture = architecture
    }

    /// Trains to the end of the recipe, evaluates the test split and returns the checkpoint (architecture,
    /// dataset name, `training` record) and its record.
    public func run() throws -> (checkpoint: Checkpoint, record: TrainingRecord) {
        let summary = try trainer.run()
        let test = try evaluate(model: model, split: dataset.test, normalization: dataset.normalization,
                                threads: trainer.threads)
        var record = TrainingRecord(recipe: trainer.recipe, summary: summary, test: test, threads: trainer.threads)
        record.validationHoldout = holdout
        var checkpoint = Checkpoint(tensors: model.stateDict(), dataset: dataset.name)
        try checkpoint.setArchitecture(architecture)
        try checkpoint.setTraining(record)
        return (checkpoint, record)
    }
}
