import Foundation

extension LinePlot {
    /// Line colours: matplotlib's tab10.
    static let colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
                         "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]
    /// Marker shapes (see `marker(_:x:y:)`).
    static let markerCount = 8
    /// Line dash patterns, one per round of ten colours (`nil`: solid).
    static let dashes: [String?] = [nil, "7 3", "2 2", "9 3 2 3"]

    /// The colour, marker shape and dash of series `index`: colour `i mod 10`, marker `(i + ⌊i/10⌋) mod 8`,
    /// dash `⌊i/10⌋ mod 4`. As 11 is prime to 8, no two of the first 80 series share a (colour, marker)
    /// pair; consecutive series differ in both colour and marker.
    static func style(_ index: Int) -> (color: String, marker: Int, dash: String?) {
        (colors[index % colors.count], (index + index / colors.count) % markerCount, dashes[(index / colors.count) % dashes.count])
    }

    /// Marker `shape` at (x, y): circle, square, triangle, diamond, inverted triangle, plus, cross, star.
    static func marker(_ shape: Int, x: Double, y: Double) -> String {
        func path(_ points: [(Double, Double)]) -> String {
            "<path d=\"" + points.enumerated().map { "\($0 == 0 ? "M" : "L")\(n(x + $1.0)) \(n(y + $1.1))" }.joined() + "Z\"/>"
        }
        switch shape % markerCount {
        case 0: return "<circle cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"3.5\"/>"
        case 1: return "<rect x=\"\(n(x - 3.2))\" y=\"\(n(y - 3.2))\" width=\"6.4\" height=\"6.4\"/>"
        case 2: return path([(0, -4.2), (4, 3), (-4, 3)])
        case 3: return path([(0, -4.5), (4, 0), (0, 4.5), (-4, 0)])
        case 4: return path([(0, 4.2), (4, -3), (-4, -3)])
        case 5: return "<path d=\"M\(n(x - 4.5)) \(n(y))h9M\(n(x)) \(n(y - 4.5))v9\" fill=\"none\" stroke-width=\"2.2\"/>"
        case 6: return "<path d=\"M\(n(x - 3.5)) \(n(y - 3.5))l7 7M\(n(x - 3.5)) \(n(y + 3.5))l7 -7\" fill=\"none\" stroke-width=\"2.2\"/>"
        default:
            let star = (0..<10).map { k -> (Double, Double) in
                let radius = k % 2 == 0 ? 5.0 : 2.2, angle = Double(k) * Double.pi / 5 - Double.pi / 2
                return (radius * cos(angle), radius * sin(angle))
            }
            return path(star)
        }
    }

    /// Where the legend goes: beside the plot in one column when every entry fits its height, otherwise
    /// below it in as many columns as the figure's width holds, the figure growing downwards.
    struct LegendLayout {
        static let rowHeight = 18.0
        /// Pixels per character of a 12 px DejaVu Sans label (its widest lowercase run), rounded up.
        static let characterWidth = 7.2

        var below: Bool
        var columns: Int
        var rows: Int
        /// Width of one entry: line sample, gap, label, margin.
        var entryWidth: Double

        init(labels: [String], besideRows: Int, width: Double) {
            entryWidth = 38 + LegendLayout.characterWidth * Double(labels.map(\.count).max() ?? 0) + 16
            below = labels.count > besideRows
            columns = below ? Swift.max(1, Int((width - 32) / entryWidth)) : 1
            rows = (labels.count + columns - 1) / columns
        }

        /// The top-left of entry `index` (column-major), given the legend's origin.
        func origin(_ index: Int, x: Double, y: Double) -> (x: Double, y: Double) {
            (x + Double(index / rows) * entryWidth, y + Double(index % rows) * LegendLayout.rowHeight)
        }
    }
}

/// A coordinate with at most two decimals.
func n(_ value: Double) -> String {
    let text = String(format: "%.2f", value)
    var trimmed = Substring(text)
    while trimmed.hasSuffix("0") { trimmed = trimmed.dropLast() }
    if trimmed.hasSuffix(".") { trimmed = trimmed.dropLast() }
    return trimmed == "-0" ? "0" : String(trimmed)
}
