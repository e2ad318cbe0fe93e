import Foundation

extension LinePlot {
    /// The chart as a standalone SVG document: a 486 × 352 pixel plot area, the legend at its right
    /// (as wide as its longest label needs, about 7 pixels per character at 12 px).
    public func svg() -> String {
        let labels = series.map(\.label) + (reference.map { [$0.label] } ?? [])
        let legendWidth = Swift.max(150, 46 + 7 * Double(labels.map(\.count).max() ?? 0))
        let left = 64.0, top = 36.0, right = 550.0, height = 440.0, bottom = height - 52
        let width = right + 8 + legendWidth
        let (xLow, xHigh) = xRange
        let (yLow, yHigh, yStep) = yAxis
        func px(_ x: Double) -> Double { left + (log2(x) - xLow) / (xHigh - xLow) * (right - left) }
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
        for power in xTicks {
            let x = left + (Double(power) - xLow) / (xHigh - xLow) * (right - left)
            out.append("<line x1=\"\(n(x))\" y1=\"\(n(top))\" x2=\"\(n(x))\" y2=\"\(n(bottom))\" stroke=\"#e0e0e0\"/>")
            out.append("<text x=\"\(n(x))\" y=\"\(n(bottom + 17))\" text-anchor=\"middle\">\(LinePlot.powerLabel(power))</text>")
        }
        out.append("<rect x=\"\(n(left))\" y=\"\(n(top))\" width=\"\(n(right - left))\" height=\"\(n(bottom - top))\" "
                   + "fill=\"none\" stroke=\"#333\"/>")
        out.append("<text x=\"\(n((left + right) / 2))\" y=\"\(n(height - 12))\" text-anchor=\"middle\">\(escape(xLabel))</text>")
        out.append("<text transform=\"translate(16 \(n((top + bottom) / 2))) rotate(-90)\" text-anchor=\"middle\">"
                   + "\(escape(yLabel))</text>")
        // Reference line (dense control).
        var legend: [String] = []
        if let reference {
            if let band = reference.band, band > 0 {
                out.append("<rect x=\"\(n(left))\" y=\"\(n(py(reference.y + band)))\" width=\"\(n(right - left))\" "
                           + "height=\"\(n(py(reference.y - band) - py(reference.y + band)))\" fill=\"#000\" fill-opacity=\"0.08\"/>")
            }
            out.append("<line x1=\"\(n(left))\" y1=\"\(n(py(reference.y)))\" x2=\"\(n(right))\" y2=\"\(n(py(reference.y)))\" "
                       + "stroke=\"#000\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>")
            legend.append(legendEntry(index: legend.count, label: reference.label, x: right + 16, top: top,
                                      sample: "stroke=\"#000\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"", marker: nil))
        }
        // Series: error bars, line, markers.
        for (index, series) in series.enumerated() {
            let color = LinePlot.colors[index % LinePlot.colors.count]
            let points = series.points.filter { $0.x > 0 && $0.x.isFinite && $0.y.isFinite }.sorted { $0.x < $1.x }
            var group = ["<g class=\"series\" data-label=\"\(escape(series.label))\" stroke=\"\(color)\" fill=\"\(color)\">"]
            for point in points {
                guard let error = point.error, error > 0 else { continue }
                let x = px(point.x), y1 = py(point.y - error), y2 = py(point.y + error)
                group.append("<path d=\"M\(n(x)) \(n(y1))V\(n(y2))M\(n(x - 4)) \(n(y1))h8M\(n(x - 4)) \(n(y2))h8\" "
                             + "fill=\"none\" stroke-width=\"1.2\"/>")
            }
            if points.count > 1 {
                let path = points.map { "\(n(px($0.x))),\(n(py($0.y)))" }.joined(separator: " ")
                group.append("<polyline points=\"\(path)\" fill=\"none\" stroke-width=\"2\"/>")
            }
            for point in points { group.append(LinePlot.marker(index, x: px(point.x), y: py(point.y))) }
            group.append("</g>")
            out += group
            legend.append(legendEntry(index: legend.count, label: series.label, x: right + 16, top: top,
                                      sample: "stroke=\"\(color)\" stroke-width=\"2\"", marker: (index, color)))
        }
        out += legend
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    /// One legend line: a line sample (with the series' marker) and the label.
    private func legendEntry(index: Int, label: String, x: Double, top: Double, sample: String,
                             marker: (index: Int, color: String)?) -> String {
        let y = top + 10 + Double(index) * 20
        var parts = ["<g class=\"legend\">",
                     "<line x1=\"\(n(x))\" y1=\"\(n(y))\" x2=\"\(n(x + 24))\" y2=\"\(n(y))\" \(sample)/>"]
        if let marker {
            parts.append("<g fill=\"\(marker.color)\" stroke=\"\(marker.color)\">"
                         + LinePlot.marker(marker.index, x: x + 12, y: y) + "</g>")
        }
        parts.append("<text x=\"\(n(x + 30))\" y=\"\(n(y + 4))\">\(escape(label))</text>")
        parts.append("</g>")
        return parts.joined()
    }

    /// The marker of series `index`: circle, square, triangle or diamond, in turn.
    static func marker(_ index: Int, x: Double, y: Double) -> String {
        switch index % 4 {
        case 0: return "<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"3.5\"/>"
        case 1: return "<rect x=\"\(n(x - 3.2))\" y=\"\(n(y - 3.2))\" width=\"6.4\" height=\"6.4\"/>"
        case 2: return "<path d=\"M\(n(x)) \(n(y - 4.2))L\(n(x + 4)) \(n(y + 3))L\(n(x - 4)) \(n(y + 3))Z\"/>"
        default: return "<path d=\"M\(n(x)) \(n(y - 4.5))L\(n(x + 4)) \(n(y))L\(n(x)) \(n(y + 4.5))L\(n(x - 4)) \(n(y))Z\"/>"
        }
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

/// A coordinate with at most two decimals.
private func n(_ value: Double) -> String {
    let text = String(format: "%.2f", value)
    var trimmed = Substring(text)
    while trimmed.hasSuffix("0") { trimmed = trimmed.dropLast() }
    if trimmed.hasSuffix(".") { trimmed = trimmed.dropLast() }
    return trimmed == "-0" ? "0" : String(trimmed)
}

/// `text` escaped for SVG/XML character data and attributes.
func escape(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
        .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
}
