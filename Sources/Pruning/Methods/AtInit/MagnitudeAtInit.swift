import NN

/// The magnitude-at-initialisation control of the at-init papers: keep the largest |θ| of the
/// freshly initialised network (Synaptic-Flow's `Mag` pruner), global top-k.
///
/// Choices: weights of conv and linear layers only, the classifier unless `pruneClassifier` is set left
/// out (harness convention); exactly round(f × prunable) kept, ties by state-dict position.
public struct MagnitudeAtInit: ScoringMethod {
    /// The control's settings.
    public struct Configuration: MethodConfiguration {
        /// Also prune the classifier's weights.
        public var pruneClassifier = false

        public init() {}
    }

    public static let name = "magnitude-init"
    public static let category = MethodCategory.atInitialisation
    public static let card = "synflow.md"
    public static let summary = """
        Magnitude at initialisation (control of SNIP/GraSP/SynFlow): re-initialise from the run's seed, \
        keep the round(f × prunable) largest |θ| over all prunable weights, then train the masked network.
        """
    public static let startingPoint = StartingPoint.initialisation
    public static let targetTolerance = TargetTolerance.entries(1)

    public let configuration: Configuration

    public init(configuration: Configuration) { self.configuration = configuration }

    public var scope: PrunableScope { InitialisationScoring.scope(pruneClassifier: configuration.pruneClassifier) }

    public func scores(_ session: Session) throws -> [(name: String, scores: Tensor)] {
        InitialisationScoring.elementwise(session, [:]) { weight, _ in abs(weight) }
    }

    public func run(_ session: Session) throws {
        try InitialisationScoring.pruneGlobally(session, scores: scores(session))
    }
}
