import Foundation
import Data
import NN
import Testing
import Training

/// A small MLP over `[N, 1, 4, 4]` inputs, as a `Network`.
final class TinyNet: Network {
    let root: Sequential

    init(seed: UInt64, hidden: Int = 16, classes: Int = 3) {
        var random = SeededGenerator(seed: seed).derived("init")
        root = Sequential([
            ("flatten", Flatten()),
            ("fc1", Linear(inFeatures: 16, outFeatures: hidden, random: &random)),
            ("relu", ReLU()),
            ("drop", Dropout(probability: 0.2)),
            ("fc2", Linear(inFeatures: hidden, outFeatures: classes, random: &random)),
        ])
    }

    func forward(_ input: Tensor, context: ForwardContext) -> Tensor { root.forward(input, context: context) }
    func backward(_ gradOutput: Tensor) -> Tensor { root.backward(gradOutput) }
    var parameters: [(name: String, parameter: Parameter)] { root.namedParameters() }
}

/// A learnable toy problem: class c images are bright in row c (plus noise).
func toyProblem(_ n: Int, seed: UInt64) -> ImageSplit {
    var random = SeededGenerator(seed: seed)
    var values: [Float] = []
    var labels: [Int32] = []
    for i in 0..<n {
        let c = i % 3
        labels.append(Int32(c))
        for k in 0..<16 { values.append((k / 4 == c ? 200 : 50) + 40 * random.nextNormal()) }
    }
    return ImageSplit(images: Tensor(shape: [n, 1, 4, 4], values: values), labels: labels)
}

let toyNorm = Normalization(scale: 1.0 / 255, mean: [0.3], std: [0.3])

@Suite struct TrainerTests {
    func train(seed: UInt64, steps: Int, threads: Int = 1, augmentation: Augmentation = .none) throws -> TinyNet {
        let net = TinyNet(seed: seed)
        let recipe = TrainingRecipe(steps: steps, batchSize: 16, optimizer: .sgd(lr: 0.05, weightDecay: 1e-4),
                                    augmentation: augmentation, seed: seed)
        let trainer = try Trainer(network: net, train: toyProblem(96, seed: 1), normalization: toyNorm,
                                  recipe: recipe, threads: threads)
        try trainer.run()
        return net
    }

    @Test func sameSeedGivesBitIdenticalWeights() throws {
        let aug = Augmentation(cropPadding: 1, horizontalFlip: true)
        let a = try train(seed: 4, steps: 15, augmentation: aug), b = try train(seed: 4, steps: 15, augmentation: aug)
        let c = try train(seed: 5, steps: 15, augmentation: aug)
        for ((name, p), (_, q)) in zip(a.parameters, b.parameters) {
            #expect(p.value.isBitwiseEqual(to: q.value), "\(name) differs between identical runs")
        }
        #expect(zip(a.parameters, c.parameters).contains { !$0.1.value.isBitwiseEqual(to: $1.1.value) })
    }

    @Test func trainingLearnsAndEvaluationCountsEveryExample() throws {
        let net = TinyNet(seed: 0)
        let test = toyProblem(101, seed: 2)
        let before = try evaluate(model: net, split: test, normalization: toyNorm, batchSize: 25)
        var epochs: [EpochInfo] = []
        let recipe = TrainingRecipe(epochs: 5, batchSize: 16, optimizer: .sgd(lr: 0.1))
        let trainer = try Trainer(network: net, train: toyProblem(96, seed: 1), normalization: toyNorm, recipe: recipe)
        trainer.hooks.afterEpoch = { epochs.append($0) }
        let summary = try trainer.run()
        let after = try evaluate(model: net, split: test, normalization: toyNorm, batchSize: 25)
        #expect(summary.steps == 30 && summary.epochs == 5 && !summary.stoppedEarly)
        #expect(epochs.map(\.epoch) == [0, 1, 2, 3, 4] && epochs.allSatisfy { $0.steps == 6 })
        #expect(try #require(epochs.last).meanLoss < #require(epochs.first).meanLoss)
        #expect(after.count == 101 && after.loss < before.loss && after.top1 > 0.9)
        // top-1 is a multiple of 1/101: the true example count, with a partial last batch.
        #expect(abs(after.top1 * 101 - (after.top1 * 101).rounded()) < 1e-9)
        #expect(after.top5 == 1)  // three classes: every label is in the top five
    }

    @Test func hooksSeeGradientsMasksAndCanStop() throws {
        let net = TinyNet(seed: 1)
        let fc1 = try #require(net.parameters.first { $0.name == "fc1.weight" }).parameter
        fc1.mask = Tensor(shape: fc1.value.shape, values: (0..<fc1.value.count).map { $0 % 2 == 0 ? 1 : 0 })
        let recipe = TrainingRecipe(epochs: 3, batchSize: 16,
                                    optimizer: .sgd(lr: 0.1, momentum: 0.9, nesterov: true, weightDecay: 5e-4))
        let trainer = try Trainer(network: net, train: toyProblem(96, seed: 1), normalization: toyNorm, recipe: recipe)
        var sawGradient = false, steps: [Int] = [], activations = Set<String>()
        trainer.hooks.afterBackward = { _ in sawGradient = sawGradient || fc1.gradient.values.contains { $0 != 0 } }
        trainer.hooks.afterStep = { info in
            steps.append(info.step)
            #expect((0..<fc1.value.count).allSatisfy { $0 % 2 == 0 || fc1.value[flat: $0] == 0 })
        }
        trainer.hooks.forwardObserver = { activations.insert($0.path) }
        trainer.hooks.shouldStop = { $0.step == 6 }
        let first = try trainer.run()
        #expect(sawGradient && first.stoppedEarly && first.steps == 7 && steps == Array(0...6))
        #expect(activations.isSuperset(of: ["fc1", "relu", "fc2"]))
        trainer.hooks.shouldStop = nil
        let rest = try trainer.run()  // continues to the planned 18 steps
        #expect(rest.steps == 11 && trainer.step == 18 && steps == Array(0..<18))
    }

    @Test func recipeDefaultsAndValidation() throws {
        let recipe = try JSONDecoder().decode(TrainingRecipe.self, from: Data(#"{"epochs": 3}"#.utf8))
        #expect(recipe.batchSize == 128 && recipe.optimizer == .sgd(lr: 0.1, momentum: 0.9))
        #expect(recipe.schedule == .cosine() && recipe.totalSteps(examples: 1000) == 24)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(TrainingRecipe.self, from: Data(#"{"batchSize": 0}"#.utf8))
        }
        let encoded = String(decoding: try JSONEncoder().encode(TrainingRecipe(steps: 50)), as: UTF8.self)
        #expect(encoded == #"{"steps":50}"#)
        let badLabels = ImageSplit(images: Tensor(zeros: [4, 1, 4, 4]), labels: [0, 1, 7, 2])
        let trainer = try Trainer(network: TinyNet(seed: 0), train: badLabels, normalization: toyNorm,
                                  recipe: TrainingRecipe(steps: 1, batchSize: 4))
        #expect(throws: TrainingError.self) { try trainer.run() }
    }
}
