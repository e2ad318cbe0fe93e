import NN

/// The random-at-initialisation control of the at-init papers: a uniformly random set of exactly
/// round(f × prunable) weights kept (Synaptic-Flow's `Rand` pruner ranks Gaussian scores; uniform scores
/// from the run's `"masks"` stream give the same distribution of kept sets), global over all prunable weights.
///
/// Choices: weights of conv and linear layers only, the classifier left out unless `pruneClassifier`;
/// unlike ShrinkBench's `random` (independent Bernoulli draws) the kept count is exact.
public struct RandomAtInit: PruningMethod {
    /// The control's settings.
    public struct Configuration: MethodConfiguration {
        /// Also prune the classifier's weights.
        public var pruneClassifier = false

        public init() {}
    }

    public static let name = "random-init"
    public static let category = MethodCategory.atInitialisation
    public static let card = "synflow.md"
    public static let summary = """
        Random at initialisation (control of SNIP/GraSP/SynFlow): re-initialise from the run's seed, keep \
        a uniformly random set of exactly round(f × prunable) prunable weights (seeded), then train the \
        masked network.
        """
    public static let startingPoint = StartingPoint.initialisation
    public static let targetTolerance = TargetTolerance.entries(1)

    public let configuration: Configuration

    public init(configuration: Configuration) { self.configuration = configuration }

    public var scope: PrunableScope { InitialisationScoring.scope(pruneClassifier: configuration.pruneClassifier) }

    public func run(_ session: Session) throws {
        var random = session.random("masks")
        let scores = InitialisationScoring.elementwise(session, [:]) { _, _ in random.nextUnitFloat() }
        try InitialisationScoring.pruneGlobally(session, scores: scores)
    }
}
