import Foundation
import Testing
@testable import Bench

/// Aggregation over seeds and the Markdown/CSV writers, on hand-made records.
@Suite struct LeaderboardTests {
    static func record(method: String, target: Double, seed: UInt64, before: Double, after: Double,
                       failed: Bool = false) throws -> RunRecord {
        let spec = RunSpec(checkpoint: FileReference(path: "m.h5", sha256: "00"),
                           dataset: FileReference(path: "d.h5", sha256: "11"), method: method,
                           compression: target, seed: seed, budget: TrainingBudget(epochs: 2))
        var metrics = ResultStoreTests.fakeMetrics(after)
        metrics.beforeFineTuning.test.top1 = before
        // 100 parameters, nonzero chosen so that compression = target exactly.
        metrics.parameters = ParameterCounts(total: 100, nonzero: Int(100 / target), prunable: 80, prunableNonzero: 0)
        return RunRecord(digest: try spec.digest(), spec: spec, labels: RunLabels(dataset: "fmnist", model: "lenet5", method: method),
                         status: failed ? .failed : .completed, failure: failed ? "diverged" : nil,
                         metrics: failed ? nil : metrics,
                         timings: RunTimings(started: "", finished: "", wallSeconds: 1, phases: [:]), masks: nil, environment: [:])
    }

    static func records() throws -> [RunRecord] {
        [
            try record(method: "global|mag", target: 4, seed: 0, before: 0.50, after: 0.88),
            try record(method: "global|mag", target: 4, seed: 1, before: 0.60, after: 0.90),
            try record(method: "global|mag", target: 4, seed: 2, before: 0.70, after: 0.89),
            try record(method: "global|mag", target: 4, seed: 3, before: 0, after: 0, failed: true),
            try record(method: "dense", target: 1, seed: 0, before: 0.91, after: 0.91),
            try record(method: "dense", target: 1, seed: 1, before: 0.91, after: 0.91),
            try record(method: "random", target: 2, seed: 0, before: 0.30, after: 0.85),
        ]
    }

    @Test func aggregatesMeanAndSampleStdOverSeeds() throws {
        let board = Leaderboard(records: try LeaderboardTests.records())
        #expect(board.rows.map(\.method) == ["dense", "global|mag", "random"])
        let magnitude = board.rows[1]
        #expect(magnitude.runs == 3 && magnitude.failed == 1)
        // after: 88, 90, 89 → mean 89, sample std sqrt((1+1+0)/2) = 1; before: 50, 60, 70 → 60 ± 10.
        #expect(abs(magnitude.top1After.mean - 89) < 1e-9)
        #expect(abs((magnitude.top1After.std ?? 0) - 1) < 1e-9)
        #expect(abs(magnitude.top1Before.mean - 60) < 1e-9 && abs((magnitude.top1Before.std ?? 0) - 10) < 1e-9)
        #expect(abs((magnitude.deltaFromDense ?? 0) - -2) < 1e-9)
        #expect(magnitude.compression.mean == 4)
        #expect(board.rows[2].top1After.std == nil && board.rows[2].runs == 1)
    }

    @Test func markdownTableRendersOneRowPerCell() throws {
        let text = Leaderboard(records: try LeaderboardTests.records()).markdown(title: "smoke")
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.first == "# smoke")
        #expect(lines.contains("## fmnist · lenet5"))
        #expect(lines.contains("| dense | 1× | 2 | 91.00 ± 0.00 | 91.00 ± 0.00 | +0.00 | 1.00× | 2.00× | 0 |"))
        #expect(lines.contains("| global\\|mag | 4× | 3 | 60.00 ± 10.00 | 89.00 ± 1.00 | -2.00 | 4.00× | 2.00× | 1 |"))
        #expect(lines.contains("| random | 2× | 1 | 30.00 | 85.00 | -6.00 | 2.00× | 2.00× | 0 |"))
        // Every table line has the same number of unescaped cell separators as the header.
        let tableLines = lines.filter { $0.hasPrefix("|") }
        let pipes = tableLines.map { $0.replacingOccurrences(of: "\\|", with: "").filter { $0 == "|" }.count }
        #expect(Set(pipes) == [10])
    }

    @Test func csvIsRFC4180WithQuotedFields() throws {
        var records = try LeaderboardTests.records()
        records[6].labels.method = "random, \"uniform\""
        let text = try Leaderboard(records: records).csv()
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines.count == 5 && lines[4].isEmpty)
        #expect(lines[0] == Leaderboard.csvHeader.joined(separator: ","))
        #expect(lines[2].hasPrefix("fmnist,lenet5,global|mag,4,3,1,60,10,89,1,-2,4,"))
        #expect(lines[3].hasPrefix("fmnist,lenet5,\"random, \"\"uniform\"\"\",2,1,0,30,,85,,-6,"))
    }
}
