import Foundation

/// Welch's unequal-variance t-test of two samples' means (Welch 1947).
///
///     t = (m_a − m_b) / sqrt(s_a²/n_a + s_b²/n_b),
///     ν = (s_a²/n_a + s_b²/n_b)² / ((s_a²/n_a)²/(n_a − 1) + (s_b²/n_b)²/(n_b − 1))   (Welch–Satterthwaite),
///
/// with s² the sample variances (divisor n − 1); the two-sided p-value is 2·P(T_ν > |t|).
/// Matches SciPy's `stats.ttest_ind(a, b, equal_var=False)` (tools/statistics_fixtures.py).
public struct WelchTest: Hashable, Sendable {
    /// The t statistic (positive when the first sample's mean is larger).
    public var t: Double
    /// The Welch–Satterthwaite degrees of freedom.
    public var degreesOfFreedom: Double
    /// The two-sided p-value.
    public var p: Double

    /// The test of `a` against `b`; `nil` when either has fewer than two values or neither varies
    /// (the standard error of the difference is then 0 or undefined, and there is nothing to test).
    public init?(_ a: [Double], _ b: [Double]) {
        guard a.count > 1, b.count > 1, (a + b).allSatisfy(\.isFinite) else { return nil }
        let (meanA, varianceA) = WelchTest.moments(a), (meanB, varianceB) = WelchTest.moments(b)
        let errorA = varianceA / Double(a.count), errorB = varianceB / Double(b.count)
        let squaredError = errorA + errorB
        guard squaredError > 0 else { return nil }
        t = (meanA - meanB) / squaredError.squareRoot()
        degreesOfFreedom = squaredError * squaredError
            / (errorA * errorA / Double(a.count - 1) + errorB * errorB / Double(b.count - 1))
        p = Swift.min(1, 2 * StudentT.upperTail(abs(t), degreesOfFreedom))
    }

    /// Whether the means differ at confidence `level` (two-sided): |t| above the Student-t quantile
    /// t_{(1 + level)/2, ν}, i.e. the `level` confidence interval of the difference excludes 0.
    public func differs(atLevel level: Double = 0.95) -> Bool {
        abs(t) > StudentT.quantile((1 + level) / 2, degreesOfFreedom: degreesOfFreedom)
    }

    /// Mean and sample variance (divisor n − 1) of at least two values.
    static func moments(_ values: [Double]) -> (mean: Double, variance: Double) {
        let mean = values.reduce(0, +) / Double(values.count)
        let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
        return (mean, squares / Double(values.count - 1))
    }
}
