import NN
import Training

/// How an IMP round retrains the pruned network (Frankle & Carbin 2019; Renda et al. 2020).
public enum IMPRetraining: String, Codable, Sendable {
    /// Weight rewinding: surviving weights, biases, batch norm and buffers go back to θ_k, the
    /// state after k optimizer steps from initialisation (k = 0: the original lottery ticket).
    case rewind
    /// Fine-tuning: keep the trained weights, retrain at the original run's constant final learning rate.
    case fineTune = "fine-tune"
    /// Learning-rate rewinding: keep the trained weights, replay the original run's last rates each round.
    case learningRateRewind = "lr-rewind"
    /// Zimmer et al.'s scaled LR restarting: the original schedule squeezed into each retraining.
    case slr
    /// Cyclic LR restarting: warm-up, then cosine from η_max to η_min.
    case clr
    /// Linear LR restarting: warm-up, then linear from η_max to 0.
    case llr
    /// Adaptive linear LR restarting: warm-up, then linear from η_0 (set by the pruning's norm drop) to 0.
    case allr

    /// The restarting schedule of Zimmer et al. this rule uses, if any (`RetrainingSchedule`).
    public var restartSchedule: RetrainingSchedule.Kind? { RetrainingSchedule.Kind(rawValue: rawValue) }
}

/// What a registered IMP entry does after the driver (the lottery-ticket controls).
public enum IMPControl: String, Codable, Sendable {
    /// Nothing: the ticket itself.
    case none
    /// Keep the final mask, draw every parameter afresh from the initialisation (stream `"reinit"`).
    case reinitialise
    /// Keep each tensor's kept count, shuffle the positions (stream `"random-prune"`), rewind to θ_k.
    case randomPrune
}

/// One registered IMP entry: its identity, where it starts and its fixed retraining rule.
public protocol IMPVariant: Sendable {
    static var name: String { get }
    static var summary: String { get }
    static var startingPoint: StartingPoint { get }
    static var retraining: IMPRetraining { get }
    static var control: IMPControl { get }
    /// Prune to the target in one round (the one-shot control).
    static var oneShot: Bool { get }
    /// The default rewind step k (nil: derived from the budget, `IMPConfiguration.rewindSteps`).
    static var defaultRewindSteps: Int? { get }
    /// The method card's file name (default `lottery-ticket-imp.md`).
    static var card: String { get }
    /// Train the dense network from initialisation first, then prune and retrain within the rest of the
    /// budget (Zimmer et al.'s BIMP); default false.
    static var trainsDenseFirst: Bool { get }
    /// The default number of pruning phases J (nil: rounds from the rate p).
    static var defaultPhases: Int? { get }
}

extension IMPVariant {
    public static var card: String { "lottery-ticket-imp.md" }
    public static var trainsDenseFirst: Bool { false }
    public static var defaultPhases: Int? { nil }
}

/// Settings of the iterative-magnitude-pruning driver; `init()` gives the card's harness defaults.
public struct IMPConfiguration<Variant: IMPVariant>: MethodConfiguration {
    /// One magnitude threshold over all prunable weights (open_lth `sparse_global`, Renda) or one per
    /// tensor (LTH's LeNet and Conv-2/4/6 rule).
    public var scope: ThresholdScope = .global
    /// p: the fraction of the surviving weights each round removes (card: 0.2).
    public var rate = 0.2
    /// Layerwise only: the rate of conv layers (LTH Conv-2/4: 0.1, Conv-6: 0.15); nil = `rate`.
    public var convRate: Double?
    /// Layerwise only: the classifier's rate relative to `rate` when it is pruned (LTH: half).
    public var classifierRateFactor = 0.5
    /// Also prune the classifier weights (off: the harness keeps it dense, as open_lth does for LeNet).
    public var pruneClassifier = false
    /// Optimizer steps of one retraining cycle (T − k); nil = derived from the budget (see `IterativeMagnitude`).
    public var cycleSteps: Int?
    /// Rewinding only: k, optimizer steps of dense training before θ_k is saved. nil = the variant's
    /// default; for `imp-rewind` max(1, ⌊0.02·B/(R+1)⌉), i.e. about 2 % of a cycle (card: 1–2 % of T).
    public var rewindSteps: Int?
    /// Fine-tuning only: the constant learning rate; nil = the original run's final rate
    /// (`OriginalRun.finalLearningRate`; Renda: 0.001, the final rate of the 0.1 → 0.01 → 0.001 schedule).
    public var fineTuningLR: Float?
    /// When the budget cannot give each of the R rounds p needs a cycle (of `cycleSteps`, or ≥ 1 step),
    /// prune in as many rounds as it affords, each at the higher rate 1 − f^(1/R); otherwise fail.
    public var fitRoundsToBudget = true
    /// Fail when a round empties a whole tensor (layer collapse, possible with global scope at high
    /// compression). Off by default, as in open_lth and ShrinkBench: the collapse is reported as a phase
    /// (`imp layer collapse: <tensor> in round r`) and the run goes on.
    public var stopOnLayerCollapse = false
    /// The final training of the ticket (the harness's fine-tuning phase), capped at this many steps; the
    /// rest of the budget is forfeited (left unspent, so the run records only the steps it trained).
    /// nil = the final training spends whatever remains. The configuration must still fit in the budget.
    public var finalTrainingSteps: Int?
    /// J: prune in exactly J phases, each removing q = 1 − f^(1/J) of the surviving weights (global scope;
    /// layerwise: at most J rounds at raised rates); nil = rounds from `rate`. Default: the variant's.
    public var phases: Int?
    /// The dense run that produced the checkpoint, for the rules that read it (fine-tune, lr-rewind, slr, clr,
    /// llr, allr; BIMP's dense phase): nil = the checkpoint's record (`Session.originalTraining`); when set, it
    /// overrides the record. A checkpoint without a record (a PyTorch export) needs it, or those rules fail.
    public var original: OriginalTraining?
    /// BIMP only: T_r/B, the share of the budget for the pruning phases' retraining (the rest trains the
    /// dense network from initialisation).
    public var retrainingFraction = 0.2

    public init() {
        rewindSteps = Variant.defaultRewindSteps
        phases = Variant.defaultPhases
    }

    enum CodingKeys: String, CodingKey {
        case scope, rate, convRate, classifierRateFactor, pruneClassifier, cycleSteps, rewindSteps
        case fineTuningLR, fitRoundsToBudget, stopOnLayerCollapse, finalTrainingSteps, phases, original
        case retrainingFraction
    }
}

/// Iterative magnitude pruning as one driver: R rounds of train → prune the smallest surviving |w| →
/// retrain by the variant's rule, to the target keep fraction f (card `lottery-ticket-imp.md`).
///
/// Rounds: R = ⌈log f / log(1 − p)⌉ for global scope (`IterativePlan`; one-shot: R = 1); density after
/// round r < R is (1 − p)^r within half a weight, and round R lands on f. Only conv and linear weights are
/// pruned (never biases or batch norm); the classifier only when `pruneClassifier` is set, then at
/// `classifierRateFactor`·p when layerwise.
///
/// Budget rule (B = the session's budget in optimizer steps, cycle = `cycleSteps` or derived):
/// - Rewinding (`startingPoint = .initialisation`; the session's model is θ_0 from the run's seed):
///   k dense steps (at the recipe's base rate, schedule kind constant, keeping its warm-up), save θ_k;
///   then R rounds of {train one cycle, prune, rewind to θ_k}; the last retraining of the ticket is the
///   harness's fine-tuning phase. cycle = ⌊(B − k)/(R + 1)⌋, the remainder goes to the final training.
///   Each cycle lays the recipe's schedule over its own steps: open_lth continues the schedule from step
///   k, which this matches up to O(k/T) (choice made here, since the session lays schedules per call).
/// - Fine-tuning and LR rewinding (`startingPoint = .trained`: the dense checkpoint is the trained net of
///   round 1): R rounds of {prune, retrain one cycle}, the last retraining being the fine-tuning phase, so
///   cycle = ⌊B/R⌋. The rules read the original run (the checkpoint's record, `Session.originalTraining`,
///   or the configuration's `original`, which overrides it; without either they fail) and are installed as
///   the session's recipe (and schedule) adjustment, so the final fine-tuning follows the same rule:
///   fine-tuning trains at a constant rate, `fineTuningLR` or the original run's final rate (the mean rate of
///   its final epoch when it decays every step, else its last rate: `OriginalRun.finalLearningRate`); LR
///   rewinding trains a cycle of t steps at the original run's last t rates, η_orig(L − t + j) for
///   j = 0..<t (Renda's S restricted to [T − t, T], counted in optimizer steps as Zimmer et al.'s LRW; a cycle
///   longer than the original run starts with t − L steps at its first rate, then replays all of it). The
///   optimizer is the session's, with its rate replaced. (Renda's weight rewinding to epoch T − t needs the
///   checkpoint's training trajectory, which a checkpoint does not carry; it is not offered from a trained
///   start.) Zimmer et al.'s SLR, CLR, LLR and ALLR (card `imp-slr.md`) split B the same way; each
///   retraining's rate follows `RetrainingSchedule`.
/// - BIMP (`trainsDenseFirst`, from initialisation): B − round(`retrainingFraction`·B) dense steps with the
///   original run's rate and schedule, then the prune/retrain rule above with ALLR inside the remaining T_r steps.
/// When B cannot give each of the R rounds a cycle (of `cycleSteps`, or at least one step), the rounds are
/// capped at what B affords and each prunes at 1 − (1 − p)^(ρ*/R) (`fitRoundsToBudget`, the default);
/// with `fitRoundsToBudget` off, or when not even one round fits, a configuration that needs more than
/// B (k + (R + 1)·cycle, or R·cycle) fails with `IterativePruningError.budget` before any training.
/// `finalTrainingSteps` F caps the final training: the cycle is derived as above, the final training takes
/// exactly F steps and the rest is forfeited (`BudgetMeter.forfeit`); k + R·cycle + F (rewinding) or
/// (R − 1)·cycle + F must fit in B, or the run fails the same way.
/// Every round trains a fresh optimizer (open_lth). Selection uses no data: LTH's early-stopping
/// iteration is chosen on validation loss and is not reproduced; accuracy is taken after the last step.
public struct IterativeMagnitude<Variant: IMPVariant>: PruningMethod {
    public typealias Configuration = IMPConfiguration<Variant>
    public static var name: String { Variant.name }
    public static var category: MethodCategory { .iterative }
    public static var card: String { Variant.card }
    public static var summary: String { Variant.summary }
    public static var startingPoint: StartingPoint { Variant.startingPoint }
    /// Global: within half a weight of the target; layerwise: half a weight per tensor.
    public static var targetTolerance: TargetTolerance { .entriesPerTensor(1) }

    public let configuration: Configuration

    public init(configuration: Configuration) { self.configuration = configuration }

    public var scope: PrunableScope { PrunableScope(classifier: configuration.pruneClassifier) }

    public func run(_ session: Session) throws {
        let groups = groups(session)
        let dense = try denseSteps(session)
        let schedule = try IMPBudget(session: session, configuration: configuration,
                                     sizes: groups.map { $0.members.reduce(0) { $0 + session.prunable[$1].count } },
                                     rates: groups.map(\.rate), method: Self.name,
                                     total: session.budget.remaining - dense)
        let plan = schedule.plan
        session.report("imp: \(plan.rounds) rounds, cycle \(schedule.cycleSteps) steps, k = \(schedule.rewindSteps)")
        for entry in session.prunable { try session.setMask(Mask.ones(entry.parameter.value.shape), for: entry.name) }
        try trainDense(session, steps: dense)
        let drops = try installRetrainingRule(session, denseSteps: dense)
        var rewindPoint: SessionSnapshot?
        if Variant.retraining == .rewind {
            try session.train(steps: schedule.rewindSteps, recipe: Self.rewindRecipe(session.recipe), phase: "imp to θ_k")
            rewindPoint = session.snapshot()
        }
        for round in stride(from: 1, through: plan.rounds, by: 1) {
            if Variant.retraining == .rewind || round > 1 {
                try session.train(steps: schedule.cycleSteps, phase: "imp round \(round)/\(plan.rounds)")
            }
            let before = drops.map { _ in PruningStep.State(session) }
            try prune(session, plan: plan, groups: groups, round: round)
            if let drops, let before { drops.last = before.step(session) }
            if let rewindPoint { try session.restore(rewindPoint, keepingMasks: true) }
        }
        try applyControl(session, rewindPoint: rewindPoint)
        if let cap = configuration.finalTrainingSteps { session.budget.forfeit(session.budget.remaining - cap) }
    }

    /// The recipe of the k dense steps before θ_k: the session's, at a constant base rate (warm-up kept).
    public static func rewindRecipe(_ recipe: TrainingRecipe) -> TrainingRecipe {
        var recipe = recipe
        recipe.schedule.kind = .constant
        return recipe
    }

    /// Threshold groups: all prunable weights together, or one per tensor with its layer's rate.
    private func groups(_ session: Session) -> [(members: [Int], rate: Double)] {
        let all = Array(session.prunable.indices)
        guard configuration.scope == .layerwise else { return [(all, configuration.rate)] }
        return all.map { index in
            let entry = session.prunable[index]
            if entry.modulePath == session.model.classifierPath {
                return ([index], configuration.rate * configuration.classifierRateFactor)
            }
            return ([index], entry.module is Conv2d ? configuration.convRate ?? configuration.rate : configuration.rate)
        }
    }

    /// Round `round`: each group keeps its planned count of largest surviving |w|; checks for collapse.
    private func prune(_ session: Session, plan: IterativePlan, groups: [(members: [Int], rate: Double)],
                       round: Int) throws {
        session.report("imp pruning \(round)/\(plan.rounds)")
        for (g, group) in groups.enumerated() {
            let entries = group.members.map { session.prunable[$0] }
            let masks = IterativePruning.pruneSmallest(
                weights: entries.map(\.parameter.value),
                masks: entries.map { $0.parameter.mask ?? Mask.ones($0.parameter.value.shape) },
                keeping: plan.keptCount(group: g, afterRound: round))
            for (entry, mask) in zip(entries, masks) { try session.setMask(mask, for: entry.name) }
        }
        if let empty = IterativePruning.collapsed(session.masks) {
            session.report("imp layer collapse: \(empty) in round \(round)")
            if configuration.stopOnLayerCollapse {
                throw IterativePruningError.layerCollapse(method: Self.name, parameter: empty, round: round)
            }
        }
    }

    /// The lottery-ticket controls, applied to the finished ticket.
    private func applyControl(_ session: Session, rewindPoint: SessionSnapshot?) throws {
        switch Variant.control {
        case .none:
            return
        case .reinitialise:
            try session.reinitialise(purpose: "reinit")
        case .randomPrune:
            var random = session.random("random-prune")
            try session.setMasks(IterativePruning.shuffledWithinTensors(session.masks, random: &random))
            if let rewindPoint { try session.restore(rewindPoint, keepingMasks: true) }
        }
    }
}
