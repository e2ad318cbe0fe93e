import NN
import Training

/// What a `GhostNetwork` adds to the model it mirrors.
public struct GhostOptions: Sendable, Equatable {
    /// Swap every ReLU for a ghost activation λ·Swish + (1 − λ)·ReLU.
    public var softActivations = true
    /// Add ghost skip paths: two per residual block; in plain chains one around every conv that keeps
    /// the spatial size (stride 1, padding (k − 1)/2), from its input to its pre-activation (after its
    /// batch norm when one follows).
    public var skipPaths = true
    /// β of the Swish x·σ(βx).
    public var beta: Float = 1
    /// Keep dropout layers (false: run them as the identity, as GradInit does).
    public var dropout = true

    /// Options with ghosts of both kinds, β = 1, dropout kept.
    public init(softActivations: Bool = true, skipPaths: Bool = true, beta: Float = 1, dropout: Bool = true) {
        self.softActivations = softActivations
        self.skipPaths = skipPaths
        self.beta = beta
        self.dropout = dropout
    }
}

/// The session's model seen through ghost components (tost.md tricks 1 and 2): a mirrored module tree
/// that runs the model's own layers (sharing their parameters, masks and buffers) with ghost soft
/// activations and ghost skip paths, annealed by `schedule`. The ghosts' parameters are extra, named
/// `ghost.<path>…`; they never enter the model's state, so dropping the network leaves the plain
/// architecture. With λ = α = 0 the forward and backward passes are those of the model bit for bit.
public final class GhostNetwork: Network {
    /// The model whose layers this network runs.
    public let model: Model
    /// λ and α, shared by every ghost module.
    public let schedule = GhostSchedule()
    /// The parameters of the ghost skip paths (dense, never masked).
    public private(set) var ghostParameters: [(name: String, parameter: Parameter)] = []
    private var root: any Module

    /// Mirrors `model` with `options`.
    public init(model: Model, options: GhostOptions) {
        self.model = model
        self.root = model.root
        self.root = mirror(model.root, path: "", options: options)
    }

    public func forward(_ input: Tensor, context: ForwardContext) -> Tensor { root.forward(input, context: context) }

    public func backward(_ gradOutput: Tensor) -> Tensor { root.backward(gradOutput) }

    /// Hv of the mean cross-entropy on `inputs` through this network (`HessianVectorProduct.compute`): exact
    /// while no ghost component runs (λ = α = 0, or the options leave them out); throws `TangentError` otherwise.
    public func hessianVectorProduct(inputs: Tensor, labels: [Int32], parameters: [Parameter], vector: [Tensor],
                                     context: ForwardContext) throws -> [Tensor] {
        try HessianVectorProduct.compute(root: root, inputs: inputs, labels: labels, parameters: parameters,
                                         vector: vector, context: context)
    }

    /// The model's parameters (state-dict order), then the ghosts'.
    public var parameters: [(name: String, parameter: Parameter)] { model.parameters + ghostParameters }

    public var computesInputGradient: Bool {
        get { model.computesInputGradient }
        set { model.computesInputGradient = newValue }
    }

    /// Sets λ (soft activations) and α (skip paths).
    public func anneal(lambda: Float, alpha: Float) {
        schedule.lambda = lambda
        schedule.alpha = alpha
    }

    private func mirror(_ module: any Module, path: String, options: GhostOptions) -> any Module {
        if let sequential = module as? Sequential {
            let chain = sequential.children.map { child($0.name, $0.module, path: path, options: options) }
            var paths: [(from: Int, to: Int, path: GhostPath)] = []
            if options.skipPaths {
                for (i, entry) in sequential.children.enumerated() {
                    guard let conv = entry.module as? Conv2d, conv.stride == 1, conv.groups == 1,
                          2 * conv.padding == conv.kernelSize - 1 else { continue }
                    let next = i + 1 < sequential.children.count ? sequential.children[i + 1].module : nil
                    let to = next is BatchNorm2d ? i + 1 : i
                    let ghost = GhostPath(inChannels: conv.inChannels, outChannels: conv.outChannels, stride: 1,
                                          schedule: schedule)
                    register(ghost, name: join(path, entry.name) + ".jump")
                    paths.append((i, to, ghost))
                }
            }
            return GhostSequential(chain: chain, paths: paths)
        }
        if let residual = module as? Residual {
            let main = residual.main.map { child($0.name, $0.module, path: path, options: options) }
            let split = residual.main.firstIndex { $0.module is ReLU } ?? main.count
            let convs = residual.main.compactMap { $0.module as? Conv2d }
            var jump1: GhostPath?, jump2: GhostPath?
            if options.skipPaths, split < main.count, let first = convs.first, let last = convs.last {
                jump1 = GhostPath(inChannels: first.inChannels, outChannels: first.outChannels, stride: first.stride,
                                  schedule: schedule)
                jump2 = GhostPath(inChannels: first.outChannels, outChannels: last.outChannels, stride: 1,
                                  schedule: schedule)
                if let jump1 { register(jump1, name: join(path, "jump1")) }
                if let jump2 { register(jump2, name: join(path, "jump2")) }
            }
            return GhostResidual(main: main, shortcut: residual.shortcut, split: split, jump1: jump1, jump2: jump2,
                                 activation: residual.activation, soft: options.softActivations, schedule: schedule,
                                 beta: options.beta)
        }
        return module
    }

    private func child(_ name: String, _ module: any Module, path: String, options: GhostOptions) -> GhostChild {
        if let relu = module as? ReLU, options.softActivations {
            return GhostChild(name: name, module: relu, ghost: GhostActivation(relu: relu, beta: options.beta, schedule: schedule),
                              runs: true)
        }
        if module is Dropout && !options.dropout { return GhostChild(name: name, module: module, ghost: nil, runs: false) }
        return GhostChild(name: name, module: mirror(module, path: join(path, name), options: options), ghost: nil, runs: true)
    }

    private func register(_ ghost: GhostPath, name: String) {
        ghostParameters += ghost.namedParameters(prefix: "ghost." + name + ".")
    }

    private func join(_ path: String, _ name: String) -> String { path.isEmpty ? name : path + "." + name }
}
