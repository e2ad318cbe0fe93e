import Data
import Foundation
import NN
import Training

/// Makes a suite's inputs exist: imports the dataset, trains the models it asks for (once: the
/// checkpoint's file name carries a digest of what it was trained from, the validation holdout
/// included), checks that every given checkpoint records the validation holdout it was trained
/// without (unless its entry says `validation: carve`), and hashes every file.
public struct SuitePreparer {
    /// Where `fashion-mnist` is imported (`data/fashion-mnist.h5`).
    public var dataDirectory = "data"
    /// Where trained checkpoints are cached.
    public var checkpointDirectory = "checkpoints"
    /// Kernel threads for training.
    public var threads = 1
    /// Prints one line per step taken (importing, training, reusing).
    public var log: (String) -> Void = { _ in }

    /// The default settings.
    public init() {}

    /// The dataset path, the loaded dataset and the prepared inputs of `suite`.
    public func prepare(_ suite: Suite) throws -> (inputs: PreparedInputs, dataset: ImageDataset) {
        AtomicWrite.removeLeftovers(in: [dataDirectory, checkpointDirectory])  // of imports and trainings killed before
        let datasetPath = try datasetFile(suite.dataset, suiteFile: suite.file)
        let dataset = try DatasetFile.read(path: datasetPath)
        let datasetReference = FileReference(path: datasetPath, sha256: try sha256Hex(ofFile: datasetPath))
        var architectures: [String: Architecture] = [:]
        for model in suite.models {  // check every model before training any
            switch model.origin {
            case .checkpoint(let given):
                guard FileManager.default.fileExists(atPath: given) else {
                    throw BenchError.suite(file: suite.file, key: "\(model.key).path", message: "checkpoint \(given) does not exist")
                }
                if model.validation == .holdout {
                    try SuitePreparer.requireHoldout(checkpoint: given, dataset: dataset, suite: suite, key: model.key)
                }
            case .train(let given, _):
                architectures[model.name] = try SuitePreparer.architecture(given, for: dataset, suite: suite, key: model.key)
            }
        }
        var models: [(name: String, checkpoint: FileReference)] = []
        for model in suite.models {
            let path: String
            switch model.origin {
            case .checkpoint(let given): path = given
            case .train(_, let recipe):
                guard let architecture = architectures[model.name] else { continue }
                path = try trainedCheckpoint(name: model.name, architecture: architecture, recipe: recipe,
                                             dataset: dataset, datasetReference: datasetReference)
            }
            models.append((model.name, FileReference(path: path, sha256: try sha256Hex(ofFile: path))))
            if architectures[model.name] == nil,
               let recorded = try? Checkpoint.read(path: path).decodeArchitecture(as: Architecture.self) {
                architectures[model.name] = recorded
            }
        }
        return (PreparedInputs(dataset: datasetReference, datasetName: dataset.name, models: models,
                               architectures: architectures), dataset)
    }

    /// The dataset file of `source`, importing Fashion-MNIST first when it is missing.
    func datasetFile(_ source: Suite.DatasetSource, suiteFile: String) throws -> String {
        switch source {
        case .file(let path):
            guard FileManager.default.fileExists(atPath: path) else {
                throw BenchError.suite(file: suiteFile, key: "dataset", message: "dataset file \(path) does not exist")
            }
            return path
        case .fashionMNIST:
            let path = "\(dataDirectory)/fashion-mnist.h5"
            if !FileManager.default.fileExists(atPath: path) {
                log("importing Fashion-MNIST into \(path)")
                try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
                try DatasetFile.write(try FashionMNIST.load(), to: path)
            }
            return path
        }
    }

    /// The architecture a suite describes, completed with the dataset's classes and input shape, and
    /// checked by building it once; errors name the suite file and the model's key.
    static func architecture(_ given: JSONValue, for dataset: ImageDataset, suite: Suite, key: String) throws -> Architecture {
        let shape = dataset.train.imageShape
        let implied: JSONValue = .object([
            "classes": .number(Double(dataset.classCount)), "inputChannels": .number(Double(shape[0])),
            "inputSize": .array([.number(Double(shape[1])), .number(Double(shape[2]))]),
        ])
        do {
            let architecture = try implied.merging(given).decode(Architecture.self)
            var random = SeededGenerator(seed: 0)
            _ = try Model(architecture, random: &random)
            return architecture
        } catch {
            throw BenchError.suite(file: suite.file, key: "\(key).architecture", message: "\(error)")
        }
    }

    /// The cached checkpoint of `name` trained by `recipe` with the standard validation holdout, training
    /// and writing it when it is missing or does not record that holdout (a checkpoint from before holdouts).
    func trainedCheckpoint(name: String, architecture: Architecture, recipe: TrainingRecipe, dataset: ImageDataset,
                           datasetReference: FileReference) throws -> String {
        let holdout = try ValidationHoldout.choose(count: ValidationHoldout.defaultCount(for: dataset.train), from: dataset.train)
        let identity: JSONValue = .object([
            "architecture": try JSONValue(encoding: architecture), "dataset": .string(datasetReference.sha256),
            "recipe": try JSONValue(encoding: recipe), "engine": .string(PruneBenchVersion.engine),
            "validationHoldout": try JSONValue(encoding: holdout),
        ])
        let path = "\(checkpointDirectory)/\(name)-\(identity.canonicalDigest.prefix(16)).h5"
        if FileManager.default.fileExists(atPath: path) {
            if try Checkpoint.read(path: path).validationHoldout() == holdout {
                log("reusing \(path)")
                return path
            }
            log("\(path) does not record the validation holdout it must have been trained without; retraining")
        }
        let length = recipe.steps.map { "\($0) steps" } ?? "\(recipe.epochs) epochs"
        log("training \(name) (\(length), \(holdout.count) examples held out for validation) into \(path)")
        let training = try CheckpointTraining(architecture: architecture, recipe: recipe, dataset: dataset,
                                              holdoutCount: holdout.count, threads: threads)
        let (checkpoint, record) = try training.run()
        log(String(format: "trained %@: test top-1 %.2f%%, %.1f s", name, (record.test?.top1 ?? .nan) * 100, record.wallSeconds))
        try FileManager.default.createDirectory(atPath: checkpointDirectory, withIntermediateDirectories: true)
        try checkpoint.write(to: path)
        return path
    }

    /// Throws unless the checkpoint at `path` records a validation holdout that matches `dataset`
    /// (a suite's `checkpoints` entry without `validation: carve`).
    static func requireHoldout(checkpoint path: String, dataset: ImageDataset, suite: Suite, key: String) throws {
        let holdout: ValidationHoldout?
        do { holdout = try Checkpoint.read(path: path).validationHoldout() } catch {
            throw BenchError.suite(file: suite.file, key: "\(key).path", message: "\(error)")
        }
        guard let holdout else {
            throw BenchError.suite(file: suite.file, key: "\(key).path", message: Runner.missingHoldout(checkpoint: path))
        }
        do { _ = try holdout.indices(in: dataset.train) } catch {
            throw BenchError.suite(file: suite.file, key: "\(key).path",
                                   message: "checkpoint \(path): its validation holdout does not match the dataset: \(error)")
        }
    }
}
