import Foundation
import NN

/// The rounds of iterative magnitude pruning: how many, how many weights each group keeps after
/// each round, and which weights go (the smallest surviving |w|, ties broken by position).
///
/// A group is one threshold scope: all prunable tensors together (global) or one tensor (layerwise).
/// Group g of N_g entries pruned at rate p_g per round keeps ⌊N_g·(1 − p_g)^r⌉ (rounded to nearest)
/// after round r < R, counted from the original size rather than compounded from the previous round,
/// so density after r rounds is (1 − p)^r within half a weight. (open_lth removes ⌈p·alive⌉ per
/// round, whose rounding compounds to up to 1/p weights of drift; LTH's code rounds.) The last round
/// R = ⌈ρ*⌉ uses the continuous exponent ρ* solving Σ_g N_g(1 − p_g)^ρ* = f·Σ_g N_g, so the final
/// masks meet the target keep fraction f within half a weight per group.
public struct IterativePlan: Sendable, Equatable {
    /// Entries per group.
    public let sizes: [Int]
    /// The per-round pruning rate of each group: the fraction of its surviving weights removed.
    public let rates: [Double]
    /// ρ*, the continuous round count that reaches the target (0 when nothing is pruned).
    public let exponent: Double
    /// Pruning rounds R (at most `maxRounds`; 0 when the target keeps everything).
    public let rounds: Int
    /// The exponent each round adds: 1, or ρ*/R when `maxRounds` caps the rounds (every group's
    /// rate then rises to 1 − (1 − p_g)^(ρ*/R), reaching the target in R equal steps).
    public let exponentPerRound: Double

    /// The plan reaching keep fraction `keepFraction` of all entries in at most `maxRounds` rounds
    /// (1: one-shot). Throws unless the rates are in (0, 1), `keepFraction` in (0, 1], `maxRounds` ≥ 1.
    public init(sizes: [Int], rates: [Double], keepFraction: Double, maxRounds: Int? = nil) throws {
        guard sizes.count == rates.count, !sizes.isEmpty else {
            throw IterativePruningError.configuration("\(sizes.count) groups but \(rates.count) rates")
        }
        if let bad = rates.first(where: { !($0 > 0 && $0 < 1) }) {
            throw IterativePruningError.configuration("per-round pruning rate \(bad) is not in (0, 1)")
        }
        guard keepFraction > 0, keepFraction <= 1 else {
            throw IterativePruningError.configuration("keep fraction \(keepFraction) is not in (0, 1]")
        }
        self.sizes = sizes
        self.rates = rates
        let total = Double(sizes.reduce(0, +))
        let exponent = Self.solve(sizes: sizes, rates: rates, target: keepFraction * total)
        if let maxRounds, maxRounds < 1 {
            throw IterativePruningError.configuration("at most \(maxRounds) pruning rounds")
        }
        self.exponent = exponent
        let needed = exponent < 1e-12 ? 0 : Int((exponent - 1e-9).rounded(.up))
        rounds = min(needed, maxRounds ?? needed)
        exponentPerRound = rounds < needed ? exponent / Double(rounds) : 1
    }

    /// Entries group `group` keeps after round `round` (1-based; the last round reaches the target).
    public func keptCount(group: Int, afterRound round: Int) -> Int {
        let e = round >= rounds ? exponent : Double(round) * exponentPerRound
        return Int((Double(sizes[group]) * pow(1 - rates[group], e)).rounded())
    }

    /// ρ with Σ N_g(1 − p_g)^ρ = target: closed form for equal rates, bisection otherwise.
    private static func solve(sizes: [Int], rates: [Double], target: Double) -> Double {
        let total = Double(sizes.reduce(0, +))
        if target >= total { return 0 }
        if Set(rates).count == 1 { return log(target / total) / log(1 - rates[0]) }
        func kept(_ rho: Double) -> Double {
            zip(sizes, rates).reduce(0) { $0 + Double($1.0) * pow(1 - $1.1, rho) }
        }
        var low = 0.0, high = 1.0
        while kept(high) > target { low = high; high *= 2 }
        for _ in 0..<200 {
            let middle = (low + high) / 2
            if kept(middle) > target { low = middle } else { high = middle }
        }
        return high
    }
}

/// The pruning step of iterative magnitude pruning.
public enum IterativePruning {
    /// New masks for `weights` (one group) keeping the `keep` largest |w| among the entries their
    /// `masks` keep; the others are pruned. Ties are broken by position: among equal magnitudes the
    /// earlier entry (tensor order, then row-major index) goes first, so exactly alive − keep entries
    /// are removed. Masks with `keep` ≥ alive are returned unchanged (copies).
    public static func pruneSmallest(weights: [Tensor], masks: [Tensor], keeping keep: Int) -> [Tensor] {
        precondition(weights.count == masks.count, "\(weights.count) weights, \(masks.count) masks")
        var alive: [(magnitude: Float, tensor: Int, index: Int)] = []
        for (t, (weight, mask)) in zip(weights, masks).enumerated() {
            precondition(weight.shape == mask.shape, "weight \(weight.shape), mask \(mask.shape)")
            let w = weight.data, m = mask.data
            for i in 0..<weight.count where m[i] != 0 { alive.append((abs(w[i]), t, i)) }
        }
        let result = masks.map { $0.copy() }
        let remove = alive.count - max(keep, 0)
        guard remove > 0 else { return result }
        alive.sort { a, b in
            a.magnitude != b.magnitude ? a.magnitude < b.magnitude
                : (a.tensor != b.tensor ? a.tensor < b.tensor : a.index < b.index)
        }
        for entry in alive.prefix(remove) { result[entry.tensor].data[entry.index] = 0 }
        return result
    }

    /// The first of `masks` that keeps nothing (layer collapse), if any.
    public static func collapsed(_ masks: [(name: String, mask: Tensor)]) -> String? {
        masks.first { $0.mask.count > 0 && Mask.keptCount($0.mask) == 0 }?.name
    }

    /// The same number of kept entries per mask as `masks`, at uniformly random positions inside
    /// each tensor (open_lth `randomly_prune`, strategy `layerwise`), drawn from `random`.
    public static func shuffledWithinTensors(_ masks: [(name: String, mask: Tensor)],
                                             random: inout SeededGenerator) -> [(name: String, mask: Tensor)] {
        masks.map { name, mask in
            let kept = Mask.keptCount(mask)
            let shuffled = Tensor(zeros: mask.shape)
            for index in random.permutation(mask.count).prefix(kept) { shuffled.data[index] = 1 }
            return (name, shuffled)
        }
    }
}

/// Why an iterative pruning run cannot go on.
public enum IterativePruningError: Error, Equatable, CustomStringConvertible {
    /// A setting is out of range.
    case configuration(String)
    /// The rounds need more optimizer steps than the run's budget.
    case budget(method: String, needed: Int, total: Int, detail: String)
    /// A round emptied a whole tensor.
    case layerCollapse(method: String, parameter: String, round: Int)

    public var description: String {
        switch self {
        case let .configuration(reason):
            return "iterative pruning: \(reason)"
        case let .budget(method, needed, total, detail):
            return "\(method): needs at least \(needed) optimizer steps, the budget has \(total) (\(detail))"
        case let .layerCollapse(method, parameter, round):
            return "\(method): round \(round) pruned every weight of '\(parameter)' (layer collapse); "
                + "use layerwise scope or a smaller compression, or turn off stopOnLayerCollapse"
        }
    }
}
