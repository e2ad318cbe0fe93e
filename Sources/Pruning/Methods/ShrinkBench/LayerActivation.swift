import NN

/// ShrinkBench `LayerMagAct`: a threshold on |θ · n(input)| per prunable tensor, from one seeded batch.
public struct LayerActivation: ScoringMethod {
    public typealias Configuration = ShrinkBenchBatchConfiguration
    public static let name = "layer-activation"
    public static let category = MethodCategory.oneShot
    public static let card = ShrinkBench.card
    public static let summary = """
        ShrinkBench LayerMagAct: the weight × input-activation scores of GlobalMagAct (batch-mean layer \
        inputs, per-unit norms, |W · n| and |b · mean(n)|), thresholded per prunable tensor so each keeps \
        fraction f of its entries; then fine-tune with the mask fixed.
        """
    public static let targetTolerance = TargetTolerance.entriesPerTensor(1)

    public let configuration: Configuration

    public init(configuration: Configuration) { self.configuration = configuration }

    public var scope: PrunableScope {
        ShrinkBench.scope(weightsOnly: configuration.weightsOnly, pruneClassifier: configuration.pruneClassifier)
    }

    public func scores(_ session: Session) throws -> [(name: String, scores: Tensor)] {
        try ShrinkBench.activationScores(session, batchSize: configuration.batchSize)
    }

    public func run(_ session: Session) throws {
        try ShrinkBench.prune(session, scores: scores(session), scope: .layerwise)
    }
}
