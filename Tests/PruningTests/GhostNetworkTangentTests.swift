import NN
import Pruning
import Testing

/// The Hessian–vector product through a `GhostNetwork`, as ToST's LRsI takes it (GradInit's mode: batch
/// statistics, dropout left out, no ghost component): exactly the plain network's, and an error while ghosts run.
@Suite struct GhostNetworkTangentTests {
    /// The session fixture's network (conv · BN · ReLU · max-pool · flatten · linear · ReLU · dropout · linear)
    /// with named layers, with or without its dropout layer (the other names, hence the weights, are shared).
    static func architecture(dropout: Bool) -> Architecture {
        var layers = [
            LayerSpec(.conv2d, name: "conv", out: 4, kernel: 3, padding: 1), LayerSpec(.batchnorm, name: "bn"),
            LayerSpec(.relu, name: "relu1"), LayerSpec(.maxpool, name: "pool", kernel: 2),
            LayerSpec(.flatten, name: "flatten"), LayerSpec(.linear, name: "fc1", out: 12),
            LayerSpec(.relu, name: "relu2"), LayerSpec(.linear, name: "fc2"),
        ]
        if dropout { layers.insert(LayerSpec(.dropout, name: "drop", probability: 0.5), at: 7) }
        return Architecture(name: "sequential", classes: 3, inputChannels: 1, inputSize: [6, 6], layers: layers)
    }

    /// `run`'s Hv on eight fixed inputs for v ~ N(0, 1) over every parameter of `model`, in training mode.
    static func product(_ model: Model, _ run: (Tensor, [Int32], [Parameter], [Tensor], ForwardContext) throws -> [Tensor]) throws -> [Tensor] {
        var random = SeededGenerator(seed: 4)
        let parameters = model.parameters.map(\.parameter)
        let v = parameters.map { p in Tensor(shape: p.value.shape, values: (0..<p.value.count).map { _ in random.nextNormal() }) }
        return try run(try GhostNetworkTests.batch(), [0, 1, 2, 0, 1, 2, 0, 1], parameters, v,
                       ForwardContext(mode: .training, random: SeededGenerator(seed: 9)))
    }

    /// Dropout left out by the ghost network is left out of its product: bit for bit the product of the
    /// same weights without the dropout layer; a ResNet's blocks likewise give the plain model's product.
    @Test(arguments: [true, false])
    func productIsThePlainNetworksWithoutDropout(resnet: Bool) throws {
        let withDropout = try GhostNetworkTests.model(resnet ? GhostNetworkTests.resnet : Self.architecture(dropout: true))
        let plain = try GhostNetworkTests.model(resnet ? GhostNetworkTests.resnet : Self.architecture(dropout: false))
        try plain.load(stateDict: withDropout.stateDict())
        let ghost = GhostNetwork(model: withDropout, options: GhostOptions(softActivations: false, skipPaths: false,
                                                                           dropout: false))
        let expected = try Self.product(plain) {
            try HessianVectorProduct.compute(root: plain.root, inputs: $0, labels: $1, parameters: $2, vector: $3, context: $4)
        }
        let product = try Self.product(withDropout) {
            try ghost.hessianVectorProduct(inputs: $0, labels: $1, parameters: $2, vector: $3, context: $4)
        }
        #expect(zip(product, expected).allSatisfy { $0.isBitwiseEqual(to: $1) })
        #expect(product.contains { $0.values.contains { $0 != 0 } })
    }

    /// Ghost activations and skip paths have no R-operator: the product refuses to run through them.
    @Test(arguments: [(true, false), (false, true)])
    func activeGhostsHaveNoProduct(soft: Bool, paths: Bool) throws {
        let model = try GhostNetworkTests.model(GhostNetworkTests.resnet)
        let ghost = GhostNetwork(model: model, options: GhostOptions(softActivations: soft, skipPaths: paths))
        ghost.anneal(lambda: 1, alpha: 1)
        #expect(throws: TangentError.self) {
            try Self.product(model) { try ghost.hessianVectorProduct(inputs: $0, labels: $1, parameters: $2, vector: $3, context: $4) }
        }
    }
}
