import NN

/// L1-norm filter pruning (Li, Kadav, Durdanovic, Samet & Graf, "Pruning Filters for Efficient ConvNets",
/// ICLR 2017; card `l1-filter.md`): each filter's score is the L1 norm of its weights, the smallest-norm
/// filters of every pruned layer go (with their batch-norm channel and the next layer's input slices), then
/// the harness fine-tunes.
///
/// Choices where the card leaves the harness to decide:
/// - **Rates.** The paper sets per-layer rates by a sensitivity analysis; here one uniform rate r applies to
///   every pruned layer (each keeps `max(1, ⌊n·(1 − r)⌋)` channels, the rethinking code's rule), the smallest
///   r that reaches the run's target, found by bisection; then channels are given back one at a time, layer
///   by layer in forward order, while the target still holds (whole channels would otherwise overshoot it by
///   a whole step of r). `rates` fixes some layers' rates (the paper's Pruned-A/B tables) and `skip` leaves
///   its "sensitive" layers whole; the uniform rate covers the rest.
/// - **Scores are independent**: every layer is scored on the trained weights, ignoring removals in the
///   layer before (the re-implementations' choice; the paper's greedy variant is not offered).
/// - **Layers.** The paper removes conv filters. By default (`layers: all`) hidden linear units are removed
///   too, scored by the L1 norm of their incoming weights (the same rule for a neuron), so the method reaches
///   every compression target of LeNet-5 and the MLP; `layers: convolutions` is the paper's scope.
/// - **Residual networks**: only a block's inner channels (`conv1`) can go; channels joined by an addition
///   never do (`Model.channelGroups`), as the paper prunes ResNets.
/// - **Target**: a compression target counts all parameters over those of the narrower model; a speedup
///   target (`targetKind: speedup`) counts its MACs. Whole channels overshoot by at most one channel per layer.
public struct L1Filter: PruningMethod {
    public struct Configuration: MethodConfiguration {
        /// Which layers lose channels (`all`: filters and hidden units; `convolutions`: filters only).
        public var layers = ChannelLayers.all
        /// Layers left whole, by module path (the paper's sensitive layers).
        public var skip: [String] = []
        /// Fixed removal rates in [0, 1) by module path; the uniform rate is solved for the other layers.
        public var rates: [String: Double] = [:]

        public init() {}
    }

    public static let name = "l1-filter"
    public static let category = MethodCategory.structured
    public static let card = "l1-filter.md"
    public static let summary = "Removes the filters (and hidden units) with the smallest L1 norm of their weights, "
        + "with their batch-norm channels and the next layer's input slices, at the smallest uniform rate that "
        + "reaches the compression or speedup target; then fine-tunes."
    public static let targetTolerance = TargetTolerance.wholeChannels
    public static let targetKinds: [TargetKind] = [.compression, .speedup]

    public let configuration: Configuration
    public var scope: PrunableScope { ChannelPruning.scope }

    public init(configuration: Configuration) { self.configuration = configuration }

    public func run(_ session: Session) throws {
        session.report("scoring filters")
        let groups = try ChannelPruning.groups(session, layers: configuration.layers, skip: configuration.skip,
                                               rates: configuration.rates, method: Self.name)
        let scores = try Dictionary(uniqueKeysWithValues: groups.map { ($0.producer, try Self.filterNorms(session, $0)) })
        let kept = try ChannelPruning.uniformSizes(session, groups: groups, fixedRates: configuration.rates, method: Self.name)
        try ChannelPruning.setMasks(session, groups: groups, keep: ChannelPruning.keepHighest(scores, kept: kept))
    }

    /// The L1 norm of each output channel's weights (a filter `[in, k, k]` or a unit's incoming row).
    static func filterNorms(_ session: Session, _ group: ChannelGroup) throws -> [Double] {
        let weight = try session.prunableParameter(group.producer + ".weight").parameter.value
        let rowSize = weight.count / group.channels
        return (0..<group.channels).map { channel in
            (0..<rowSize).reduce(0.0) { $0 + Double(abs(weight.data[channel * rowSize + $1])) }
        }
    }
}
