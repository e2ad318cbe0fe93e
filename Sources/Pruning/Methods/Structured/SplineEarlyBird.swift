import Foundation
import NN
import Training

/// Spline-EB (You, Balestriero, Lu, Kou, Shi, Zhang, Wu, Lin & Baraniuk, "Max-Affine Spline Insights Into Deep
/// Network Pruning", TMLR 2022; card `early-bird-spline.md`, part B): train from initialisation, record the
/// network's spline partition (which ReLU units are on) on a fixed probe set at every check, and prune as soon as
/// that partition stops moving (the spline early-bird ticket); units go by the spline redundancy criterion, then
/// the slimmer network keeps training for the rest of the budget.
///
/// Detection is the official code's `detect_eb`: the partition distance between checks i and j is the mean over
/// layers of the fraction of code bits that differ; at check e ≥ `lookback` (3) the ticket is found when
/// max_{k=1…3} D(e, e − k) < δ (`threshold`, 0.16).
///
/// **The pruning criterion is a reconstruction** (the card: not in the released code, the paper's text not
/// retrievable): each unit's boundary is the hyperplane of the affine map feeding its ReLU, batch norm folded in
/// (w̃ = γ/σ·w, b̃ = γ/σ·(b − μ) + β), normalised h = (w̃, b̃)/‖w̃‖; two units' distance is
/// min(‖h − h′‖, ‖h + h′‖) (a flipped sign is the same boundary); a unit's redundancy is its distance to the
/// nearest other alive unit of its layer. Units go one at a time, the most redundant first, redundancy recomputed
/// after each removal (so one unit of a near-duplicate pair stays). A unit whose w̃ is zero draws no boundary and
/// goes first.
///
/// Choices where the card leaves the harness to decide:
/// - **Probe set**: the card's "reasonable alternative", a fixed seeded batch of `probeSize` (1,024) training
///   images (the canvas of test-image mixtures would put the test split into training decisions).
/// - **Codes** are the signs of every ReLU's input the forward pass reports (with BN → ReLU this is the card's
///   "BN output > 0"; models without batch norm work the same way, so Spline-EB applies to LeNet-5 too).
/// - **Sizes from the target**: `scope: layer` (default) keeps l1-filter's per-layer sizes (the smallest uniform
///   rate that reaches the compression or speedup target, channels given back while it holds), so it compares
///   with the other structured methods at equal size; `scope: global` removes the most redundant units over all
///   layers (normalised distances are comparable) until the target is reached, each layer keeping one.
/// - **One training schedule** as `early-bird`: the masks are set at the ticket's step and the schedule continues
///   ("inherit EB weights + continue"); checks after every epoch or every `checkEvery` steps; without a ticket by
///   `searchLimit` (½) of the budget the run prunes there and says so in its record. The L1 penalty on the
///   batch-norm scales is available (`lambda`), off by default (the detection and criterion do not need it).
public struct SplineEarlyBird: PruningMethod {
    public struct Configuration: MethodConfiguration {
        /// δ: the partition distance below which the last `lookback` checks count as unchanged (card: 0.16).
        public var threshold = 0.16
        /// K: how many earlier checks the newest one is compared with (card: 3).
        public var lookback = 3
        /// Training images in the probe set.
        public var probeSize = 1024
        /// Steps between checks; `nil`: after every epoch (the card).
        public var checkEvery: Int?
        /// The share of the budget after which the run prunes even without a ticket.
        public var searchLimit = 0.5
        /// Per-layer sizes (l1-filter's) or one global redundancy order.
        public var scope = Scope.layer
        /// λ of an L1 penalty on the batch-norm scales during training (0: none).
        public var lambda = 0.0

        public init() {}
    }

    /// Where the redundancy ranking applies.
    public enum Scope: String, Codable, Sendable { case layer, global }

    public static let name = "spline-eb"
    public static let category = MethodCategory.structured
    public static let card = "early-bird-spline.md"
    public static let summary = "Trains from initialisation and prunes as soon as the network's spline partition "
        + "(which ReLU units are on over a fixed probe set) stops changing between checks, removing the units whose "
        + "boundaries duplicate another unit's (a reconstructed criterion), then trains the slimmer network on."
    public static let startingPoint = StartingPoint.initialisation
    public static let targetTolerance = TargetTolerance.wholeChannels
    public static let targetKinds: [TargetKind] = [.compression, .speedup]

    public let configuration: Configuration
    public var scope: PrunableScope { ChannelPruning.scope }

    public init(configuration: Configuration) { self.configuration = configuration }

    public func run(_ session: Session) throws {
        try validate()
        let groups = try ChannelPruning.groups(session, layers: .all, skip: [], method: Self.name)
        let probe = try session.scoringBatch(size: configuration.probeSize, purpose: "spline-probe")
        let scales = NetworkSlimming.batchNormScales(session.model)
        let total = session.budget.remaining
        let limit = max(1, Int((Double(total) * configuration.searchLimit).rounded(.down)))
        var detector = Detector(lookback: configuration.lookback, threshold: configuration.threshold)
        var pruned = false, steps = 0
        var failure: (any Error)?

        func check() {
            guard !pruned, failure == nil else { return }
            do {
                let found = detector.add(Self.partition(session.model, inputs: probe.inputs, threads: session.threads))
                guard found || steps >= limit else { return }
                try ChannelPruning.setMasks(session, groups: groups, keep: try keep(session, groups: groups))
                pruned = true
                session.record(found
                    ? MethodEvent(kind: "spline-eb-ticket", step: steps, detail: "ticket found at step \(steps) of \(total)")
                    : MethodEvent(kind: "spline-eb-search-limit", step: steps,
                                  detail: "no ticket by step \(steps) of \(total): pruned at the search limit"))
            } catch {
                failure = error
            }
        }

        var hooks = TrainingHooks(afterBackward: { _ in
            if configuration.lambda > 0 { NetworkSlimming.addPenaltyGradient(scales, lambda: configuration.lambda) }
        }, afterStep: { _ in
            steps += 1
            if let every = configuration.checkEvery, steps % every == 0 { check() } else if steps == limit { check() }
        })
        if configuration.checkEvery == nil { hooks.afterEpoch = { _ in check() } }
        try session.train(steps: total, hooks: hooks, phase: "spline-eb search and training")
        if let failure { throw failure }
        if !pruned {  // a budget too short to reach the search limit's check
            steps = max(steps, limit)
            check()
            if let failure { throw failure }
        }
    }

    /// The kept channels: per layer l1-filter's sizes, or the global redundancy order cut at the target.
    func keep(_ session: Session, groups: [ChannelGroup]) throws -> [String: [Bool]] {
        let orders = try Dictionary(uniqueKeysWithValues: groups.map { group in
            (group.producer, Self.removalOrder(try Self.boundaries(session.model, group)))
        })
        switch configuration.scope {
        case .layer:
            let sizes = try ChannelPruning.uniformSizes(session, groups: groups, method: Self.name)
            return Dictionary(uniqueKeysWithValues: groups.map { group in
                var flags = Array(repeating: true, count: group.channels)
                for unit in orders[group.producer]!.prefix(group.channels - (sizes[group.producer] ?? group.channels)) {
                    flags[unit.unit] = false
                }
                return (group.producer, flags)
            })
        case .global:
            let order = groups.flatMap { group in orders[group.producer]!.map { (layer: group.producer, channel: $0.unit, value: $0.redundancy) } }
                .enumerated().sorted { a, b in
                    a.element.value != b.element.value ? a.element.value < b.element.value : a.offset < b.offset
                }.map(\.element)
            return try NetworkSlimming.smallestRemoval(session, order: order, groups: groups, method: Self.name)
        }
    }

    private func validate() throws {
        func bad(_ reason: String) -> PruningError { .badConfiguration(method: Self.name, reason: reason) }
        let c = configuration
        guard c.threshold > 0, c.threshold <= 1 else { throw bad("threshold must be in (0, 1], got \(c.threshold)") }
        guard c.lookback >= 1 else { throw bad("lookback must be at least 1, got \(c.lookback)") }
        guard c.probeSize >= 1 else { throw bad("probeSize must be at least 1, got \(c.probeSize)") }
        guard c.checkEvery.map({ $0 >= 1 }) ?? true else { throw bad("checkEvery must be at least 1") }
        guard c.searchLimit > 0, c.searchLimit <= 1 else { throw bad("searchLimit must be in (0, 1], got \(c.searchLimit)") }
        guard c.lambda >= 0, c.lambda.isFinite else { throw bad("lambda must be ≥ 0, got \(c.lambda)") }
    }
}

extension SplineEarlyBird {
    /// The spline partition of `inputs`: per ReLU (forward order), the bits [input > 0] over examples and positions.
    static func partition(_ model: Model, inputs: Tensor, threads: Int) -> [RegionCode] {
        var codes: [RegionCode] = []
        let context = ForwardContext(mode: .inference, observer: { event in
            guard event.module is ReLU else { return }
            codes.append(RegionCode(signsOf: event.input))
        }, threads: threads, retainsActivations: false)
        _ = model.forward(inputs, context: context)
        return codes
    }

    /// D(a, b): the mean over layers of the fraction of bits that differ (0 for no layers).
    static func distance(_ a: [RegionCode], _ b: [RegionCode]) -> Double {
        precondition(a.count == b.count, "partitions of different networks")
        guard !a.isEmpty else { return 0 }
        return zip(a, b).reduce(0) { $0 + $1.0.fractionDiffering(from: $1.1) } / Double(a.count)
    }

    /// The official detector: found at check e ≥ `lookback` when the newest partition is closer than `threshold`
    /// to each of the `lookback` before it.
    struct Detector {
        let lookback: Int
        let threshold: Double
        private(set) var history: [[RegionCode]] = []

        init(lookback: Int, threshold: Double) {
            self.lookback = lookback
            self.threshold = threshold
        }

        /// Adds the newest partition; true when it and each of the `lookback` before it differ by less than δ.
        mutating func add(_ partition: [RegionCode]) -> Bool {
            history.append(partition)
            if history.count > lookback + 1 { history.removeFirst() }
            guard history.count == lookback + 1, let newest = history.last else { return false }
            return history.dropLast().allSatisfy { SplineEarlyBird.distance(newest, $0) < threshold }
        }
    }

    /// The normalised boundary h = (w̃, b̃)/‖w̃‖ of every unit of `group`'s producer, batch norm folded in; nil for a
    /// unit whose w̃ is zero (it draws no boundary).
    static func boundaries(_ model: Model, _ group: ChannelGroup) throws -> [[Double]?] {
        let parameters = Dictionary(uniqueKeysWithValues: model.parameters.map { ($0.name, $0.parameter.value) })
        let buffers = Dictionary(uniqueKeysWithValues: model.buffers.map { ($0.name, $0.tensor) })
        guard let weight = parameters[group.producer + ".weight"] else {
            throw PruningError.data(reason: "spline-eb: '\(group.producer)' has no weight")
        }
        let rowLength = weight.count / group.channels
        let bias = parameters[group.producer + ".bias"]
        let norm = group.batchNorms.first
        let module = norm.flatMap { path in model.modules.first { $0.path == path }?.module }
        let epsilon = (module as? BatchNorm2d)?.epsilon ?? (module as? BatchNorm1d)?.epsilon ?? 1e-5
        return (0..<group.channels).map { k in
            var scale = 1.0, shift = 0.0
            if let norm, let gamma = parameters[norm + ".weight"], let beta = parameters[norm + ".bias"],
               let mean = buffers[norm + ".running_mean"], let variance = buffers[norm + ".running_var"] {
                scale = Double(gamma[flat: k]) / (Double(variance[flat: k]) + Double(epsilon)).squareRoot()
                shift = Double(beta[flat: k]) - scale * Double(mean[flat: k])
            }
            var h = (0..<rowLength).map { scale * Double(weight[flat: k * rowLength + $0]) }
            h.append(scale * Double(bias.map { $0[flat: k] } ?? 0) + shift)
            let length = h.dropLast().reduce(0) { $0 + $1 * $1 }.squareRoot()
            guard length > 0, length.isFinite else { return nil }
            return h.map { $0 / length }
        }
    }

    /// min(‖a − b‖, ‖a + b‖): the distance between two boundaries, either orientation.
    static func boundaryDistance(_ a: [Double], _ b: [Double]) -> Double {
        var minus = 0.0, plus = 0.0
        for (x, y) in zip(a, b) {
            minus += (x - y) * (x - y)
            plus += (x + y) * (x + y)
        }
        return min(minus, plus).squareRoot()
    }

    /// The layer's units in removal order with their redundancy when removed: repeatedly the alive unit whose
    /// nearest alive neighbour is closest (boundaryless units first, at 0; ties to the lower index), recomputed
    /// after every removal; the last unit is not listed (a layer keeps one).
    static func removalOrder(_ boundaries: [[Double]?]) -> [(unit: Int, redundancy: Double)] {
        let n = boundaries.count
        var distances = Array(repeating: Array(repeating: Double.infinity, count: n), count: n)
        for i in 0..<n {
            for j in (i + 1)..<max(i + 1, n) {
                guard let a = boundaries[i], let b = boundaries[j] else { continue }
                distances[i][j] = boundaryDistance(a, b)
                distances[j][i] = distances[i][j]
            }
        }
        var alive = Array(repeating: true, count: n)
        var order: [(unit: Int, redundancy: Double)] = []
        for _ in 0..<max(0, n - 1) {
            var best: (unit: Int, redundancy: Double)?
            for i in 0..<n where alive[i] {
                let r = boundaries[i] == nil ? 0 : (0..<n).filter { $0 != i && alive[$0] }.map { distances[i][$0] }.min() ?? .infinity
                if best == nil || r < best!.redundancy { best = (i, r) }
            }
            guard let chosen = best else { break }
            alive[chosen.unit] = false
            order.append(chosen)
        }
        return order
    }
}

/// One layer's region code: the bits [x > 0] of a tensor, packed 64 to a word.
struct RegionCode: Equatable, Sendable {
    let count: Int
    let words: [UInt64]

    init(signsOf tensor: Tensor) {
        count = tensor.count
        var words = Array(repeating: UInt64(0), count: (tensor.count + 63) / 64)
        for i in 0..<tensor.count where tensor.data[i] > 0 { words[i >> 6] |= 1 << UInt64(i & 63) }
        self.words = words
    }

    init(bits: [Bool]) {
        count = bits.count
        var words = Array(repeating: UInt64(0), count: (bits.count + 63) / 64)
        for (i, bit) in bits.enumerated() where bit { words[i >> 6] |= 1 << UInt64(i & 63) }
        self.words = words
    }

    /// The fraction of bits that differ from `other` (a code of the same length).
    func fractionDiffering(from other: RegionCode) -> Double {
        precondition(count == other.count, "codes of different layers")
        guard count > 0 else { return 0 }
        let differing = zip(words, other.words).reduce(0) { $0 + ($1.0 ^ $1.1).nonzeroBitCount }
        return Double(differing) / Double(count)
    }
}
