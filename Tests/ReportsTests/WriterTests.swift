import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import Reports

/// Properties of each writer that hold for any table: well-formed SVG, consistent Markdown tables,
/// CSV that reads back field for field, escaping.
@Suite struct WriterTests {
    @Test func markdownTablesHaveOneCellPerColumnAndBoldTheColumnBest() throws {
        let board = Leaderboard(records: try Fixtures.records())
        let text = board.document(title: "t").markdown()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // Every table line has as many unescaped `|` as its table's header line.
        var expected: Int?
        for line in lines {
            guard line.hasPrefix("|") else { expected = nil; continue }
            let pipes = line.replacingOccurrences(of: "\\|", with: "").filter { $0 == "|" }.count
            if let expected { #expect(pipes == expected, "\(line)") } else { expected = pipes }
        }
        // Bold = the column's top group (Welch, 95 %): at 2× and 4× random is significantly worse than global
        // magnitude; at 8× its two seeds (84, 86) cannot be told from magnitude's 89.40 ± 0.40 (t = 4.29, ν = 1.11).
        #expect(lines.contains("| global-magnitude | **91.00 ± 0.10 (3)** | **90.60 ± 0.10 (3)** | **89.40 ± 0.40 (3)** "
            + "| lr 0.001 · constant · 100 steps |"))
        #expect(lines.contains("| random | 90.20 ± 0.20 (3) | 88.50 ± 0.50 (3) | **85.00 ± 1.41 (2, 1 failed)** "
            + "| lr 0.001 · constant · 100 steps |"))
        // Markup characters in labels are escaped.
        #expect(lines.contains { $0.contains("global-gradient(batch\\_size=64)") })
    }

    @Test func csvReadsBackFieldForFieldIncludingQuotedFields() throws {
        let table = CSVTable(header: ["a", "b,c", "d"], rows: [["1", "x \"quoted\", y", "line\nbreak"], ["", "2", "3"]])
        let text = try table.text(file: "t.csv")
        #expect(text.hasPrefix("a,\"b,c\",d\r\n1,\"x \"\"quoted\"\", y\",\"line\nbreak\"\r\n,2,3\r\n"))
        #expect(try CSVTable.parse(text, file: "t.csv") == table)
        let runs = try Fixtures.table().csvTable()
        #expect(try CSVTable.parse(try runs.text(file: "runs.csv"), file: "runs.csv") == runs)
        #expect(runs.rows.count == Fixtures.runs.count)
        let board = Leaderboard(records: try Fixtures.records()).csvTable()
        #expect(board.rows.count == 12)
        #expect(board.rows.allSatisfy { $0.count == Leaderboard.csvHeader.count })
    }

    @Test func aCSVRowWithTheWrongFieldCountNamesTheRow() {
        #expect(throws: ReportsError.csv(file: "b.csv", row: 3, column: "(row)",
                                         message: "expected 2 fields like the header, found 3")) {
            try CSVTable.parse("x,y\r\n1,2\r\n1,2,3\r\n", file: "b.csv")
        }
    }

    @Test func plotsAreWellFormedSVGWithLog2TicksErrorBarsAndTheDenseLine() throws {
        let board = Leaderboard(records: try Fixtures.records())
        let plot = board.plots(in: LeaderboardSection(dataset: "fmnist", model: "lenet5")).compression
        let svg = plot.svg()
        let parser = XMLParser(data: Data(svg.utf8))
        #expect(parser.parse(), "not well-formed XML: \(String(describing: parser.parserError))")
        // Achieved compressions 2, 4, 8 and SNIP's 9.01 → ticks 2× … 16× (whole octaves), a line per method,
        // the dense line dashed.
        #expect(plot.xTicks == [1, 2, 3, 4] && plot.xRange.low == 0.75 && plot.xRange.high == 4.25)
        for tick in ["2×", "4×", "8×", "16×"] { #expect(svg.contains(">\(tick)</text>")) }
        #expect(svg.components(separatedBy: "<polyline").count - 1 == 3)
        #expect(svg.contains("stroke-dasharray=\"6 4\""))
        #expect(svg.contains(">dense (91.00 %)</text>"))
        // Error bars: one per point with std > 0 (3 + 3 + 3 points).
        #expect(svg.components(separatedBy: "h8M").count - 1 == 9)
    }

    @Test func yAxisTicksAreRoundAndCoverEveryErrorBar() {
        let plot = LinePlot(title: "t", xLabel: "x", yLabel: "y", series: [
            LinePlot.Series(label: "a", points: [LinePlot.Point(x: 2, y: 50, error: 5), LinePlot.Point(x: 4, y: 90, error: 1)]),
        ], reference: LinePlot.Reference(label: "d", y: 92, band: nil))
        let axis = plot.yAxis
        #expect(axis.low <= 45 && axis.high >= 92)
        #expect([1.0, 2, 5, 10].contains(axis.step) && axis.low.truncatingRemainder(dividingBy: axis.step) == 0)
        #expect(LinePlot.niceStep(7.3) == 10 && LinePlot.niceStep(1.2) == 2 && LinePlot.niceStep(0.3) == 0.5)
        // Accuracies stay in 0…100: an error bar of 63 ± 45 does not stretch the axis to 110 or below 0.
        var bounded = plot
        bounded.series[0].points[0] = LinePlot.Point(x: 2, y: 63, error: 45)
        #expect(bounded.yAxis.high > 100)
        bounded.yBounds = 0...100
        #expect(bounded.yAxis.high == 100 && bounded.yAxis.low >= 0)
        #expect(bounded.svg().contains("V36M"))   // the error bar ends at the frame's top (y = 36), not above it
    }

    @Test func latexEscapesSpecialCharactersAndSetsSymbolsInMath() {
        #expect(ReportDocument.escapeLaTeX("a_b & 50% ± 1 × 2") == "a\\_b \\& 50\\% $\\pm$ 1 $\\times$ 2")
        #expect(ReportDocument.escapeLaTeX("9.0×† cosine→constant") == "9.0$\\times$$^\\dagger$ cosine$\\to$constant")
        let table = TextTable(title: "T", header: ["Method", "2×"], alignments: [.left, .right],
                              rows: [[TextTable.Cell("m"), TextTable.Cell("1.00", best: true)]])
        let lines = ReportDocument.latex(table, caption: "c")
        #expect(lines.contains("\\begin{tabular}{lr}"))
        #expect(lines.contains("m & \\textbf{1.00} \\\\"))
    }

    @Test func htmlIsSelfContained() throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try ReportWriter(title: "t").write(try Fixtures.table(), to: directory)
        let html = try String(contentsOfFile: "\(directory)/index.html", encoding: .utf8)
        #expect(!html.contains("<script") && !html.contains("<link") && !html.contains("src="))
        #expect(!html.contains("http://") || html.components(separatedBy: "http://").count - 1
                == html.components(separatedBy: "xmlns=\"http://www.w3.org/2000/svg\"").count - 1)
        #expect(html.components(separatedBy: "<svg ").count - 1 == 6)
        #expect(html.contains("<li>random at 8×, seed 1: diverged: the loss is NaN at step 12</li>"))
    }

    /// Plots an earlier write left (another layout, a section that is gone) are removed; the plots written and
    /// other files in the folder stay.
    @Test func stalePlotsAreRemovedAndOthersKept() throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.createDirectory(atPath: "\(directory)/plots", withIntermediateDirectories: true)
        try Data("<svg/>".utf8).write(to: URL(fileURLWithPath: "\(directory)/plots/old-layout-compression.svg"))
        try Data("notes".utf8).write(to: URL(fileURLWithPath: "\(directory)/plots/README.txt"))
        let written = try ReportWriter(title: "t").write(try Fixtures.table(), to: directory)
        let present = Set(try FileManager.default.contentsOfDirectory(atPath: "\(directory)/plots"))
        #expect(!present.contains("old-layout-compression.svg"))
        #expect(present.contains("README.txt"))
        #expect(present.filter { $0.hasSuffix(".svg") } == Set(written.filter { $0.hasPrefix("plots/") }.map { String($0.dropFirst(6)) }))
    }
}
