import NN

/// ShrinkBench `GlobalMagAct`: one threshold on |θ · n(input)| from one seeded batch's layer inputs.
public struct GlobalActivation: ScoringMethod {
    public typealias Configuration = ShrinkBenchBatchConfiguration
    public static let name = "global-activation"
    public static let category = MethodCategory.oneShot
    public static let card = ShrinkBench.card
    public static let summary = """
        ShrinkBench GlobalMagAct: forward the first batch of a seeded order (training mode, no gradients), record each \
        prunable layer's input, average it over the batch (signed), take per-input-unit norms (|ā_j| for \
        linear, the L1 norm of the mean map over H·W for conv); score |W · n| per weight and |b · mean(n)| \
        per bias, one threshold over everything at np.quantile(scores, 1 − f); then fine-tune with the mask \
        fixed.
        """
    public static let targetTolerance = TargetTolerance.entries(1)

    public let configuration: Configuration

    public init(configuration: Configuration) { self.configuration = configuration }

    public var scope: PrunableScope {
        ShrinkBench.scope(weightsOnly: configuration.weightsOnly, pruneClassifier: configuration.pruneClassifier)
    }

    public func scores(_ session: Session) throws -> [(name: String, scores: Tensor)] {
        try ShrinkBench.activationScores(session, batchSize: configuration.batchSize)
    }

    public func run(_ session: Session) throws {
        try ShrinkBench.prune(session, scores: scores(session), scope: .global)
    }
}
