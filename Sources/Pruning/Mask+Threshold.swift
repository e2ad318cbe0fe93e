import NN

/// Whether one threshold is taken over all prunable tensors together or one per tensor.
public enum ThresholdScope: String, Codable, Sendable, CaseIterable {
    /// One threshold over the concatenation of every scored tensor (ShrinkBench `Global*`).
    case global
    /// A separate threshold per tensor, each keeping its own fraction (ShrinkBench `Layer*`).
    case layerwise
}

extension Mask {
    /// ShrinkBench's threshold rule: threshold = `np.quantile(scores, 1 − keepFraction)` over the
    /// scope's flattened scores; keep score ≥ threshold. Scores must be ≥ 0. Returns masks in
    /// the order of `scores`.
    ///
    /// With distinct scores a scope keeps within one entry of `keepFraction × size`, as in ShrinkBench.
    /// Where ties at the threshold would keep more than one entry beyond that (ShrinkBench's defect:
    /// many zero gradient or activation scores make the threshold 0 and keep everything), every score
    /// above the threshold is kept and the rest of the count is drawn from the tied entries in an
    /// order taken from `random`, a stream of the run's seed.
    public static func thresholded(_ scores: [(name: String, scores: Tensor)], keepFraction: Double,
                                   scope: ThresholdScope,
                                   tieBreaking random: inout SeededGenerator)
        -> [(name: String, mask: Tensor)] {
        switch scope {
        case .global:
            return keepingTop(scores, keepFraction: keepFraction, random: &random)
        case .layerwise:
            return scores.flatMap { keepingTop([$0], keepFraction: keepFraction, random: &random) }
        }
    }

    /// One threshold over `group`; ties at the threshold are thinned to the target count.
    private static func keepingTop(_ group: [(name: String, scores: Tensor)], keepFraction: Double,
                                   random: inout SeededGenerator) -> [(name: String, mask: Tensor)] {
        let flat = group.flatMap { $0.scores.values }
        guard !flat.isEmpty else { return group.map { ($0.name, Mask.ones($0.scores.shape)) } }
        let threshold = Quantile.threshold(keeping: keepFraction, of: flat)
        let masks = group.map { ($0.name, keeping(scores: $0.scores, atLeast: threshold)) }
        let target = Int((keepFraction * Double(flat.count)).rounded())
        let kept = masks.reduce(0) { $0 + Mask.keptCount($1.1) }
        guard kept > target + 1 else { return masks }
        var tied: [(tensor: Int, index: Int)] = []
        var above = 0
        for (t, entry) in group.enumerated() {
            let s = entry.scores.data
            for i in 0..<entry.scores.count {
                if Double(s[i]) > threshold { above += 1 } else if Double(s[i]) == threshold { tied.append((t, i)) }
            }
        }
        let order = random.permutation(tied.count)
        for position in order.dropFirst(max(0, target - above)) {
            let (t, i) = tied[position]
            masks[t].1.data[i] = 0
        }
        return masks
    }
}
