import NN

/// ShrinkBench `GlobalMagWeight`: one threshold on |θ| over all prunable weights and biases.
public struct GlobalMagnitude: ScoringMethod {
    public typealias Configuration = ShrinkBenchConfiguration
    public static let name = "global-magnitude"
    public static let category = MethodCategory.oneShot
    public static let card = ShrinkBench.card
    public static let summary = """
        ShrinkBench GlobalMagWeight: score every prunable weight (and bias, unless weights-only) by its \
        magnitude |θ|, take one threshold over all of them, np.quantile(scores, 1 − f) with f = (total/c − \
        nonprunable)/prunable, keep scores ≥ threshold, then fine-tune with the mask fixed. The classifier \
        is not pruned unless configured.
        """
    public static let targetTolerance = TargetTolerance.entries(1)

    public let configuration: Configuration

    public init(configuration: Configuration) { self.configuration = configuration }

    public var scope: PrunableScope {
        ShrinkBench.scope(weightsOnly: configuration.weightsOnly, pruneClassifier: configuration.pruneClassifier)
    }

    public func scores(_ session: Session) throws -> [(name: String, scores: Tensor)] {
        ShrinkBench.magnitudeScores(session)
    }

    public func run(_ session: Session) throws {
        try ShrinkBench.prune(session, scores: scores(session), scope: .global)
    }
}
