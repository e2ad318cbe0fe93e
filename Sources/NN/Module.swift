/// Whether a forward pass trains (batch statistics, dropout, caches for backward) or evaluates.
public enum ForwardMode: Sendable {
    case training
    case inference
}

/// A learnable tensor with its accumulated gradient and an optional pruning mask.
///
/// The mask (same shape as `value`, entries 0 or 1) is the single source of truth for
/// which weights are pruned: `applyMask()` zeroes pruned weights and `maskGradient()`
/// zeroes their gradients, so pruned weights stay exactly zero through training.
public final class Parameter: @unchecked Sendable {
    /// The current weights.
    public let value: Tensor
    /// The gradient of the loss with respect to `value`, accumulated by backward passes.
    public let gradient: Tensor
    /// 1 keeps a weight, 0 prunes it; `nil` means dense.
    public var mask: Tensor? {
        didSet {
            if let mask { precondition(mask.shape == value.shape, "mask \(mask.shape) for \(value.shape)") }
        }
    }

    public init(_ value: Tensor) {
        self.value = value
        self.gradient = Tensor(zeros: value.shape)
    }

    /// Multiplies the weights by the mask (no-op when dense).
    public func applyMask() {
        guard let mask else { return }
        let v = value.data, m = mask.data
        for i in 0..<value.count { v[i] *= m[i] }
    }

    /// Multiplies the gradient by the mask (no-op when dense).
    public func maskGradient() {
        guard let mask else { return }
        let g = gradient.data, m = mask.data
        for i in 0..<gradient.count { g[i] *= m[i] }
    }

    /// Sets the gradient to zero.
    public func zeroGradient() { gradient.fill(0) }
}

/// What a forward pass may report to an observer: one child module's input and output.
public struct ForwardEvent {
    /// The module's dotted path from the root, as in PyTorch's `named_modules` (`layer1.0.conv1`).
    public let path: String
    public let module: any Module
    public let input: Tensor
    public let output: Tensor
}

/// State shared by all modules during one forward pass: the mode, the random stream for
/// dropout, the current module path, and an optional observer of every child's output.
public final class ForwardContext {
    public let mode: ForwardMode
    /// The stream dropout draws from; derived from the run's seed by the caller.
    public var random: SeededGenerator
    /// Called after every child of a container finishes its forward pass.
    public var observer: ((ForwardEvent) -> Void)?
    /// How many cores the kernels may use for this pass (and the backward pass that follows it).
    ///
    /// Results are bit-identical for a given thread count; the default is one thread.
    public var threads: Int
    /// Whether layers keep what `backward` needs (inputs, outputs, dropout masks). True by default;
    /// a pass that is never followed by `backward` (evaluation, latency) sets it false, so each
    /// activation is freed as soon as the next layer has read it and peak memory is a few activations
    /// rather than all of them. `backward` after such a pass is a programming error.
    public var retainsActivations: Bool
    private var pathComponents: [String] = []

    public init(mode: ForwardMode, random: SeededGenerator = SeededGenerator(seed: 0),
                observer: ((ForwardEvent) -> Void)? = nil, threads: Int = 1, retainsActivations: Bool = true) {
        precondition(threads >= 1, "ForwardContext needs at least one thread, got \(threads)")
        self.mode = mode
        self.random = random
        self.observer = observer
        self.threads = threads
        self.retainsActivations = retainsActivations
    }

    /// The dotted path of the module currently running.
    public var path: String { pathComponents.joined(separator: ".") }

    /// Runs `child.forward` under `name`, extending the path and notifying the observer.
    /// Containers call this for each child instead of calling `forward` directly.
    public func run(_ child: any Module, named name: String, on input: Tensor) -> Tensor {
        pathComponents.append(name)
        defer { pathComponents.removeLast() }
        let output = child.forward(input, context: self)
        observer?(ForwardEvent(path: path, module: child, input: input, output: output))
        return output
    }
}

/// A layer or a container of layers with a forward and a hand-written backward pass.
///
/// `forward` in `.training` mode caches what `backward` needs; `backward` takes the
/// gradient of the loss with respect to the output, *adds* the gradients of its own
/// parameters into their `gradient` tensors and returns the gradient with respect to
/// the input. Parameters, buffers and children are listed explicitly by their PyTorch
/// names, in `state_dict` order (own parameters, own buffers, then children).
public protocol Module: AnyObject {
    func forward(_ input: Tensor, context: ForwardContext) -> Tensor
    func backward(_ gradOutput: Tensor) -> Tensor
    /// This module's own parameters, e.g. `[("weight", …), ("bias", …)]`.
    var localParameters: [(name: String, parameter: Parameter)] { get }
    /// This module's own non-learnable state, e.g. batch norm's `running_mean`.
    var localBuffers: [(name: String, tensor: Tensor)] { get }
    /// Direct sub-modules, e.g. `[("conv1", …), ("bn1", …)]`.
    var children: [(name: String, module: any Module)] { get }
}

extension Module {
    public var localParameters: [(name: String, parameter: Parameter)] { [] }
    public var localBuffers: [(name: String, tensor: Tensor)] { [] }
    public var children: [(name: String, module: any Module)] { [] }

    /// Every parameter below this module with its full dotted name (`layer1.0.conv1.weight`).
    public func namedParameters(prefix: String = "") -> [(name: String, parameter: Parameter)] {
        var result = localParameters.map { (name: prefix + $0.name, parameter: $0.parameter) }
        for child in children {
            result += child.module.namedParameters(prefix: prefix + child.name + ".")
        }
        return result
    }

    /// Every buffer below this module with its full dotted name.
    public func namedBuffers(prefix: String = "") -> [(name: String, tensor: Tensor)] {
        var result = localBuffers.map { (name: prefix + $0.name, tensor: $0.tensor) }
        for child in children {
            result += child.module.namedBuffers(prefix: prefix + child.name + ".")
        }
        return result
    }

    /// Every module below and including this one with its dotted path ("" for self).
    public func namedModules(prefix: String = "") -> [(path: String, module: any Module)] {
        var result: [(path: String, module: any Module)] = [(path: prefix, module: self)]
        for child in children {
            let path = prefix.isEmpty ? child.name : prefix + "." + child.name
            result += child.module.namedModules(prefix: path)
        }
        return result
    }
}
