import NN
import Training

/// Network slimming (Liu, Li, Shen, Huang, Yan & Zhang, "Learning Efficient Convolutional Networks through
/// Network Slimming", ICCV 2017; card `network-slimming.md`): train with an L1 penalty λ·Σ|γ| on every
/// batch-norm scale, remove the channels with the smallest |γ| over all layers at once (with their filters,
/// β and the next layer's input slices), then fine-tune.
///
/// Choices where the card leaves the harness to decide:
/// - **Budget.** The paper trains with the penalty for a full schedule and fine-tunes for another; here the
///   run's budget is split the same way: `sparsityFraction` of it (default ½) trains from initialisation with
///   the penalty (the session's recipe; weight decay as usual), the rest is the harness's fine-tuning with the
///   channels removed. So the method competes in the from-initialisation track.
/// - **Penalty.** After every backward pass λ·sign(γ) is added to the gradient of every batch norm's γ
///   (sign(0) = 0), as the official code does, including batch norms whose channels cannot be removed (a
///   ResNet's stem and block outputs). λ defaults to the card's 1e-4 (VGG); how far γ shrinks is about
///   λ·Σ_steps lr, so short budgets need a larger λ to match the paper's (≈ 0.66 over its 160 epochs).
/// - **Target instead of a percent.** The paper removes a fixed percent by a global threshold (|γ| ≤ the
///   value at index ⌊n·percent⌋ of the ascending sort goes); here exactly the k channels of smallest |γ| go
///   (ties: forward order), k the smallest that reaches the run's compression or speedup target (bisection).
///   Every layer keeps at least its channel of largest |γ| (the card's guard): a channel that would be its
///   layer's last is skipped and the next in order goes instead.
/// - **Which channels**: those of the removable groups (`Model.channelGroups`) that have a batch norm; a
///   group without one (a hidden linear unit, a conv without BN) stays whole, as in the paper. In a ResNet
///   only a block's inner channels are removable. A model with no such group is not applicable.
public struct NetworkSlimming: PruningMethod {
    public struct Configuration: MethodConfiguration {
        /// λ: the L1 penalty's weight on the batch-norm scales (card: 1e-4 for VGG, 1e-5 for ResNet-164).
        public var lambda = 1e-4
        /// The share of the budget trained with the penalty before the channels go (the rest fine-tunes).
        public var sparsityFraction = 0.5

        public init() {}
    }

    public static let name = "network-slimming"
    public static let category = MethodCategory.structured
    public static let card = "network-slimming.md"
    public static let summary = "Trains from initialisation with an L1 penalty on the batch-norm scales γ, removes "
        + "the channels of smallest |γ| over all layers until the compression or speedup target, then fine-tunes "
        + "the slimmer network for the rest of the budget."
    public static let startingPoint = StartingPoint.initialisation
    public static let targetTolerance = TargetTolerance.wholeChannels
    public static let targetKinds: [TargetKind] = [.compression, .speedup]

    public let configuration: Configuration
    public var scope: PrunableScope { ChannelPruning.scope }

    public init(configuration: Configuration) { self.configuration = configuration }

    public static func notApplicable(to model: Model) -> String? {
        model.channelGroups.contains { !$0.batchNorms.isEmpty } ? nil
            : "\(model.architecture.name) has no removable channels with a batch norm (the method ranks channels by "
                + "their batch-norm scales)"
    }

    public func run(_ session: Session) throws {
        guard configuration.lambda >= 0, configuration.lambda.isFinite else {
            throw PruningError.badConfiguration(method: Self.name, reason: "lambda must be ≥ 0, got \(configuration.lambda)")
        }
        guard (0...1).contains(configuration.sparsityFraction) else {
            throw PruningError.badConfiguration(method: Self.name,
                reason: "sparsityFraction must be in [0, 1], got \(configuration.sparsityFraction)")
        }
        if let reason = Self.notApplicable(to: session.model) {
            throw PruningError.badConfiguration(method: Self.name, reason: reason)
        }
        let groups = session.model.channelGroups.filter { !$0.batchNorms.isEmpty }
        let steps = Int((Double(session.budget.remaining) * configuration.sparsityFraction).rounded(.down))
        let scales = Self.batchNormScales(session.model)
        try session.train(steps: steps, hooks: TrainingHooks(afterBackward: { _ in
            Self.addPenaltyGradient(scales, lambda: configuration.lambda)
        }), phase: "sparsity training")
        let magnitudes = try Dictionary(uniqueKeysWithValues: groups.map { group in
            (group.producer, try Self.scaleMagnitudes(session, group))
        })
        let order = Self.removalOrder(groups.map { ($0.producer, magnitudes[$0.producer]!) })
        let keep = try Self.smallestRemoval(session, order: order, groups: groups)
        session.report("network slimming: removed \(keep.values.reduce(0) { $0 + $1.filter { !$0 }.count }) of "
            + "\(groups.reduce(0) { $0 + $1.channels }) channels")
        try ChannelPruning.setMasks(session, groups: groups, keep: keep)
    }

    /// The γ of every batch norm of `model`, in forward order.
    static func batchNormScales(_ model: Model) -> [Parameter] {
        model.modules.compactMap { _, module in
            (module as? BatchNorm2d)?.weight ?? (module as? BatchNorm1d)?.weight
        }
    }

    /// Adds λ·sign(γ) to each γ's gradient (the L1 penalty's subgradient; sign(0) = 0).
    static func addPenaltyGradient(_ scales: [Parameter], lambda: Double) {
        let step = Float(lambda)
        for scale in scales {
            let value = scale.value.data, gradient = scale.gradient.data
            for i in 0..<scale.value.count where value[i] != 0 {
                gradient[i] += value[i] > 0 ? step : -step
            }
        }
    }

    /// |γ| of the group's first batch norm, per channel.
    static func scaleMagnitudes(_ session: Session, _ group: ChannelGroup) throws -> [Double] {
        let gamma = try session.prunableParameter(group.batchNorms[0] + ".weight").parameter.value
        return (0..<group.channels).map { Double(abs(gamma.data[$0])) }
    }

    /// Every channel (layer, index) in removal order: ascending |γ| over all layers, ties in forward order.
    static func removalOrder(_ magnitudes: [(layer: String, values: [Double])]) -> [(layer: String, channel: Int, value: Double)] {
        let all = magnitudes.flatMap { entry in entry.values.enumerated().map { (entry.layer, $0.offset, $0.element) } }
        return all.enumerated().sorted { a, b in
            a.element.2 != b.element.2 ? a.element.2 < b.element.2 : a.offset < b.offset
        }.map(\.element)
    }

    /// Kept flags per layer after removing the first `count` channels of `order` that are not their layer's
    /// last (a layer keeps at least one channel).
    static func keptAfterRemoving(_ count: Int, order: [(layer: String, channel: Int, value: Double)],
                                  channels: [String: Int]) -> [String: [Bool]] {
        var keep = channels.mapValues { Array(repeating: true, count: $0) }
        var alive = channels, removed = 0
        for entry in order where removed < count {
            guard let left = alive[entry.layer], left > 1 else { continue }
            keep[entry.layer]![entry.channel] = false
            alive[entry.layer] = left - 1
            removed += 1
        }
        return keep
    }

    /// The kept flags of the smallest removal count that reaches the session's target.
    static func smallestRemoval(_ session: Session, order: [(layer: String, channel: Int, value: Double)],
                                groups: [ChannelGroup], method: String = name) throws -> [String: [Bool]] {
        let channels = Dictionary(uniqueKeysWithValues: groups.map { ($0.producer, $0.channels) })
        let removable = groups.reduce(0) { $0 + $1.channels - 1 }
        func kept(_ count: Int) -> [String: [Bool]] { keptAfterRemoving(count, order: order, channels: channels) }
        func achieved(_ count: Int) throws -> Double {
            try ChannelPruning.achieved(session, kept: kept(count).mapValues { $0.filter { $0 }.count })
        }
        if try achieved(0) >= session.compression { return kept(0) }
        let best = try achieved(removable)
        guard best >= session.compression else {
            throw PruningError.channelTargetUnreachable(method: method, kind: session.targetKind,
                                                        target: session.compression, best: best)
        }
        let count = try ChannelPruning.smallest(from: 0, to: Double(removable), integer: true) {
            try achieved(Int($0)) >= session.compression
        }
        return kept(Int(count))
    }
}
