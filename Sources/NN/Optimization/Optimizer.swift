/// An optimizer over named parameters with per-parameter state (PyTorch's `torch.optim` rules).
///
/// `step(lr:)` updates every parameter from its accumulated gradient. Masks are respected: each
/// parameter's gradient is masked before its update and its weights are re-masked after it, so
/// pruned weights stay exactly zero. State (momentum, Adam moments) is created on a parameter's
/// first step, as in PyTorch, and can be reset for whole parameters or single elements (dynamic
/// sparse methods reset the state of weights they grow).
public protocol Optimizer: AnyObject {
    /// The parameters this optimizer updates, with their `state_dict` names, in update order.
    var parameters: [(name: String, parameter: Parameter)] { get }
    /// One update of every parameter with learning rate `lr`.
    func step(lr: Float)
    /// Forgets all state of the named parameters: their next step behaves like a first step.
    func resetState(for names: [String]) throws(OptimizationError)
    /// Zeroes the state of the named parameter at the elements where `elements` is nonzero.
    func resetState(for name: String, elements: Tensor) throws(OptimizationError)
    /// The named parameter's state buffers with PyTorch's names (`momentum_buffer`, `exp_avg`, …);
    /// empty before its first step.
    func state(for name: String) -> [(name: String, tensor: Tensor)]
}

/// Builds the optimizer `config` describes over `parameters`.
public func makeOptimizer(_ config: OptimizerConfig,
                          parameters: [(name: String, parameter: Parameter)]) throws(OptimizationError)
    -> any Optimizer {
    try config.validate()
    switch config.kind {
    case .sgd:
        return try SGD(parameters: parameters, momentum: config.momentum, dampening: config.dampening,
                       nesterov: config.nesterov, weightDecay: config.weightDecay)
    case .adam, .adamw:
        return try Adam(parameters: parameters, beta1: config.beta1, beta2: config.beta2,
                        epsilon: config.epsilon, weightDecay: config.weightDecay,
                        decoupledWeightDecay: config.kind == .adamw)
    }
}

/// Name lookup shared by the optimizers: checks names are unique and finds a parameter's index.
struct ParameterIndex {
    private let indices: [String: Int]

    init(_ parameters: [(name: String, parameter: Parameter)]) throws(OptimizationError) {
        var indices: [String: Int] = [:]
        for (i, entry) in parameters.enumerated() {
            if indices.updateValue(i, forKey: entry.name) != nil {
                throw OptimizationError("optimizer: parameter name '\(entry.name)' appears twice")
            }
        }
        self.indices = indices
    }

    /// The index of `name`, or an error naming it.
    func index(of name: String) throws(OptimizationError) -> Int {
        guard let i = indices[name] else {
            throw OptimizationError("optimizer: no parameter named '\(name)'")
        }
        return i
    }

    func indexIfPresent(_ name: String) -> Int? { indices[name] }
}

/// Zeroes `buffer` where `elements` is nonzero; shapes are checked against the parameter.
func zeroState(_ buffer: Tensor, where elements: Tensor, name: String) throws(OptimizationError) {
    guard elements.shape == buffer.shape else {
        throw OptimizationError("optimizer: reset mask \(elements.shape) for '\(name)' of shape \(buffer.shape)")
    }
    let b = buffer.data, e = elements.data
    for i in 0..<buffer.count where e[i] != 0 { b[i] = 0 }
}
