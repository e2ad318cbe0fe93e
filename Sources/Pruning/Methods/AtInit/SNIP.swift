import NN

/// SNIP (Lee, Ajanthan & Torr, ICLR 2019): connection sensitivity |θ ⊙ dL/dθ| at initialisation, global top-k.
///
/// Choices where the card leaves one (see `InitialisationScoring`): the scoring batch is the first
/// `batchSize` examples of a seeded order of the training split (stream `"scoring"`); scoring runs in
/// inference mode (batch norm with its running statistics — identity at init — and no dropout, as
/// Synaptic-Flow's reimplementation); weights only, global scope; the classifier is left out unless
/// `pruneClassifier` (harness convention; the paper ranks it too). Exactly round(f × prunable)
/// connections are kept, ties broken by state-dict position. The init is the architecture's
/// PyTorch default re-drawn from the run's seed, not TF variance scaling.
public struct SNIP: ScoringMethod {
    /// SNIP's settings.
    public struct Configuration: MethodConfiguration {
        /// Examples in the scoring batch (card harness default: one batch of 128).
        public var batchSize = 128
        /// Also rank and prune the classifier's weights.
        public var pruneClassifier = false

        public init() {}
    }

    public static let name = "snip"
    public static let category = MethodCategory.atInitialisation
    public static let card = "snip.md"
    public static let summary = """
        SNIP: at initialisation, one scoring batch in inference mode; connection sensitivity \
        s = |θ ⊙ dL/dθ| (the gradient of the loss with respect to a multiplicative gate on each weight); \
        keep the round(f × prunable) most sensitive weights over all prunable layers, then train the \
        masked network from the same initialisation.
        """
    public static let startingPoint = StartingPoint.initialisation
    public static let targetTolerance = TargetTolerance.entries(1)

    public let configuration: Configuration

    public init(configuration: Configuration) { self.configuration = configuration }

    public var scope: PrunableScope { InitialisationScoring.scope(pruneClassifier: configuration.pruneClassifier) }

    /// |θ ⊙ dL/dθ| on the scoring batch (inference mode, mean cross-entropy), unnormalised.
    public func scores(_ session: Session) throws -> [(name: String, scores: Tensor)] {
        session.report("scoring")
        let batch = try session.scoringBatch(size: configuration.batchSize)
        let parameters = session.prunable.map(\.parameter)
        let gradients = InitialisationScoring.lossGradients(model: session.model, parameters: parameters, batch: batch,
                                                             threads: session.threads)
        let byName = Dictionary(uniqueKeysWithValues: zip(session.prunable.map(\.name), gradients))
        return InitialisationScoring.elementwise(session, byName) { abs($0 * $1) }
    }

    public func run(_ session: Session) throws {
        try InitialisationScoring.pruneGlobally(session, scores: scores(session))
    }
}
