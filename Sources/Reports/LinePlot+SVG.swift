import Foundation

extension LinePlot {
    /// The chart as a standalone SVG document: a plot area of 352 pixels' height and a legend that shows
    /// every entry in full — beside the plot (486 pixels wide) while the entries fit its height in one
    /// column, otherwise below a 760-pixel-wide figure in columns, the figure growing as needed.
    public func svg() -> String {
        var labels = (reference.map { [$0.label] } ?? []) + series.map(\.label)
        if !front.isEmpty { labels.append(LinePlot.frontLabel) }
        let left = 64.0, top = 36.0, plotHeight = 440.0, bottom = plotHeight - 52
        let besideRows = Int((bottom - top) / LegendLayout.rowHeight)
        let probe = LegendLayout(labels: labels, besideRows: besideRows, width: 760)
        let width = probe.below ? Swift.max(760, probe.entryWidth + 32) : 550 + 16 + probe.entryWidth
        let legend = LegendLayout(labels: labels, besideRows: besideRows, width: width)
        let right = legend.below ? width - 24 : 550
        let height = legend.below ? plotHeight + Double(legend.rows) * LegendLayout.rowHeight + 12 : plotHeight
        let legendX = legend.below ? (width - Double(legend.columns) * legend.entryWidth) / 2 + 8 : right + 16
        let legendY = legend.below ? plotHeight + 2 : top + 10
        let axis = xAxis
        let (yLow, yHigh, yStep) = yAxis
        func px(_ x: Double) -> Double { left + (axisPosition(x) - axis.low) / (axis.high - axis.low) * (right - left) }
        func py(_ y: Double) -> Double { bottom - (y - yLow) / (yHigh - yLow) * (bottom - top) }

        var out = ["<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(width))\" height=\"\(n(height))\" "
                   + "viewBox=\"0 0 \(n(width)) \(n(height))\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" "
                   + "font-size=\"12\" role=\"img\" aria-label=\"\(escape(title))\">",
                   "<title>\(escape(title))</title>",
                   "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
                   "<text x=\"\(n((left + right) / 2))\" y=\"22\" text-anchor=\"middle\" font-size=\"14\" "
                   + "font-weight=\"bold\">\(escape(title))</text>"]
        // Grid and ticks.
        var tick = yLow
        while tick <= yHigh + yStep / 2 {
            let y = py(tick)
            out.append("<line x1=\"\(n(left))\" y1=\"\(n(y))\" x2=\"\(n(right))\" y2=\"\(n(y))\" stroke=\"#e0e0e0\"/>")
            out.append("<text x=\"\(n(left - 6))\" y=\"\(n(y + 4))\" text-anchor=\"end\">\(LinePlot.label(tick, step: yStep))</text>")
            tick += yStep
        }
        for (position, label) in axis.ticks {
            let x = left + (position - axis.low) / (axis.high - axis.low) * (right - left)
            out.append("<line x1=\"\(n(x))\" y1=\"\(n(top))\" x2=\"\(n(x))\" y2=\"\(n(bottom))\" stroke=\"#e0e0e0\"/>")
            out.append("<text x=\"\(n(x))\" y=\"\(n(bottom + 17))\" text-anchor=\"middle\">\(escape(label))</text>")
        }
        out.append("<rect x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(right - left))\" height=\"\(n(bottom - top))\" "
                   + "fill=\"none\" stroke=\"#333\"/>")
        out.append("<text x=\"\(n((left + right) / 2))\" y=\"\(n(plotHeight - 12))\" text-anchor=\"middle\">\(escape(xLabel))</text>")
        out.append("<text transform=\"translate(16 \(n((top + bottom) / 2))) rotate(-90)\" text-anchor=\"middle\">"
                   + "\(escape(yLabel))</text>")
        var entries: [String] = []
        func entry(_ label: String, sample: String, marker: (shape: Int, color: String)?) {
            let (x, y) = legend.origin(entries.count, x: legendX, y: legendY)
            entries.append(legendEntry(label: label, x: x, y: y, sample: sample, marker: marker))
        }
        // Reference line (dense control).
        if let reference {
            if let band = reference.band, band > 0 {
                out.append("<rect x=\"\(n(left))\" y=\"\(n(py(reference.y + band)))\" width=\"\(n(right - left))\" "
                           + "height=\"\(n(py(reference.y - band) - py(reference.y + band)))\" fill=\"#000\" fill-opacity=\"0.08\"/>")
            }
            out.append("<line x1=\"\(n(left))\" y1=\"\(n(py(reference.y)))\" x2=\"\(n(right))\" y2=\"\(n(py(reference.y)))\" "
                       + "stroke=\"#000\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>")
            if let x = reference.x, x > 0, x.isFinite {
                out.append("<rect class=\"reference\" x=\"\(n(px(x) - 4.5))\" y=\"\(n(py(reference.y) - 4.5))\" width=\"9\" height=\"9\" "
                           + "fill=\"white\" stroke=\"#000\" stroke-width=\"1.5\"/>")
            }
            entry(reference.label, sample: "stroke=\"#000\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"", marker: nil)
        }
        // Pareto front, behind the series.
        let frontPoints = front.filter { $0.x > 0 && $0.x.isFinite && $0.y.isFinite }.sorted { $0.x < $1.x }
        if !frontPoints.isEmpty {
            var steps = ["\(n(px(frontPoints[0].x))),\(n(py(frontPoints[0].y)))"]
            for (previous, point) in zip(frontPoints, frontPoints.dropFirst()) {
                steps += ["\(n(px(point.x))),\(n(py(previous.y)))", "\(n(px(point.x))),\(n(py(point.y)))"]
            }
            out.append("<g class=\"front\" fill=\"none\" stroke=\"#444\">")
            out.append("<polyline points=\"\(steps.joined(separator: " "))\" stroke-width=\"7\" stroke-opacity=\"0.18\" "
                       + "stroke-linejoin=\"round\"/>")
            out += frontPoints.map { "<circle cx=\"\(n(px($0.x)))\" cy=\"\(n(py($0.y)))\" r=\"7\" stroke-width=\"1.3\"/>" }
            out.append("</g>")
        }
        // Series: error bars, line, markers.
        for (index, series) in series.enumerated() {
            let (color, shape, dash) = LinePlot.style(index)
            let dashAttribute = dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
            let points = series.points.filter { $0.x > 0 && $0.x.isFinite && $0.y.isFinite }.sorted { $0.x < $1.x }
            var group = ["<g class=\"series\" data-label=\"\(escape(series.label))\" stroke=\"\(color)\" fill=\"\(color)\">"]
            for point in points {
                guard let error = point.error, error > 0 else { continue }
                let x = px(point.x), y1 = py(clampY(point.y - error)), y2 = py(clampY(point.y + error))
                group.append("<path d=\"M\(n(x)) \(n(y1))V\(n(y2))M\(n(x - 4)) \(n(y1))h8M\(n(x - 4)) \(n(y2))h8\" "
                             + "fill=\"none\" stroke-width=\"1.2\"/>")
            }
            if points.count > 1 {
                let path = points.map { "\(n(px($0.x))),\(n(py($0.y)))" }.joined(separator: " ")
                group.append("<polyline points=\"\(path)\" fill=\"none\" stroke-width=\"2\"\(dashAttribute)/>")
            }
            for point in points { group.append(LinePlot.marker(shape, x: px(point.x), y: py(point.y))) }
            group.append("</g>")
            out += group
            entry(series.label, sample: "stroke=\"\(color)\" stroke-width=\"2\"\(dashAttribute)", marker: (shape, color))
        }
        if !frontPoints.isEmpty {
            entry(LinePlot.frontLabel, sample: "stroke=\"#444\" stroke-width=\"7\" stroke-opacity=\"0.18\"", marker: nil)
        }
        out += entries
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    /// The legend label of the Pareto front.
    static let frontLabel = "Pareto front (ringed)"

    /// One legend line: a line sample (with the series' marker) and the label, from its top-left (x, y).
    private func legendEntry(label: String, x: Double, y: Double, sample: String, marker: (shape: Int, color: String)?) -> String {
        let middle = y + 6
        var parts = ["<g class=\"legend\">",
                     "<line x1=\"\(n(x))\" y1=\"\(n(middle))\" x2=\"\(n(x + 28))\" y2=\"\(n(middle))\" \(sample)/>"]
        if let marker {
            parts.append("<g fill=\"\(marker.color)\" stroke=\"\(marker.color)\">"
                         + LinePlot.marker(marker.shape, x: x + 14, y: middle) + "</g>")
        }
        parts.append("<text x=\"\(n(x + 34))\" y=\"\(n(middle + 4))\">\(escape(label))</text>")
        parts.append("</g>")
        return parts.joined()
    }

    /// `2^power` as an axis label: `1×`, `2×`, … (fractions as `1/2×`).
    static func powerLabel(_ power: Int) -> String {
        power >= 0 ? "\(1 << power)×" : "1/\(1 << -power)×"
    }

    /// A y tick label with as many decimals as the step needs.
    static func label(_ value: Double, step: Double) -> String {
        let digits = Swift.max(0, Int((-log10(step)).rounded(.up)))
        let text = String(format: "%.\(digits)f", value)
        return text == "-0" ? "0" : text
    }
}

/// `text` escaped for SVG/XML character data and attributes.
func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}
