import NN
import Training

/// The dense training run that produced a session's starting checkpoint: its learning rate η_orig(i) at every
/// optimizer step i = 0..<L (card `imp-slr.md`, "Inputs it needs"; Renda et al.'s schedule S).
///
/// The runner fills `Session.originalTraining` from the checkpoint's training record (its recipe, and the
/// steps and epochs it trained, so L and the run's batches per epoch are the run's own, whatever split and
/// batch size the pruning session uses). A checkpoint without a record (a PyTorch export) has none; methods
/// then take the run from their configuration (`IMPConfiguration.original`). No per-step log is stored:
/// η_orig is the recipe's schedule function, which is what the trainer followed.
public struct OriginalRun: Sendable, Equatable {
    /// The optimizer's base learning rate.
    public let baseLR: Float
    /// The run's schedule.
    public let schedule: ScheduleConfig
    /// L, the run's length in optimizer steps.
    public let steps: Int
    /// The run's optimizer steps per epoch (its epoch-unit schedules change rate between these).
    public let stepsPerEpoch: Int
    private let log: Schedule

    /// A run of `steps` steps at `baseLR` with `schedule`; throws for a bad rate, schedule or length.
    public init(baseLR: Float, schedule: ScheduleConfig, steps: Int, stepsPerEpoch: Int) throws {
        guard baseLR.isFinite, baseLR > 0, steps >= 1, stepsPerEpoch >= 1 else {
            throw IterativePruningError.configuration("original training: lr must be > 0 and the run ≥ 1 step, "
                + "got lr \(baseLR), \(steps) steps of \(stepsPerEpoch) per epoch")
        }
        self.baseLR = baseLR
        self.schedule = schedule
        self.steps = steps
        self.stepsPerEpoch = stepsPerEpoch
        log = try Schedule(schedule, baseLR: baseLR, totalSteps: steps, stepsPerEpoch: stepsPerEpoch)
    }

    /// The run that `recipe` describes, `steps` steps long at `stepsPerEpoch` per epoch.
    public init(recipe: TrainingRecipe, steps: Int, stepsPerEpoch: Int) throws {
        try self.init(baseLR: recipe.optimizer.learningRate, schedule: recipe.schedule, steps: steps,
                      stepsPerEpoch: stepsPerEpoch)
    }

    /// Equal when rate, schedule and lengths are.
    public static func == (a: OriginalRun, b: OriginalRun) -> Bool {
        a.baseLR == b.baseLR && a.schedule == b.schedule && a.steps == b.steps && a.stepsPerEpoch == b.stepsPerEpoch
    }

    /// η_orig(i). Before the run (i < 0) the first rate, after it (i ≥ L) the last.
    public func learningRate(atStep i: Int) -> Float { log.learningRate(atStep: max(i, 0)) }

    /// The run's length in epochs, L / steps per epoch.
    public var epochs: Double { Double(steps) / Double(stepsPerEpoch) }

    /// The constant rate of fine-tuning (Renda et al.'s FT: "the final learning rate of the original schedule").
    ///
    /// A schedule that holds its rate over whole stretches (constant, step, multi-step, or any shape stepped
    /// per epoch) gives the rate of its last step, η_orig(L − 1). A shape that decays every step (cosine,
    /// linear, one-cycle per step) gives the mean rate of its final epoch, mean η_orig(L − E .. L − 1) with
    /// E = min(steps per epoch, L): Renda's schedules change per epoch, so their final rate is the rate of the
    /// final epoch, and the literal last step of a per-step decay to 0 is ≈ 0, which would not train at all.
    public var finalLearningRate: Float {
        let piecewiseConstant = schedule.unit == .epoch || [.constant, .step, .multiStep].contains(schedule.kind)
        if piecewiseConstant { return learningRate(atStep: steps - 1) }
        let epoch = min(stepsPerEpoch, steps)
        let sum = ((steps - epoch)..<steps).reduce(0.0) { $0 + Double(learningRate(atStep: $1)) }
        return Float(sum / Double(epoch))
    }

    /// The rates of the run's last `count` steps, η_orig(L − count + j) for j = 0..<count (LR rewinding).
    /// A `count` beyond L replays the whole run after count − L steps at its first rate η_orig(0).
    public func lastRates(_ count: Int) -> [Float] {
        (0..<max(count, 0)).map { learningRate(atStep: steps - count + $0) }
    }
}

/// Learning-rate rewinding's schedule for one retraining of n steps: the original run's last n rates, scaled
/// by peak / max(those rates) so their largest is `peak` (SILO sets the peak; by default it is that maximum,
/// and the rates are η_orig(L − n + j) exactly).
public struct RewoundSchedule: LearningRateSchedule {
    /// η_orig(L − n + j) for j = 0..<n.
    public let rates: [Float]
    /// The largest rate of this retraining.
    public let peak: Float
    /// peak / max(rates), nil when that is 1 (the rates are replayed as they are).
    private let scale: Double?

    /// The last `steps` rates of `original` with their maximum scaled to `peak` (nil: unscaled).
    public init(_ original: OriginalRun, steps: Int, peak: Float? = nil) {
        rates = original.lastRates(steps)
        let top = rates.max() ?? original.baseLR
        self.peak = peak ?? top
        scale = peak.map { $0 == top || top <= 0 ? nil : Double($0) / Double(top) } ?? nil
    }

    /// The replayed rate of step `step` of the retraining; steps past its end keep the last one.
    public func learningRate(atStep step: Int) -> Float {
        guard let last = rates.last else { return peak }
        let rate = step < rates.count ? rates[max(step, 0)] : last
        return scale.map { Float(Double(rate) * $0) } ?? rate
    }

    /// The largest of the last `steps` rates of `original`.
    public static func peak(of original: OriginalRun, steps: Int) -> Float {
        original.lastRates(steps).max() ?? original.baseLR
    }
}
