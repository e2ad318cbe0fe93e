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

    /// A horizontal line across the plot (the dense control), with an optional ± band.
    public struct Reference: Hashable, Sendable {
        public var label: String
        public var y: Double
        public var band: Double?

        public init(label: String, y: Double, band: Double?) {
            self.label = label
            self.y = y
            self.band = band
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    public var reference: Reference?

    public init(title: String, xLabel: String, yLabel: String, series: [Series], reference: Reference?) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.reference = reference
    }

    /// Line colours (matplotlib's tab10) and marker shapes, cycled per series.
    static let colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                         "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

    /// The whole octaves (powers of two, as exponents) around every point, ignoring overshoots of
    /// under 0.05 octave (an achieved 3.9999× sits on the 4× tick): at least two ticks.
    var xTicks: [Int] {
        let logs = series.flatMap(\.points).map(\.x).filter { $0 > 0 && $0.isFinite }.map(log2)
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

    /// The y-axis range and tick step: every mean ± error and the reference, padded, on round ticks.
    var yAxis: (low: Double, high: Double, step: Double) {
        var values = series.flatMap(\.points).flatMap { [$0.y - ($0.error ?? 0), $0.y + ($0.error ?? 0)] }
        if let reference { values += [reference.y - (reference.band ?? 0), reference.y + (reference.band ?? 0)] }
        values = values.filter(\.isFinite)
        guard var low = values.min(), var high = values.max() else { return (0, 1, 0.2) }
        if high - low < 1e-9 { low -= 0.5; high += 0.5 }
        let pad = (high - low) * 0.05
        low -= pad
        high += pad
        let step = LinePlot.niceStep((high - low) / 6)
        return ((low / step).rounded(.down) * step, (high / step).rounded(.up) * step, step)
    }

    /// 1, 2 or 5 times a power of ten, the smallest not below `rough`.
    static func niceStep(_ rough: Double) -> Double {
        let power = pow(10, (log10(rough)).rounded(.down))
        for factor in [1.0, 2, 5, 10] where factor * power >= rough - 1e-12 { return factor * power }
        return 10 * power
    }
}
