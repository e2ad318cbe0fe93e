import Foundation
import NN
import Pruning
import Testing
import Training

/// ToST's ghost components (tost.md tricks 1 and 2, card tests 2 and 3): with λ = α = 0 the ghost network
/// is the plain model bit for bit, in both passes; with ghosts on it differs and its gradients are right.
@Suite struct GhostNetworkTests {
    /// A small CIFAR-style ResNet (9 BasicBlocks, widths 2/4/4, 1×1-conv shortcuts) on 6×6 inputs.
    static let resnet = Architecture(name: "resnet20", classes: 3, inputChannels: 1, inputSize: [6, 6],
                                     widths: [2, 4, 4], shortcut: "B")

    static func model(_ architecture: Architecture) throws -> Model {
        var random = SeededGenerator(seed: 11)
        return try Model(architecture, random: &random)
    }

    /// Eight standard-normal 1×6×6 inputs.
    static func batch() throws -> Tensor {
        var random = SeededGenerator(seed: 5)
        return Tensor(shape: [8, 1, 6, 6], values: (0..<288).map { _ in random.nextNormal() })
    }

    @Test(arguments: [Fixtures.architecture, GhostNetworkTests.resnet])
    func annealedGhostsAreThePlainModelBitForBit(architecture: Architecture) throws {
        let plain = try Self.model(architecture), ghosted = try Self.model(architecture)
        let ghost = GhostNetwork(model: ghosted, options: GhostOptions())
        ghost.anneal(lambda: 0, alpha: 0)
        let input = try Self.batch()
        let a = plain.forward(input, context: ForwardContext(mode: .training, random: SeededGenerator(seed: 7)))
        let b = ghost.forward(input, context: ForwardContext(mode: .training, random: SeededGenerator(seed: 7)))
        #expect(a.isBitwiseEqual(to: b))
        var random = SeededGenerator(seed: 3)
        let upstream = Tensor(shape: a.shape, values: (0..<a.count).map { _ in random.nextNormal() })
        plain.zeroGradients()
        ghosted.zeroGradients()
        _ = plain.backward(upstream)
        _ = ghost.backward(upstream)
        #expect(zip(plain.parameters, ghosted.parameters).allSatisfy { $0.parameter.gradient.isBitwiseEqual(to: $1.parameter.gradient) })
        #expect(zip(plain.buffers, ghosted.buffers).allSatisfy { $0.tensor.isBitwiseEqual(to: $1.tensor) })
        // Ghosts on: another function; the ghosts' parameters are extra and never in the model's state.
        ghost.anneal(lambda: 1, alpha: 1)
        let c = ghost.forward(input, context: ForwardContext(mode: .training, random: SeededGenerator(seed: 7)))
        #expect(!c.isBitwiseEqual(to: a))
        #expect(ghost.ghostParameters.allSatisfy { $0.name.hasPrefix("ghost.") })
        #expect(ghosted.stateDict().map(\.name) == plain.stateDict().map(\.name))
        // Fixture: one shape-keeping conv → one path; ResNet: the stem conv plus two per block (9 blocks).
        let paths = architecture.name == "resnet20" ? 1 + 2 * 9 : 1
        #expect(ghost.ghostParameters.count == 3 * paths)
        #expect(ghost.ghostParameters.filter { $0.name.hasSuffix("conv.weight") }.allSatisfy {
            $0.parameter.value.values.allSatisfy { $0 == 1e-4 }
        })
    }

    /// Card test 2: φ with λ = 1 is Swish x·σ(x), with λ = ½ the mean of Swish and ReLU (by hand).
    @Test func ghostActivationBlendsSwishAndReLU() {
        let schedule = GhostSchedule()
        let activation = GhostActivation(relu: ReLU(), beta: 1, schedule: schedule)
        let xs: [Float] = [-3, -0.5, 0, 0.25, 2]
        let input = Tensor(shape: [5], values: xs)
        let swish = xs.map { Double($0) / (1 + exp(-Double($0))) }
        let full = activation.forward(input, context: ForwardContext(mode: .training)).values
        for (y, s) in zip(full, swish) { #expect(abs(Double(y) - s) < 1e-6) }
        schedule.lambda = 0.5
        let half = activation.forward(input, context: ForwardContext(mode: .training)).values
        for (i, y) in half.enumerated() { #expect(abs(Double(y) - 0.5 * (swish[i] + max(Double(xs[i]), 0))) < 1e-6) }
        #expect(activation.current === activation)
        schedule.lambda = 0
        #expect(activation.current === activation.relu)
    }

    /// With ghosts half on, parameter gradients (a model weight and a ghost conv weight) match central
    /// differences of L = Σ r ⊙ output (training mode, dropout off, so passes are deterministic).
    @Test func ghostGradientsMatchFiniteDifferences() throws {
        let model = try Self.model(GhostNetworkTests.resnet)
        let ghost = GhostNetwork(model: model, options: GhostOptions(dropout: false))
        ghost.anneal(lambda: 0.5, alpha: 0.5)
        let input = try Self.batch()
        var random = SeededGenerator(seed: 9)
        let probe = ghost.forward(input, context: ForwardContext(mode: .training))
        let r = Tensor(shape: probe.shape, values: (0..<probe.count).map { _ in random.nextNormal() })
        func loss() -> Double {
            let y = ghost.forward(input, context: ForwardContext(mode: .training))
            return zip(y.values, r.values).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        _ = loss()
        for entry in ghost.parameters { entry.parameter.zeroGradient() }
        _ = ghost.backward(r)
        let checked = ghost.parameters.filter { $0.name == "layer1.0.conv1.weight" || $0.name == "ghost.layer1.0.jump1.conv.weight" }
        #expect(checked.count == 2)
        for (name, parameter) in checked {
            for index in [0, 3] {
                let original = parameter.value[flat: index]
                let h = 1e-2 * max(abs(original), 1e-4)
                parameter.value[flat: index] = original + h
                let up = loss()
                parameter.value[flat: index] = original - h
                let down = loss()
                parameter.value[flat: index] = original
                let numeric = (up - down) / (2 * Double(h))
                let analytic = Double(parameter.gradient[flat: index])
                #expect(abs(numeric - analytic) <= 0.05 * max(abs(numeric), 0.05), "\(name)[\(index)]: \(numeric) vs \(analytic)")
            }
        }
    }
}
