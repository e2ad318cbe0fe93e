import Foundation
import Testing
@testable import NN

/// Whole-model backward passes against central finite differences.
///
/// The loss is L = Σ output ⊙ R for a fixed random R, so dL/doutput = R. Each checked coordinate must
/// satisfy |analytic − numeric| ≤ 1e-3 + 3e-2 · max(|analytic|, |numeric|) (relative tolerance 3 %),
/// with a step of 1e-3 and the loss summed in Double. Batch norm runs in training mode (batch statistics).
/// Coordinates whose forward and backward differences disagree by more than that tolerance straddle a
/// ReLU/max-pool kink and are skipped; at most a fifth of the coordinates may be skipped.
@Suite struct ModelGradientTests {
    /// Compares the analytic gradients of every parameter and of the input with finite differences.
    func checkGradients(of module: any Module, inputShape: [Int], seed: UInt64 = 3,
                        coordinatesPerTensor: Int = 6) {
        var random = SeededGenerator(seed: seed)
        let input = Tensor(shape: inputShape, values: (0..<inputShape.reduce(1, *)).map { _ in random.nextNormal() })
        func forward() -> Tensor { module.forward(input, context: ForwardContext(mode: .training)) }
        let probe = forward()
        let weights = Tensor(shape: probe.shape, values: (0..<probe.count).map { _ in random.nextNormal() })
        func loss() -> Double {
            let output = forward()
            var sum = 0.0
            for i in 0..<output.count { sum += Double(output[flat: i]) * Double(weights[flat: i]) }
            return sum
        }
        let parameters = module.namedParameters()
        for (_, p) in parameters { p.zeroGradient() }
        _ = forward()
        let inputGradient = module.backward(weights)
        var checked = [(name: "input", value: input, gradient: inputGradient)]
        checked += parameters.map { (name: $0.name, value: $0.parameter.value, gradient: $0.parameter.gradient) }
        var smooth = 0, kinked = 0
        let base = loss()
        for (name, value, gradient) in checked {
            for _ in 0..<min(coordinatesPerTensor, value.count) {
                let i = random.nextIndex(below: value.count)
                let step: Float = 1e-3
                let original = value[flat: i]
                value[flat: i] = original + step
                let plus = loss()
                value[flat: i] = original - step
                let minus = loss()
                value[flat: i] = original
                let forward = (plus - base) / Double(step), backward = (base - minus) / Double(step)
                let numeric = (forward + backward) / 2
                let analytic = Double(gradient[flat: i])
                func tolerance(_ x: Double, _ y: Double) -> Double { 1e-3 + 3e-2 * max(abs(x), abs(y)) }
                // A ReLU or max-pool kink within the step makes the one-sided differences disagree (and
                // biases the central one by half their gap): skip such coordinates.
                guard abs(forward - backward) <= tolerance(forward, backward) else {
                    kinked += 1
                    continue
                }
                smooth += 1
                #expect(abs(numeric - analytic) <= tolerance(numeric, analytic),
                        "\(name)[\(i)]: analytic \(analytic), numeric \(numeric)")
            }
        }
        #expect(kinked * 5 <= smooth + kinked, "\(kinked) of \(smooth + kinked) coordinates hit a kink")
    }

    @Test func tinySequentialModel() throws {
        let architecture = Architecture(
            name: "sequential", classes: 3, inputChannels: 2, inputSize: [6, 6],
            layers: [LayerSpec(.conv2d, out: 4, kernel: 3, padding: 1), LayerSpec(.batchnorm), LayerSpec(.relu),
                     LayerSpec(.maxpool, kernel: 2), LayerSpec(.conv2d, out: 4, kernel: 3, stride: 2, groups: 2),
                     LayerSpec(.avgpool, kernel: 1), LayerSpec(.flatten), LayerSpec(.linear, out: 5),
                     LayerSpec(.batchnorm), LayerSpec(.relu), LayerSpec(.linear)])
        let model = try Zoo.build(architecture)
        checkGradients(of: model.root, inputShape: [4, 2, 6, 6])
    }

    @Test func lenet5() throws {
        let model = try Zoo.build(Architecture(name: "lenet5", classes: 4, inputChannels: 1, inputSize: [12, 12]))
        checkGradients(of: model.root, inputShape: [2, 1, 12, 12])
    }

    @Test(arguments: ["A", "B"])
    func downsamplingResNetBlock(shortcut: String) throws {
        var random = SeededGenerator(seed: 5)
        let (block, output) = try ModelZoo.basicBlock(
            model: "test", input: .image(channels: 2, height: 5, width: 5), width: 4, inner: 3, stride: 2,
            option: shortcut, random: &random)
        #expect(output == .image(channels: 4, height: 3, width: 3))
        checkGradients(of: block, inputShape: [3, 2, 5, 5], coordinatesPerTensor: 10)
    }

    @Test func tinyResNet20() throws {
        let architecture = Architecture(name: "resnet20", classes: 3, inputChannels: 1, inputSize: [8, 8],
                                        widths: [2, 4, 4])
        let model = try Zoo.build(architecture)
        checkGradients(of: model.root, inputShape: [4, 1, 8, 8], coordinatesPerTensor: 3)
    }

    @Test(arguments: ["mlp", "lenet5", "resnet20"])
    func skippingTheInputGradientKeepsParameterGradients(name: String) throws {
        let model = try Zoo.build(Architecture(name: name, classes: 3, inputChannels: 1, inputSize: [12, 12]))
        var random = SeededGenerator(seed: 9)
        let input = Tensor(shape: [2, 1, 12, 12], values: (0..<288).map { _ in random.nextNormal() })
        let gradOutput = Tensor(shape: [2, 3], values: (0..<6).map { _ in random.nextNormal() })
        func gradients() -> (input: Tensor, parameters: [Tensor]) {
            model.zeroGradients()
            _ = model.forward(input, context: ForwardContext(mode: .training))
            let inputGradient = model.backward(gradOutput)
            return (inputGradient, model.parameters.map { $0.parameter.gradient.copy() })
        }
        #expect(model.computesInputGradient)
        let full = gradients()
        model.computesInputGradient = false
        #expect(!model.computesInputGradient)
        let partial = gradients()
        #expect(full.input.values.contains { $0 != 0 })
        #expect(partial.input.values.allSatisfy { $0 == 0 })
        #expect(zip(full.parameters, partial.parameters).allSatisfy { $0.isBitwiseEqual(to: $1) })
    }

    @Test func channelPadShortcutMatchesDefinition() {
        // x[:, :, ::2, ::2] padded with 1 zero channel before and 2 after (in 1 -> out 4: lower = 1).
        let shortcut = ChannelPadShortcut(inChannels: 1, outChannels: 4, stride: 2)
        let input = Tensor(shape: [1, 1, 3, 3], values: (1...9).map(Float.init))
        let output = shortcut.forward(input, context: ForwardContext(mode: .inference))
        #expect(output.shape == [1, 4, 2, 2])
        #expect(output.values == [0, 0, 0, 0, 1, 3, 7, 9] + Array(repeating: 0, count: 8))
        let gradient = shortcut.backward(Tensor(shape: [1, 4, 2, 2], values: (1...16).map(Float.init)))
        #expect(gradient.values == [5, 0, 6, 0, 0, 0, 7, 0, 8])
    }
}
