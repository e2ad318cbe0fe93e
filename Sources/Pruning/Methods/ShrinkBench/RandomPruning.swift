import NN

/// ShrinkBench `RandomPruning`: every prunable entry kept independently with probability f.
public struct RandomPruning: PruningMethod {
    public typealias Configuration = ShrinkBenchConfiguration
    public static let name = "random"
    public static let category = MethodCategory.oneShot
    public static let card = ShrinkBench.card
    public static let summary = """
        ShrinkBench RandomPruning: for every prunable weight (and bias, unless weights-only) draw \
        u ~ U[0, 1) from the run's "masks" stream and prune the entry when u > f, with \
        f = (total/c − nonprunable)/prunable; the kept count is Binomial(prunable, f), not exact. \
        Then fine-tune with the mask fixed.
        """
    /// Binomial: 5 standard deviations of Binomial(prunable, f).
    public static let targetTolerance = TargetTolerance.binomial(standardDeviations: 5)

    public let configuration: Configuration

    public init(configuration: Configuration) { self.configuration = configuration }

    public var scope: PrunableScope {
        ShrinkBench.scope(weightsOnly: configuration.weightsOnly, pruneClassifier: configuration.pruneClassifier)
    }

    public func run(_ session: Session) throws {
        let keepFraction = try session.keepFraction
        var random = session.random("masks")
        for entry in session.prunable {
            let mask = Mask.bernoulli(entry.parameter.value.shape, keepProbability: keepFraction, random: &random)
            try session.setMask(mask, for: entry.name)
        }
    }
}
