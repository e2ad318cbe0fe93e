import Data
import Foundation
import NN
import Pruning
import Training

/// A tiny conv + batch norm + linear network and a small synthetic dataset for session tests.
enum Fixtures {
    /// conv(1→4, 3×3, pad 1) · BN · ReLU · maxpool 2 · flatten · linear(36→12) · ReLU · dropout · linear(12→3).
    static let architecture = Architecture(
        name: "sequential", classes: 3, inputChannels: 1, inputSize: [6, 6],
        layers: [
            LayerSpec(.conv2d, out: 4, kernel: 3, padding: 1), LayerSpec(.batchnorm), LayerSpec(.relu),
            LayerSpec(.maxpool, kernel: 2), LayerSpec(.flatten), LayerSpec(.linear, out: 12), LayerSpec(.relu),
            LayerSpec(.dropout, probability: 0.1), LayerSpec(.linear),
        ])

    /// The "dense checkpoint": the architecture initialised from seed 42.
    static func model() throws -> Model {
        var random = SeededGenerator(seed: 42)
        return try Model(architecture, random: &random)
    }

    /// `count` images 1×6×6 in 0…255 whose label is the brightest third of the image (rows 0–1, 2–3, 4–5).
    static func split(count: Int, seed: UInt64) -> ImageSplit {
        var random = SeededGenerator(seed: seed)
        let images = Tensor(zeros: [count, 1, 6, 6])
        var labels: [Int32] = []
        for n in 0..<count {
            let label = random.nextIndex(below: 3)
            for i in 0..<36 {
                let bright = i / 12 == label
                images[flat: n * 36 + i] = (bright ? random.nextUniform(120, 255) : random.nextUniform(0, 140)).rounded()
            }
            labels.append(Int32(label))
        }
        return ImageSplit(images: images, labels: labels)
    }

    /// 96 training and 32 validation examples (no test split exists for a session).
    static func data() -> SessionData {
        SessionData(training: split(count: 96, seed: 1), validation: split(count: 32, seed: 2),
                    normalization: Normalization(scale: 1 / 255, mean: [0.4], std: [0.3]))
    }

    /// Fine-tuning with momentum, Nesterov and weight decay, so pruned weights would drift if unmasked.
    static let recipe = TrainingRecipe(batchSize: 16, optimizer: .sgd(lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 5e-3))

    /// The dense run the "checkpoint" records: 10 epochs of 6 steps (96 examples, batch 16) at lr 0.1 with
    /// per-step cosine decay to 0, so η_orig(i) = 0.05·(1 + cos(π·i/60)) for i = 0..<60.
    static func originalTraining() throws -> OriginalRun {
        try OriginalRun(baseLR: 0.1, schedule: .cosine(), steps: 60, stepsPerEpoch: 6)
    }

    /// η_orig(i) of `originalTraining()`, from the formula.
    static func originalRate(_ i: Int) -> Double { 0.05 * (1 + cos(Double.pi * Double(i) / 60)) }

    /// A session for `method` at compression `compression` with a 12-step budget; the checkpoint records its
    /// training (`originalTraining()`) unless `recorded` is false (a PyTorch export).
    static func session(_ method: any PruningMethod, compression: Double = 2, seed: UInt64 = 3,
                        budget: Int = 12, recorded: Bool = true) throws -> Session {
        let session = try Session(method: method, model: model(), data: data(), compression: compression, seed: seed,
                                  budget: budget, recipe: recipe)
        if recorded { session.originalTraining = try originalTraining() }
        return session
    }

    /// Records the learning rate of every step of every later `train` call of `session`, by call.
    static func recordRates(_ session: Session) -> RateLog {
        let log = RateLog()
        let model = session.model
        session.trainingAdjustment = { call in
            log.calls.append([])
            return TrainingAdjustment(network: model, afterStep: { log.calls[log.calls.count - 1].append($0.learningRate) })
        }
        return log
    }
}

/// The learning rates of a session's `train` calls, one array per call.
final class RateLog {
    var calls: [[Float]] = []
}
