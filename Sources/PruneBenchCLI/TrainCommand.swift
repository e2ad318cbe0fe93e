import ArgumentParser
import Data
import Foundation
import NN
import Training

/// `prunebench train`: trains a zoo model on a dataset file and writes a checkpoint.
struct Train: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Train a model on a dataset and write a checkpoint (with architecture, dataset and training record).",
        discussion: """
            Defaults: SGD lr 0.1 momentum 0.9, batch 128, per-step cosine decay to 0, no weight decay, \
            no augmentation, 10 epochs, seed 0. A recipe JSON file (--recipe) sets everything at once; \
            the options below override its fields. Accuracy is reported on the test split after the last step. \
            5000 training examples (a tenth of the split if fewer; stratified, stream "validation holdout" of \
            seed 0) are held out of training and recorded in the checkpoint: runs on it validate on exactly those.
            """)

    @OptionGroup var source: ModelSource
    @OptionGroup var options: RecipeOptions

    @Option(help: "Kernel threads (results are bit-identical for a given count).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .shortAndLong, help: "Output checkpoint (default: checkpoints/MODEL.h5).")
    var output: String?

    @Option(help: "Training examples held out for validation (default: 5000, or a tenth of the training split if fewer).")
    var validationHoldout: Int?

    @Flag(help: "Train on every training example (no holdout: runs on the checkpoint then need `validation: carve`).")
    var noValidationHoldout = false

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be >= 1") }
        if let validationHoldout {
            guard !noValidationHoldout else {
                throw ValidationError("--validation-holdout and --no-validation-holdout exclude each other")
            }
            guard validationHoldout >= 1 else { throw ValidationError("--validation-holdout must be >= 1") }
        }
    }

    func run() throws {
        let recipe = try options.recipe()
        let dataset = try DatasetFile.read(path: source.dataset)
        let architecture = try source.architecture(for: dataset)
        let holdoutCount = noValidationHoldout ? nil : validationHoldout ?? ValidationHoldout.defaultCount(for: dataset.train)
        let training = try CheckpointTraining(architecture: architecture, recipe: recipe, dataset: dataset,
                                              holdoutCount: holdoutCount, threads: threads)
        let trainer = training.trainer
        let epochs = (trainer.totalSteps + trainer.loader.batchesPerEpoch - 1) / trainer.loader.batchesPerEpoch
        let progress = ProgressReporter(totalSteps: trainer.totalSteps, totalEpochs: epochs, label: architecture.name)
        trainer.progress = progress
        progress.message("training \(architecture.name) on \(dataset.name) (\(trainer.loader.split.count) images, "
              + (training.holdout.map { "\($0.count) held out for validation" } ?? "no validation holdout") + "): "
              + "\(trainer.totalSteps) steps, batch \(recipe.batchSize), \(recipe.optimizer.summary), "
              + "\(recipe.schedule.summary), seed \(recipe.seed), \(threads) thread(s)")
        trainer.hooks.afterEpoch = { info in
            progress.message(String(format: "epoch %d/%d  loss %.4f  train acc %.2f %%  lr %.5f  %.1f s  %.0f img/s",
                                    info.epoch + 1, epochs, info.meanLoss, 100 * info.trainAccuracy,
                                    info.learningRate, info.seconds, info.imagesPerSecond))
        }
        let (checkpoint, record) = try training.run()
        if let test = record.test {
            progress.message(String(format: "test top-1 %.2f %%  top-5 %.2f %%  loss %.4f  (%d images)  trained in %.1f s",
                                    100 * test.top1, 100 * test.top5, test.loss, test.count, record.wallSeconds))
        }
        if let held = training.validation {
            let validation = try evaluate(model: training.model, split: held, normalization: dataset.normalization,
                                          threads: threads)
            progress.message(String(format: "validation top-1 %.2f %%  top-5 %.2f %%  loss %.4f  (%d held-out images)",
                                    100 * validation.top1, 100 * validation.top5, validation.loss, validation.count))
        }
        let path = output ?? "checkpoints/\(architecture.name).h5"
        try checkpoint.write(to: path)
        progress.message("wrote \(path)")
    }
}
