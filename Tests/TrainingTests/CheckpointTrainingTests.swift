import Foundation
import Data
import NN
import Testing
import Training

/// Checkpoint training (`prunebench train` and the suites' cached checkpoints) never sees its holdout.
@Suite struct CheckpointTrainingTests {
    /// The toy problem on 300 examples whose last pixel holds the example's index.
    static func dataset() -> ImageDataset {
        let train = toyProblem(300, seed: 1)
        for n in 0..<train.count { train.images[flat: n * 16 + 15] = Float(n) }
        return ImageDataset(name: "toy", classNames: ["a", "b", "c"], normalization: toyNorm, source: "synthetic",
                            train: train, test: toyProblem(60, seed: 2))
    }

    static let architecture = Architecture(name: "mlp", classes: 3, inputChannels: 1, inputSize: [4, 4], widths: [8])

    /// Trains 3 epochs with `holdoutCount` and returns the training and the indices of every example the
    /// network's forward passes received (read back from the normalised inputs).
    static func examplesSeen(holdoutCount: Int?) throws -> (training: CheckpointTraining, seen: [Int]) {
        let recipe = TrainingRecipe(epochs: 3, batchSize: 32, optimizer: .sgd(lr: 0.05))
        let training = try CheckpointTraining(architecture: architecture, recipe: recipe, dataset: dataset(),
                                              holdoutCount: holdoutCount, threads: 1)
        var seen: [Int] = []
        training.trainer.hooks.forwardObserver = { event in
            guard event.path == "flatten" else { return }
            for b in 0..<event.input.shape[0] {
                let pixel = (event.input[flat: b * 16 + 15] * toyNorm.std[0] + toyNorm.mean[0]) / toyNorm.scale
                seen.append(Int(pixel.rounded()))
            }
        }
        _ = try training.run()
        return (training, seen)
    }

    @Test func trainingNeverSeesTheHeldOutExamplesAndSeesAllOthers() throws {
        let (training, seen) = try Self.examplesSeen(holdoutCount: 30)
        let holdout = try #require(training.holdout)
        let held = Set(try holdout.indices(in: Self.dataset().train))
        #expect(held.count == 30)
        #expect(seen.count == 3 * 270)  // three epochs over the 270 examples that remain
        #expect(Set(seen).isDisjoint(with: held))
        #expect(Set(seen) == Set(0..<300).subtracting(held))
        // Without a holdout every example is seen.
        let (_, all) = try Self.examplesSeen(holdoutCount: nil)
        #expect(Set(all) == Set(0..<300))
    }

    @Test func theCheckpointRecordsTheHoldoutItWasTrainedWithout() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pb-ckpt-\(UUID().uuidString).h5").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let dataset = Self.dataset()
        let training = try CheckpointTraining(architecture: Self.architecture, recipe: TrainingRecipe(steps: 2, batchSize: 32),
                                              dataset: dataset, holdoutCount: 30, threads: 1)
        let (checkpoint, record) = try training.run()
        try checkpoint.write(to: directory)
        let stored = try Checkpoint.read(path: directory)
        let holdout = try #require(try stored.validationHoldout())
        #expect(holdout == training.holdout && record.validationHoldout == holdout)
        #expect(try ValidationHoldout.choose(count: 30, from: dataset.train) == holdout)
        #expect(try stored.decodeTraining(as: TrainingRecord.self) == record)
        #expect(training.validation?.count == 30)
        #expect(stored.dataset == "toy" && stored.architecture != nil)
    }
}
