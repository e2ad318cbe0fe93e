/// The dense control: no pruning; the whole budget fine-tunes the dense model under the same recipe.
public struct DenseControl: PruningMethod {
    /// The control has no settings.
    public struct Configuration: MethodConfiguration {
        public init() {}
    }

    public static let name = "dense"
    public static let category = MethodCategory.control
    public static let card = ShrinkBench.card
    public static let summary = """
        Dense control: prunes nothing and fine-tunes the dense checkpoint for the same budget, \
        with the same recipe and seeds as every pruned run, so accuracy changes can be told apart \
        from the effect of extra training.
        """
    public static let targetTolerance = TargetTolerance.notApplicable

    public let configuration: Configuration

    public init(configuration: Configuration) { self.configuration = configuration }

    public func run(_ session: Session) throws {}
}
