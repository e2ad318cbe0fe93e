import NN

/// ShrinkBench `GlobalMagGrad`: one threshold on |θ · dL/dθ| from one seeded training batch.
public struct GlobalGradient: ScoringMethod {
    public typealias Configuration = ShrinkBenchBatchConfiguration
    public static let name = "global-gradient"
    public static let category = MethodCategory.oneShot
    public static let card = ShrinkBench.card
    public static let summary = """
        ShrinkBench GlobalMagGrad: one training batch (the first of a seeded order), model in training mode, \
        mean cross-entropy, one backward; score |θ · dL/dθ| per entry, take one threshold over all prunable \
        weights and biases at np.quantile(scores, 1 − f), keep scores ≥ threshold, then fine-tune with the \
        mask fixed.
        """
    public static let targetTolerance = TargetTolerance.entries(1)

    public let configuration: Configuration

    public init(configuration: Configuration) { self.configuration = configuration }

    public var scope: PrunableScope {
        ShrinkBench.scope(weightsOnly: configuration.weightsOnly, pruneClassifier: configuration.pruneClassifier)
    }

    public func scores(_ session: Session) throws -> [(name: String, scores: Tensor)] {
        try ShrinkBench.gradientScores(session, batchSize: configuration.batchSize)
    }

    public func run(_ session: Session) throws {
        try ShrinkBench.prune(session, scores: scores(session), scope: .global)
    }
}
