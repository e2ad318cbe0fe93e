import Foundation
import Testing
@testable import NN

/// The exact Hessian–vector product on small networks: against differences of exact gradients where the
/// loss is smooth, against a Hessian derived by hand, and its errors. (Tests/ModelTests checks it against
/// PyTorch's double backward on the zoo's ReLU and max-pool networks at full size.)
@Suite struct HessianVectorProductTests {
    static let temperature: Float = 3
    static let loss = SoftmaxCrossEntropy(labelSmoothing: 0.1)

    /// conv(4→6, 3×3, stride 2, pad 1, groups 2) · BN · residual[conv(6→8, stride 2) · BN | pad shortcut] ·
    /// avgpool(2, stride 1) · global avgpool · linear(8→10) · BN1d · dropout · linear(10→5): every layer
    /// family but ReLU and max-pool, with no kinks (the residual block has no final ReLU).
    static func smoothNetwork() -> Sequential {
        var random = SeededGenerator(seed: 21)
        let block = Residual(
            main: [("conv1", Conv2d(inChannels: 6, outChannels: 8, kernelSize: 3, stride: 2, padding: 1, bias: false,
                                    random: &random)),
                   ("bn1", BatchNorm2d(features: 8))],
            shortcut: ("shortcut", ChannelPadShortcut(inChannels: 6, outChannels: 8, stride: 2)), activation: false)
        let network = Sequential([
            Conv2d(inChannels: 4, outChannels: 6, kernelSize: 3, stride: 2, padding: 1, groups: 2, random: &random),
            BatchNorm2d(features: 6), block, AvgPool2d(kernelSize: 2, stride: 1), GlobalAvgPool2d(),
            Linear(inFeatures: 8, outFeatures: 10, random: &random), BatchNorm1d(features: 10),
            Dropout(probability: 0.2), Linear(inFeatures: 10, outFeatures: 5, random: &random),
        ])
        for (_, module) in network.namedModules() where module is BatchNorm2d || module is BatchNorm1d {
            // Scales, shifts and running statistics away from 1 and 0, so no term of the R-operator vanishes.
            let tensors = module.localParameters.map { ($0.name, $0.parameter.value) } + module.localBuffers
            for (name, tensor) in tensors where name != "num_batches_tracked" {
                let centre: Float = name == "weight" || name == "running_var" ? 1 : 0
                for i in 0..<tensor.count { tensor[flat: i] = centre + random.nextUniform(-0.5, 0.5) }
            }
        }
        return network
    }

    static func inputs() -> (inputs: Tensor, labels: [Int32]) {
        var random = SeededGenerator(seed: 5)
        let x = Tensor(zeros: [6, 4, 8, 8])
        for i in 0..<x.count { x[flat: i] = random.nextNormal() }
        return (x, (0..<6).map { _ in Int32(random.nextIndex(below: 5)) })
    }

    /// Copies of dL/dθ for every parameter, with the same dropout mask as the product (context seed 99).
    static func gradients(_ network: Sequential, mode: ForwardMode) -> [Tensor] {
        let (x, labels) = inputs()
        for (_, parameter) in network.namedParameters() { parameter.zeroGradient() }
        let logits = network.forward(x, context: ForwardContext(mode: mode, random: SeededGenerator(seed: 99)))
        let scaled = Tensor(shape: logits.shape, values: logits.values.map { $0 / temperature })
        let gradient = loss(logits: scaled, labels: labels).gradient
        _ = network.backward(Tensor(shape: gradient.shape, values: gradient.values.map { $0 / temperature }))
        defer { for (_, parameter) in network.namedParameters() { parameter.zeroGradient() } }
        return network.namedParameters().map { $0.parameter.gradient.copy() }
    }

    static func relativeError(_ a: [Tensor], _ b: [Tensor]) -> Double {
        var difference = 0.0, norm = 0.0
        for (x, y) in zip(a, b) {
            for i in 0..<x.count {
                let d = Double(x[flat: i]) - Double(y[flat: i])
                difference += d * d
                norm += Double(y[flat: i]) * Double(y[flat: i])
            }
        }
        return (difference / norm).squareRoot()
    }

    /// Hv against (∇L(θ + hv) − ∇L(θ − hv)) / 2h with ‖v‖ = 1 and h = 1e-2 (the gradients exact, in Float):
    /// truncation O(h²) ≈ 1e-4 and rounding ≈ 1e-7·‖∇L‖/h ≈ 1e-5 relative, so 2e-3 leaves room while a
    /// missing term (e.g. batch norm's R{γ} part or one factor of a bilinear layer) is off by far more.
    @Test(arguments: [ForwardMode.training, .inference])
    func matchesDifferencesOfGradientsOnASmoothNetwork(mode: ForwardMode) throws {
        let network = Self.smoothNetwork()
        let parameters = network.namedParameters().map(\.parameter)
        var random = SeededGenerator(seed: 17)
        var v = parameters.map { p in Tensor(shape: p.value.shape, values: (0..<p.value.count).map { _ in random.nextNormal() }) }
        let scale = 1 / v.reduce(0.0) { $0 + $1.values.reduce(0.0) { $0 + Double($1 * $1) } }.squareRoot()
        v = v.map { Tensor(shape: $0.shape, values: $0.values.map { $0 * Float(scale) }) }
        let (x, labels) = Self.inputs()
        let product = try HessianVectorProduct.compute(
            root: network, inputs: x, labels: labels, parameters: parameters, vector: v,
            context: ForwardContext(mode: mode, random: SeededGenerator(seed: 99)), temperature: Self.temperature,
            loss: Self.loss)
        #expect(parameters.allSatisfy { $0.gradient.values.allSatisfy { $0 == 0 } }, "gradients left non-zero")

        let h: Float = 1e-2
        let original = parameters.map { $0.value.copy() }
        func shifted(_ sign: Float) -> [Tensor] {
            for (p, (o, d)) in zip(parameters, zip(original, v)) {
                for i in 0..<p.value.count { p.value[flat: i] = o[flat: i] + sign * h * d[flat: i] }
            }
            return Self.gradients(network, mode: mode)
        }
        let (plus, minus) = (shifted(1), shifted(-1))
        for (p, o) in zip(parameters, original) { p.value.assign(from: o) }
        let differences = zip(plus, minus).map { up, down in
            Tensor(shape: up.shape, values: zip(up.values, down.values).map { ($0 - $1) / (2 * h) })
        }
        let error = Self.relativeError(product, differences)
        print("HVP vs differences of gradients, smooth network, \(mode): relative error \(error)")
        #expect(error < 2e-3, "relative error \(error)")
    }

    /// A product over some parameters equals those entries of the product over all of them with v zero elsewhere.
    @Test func aSubsetOfParametersHoldsTheOthersFixed() throws {
        let network = Self.smoothNetwork()
        let parameters = network.namedParameters().map(\.parameter)
        var random = SeededGenerator(seed: 3)
        let chosen = parameters.indices.filter { $0 % 3 == 0 }
        let v = parameters.map { p in Tensor(shape: p.value.shape, values: (0..<p.value.count).map { _ in random.nextNormal() }) }
        let full = v.enumerated().map { index, t in chosen.contains(index) ? t : Tensor(zeros: t.shape) }
        let (x, labels) = Self.inputs()
        func product(_ subset: [Int], _ vector: [Tensor]) throws -> [Tensor] {
            try HessianVectorProduct.compute(root: network, inputs: x, labels: labels, parameters: subset.map { parameters[$0] },
                                             vector: vector, context: ForwardContext(mode: .inference))
        }
        let all = try product(Array(parameters.indices), full)
        let some = try product(chosen, chosen.map { v[$0] })
        for (index, result) in zip(chosen, some) { #expect(result.isBitwiseEqual(to: all[index])) }
        #expect(Self.relativeError(all, all.map { Tensor(zeros: $0.shape) }) > 0)
    }

    /// Softmax regression L = mean_n CE(W x_n + b): H[(a,i),(b,j)] = mean_n (δ_ab p_a − p_a p_b) x_i x_j, in Double.
    @Test func softmaxRegressionMatchesTheHandDerivedHessian() throws {
        var random = SeededGenerator(seed: 11)
        let layer = Linear(inFeatures: 4, outFeatures: 3, random: &random)
        let network = Sequential([Flatten(), layer])
        let x = Tensor(shape: [5, 1, 2, 2], values: (0..<20).map { _ in random.nextUniform(-1.5, 1.5) })
        let labels: [Int32] = [0, 2, 1, 1, 0]
        let direction = Tensor(shape: [3, 4], values: (0..<12).map { _ in random.nextNormal() })
        let product = try HessianVectorProduct.compute(root: network, inputs: x, labels: labels, parameters: [layer.weight],
                                                       vector: [direction], context: ForwardContext(mode: .inference))[0]
        var exact = [Double](repeating: 0, count: 12)
        for n in 0..<5 {
            let features = (0..<4).map { Double(x[flat: n * 4 + $0]) }
            let z = (0..<3).map { a in
                Double(layer.bias?.value[flat: a] ?? 0) + (0..<4).reduce(0.0) { $0 + Double(layer.weight.value[flat: a * 4 + $1]) * features[$1] }
            }
            let e = z.map { exp($0 - (z.max() ?? 0)) }
            let p = e.map { $0 / e.reduce(0, +) }
            for a in 0..<3 { for i in 0..<4 { for b in 0..<3 { for j in 0..<4 {
                let curvature = (a == b ? p[a] : 0) - p[a] * p[b]
                exact[a * 4 + i] += curvature * features[i] * features[j] * Double(direction[flat: b * 4 + j]) / 5
            } } } }
        }
        let error = Self.relativeError([product], [Tensor(shape: [12], values: exact.map { Float($0) })])
        #expect(error < 1e-5, "relative error \(error)")
    }

    /// A module without an R-operator stops the product with its path and type, before anything runs.
    @Test func aModuleWithoutROperatorIsNamed() throws {
        var random = SeededGenerator(seed: 1)
        let layer = Linear(inFeatures: 4, outFeatures: 3, random: &random)
        let square = Square()
        let network = Sequential([("flatten", Flatten()), ("inner", Sequential([("odd", square)])), ("fc", layer)])
        let x = Tensor(zeros: [2, 1, 2, 2])
        #expect(throws: TangentError.unsupportedModule(path: "inner.odd", type: "Square")) {
            try HessianVectorProduct.compute(root: network, inputs: x, labels: [0, 1], parameters: [layer.weight],
                                             vector: [Tensor(zeros: [3, 4])], context: ForwardContext(mode: .inference))
        }
        #expect(square.forwardCalls == 0)
    }
}

/// x² elementwise, with a backward pass but no R-operator.
private final class Square: Module {
    private(set) var forwardCalls = 0
    private var input: Tensor?

    func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        forwardCalls += 1
        self.input = input
        return Tensor(shape: input.shape, values: input.values.map { $0 * $0 })
    }

    func backward(_ gradOutput: Tensor) -> Tensor {
        Tensor(shape: gradOutput.shape, values: zip(gradOutput.values, input?.values ?? []).map { 2 * $0 * $1 })
    }
}
