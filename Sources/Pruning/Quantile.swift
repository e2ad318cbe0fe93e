/// Quantiles and thresholds as numpy computes them, so masks match ShrinkBench's.
public enum Quantile {
    /// `np.quantile(values, q)` with numpy's default `method="linear"` (type 7).
    ///
    /// numpy ≥ 1.22: virtual index `v = n·q + (1 − q) − 1` (alpha = beta = 1), neighbours
    /// `⌊v⌋` and `⌊v⌋ + 1` clipped to `[0, n−1]`, weight `g = v − ⌊v⌋`, and the lerp
    /// `a + (b − a)·g`, or `b − (b − a)·(1 − g)` when `g ≥ 0.5`. Computed in `Double`.
    /// `values` must be non-empty and `q` in [0, 1].
    public static func linear(_ values: [Float], _ q: Double) -> Double {
        precondition(!values.isEmpty, "quantile of an empty array")
        precondition(q >= 0 && q <= 1, "quantile \(q) outside [0, 1]")
        let sorted = values.sorted()
        let n = sorted.count
        let virtualIndex = Double(n) * q + (1 - q) - 1
        let below = virtualIndex.rounded(.down)
        let lowIndex = min(max(Int(below), 0), n - 1)
        let highIndex = min(max(Int(below) + 1, 0), n - 1)
        let g = virtualIndex - below
        let a = Double(sorted[lowIndex]), b = Double(sorted[highIndex])
        let difference = b - a
        return g >= 0.5 ? b - difference * (1 - g) : a + difference * g
    }

    /// ShrinkBench's `fraction_threshold`: `np.quantile(scores, 1 − keepFraction)`.
    public static func threshold(keeping keepFraction: Double, of scores: [Float]) -> Double {
        linear(scores, 1 - keepFraction)
    }
}
