import Bench
import Foundation
import Testing
@testable import Reports

/// The leaderboards show the training steps each cell's runs used (mean over seeds).
@Suite struct StepsUsedTests {
    @Test func markdownAndCSVShowTheMeanStepsUsed() throws {
        var records = try Fixtures.records()
        // global-magnitude at 8× used 80, 100 and 95 of its 100 steps: mean 91.666… → "91.7".
        let cell = records.indices.filter { records[$0].labels.method == "global-magnitude" && records[$0].spec.compression == 8 }
        #expect(cell.count == 3)
        for (index, steps) in zip(cell, [80, 100, 95]) { records[index].metrics?.budget.steps = steps }
        let board = Leaderboard(records: records)
        let markdown = board.document(title: "t").markdown()
        let lines = markdown.components(separatedBy: "\n")
        let title = try #require(lines.firstIndex(of: "### Training steps used (mean over seeds)"))
        let table = lines[title...].prefix { !$0.hasPrefix("### Ranking") }
        #expect(table.contains("| global-magnitude | 100 | 100 | 91.7 |"), "\(Array(table))")
        // The recipe column gives the range of the row's cell means.
        #expect(markdown.contains("| lr 0.001 · constant · 91.7–100 steps |"))
        #expect(table.contains("| random | 100 | 100 | 100 |")) // 8×: two completed runs, the failed one not counted
        #expect(!table.contains { $0.contains("**") }) // no "best" marking for steps
        let csv = board.csvTable()
        let column = try csv.column("budget_steps_mean", file: "leaderboard.csv")
        let row = try #require(csv.rows.first { $0[3] == "global-magnitude" && $0[4] == "8" })
        #expect(row[column] == "91.66666667")
        let runs = ResultsTable(records: records).csvTable()
        let perRun = try runs.column("budget_steps", file: "runs.csv")
        #expect(Set(runs.rows.filter { $0[3] == "global-magnitude" && $0[6] == "8" }.map { $0[perRun] }) == ["80", "100", "95"])
    }
}
