import NN

/// SET, Sparse Evolutionary Training (Mocanu et al., Nature Communications 2018): an Erdős–Rényi sparse
/// network trained from initialisation; at the end of every epoch each sparse layer drops the fraction ζ
/// of its positive and of its negative weights closest to zero and regrows as many connections at
/// uniformly random empty positions, with zero weight and zero momentum.
///
/// Budget: the session's budget B is the whole training from initialisation. `run` spends all of it in one
/// `Session.train` call (so the recipe's schedule is laid once over B steps), rewiring after every
/// `updateInterval` steps (default: one epoch of the session's recipe) while the step is ≤ ⌊`endFraction`·B⌋
/// and before the last step (SET's last rewiring is not applied before the final evaluation); the
/// harness's fine-tuning phase gets 0 steps.
///
/// Choices where the card leaves one:
/// - Density: the card's ε = 20 sets the density by itself; here ε is solved so the prunable layers keep
///   exactly round(f·N) weights at the session's keep fraction f (`SparsityDistribution.erdosRenyi`;
///   conv layers use (C_in + C_out)/(C_in·C_out) per kernel slice), and a layer whose density would exceed
///   1 is made dense and not rewired. The kept *count* per layer is exact (random positions from stream
///   `"masks"`), not independent Bernoulli draws. Weights: the architecture's default init from the run's
///   seed (the Keras version's rule), not N(0, 1)/10.
/// - The clean removal rule: exactly round(ζ·n₋) negatives and round(ζ·n₊) positives closest to zero, plus
///   any active weight that is exactly 0 (the Keras code's sort puts those in the zero block it removes);
///   ties by position. Regrowth picks among positions inactive after the removal (the Keras mask version),
///   stream `"growth"`. New weights 0 and their optimizer state zeroed (Keras version).
/// - The classifier is dense (out of scope, as the card's output layer); the input layer is sparse.
public struct SET: PruningMethod {
    /// SET's settings.
    public struct Configuration: MethodConfiguration {
        /// How the keep fraction is spread over the layers (card: Erdős–Rényi).
        public var distribution = SparsityDistribution.erdosRenyi
        /// ζ: the fraction of each sign's weights removed per rewiring (card: 0.3).
        public var zeta = 0.3
        /// `constant` (SET) or RigL's `cosine` decay of ζ up to the end step.
        public var dropSchedule = DropSchedule.constant
        /// Optimizer steps between rewirings; nil = one epoch of the session's recipe (card: every epoch).
        public var updateInterval: Int?
        /// Rewiring stops after this fraction of the budget (1: until the end).
        public var endFraction = 1.0
        /// Also make the classifier sparse (off: the card's output layer is dense).
        public var pruneClassifier = false

        public init() {}

        enum CodingKeys: String, CodingKey, CaseIterable {
            case distribution, zeta, dropSchedule, updateInterval, endFraction, pruneClassifier
        }

        /// Missing fields keep the card's defaults and unknown fields throw, also when nested in Sup-tickets.
        public init(from decoder: any Decoder) throws {
            self.init()
            let c = try decoder.container(keyedBy: CodingKeys.self)
            try c.fill(&distribution, .distribution)
            try c.fill(&zeta, .zeta)
            try c.fill(&dropSchedule, .dropSchedule)
            try c.fill(&updateInterval, .updateInterval)
            try c.fill(&endFraction, .endFraction)
            try c.fill(&pruneClassifier, .pruneClassifier)
            try NestedConfiguration.rejectUnknownKeys(decoder, known: CodingKeys.allCases.map(\.rawValue))
        }
    }

    public static let name = "set"
    public static let category = MethodCategory.dynamicSparse
    public static let card = "set.md"
    public static let summary = """
        SET: sparse from initialisation with Erdős–Rényi per-layer densities meeting the target; every epoch \
        each layer removes the fraction ζ = 0.3 of its positive and negative weights closest to zero and \
        regrows as many at random empty positions (weight 0, momentum 0); the whole budget is this training.
        """
    public static let startingPoint = StartingPoint.initialisation
    public static let targetTolerance = TargetTolerance.entries(1)

    public let configuration: Configuration

    public init(configuration: Configuration) { self.configuration = configuration }

    public var scope: PrunableScope { PrunableScope(classifier: configuration.pruneClassifier) }

    /// The rule for a training call of `steps` steps with `epochSteps` batches per epoch.
    public func rule(steps: Int, epochSteps: Int) throws -> DropGrowRule {
        guard configuration.endFraction >= 0, configuration.endFraction <= 1 else {
            throw PruningError.badConfiguration(method: Self.name, reason: "endFraction must be in [0, 1], got \(configuration.endFraction)")
        }
        let rule = DropGrowRule(drop: .perSign, growth: .random, fraction: configuration.zeta,
                                schedule: configuration.dropSchedule,
                                interval: configuration.updateInterval ?? max(epochSteps, 1),
                                endStep: Int((configuration.endFraction * Double(steps)).rounded(.down)))
        try rule.validate(method: Self.name)
        return rule
    }

    public func run(_ session: Session) throws {
        let steps = session.budget.remaining
        let rule = try rule(steps: steps, epochSteps: DynamicSparseTraining.epochSteps(session))
        try DynamicSparseTraining.setInitialMasks(session, distribution: configuration.distribution)
        try DynamicSparseTraining(session: session, rule: rule).train(steps: steps, phase: "set")
    }
}
