import Foundation

/// A line chart with a log₂ x-axis, one line per series with error bars, a horizontal reference
/// line and a legend, drawn as standalone SVG (the layout of ShrinkBench's trade-off plots).
public struct LinePlot: Hashable, Sendable {
    /// One point: x (> 0), the mean y and the half-height of its error bar.
    public struct Point: Hashable, Sendable {
        public var x: Double
        public var y: Double
        public var error: Double?

        public init(x: Double, y: Double, error: Double?) {
            self.x = x
            self.y = y
            self.error = error
        }
    }

    /// One line: its legend label and its points (drawn in x order).
    public struct Series: Hashable, Sendable {
        public var label: String
        public var points: [Point]

        public init(label: String, points: [Point]) {
            self.label = label
            self.points = points
        }
    }

    /// A horizontal line across the plot (the dense control), with an optional ± band and an optional
    /// point on it where the reference itself sits on the x-axis (its MACs).
    public struct Reference: Hashable, Sendable {
        public var label: String
        public var y: Double
        public var band: Double?
        /// The reference's own x, marked on the line (`nil`: none).
        public var x: Double?

        public init(label: String, y: Double, band: Double?, x: Double? = nil) {
            self.label = label
            self.y = y
            self.band = band
            self.x = x
        }
    }

    /// How the x-axis maps values: log₂ with ratio ticks (`2×`, `4×`), or log₁₀ with 1-2-5 ticks (`50k`, `100k`).
    public enum XScale: Hashable, Sendable { case log2Ratio, log10 }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    public var reference: Reference?
    public var xScale: XScale
    /// The Pareto front, drawn as a grey staircase behind the series with its points ringed (empty: none).
    public var front: [Point]
    /// The values y can take (accuracies: 0…100); the axis and error bars stay inside (`nil`: unbounded).
    public var yBounds: ClosedRange<Double>?

    public init(title: String, xLabel: String, yLabel: String, series: [Series], reference: Reference?,
                xScale: XScale = .log2Ratio, front: [Point] = [], yBounds: ClosedRange<Double>? = nil) {
        self.yBounds = yBounds
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.reference = reference
        self.xScale = xScale
        self.front = front
    }

    /// Every x to fit on the axis (series, front and the reference's point), positive and finite.
    var xValues: [Double] {
        ((series.flatMap(\.points) + front).map(\.x) + [reference?.x].compactMap { $0 }).filter { $0 > 0 && $0.isFinite }
    }

    /// The whole octaves (powers of two, as exponents) around every point, ignoring overshoots of
    /// under 0.05 octave (an achieved 3.9999× sits on the 4× tick): at least two ticks.
    var xTicks: [Int] {
        let logs = xValues.map(log2)
        guard let low = logs.min(), let high = logs.max() else { return [0, 1] }
        let first = Int((low + 0.05).rounded(.down)), last = Int((high - 0.05).rounded(.up))
        return Array(first...Swift.max(last, first + 1))
    }

    /// The x-axis range in log₂ units: the ticks' span plus a quarter octave either side, so that
    /// markers and error bars at the end octaves stay clear of the frame.
    var xRange: (low: Double, high: Double) {
        let ticks = xTicks
        return (Double(ticks[0]) - 0.25, Double(ticks[ticks.count - 1]) + 0.25)
    }

    /// The x-axis in axis units (log₂ or log₁₀ of x): its range and its ticks with labels.
    var xAxis: (low: Double, high: Double, ticks: [(position: Double, label: String)]) {
        switch xScale {
        case .log2Ratio:
            let (low, high) = xRange
            return (low, high, xTicks.map { (Double($0), LinePlot.powerLabel($0)) })
        case .log10:
            let logs = xValues.map(log10)
            guard var low = logs.min(), var high = logs.max() else { return (0, 1, [(0, "1"), (1, "10")]) }
            let pad = Swift.max(0.05, (high - low) * 0.06)
            low -= pad
            high += pad
            let factors: [Double] = high - low > 2.5 ? [1] : [1, 2, 5]
            var ticks: [(Double, String)] = []
            for power in Int(low.rounded(.down))...Int(high.rounded(.up)) {
                for factor in factors {
                    let value = factor * pow(10, Double(power))
                    if log10(value) >= low && log10(value) <= high { ticks.append((log10(value), LinePlot.siLabel(value))) }
                }
            }
            return (low, high, ticks)
        }
    }

    /// `x` in axis units.
    func axisPosition(_ x: Double) -> Double { xScale == .log2Ratio ? log2(x) : log10(x) }

    /// A count with an SI suffix: `500`, `20k`, `1.5M`, `2G`.
    static func siLabel(_ value: Double) -> String {
        for (scale, suffix) in [(1e9, "G"), (1e6, "M"), (1e3, "k")] where value >= scale {
            return String(format: "%g", value / scale) + suffix
        }
        return String(format: "%g", value)
    }

    /// The y-axis range and tick step: every mean ± error and the reference, padded, on round ticks,
    /// within `yBounds`.
    var yAxis: (low: Double, high: Double, step: Double) {
        var values = (series.flatMap(\.points) + front).flatMap { [$0.y - ($0.error ?? 0), $0.y + ($0.error ?? 0)] }
        if let reference { values += [reference.y - (reference.band ?? 0), reference.y + (reference.band ?? 0)] }
        values = values.filter(\.isFinite).map(clampY)
        guard var low = values.min(), var high = values.max() else { return (0, 1, 0.2) }
        if high - low < 1e-9 { low -= 0.5; high += 0.5 }
        let pad = (high - low) * 0.05
        low -= pad
        high += pad
        let step = LinePlot.niceStep((high - low) / 6)
        return (clampY((low / step).rounded(.down) * step), clampY((high / step).rounded(.up) * step), step)
    }

    /// `y` inside `yBounds`.
    func clampY(_ y: Double) -> Double {
        guard let yBounds else { return y }
        return Swift.min(Swift.max(y, yBounds.lowerBound), yBounds.upperBound)
    }

    /// 1, 2 or 5 times a power of ten, the smallest not below `rough`.
    static func niceStep(_ rough: Double) -> Double {
        let power = pow(10, (log10(rough)).rounded(.down))
        for factor in [1.0, 2, 5, 10] where factor * power >= rough - 1e-12 { return factor * power }
        return 10 * power
    }
}
