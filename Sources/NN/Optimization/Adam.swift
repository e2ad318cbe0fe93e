import Foundation

/// Adam and AdamW with bias correction (`torch.optim.Adam`, `torch.optim.AdamW`, amsgrad off).
///
/// Per element at step `t` (counted per parameter): Adam adds `wd·w` to the gradient, AdamW
/// first scales `w` by `1 − lr·wd`; then `m = m + (1 − β1)(g − m)`, `v = β2·v + (1 − β2)·g²`,
/// `w = w − (lr / (1 − β1^t)) · m / (√v / √(1 − β2^t) + ε)`.
public final class Adam: Optimizer {
    public let parameters: [(name: String, parameter: Parameter)]
    public let beta1: Float
    public let beta2: Float
    public let epsilon: Float
    public let weightDecay: Float
    /// True for AdamW (decoupled decay), false for Adam (L2 decay through the gradient).
    public let decoupledWeightDecay: Bool
    private let index: ParameterIndex
    /// `exp_avg` and `exp_avg_sq` per parameter; nil until its first step.
    private var moments: [(first: Tensor, second: Tensor)?]
    /// Steps taken per parameter (PyTorch's `state['step']`).
    private var steps: [Int]

    public init(parameters: [(name: String, parameter: Parameter)], beta1: Float = 0.9,
                beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0,
                decoupledWeightDecay: Bool = false) throws(OptimizationError) {
        self.parameters = parameters
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.decoupledWeightDecay = decoupledWeightDecay
        self.index = try ParameterIndex(parameters)
        self.moments = Array(repeating: nil, count: parameters.count)
        self.steps = Array(repeating: 0, count: parameters.count)
    }

    public func step(lr: Float) {
        for i in parameters.indices {
            let p = parameters[i].parameter
            p.maskGradient()
            update(i, p, lr: lr)
            p.applyMask()
        }
    }

    private func update(_ i: Int, _ p: Parameter, lr: Float) {
        let state = moments[i] ?? (Tensor(zeros: p.value.shape), Tensor(zeros: p.value.shape))
        moments[i] = state
        steps[i] += 1
        let t = Double(steps[i])
        let correction1 = 1 - pow(Double(beta1), t)
        let correction2Root = (1 - pow(Double(beta2), t)).squareRoot()
        let stepSize = Float(Double(lr) / correction1)
        let root2 = Float(correction2Root)
        let w = p.value.data, g = p.gradient.data, m = state.first.data, v = state.second.data
        let n = p.value.count
        let l2 = decoupledWeightDecay ? 0 : weightDecay
        let shrink: Float = decoupledWeightDecay ? 1 - lr * weightDecay : 1
        let a1 = 1 - beta1, b2 = beta2, a2 = 1 - beta2, eps = epsilon
        for k in 0..<n {
            let d = g[k] + l2 * w[k]
            let wk = w[k] * shrink
            m[k] = m[k] + a1 * (d - m[k])
            v[k] = b2 * v[k] + a2 * d * d
            let denominator = v[k].squareRoot() / root2 + eps
            w[k] = wk - stepSize * (m[k] / denominator)
        }
    }

    public func resetState(for names: [String]) throws(OptimizationError) {
        for name in names {
            let i = try index.index(of: name)
            moments[i] = nil
            steps[i] = 0
        }
    }

    public func resetState(for name: String, elements: Tensor) throws(OptimizationError) {
        let i = try index.index(of: name)
        guard let state = moments[i] else { return }
        try zeroState(state.first, where: elements, name: name)
        try zeroState(state.second, where: elements, name: name)
    }

    public func state(for name: String) -> [(name: String, tensor: Tensor)] {
        guard let i = index.indexIfPresent(name), let state = moments[i] else { return [] }
        return [("exp_avg", state.first), ("exp_avg_sq", state.second)]
    }

    /// The number of steps the named parameter has taken.
    public func stepCount(for name: String) -> Int {
        index.indexIfPresent(name).map { steps[$0] } ?? 0
    }
}
