import Foundation
import NN
import Training

/// The dense training run that produced the checkpoint, given by hand: its base learning rate, schedule and
/// length (card `imp-slr.md`, "Inputs it needs"), for a checkpoint that records no training (a PyTorch
/// export). When given, it overrides the checkpoint's record (`Session.originalTraining`); lengths count in
/// the session's optimizer steps per epoch (the fine-tuning batch size over the session's training split).
/// Fields left out take the defaults below, the default suite's dense recipe: SGD lr 0.1, per-step cosine
/// to 0, 10 epochs.
public struct OriginalTraining: Codable, Sendable, Equatable {
    /// η_max: the original run's base (peak) learning rate.
    public var lr: Float = 0.1
    /// The original run's schedule.
    public var schedule: ScheduleConfig = .cosine()
    /// The original run's length in epochs (ignored when `steps` is set).
    public var epochs: Double = 10
    /// The original run's length L in optimizer steps; overrides `epochs`.
    public var steps: Int?

    /// The defaults above.
    public init() {}

    enum CodingKeys: String, CodingKey { case lr, schedule, epochs, steps }

    /// Missing fields take the defaults.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        lr = try c.decodeIfPresent(Float.self, forKey: .lr) ?? lr
        schedule = try c.decodeIfPresent(ScheduleConfig.self, forKey: .schedule) ?? schedule
        epochs = try c.decodeIfPresent(Double.self, forKey: .epochs) ?? epochs
        steps = try c.decodeIfPresent(Int.self, forKey: .steps)
    }

    /// This run in optimizer steps: L = `steps`, or `epochs` × `stepsPerEpoch` rounded.
    public func run(stepsPerEpoch: Int) throws -> OriginalRun {
        try OriginalRun(baseLR: lr, schedule: schedule, steps: steps ?? Int((epochs * Double(stepsPerEpoch)).rounded()),
                        stepsPerEpoch: stepsPerEpoch)
    }

    /// Writes every field (`steps` as `null` when unset).
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(lr, forKey: .lr)
        try c.encode(schedule, forKey: .schedule)
        try c.encode(epochs, forKey: .epochs)
        try c.encode(steps, forKey: .steps)
    }
}

/// Zimmer et al.'s retraining learning-rate schedules (ICLR 2023, card `imp-slr.md`, after the official
/// `define_retrain_schedule`), as recipes for one retraining of n optimizer steps.
///
/// The original run: η_orig over L steps (`OriginalRun`, from the checkpoint's record or the configuration's
/// `OriginalTraining`); η_max = max η_orig (its base rate),
/// η_min = min η_orig after its warm-up. SLR, CLR, LLR and ALLR warm up for w = ⌊0.1·n⌋ steps from 0 to
/// their start value, then run their main part over m = n − w steps, j = 0..m−1:
/// - SLR: η_j = η'[⌊j·L/m⌋] (η' = η_orig with its warm-up replaced by η_max): step and multi-step
///   schedules become milestones w + ⌈M·m/L⌉ (exactly the floor sampling); cosine, linear, one-cycle and
///   constant shapes are laid over the m steps directly, the continuous form of the sampling (choice made
///   here: it differs from the sampled log by less than one original step's change).
/// - CLR: η_min + (η_max − η_min)(1 + cos(π·j/m))/2.
/// - LLR: η_max·(1 − j/m).
/// - ALLR: η_0·(1 − j/m), η_0 = clip(η_max·d/√s, η_max·min(k/E, 1), η_max) (`allrStart`; k and E are the
///   retraining's and the original run's lengths in epochs, each counted in its own steps per epoch).
/// The warm-up is linear (the code's is a half-cosine ramp; the card accepts a linear one).
public struct RetrainingSchedule: Sendable, Equatable {
    /// Which schedule.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case slr, clr, llr, allr
    }

    /// The original run's schedule.
    public let original: ScheduleConfig
    /// η_max, the original base rate.
    public let maxLR: Float
    /// η_min, the smallest original rate after its warm-up.
    public let minLR: Float
    /// L, the original run's length in optimizer steps.
    public let originalSteps: Int
    /// Optimizer steps per epoch (to convert epoch-unit schedules).
    public let stepsPerEpoch: Int

    /// The schedules for an original run of `originalSteps` steps at `lr` with `schedule`; throws for a
    /// bad schedule or length.
    public init(schedule: ScheduleConfig, lr: Float, originalSteps: Int, stepsPerEpoch: Int) throws {
        guard originalSteps >= 1, stepsPerEpoch >= 1, lr.isFinite, lr > 0 else {
            throw IterativePruningError.configuration(
                "original training: lr must be > 0 and its length ≥ 1 step, got lr \(lr), \(originalSteps) steps")
        }
        let log = try Schedule(schedule, baseLR: lr, totalSteps: originalSteps, stepsPerEpoch: stepsPerEpoch)
        let warmupSteps = schedule.unit == .step ? schedule.warmup : schedule.warmup * stepsPerEpoch
        var minimum = Float.infinity, maximum = lr
        for step in min(warmupSteps, originalSteps - 1)..<originalSteps {
            let rate = log.learningRate(atStep: step)
            minimum = min(minimum, rate)
            maximum = max(maximum, rate)
        }
        original = schedule
        maxLR = maximum
        minLR = minimum
        self.originalSteps = originalSteps
        self.stepsPerEpoch = stepsPerEpoch
    }

    /// The schedules for `original`.
    public init(original: OriginalRun) throws {
        try self.init(schedule: original.schedule, lr: original.baseLR, originalSteps: original.steps,
                      stepsPerEpoch: original.stepsPerEpoch)
    }

    /// w = ⌊0.1·n⌋, the warm-up steps of a retraining of `steps` steps.
    public static func warmupSteps(_ steps: Int) -> Int { steps / 10 }

    /// `base` with the optimizer's rate and the schedule of `kind` for a retraining of `steps` steps
    /// (`allrStart`: η_0 of ALLR, ignored by the others).
    public func recipe(_ base: TrainingRecipe, kind: Kind, steps: Int, allrStart: Float) -> TrainingRecipe {
        var recipe = base
        let w = Self.warmupSteps(steps), m = max(steps - w, 1)
        var schedule: ScheduleConfig
        switch kind {
        case .slr:
            schedule = compressed(into: m, after: w)
        case .clr:
            schedule = .cosine(finalLR: minLR)
        case .llr, .allr:
            schedule = .linear(finalLR: 0)
        }
        schedule.unit = .step
        schedule.warmup = w
        schedule.warmupStartFactor = 0
        recipe.schedule = schedule
        recipe.optimizer.learningRate = kind == .allr ? allrStart : maxLR
        return recipe
    }

    /// The original schedule squeezed into m steps after a warm-up of w steps (SLR).
    func compressed(into m: Int, after w: Int) -> ScheduleConfig {
        let scale = original.unit == .epoch ? stepsPerEpoch : 1
        let length = originalSteps
        // Original milestone M (in steps) → the first j with ⌊j·L/m⌋ ≥ M, i.e. ⌈M·m/L⌉, shifted by w.
        func squeeze(_ milestones: [Int]) -> [Int] {
            milestones.map { $0 * scale }.filter { $0 < length }.map { w + ($0 * m + length - 1) / length }
        }
        switch original.kind {
        case .step:
            let decays = Array(stride(from: original.stepSize, through: length / scale, by: original.stepSize))
            return .multiStep(milestones: squeeze(decays), gamma: original.gamma, unit: .step)
        case .multiStep:
            return .multiStep(milestones: squeeze(original.milestones), gamma: original.gamma, unit: .step)
        case .constant, .cosine, .linear, .oneCycle:
            var laid = original
            laid.unit = .step
            return laid
        }
    }

    /// ALLR's start value η_0 = clip(η_max·d/√s, lo: η_max·min(k/E, 1), hi: η_max), with d the relative norm
    /// drop of the pruning step, s the fraction of the remaining weights it removed, k the retraining's length
    /// and E the original run's, both in epochs (the card's k/E_train). s = 0 gives η_max.
    public static func allrStart(maxLR: Float, normDrop d: Double, prunedFraction s: Double,
                                 retrainingEpochs k: Double, originalEpochs E: Double) -> Float {
        let eta = Double(maxLR)
        guard s > 0 else { return maxLR }
        let low = eta * min(k / max(E, .leastNonzeroMagnitude), 1)
        return Float(min(max(eta * d / s.squareRoot(), low), eta))
    }
}
