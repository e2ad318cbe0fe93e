import Foundation

/// Student's t distribution with ν > 0 degrees of freedom (ν need not be whole, as Welch's test gives it).
///
/// CDF through the regularised incomplete beta function: for t ≥ 0,
/// P(T ≤ t) = 1 − ½·I_x(ν/2, ½) with x = ν/(ν + t²), and P(T ≤ −t) = 1 − P(T ≤ t)
/// (Abramowitz & Stegun 26.7.1; I_x by the continued fraction of Numerical Recipes §6.4, modified Lentz).
/// The quantile inverts the CDF by bisection to full double precision. Checked against SciPy's
/// `stats.t.cdf` / `stats.t.ppf` (tools/statistics_fixtures.py).
public enum StudentT {
    /// P(T ≤ t) for `degreesOfFreedom` ν > 0 (NaN for ν ≤ 0 or a NaN argument).
    public static func cdf(_ t: Double, degreesOfFreedom nu: Double) -> Double {
        guard nu > 0, !t.isNaN else { return .nan }
        if t.isInfinite { return t > 0 ? 1 : 0 }
        let upper = upperTail(abs(t), nu)
        return t >= 0 ? 1 - upper : upper
    }

    /// The t with P(T ≤ t) = `p`, for 0 < p < 1 (±∞ at 0 and 1, NaN outside [0, 1] or for ν ≤ 0).
    public static func quantile(_ p: Double, degreesOfFreedom nu: Double) -> Double {
        guard nu > 0, p >= 0, p <= 1 else { return .nan }
        if p == 0 { return -.infinity }
        if p == 1 { return .infinity }
        if p == 0.5 { return 0 }
        // Solve the upper tail P(T > t) = q for t > 0; the lower half follows by symmetry.
        let q = p > 0.5 ? 1 - p : p
        var low = 0.0, high = 1.0
        while upperTail(high, nu) > q && high < 1e300 { high *= 2 }
        for _ in 0..<2000 {
            let middle = low == 0 ? high / 2 : (low * high).squareRoot()
            if middle <= low || middle >= high { break }
            if upperTail(middle, nu) > q { low = middle } else { high = middle }
            if low > 0 && high / low - 1 < 4 * Double.ulpOfOne { break }
        }
        let t = low == 0 ? high : (low + high) / 2
        return p > 0.5 ? t : -t
    }

    /// P(T > t) for t ≥ 0: ½·I_x(ν/2, ½), x = ν/(ν + t²), with 1 − x = t²/(ν + t²) formed directly.
    static func upperTail(_ t: Double, _ nu: Double) -> Double {
        let square = t * t
        if square.isInfinite { return 0 }
        let x = nu / (nu + square), y = square / (nu + square)
        return 0.5 * regularizedBeta(x: x, complement: y, a: nu / 2, b: 0.5)
    }

    /// I_x(a, b), given x and 1 − x separately (so neither loses digits near 0 or 1).
    static func regularizedBeta(x: Double, complement y: Double, a: Double, b: Double) -> Double {
        if x <= 0 { return 0 }
        if y <= 0 { return 1 }
        let logFront = a * log(x) + b * log(y) - (lgamma(a) + lgamma(b) - lgamma(a + b))
        if x < (a + 1) / (a + b + 2) {
            return exp(logFront) * continuedFraction(x: x, a: a, b: b) / a
        }
        return 1 - exp(logFront) * continuedFraction(x: y, a: b, b: a) / b
    }

    /// The continued fraction of I_x(a, b) (Numerical Recipes' `betacf`), by the modified Lentz method.
    static func continuedFraction(x: Double, a: Double, b: Double) -> Double {
        let tiny = 1e-300
        let sum = a + b, plus = a + 1, minus = a - 1
        var c = 1.0
        var d = 1 - sum * x / plus
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...100_000 {
            let m = Double(m), twice = 2 * m
            // Even step.
            var term = m * (b - m) * x / ((minus + twice) * (a + twice))
            d = 1 + term * d
            if abs(d) < tiny { d = tiny }
            c = 1 + term / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            // Odd step.
            term = -(a + m) * (sum + m) * x / ((a + twice) * (plus + twice))
            d = 1 + term * d
            if abs(d) < tiny { d = tiny }
            c = 1 + term / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let change = d * c
            h *= change
            if abs(change - 1) < 1e-16 { break }
        }
        return h
    }
}
