import Foundation

/// Number formats shared by every writer (C locale: `.` decimal point, no grouping).
enum Formatting {
    /// `88.12 ± 0.31`, `88.12` for one value, `–` for none.
    static func meanStd(_ aggregate: Aggregate, digits: Int = 2) -> String {
        guard aggregate.count > 0 else { return "–" }
        let mean = fixed(aggregate.mean, digits)
        return aggregate.std.map { mean + " ± " + fixed($0, digits) } ?? mean
    }

    /// `value` with `digits` decimals.
    static func fixed(_ value: Double, _ digits: Int) -> String { String(format: "%.\(digits)f", value) }

    /// `value` with an explicit sign and `digits` decimals (`+0.12`, `-1.50`).
    /// A value that rounds to zero prints as `+0.00`, never `-0.00`.
    static func signed(_ value: Double, _ digits: Int = 2) -> String {
        let text = String(format: "%+.\(digits)f", value)
        return text.hasPrefix("-") && text.dropFirst().allSatisfy { $0 == "0" || $0 == "." } ? "+" + text.dropFirst() : text
    }

    /// A compression target without a trailing `.0` (`8`, `2.5`).
    static func target(_ target: Double) -> String {
        target == target.rounded() && abs(target) < 1e15 ? String(format: "%.0f", target) : String(format: "%g", target)
    }

    /// A step count: `780`, or `780.5` for a mean that is not whole.
    static func steps(_ value: Double) -> String {
        value == value.rounded() ? fixed(value, 0) : fixed(value, 1)
    }

    /// A learning rate in at most 3 significant digits, exponents without padding: `0.1`, `0.001`, `1e-5`.
    static func rate(_ value: Double) -> String {
        var text = String(format: "%.3g", value)
        for (padded, plain) in [("e-0", "e-"), ("e+0", "e"), ("e+", "e")] {
            text = text.replacingOccurrences(of: padded, with: plain)
        }
        return text
    }

    /// A density in percent with 3 significant digits (`100`, `12.5`, `0.312`).
    static func percent(_ fraction: Double) -> String {
        let value = fraction * 100
        guard value.isFinite else { return "–" }
        if value == 0 { return "0" }
        let digits = Swift.max(0, 2 - Int(log10(abs(value)).rounded(.down)))
        return fixed(value, digits)
    }

    /// A ratio such as a compression or speedup: `4.00×`.
    static func ratio(_ value: Double) -> String { value.isFinite ? fixed(value, 2) + "×" : "∞" }

    /// A number for CSV: up to 10 significant digits, integers without a decimal point, empty for
    /// `nil` and non-finite values.
    static func csv(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "" }
        if value == value.rounded(), abs(value) < 1e15 { return String(format: "%.0f", value) }
        return String(format: "%.10g", value)
    }
}
