import NN
import Training

/// Sup-tickets (Yin et al., UAI 2022): a dynamic-sparse base run (SET or RigL) whose last share of the
/// budget is a cyclic learning-rate phase; each cycle starts with a large exploration step and ends in a
/// cheap ticket, the tickets are superposed by weight averaging, the average is re-pruned to the base's
/// parameter budget and its batch-norm statistics are recomputed. The result is the last superposition.
///
/// Budget (the session's budget B is the whole training from initialisation, like the bases'): cycle length
/// C = `cycleSteps` or max(1, round(`cycleFraction`·B)) (card: 8 of 250 epochs = 0.032); cyclic steps
/// ⌊ρB/C⌋·C (0 when ρB < C), ρ = `cycleRate`; M = cyclic/C tickets; the base phase gets the other
/// B − M·C steps, in one `Session.train` call with the recipe's schedule and the base's mask updates (RigL's
/// T_end is 75 % of the base phase); each cycle is its own `train` call of C steps. B is spent exactly; the
/// harness's fine-tuning phase gets 0 steps. BN recalibration runs forward passes only (no optimizer step,
/// nothing charged).
///
/// Per cycle c = 1…M (the code): freeze the regular mask updates; exploration on the training model —
/// per layer drop the `exploreFraction` (0.5) of active weights with smallest |w| and grow as many by
/// |gradient| (for SET too, as the code), gradient of one scoring batch (stream `"sup-tickets explore c"`);
/// train C steps with the triangular rate lr₁ → lr₂ (mid-cycle) → lr₁ (a `linear` schedule with a warm-up
/// of ⌊C/2⌋ steps; constant lr₁ when C = 1); the model is ticket T_c; S_c = (1 − f)·S_{c−1} + f·T_c over
/// every parameter and buffer (`num_batches_tracked` taken from T_c), f = 1/(c+1) (CAA, S₀ = the base-phase
/// model) or `movingAverageFactor` (CIMA); re-prune S_c to the base's kept count K by global top-K |w| over
/// the prunable tensors (ties by position), so its parameter count equals the base's exactly; recompute
/// S_c's BN statistics (`Session.recalibrateBatchNorm`); training goes on from T_c.
///
/// Choices where the card leaves one: lr₁ and lr₂ are fractions of the recipe's base rate (card: 0.001 and
/// 0.005 after 0.1 → 0.01 and 0.05); the base phase uses the session's recipe (the card's multistep at 50 %
/// and 75 % is the CIFAR recipe) and the base method's own update rule (SET: ζ per epoch; RigL: α = 0.3,
/// cosine, ΔT = 100) instead of the code's prune rate 0.5 every 1000 iterations; no evaluation of S_c on
/// test data (the card's step 9 evaluates; nothing is selected on it). `includeBaseModel = false` averages
/// the tickets only (the paper's figure).
public struct SupTickets: PruningMethod {
    /// The dynamic-sparse method underneath.
    public enum Base: String, Codable, Sendable { case set, rigl }

    /// How a ticket is folded into the running superposition.
    public enum Superposition: String, Codable, Sendable {
        /// CAA: cumulative arithmetic average, f = 1/(number of models averaged).
        case cumulative
        /// CIMA: exponential moving average with a constant factor.
        case movingAverage = "moving-average"
    }

    /// Sup-tickets' settings.
    public struct Configuration: MethodConfiguration {
        /// The base method (card: RigL, SET or GraNet; GraNet is not offered).
        public var base = Base.rigl
        /// SET's settings when `base` is `set`.
        public var set = SET.Configuration()
        /// RigL's settings when `base` is `rigl`.
        public var rigl = RigL.Configuration()
        /// ρ: the share of the budget given to the cyclic phase (card: 0.1).
        public var cycleRate = 0.1
        /// C as a fraction of the budget when `cycleSteps` is nil (card: 8/250).
        public var cycleFraction = 0.032
        /// C in optimizer steps; overrides `cycleFraction`.
        public var cycleSteps: Int?
        /// lr₁, the cycle's boundary rate, as a fraction of the recipe's rate (card: 0.001/0.1).
        public var lowLRFactor: Float = 0.01
        /// lr₂, the cycle's peak rate, as a fraction of the recipe's rate (card: 0.005/0.1).
        public var peakLRFactor: Float = 0.05
        /// The fraction of each layer's active weights re-explored at the start of a cycle (card: 0.5).
        public var exploreFraction = 0.5
        /// CAA (card default) or CIMA.
        public var superposition = Superposition.cumulative
        /// CIMA's constant factor (card: 0.5).
        public var movingAverageFactor = 0.5
        /// Start the superposition from the base-phase model S₀ (the code) or from the first ticket.
        public var includeBaseModel = true
        /// Recompute batch-norm statistics of each superposition (card: on).
        public var recalibrateBatchNorm = true

        public init() {}
    }

    public static let name = "sup-tickets"
    public static let category = MethodCategory.dynamicSparse
    public static let card = "sup-tickets.md"
    public static let summary = """
        Sup-tickets: a SET or RigL run whose last 10 % of the budget is cyclic (triangular LR, a 50 % \
        re-exploration at each cycle start); the cheap ticket of each cycle is averaged into a superposition, \
        re-pruned to the base's parameter count by global magnitude, and its batch-norm statistics are \
        recomputed; the final superposition is the result.
        """
    public static let startingPoint = StartingPoint.initialisation
    public static let targetTolerance = TargetTolerance.entries(1)

    public let configuration: Configuration

    public init(configuration: Configuration) { self.configuration = configuration }

    public var scope: PrunableScope {
        PrunableScope(classifier: configuration.base == .set ? configuration.set.pruneClassifier
                                                             : configuration.rigl.pruneClassifier)
    }

    public func run(_ session: Session) throws {
        let plan = try Self.plan(budget: session.budget.remaining, configuration: configuration)
        session.report("sup-tickets: base \(plan.baseSteps) steps, \(plan.tickets) cycles of \(plan.cycleSteps)")
        let rule: DropGrowRule
        switch configuration.base {
        case .set:
            rule = try SET(configuration: configuration.set)
                .rule(steps: plan.baseSteps, epochSteps: DynamicSparseTraining.epochSteps(session))
            try DynamicSparseTraining.setInitialMasks(session, distribution: configuration.set.distribution)
        case .rigl:
            rule = try RigL(configuration: configuration.rigl).rule(steps: plan.baseSteps)
            try DynamicSparseTraining.setInitialMasks(session, distribution: configuration.rigl.distribution)
        }
        try DynamicSparseTraining(session: session, rule: rule).train(steps: plan.baseSteps, phase: "sup-tickets base")
        guard plan.tickets > 0 else { return }
        let kept = session.keptCount
        var superposed: SessionSnapshot? = configuration.includeBaseModel ? session.snapshot() : nil
        let explorer = DynamicSparseTraining(
            session: session,
            rule: DropGrowRule(drop: .smallestMagnitude, growth: .gradient, fraction: configuration.exploreFraction,
                               schedule: .constant, interval: 1, endStep: Int.max))
        let recipe = Self.cyclicRecipe(session.recipe, cycleSteps: plan.cycleSteps, configuration: configuration)
        for cycle in 1...plan.tickets {
            let batch = try session.scoringBatch(size: session.recipe.batchSize, purpose: "sup-tickets explore \(cycle)")
            try explorer.update(step: 0, gradients: session.gradients(on: batch))
            try session.train(steps: plan.cycleSteps, recipe: recipe, phase: "sup-tickets cycle \(cycle)/\(plan.tickets)")
            let ticket = session.snapshot()
            let factor = Self.factor(cycle: cycle, configuration: configuration)
            let averaged = superposed.map { Self.superpose($0, ticket, factor: Float(factor)) } ?? ticket
            try session.restore(Self.reprune(averaged, session: session, keeping: kept))
            if configuration.recalibrateBatchNorm {
                try session.recalibrateBatchNorm(purpose: "sup-tickets batchnorm \(cycle)")
            }
            superposed = session.snapshot()
            if let empty = IterativePruning.collapsed(session.masks) {
                session.report("sup-tickets: superposition \(cycle) emptied \(empty)")
            }
            try session.restore(ticket)
        }
        if let superposed { try session.restore(superposed) }
    }
}
