/// The optimizer of a training recipe: its kind and hyperparameters, with PruneBench's defaults.
///
/// Encoded as a flat object, e.g. `{"kind": "sgd", "lr": 0.1, "momentum": 0.9}`. Decoding fills
/// every missing field with the kind's default; encoding writes `kind` plus only the fields that
/// differ from that default, so adding a field later never changes an existing encoding (digests).
/// Defaults: SGD lr 0.1, momentum 0.9 (PruneBench's recipe, not PyTorch's 0), dampening 0, no
/// Nesterov, no weight decay; Adam lr 1e-3, betas (0.9, 0.999), eps 1e-8, no weight decay;
/// AdamW as Adam with weight decay 0.01 (PyTorch's defaults).
public struct OptimizerConfig: Codable, Hashable, Sendable {
    /// Which update rule.
    public enum Kind: String, Codable, Hashable, Sendable, CaseIterable {
        case sgd, adam, adamw
    }

    public var kind: Kind
    public var learningRate: Float
    public var momentum: Float
    public var dampening: Float
    public var nesterov: Bool
    public var weightDecay: Float
    public var beta1: Float
    public var beta2: Float
    public var epsilon: Float

    /// The defaults of `kind`.
    public init(kind: Kind = .sgd) {
        self.kind = kind
        switch kind {
        case .sgd:
            learningRate = 0.1; momentum = 0.9; weightDecay = 0
        case .adam:
            learningRate = 1e-3; momentum = 0; weightDecay = 0
        case .adamw:
            learningRate = 1e-3; momentum = 0; weightDecay = 0.01
        }
        dampening = 0
        nesterov = false
        beta1 = 0.9
        beta2 = 0.999
        epsilon = 1e-8
    }

    /// SGD with PyTorch's update rule (`torch.optim.SGD`).
    public static func sgd(lr: Float = 0.1, momentum: Float = 0.9, dampening: Float = 0,
                           nesterov: Bool = false, weightDecay: Float = 0) -> OptimizerConfig {
        var c = OptimizerConfig(kind: .sgd)
        c.learningRate = lr; c.momentum = momentum; c.dampening = dampening
        c.nesterov = nesterov; c.weightDecay = weightDecay
        return c
    }

    /// Adam with L2 weight decay added to the gradient (`torch.optim.Adam`).
    public static func adam(lr: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                            epsilon: Float = 1e-8, weightDecay: Float = 0) -> OptimizerConfig {
        var c = OptimizerConfig(kind: .adam)
        c.learningRate = lr; c.beta1 = beta1; c.beta2 = beta2; c.epsilon = epsilon
        c.weightDecay = weightDecay
        return c
    }

    /// Adam with decoupled weight decay (`torch.optim.AdamW`).
    public static func adamw(lr: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999,
                             epsilon: Float = 1e-8, weightDecay: Float = 0.01) -> OptimizerConfig {
        var c = OptimizerConfig(kind: .adamw)
        c.learningRate = lr; c.beta1 = beta1; c.beta2 = beta2; c.epsilon = epsilon
        c.weightDecay = weightDecay
        return c
    }

    /// Checks the hyperparameters' ranges; the message names the field and what was expected.
    public func validate() throws(OptimizationError) {
        func require(_ ok: Bool, _ message: String) throws(OptimizationError) {
            if !ok { throw OptimizationError("optimizer \(kind.rawValue): \(message)") }
        }
        try require(learningRate.isFinite && learningRate >= 0, "lr must be finite and >= 0, got \(learningRate)")
        try require(weightDecay.isFinite && weightDecay >= 0, "weightDecay must be >= 0, got \(weightDecay)")
        switch kind {
        case .sgd:
            try require(momentum >= 0 && momentum < 1, "momentum must be in [0, 1), got \(momentum)")
            try require(!nesterov || (momentum > 0 && dampening == 0),
                        "nesterov needs momentum > 0 and dampening 0")
        case .adam, .adamw:
            try require(beta1 >= 0 && beta1 < 1, "beta1 must be in [0, 1), got \(beta1)")
            try require(beta2 >= 0 && beta2 < 1, "beta2 must be in [0, 1), got \(beta2)")
            try require(epsilon >= 0, "eps must be >= 0, got \(epsilon)")
        }
    }

    /// A compact human-readable form, e.g. `sgd(lr 0.1, momentum 0.9)`.
    public var summary: String {
        var parts = ["lr \(learningRate)"]
        switch kind {
        case .sgd:
            if momentum != 0 { parts.append("momentum \(momentum)") }
            if dampening != 0 { parts.append("dampening \(dampening)") }
            if nesterov { parts.append("nesterov") }
        case .adam, .adamw:
            parts.append("betas (\(beta1), \(beta2))")
            parts.append("eps \(epsilon)")
        }
        if weightDecay != 0 { parts.append("weight decay \(weightDecay)") }
        return "\(kind.rawValue)(\(parts.joined(separator: ", ")))"
    }
}

extension OptimizerConfig {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case kind, lr, momentum, dampening, nesterov, weightDecay, beta1, beta2, eps
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(kind: try c.decodeIfPresent(Kind.self, forKey: .kind) ?? .sgd)
        learningRate = try c.decodeIfPresent(Float.self, forKey: .lr) ?? learningRate
        momentum = try c.decodeIfPresent(Float.self, forKey: .momentum) ?? momentum
        dampening = try c.decodeIfPresent(Float.self, forKey: .dampening) ?? dampening
        nesterov = try c.decodeIfPresent(Bool.self, forKey: .nesterov) ?? nesterov
        weightDecay = try c.decodeIfPresent(Float.self, forKey: .weightDecay) ?? weightDecay
        beta1 = try c.decodeIfPresent(Float.self, forKey: .beta1) ?? beta1
        beta2 = try c.decodeIfPresent(Float.self, forKey: .beta2) ?? beta2
        epsilon = try c.decodeIfPresent(Float.self, forKey: .eps) ?? epsilon
        do { try validate() } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        let d = OptimizerConfig(kind: kind)
        try c.encode(kind, forKey: .kind)
        if learningRate != d.learningRate { try c.encode(learningRate, forKey: .lr) }
        if momentum != d.momentum { try c.encode(momentum, forKey: .momentum) }
        if dampening != d.dampening { try c.encode(dampening, forKey: .dampening) }
        if nesterov != d.nesterov { try c.encode(nesterov, forKey: .nesterov) }
        if weightDecay != d.weightDecay { try c.encode(weightDecay, forKey: .weightDecay) }
        if beta1 != d.beta1 { try c.encode(beta1, forKey: .beta1) }
        if beta2 != d.beta2 { try c.encode(beta2, forKey: .beta2) }
        if epsilon != d.epsilon { try c.encode(epsilon, forKey: .eps) }
    }
}

/// A bad optimizer or schedule configuration, or a request the optimizer cannot serve.
public struct OptimizationError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
