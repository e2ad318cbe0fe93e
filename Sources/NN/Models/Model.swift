/// A network built from an `Architecture`: its module tree, PyTorch-named parameters and classifier.
///
/// Parameter and buffer names and layouts are those of the equivalent PyTorch model's `state_dict`
/// (`conv1.weight [out, in, kh, kw]`, `fc1.weight [out, in]`, `bn1.running_mean`, `layer1.0.conv1.weight`),
/// so a PyTorch state dict exported with h5py loads without translation.
public final class Model {
    /// The description this model was built from.
    public let architecture: Architecture
    /// The top-level module; its children carry the PyTorch names.
    public let root: any Module
    /// The dotted path of the classifier layer (e.g. "fc3", "linear", "classifier").
    public let classifierPath: String

    /// Builds the model described by `architecture`, initialising weights from `random`.
    ///
    /// Throws `ModelError.invalidArchitecture` naming the model, the layer and what was expected when
    /// the description is impossible (unknown name, a layer larger than its input, bad hyperparameter).
    public init(_ architecture: Architecture, random: inout SeededGenerator) throws {
        let built = try ModelZoo.build(architecture, random: &random)
        self.architecture = architecture
        self.root = built.root
        self.classifierPath = built.classifierPath
    }

    /// The shape of one input example, `[channels, height, width]`.
    public var exampleShape: [Int] { [architecture.inputChannels] + architecture.inputSize }

    /// Throws unless `shape` is a batch `[N, C, H, W]` of this model's input examples.
    public func validateInput(shape: [Int]) throws {
        guard shape.count == 4, shape[0] > 0, Array(shape.dropFirst()) == exampleShape else {
            throw ModelError.invalidInput(
                "model \(architecture.name) expects a batch [N, \(exampleShape.map(String.init).joined(separator: ", "))], got \(shape)")
        }
    }

    /// The logits `[N, classes]` for a batch of images `[N, C, H, W]`.
    public func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        precondition(input.shape.count == 4 && Array(input.shape.dropFirst()) == exampleShape,
                     "model \(architecture.name) expects [N] + \(exampleShape), got \(input.shape)")
        return root.forward(input, context: context)
    }

    /// Back-propagates `dL/dlogits` `[N, classes]`: adds every parameter's gradient, returns `dL/dinput`.
    @discardableResult
    public func backward(_ gradOutput: Tensor) -> Tensor {
        root.backward(gradOutput)
    }

    /// Every learnable parameter with its full PyTorch name, in `state_dict` order.
    public var parameters: [(name: String, parameter: Parameter)] { root.namedParameters() }

    /// Every buffer (batch-norm statistics) with its full PyTorch name, in `state_dict` order.
    public var buffers: [(name: String, tensor: Tensor)] { root.namedBuffers() }

    /// Every module with its dotted path ("" for the root), as PyTorch's `named_modules()`.
    public var modules: [(path: String, module: any Module)] { root.namedModules() }

    /// The classifier layer (the module at `classifierPath`).
    public var classifier: any Module {
        // `ModelZoo.build` only returns paths that exist; the root is a safe fallback.
        modules.first { $0.path == classifierPath }?.module ?? root
    }

    /// The total number of learnable scalars (PyTorch's `sum(p.numel() for p in model.parameters())`).
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.parameter.value.count } }

    /// Whether `backward` computes `dL/dinput` (true by default). Training never needs it, so a trainer can
    /// switch it off to skip the first layer's input-gradient product (PyTorch skips it too, as the input does
    /// not require a gradient); `backward` then returns zeros. Parameter gradients are unaffected.
    public var computesInputGradient: Bool {
        get { firstLayerFlag?.get() ?? true }
        set { firstLayerFlag?.set(newValue) }
    }

    /// The input-gradient switch of the first layer when only parameter-free layers precede it.
    private var firstLayerFlag: (get: () -> Bool, set: (Bool) -> Void)? {
        for (_, module) in modules where module.children.isEmpty {
            if let linear = module as? Linear {
                return ({ linear.computesInputGradient }, { linear.computesInputGradient = $0 })
            }
            if let conv = module as? Conv2d {
                return ({ conv.computesInputGradient }, { conv.computesInputGradient = $0 })
            }
            if !module.localParameters.isEmpty { return nil }
        }
        return nil
    }

    /// Sets every parameter's gradient to zero.
    public func zeroGradients() {
        for (_, parameter) in parameters { parameter.zeroGradient() }
    }

    /// Multiplies every masked parameter by its mask (pruned weights become exactly zero).
    public func applyMasks() {
        for (_, parameter) in parameters { parameter.applyMask() }
    }
}
