import NN

/// ShrinkBench `LayerMagGrad`: a threshold on |θ · dL/dθ| per prunable tensor, from one seeded training batch.
public struct LayerGradient: ScoringMethod {
    public typealias Configuration = ShrinkBenchBatchConfiguration
    public static let name = "layer-gradient"
    public static let category = MethodCategory.oneShot
    public static let card = ShrinkBench.card
    public static let summary = """
        ShrinkBench LayerMagGrad: score |θ · dL/dθ| on the first batch of a seeded order (training mode, \
        mean cross-entropy, one backward) and threshold each prunable tensor separately so each keeps \
        fraction f of its entries; then fine-tune with the mask fixed.
        """
    public static let targetTolerance = TargetTolerance.entriesPerTensor(1)

    public let configuration: Configuration

    public init(configuration: Configuration) { self.configuration = configuration }

    public var scope: PrunableScope {
        ShrinkBench.scope(weightsOnly: configuration.weightsOnly, pruneClassifier: configuration.pruneClassifier)
    }

    public func scores(_ session: Session) throws -> [(name: String, scores: Tensor)] {
        try ShrinkBench.gradientScores(session, batchSize: configuration.batchSize)
    }

    public func run(_ session: Session) throws {
        try ShrinkBench.prune(session, scores: scores(session), scope: .layerwise)
    }
}
