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
            the options below override its fields. Accuracy is reported on the test split after the last step.
            """)

    @OptionGroup var source: ModelSource
    @OptionGroup var options: RecipeOptions

    @Option(help: "Kernel threads (results are bit-identical for a given count).")
    var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(name: .shortAndLong, help: "Output checkpoint (default: checkpoints/MODEL.h5).")
    var output: String?

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be >= 1") }
    }

    func run() throws {
        let recipe = try options.recipe()
        let dataset = try DatasetFile.read(path: source.dataset)
        let architecture = try source.architecture(for: dataset)
        var initStream = SeededGenerator(seed: recipe.seed).derived("init")
        let model = try Model(architecture, random: &initStream)
        let trainer = try Trainer(network: model, train: dataset.train, normalization: dataset.normalization,
                                  recipe: recipe, threads: threads)
        let epochs = (trainer.totalSteps + trainer.loader.batchesPerEpoch - 1) / trainer.loader.batchesPerEpoch
        let progress = ProgressReporter(totalSteps: trainer.totalSteps, totalEpochs: epochs, label: architecture.name)
        trainer.progress = progress
        progress.message("training \(architecture.name) on \(dataset.name) (\(dataset.train.count) images): "
              + "\(trainer.totalSteps) steps, batch \(recipe.batchSize), \(recipe.optimizer.summary), "
              + "\(recipe.schedule.summary), seed \(recipe.seed), \(threads) thread(s)")
        trainer.hooks.afterEpoch = { info in
            progress.message(String(format: "epoch %d/%d  loss %.4f  train acc %.2f %%  lr %.5f  %.1f s  %.0f img/s",
                                    info.epoch + 1, epochs, info.meanLoss, 100 * info.trainAccuracy,
                                    info.learningRate, info.seconds, info.imagesPerSecond))
        }
        let summary = try trainer.run()
        let test = try evaluate(model: model, split: dataset.test, normalization: dataset.normalization,
                                threads: threads)
        progress.message(String(format: "test top-1 %.2f %%  top-5 %.2f %%  loss %.4f  (%d images)  trained in %.1f s",
                     100 * test.top1, 100 * test.top5, test.loss, test.count, summary.wallSeconds))
        var checkpoint = Checkpoint(tensors: model.stateDict(), dataset: dataset.name)
        try checkpoint.setArchitecture(architecture)
        try checkpoint.setTraining(TrainingRecord(recipe: recipe, summary: summary, test: test, threads: threads))
        let path = output ?? "checkpoints/\(architecture.name).h5"
        try checkpoint.write(to: path)
        progress.message("wrote \(path)")
    }
}
