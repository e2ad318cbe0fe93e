// Zimmer et al. (ICLR 2023, card imp-slr.md): IMP retrained with learning-rate restarting schedules, and BIMP.
// FT and LRW are `imp-finetune` and `imp-lr-rewind`. The original run's LR log is synthesised from the
// checkpoint's recorded recipe (`Session.originalTraining`), or from `IMPConfiguration.original` when given.

/// IMP with Scaled LR Restarting (Le & Hua 2021): each retraining replays the original schedule squeezed into it.
public enum IMPSLR: IMPVariant {
    public static let name = "imp-slr"
    public static let summary = """
        IMP with scaled learning-rate restarting (Le & Hua 2021, as in Zimmer et al. 2023): from the trained \
        checkpoint, R rounds of prune the fraction p of surviving weights with the smallest |w| (global) and retrain \
        one cycle of n steps: a linear warm-up over ⌊0.1n⌋ steps to η_max, then the original training's schedule \
        time-compressed into the remaining steps; the budget B is split into R cycles.
        """
    public static let startingPoint = StartingPoint.trained
    public static let retraining = IMPRetraining.slr
    public static let control = IMPControl.none
    public static let oneShot = false
    public static let defaultRewindSteps: Int? = nil
    public static var card: String { "imp-slr.md" }
}

/// IMP with Cyclic LR Restarting (Le & Hua 2021): warm-up, then one cosine from η_max to η_min per retraining.
public enum IMPCLR: IMPVariant {
    public static let name = "imp-clr"
    public static let summary = """
        IMP with cyclic learning-rate restarting (Le & Hua 2021, as in Zimmer et al. 2023): from the trained \
        checkpoint, R rounds of prune the fraction p of surviving weights with the smallest |w| (global) and retrain \
        one cycle: a linear warm-up over a tenth of it to η_max, then cosine decay to η_min, the original run's \
        smallest rate; the budget B is split into R cycles.
        """
    public static let startingPoint = StartingPoint.trained
    public static let retraining = IMPRetraining.clr
    public static let control = IMPControl.none
    public static let oneShot = false
    public static let defaultRewindSteps: Int? = nil
    public static var card: String { "imp-slr.md" }
}

/// IMP with Linear LR Restarting (Zimmer et al. 2023): warm-up, then linear decay from η_max to 0.
public enum IMPLLR: IMPVariant {
    public static let name = "imp-llr"
    public static let summary = """
        IMP with linear learning-rate restarting (Zimmer et al. 2023): from the trained checkpoint, R rounds of \
        prune the fraction p of surviving weights with the smallest |w| (global) and retrain one cycle: a linear \
        warm-up over a tenth of it to η_max, the original run's peak rate, then linear decay to 0; the budget B \
        is split into R cycles.
        """
    public static let startingPoint = StartingPoint.trained
    public static let retraining = IMPRetraining.llr
    public static let control = IMPControl.none
    public static let oneShot = false
    public static let defaultRewindSteps: Int? = nil
    public static var card: String { "imp-slr.md" }
}

/// IMP with Adaptive Linear LR Restarting (Zimmer et al. 2023): LLR from η_0 set by the pruning's norm drop.
public enum IMPALLR: IMPVariant {
    public static let name = "imp-allr"
    public static let summary = """
        IMP with adaptive linear learning-rate restarting (Zimmer et al. 2023): from the trained checkpoint, R \
        rounds of prune the fraction p of surviving weights with the smallest |w| (global) and retrain one cycle \
        of n steps: a linear warm-up over ⌊0.1n⌋ steps to η_0, then linear decay to 0, where η_0 = clip(η_max·d/√s, \
        η_max·min(n/L, 1), η_max) from the pruning step's relative norm drop d and pruned fraction s.
        """
    public static let startingPoint = StartingPoint.trained
    public static let retraining = IMPRetraining.allr
    public static let control = IMPControl.none
    public static let oneShot = false
    public static let defaultRewindSteps: Int? = nil
    public static var card: String { "imp-slr.md" }
}

/// Budgeted IMP (Zimmer et al. 2023): dense training and IMP with ALLR inside one training budget.
///
/// Choices where the card is uncertain: the retraining share T_r/B defaults to 0.2 (`retrainingFraction`)
/// and J to 3 phases (the middle of the card's harness suggestion {1, 3, 5}); the dense phase uses the
/// original run's rate and schedule (the checkpoint's record, or `IMPConfiguration.original`) laid over its
/// B − T_r steps, and is ALLR's original run.
public enum BIMP: IMPVariant {
    public static let name = "bimp"
    public static let summary = """
        Budgeted IMP (Zimmer et al. 2023): from the run's initialisation, train the dense network for B − T_r \
        steps (the original schedule laid over them, T_r = 0.2·B), then J = 3 phases of prune q = 1 − f^(1/J) of \
        the surviving weights by global |w| and retrain T_r/J steps with ALLR (the last phase's retraining is the \
        fine-tuning phase, taking the remainder); the whole run costs one budget B.
        """
    public static let startingPoint = StartingPoint.initialisation
    public static let retraining = IMPRetraining.allr
    public static let control = IMPControl.none
    public static let oneShot = false
    public static let defaultRewindSteps: Int? = nil
    public static var card: String { "imp-slr.md" }
    public static var trainsDenseFirst: Bool { true }
    public static var defaultPhases: Int? { 3 }
}
