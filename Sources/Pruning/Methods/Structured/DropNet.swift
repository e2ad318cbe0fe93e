import Data
import NN

/// DropNet (Tan & Motani, "DropNet: Reducing Neural Network Complexity via Iterative Pruning", ICML 2020;
/// card `dropnet.md`): cycles of training from the same initial weights θ0; after each cycle every alive
/// node or filter is scored by its mean post-activation over the training set and a fraction p of the alive
/// ones with the lowest score is dropped (globally or per layer); the final mask is trained from θ0 by the
/// harness's training phase.
///
/// Choices where the card leaves the harness to decide:
/// - **Budget instead of early stopping.** The paper trains each cycle up to 100 epochs with early stopping
///   on validation loss; here the run's budget is split evenly between the planned cycles and the final
///   training (cycles K = how many p-drops per layer reach the target with uniform layer-wise drops).
/// - **Target instead of a stopping rule.** The paper stops at an accuracy loss κ (the code at 10 % of the
///   nodes left); here cycles stop at the run's compression or speedup target: a cycle whose drop would pass
///   it drops only the fewest of its candidates (in drop order) that reach it, and the last planned cycle
///   drops as many as needed; then nodes of that last drop come back, one at a time, while the target holds.
/// - **Score**: mean |post-activation| of the first ReLU after the layer (before pooling, as the code masks
///   conv outputs before max-pool), over the whole training split in inference mode (the layer's batch norm,
///   or its output, when no ReLU follows); ties are broken by a random order from stream `"dropnet-ties"`.
/// - **At least one node per layer** stays (the card's reasonable choice).
/// - Layers: every removable group (`Model.channelGroups`: hidden units and conv filters; in a ResNet, a
///   block's inner channels), never the output layer.
public struct DropNet: PruningMethod {
    /// Which nodes each cycle drops (the paper's metric names).
    public enum Rule: String, Codable, Sendable, CaseIterable {
        /// The lowest mean activation, over all layers (DropNet, global).
        case minimum
        /// The lowest mean activation within each layer (DropNet, layer-wise; the card's general default).
        case minimumLayer = "minimum_layer"
        /// The highest mean activation, over all layers (a control that should be bad).
        case maximum
        /// The highest mean activation within each layer (a control).
        case maximumLayer = "maximum_layer"
        /// Random nodes over all layers (a control).
        case random
        /// Random nodes within each layer (a control).
        case randomLayer = "random_layer"

        /// Whether the drop is per layer.
        var layerWise: Bool { self == .minimumLayer || self == .maximumLayer || self == .randomLayer }
    }

    public struct Configuration: MethodConfiguration {
        /// The selection rule (card: `minimum_layer`, the recommended general default).
        public var metric = Rule.minimumLayer
        /// p: the fraction of the alive nodes dropped per cycle (card: 0.2).
        public var fraction = 0.2
        /// Training examples scored per cycle, the first of the training split (0: all of them, as the paper).
        public var scoringExamples = 0

        public init() {}
    }

    public static let name = "dropnet"
    public static let category = MethodCategory.structured
    public static let card = "dropnet.md"
    public static let summary = "Cycles of training from the same initial weights; after each, drops the fraction p "
        + "of alive nodes or filters with the lowest mean post-activation on the training set (per layer by default), "
        + "until the compression or speedup target; the final mask is trained from the initial weights."
    public static let startingPoint = StartingPoint.initialisation
    public static let targetTolerance = TargetTolerance.wholeChannels
    public static let targetKinds: [TargetKind] = [.compression, .speedup]

    public let configuration: Configuration
    public var scope: PrunableScope { ChannelPruning.scope }

    public init(configuration: Configuration) { self.configuration = configuration }

    public func run(_ session: Session) throws {
        guard configuration.fraction > 0, configuration.fraction < 1 else {
            throw PruningError.badConfiguration(method: Self.name, reason: "fraction must be in (0, 1), got \(configuration.fraction)")
        }
        let groups = try ChannelPruning.groups(session, layers: .all, skip: [], method: Self.name)
        let initial = session.snapshot()
        let cycles = try plannedCycles(session, groups)
        let cycleSteps = session.budget.remaining / (cycles + 1)
        var ties = session.random("dropnet-ties")
        var alive = Dictionary(uniqueKeysWithValues: groups.map { ($0.producer, Array(repeating: true, count: $0.channels)) })
        for cycle in 1...cycles {
            try session.restore(initial, keepingMasks: true)
            try session.train(steps: cycleSteps, phase: "dropnet cycle \(cycle)/\(cycles)")
            let scores = try Self.ranked(activationScores(session, groups), rule: configuration.metric, random: &ties)
            let (next, done) = try drop(session, scores: scores, alive: alive, last: cycle == cycles)
            alive = next
            try ChannelPruning.setMasks(session, groups: groups, keep: alive)
            if done { break }
        }
        try session.restore(initial, keepingMasks: true)
    }

    /// K: the cycles of layer-wise p-drops (each layer loses `max(1, ⌊p·alive⌋)`, keeping one) that reach the target.
    func plannedCycles(_ session: Session, _ groups: [ChannelGroup]) throws -> Int {
        var kept = Dictionary(uniqueKeysWithValues: groups.map { ($0.producer, $0.channels) })
        for cycle in 1...100 {
            kept = kept.mapValues { $0 - Self.layerDrop($0, fraction: configuration.fraction) }
            if try ChannelPruning.achieved(session, kept: kept) >= session.compression || kept.values.allSatisfy({ $0 == 1 }) {
                return cycle
            }
        }
        return 100
    }

    /// Nodes one layer with `alive` nodes drops at fraction `q`: `max(1, ⌊q·alive⌋)` (none at q = 0), keeping one.
    static func layerDrop(_ alive: Int, fraction q: Double) -> Int {
        guard q > 0 else { return 0 }
        return min(alive - 1, max(1, Int((q * Double(alive)).rounded(.down))))
    }

    /// The mean |post-activation| of every channel of every group over the scoring examples.
    func activationScores(_ session: Session, _ groups: [ChannelGroup]) throws -> [String: [Double]] {
        var training = session.data.training
        if configuration.scoringExamples > 0, configuration.scoringExamples < training.count {
            training = training.subset(Array(0..<configuration.scoringExamples))
        }
        let loader = try BatchLoader(split: training, normalization: session.data.normalization, batchSize: 256,
                                     shuffle: false, random: session.random("dropnet-scoring"))
        var accumulator = ActivationMeans(groups)
        for batch in loader.batches(epoch: 0) {
            let context = ForwardContext(mode: .inference, observer: { accumulator.add($0) }, threads: session.threads,
                                         retainsActivations: false)
            _ = session.model.forward(batch.inputs, context: context)
        }
        return accumulator.means
    }

    /// The alive nodes after this cycle's drop, and whether the target is reached. Scores arrive ranked:
    /// for each producer, its channels' drop priority (lower drops first).
    func drop(_ session: Session, scores: [String: [Double]], alive: [String: [Bool]], last: Bool) throws
        -> (alive: [String: [Bool]], done: Bool) {
        let p = configuration.fraction
        let layerWise = configuration.metric.layerWise
        let order = Self.dropOrder(scores, alive: alive)
        let total = alive.values.reduce(0) { $0 + $1.filter { $0 }.count }
        // One parameter t for both rules: a global count of nodes, or a per-layer fraction.
        func apply(_ t: Double) -> [String: [Bool]] {
            layerWise ? Self.dropPerLayer(order, alive: alive, fraction: t) : Self.dropGlobally(scores, alive: alive, count: Int(t))
        }
        func reaches(_ t: Double) throws -> Bool {
            try ChannelPruning.achieved(session, kept: apply(t).mapValues { $0.filter { $0 }.count }) >= session.compression
        }
        let standard = layerWise ? p : Double(max(1, Int((p * Double(total)).rounded(.down))))
        let most = layerWise ? 1.0 : Double(total)
        if try reaches(standard) {
            let dropped = apply(try ChannelPruning.smallest(from: 0, to: standard, integer: !layerWise, where: reaches))
            return (try givingBack(session, before: alive, after: dropped, scores: scores), true)
        }
        guard last else { return (apply(standard), false) }
        guard try reaches(most) else {
            throw PruningError.channelTargetUnreachable(
                method: Self.name, kind: session.targetKind, target: session.compression,
                best: try ChannelPruning.achieved(session, kept: apply(most).mapValues { $0.filter { $0 }.count }))
        }
        let dropped = apply(try ChannelPruning.smallest(from: standard, to: most, integer: !layerWise, where: reaches))
        return (try givingBack(session, before: alive, after: dropped, scores: scores), true)
    }

    /// The last drop, trimmed: nodes it dropped come back one at a time (per layer the one it would have dropped
    /// last first, layers in turn) while the target still holds, since a layer-wise drop moves every layer at once.
    func givingBack(_ session: Session, before: [String: [Bool]], after: [String: [Bool]],
                    scores: [String: [Double]]) throws -> [String: [Bool]] {
        var alive = after
        var candidates = after.keys.sorted().reduce(into: [String: [Int]]()) { result, producer in
            let flags = before[producer]!, now = after[producer]!
            result[producer] = flags.indices.filter { flags[$0] && !now[$0] }.sorted { scores[producer]![$0] > scores[producer]![$1] }
        }
        var changed = true
        while changed {
            changed = false
            for producer in alive.keys.sorted() {
                guard let channel = candidates[producer]?.first else { continue }
                var trial = alive
                trial[producer]![channel] = true
                if try ChannelPruning.achieved(session, kept: trial.mapValues { $0.filter { $0 }.count }) >= session.compression {
                    alive = trial
                    changed = true
                }
                candidates[producer]!.removeFirst()
            }
        }
        return alive
    }

    /// The alive nodes ordered by drop priority: per producer, channel indices lowest score first.
    static func dropOrder(_ scores: [String: [Double]], alive: [String: [Bool]]) -> [String: [Int]] {
        scores.reduce(into: [:]) { result, entry in
            let flags = alive[entry.key] ?? []
            result[entry.key] = entry.value.indices.filter { flags[$0] }.sorted { entry.value[$0] < entry.value[$1] }
        }
    }

    /// Drops, in every layer, `layerDrop(alive, fraction)` of its lowest-priority alive nodes.
    static func dropPerLayer(_ order: [String: [Int]], alive: [String: [Bool]], fraction: Double) -> [String: [Bool]] {
        var result = alive
        for (producer, channels) in order {
            for channel in channels.prefix(layerDrop(channels.count, fraction: fraction)) { result[producer]![channel] = false }
        }
        return result
    }

    /// Drops the `count` alive nodes of lowest priority over all layers (an exact global bottom-k), skipping
    /// a node that would leave its layer empty; equal priorities go to the layer first in name order.
    static func dropGlobally(_ scores: [String: [Double]], alive: [String: [Bool]], count: Int) -> [String: [Bool]] {
        var result = alive
        var left = alive.mapValues { $0.filter { $0 }.count }
        let candidates = scores.flatMap { producer, values in
            values.indices.filter { alive[producer]?[$0] ?? false }.map { (producer: producer, channel: $0, score: values[$0]) }
        }.sorted { a, b in a.score != b.score ? a.score < b.score : (a.producer, a.channel) < (b.producer, b.channel) }
        var dropped = 0
        for candidate in candidates where dropped < count && left[candidate.producer]! > 1 {
            result[candidate.producer]![candidate.channel] = false
            left[candidate.producer]! -= 1
            dropped += 1
        }
        return result
    }

    /// Scores as drop priorities: the mean activation (minimum rules), its negation (maximum rules) or a
    /// uniform draw (random rules), each plus a tie-break below any real difference.
    static func ranked(_ means: [String: [Double]], rule: Rule, random: inout SeededGenerator) -> [String: [Double]] {
        var result: [String: [Double]] = [:]
        for producer in means.keys.sorted() {
            result[producer] = means[producer]!.map { mean in
                let tie = Double(random.nextUnitFloat()) * 1e-12
                switch rule {
                case .minimum, .minimumLayer: return mean + tie * max(abs(mean), 1e-30)
                case .maximum, .maximumLayer: return -mean + tie * max(abs(mean), 1e-30)
                case .random, .randomLayer: return Double(random.nextUnitFloat())
                }
            }
        }
        return result
    }
}

/// Running sums of each group's channel |activations| over a forward pass's events.
struct ActivationMeans {
    private var sums: [String: [Double]] = [:]
    private var counts: [String: Int] = [:]
    /// Module path whose output is scored → producer.
    private let sources: [String: String]

    /// Scores `sources[path] = (producer, channels)`: the output of module `path` stands for `producer`'s channels.
    init(sources: [String: (producer: String, channels: Int)]) {
        self.sources = sources.mapValues(\.producer)
        for (_, source) in sources { sums[source.producer] = Array(repeating: 0, count: source.channels) }
    }

    /// Each group scored at its first ReLU (or its last batch norm, or the producer itself).
    init(_ groups: [ChannelGroup]) {
        self.init(sources: Dictionary(uniqueKeysWithValues: groups.map { group in
            (group.activations.first ?? group.batchNorms.last ?? group.producer, (group.producer, group.channels))
        }))
    }

    /// Adds a forward pass's event when its module is a scored activation.
    mutating func add(_ event: ForwardEvent) { add(path: event.path, output: event.output) }

    /// Adds one module's output `[N, C, H, W]` or `[N, C]` when `path` is a scored activation.
    mutating func add(path: String, output: Tensor) {
        guard let producer = sources[path] else { return }
        let shape = output.shape
        let (n, c) = (shape[0], shape[1]), plane = shape.dropFirst(2).reduce(1, *)
        var channelSums = sums[producer]!
        for sample in 0..<n {
            for channel in 0..<c {
                let start = output.data + (sample * c + channel) * plane
                var sum: Float = 0
                for i in 0..<plane { sum += abs(start[i]) }
                channelSums[channel] += Double(sum)
            }
        }
        sums[producer] = channelSums
        counts[producer, default: 0] += n * plane
    }

    /// Per producer, each channel's mean |activation| over every sample and position seen.
    var means: [String: [Double]] {
        Dictionary(uniqueKeysWithValues: sums.map { producer, values in
            let count = Double(max(counts[producer] ?? 0, 1))
            return (producer, values.map { $0 / count })
        })
    }
}
