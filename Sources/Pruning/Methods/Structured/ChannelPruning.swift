import NN

/// Which layers a structured method may remove channels from.
public enum ChannelLayers: String, Codable, Sendable, CaseIterable {
    /// Every removable group: conv filters and hidden linear units.
    case all
    /// Conv filters only (the filter-pruning papers' scope).
    case convolutions
}

/// What the structured family shares: the channel groups a method may prune (`Model.channelGroups`), what a
/// choice of kept channels achieves against the session's target, the smallest rate that reaches it, and
/// the masks of a choice (whole rows, batch-norm channels and the consumer's input slices).
enum ChannelPruning {
    /// Every structured method masks conv/linear weights and biases, batch-norm γ and β, and the classifier,
    /// whose input columns go with the last hidden layer's removed units (its rows are never removed).
    static let scope = PrunableScope(biases: true, classifier: true, batchNorm: true)

    /// The session model's removable channel groups whose producer `layers` selects, without `skip`.
    ///
    /// Throws `badConfiguration` naming an entry of `skip` or `rates` that is not a removable layer (in a
    /// ResNet only a block's inner `conv1` is: its `conv2` feeds the residual addition), and when nothing is
    /// left to prune.
    static func groups(_ session: Session, layers: ChannelLayers, skip: [String], rates: [String: Double] = [:],
                       method: String) throws -> [ChannelGroup] {
        let all = session.model.channelGroups
        let names = Set(all.map(\.producer))
        for name in skip + rates.keys.sorted() where !names.contains(name) {
            throw PruningError.badConfiguration(method: method, reason:
                "\"\(name)\" is not a layer whose output channels can be removed; removable: "
                + all.map(\.producer).joined(separator: ", "))
        }
        for (name, rate) in rates where !(0..<1).contains(rate) {
            throw PruningError.badConfiguration(method: method, reason: "rate of \"\(name)\" must be in [0, 1), got \(rate)")
        }
        let modules = Dictionary(session.model.modules.map { ($0.path, $0.module) }, uniquingKeysWith: { a, _ in a })
        let chosen = all.filter { group in
            !skip.contains(group.producer) && (layers == .all || modules[group.producer] is Conv2d)
        }
        guard !chosen.isEmpty else {
            throw PruningError.badConfiguration(method: method, reason:
                "\(session.model.architecture.name) has no removable channels among layers \"\(layers.rawValue)\""
                + (layers == .convolutions ? " (set layers: all to remove hidden linear units)" : ""))
        }
        return chosen
    }

    /// What keeping `kept[producer]` channels achieves as the session's target kind measures it: compression =
    /// all parameters / parameters of the narrower model; speedup = dense MACs / the narrower model's MACs.
    static func achieved(_ session: Session, kept: [String: Int]) throws -> Double {
        let model = session.model
        var random = SeededGenerator(seed: 0)
        let narrower = try Model(model.architecture.resized(kept), random: &random)
        switch session.targetKind {
        case .compression: return Double(model.parameterCount) / Double(narrower.parameterCount)
        case .speedup: return Double(MaskedMACs.count(model).dense) / Double(MaskedMACs.count(narrower).dense)
        }
    }

    /// Channels kept of `channels` at removal rate `rate`: `max(1, ⌊channels·(1 − rate)⌋)` (the
    /// rethinking-network-pruning code keeps `int(n·(1 − rate))`; a layer never loses every channel).
    static func keptCount(_ channels: Int, rate: Double) -> Int {
        max(1, Int((Double(channels) * (1 - rate)).rounded(.down)))
    }

    /// The kept counts at the smallest uniform rate r in [0, 1] that reaches the session's target, found by
    /// bisection (what `counts(r)` achieves grows with r); throws `channelTargetUnreachable` when even
    /// `counts(1)` falls short.
    static func smallestRate(_ session: Session, method: String, counts: (Double) -> [String: Int]) throws -> [String: Int] {
        let target = session.compression
        var cache: [[String: Int]: Double] = [:]
        func reaches(_ kept: [String: Int]) throws -> Bool {
            if let value = cache[kept] { return value >= target }
            let value = try achieved(session, kept: kept)
            cache[kept] = value
            return value >= target
        }
        if try reaches(counts(0)) { return counts(0) }
        guard try reaches(counts(1)) else {
            throw PruningError.channelTargetUnreachable(method: method, kind: session.targetKind, target: target,
                                                        best: cache[counts(1)] ?? 0)
        }
        return counts(try smallest(from: 0, to: 1, integer: false) { try reaches(counts($0)) })
    }

    /// The smallest t in (low, high] with `test(t)` (true at `high`, monotone in t), by bisection: over the
    /// integers when `integer`, else 40 halvings.
    static func smallest(from low: Double, to high: Double, integer: Bool, where test: (Double) throws -> Bool) throws -> Double {
        var (low, high) = (low, high)
        if integer {
            while high - low > 1 {
                let middle = ((low + high) / 2).rounded(.down)
                if try test(middle) { high = middle } else { low = middle }
            }
            return high
        }
        for _ in 0..<40 {
            let middle = (low + high) / 2
            if try test(middle) { high = middle } else { low = middle }
        }
        return high
    }

    /// The kept counts of the smallest uniform rate that reaches the session's target (layers in `fixedRates` at
    /// their own rate), then channels given back one at a time while the target holds (fixed layers keep exactly
    /// their count): l1-filter's sizes, which i-SpaSP and HSR-NP share so that they compare at equal size.
    static func uniformSizes(_ session: Session, groups: [ChannelGroup], fixedRates: [String: Double] = [:],
                             method: String) throws -> [String: Int] {
        let uniform = try smallestRate(session, method: method) { rate in
            Dictionary(uniqueKeysWithValues: groups.map { group in
                (group.producer, keptCount(group.channels, rate: fixedRates[group.producer] ?? rate))
            })
        }
        return try givingBack(session, uniform, groups: groups, limit: uniform.filter { fixedRates[$0.key] != nil })
    }

    /// Gives channels back, one at a time, while the target still holds: round after round over `groups` in
    /// forward order, each group that can take one more channel (up to its own count) without the target
    /// being missed gets it. Whole channels overshoot a target by a whole step of the uniform rate (19.8× for a
    /// 16× target on LeNet-5, whose fc1 inputs go 25 at a time); this brings the achieved value down to the
    /// last channel that can be spared.
    static func givingBack(_ session: Session, _ kept: [String: Int], groups: [ChannelGroup],
                           limit: [String: Int] = [:]) throws -> [String: Int] {
        var kept = kept
        var changed = true
        while changed {
            changed = false
            for group in groups {
                guard let count = kept[group.producer], count < (limit[group.producer] ?? group.channels) else { continue }
                var candidate = kept
                candidate[group.producer] = count + 1
                if try achieved(session, kept: candidate) >= session.compression {
                    kept = candidate
                    changed = true
                }
            }
        }
        return kept
    }

    /// Keeps, per group, the `kept[producer]` channels of highest score (ties: the lower index stays).
    static func keepHighest(_ scores: [String: [Double]], kept: [String: Int]) -> [String: [Bool]] {
        scores.reduce(into: [:]) { result, entry in
            let (producer, values) = entry
            let count = kept[producer] ?? values.count
            let order = values.indices.sorted { values[$0] != values[$1] ? values[$0] > values[$1] : $0 < $1 }
            var flags = Array(repeating: false, count: values.count)
            for index in order.prefix(count) { flags[index] = true }
            result[producer] = flags
        }
    }

    /// Masks every prunable parameter: removed channels lose their producer rows (weight and bias), their
    /// batch-norm γ and β, and the consumer's input slices; everything else is kept (masks of ones).
    static func setMasks(_ session: Session, groups: [ChannelGroup], keep: [String: [Bool]]) throws {
        var masks: [String: Tensor] = [:]
        for parameter in session.prunable {
            masks[parameter.name] = Tensor(shape: parameter.parameter.value.shape, repeating: 1)
        }
        func multiply(_ name: String, _ factor: (Tensor) -> Tensor) {
            guard let mask = masks[name] else { return }
            let other = factor(mask)
            for i in 0..<mask.count { mask.data[i] *= other.data[i] }
        }
        for group in groups {
            guard let flags = keep[group.producer] else { continue }
            for owner in [group.producer] + group.batchNorms {
                for local in ["weight", "bias"] {
                    multiply(owner + "." + local) { Mask.outputs(keeping: flags, shape: $0.shape) }
                }
            }
            multiply(group.consumer.path + ".weight") {
                Mask.inputs(keeping: flags, shape: $0.shape, featuresPerInput: group.consumer.featuresPerChannel)
            }
        }
        try session.setMasks(session.prunable.map { ($0.name, masks[$0.name]!) })
    }
}
