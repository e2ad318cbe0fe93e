import Data
import Foundation
import NN
import Training

/// Makes a suite's inputs exist: imports the dataset, trains the models it asks for (once: the
/// checkpoint's file name carries a digest of what it was trained from), and hashes every file.
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
        }
        return (PreparedInputs(dataset: datasetReference, datasetName: dataset.name, models: models), dataset)
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

    /// The cached checkpoint of `name` trained by `recipe`, training and writing it when missing.
    func trainedCheckpoint(name: String, architecture: Architecture, recipe: TrainingRecipe, dataset: ImageDataset,
                           datasetReference: FileReference) throws -> String {
        let identity: JSONValue = .object([
            "architecture": try JSONValue(encoding: architecture), "dataset": .string(datasetReference.sha256),
            "recipe": try JSONValue(encoding: recipe), "engine": .string(PruneBenchVersion.engine),
        ])
        let path = "\(checkpointDirectory)/\(name)-\(identity.canonicalDigest.prefix(16)).h5"
        if FileManager.default.fileExists(atPath: path) {
            log("reusing \(path)")
            return path
        }
        log("training \(name) (\(recipe.epochs) epochs) into \(path)")
        var initRandom = SeededGenerator(seed: recipe.seed).derived("init")
        let model = try Model(architecture, random: &initRandom)
        let trainer = try Trainer(network: model, train: dataset.train, normalization: dataset.normalization,
                                  recipe: recipe, threads: threads)
        let summary = try trainer.run()
        let test = try evaluate(model: model, split: dataset.test, normalization: dataset.normalization, threads: threads)
        log(String(format: "trained %@: test top-1 %.2f%%, %.1f s", name, test.top1 * 100, summary.wallSeconds))
        var checkpoint = Checkpoint(tensors: model.stateDict())
        try checkpoint.setArchitecture(architecture)
        checkpoint.dataset = dataset.name
        try checkpoint.setTraining(TrainingRecord(recipe: recipe, summary: summary, test: test))
        try FileManager.default.createDirectory(atPath: checkpointDirectory, withIntermediateDirectories: true)
        try checkpoint.write(to: path)
        return path
    }
}

/// How a cached checkpoint was trained (stored in its `training` attribute).
struct TrainingRecord: Codable {
    var recipe: TrainingRecipe
    var summary: TrainingSummary
    var test: Evaluation
}
