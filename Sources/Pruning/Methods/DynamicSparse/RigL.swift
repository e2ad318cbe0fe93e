import NN

/// RigL, Rigging the Lottery (Evci et al., ICML 2020): an ERK sparse network trained from initialisation;
/// every ΔT = 100 steps until T_end = 75 % of training, each sparse layer drops the k = ⌊f(t)·n⌋ active
/// weights of smallest |w| and grows the k inactive ones with the largest dense gradient |∂L/∂W| on the
/// current mini-batch, f(t) = (α/2)(1 + cos(π t/T_end)), α = 0.3. Grown weights start at 0 with zeroed
/// optimizer state.
///
/// Budget: the session's budget B is the whole training from initialisation, spent in one `Session.train`
/// call (the recipe's schedule laid once over B steps); T_end = ⌊`endFraction`·B⌋; no update after the last
/// step; the harness's fine-tuning phase gets 0 steps (the mask is frozen after T_end anyway).
///
/// Choices where the card leaves one:
/// - The card's "reasonable choice": on an update step the SGD step is taken with the old mask, then the
///   mask is updated (the TF code skips that SGD step). The growth gradient is that step's gradient, taken
///   after the backward pass and before the optimizer masks it.
/// - Ties (drop and grow) are broken by position instead of 1e-5 Gaussian noise on |W|.
/// - ERK covers the prunable layers (conv and linear weights but the classifier, which stays dense unless
///   `pruneClassifier`); a layer whose ERK density would exceed 1 is dense, counted in the budget, and not
///   updated. Per-layer counts sum to exactly round(f·N) (largest remainder), not the code's
///   ⌊sparsity·N_l⌋ zeros. The initial mask is uniformly random per layer (stream `"masks"`); weights are the
///   architecture's default init from the run's seed.
/// - A connection dropped and regrown in the same update keeps its value and optimizer state (the code).
public struct RigL: PruningMethod {
    /// RigL's settings.
    public struct Configuration: MethodConfiguration {
        /// How the keep fraction is spread over the layers (card default: ERK).
        public var distribution = SparsityDistribution.erdosRenyiKernel
        /// α: the drop fraction at step 0 (card: 0.3).
        public var dropFraction = 0.3
        /// `cosine` (paper) or `constant` (the CIFAR script's default flag).
        public var dropSchedule = DropSchedule.cosine
        /// ΔT: optimizer steps between mask updates (card: 100).
        public var updateInterval = 100
        /// T_end as a fraction of the budget (card: 0.75).
        public var endFraction = 0.75
        /// Also make the classifier sparse (off: harness convention).
        public var pruneClassifier = false

        public init() {}

        enum CodingKeys: String, CodingKey, CaseIterable {
            case distribution, dropFraction, dropSchedule, updateInterval, endFraction, pruneClassifier
        }

        /// Missing fields keep the card's defaults and unknown fields throw, also when nested in Sup-tickets.
        public init(from decoder: any Decoder) throws {
            self.init()
            let c = try decoder.container(keyedBy: CodingKeys.self)
            try c.fill(&distribution, .distribution)
            try c.fill(&dropFraction, .dropFraction)
            try c.fill(&dropSchedule, .dropSchedule)
            try c.fill(&updateInterval, .updateInterval)
            try c.fill(&endFraction, .endFraction)
            try c.fill(&pruneClassifier, .pruneClassifier)
            try NestedConfiguration.rejectUnknownKeys(decoder, known: CodingKeys.allCases.map(\.rawValue))
        }
    }

    public static let name = "rigl"
    public static let category = MethodCategory.dynamicSparse
    public static let card = "rigl.md"
    public static let summary = """
        RigL: sparse from initialisation with ERK per-layer densities meeting the target; every 100 steps \
        until 75 % of the budget each layer drops the cosine-decaying fraction (α = 0.3) of its smallest-|w| \
        weights and grows as many where the dense gradient is largest (weight 0, optimizer state reset); \
        the whole budget is this training.
        """
    public static let startingPoint = StartingPoint.initialisation
    public static let targetTolerance = TargetTolerance.entries(1)

    public let configuration: Configuration

    public init(configuration: Configuration) { self.configuration = configuration }

    public var scope: PrunableScope { PrunableScope(classifier: configuration.pruneClassifier) }

    /// The rule for a training call of `steps` steps.
    public func rule(steps: Int) throws -> DropGrowRule {
        guard configuration.endFraction >= 0, configuration.endFraction <= 1 else {
            throw PruningError.badConfiguration(method: Self.name, reason: "endFraction must be in [0, 1], got \(configuration.endFraction)")
        }
        let rule = DropGrowRule(drop: .smallestMagnitude, growth: .gradient, fraction: configuration.dropFraction,
                                schedule: configuration.dropSchedule, interval: configuration.updateInterval,
                                endStep: Int((configuration.endFraction * Double(steps)).rounded(.down)))
        try rule.validate(method: Self.name)
        return rule
    }

    public func run(_ session: Session) throws {
        let steps = session.budget.remaining
        let rule = try rule(steps: steps)
        try DynamicSparseTraining.setInitialMasks(session, distribution: configuration.distribution)
        try DynamicSparseTraining(session: session, rule: rule).train(steps: steps, phase: "rigl")
    }
}
