import ArgumentParser
import Data
import Foundation
import NN
import Training

/// `prunebench evaluate`: top-1/top-5 accuracy and loss of a checkpoint on a dataset split.
struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate a checkpoint: top-1/top-5 accuracy and loss on the test split of a dataset.",
        discussion: """
            The architecture comes from the checkpoint unless --model or --architecture-file is given; \
            a plain PyTorch state_dict needs one of them. Masks stored in the checkpoint are applied. \
            For a checkpoint that records a validation holdout (prunebench train), --split val evaluates \
            exactly those held-out examples and --split train the rest of the training split (what it \
            trained on); otherwise val is the dataset's own val split.
            """)

    @Option(help: "The checkpoint (HDF5).") var checkpoint: String
    @OptionGroup var source: ModelSource

    @Option(help: "The split to evaluate: test, train or val.") var split: String = "test"
    @Option(help: "Images per inference batch.") var batchSize: Int = 1000
    @Option(help: "Kernel threads.") var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    func validate() throws {
        guard threads >= 1, batchSize >= 1 else { throw ValidationError("--threads and --batch-size must be >= 1") }
        guard ["test", "train", "val"].contains(split) else { throw ValidationError("--split must be test, train or val") }
    }

    func run() throws {
        let dataset = try DatasetFile.read(path: source.dataset)
        let stored = try Checkpoint.read(path: checkpoint)
        let model = try source.model(checkpoint: checkpoint, dataset: dataset)
        let architecture = model.architecture
        let (data, what) = try chosenSplit(of: dataset, holdout: try stored.validationHoldout())
        let start = ContinuousClock.now
        let result = try evaluate(model: model, split: data, normalization: dataset.normalization,
                                  batchSize: batchSize, threads: threads)
        let seconds = (ContinuousClock.now - start) / .seconds(1)
        print("\(checkpoint) (\(architecture.name)) on \(dataset.name) \(what) (\(result.count) images):")
        print(String(format: "top-1 %.2f %%  top-5 %.2f %%  loss %.4f  (%.2f s)",
                     100 * result.top1, 100 * result.top5, result.loss, seconds))
    }

    /// The examples `--split` names and how to describe them: the checkpoint's holdout (val) and the rest
    /// (train) when it records one, else the dataset's val and train splits.
    func chosenSplit(of dataset: ImageDataset, holdout: ValidationHoldout?) throws -> (ImageSplit, String) {
        if let holdout, split != "test" {
            let parts: (training: ImageSplit, validation: ImageSplit)
            do { parts = try holdout.separate(dataset.train) } catch {
                throw TrainingOptionError("\(checkpoint): its validation holdout does not match \(source.dataset): \(error)")
            }
            return split == "val" ? (parts.validation, "val (the checkpoint's validation holdout)")
                                  : (parts.training, "train (without the checkpoint's validation holdout)")
        }
        switch split {
        case "train": return (dataset.train, "train")
        case "val":
            guard let validation = dataset.validation else {
                throw TrainingOptionError("\(source.dataset) has no validation split and \(checkpoint) records no validation holdout")
            }
            return (validation, "val")
        default: return (dataset.test, "test")
        }
    }
}

extension ModelSource {
    /// The model of the checkpoint at `path`: its recorded architecture unless `--model` or
    /// `--architecture-file` is given (a plain PyTorch state_dict has none), its weights loaded and its
    /// stored masks applied.
    func model(checkpoint path: String, dataset: ImageDataset) throws -> Model {
        let stored = try Checkpoint.read(path: path)
        let given = model == nil && architectureFile == nil && stored.architecture != nil ? nil : try architecture(for: dataset)
        return try stored.model(architecture: given, file: path)
    }
}

