import NN

/// Helpers for pruning masks: tensors of the parameter's shape holding 1 (keep) or 0 (pruned).
public enum Mask {
    /// A mask that keeps every entry of a parameter of this shape.
    public static func ones(_ shape: [Int]) -> Tensor { Tensor(shape: shape, repeating: 1) }

    /// Keeps entries whose score is ≥ `threshold` (ShrinkBench `threshold_mask` for scores ≥ 0).
    ///
    /// Compared in `Double`, so a `Float` score equal to the interpolated threshold is kept.
    public static func keeping(scores: Tensor, atLeast threshold: Double) -> Tensor {
        let mask = Tensor(zeros: scores.shape)
        let s = scores.data, m = mask.data
        for i in 0..<scores.count where Double(s[i]) >= threshold { m[i] = 1 }
        return mask
    }

    /// An independent Bernoulli mask: entry kept when u ≤ keepProbability, u ~ U[0, 1)
    /// (ShrinkBench `RandomPruning`: pruned if u > f), drawn in row-major order.
    public static func bernoulli(_ shape: [Int], keepProbability: Double,
                                 random: inout SeededGenerator) -> Tensor {
        let mask = Tensor(zeros: shape)
        let m = mask.data
        for i in 0..<mask.count where Double(random.nextUnitFloat()) <= keepProbability { m[i] = 1 }
        return mask
    }

    /// The number of kept (non-zero) entries.
    public static func keptCount(_ mask: Tensor) -> Int {
        let m = mask.data
        var kept = 0
        for i in 0..<mask.count where m[i] != 0 { kept += 1 }
        return kept
    }

    /// Throws unless `mask` has `shape` and holds only 0 and 1; `parameter` names it in the error.
    public static func validate(_ mask: Tensor, shape: [Int], parameter: String) throws {
        guard mask.shape == shape else {
            throw PruningError.maskShape(parameter: parameter, expected: shape, got: mask.shape)
        }
        let m = mask.data
        for i in 0..<mask.count where m[i] != 0 && m[i] != 1 {
            throw PruningError.maskValue(parameter: parameter, index: i, value: m[i])
        }
    }

    /// Entry-wise product of two masks of one shape (pruned in either ⇒ pruned).
    public static func intersection(_ a: Tensor, _ b: Tensor) -> Tensor {
        precondition(a.shape == b.shape, "mask shapes \(a.shape) and \(b.shape)")
        let result = a.copy()
        let r = result.data, q = b.data
        for i in 0..<result.count { r[i] *= q[i] }
        return result
    }
}
