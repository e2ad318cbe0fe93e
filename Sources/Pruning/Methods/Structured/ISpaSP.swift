import Data
import NN

/// i-SpaSP (Wolfe & Kyrillidis, "i-SpaSP: Structured Neural Pruning via Sparse Signal Recovery", L4DC 2022;
/// card `ispasp.md`, after the official code): for each hidden layer, front to back, a CoSaMP-like search picks
/// the s units whose outputs best reproduce the next layer's dense output; then the harness fine-tunes.
///
/// Per layer (H: the next layer's input, i.e. the units' activations after batch norm, ReLU and pooling, on the
/// scoring batch with the layers before already pruned; Y: the next layer's dense output on H; a_i = Σ |H_i|
/// over examples and positions), starting from S = ∅, for up to T iterations: the residual V = Y − Y_S (Y_S: the
/// next layer on H with only S's channels; 0 while S is empty, as the code); the proxy G = ∂(½‖f(H) − Y_S‖²)/∂H
/// at the dense H (the next layer's input gradient of V); u_i = Σ G_i over examples and positions (signed, as the
/// code); Ω = the 2s largest u; S = the s of Ω ∪ S with the largest a. Weights are sliced, never refitted.
///
/// Choices where the card leaves the harness to decide:
/// - **Sizes s from the target.** One uniform rate over the pruned layers (each keeps `max(1, ⌊n·(1 − r)⌋)`),
///   the smallest that reaches the compression or speedup target, with channels given back one at a time while
///   the target holds: the sizes are `l1-filter`'s, so the two compare at equal size. The code's per-stage
///   ratios and skipped blocks are not offered (`skip` leaves layers whole).
/// - **No fine-tuning between layers** (the code's optional epoch per block): the whole budget is the harness's
///   final fine-tuning.
/// - **The search stops early** when an iteration leaves S unchanged (every later iteration would repeat it).
/// - a_i sums |H| (equal to the card's Σ H after a ReLU); ties go to the lower index.
/// - Layers: every removable group (`Model.channelGroups`, hidden units and conv filters; in a ResNet a block's
///   inner channels, as the code) unless `layers: convolutions`.
public struct ISpaSP: PruningMethod {
    public struct Configuration: MethodConfiguration {
        /// T: search iterations per layer (card: 20).
        public var iterations = 20
        /// Training examples in the scoring batch (card: 1,024 at harness scale).
        public var batchSize = 1024
        /// Which layers lose channels.
        public var layers = ChannelLayers.all
        /// Layers left whole, by module path.
        public var skip: [String] = []

        public init() {}
    }

    public static let name = "ispasp"
    public static let category = MethodCategory.structured
    public static let card = "ispasp.md"
    public static let summary = "Layer by layer, front to back, picks the units whose outputs best reproduce the next "
        + "layer's dense output by a CoSaMP-like search (residual gradient proxy, 2s candidates, keep the s largest "
        + "activations), at the sizes that reach the compression or speedup target; then fine-tunes."
    public static let targetTolerance = TargetTolerance.wholeChannels
    public static let targetKinds: [TargetKind] = [.compression, .speedup]

    public let configuration: Configuration
    public var scope: PrunableScope { ChannelPruning.scope }

    public init(configuration: Configuration) { self.configuration = configuration }

    public func run(_ session: Session) throws {
        guard configuration.iterations >= 1, configuration.batchSize >= 1 else {
            throw PruningError.badConfiguration(method: Self.name, reason: "iterations and batchSize must be at least 1")
        }
        let groups = try ChannelPruning.groups(session, layers: configuration.layers, skip: configuration.skip,
                                               method: Self.name)
        let sizes = try ChannelPruning.uniformSizes(session, groups: groups, method: Self.name)
        let batch = try session.scoringBatch(size: configuration.batchSize, purpose: "ispasp")
        let modules = Dictionary(session.model.modules.map { ($0.path, $0.module) }, uniquingKeysWith: { a, _ in a })
        var keep = Dictionary(uniqueKeysWithValues: groups.map { ($0.producer, Array(repeating: true, count: $0.channels)) })
        for group in groups {
            let size = sizes[group.producer] ?? group.channels
            guard size < group.channels else { continue }
            session.report("i-SpaSP: \(group.producer) keeps \(size) of \(group.channels)")
            guard let consumer = modules[group.consumer.path],
                  let input = session.layerInputs(on: batch)[group.consumer.path] else {
                throw PruningError.badConfiguration(method: Self.name, reason: "no input recorded for '\(group.consumer.path)'")
            }
            let search = SupportSearch(next: consumer, input: input, channels: group.channels, threads: session.threads)
            let support = search.run(size: size, iterations: configuration.iterations)
            keep[group.producer] = (0..<group.channels).map { support.contains($0) }
            try ChannelPruning.setMasks(session, groups: groups, keep: keep)
        }
    }

    /// The search on one layer: `next` is the layer reading the channels, `input` its input H (`[B, C·k]` for a
    /// linear layer, `[B, C, h, w]` for a conv).
    struct SupportSearch {
        let next: any Module
        let input: Tensor
        /// The channels of H: each owns one consecutive block of every example's features.
        let channels: Int
        let threads: Int

        /// Σ |H| per channel.
        var activations: [Double] { perChannel(input, absolute: true) }

        /// The next layer's output on H with only `support`'s channels (the rest zeroed).
        func output(keeping support: Set<Int>) -> Tensor {
            let masked = input.copy()
            let perExample = input.count / input.shape[0]
            let block = perExample / channels
            for n in 0..<input.shape[0] {
                for c in 0..<channels where !support.contains(c) {
                    let start = n * perExample + c * block
                    for i in start..<(start + block) { masked.data[i] = 0 }
                }
            }
            return forward(masked, retaining: false)
        }

        /// G = ∂(½‖f(H) − Y_S‖²)/∂H at the dense H: the next layer's input gradient for the output gradient `residual`.
        func proxy(residual: Tensor) -> Tensor {
            _ = forward(input, retaining: true)
            let gradient = next.backward(residual)
            for (_, parameter) in next.localParameters { parameter.zeroGradient() }
            return gradient
        }

        /// The s channels chosen after at most `iterations` rounds (fewer when S stops changing).
        func run(size: Int, iterations: Int) -> Set<Int> {
            let dense = forward(input, retaining: false)
            let a = activations
            var support = Set<Int>()
            for _ in 0..<iterations {
                let residual = dense.copy()
                if !support.isEmpty {
                    let partial = output(keeping: support)
                    for i in 0..<residual.count { residual.data[i] -= partial.data[i] }
                }
                let u = perChannel(proxy(residual: residual), absolute: false)
                let candidates = Set(Self.largest(u, count: min(2 * size, channels))).union(support)
                let next = Set(Self.largest(a, count: size, among: candidates))
                if next == support { break }
                support = next
            }
            return support
        }

        /// Per-channel sums over examples and positions (of |x| when `absolute`).
        func perChannel(_ tensor: Tensor, absolute: Bool) -> [Double] {
            let perExample = tensor.count / tensor.shape[0]
            let block = perExample / channels
            var sums = [Double](repeating: 0, count: channels)
            for n in 0..<tensor.shape[0] {
                for c in 0..<channels {
                    let start = n * perExample + c * block
                    var sum = 0.0
                    for i in start..<(start + block) { sum += Double(absolute ? abs(tensor.data[i]) : tensor.data[i]) }
                    sums[c] += sum
                }
            }
            return sums
        }

        private func forward(_ x: Tensor, retaining: Bool) -> Tensor {
            next.forward(x, context: ForwardContext(mode: .inference, threads: threads, retainsActivations: retaining))
        }

        /// The `count` indices (of `among`, default all) with the largest values; ties: the lower index.
        static func largest(_ values: [Double], count: Int, among: Set<Int>? = nil) -> [Int] {
            let pool = among.map { $0.sorted() } ?? Array(values.indices)
            return Array(pool.sorted { values[$0] != values[$1] ? values[$0] > values[$1] : $0 < $1 }.prefix(count))
        }
    }
}
