import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Reports

/// Plots a paper can use: every series its own (colour, marker), every legend entry in full inside the
/// figure, the remaining-MACs plot on a log axis with its Pareto front.
@Suite struct PlotTests {
    /// The 34 method labels of the default suite's LeNet-5 plot, which the old layout cut short.
    static let labels = ["bimp", "gap", "global-activation", "global-gradient", "global-magnitude", "grasp", "imp-allr",
                         "imp-clr", "imp-finetune", "imp-llr", "imp-lr-rewind", "imp-rewind", "imp-slr", "layer-activation",
                         "layer-gradient", "layer-magnitude", "lottery-one-shot", "lottery-random-prune", "lottery-reinit",
                         "lottery-ticket", "magnitude-init", "nnrelief", "random", "random-init", "rigl", "scratch-b",
                         "scratch-e", "set", "silo", "silo-oracle", "snip", "sup-tickets", "synflow",
                         "global-gradient(batch_size=64)"]

    static func plot(_ labels: [String]) -> LinePlot {
        LinePlot(title: "t", xLabel: "x", yLabel: "y", series: labels.enumerated().map { index, label in
            LinePlot.Series(label: label, points: [2.0, 4, 8].map { LinePlot.Point(x: $0, y: 80 - Double(index) - $0, error: 0.5) })
        }, reference: LinePlot.Reference(label: "dense (91.00 %)", y: 91, band: 0.2))
    }

    /// The SVG's `<text>` elements: (x, y, anchor, content) of every legend label.
    final class LegendTexts: NSObject, XMLParserDelegate {
        var width = 0.0, height = 0.0
        var entries: [(x: Double, y: Double, text: String)] = []
        /// Per open `<g>`, whether it is a legend entry.
        private var groups: [Bool] = [], current: (x: Double, y: Double)?, text = ""

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            if name == "svg" { width = Double(attributes["width"] ?? "") ?? 0; height = Double(attributes["height"] ?? "") ?? 0 }
            if name == "g" { groups.append(attributes["class"] == "legend") }
            if name == "text" && groups.contains(true) {
                current = (Double(attributes["x"] ?? "") ?? 0, Double(attributes["y"] ?? "") ?? 0)
                text = ""
            }
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) { if current != nil { text += string } }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            if name == "text", let position = current { entries.append((position.x, position.y, text)); current = nil }
            if name == "g" { groups.removeLast() }
        }
    }

    static func legend(_ svg: String) throws -> LegendTexts {
        let parser = XMLParser(data: Data(svg.utf8)), texts = LegendTexts()
        parser.delegate = texts
        #expect(parser.parse(), "not well-formed XML: \(String(describing: parser.parserError))")
        return texts
    }

    @Test func everySeriesHasItsOwnColourAndMarker() {
        let styles = (0..<80).map { LinePlot.style($0) }
        #expect(Set(styles.map { "\($0.color) \($0.marker)" }).count == 80)
        // Neighbours differ in both.
        for (a, b) in zip(styles, styles.dropFirst()) { #expect(a.color != b.color && a.marker != b.marker) }
        // The SVG draws each series with its style: with every series on the same two points, the marker
        // elements differ only by shape, and the 34 (stroke, marker) pairs are distinct.
        let plot = LinePlot(title: "t", xLabel: "x", yLabel: "y", series: PlotTests.labels.map {
            LinePlot.Series(label: $0, points: [LinePlot.Point(x: 2, y: 50, error: nil), LinePlot.Point(x: 4, y: 60, error: nil)])
        }, reference: nil)
        let groups = plot.svg().components(separatedBy: "<g class=\"series\"").dropFirst().map { group -> String in
            let lines = group.components(separatedBy: "\n")
            let stroke = lines[0].components(separatedBy: "stroke=\"")[1].prefix(7)
            return "\(stroke) \(lines[2])"   // line 1: the polyline; line 2: the first marker
        }
        #expect(groups.count == 34 && Set(groups).count == 34, "\(groups)")
        #expect(Set(groups.map { $0.dropFirst(8) }).count == LinePlot.markerCount)
    }

    @Test func everyLegendEntryIsShownInFullInsideTheFigure() throws {
        for count in [2, 12, 19, 20, 34] {
            let labels = Array(PlotTests.labels.suffix(count))
            let legend = try PlotTests.legend(PlotTests.plot(labels).svg())
            // Every label, the dense line's too, is drawn once.
            #expect(legend.entries.map(\.text).sorted() == (labels + ["dense (91.00 %)"]).sorted(), "\(count) series")
            let width = LinePlot.LegendLayout.characterWidth
            for entry in legend.entries {
                #expect(entry.x + width * Double(entry.text.count) <= legend.width, "\(entry.text) runs off the right edge")
                #expect(entry.y <= legend.height - 2, "\(entry.text) is below the figure")
            }
            // No two labels overlap: same row ⇒ the left one ends before the right one starts.
            for a in legend.entries {
                for b in legend.entries where a.text != b.text && abs(a.y - b.y) < 12 && a.x <= b.x {
                    #expect(a.x + width * Double(a.text.count) < b.x, "\(a.text) overlaps \(b.text)")
                }
            }
        }
    }

    @Test func aLongLegendGoesBelowInColumnsAndTheFigureGrows() throws {
        let short = try PlotTests.legend(PlotTests.plot(Array(PlotTests.labels.prefix(5))).svg())
        let long = try PlotTests.legend(PlotTests.plot(PlotTests.labels).svg())
        #expect(short.height == 440 && Set(short.entries.map(\.x)).count == 1)
        // 35 entries of up to 30 characters: 2 columns in 760 px, 18 rows of 18 px below the 440-px plot.
        #expect(long.width == 760 && Set(long.entries.map(\.x)).count == 2)
        #expect(long.height == 440 + 18 * 18 + 12)
        #expect(long.entries.allSatisfy { $0.y > 440 })
    }

    @Test func theMACsPlotHasALogAxisAndMarksTheParetoFront() throws {
        let board = Leaderboard(records: try Fixtures.records())
        let plot = board.plots(in: LeaderboardSection(dataset: "fmnist", model: "lenet5")).macs
        // Remaining MACs 1250 … 10000 (the dense control, drawn on its line): log₁₀ ticks 2k, 5k, 10k with 1-2-5 steps.
        #expect(plot.xAxis.ticks.map(\.label) == ["2k", "5k", "10k"])
        #expect(plot.reference?.x == 10000)
        // Dense (10000, 91.0); magnitude (6000, 91.0), (4000, 90.6), (2500, 89.4); random 8× (1250, 85.0):
        // snip 8× (2000, 88.0): the front keeps random 8×, snip 8× and magnitude's three cells; dense is dominated
        // by magnitude 2× (fewer MACs, equal top-1).
        #expect(plot.front.map(\.x) == [1250, 2000, 2500, 4000, 6000])
        let svg = plot.svg()
        #expect(svg.components(separatedBy: "r=\"7\"").count - 1 == 5)
        #expect(svg.contains(">Pareto front (ringed)</text>"))
        #expect(Leaderboard.paretoFront([LinePlot.Point(x: 1, y: 1, error: nil), LinePlot.Point(x: 2, y: 0.5, error: nil),
                                         LinePlot.Point(x: 3, y: 2, error: nil), LinePlot.Point(x: 3, y: 1.5, error: nil)]).map(\.x)
                == [1, 3])
    }
}
