import Data
import NN
import Testing
import Training

/// Training zoo models end to end: determinism with two threads, masks through real training.
@Suite struct ModelTrainingTests {
    /// 64 random 28×28 images with labels from a fixed stream.
    func randomSplit(seed: UInt64) -> ImageSplit {
        var random = SeededGenerator(seed: seed)
        let images = Tensor(shape: [64, 1, 28, 28], values: (0..<(64 * 784)).map { _ in Float(random.nextIndex(below: 256)) })
        return ImageSplit(images: images, labels: (0..<64).map { _ in Int32(random.nextIndex(below: 10)) })
    }

    func trainLeNet5(seed: UInt64, threads: Int) throws -> Model {
        var initStream = SeededGenerator(seed: seed).derived("init")
        let model = try Model(Architecture(name: "lenet5", classes: 10, inputChannels: 1, inputSize: [28, 28]),
                              random: &initStream)
        let fc1 = try #require(model.parameters.first { $0.name == "fc1.weight" }).parameter
        fc1.mask = Tensor(shape: fc1.value.shape, values: (0..<fc1.value.count).map { $0 % 4 == 0 ? 0 : 1 })
        let recipe = TrainingRecipe(steps: 6, batchSize: 16, optimizer: .sgd(lr: 0.05, nesterov: true, weightDecay: 5e-4),
                                    augmentation: Augmentation(cropPadding: 2, horizontalFlip: true), seed: seed)
        let trainer = try Trainer(network: model, train: randomSplit(seed: 9),
                                  normalization: Normalization(scale: 1.0 / 255, mean: [0.286], std: [0.353]),
                                  recipe: recipe, threads: threads)
        try trainer.run()
        #expect((0..<fc1.value.count).allSatisfy { $0 % 4 != 0 || fc1.value[flat: $0] == 0 })
        return model
    }

    @Test func leNet5TrainsBitIdenticallyWithTwoThreads() throws {
        let a = try trainLeNet5(seed: 3, threads: 2), b = try trainLeNet5(seed: 3, threads: 2)
        for ((name, x), (_, y)) in zip(a.stateDict(), b.stateDict()) {
            #expect(x.isBitwiseEqual(to: y), "\(name) differs between identical runs")
        }
        var untrainedStream = SeededGenerator(seed: 3).derived("init")
        let untrained = try Model(a.architecture, random: &untrainedStream)
        #expect(zip(a.stateDict(), untrained.stateDict()).contains { !$0.1.isBitwiseEqual(to: $1.1) })
    }
}
