import NN
import Training

/// Early-Bird tickets (You, Li, Xu, Fu, Wang, Chen, Baraniuk, Wang & Lin, "Drawing Early-Bird Tickets",
/// ICLR 2020; card `early-bird-spline.md`, part A): train from initialisation with network slimming's L1
/// penalty on the batch-norm scales, compute the channel mask the target would prune at every epoch, and
/// prune as soon as the mask stops moving (the early-bird ticket); then keep training the slimmer network for
/// the rest of the budget.
///
/// Detection is the official code's: a FIFO of the last `window` (5) masks, the first taken before any
/// training; once full, the ticket is found when the newest mask's normalised Hamming distance to each older
/// one is at most ε (`distance`, 0.1). No detection is possible before `window − 1` checks.
///
/// Choices where the card leaves the harness to decide:
/// - **Mask at the run's target.** The paper tracks fixed pruning ratios p; here each check's mask is the one
///   network slimming would cut at that moment to reach the run's compression or speedup target (the k
///   channels of smallest |γ| over all batch-norm layers, each layer keeping one: `NetworkSlimming`).
/// - **One training schedule.** Search and retraining are one `train` call over the whole budget: the masks
///   are set at the ticket's step and the schedule continues from there ("inherit EB weights + continue from
///   t_EB", the paper's framing; the re-initialising variant is not offered), with the penalty still on, as in
///   the official scripts. The harness's fine-tuning then has no budget left.
/// - **Checks** happen after every epoch, or every `checkEvery` steps when set (short budgets have few epochs).
/// - **No ticket in time**: when none is found by `searchLimit` of the budget (½), the run prunes there with the
///   mask of that moment and says so in its log.
/// - Models without batch norm are not applicable (the card's alternative scores are not offered).
public struct EarlyBird: PruningMethod {
    public struct Configuration: MethodConfiguration {
        /// λ of the L1 penalty on the batch-norm scales during the search (card: 1e-4).
        public var lambda = 1e-4
        /// ε: the largest normalised Hamming distance between the newest mask and an older one that still counts
        /// as unchanged (card: 0.1; the code rejects only distances above it).
        public var distance = 0.1
        /// Masks in the FIFO (card: 5).
        public var window = 5
        /// Steps between checks; `nil`: after every epoch (the card).
        public var checkEvery: Int?
        /// The share of the budget after which the run prunes even without a ticket.
        public var searchLimit = 0.5

        public init() {}
    }

    public static let name = "early-bird"
    public static let category = MethodCategory.structured
    public static let card = "early-bird-spline.md"
    public static let summary = "Trains from initialisation with an L1 penalty on the batch-norm scales and prunes "
        + "the channels network slimming would cut as soon as that channel mask stops changing between epochs (the "
        + "early-bird ticket), then trains the slimmer network for the rest of the budget."
    public static let startingPoint = StartingPoint.initialisation
    public static let targetTolerance = TargetTolerance.wholeChannels
    public static let targetKinds: [TargetKind] = [.compression, .speedup]

    public let configuration: Configuration
    public var scope: PrunableScope { ChannelPruning.scope }

    public init(configuration: Configuration) { self.configuration = configuration }

    public static func notApplicable(to model: Model) -> String? { NetworkSlimming.notApplicable(to: model) }

    public func run(_ session: Session) throws {
        try validate()
        if let reason = Self.notApplicable(to: session.model) {
            throw PruningError.badConfiguration(method: Self.name, reason: reason)
        }
        let groups = session.model.channelGroups.filter { !$0.batchNorms.isEmpty }
        let scales = NetworkSlimming.batchNormScales(session.model)
        let total = session.budget.remaining
        let limit = max(1, Int((Double(total) * configuration.searchLimit).rounded(.down)))
        var detector = Detector(window: configuration.window, distance: configuration.distance)
        var pruned = false, steps = 0
        var failure: (any Error)?

        func candidate() throws -> [String: [Bool]] {
            let magnitudes = try groups.map { ($0.producer, try NetworkSlimming.scaleMagnitudes(session, $0)) }
            return try NetworkSlimming.smallestRemoval(session, order: NetworkSlimming.removalOrder(magnitudes),
                                                       groups: groups, method: Self.name)
        }
        func check() {
            guard !pruned, failure == nil else { return }
            do {
                let keep = try candidate()
                let found = detector.add(groups.flatMap { keep[$0.producer]! })
                guard found || steps >= limit else { return }
                try ChannelPruning.setMasks(session, groups: groups, keep: keep)
                pruned = true
                session.record(found
                    ? MethodEvent(kind: "early-bird-ticket", step: steps, detail: "ticket found at step \(steps) of \(total)")
                    : MethodEvent(kind: "early-bird-search-limit", step: steps,
                                  detail: "no ticket by step \(steps) of \(total): pruned with the current mask"))
            } catch {
                failure = error
            }
        }

        check()  // the first mask, before any training
        var hooks = TrainingHooks(afterBackward: { _ in
            NetworkSlimming.addPenaltyGradient(scales, lambda: configuration.lambda)
        }, afterStep: { _ in
            steps += 1
            if let every = configuration.checkEvery, steps % every == 0 { check() } else if steps == limit { check() }
        })
        if configuration.checkEvery == nil { hooks.afterEpoch = { _ in check() } }
        try session.train(steps: total, hooks: hooks, phase: "early-bird search and training")
        if let failure { throw failure }
        if !pruned {  // a budget too short to reach the search limit's check
            steps = max(steps, limit)
            check()
            if let failure { throw failure }
        }
    }

    private func validate() throws {
        func bad(_ reason: String) -> PruningError { .badConfiguration(method: Self.name, reason: reason) }
        guard configuration.lambda >= 0, configuration.lambda.isFinite else { throw bad("lambda must be ≥ 0, got \(configuration.lambda)") }
        guard (0...1).contains(configuration.distance) else { throw bad("distance must be in [0, 1], got \(configuration.distance)") }
        guard configuration.window >= 2 else { throw bad("window must be at least 2, got \(configuration.window)") }
        guard configuration.checkEvery.map({ $0 >= 1 }) ?? true else { throw bad("checkEvery must be at least 1") }
        guard configuration.searchLimit > 0, configuration.searchLimit <= 1 else {
            throw bad("searchLimit must be in (0, 1], got \(configuration.searchLimit)")
        }
    }

    /// The official detector: the last `window` masks; found when the newest is within `distance` of every other.
    struct Detector {
        let window: Int
        let distance: Double
        private(set) var masks: [[Bool]] = []

        init(window: Int, distance: Double) {
            self.window = window
            self.distance = distance
        }

        /// Adds the newest mask; true when the FIFO is full and no older mask is farther than `distance`.
        mutating func add(_ mask: [Bool]) -> Bool {
            masks.append(mask)
            if masks.count > window { masks.removeFirst() }
            guard masks.count == window, let newest = masks.last else { return false }
            return masks.dropLast().allSatisfy { Self.distance(newest, $0) <= distance }
        }

        /// The normalised Hamming distance: the fraction of positions where the masks differ.
        static func distance(_ a: [Bool], _ b: [Bool]) -> Double {
            precondition(a.count == b.count, "masks of \(a.count) and \(b.count) channels")
            guard !a.isEmpty else { return 0 }
            return Double(zip(a, b).filter { $0 != $1 }.count) / Double(a.count)
        }
    }
}
