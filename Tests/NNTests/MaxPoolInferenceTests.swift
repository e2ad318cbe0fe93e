import Testing
@testable import NN

/// The inference max-pool path that records no argmax positions gives the same values as the training path.
@Suite struct MaxPoolInferenceTests {
    @Test(arguments: [(2, 2), (3, 2), (2, 1)])
    func valuesMatchTheTrainingPath(kernel: Int, stride: Int) {
        var random = SeededGenerator(seed: 4)
        let input = Tensor(zeros: [3, 2, 9, 8])
        for i in 0..<input.count { input[flat: i] = random.nextNormal() }
        input[flat: 5] = .nan
        input[flat: 77] = .nan
        let pool = MaxPool2d(kernelSize: kernel, stride: stride)
        let training = pool.forward(input, context: ForwardContext(mode: .training))
        let inference = pool.forward(input, context: ForwardContext(mode: .inference, retainsActivations: false))
        #expect(training.shape == inference.shape)
        #expect((0..<training.count).allSatisfy { training[flat: $0].bitPattern == inference[flat: $0].bitPattern })
        #expect((0..<training.count).contains { training[flat: $0].isNaN })
    }
}
