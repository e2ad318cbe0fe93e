import NN

/// One child of a ghost container: the module as built, and the ghost activation replacing it if it is a ReLU.
struct GhostChild {
    let name: String
    let module: any Module
    let ghost: GhostActivation?
    /// False for a dropout dropped from the mirror (GradInit runs without dropout).
    let runs: Bool

    /// The module to run now (the ghost activation only while λ > 0).
    var current: any Module { ghost?.current ?? module }
}

/// A mirrored `Sequential`: the same children (ReLUs swapped for ghost activations while λ > 0) plus ghost
/// skip paths from the input of child `from` to the output of child `to`, added while α > 0. With λ = α = 0
/// it runs exactly the original children through `context.run`, as `Sequential` does.
final class GhostSequential: Module {
    let chain: [GhostChild]
    let paths: [(from: Int, to: Int, path: GhostPath)]
    private(set) var ran: [(any Module)?] = []
    private(set) var pathsRan = false

    init(chain: [GhostChild], paths: [(from: Int, to: Int, path: GhostPath)]) {
        self.chain = chain
        self.paths = paths
    }

    var children: [(name: String, module: any Module)] {
        chain.map { (name: $0.name, module: $0.module) } + paths.map { (name: "ghost\($0.from)", module: $0.path as any Module) }
    }

    func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        pathsRan = paths.first?.path.active ?? false
        var pending: [Int: Tensor] = [:]
        ran = []
        var x = input
        for (i, child) in chain.enumerated() {
            if pathsRan { for p in paths where p.from == i { pending[p.to] = p.path.forward(x, context: context) } }
            if child.runs {
                let module = child.current
                x = context.run(module, named: child.name, on: x)
                ran.append(module)
            } else {
                ran.append(nil)
            }
            if let extra = pending.removeValue(forKey: i) { x = ghostSum(x, extra) }
        }
        return x
    }

    func backward(_ gradOutput: Tensor) -> Tensor {
        var g = gradOutput
        var pathGradients: [Int: Tensor] = [:]
        for i in chain.indices.reversed() {
            if pathsRan { for (p, path) in paths.enumerated() where path.to == i { pathGradients[p] = g } }
            if let module = ran[i] { g = module.backward(g) }
            if pathsRan {
                for (p, path) in paths.enumerated() where path.from == i {
                    if let upstream = pathGradients[p] { g = ghostSum(g, path.path.backward(upstream)) }
                }
            }
        }
        return g
    }
}

/// A mirrored `Residual` block (a ResNet BasicBlock): `jump1` from the block input to the input of the
/// first ReLU of the main path, `jump2` from that ReLU's output to the sum before the final activation
/// (tost.md `resnet_modified`), and the final activation blended while λ > 0. With λ = α = 0 it computes
/// exactly what `Residual` does.
final class GhostResidual: Module {
    let main: [GhostChild]
    let shortcut: (name: String, module: any Module)?
    /// The main-path index of the first ReLU (`main.count` when there is none).
    let split: Int
    let jump1: GhostPath?
    let jump2: GhostPath?
    let activation: Bool
    /// Whether the final activation is a ghost soft neuron while λ > 0.
    let soft: Bool
    let schedule: GhostSchedule
    let beta: Float
    private(set) var ran: [any Module] = []
    private(set) var jumpsRan = false
    private(set) var blended: GhostActivation?
    private(set) var output: Tensor?

    init(main: [GhostChild], shortcut: (name: String, module: any Module)?, split: Int, jump1: GhostPath?,
         jump2: GhostPath?, activation: Bool, soft: Bool, schedule: GhostSchedule, beta: Float) {
        self.main = main
        self.shortcut = shortcut
        self.split = split
        self.jump1 = jump1
        self.jump2 = jump2
        self.activation = activation
        self.soft = soft
        self.schedule = schedule
        self.beta = beta
    }

    var children: [(name: String, module: any Module)] {
        var result = main.map { (name: $0.name, module: $0.module) }
        if let shortcut { result.append(shortcut) }
        if let jump1 { result.append((name: "jump1", module: jump1)) }
        if let jump2 { result.append((name: "jump2", module: jump2)) }
        return result
    }

    func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        jumpsRan = jump1 != nil && jump2 != nil && schedule.alpha > 0
        ran = []
        var x = input
        var firstActivation: Tensor?
        for (i, child) in main.enumerated() {
            if i == split && jumpsRan, let jump1 { x = ghostSum(x, jump1.forward(input, context: context)) }
            let module = child.current
            x = context.run(module, named: child.name, on: x)
            ran.append(module)
            if i == split { firstActivation = x }
        }
        let skip = shortcut.map { context.run($0.module, named: $0.name, on: input) } ?? input
        precondition(x.shape == skip.shape, "GhostResidual: main path \(x.shape) vs shortcut \(skip.shape)")
        var z = ghostSum(x, skip)
        if jumpsRan, let jump2, let firstActivation { z = ghostSum(z, jump2.forward(firstActivation, context: context)) }
        blended = nil
        if activation {
            if soft && schedule.lambda > 0 {
                let ghost = GhostActivation(relu: ReLU(), beta: beta, schedule: schedule)
                z = ghost.forward(z, context: context)
                blended = ghost
            } else {
                reluInPlace(z.data, count: z.count)
            }
        }
        output = z
        return z
    }

    func backward(_ gradOutput: Tensor) -> Tensor {
        guard let output else { preconditionFailure("GhostResidual.backward before forward") }
        var g = gradOutput
        if let blended {
            g = blended.backward(gradOutput)
        } else if activation {
            g = Tensor(uninitialized: output.shape)
            reluBackward(output: output.data, gradOutput: gradOutput.data, gradInput: g.data, count: g.count)
        }
        var gMain = g
        var gJump1: Tensor?
        for i in main.indices.reversed() {
            if i == split && jumpsRan, let jump2 { gMain = ghostSum(gMain, jump2.backward(g)) }
            gMain = ran[i].backward(gMain)
            if i == split && jumpsRan, let jump1 { gJump1 = jump1.backward(gMain) }
        }
        let gSkip = shortcut?.module.backward(g) ?? g
        var gradInput = ghostSum(gMain, gSkip)
        if let gJump1 { gradInput = ghostSum(gradInput, gJump1) }
        return gradInput
    }
}
