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
    /// The kept fraction is approximate: with distinct scores a scope keeps within one entry
    /// of `keepFraction × size`; every score tied with the threshold is kept as well.
    public static func thresholded(_ scores: [(name: String, scores: Tensor)], keepFraction: Double,
                                   scope: ThresholdScope) -> [(name: String, mask: Tensor)] {
        switch scope {
        case .global:
            let flat = scores.flatMap { $0.scores.values }
            guard !flat.isEmpty else { return scores.map { ($0.name, Mask.ones($0.scores.shape)) } }
            let threshold = Quantile.threshold(keeping: keepFraction, of: flat)
            return scores.map { ($0.name, keeping(scores: $0.scores, atLeast: threshold)) }
        case .layerwise:
            return scores.map { entry in
                let values = entry.scores.values
                guard !values.isEmpty else { return (entry.name, Mask.ones(entry.scores.shape)) }
                let threshold = Quantile.threshold(keeping: keepFraction, of: values)
                return (entry.name, keeping(scores: entry.scores, atLeast: threshold))
            }
        }
    }
}
