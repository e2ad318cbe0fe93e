import Foundation

/// A learning rate for every optimizer step of a run.
public protocol LearningRateSchedule: Sendable {
    /// The learning rate of optimizer step `step` (0-based, counted from the start of the run).
    func learningRate(atStep step: Int) -> Float
}

/// A `ScheduleConfig` resolved against a base learning rate and the run's length.
///
/// Per-epoch schedules see `t = ⌊step / stepsPerEpoch⌋` and `T = ⌈totalSteps / stepsPerEpoch⌉`;
/// per-step schedules see `t = step` and `T = totalSteps`. Steps past the end keep the last rate.
public struct Schedule: LearningRateSchedule {
    public let config: ScheduleConfig
    public let baseLR: Float
    public let totalSteps: Int
    public let stepsPerEpoch: Int

    public init(_ config: ScheduleConfig, baseLR: Float, totalSteps: Int,
                stepsPerEpoch: Int) throws(OptimizationError) {
        try config.validate()
        guard totalSteps > 0, stepsPerEpoch > 0 else {
            throw OptimizationError("schedule: totalSteps (\(totalSteps)) and stepsPerEpoch (\(stepsPerEpoch)) must be > 0")
        }
        self.config = config
        self.baseLR = baseLR
        self.totalSteps = totalSteps
        self.stepsPerEpoch = stepsPerEpoch
    }

    /// The run's length in the schedule's units.
    public var totalUnits: Int {
        config.unit == .step ? totalSteps : (totalSteps + stepsPerEpoch - 1) / stepsPerEpoch
    }

    public func learningRate(atStep step: Int) -> Float {
        let t = config.unit == .step ? step : step / stepsPerEpoch
        return Float(rate(at: min(max(t, 0), totalUnits - 1)))
    }

    /// The rate at unit `t` in `0..<totalUnits`.
    func rate(at t: Int) -> Double {
        let base = Double(baseLR), w = config.warmup
        if t < w {
            let f = Double(config.warmupStartFactor)
            return base * (f + (1 - f) * Double(t) / Double(w))
        }
        let s = Double(t - w), span = Double(max(totalUnits - w, 1))
        let final = Double(config.finalLR), gamma = Double(config.gamma)
        switch config.kind {
        case .constant:
            return base
        case .step:
            return base * pow(gamma, Double(t / config.stepSize))
        case .multiStep:
            return base * pow(gamma, Double(config.milestones.filter { $0 <= t }.count))
        case .cosine:
            return final + (base - final) * (1 + cos(Double.pi * s / span)) / 2
        case .linear:
            return base + (final - base) * min(s / span, 1)
        case .oneCycle:
            return oneCycle(at: s, span: span)
        }
    }

    /// PyTorch's `OneCycleLR` (two phases, cosine annealing) at position `s` of `span` units.
    private func oneCycle(at s: Double, span: Double) -> Double {
        let peak = Double(baseLR)
        let initial = peak / Double(config.divFactor)
        let minimum = initial / Double(config.finalDivFactor)
        let end1 = Double(config.pctStart) * span - 1, end2 = span - 1
        func anneal(_ start: Double, _ end: Double, _ pct: Double) -> Double {
            end + (start - end) / 2 * (cos(Double.pi * pct) + 1)
        }
        if s <= end1 {
            return anneal(initial, peak, end1 > 0 ? s / end1 : 1)
        }
        let length = end2 - end1
        return anneal(peak, minimum, length > 0 ? (s - end1) / length : 1)
    }
}
