/// Stochastic gradient descent with momentum, dampening, Nesterov and L2 weight decay
/// (`torch.optim.SGD`).
///
/// Per element: `d = g + wd·w`; with momentum, `b = d` on the first step and afterwards
/// `b = μ·b + (1 − dampening)·d`; the step direction is `d + μ·b` (Nesterov) or `b`;
/// `w = w − lr·direction`.
public final class SGD: Optimizer {
    public let parameters: [(name: String, parameter: Parameter)]
    public let momentum: Float
    public let dampening: Float
    public let nesterov: Bool
    public let weightDecay: Float
    private let index: ParameterIndex
    /// `momentum_buffer` per parameter; nil until its first step (or after a reset).
    private var buffers: [Tensor?]

    public init(parameters: [(name: String, parameter: Parameter)], momentum: Float = 0,
                dampening: Float = 0, nesterov: Bool = false, weightDecay: Float = 0) throws(OptimizationError) {
        self.parameters = parameters
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        self.index = try ParameterIndex(parameters)
        self.buffers = Array(repeating: nil, count: parameters.count)
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
        let w = p.value.data, g = p.gradient.data, n = p.value.count
        let wd = weightDecay, mu = momentum, keep = 1 - dampening
        guard mu != 0 else {
            for k in 0..<n { w[k] = w[k] - lr * (g[k] + wd * w[k]) }
            return
        }
        if let buffer = buffers[i] {
            let b = buffer.data
            for k in 0..<n {
                let d = g[k] + wd * w[k]
                b[k] = mu * b[k] + keep * d
                w[k] = w[k] - lr * (nesterov ? d + mu * b[k] : b[k])
            }
        } else {
            let buffer = Tensor(zeros: p.value.shape)
            let b = buffer.data
            for k in 0..<n {
                let d = g[k] + wd * w[k]
                b[k] = d
                w[k] = w[k] - lr * (nesterov ? d + mu * d : d)
            }
            buffers[i] = buffer
        }
    }

    public func resetState(for names: [String]) throws(OptimizationError) {
        for name in names { buffers[try index.index(of: name)] = nil }
    }

    public func resetState(for name: String, elements: Tensor) throws(OptimizationError) {
        let i = try index.index(of: name)
        guard let buffer = buffers[i] else { return }
        try zeroState(buffer, where: elements, name: name)
    }

    public func state(for name: String) -> [(name: String, tensor: Tensor)] {
        guard let i = index.indexIfPresent(name), let buffer = buffers[i] else { return [] }
        return [("momentum_buffer", buffer)]
    }
}
