import Foundation
import NN

/// How the fraction of connections swapped at a mask update changes over training.
public enum DropSchedule: String, Codable, Sendable, CaseIterable {
    /// The same fraction at every update (SET's ζ).
    case constant
    /// RigL's f_decay(t) = (α/2)(1 + cos(π·t/T_end)), from α at t = 0 to 0 at T_end.
    case cosine

    /// The drop fraction at step `step` for initial fraction `initial` and last update step `endStep`.
    public func fraction(step: Int, initial: Double, endStep: Int) -> Double {
        switch self {
        case .constant:
            return initial
        case .cosine:
            guard endStep > 0 else { return 0 }
            let t = Double(min(max(step, 0), endStep)) / Double(endStep)
            return initial / 2 * (1 + cos(Double.pi * t))
        }
    }
}

/// The drop and grow rules of dynamic sparse training, on one tensor at a time (pure functions).
///
/// Ties are broken by position (lower flat index first) rather than RigL's 1e-5 Gaussian noise, so the
/// rules are deterministic without a random stream and exact in hand-computed tests.
public enum DropGrow {
    /// RigL's drop: the active entries of `mask` with the `count` smallest |w| become inactive (lower
    /// flat index first on ties). Returns the mask after the drop and how many were dropped.
    public static func dropSmallest(weight: Tensor, mask: Tensor, count: Int) -> (mask: Tensor, dropped: Int) {
        let w = weight.data, m = mask.data
        var active: [Int] = []
        for i in 0..<mask.count where m[i] != 0 { active.append(i) }
        active.sort { abs(w[$0]) < abs(w[$1]) || (abs(w[$0]) == abs(w[$1]) && $0 < $1) }
        let result = mask.copy()
        let r = result.data
        let k = max(0, min(count, active.count))
        for i in active.prefix(k) { r[i] = 0 }
        return (result, k)
    }

    /// SET's drop, the clean per-sign rule: of the active negative weights the round(ζ·n₋) closest to zero,
    /// of the active positive weights the round(ζ·n₊) closest to zero, and every active weight that is
    /// exactly zero, become inactive (ties: lower flat index first). Returns the mask and the count dropped.
    public static func dropPerSign(weight: Tensor, mask: Tensor, fraction: Double) -> (mask: Tensor, dropped: Int) {
        let w = weight.data, m = mask.data
        var negative: [Int] = [], positive: [Int] = [], zero: [Int] = []
        for i in 0..<mask.count where m[i] != 0 {
            if w[i] < 0 { negative.append(i) } else if w[i] > 0 { positive.append(i) } else { zero.append(i) }
        }
        negative.sort { w[$0] > w[$1] || (w[$0] == w[$1] && $0 < $1) }
        positive.sort { w[$0] < w[$1] || (w[$0] == w[$1] && $0 < $1) }
        let kNegative = Int((fraction * Double(negative.count)).rounded())
        let kPositive = Int((fraction * Double(positive.count)).rounded())
        let result = mask.copy()
        let r = result.data
        let dropped = negative.prefix(kNegative) + positive.prefix(kPositive) + zero
        for i in dropped { r[i] = 0 }
        return (result, dropped.count)
    }

    /// RigL's growth: the `count` inactive entries of `mask` with the largest |score| become active
    /// (lower flat index first on ties; all of them when fewer are inactive).
    public static func growLargest(mask: Tensor, scores: Tensor, count: Int) -> Tensor {
        precondition(mask.shape == scores.shape, "mask \(mask.shape), scores \(scores.shape)")
        let m = mask.data, s = scores.data
        var inactive: [Int] = []
        for i in 0..<mask.count where m[i] == 0 { inactive.append(i) }
        inactive.sort { abs(s[$0]) > abs(s[$1]) || (abs(s[$0]) == abs(s[$1]) && $0 < $1) }
        let result = mask.copy()
        let r = result.data
        for i in inactive.prefix(max(0, count)) { r[i] = 1 }
        return result
    }

    /// SET's growth: `count` inactive entries of `mask` drawn uniformly without replacement from `random`
    /// (a partial Fisher–Yates shuffle of the inactive positions; all of them when fewer are inactive).
    public static func growRandomly(mask: Tensor, count: Int, random: inout SeededGenerator) -> Tensor {
        let m = mask.data
        var inactive: [Int] = []
        for i in 0..<mask.count where m[i] == 0 { inactive.append(i) }
        let k = max(0, min(count, inactive.count))
        let result = mask.copy()
        let r = result.data
        for j in 0..<k {
            inactive.swapAt(j, j + random.nextIndex(below: inactive.count - j))
            r[inactive[j]] = 1
        }
        return result
    }

    /// 1 where `new` is active and `old` was not (the grown connections; regrown ones are excluded).
    public static func grown(old: Tensor, new: Tensor) -> Tensor {
        let result = Tensor(zeros: new.shape)
        let o = old.data, n = new.data, g = result.data
        for i in 0..<new.count where n[i] != 0 && o[i] == 0 { g[i] = 1 }
        return result
    }
}
