import Foundation
import Testing
@testable import NN

@Suite struct LayerTests {
    /// A tensor whose entries are distinct multiples of 0.01 (no ties or near-ties for max-pool FD checks).
    func distinctTensor(_ shape: [Int], _ random: inout SeededGenerator) -> Tensor {
        let count = shape.reduce(1, *)
        let order = random.permutation(count)
        return Tensor(shape: shape, values: order.map { Float($0 - count / 2) * 0.01 })
    }

    /// Max-pool backward vs central differences (h = 1e-3 < half the 0.01 gap; tolerance 1e-2).
    @Test func maxPoolGradients() {
        var random = SeededGenerator(seed: 20)
        GradientCheck(step: 1e-3).check(MaxPool2d(kernelSize: 2), input: distinctTensor([2, 3, 6, 7], &random))
        GradientCheck(step: 1e-3).check(MaxPool2d(kernelSize: 3, stride: 2), input: distinctTensor([1, 2, 7, 5], &random))
    }

    /// Max-pool forward on a hand-checked plane, including overlapping windows.
    @Test func maxPoolValues() {
        let x = Tensor(shape: [1, 1, 3, 3], values: [1, 5, 2, 4, 3, 9, 0, 8, 7])
        let y = MaxPool2d(kernelSize: 2, stride: 1).forward(x, context: ForwardContext(mode: .inference))
        #expect(y.values == [5, 9, 8, 9])
        let avg = AvgPool2d(kernelSize: 2, stride: 1).forward(x, context: ForwardContext(mode: .inference))
        let expectedMeans: [Float] = [13.0 / 4, 19.0 / 4, 15.0 / 4, 27.0 / 4]
        #expect(avg.values == expectedMeans)
    }

    /// Average-pool and global-average-pool backward vs central differences (tolerance 1e-2).
    @Test func averagePoolGradients() {
        var random = SeededGenerator(seed: 21)
        GradientCheck().check(AvgPool2d(kernelSize: 2), input: randomTensor([2, 2, 5, 6], &random))
        GradientCheck().check(AvgPool2d(kernelSize: 3, stride: 2), input: randomTensor([1, 3, 7, 7], &random))
        GradientCheck().check(GlobalAvgPool2d(), input: randomTensor([3, 4, 5, 3], &random))
        let flat = Sequential([Flatten(), Linear(inFeatures: 12, outFeatures: 2, random: &random)])
        GradientCheck().check(flat, input: randomTensor([2, 3, 2, 2], &random))
    }

    /// Batch norm backward vs central differences in training and inference mode (tolerance 1e-2).
    @Test func batchNormGradients() {
        var random = SeededGenerator(seed: 22)
        let bn2 = BatchNorm2d(features: 3)
        for i in 0..<3 { bn2.weight.value.data[i] = random.nextUniform(0.5, 1.5); bn2.bias.value.data[i] = 0.1 * Float(i) }
        GradientCheck().check(bn2, input: randomTensor([4, 3, 3, 2], &random, low: -2, high: 3))
        let bn1 = BatchNorm1d(features: 5)
        GradientCheck().check(bn1, input: randomTensor([6, 5], &random))
        for i in 0..<3 { bn2.runningMean.data[i] = 0.3; bn2.runningVar.data[i] = 2 }
        GradientCheck(mode: .inference).check(bn2, input: randomTensor([2, 3, 2, 2], &random))
    }

    /// Running statistics follow PyTorch: momentum 0.1, unbiased variance, num_batches_tracked counts.
    @Test func batchNormRunningStatistics() {
        // Channel values [1, 2, 3, 6]: mean 3, biased var 3.5, unbiased var 14/3.
        let bn = BatchNorm1d(features: 1)
        let x = Tensor(shape: [4, 1], values: [1, 2, 3, 6])
        let training = ForwardContext(mode: .training)
        let y = bn.forward(x, context: training)
        let scale = 1 / (3.5 + 1e-5).squareRoot()
        for (i, v) in [1.0, 2, 3, 6].enumerated() { #expect(abs(Double(y.data[i]) - (v - 3) * scale) < 1e-6) }
        #expect(abs(bn.runningMean.data[0] - 0.3) < 1e-7)
        let expectedVar: Double = 0.9 + 0.1 * 14.0 / 3
        #expect(abs(Double(bn.runningVar.data[0]) - expectedVar) < 1e-6)
        _ = bn.forward(x, context: training)
        #expect(abs(bn.runningMean.data[0] - 0.57) < 1e-6)
        let afterOne: Double = 0.9 + 0.1 * 14.0 / 3
        let afterTwo: Double = 0.9 * afterOne + 0.1 * 14.0 / 3
        #expect(abs(Double(bn.runningVar.data[0]) - afterTwo) < 1e-6)
        #expect(bn.numBatchesTracked.shape == [] && bn.numBatchesTracked.data[0] == 2)
        // Inference uses the running statistics and leaves them alone.
        let z = bn.forward(x, context: ForwardContext(mode: .inference))
        let rv = Double(bn.runningVar.data[0])
        #expect(abs(Double(z.data[3]) - (6 - 0.57) / (rv + 1e-5).squareRoot()) < 1e-5)
        #expect(bn.numBatchesTracked.data[0] == 2)
        // 2-D: channel 0 holds [1, 3, 5, 7] (mean 4, unbiased var 20/3), channel 1 [0, 0, 0, 4] (mean 1, 4).
        let bn2 = BatchNorm2d(features: 2, momentum: 0.5)
        _ = bn2.forward(Tensor(shape: [2, 2, 1, 2], values: [1, 3, 0, 0, 5, 7, 0, 4]), context: training)
        #expect(bn2.runningMean.values == [2, 0.5])
        #expect(abs(Double(bn2.runningVar.data[0]) - (0.5 + 0.5 * 20.0 / 3)) < 1e-6)
        #expect(abs(bn2.runningVar.data[1] - 2.5) < 1e-6)
        #expect(bn2.namedBuffers().map(\.name) == ["running_mean", "running_var", "num_batches_tracked"])
    }

    /// Dropout: the same seed gives the same mask, kept entries are scaled by 1/(1-p), inference is identity.
    @Test func dropoutDeterminism() {
        let x = Tensor(shape: [64, 50], repeating: 2)
        let layer = Dropout(probability: 0.25)
        let a = layer.forward(x, context: ForwardContext(mode: .training, random: SeededGenerator(seed: 5)))
        let b = layer.forward(x, context: ForwardContext(mode: .training, random: SeededGenerator(seed: 5)))
        let c = layer.forward(x, context: ForwardContext(mode: .training, random: SeededGenerator(seed: 6)))
        #expect(a.isBitwiseEqual(to: b))
        #expect(!a.isBitwiseEqual(to: c))
        #expect(a.values.allSatisfy { $0 == 0 || abs($0 - 2 / 0.75) < 1e-6 })
        let kept = Double(a.values.filter { $0 != 0 }.count) / Double(a.count)
        #expect(abs(kept - 0.75) < 0.03)  // 3200 draws: 3σ ≈ 0.023
        #expect(layer.forward(x, context: ForwardContext(mode: .inference)) === x)
        var random = SeededGenerator(seed: 55)
        GradientCheck().check(Dropout(probability: 0.4), input: randomTensor([3, 7], &random))
    }

    /// Residual blocks: naming as PyTorch's BasicBlock, and backward vs central differences (tolerance 1e-2).
    @Test func residualBlock() {
        var random = SeededGenerator(seed: 23)
        func block(_ shortcut: Bool, _ activation: Bool) -> Residual {
            Residual(main: [("conv1", Conv2d(inChannels: 2, outChannels: 3, kernelSize: 3, stride: 2, padding: 1,
                                              bias: false, random: &random)),
                            ("bn1", BatchNorm2d(features: 3)), ("relu", ReLU()),
                            ("conv2", Conv2d(inChannels: 3, outChannels: 3, kernelSize: 3, padding: 1, random: &random))],
                     shortcut: shortcut ? ("shortcut", Sequential([Conv2d(inChannels: 2, outChannels: 3, kernelSize: 1,
                                                                          stride: 2, bias: false, random: &random),
                                                                   BatchNorm2d(features: 3)])) : nil,
                     activation: activation)
        }
        let withShortcut = block(true, true)
        let expectedNames: [String] = ["conv1.weight", "bn1.weight", "bn1.bias", "conv2.weight", "conv2.bias",
                                       "shortcut.0.weight", "shortcut.1.weight", "shortcut.1.bias"]
        let names = withShortcut.namedParameters().map(\.name)
        #expect(names == expectedNames)
        GradientCheck(step: 1e-3).check(withShortcut, input: randomTensor([3, 2, 5, 5], &random))
        GradientCheck(step: 1e-3).check(block(true, false), input: randomTensor([2, 2, 4, 4], &random))
        let identity = Residual(main: [("conv1", Conv2d(inChannels: 2, outChannels: 2, kernelSize: 3, padding: 1,
                                                        random: &random))], shortcut: nil, activation: false)
        GradientCheck().check(identity, input: randomTensor([2, 2, 4, 3], &random))
    }
}

