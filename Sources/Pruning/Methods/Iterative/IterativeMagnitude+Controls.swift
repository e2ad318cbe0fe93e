// The lottery-ticket controls: branches of a finished lottery-ticket run at the same mask level.

/// Control: the lottery ticket's mask with every parameter re-initialised at random (LTH's baseline).
public enum LotteryReinit: IMPVariant {
    public static let name = "lottery-reinit"
    public static let summary = """
        Lottery-ticket control, random re-initialisation (Frankle & Carbin 2019; open_lth randomly_reinitialize): \
        find the ticket exactly as lottery-ticket does (same seed, same mask), then draw every parameter afresh \
        from the architecture's initialisation (run stream "reinit", not θ_0) keeping the mask, and train it in \
        the fine-tuning phase with the same budget split.
        """
    public static let startingPoint = StartingPoint.initialisation
    public static let retraining = IMPRetraining.rewind
    public static let control = IMPControl.reinitialise
    public static let oneShot = false
    public static let defaultRewindSteps: Int? = 0
}

/// Control: random pruning with the ticket's per-layer sparsity (open_lth `randomly_prune`, layerwise).
public enum LotteryRandomPrune: IMPVariant {
    public static let name = "lottery-random-prune"
    public static let summary = """
        Lottery-ticket control, random pruning (open_lth randomly_prune, strategy layerwise): find the ticket as \
        lottery-ticket does, then keep each tensor's number of surviving weights but place them uniformly at \
        random inside the tensor (run stream "random-prune"), rewind to θ_k (θ_0 by default) and train in the \
        fine-tuning phase with the same budget split.
        """
    public static let startingPoint = StartingPoint.initialisation
    public static let retraining = IMPRetraining.rewind
    public static let control = IMPControl.randomPrune
    public static let oneShot = false
    public static let defaultRewindSteps: Int? = 0
}

/// Control: one-shot magnitude pruning to the ticket's density, then rewind and train once.
public enum LotteryOneShot: IMPVariant {
    public static let name = "lottery-one-shot"
    public static let summary = """
        Lottery-ticket control, one-shot pruning (Frankle & Carbin 2019): from the run's initialisation θ_0, train \
        one cycle, prune straight to the target keep fraction by global |w|, rewind to θ_0 and train the ticket in \
        the fine-tuning phase; the budget B is split into two cycles. Unlike global-magnitude it rewinds instead \
        of fine-tuning a trained checkpoint.
        """
    public static let startingPoint = StartingPoint.initialisation
    public static let retraining = IMPRetraining.rewind
    public static let control = IMPControl.none
    public static let oneShot = true
    public static let defaultRewindSteps: Int? = 0
}
