/// The from-initialisation control: no pruning; the dense network trains from the run's initialisation for
/// the whole budget with the track's recipe, the reference every sparse-from-scratch method is measured against.
public struct DenseScratchControl: PruningMethod {
    /// The control has no settings.
    public struct Configuration: MethodConfiguration {
        public init() {}
    }

    public static let name = "dense-scratch"
    public static let category = MethodCategory.control
    public static let card = "lottery-ticket-imp.md"
    public static let summary = """
        Dense-from-scratch control: prunes nothing; the checkpoint's architecture is re-initialised from the \
        run's seed and trained for the from-initialisation track's budget with its recipe, the same steps, \
        seeds and data order every sparse-from-initialisation method gets.
        """
    public static let startingPoint = StartingPoint.initialisation
    public static let targetTolerance = TargetTolerance.notApplicable

    public let configuration: Configuration

    public init(configuration: Configuration) { self.configuration = configuration }

    public func run(_ session: Session) throws {}
}
