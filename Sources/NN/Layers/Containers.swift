/// Containers: a chain of layers and a residual block.

/// Runs its children in order (PyTorch `nn.Sequential`); children are named "0", "1", … or as given.
public final class Sequential: Module {
    /// The children in order with their names.
    public let children: [(name: String, module: any Module)]

    /// A chain of named children.
    public init(_ children: [(String, any Module)]) {
        self.children = children.map { (name: $0.0, module: $0.1) }
    }

    /// A chain of children named by position ("0", "1", …).
    public convenience init(_ modules: [any Module]) {
        self.init(modules.enumerated().map { (String($0.offset), $0.element) })
    }

    /// Each child's forward, through `context.run` so paths and observers see it.
    public func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        var x = input
        for child in children { x = context.run(child.module, named: child.name, on: x) }
        return x
    }

    /// Each child's backward in reverse order.
    public func backward(_ gradOutput: Tensor) -> Tensor {
        var g = gradOutput
        for child in children.reversed() { g = child.module.backward(g) }
        return g
    }
}

/// A residual block: `y = relu?(main(x) + shortcut(x))`, with the identity when there is no shortcut.
///
/// The main path's layers are the block's direct children (a ResNet BasicBlock's parameters are
/// `conv1.weight`, `bn1.weight`, …), followed by the shortcut under its own name (`shortcut.0.weight`).
public final class Residual: Module {
    /// The main path, in order.
    public let main: [(name: String, module: any Module)]
    /// The projection applied to `x` before the addition, or nil for the identity.
    public let shortcut: (name: String, module: any Module)?
    /// Whether a ReLU follows the addition.
    public let activation: Bool
    private(set) var output: Tensor?
    private(set) var threads = 1

    /// A block with the given main path, optional shortcut and final ReLU.
    public init(main: [(String, any Module)], shortcut: (String, any Module)?, activation: Bool = true) {
        self.main = main.map { (name: $0.0, module: $0.1) }
        self.shortcut = shortcut.map { (name: $0.0, module: $0.1) }
        self.activation = activation
    }

    /// The main path's children, then the shortcut.
    public var children: [(name: String, module: any Module)] {
        if let shortcut { return main + [shortcut] }
        return main
    }

    /// `relu?(main(x) + shortcut(x))`.
    public func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        var x = input
        for child in main { x = context.run(child.module, named: child.name, on: x) }
        let skip = shortcut.map { context.run($0.module, named: $0.name, on: input) } ?? input
        precondition(x.shape == skip.shape, "Residual: main path \(x.shape) vs shortcut \(skip.shape)")
        let result = Tensor.output(x.shape)
        threads = context.threads
        let (a, b, z, relu) = (SharedPointer(x.data), SharedPointer(skip.data), SharedPointer(result.data), activation)
        parallelElementwise(count: x.count, threads: threads) { start, n in
            addForward(a[start], b[start], z[start], count: n)
            if relu { reluInPlace(z[start], count: n) }
        }
        output = context.retainsActivations ? result : nil
        return result
    }

    /// Backward through the activation, then both paths; their input gradients are summed.
    public func backward(_ gradOutput: Tensor) -> Tensor {
        guard let output else { preconditionFailure("Residual.backward before forward") }
        precondition(gradOutput.shape == output.shape, "Residual.backward got \(gradOutput.shape)")
        var g = gradOutput
        if activation {
            g = Tensor.output(output.shape)
            let (y, dy, dx) = (SharedPointer(output.data), SharedPointer(gradOutput.data), SharedPointer(g.data))
            parallelElementwise(count: g.count, threads: threads) { start, n in
                reluBackward(output: y[start], gradOutput: dy[start], gradInput: dx[start], count: n)
            }
        }
        var gMain = g
        for child in main.reversed() { gMain = child.module.backward(gMain) }
        let gSkip = shortcut?.module.backward(g) ?? g
        let gradInput = Tensor.output(gMain.shape)
        let (a, b, z) = (SharedPointer(gMain.data), SharedPointer(gSkip.data), SharedPointer(gradInput.data))
        parallelElementwise(count: gradInput.count, threads: threads) { start, n in
            addForward(a[start], b[start], z[start], count: n)
        }
        return gradInput
    }
}
