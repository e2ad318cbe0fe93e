import NN

/// ShrinkBench `LayerMagWeight`: a separate threshold on |θ| per prunable tensor, each keeping fraction f.
public struct LayerMagnitude: ScoringMethod {
    public typealias Configuration = ShrinkBenchConfiguration
    public static let name = "layer-magnitude"
    public static let category = MethodCategory.oneShot
    public static let card = ShrinkBench.card
    public static let summary = """
        ShrinkBench LayerMagWeight: score every prunable weight (and bias, unless weights-only) by |θ| and \
        threshold each tensor separately, np.quantile(scores, 1 − f), so every weight tensor and bias vector \
        keeps fraction f = (total/c − nonprunable)/prunable of its own entries; then fine-tune with the mask \
        fixed.
        """
    public static let targetTolerance = TargetTolerance.entriesPerTensor(1)

    public let configuration: Configuration

    public init(configuration: Configuration) { self.configuration = configuration }

    public var scope: PrunableScope {
        ShrinkBench.scope(weightsOnly: configuration.weightsOnly, pruneClassifier: configuration.pruneClassifier)
    }

    public func scores(_ session: Session) throws -> [(name: String, scores: Tensor)] {
        ShrinkBench.magnitudeScores(session)
    }

    public func run(_ session: Session) throws {
        try ShrinkBench.prune(session, scores: scores(session), scope: .layerwise)
    }
}
