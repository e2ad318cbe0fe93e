import Foundation
import NN

/// The annealing state shared by every ghost module of one `GhostNetwork` (tost.md tricks 1 and 2).
public final class GhostSchedule {
    /// λ: the weight of Swish in the ghost activations, φ = λ·Swish + (1 − λ)·ReLU; 0 = plain ReLU.
    public var lambda: Float = 1
    /// α: the multiplier of the ghost skip paths; 0 = the paths are not computed at all.
    public var alpha: Float = 1

    /// A schedule at λ = α = 1.
    public init() {}
}

/// A ghost soft neuron: φ_λ(x) = λ·x·σ(βx) + (1 − λ)·max(x, 0) while λ > 0 (tost.md trick 1).
///
/// Containers run the original `ReLU` module in its place once λ = 0, so the annealed network is the
/// plain one bit for bit; `relu` is that module.
public final class GhostActivation: Module {
    /// The ReLU this activation stands in for.
    public let relu: ReLU
    /// β of the parametric Swish x·σ(βx) (1: SiLU).
    public let beta: Float
    let schedule: GhostSchedule
    private var input: Tensor?
    private var lambda: Float = 0

    /// A ghost activation for `relu`, reading λ from `schedule`.
    public init(relu: ReLU, beta: Float, schedule: GhostSchedule) {
        self.relu = relu
        self.beta = beta
        self.schedule = schedule
    }

    /// The module a container should run now: this one while λ > 0, the plain ReLU afterwards.
    public var current: any Module { schedule.lambda > 0 ? self : relu }

    /// φ_λ(x) elementwise.
    public func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        self.input = input
        lambda = schedule.lambda
        let output = Tensor(zeros: input.shape)
        let x = input.data, y = output.data, l = lambda, b = beta
        for i in 0..<input.count {
            let s = 1 / (1 + exp(-b * x[i]))
            y[i] = l * x[i] * s + (1 - l) * max(x[i], 0)
        }
        return output
    }

    /// dφ/dx = λ·(σ + βxσ(1 − σ)) + (1 − λ)·[x > 0], times the output gradient.
    public func backward(_ gradOutput: Tensor) -> Tensor {
        guard let input else { preconditionFailure("GhostActivation.backward before forward") }
        precondition(gradOutput.shape == input.shape, "GhostActivation.backward got \(gradOutput.shape)")
        let gradInput = Tensor(zeros: input.shape)
        let x = input.data, dy = gradOutput.data, dx = gradInput.data, l = lambda, b = beta
        for i in 0..<input.count {
            let s = 1 / (1 + exp(-b * x[i]))
            let slope = l * (s + b * x[i] * s * (1 - s)) + (1 - l) * (x[i] > 0 ? 1 : 0)
            dx[i] = dy[i] * slope
        }
        return gradInput
    }
}

/// A ghost skip path: α·BN(conv1×1(x)), the 1×1 conv bias-free and initialised to the constant 1e-4
/// (tost.md trick 2, `conv_jump`); dense, never masked, not part of the model's state.
public final class GhostPath: Module {
    /// The 1×1 convolution.
    public let conv: Conv2d
    /// Its batch norm.
    public let norm: BatchNorm2d
    let schedule: GhostSchedule
    private var alpha: Float = 0

    /// A path from `inChannels` to `outChannels` with `stride`.
    public init(inChannels: Int, outChannels: Int, stride: Int, schedule: GhostSchedule) {
        var unused = SeededGenerator(seed: 0)
        conv = Conv2d(inChannels: inChannels, outChannels: outChannels, kernelSize: 1, stride: stride, bias: false,
                      random: &unused)
        conv.weight.value.fill(1e-4)
        norm = BatchNorm2d(features: outChannels)
        self.schedule = schedule
    }

    /// Whether the path is computed now (α > 0).
    public var active: Bool { schedule.alpha > 0 }

    /// α·BN(conv(x)).
    public func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        alpha = schedule.alpha
        let output = norm.forward(conv.forward(input, context: context), context: context)
        let y = output.data
        for i in 0..<output.count { y[i] *= alpha }
        return output
    }

    /// Back through α, the batch norm and the conv; returns dL/dx.
    public func backward(_ gradOutput: Tensor) -> Tensor {
        let scaled = gradOutput.copy()
        let g = scaled.data
        for i in 0..<scaled.count { g[i] *= alpha }
        return conv.backward(norm.backward(scaled))
    }

    /// `conv.weight`, `bn.weight`, `bn.bias`.
    public var children: [(name: String, module: any Module)] { [("conv", conv), ("bn", norm)] }
}

/// `a + b` elementwise into a new tensor of their (equal) shape.
func ghostSum(_ a: Tensor, _ b: Tensor) -> Tensor {
    precondition(a.shape == b.shape, "ghost path output \(b.shape) does not match \(a.shape)")
    let result = Tensor(uninitialized: a.shape)
    addForward(a.data, b.data, result.data, count: a.count)
    return result
}
