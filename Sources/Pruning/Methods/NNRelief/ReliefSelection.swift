import Data
import NN

/// One NNrelief pruning step (see `NNRelief`): the rank q of every prunable entry from the per-neuron
/// retention rule, the pool of entries it may keep (current mask minus dead and disconnected units),
/// and the selection of an exact count with no unit left disconnected, filled from the dead and
/// disconnected units' entries when the pool alone is too small.
struct ReliefSelection {
    private let chain: LayerChain
    /// The prunable parameters in session (state-dict) order.
    private let names: [String]
    /// Where each prunable parameter's entries start in the flat ranking.
    private let offsets: [Int]
    /// q per entry, flat over the prunable parameters: (1 − ρ)/(1 − α_l), or −1 where the rule always prunes.
    private let q: [Double]
    /// 1 where an entry may be kept this iteration.
    private let pool: [Tensor]
    /// 1 where an entry is unpruned before this iteration (the pool plus the dead and disconnected units).
    private let unpruned: [Tensor]
    /// Chain layer → index of its prunable weight / bias in `names`.
    private let weightSlot: [Int?], biasSlot: [Int?]
    /// The fixed masks of the chain layers whose weights are not prunable.
    private let fixedWeights: [Tensor]
    /// The method's registry name, for errors.
    private let method: String

    /// Scores the chain's layers on `batch` with the session's current masks and builds the pool.
    init(session: Session, chain: LayerChain, batch: Batch, alphaConv: Double, alphaLinear: Double,
         aggregation: ReliefAggregation, method: String) throws {
        self.chain = chain
        self.method = method
        let prunable = session.prunable
        names = prunable.map(\.name)
        func slot(_ parameter: Parameter?) -> Int? {
            parameter.flatMap { p in prunable.firstIndex { $0.parameter === p } }
        }
        weightSlot = chain.layers.map { slot($0.weight) }
        biasSlot = chain.layers.map { slot($0.bias) }
        let covered = Set(weightSlot.compactMap { $0 } + biasSlot.compactMap { $0 })
        if let stray = prunable.indices.first(where: { !covered.contains($0) }) {
            throw PruningError.badConfiguration(method: method, reason: "prunable parameter '\(names[stray])' "
                + "is not the weight or bias of a conv/linear layer of the chain")
        }
        var offsets: [Int] = [], total = 0
        for entry in prunable { offsets.append(total); total += entry.count }
        self.offsets = offsets
        var q = [Double](repeating: -1, count: total)
        unpruned = prunable.map { $0.parameter.mask?.copy() ?? Mask.ones($0.parameter.value.shape) }
        pool = unpruned.map { $0.copy() }
        fixedWeights = chain.layers.map { $0.weight.mask ?? Mask.ones($0.weight.value.shape) }

        let inputs = chain.inputs(of: session.model, on: batch, threads: session.threads)
        let means = inputs.map(ReliefScores.meanAbsolute)
        let poolMasks = Self.masks(chain, pool: pool, weightSlot: weightSlot, biasSlot: biasSlot, fixed: fixedWeights)
        for (l, layer) in chain.layers.enumerated() {
            guard let wSlot = weightSlot[l] else { continue }
            let weight = layer.weight.value
            let units = layer.units, fanIn = weight.shape[1]
            let perEntry = weight.count / (units * fanIn)
            let slices: [Float], positions: Int, alpha: Double
            if let conv = layer.module as? Conv2d {
                let shape = inputs[l].shape
                (slices, positions) = ReliefScores.convSliceScores(
                    weight: weight, meanAbsInput: means[l], height: shape[2], width: shape[3],
                    stride: conv.stride, padding: conv.padding, aggregation: aggregation)
                alpha = alphaConv
            } else {
                slices = ReliefScores.linearScores(weight: weight, meanAbsInput: means[l]).values
                positions = 1
                alpha = alphaLinear
            }
            let nextMeans = l + 1 < chain.layers.count ? means[l + 1] : []
            let perUnit = nextMeans.count / units
            for unit in 0..<units {
                var scores = Array(slices[(unit * fanIn)..<((unit + 1) * fanIn)])
                if let bias = layer.bias {
                    scores.append(ReliefScores.biasScore(bias.value[flat: unit], positions: positions, aggregation: aggregation))
                }
                let levels = ReliefScores.retentionLevels(scores)
                let rank = levels.map { level in level.map { (1 - $0) / (1 - alpha) } ?? -1 }
                let base = offsets[wSlot] + unit * fanIn * perEntry
                for c in 0..<fanIn {
                    for e in 0..<perEntry { q[base + c * perEntry + e] = rank[c] }
                }
                if let bSlot = biasSlot[l] { q[offsets[bSlot] + unit] = rank[fanIn] }
                // Dead: the unit's output reaching the next layer is zero on every example.
                if perUnit > 0, nextMeans[(unit * perUnit)..<((unit + 1) * perUnit)].allSatisfy({ $0 == 0 }) {
                    chain.removeUnit(unit, layer: l, in: poolMasks)
                }
            }
        }
        chain.removeDisconnectedUnits(in: poolMasks)
        self.q = q
    }

    private static func masks(_ chain: LayerChain, pool: [Tensor], weightSlot: [Int?], biasSlot: [Int?],
                              fixed: [Tensor]) -> LayerChain.Masks {
        LayerChain.Masks(weights: weightSlot.enumerated().map { l, slot in slot.map { pool[$0] } ?? fixed[l] },
                         prunable: weightSlot.map { $0 != nil }, biases: biasSlot.map { $0.map { pool[$0] } })
    }

    /// Keeps the `target` pool entries of highest q (ties: state-dict position), removes disconnected
    /// units, refills from the ranking until none is removed, and sets the masks. When the pool runs out
    /// first (dead and disconnected units took more than the iteration prunes), the rest of the target is
    /// filled with the next entries of the same ranking among those units' unpruned entries. Returns the q
    /// of the last pool entry kept (the common α scale t at which the card's rule keeps that set) and the
    /// number of entries filled. The caller ensures `target` ≤ the unpruned entries. Fails with
    /// `PruningError.targetUnreachable` when the selection would leave a layer with no weight (no path from
    /// input to output: far-apart α_conv and α_fc at a high target rank one kind's entries all last).
    func apply(keeping target: Int, to session: Session) throws -> (scale: Double, filled: Int) {
        let order = q.indices.sorted { q[$0] > q[$1] || (q[$0] == q[$1] && $0 < $1) }
        while true {
            let selected = pool.map { Tensor(zeros: $0.shape) }
            var taken = 0, boundary = 0.0
            for g in order where taken < target {
                let slot = self.slot(of: g), i = g - offsets[slot]
                guard pool[slot].data[i] != 0 else { continue }
                selected[slot].data[i] = 1
                taken += 1
                boundary = q[g]
            }
            let before = selected.map { $0.copy() }
            let masks = Self.masks(chain, pool: selected, weightSlot: weightSlot, biasSlot: biasSlot, fixed: fixedWeights)
            if chain.removeDisconnectedUnits(in: masks) == 0 {
                let filled = fill(selected, upTo: target, after: taken, order: order)
                try requireEveryLayerConnected(selected, target: target)
                for (name, mask) in zip(names, selected) { try session.setMask(mask, for: name) }
                return (boundary, filled)
            }
            for (slot, mask) in pool.enumerated() {
                let p = mask.data, was = before[slot].data, now = selected[slot].data
                for i in 0..<mask.count where was[i] != 0 && now[i] == 0 { p[i] = 0 }
            }
        }
    }

    /// Throws when a chain layer's prunable weight keeps no entry.
    private func requireEveryLayerConnected(_ selected: [Tensor], target: Int) throws {
        for slot in weightSlot.compactMap({ $0 }) where Mask.keptCount(selected[slot]) == 0 {
            let available = unpruned.reduce(0) { $0 + Mask.keptCount($1) }
            throw PruningError.targetUnreachable(
                method: method, target: target, available: available,
                reason: "the selection keeps no weight of '\(names[slot])' (no path from input to output): at this "
                    + "target the layers' α values rank all of its entries below the others'; lower the "
                    + "compression or bring alphaConv and alphaLinear closer")
        }
    }

    /// Sets the next unpruned, unselected entries in `order` until `target` are selected; returns how many.
    private func fill(_ selected: [Tensor], upTo target: Int, after taken: Int, order: [Int]) -> Int {
        var filled = 0
        for g in order where taken + filled < target {
            let slot = self.slot(of: g), i = g - offsets[slot]
            guard unpruned[slot].data[i] != 0, selected[slot].data[i] == 0 else { continue }
            selected[slot].data[i] = 1
            filled += 1
        }
        return filled
    }

    /// The prunable parameter holding flat ranking index `g`.
    private func slot(of g: Int) -> Int {
        var low = 0, high = offsets.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if offsets[mid] <= g { low = mid } else { high = mid - 1 }
        }
        return low
    }
}
