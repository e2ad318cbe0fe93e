/// IMP with weight rewinding to θ_0: Frankle & Carbin's original lottery ticket.
public enum LotteryTicket: IMPVariant {
    public static let name = "lottery-ticket"
    public static let summary = """
        Lottery ticket (Frankle & Carbin 2019): from the run's initialisation θ_0, R rounds of train one cycle, \
        prune the fraction p (default 0.2, global) of the surviving conv/linear weights with the smallest |w|, \
        and rewind every surviving weight, bias, batch-norm parameter and buffer to θ_0; the final ticket is \
        trained from θ_0 in the fine-tuning phase. R = ⌈log f / log(1 − p)⌉, the budget split into R + 1 cycles.
        """
    public static let startingPoint = StartingPoint.initialisation
    public static let retraining = IMPRetraining.rewind
    public static let control = IMPControl.none
    public static let oneShot = false
    public static let defaultRewindSteps: Int? = 0
}

/// IMP with weight rewinding to θ_k, k > 0 (Frankle et al., Linear Mode Connectivity and the LTH).
public enum IMPRewind: IMPVariant {
    public static let name = "imp-rewind"
    public static let summary = """
        IMP with weight rewinding (Frankle et al. 2020): train k steps from the run's initialisation and save \
        θ_k (default k ≈ 2 % of a cycle), then R rounds of train, prune the fraction p of surviving weights \
        with the smallest |w|, rewind survivors and all other state to θ_k; the final ticket trains from θ_k \
        in the fine-tuning phase. The budget B is split as k + (R + 1) cycles.
        """
    public static let startingPoint = StartingPoint.initialisation
    public static let retraining = IMPRetraining.rewind
    public static let control = IMPControl.none
    public static let oneShot = false
    public static let defaultRewindSteps: Int? = nil
}

/// IMP with fine-tuning after each pruning round (Renda et al.'s FT baseline) at the original run's final rate.
public enum IMPFineTune: IMPVariant {
    public static let name = "imp-finetune"
    public static let summary = """
        IMP with fine-tuning (Renda et al. 2020): from the trained checkpoint, R rounds of prune the fraction p \
        of surviving weights with the smallest |w| and retrain the kept weights for one cycle at the constant \
        final learning rate of the checkpoint's own training (its recorded recipe; the mean rate of its final \
        epoch when it decays every step), the final fine-tuning too; the budget B is split into R cycles.
        """
    public static let startingPoint = StartingPoint.trained
    public static let retraining = IMPRetraining.fineTune
    public static let control = IMPControl.none
    public static let oneShot = false
    public static let defaultRewindSteps: Int? = nil
}

/// IMP with learning-rate rewinding (Renda et al.'s recommended LRR): the original run's last rates each cycle.
public enum IMPLRRewind: IMPVariant {
    public static let name = "imp-lr-rewind"
    public static let summary = """
        IMP with learning-rate rewinding (Renda et al. 2020): from the trained checkpoint, R rounds of prune \
        the fraction p of surviving weights with the smallest |w| (global) and retrain the kept weights for one \
        cycle of t steps at the last t learning rates of the checkpoint's own training (its recorded recipe), \
        η_orig(L − t + j); the budget B is split into R cycles.
        """
    public static let startingPoint = StartingPoint.trained
    public static let retraining = IMPRetraining.learningRateRewind
    public static let control = IMPControl.none
    public static let oneShot = false
    public static let defaultRewindSteps: Int? = nil
}
