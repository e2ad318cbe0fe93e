import NN
import Training

/// The retraining rules of the IMP driver and the dense run they read: Renda et al.'s fine-tuning and LR
/// rewinding here, Zimmer et al.'s restarting schedules in `IterativeMagnitude+Schedules.swift`.
extension IterativeMagnitude {
    /// The dense run that produced the checkpoint, as every retraining rule reads it: `configuration.original`
    /// when set (it overrides the checkpoint's record; lengths count in the session's steps per epoch), else
    /// the checkpoint's record (`Session.originalTraining`); throws when there is neither.
    func originalRun(_ session: Session) throws -> OriginalRun {
        if let given = configuration.original {
            return try given.run(stepsPerEpoch: session.recipe.batchesPerEpoch(examples: session.data.training.count))
        }
        if let recorded = session.originalTraining { return recorded }
        throw IterativePruningError.configuration("\(Self.name) needs the dense training run that produced the "
            + "checkpoint, and the checkpoint records none (e.g. a PyTorch export): give it as the configuration's "
            + "`original` ({\"lr\", \"schedule\", \"epochs\" or \"steps\"})")
    }

    /// Installs the rule of `Variant.retraining` for every later `train` call (the rounds' retrainings and the
    /// final one); returns the record ALLR's η_0 reads (nil for the other rules). Weight rewinding installs none.
    func installRetrainingRule(_ session: Session, denseSteps: Int) throws -> PruningSteps? {
        switch Variant.retraining {
        case .rewind:
            return nil
        case .fineTune:
            try installFineTuningRule(session)
            return nil
        case .learningRateRewind:
            try installLRRewindingRule(session)
            return nil
        case .slr, .clr, .llr, .allr:
            return try installRestartingRule(session, denseSteps: denseSteps)
        }
    }

    /// Fine-tuning: a constant rate, `fineTuningLR` or the original run's final rate (`OriginalRun.finalLearningRate`).
    private func installFineTuningRule(_ session: Session) throws {
        let rate = try configuration.fineTuningLR ?? originalRun(session).finalLearningRate
        guard rate.isFinite, rate > 0 else {
            throw IterativePruningError.configuration("\(Self.name): the fine-tuning rate must be > 0, got \(rate)")
        }
        session.report("imp fine-tuning at lr \(rate)")
        let previous = session.recipeAdjustment
        session.recipeAdjustment = { recipe, call in
            var recipe = recipe
            recipe.schedule = .constant
            recipe.optimizer.learningRate = rate
            return previous?(recipe, call) ?? recipe
        }
    }

    /// LR rewinding: a retraining of n steps replays the original run's last n rates (`RewoundSchedule`). The
    /// recipe's rate is set to their peak, so a modifier that sets the peak (SILO) scales the replayed rates.
    private func installLRRewindingRule(_ session: Session) throws {
        let original = try originalRun(session)
        let previousRecipe = session.recipeAdjustment
        session.recipeAdjustment = { recipe, call in
            var recipe = recipe
            recipe.optimizer.learningRate = RewoundSchedule.peak(of: original, steps: call.steps)
            return previousRecipe?(recipe, call) ?? recipe
        }
        let previousSchedule = session.scheduleAdjustment
        session.scheduleAdjustment = { recipe, call in
            previousSchedule?(recipe, call)
                ?? RewoundSchedule(original, steps: call.steps, peak: recipe.optimizer.learningRate)
        }
    }
}
