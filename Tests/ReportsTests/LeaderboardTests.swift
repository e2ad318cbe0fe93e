import Bench
import Foundation
import Testing
@testable import Reports

/// Aggregation over seeds, the dense delta, sections, the ranking and merging of shards.
@Suite struct LeaderboardTests {
    @Test func aggregatesMeanSampleStdMinMaxOverSeeds() throws {
        let board = Leaderboard(records: try Fixtures.records())
        let section = LeaderboardSection(dataset: "fmnist", model: "lenet5")
        #expect(board.sections == [section, LeaderboardSection(dataset: "fmnist", model: "mlp")])
        #expect(board.methods(in: section) == ["global-magnitude", "random", "snip"])
        #expect(board.targets(in: section) == [2, 4, 8])
        let magnitude = try #require(board.row(section, method: "global-magnitude", target: 8))
        // 89.00, 89.80, 89.40 → mean 89.40; deviations −0.4, 0.4, 0 → sample std sqrt(0.32/2) = 0.4.
        #expect(abs(magnitude[.top1After].mean - 89.4) < 1e-9)
        #expect(abs((magnitude[.top1After].std ?? 0) - 0.4) < 1e-9)
        #expect(abs(magnitude[.top1After].min - 89.0) < 1e-9 && abs(magnitude[.top1After].max - 89.8) < 1e-9)
        #expect(magnitude[.compression].mean == 8 && magnitude[.speedup].mean == 4)
        // Dense 91.00 → Δ = −1.60.
        #expect(abs((magnitude.deltaFromDense ?? 0) + 1.6) < 1e-9)
        let random = try #require(board.row(section, method: "random", target: 8))
        // 84, 86 (seed 1 failed) → 85 ± sqrt(2).
        #expect(random.runs == 2 && random.failed == 1)
        #expect(abs(random[.top1After].mean - 85) < 1e-9 && abs((random[.top1After].std ?? 0) - 2.0.squareRoot()) < 1e-9)
        let single = try #require(board.row(LeaderboardSection(dataset: "fmnist", model: "mlp"),
                                            method: "global-gradient(batch_size=64)", target: 4))
        #expect(single[.top1After].std == nil && single[.top1After].count == 1)
        #expect(abs((single.deltaFromDense ?? 0) + 1) < 1e-9)
        // Latency is the median of 2, 4, 3 ms.
        #expect(abs(single[.latencyMilliseconds].mean - 3) < 1e-12)
    }

    @Test func rankingIntegratesMeanTop1OverLog2Targets() throws {
        let board = Leaderboard(records: try Fixtures.records())
        let ranking = board.ranking(in: LeaderboardSection(dataset: "fmnist", model: "lenet5"))
        #expect(ranking.map(\.method) == ["global-magnitude", "random", "snip"])
        #expect(ranking.map(\.rank) == [1, 2, 3])
        // Trapezoids over log₂ 2, 4, 8 = 1, 2, 3: (91.0 + 90.6)/2 + (90.6 + 89.4)/2 = 180.8.
        #expect(abs(ranking[0].area - 180.8) < 1e-9 && abs(ranking[0].meanTop1 - 90.4) < 1e-9)
        // (90.2 + 88.5)/2 + (88.5 + 85.0)/2 = 176.1.
        #expect(abs(ranking[1].area - 176.1) < 1e-9)
    }

    @Test func methodsMissingATargetAreListedUnranked() throws {
        var records = try Fixtures.records()
        records.removeAll { $0.labels.method == "global-magnitude" && $0.spec.compression == 4 }
        let ranking = Leaderboard(records: records).ranking(in: LeaderboardSection(dataset: "fmnist", model: "lenet5"))
        #expect(ranking.map(\.method) == ["random", "snip", "global-magnitude"])
        #expect(ranking.map(\.rank) == [1, 2, nil])
        #expect(ranking[2].covered == 2 && ranking[2].targets == 3)
    }

    @Test func shardsMergeAndDuplicateDigestsCollapse() throws {
        let records = try Fixtures.records()
        let first = Fixtures.temporaryDirectory(), second = Fixtures.temporaryDirectory()
        defer { for path in [first, second] { try? FileManager.default.removeItem(atPath: path) } }
        // Shard 1: the first 15 runs; shard 2: runs 10… (overlapping 10–14), with run 12 stored as failed in shard 1.
        var shardOne = Array(records.prefix(15))
        shardOne[12].status = .failed
        shardOne[12].metrics = nil
        shardOne[12].summary = nil
        shardOne[12].failure = "killed"
        try Fixtures.store(shardOne, at: first)
        try Fixtures.store(Array(records.dropFirst(10)), at: second)
        try Data("{not json".utf8).write(to: URL(fileURLWithPath: "\(second)/0000.json"))
        let table = try ResultsTable.load(directories: [first, second])
        #expect(table.records.count == records.count)
        #expect(Set(table.records.map(\.digest)) == Set(records.map(\.digest)))
        // The completed copy wins over the failed one.
        #expect(table.records.first { $0.digest == records[12].digest }?.status == .completed)
        #expect(table.warnings.count == 1 && table.warnings[0].contains("0000.json"))
    }

    @Test func aMissingResultsDirectoryIsAnErrorNamingIt() {
        #expect(throws: ReportsError.io(file: "/nonexistent/results", message: "the results directory does not exist")) {
            try ResultsTable.load(directories: ["/nonexistent/results"])
        }
    }

    @Test func filtersSelectByLabelsAndTargets() throws {
        let table = try Fixtures.table()
        var filter = RunFilter()
        filter.models = ["lenet5"]
        filter.methods = ["random"]
        filter.targets = [2, 8]
        let selected = table.filtered(filter)
        #expect(selected.records.count == 6)
        #expect(selected.records.allSatisfy { $0.labels.method == "random" && [2, 8].contains($0.spec.compression) })
        // A registered name selects every configuration of it.
        filter = RunFilter()
        filter.methods = ["global-gradient"]
        #expect(table.filtered(filter).records.count == 1)
    }
}
