/// A learning-rate schedule: its shape, its unit (optimizer steps or epochs) and an optional
/// linear warm-up in front, with defaults.
///
/// Encoded as a flat object, e.g. `{"kind": "cosine", "unit": "step"}` or
/// `{"kind": "multiStep", "milestones": [80, 120], "gamma": 0.1, "unit": "epoch", "warmup": 5}`.
/// Decoding fills missing fields with defaults; encoding writes `kind` and only the fields that
/// differ from the defaults (stable digests). The default is per-step cosine decay to 0.
///
/// Shapes, at time `t` in units, with `T` the whole run and `W` the warm-up length, from the base
/// learning rate `lr` of the optimizer (PyTorch's schedulers stepped once per unit):
/// - `constant`: `lr`.
/// - `step`: `lr · γ^⌊t / stepSize⌋` (`StepLR`); `multiStep`: `lr · γ^(milestones ≤ t)` (`MultiStepLR`).
///   Step sizes and milestones count from the start of training, warm-up included.
/// - `cosine`: `final + (lr − final)(1 + cos(π·s/S))/2` with `s = t − W`, `S = T − W` (`CosineAnnealingLR`).
/// - `linear`: from `lr` at `s = 0` to `final` at `s = S` (`LinearLR` with an end factor).
/// - `oneCycle`: `OneCycleLR` with `max_lr = lr`, cosine annealing, `pct_start`, `div_factor`,
///   `final_div_factor`, over `S` (momentum is not cycled).
/// - Warm-up: for `t < W`, `lr · (f + (1 − f)·t/W)` with `f = warmupStartFactor` (`LinearLR`);
///   it multiplies the base learning rate and replaces the schedule for those units.
public struct ScheduleConfig: Codable, Hashable, Sendable {
    /// The schedule's shape.
    public enum Kind: String, Codable, Hashable, Sendable, CaseIterable {
        case constant, step, multiStep, cosine, linear, oneCycle
    }

    /// What one unit of `t` is: one optimizer step, or one epoch (the rate changes between epochs).
    public enum Unit: String, Codable, Hashable, Sendable {
        case step, epoch
    }

    public var kind: Kind
    public var unit: Unit
    /// Units of linear warm-up before the schedule (0: none).
    public var warmup: Int
    /// The warm-up's first learning rate as a fraction of the base rate.
    public var warmupStartFactor: Float
    /// `step`: units between decays.
    public var stepSize: Int
    /// `multiStep`: the units at which the rate is multiplied by `gamma`.
    public var milestones: [Int]
    /// `step` and `multiStep`: the decay factor.
    public var gamma: Float
    /// `cosine` and `linear`: the learning rate reached at the end of training (absolute).
    public var finalLR: Float
    /// `oneCycle`: the fraction of the cycle spent increasing the rate.
    public var pctStart: Float
    /// `oneCycle`: initial rate = `lr / divFactor`.
    public var divFactor: Float
    /// `oneCycle`: final rate = initial rate / `finalDivFactor`.
    public var finalDivFactor: Float

    /// The defaults of every field for `kind`, per-step unless `unit` says otherwise.
    public init(kind: Kind = .cosine, unit: Unit = .step) {
        self.kind = kind
        self.unit = unit
        warmup = 0
        warmupStartFactor = 0.1
        stepSize = 30
        milestones = []
        gamma = 0.1
        finalLR = 0
        pctStart = 0.3
        divFactor = 25
        finalDivFactor = 1e4
    }

    /// A constant learning rate.
    public static let constant = ScheduleConfig(kind: .constant)

    /// Cosine decay to `finalLR` over the run.
    public static func cosine(finalLR: Float = 0, unit: Unit = .step, warmup: Int = 0) -> ScheduleConfig {
        var c = ScheduleConfig(kind: .cosine, unit: unit)
        c.finalLR = finalLR; c.warmup = warmup
        return c
    }

    /// Linear decay to `finalLR` over the run.
    public static func linear(finalLR: Float = 0, unit: Unit = .step, warmup: Int = 0) -> ScheduleConfig {
        var c = ScheduleConfig(kind: .linear, unit: unit)
        c.finalLR = finalLR; c.warmup = warmup
        return c
    }

    /// Multiplies the rate by `gamma` every `stepSize` units.
    public static func step(stepSize: Int, gamma: Float = 0.1, unit: Unit = .epoch) -> ScheduleConfig {
        var c = ScheduleConfig(kind: .step, unit: unit)
        c.stepSize = stepSize; c.gamma = gamma
        return c
    }

    /// Multiplies the rate by `gamma` at each milestone.
    public static func multiStep(milestones: [Int], gamma: Float = 0.1, unit: Unit = .epoch) -> ScheduleConfig {
        var c = ScheduleConfig(kind: .multiStep, unit: unit)
        c.milestones = milestones; c.gamma = gamma
        return c
    }

    /// The one-cycle policy with PyTorch's defaults.
    public static func oneCycle(pctStart: Float = 0.3, divFactor: Float = 25, finalDivFactor: Float = 1e4,
                                unit: Unit = .step) -> ScheduleConfig {
        var c = ScheduleConfig(kind: .oneCycle, unit: unit)
        c.pctStart = pctStart; c.divFactor = divFactor; c.finalDivFactor = finalDivFactor
        return c
    }

    /// Checks the fields' ranges; the message names the field and what was expected.
    public func validate() throws(OptimizationError) {
        func require(_ ok: Bool, _ message: String) throws(OptimizationError) {
            if !ok { throw OptimizationError("schedule \(kind.rawValue): \(message)") }
        }
        try require(warmup >= 0, "warmup must be >= 0, got \(warmup)")
        try require(warmupStartFactor >= 0 && warmupStartFactor <= 1,
                    "warmupStartFactor must be in [0, 1], got \(warmupStartFactor)")
        try require(gamma.isFinite && gamma >= 0, "gamma must be >= 0, got \(gamma)")
        try require(finalLR.isFinite && finalLR >= 0, "finalLR must be >= 0, got \(finalLR)")
        switch kind {
        case .step: try require(stepSize > 0, "stepSize must be > 0, got \(stepSize)")
        case .multiStep: try require(milestones == milestones.sorted(), "milestones must be increasing")
        case .oneCycle:
            try require(pctStart > 0 && pctStart < 1, "pctStart must be in (0, 1), got \(pctStart)")
            try require(divFactor > 0 && finalDivFactor > 0, "divFactor and finalDivFactor must be > 0")
        case .constant, .cosine, .linear: break
        }
    }

    /// A compact human-readable form, e.g. `cosine per step to 0.0, warm-up 5`.
    public var summary: String {
        var text = "\(kind.rawValue) per \(unit.rawValue)"
        switch kind {
        case .constant: break
        case .step: text += " every \(stepSize) × \(gamma)"
        case .multiStep: text += " at \(milestones) × \(gamma)"
        case .cosine, .linear: text += " to \(finalLR)"
        case .oneCycle: text += " (pct \(pctStart), div \(divFactor), final div \(finalDivFactor))"
        }
        if warmup > 0 { text += ", warm-up \(warmup) from ×\(warmupStartFactor)" }
        return text
    }
}

extension ScheduleConfig {
    enum CodingKeys: String, CodingKey, CaseIterable {
        case kind, unit, warmup, warmupStartFactor, stepSize, milestones, gamma, finalLR
        case pctStart, divFactor, finalDivFactor
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(kind: try c.decodeIfPresent(Kind.self, forKey: .kind) ?? .cosine,
                  unit: try c.decodeIfPresent(Unit.self, forKey: .unit) ?? .step)
        warmup = try c.decodeIfPresent(Int.self, forKey: .warmup) ?? warmup
        warmupStartFactor = try c.decodeIfPresent(Float.self, forKey: .warmupStartFactor) ?? warmupStartFactor
        stepSize = try c.decodeIfPresent(Int.self, forKey: .stepSize) ?? stepSize
        milestones = try c.decodeIfPresent([Int].self, forKey: .milestones) ?? milestones
        gamma = try c.decodeIfPresent(Float.self, forKey: .gamma) ?? gamma
        finalLR = try c.decodeIfPresent(Float.self, forKey: .finalLR) ?? finalLR
        pctStart = try c.decodeIfPresent(Float.self, forKey: .pctStart) ?? pctStart
        divFactor = try c.decodeIfPresent(Float.self, forKey: .divFactor) ?? divFactor
        finalDivFactor = try c.decodeIfPresent(Float.self, forKey: .finalDivFactor) ?? finalDivFactor
        do { try validate() } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        let d = ScheduleConfig(kind: kind)
        try c.encode(kind, forKey: .kind)
        if unit != d.unit { try c.encode(unit, forKey: .unit) }
        if warmup != d.warmup { try c.encode(warmup, forKey: .warmup) }
        if warmupStartFactor != d.warmupStartFactor { try c.encode(warmupStartFactor, forKey: .warmupStartFactor) }
        if stepSize != d.stepSize { try c.encode(stepSize, forKey: .stepSize) }
        if milestones != d.milestones { try c.encode(milestones, forKey: .milestones) }
        if gamma != d.gamma { try c.encode(gamma, forKey: .gamma) }
        if finalLR != d.finalLR { try c.encode(finalLR, forKey: .finalLR) }
        if pctStart != d.pctStart { try c.encode(pctStart, forKey: .pctStart) }
        if divFactor != d.divFactor { try c.encode(divFactor, forKey: .divFactor) }
        if finalDivFactor != d.finalDivFactor { try c.encode(finalDivFactor, forKey: .finalDivFactor) }
    }
}
