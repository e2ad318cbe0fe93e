import Bench
import Foundation
import Testing
@testable import Reports

/// What each leaderboard cell says: collapsed seeds, the top group, the training recipe, the compression
/// flag, per-layer densities, and sections per track.
@Suite struct HonestCellsTests {
    static let lenet5 = LeaderboardSection(dataset: "fmnist", model: "lenet5")

    /// The Markdown lines of the table titled `title` in the first section.
    static func table(_ title: String, _ board: Leaderboard) throws -> [String] {
        let lines = board.document(title: "t").markdown().components(separatedBy: "\n")
        let start = try #require(lines.firstIndex(of: "### \(title)"))
        return Array(lines[(start + 1)...].prefix { !$0.hasPrefix("###") && !$0.hasPrefix("## ") })
    }

    @Test func collapseIsChanceWithinHalfItsLevelAtMostFivePoints() {
        // 10 classes: chance 10 %, collapsed up to 15 %; 100 classes: 1 % and 1.5 %; 2 classes: 50 % and 55 %.
        #expect(CollapseRule.threshold(classes: 10) == 15 && CollapseRule.threshold(classes: 100) == 1.5)
        #expect(CollapseRule.threshold(classes: 2) == 55)
        #expect(CollapseRule.isCollapsed(top1: 14.9, classes: 10) && !CollapseRule.isCollapsed(top1: 15.1, classes: 10))
        #expect(CollapseRule.isCollapsed(top1: .nan, classes: nil) && !CollapseRule.isCollapsed(top1: 10, classes: nil))
    }

    @Test func aCellWithCollapsedSeedsShowsTheMedianAndTheCount() throws {
        let board = Leaderboard(records: try Fixtures.records())
        let snip = try #require(board.row(HonestCellsTests.lenet5, method: "snip", target: 4))
        #expect(snip.collapsed == 1 && snip.runs == 3)
        let top1 = try HonestCellsTests.table("Top-1 after fine-tuning (%)", board)
        // 90.0, 10.0, 89.8 → median 89.80, not the mean 63.27 ± 45.6.
        #expect(top1.contains { $0.hasPrefix("| snip | ") && $0.contains("| **89.80 (median; 1 of 3 collapsed)** |") }, "\(top1)")
        let delta = try HonestCellsTests.table("Change from dense (points)", board)
        #expect(delta.contains { $0.hasPrefix("| snip | ") && $0.contains("| **-1.20 (median)** |") }, "\(delta)")
        let csv = board.csvTable()
        let row = try #require(csv.rows.first { $0[3] == "snip" && $0[4] == "4" })
        #expect(row[try csv.column("collapsed", file: "")] == "1")
        #expect(row[try csv.column("top1_after_median", file: "")] == "89.8")
    }

    @Test func theTopGroupHoldsEveryMethodWelchCannotTellFromTheBest() throws {
        let board = Leaderboard(records: try Fixtures.records())
        let welch = try StatisticsTests.reference().welch
        func scipy(_ best: [Double], _ other: [Double]) throws -> Double {
            try #require(welch.first { $0.a == best && $0.b == other }).p
        }
        // 2×: magnitude 91.00 ± 0.10 best; SNIP 90.73 ± 0.21 (p = 0.14) joins; random 90.20 ± 0.20 does not.
        let two = board.topGroup(in: HonestCellsTests.lenet5, target: 2)
        #expect(two.best == "global-magnitude" && two.members == ["global-magnitude", "snip"])
        #expect(StatisticsTests.close(try #require(two.tests["snip"]).p, try scipy([90.9, 91.1, 91.0], [90.8, 90.5, 90.9]), relative: 1e-6))
        // 4×: SNIP's collapsed seed makes it indistinguishable (p = 0.41); random 88.50 ± 0.50 is worse (p < 0.05).
        let four = board.topGroup(in: HonestCellsTests.lenet5, target: 4)
        #expect(four.members == ["global-magnitude", "snip"])
        #expect(try scipy([90.5, 90.7, 90.6], [88.0, 89.0, 88.5]) < 0.05)
        // 8×: random's two seeds (84, 86) cannot be told from 89.40 ± 0.40 (p = 0.13).
        let eight = board.topGroup(in: HonestCellsTests.lenet5, target: 8)
        #expect(eight.members == ["global-magnitude", "random"])
        #expect(StatisticsTests.close(try #require(eight.tests["random"]).p, try scipy([89.0, 89.8, 89.4], [84.0, 86.0]), relative: 1e-6))
        // leaderboard.csv carries the marks and the p-values.
        let csv = board.csvTable()
        let group = try csv.column("top_group", file: ""), p = try csv.column("p_vs_best", file: "")
        let random8 = try #require(csv.rows.first { $0[3] == "random" && $0[4] == "8" })
        #expect(random8[group] == "1" && abs((Double(random8[p]) ?? 0) - (eight.tests["random"]?.p ?? -1)) < 1e-9)
        #expect(csv.rows.first { $0[3] == "random" && $0[4] == "2" }?[group] == "0")
        #expect(csv.rows.first { $0[3] == "dense" }?[group] == "")
    }

    @Test func singleSeedsJoinOnlyWhenEqualToTwoDecimals() throws {
        var records = try Fixtures.records().filter { $0.spec.seed == 0 }
        let index = try #require(records.firstIndex { $0.labels.method == "snip" && $0.spec.compression == 2 })
        records[index].metrics?.afterFineTuning.test.top1 = 0.90901   // 90.90 vs magnitude's 90.90: shown equal
        let group = Leaderboard(records: records).topGroup(in: HonestCellsTests.lenet5, target: 2)
        #expect(group.members == ["global-magnitude", "snip"] && group.tests.isEmpty)
        records[index].metrics?.afterFineTuning.test.top1 = 0.9080
        #expect(Leaderboard(records: records).topGroup(in: HonestCellsTests.lenet5, target: 2).members == ["global-magnitude"])
    }

    @Test func everyRowSaysHowItWasTrainedAndOffTargetCellsAreFlagged() throws {
        let board = Leaderboard(records: try Fixtures.records())
        let top1 = try HonestCellsTests.table("Top-1 after fine-tuning (%)", board)
        // SNIP trained 50 steps at lr 0.01 (cosine), then fine-tuned 50 at 0.001 (constant); its 8× cell reached 9.01×.
        #expect(top1.contains("| snip | **90.73 ± 0.21 (3)** | **89.80 (median; 1 of 3 collapsed)** | 88.00 ± 0.50 (3) · 9.0×† "
            + "| lr 0.01 · cosine→constant · 100 steps |"), "\(top1)")
        let compression = try HonestCellsTests.table(
            "Achieved compression · theoretical speedup · measured speedup (bold: fastest in theory)", board)
        #expect(compression.contains { $0.hasPrefix("| snip | ") && $0.contains("| 9.01×† · 5.00× theoretical |") }, "\(compression)")
        // Random's fixture runs removed channels: dense 4 ms / pruned 2 ms per batch of 128 is a measured 2×.
        #expect(compression.contains { $0.hasPrefix("| random | ") && $0.contains("8.00× · 8.00× theoretical · 2.00× measured") },
                "\(compression)")
        let snip8 = try #require(board.row(HonestCellsTests.lenet5, method: "snip", target: 8))
        let random8 = try #require(board.row(HonestCellsTests.lenet5, method: "random", target: 8))
        #expect(snip8.missesTarget() && !random8.missesTarget())
        // The mlp records log no calls: the suite's declared recipe (TrainingRecipe's defaults), starred.
        let markdown = board.document(title: "t").markdown()
        #expect(markdown.contains("| global-gradient(batch\\_size=64) | 87.00 (1) | lr 0.1\\* · cosine · 100 steps |"))
        let csv = board.csvTable()
        let row = try #require(csv.rows.first { $0[3] == "snip" && $0[4] == "8" })
        #expect(row[try csv.column("off_target", file: "")] == "1")
        let rate = try csv.column("peak_lr_min", file: ""), schedules = try csv.column("schedules", file: "")
        #expect(row[rate] == "0.01" && row[schedules] == "cosine→constant")
    }

    @Test func layerDensitiesComeFromTheRecordsPerLayerCounts() throws {
        let board = Leaderboard(records: try Fixtures.records())
        let table = board.densityTable(in: HonestCellsTests.lenet5)
        #expect(table.header == ["Method", "Target", "fc1", "All prunable"])
        // Magnitude at 8×: fc1 keeps 2500 of 10000 MACs → 25 %; prunable: (125 − 100) / 900 nonzero = 2.78 %.
        #expect(table.rows.contains([TextTable.Cell("global-magnitude"), "8×", "25.0", "2.78"]))
        let csv = board.densityCSV()
        #expect(csv.rows.contains(["fmnist", "lenet5", "", "random", "4", "fc1", "0.25", "0", "3"]))
        #expect(!csv.rows.contains { $0[3] == "random" && $0[4] == "8" && $0[8] != "2" })
    }

    @Test func tracksAreSectionsWithTheirOwnDenseControl() throws {
        // Seeds 0 and 1 in track "a", seed 2 in track "b": the dense control of "b" is seed 2's alone (90.80).
        let board = Leaderboard(records: try Fixtures.records(), track: { $0.spec.seed == 2 ? "b" : "a" })
        let b = LeaderboardSection(dataset: "fmnist", model: "lenet5", track: "b")
        #expect(board.sections.map(\.title) == ["fmnist · lenet5 · a", "fmnist · lenet5 · b", "fmnist · mlp · a"])
        let magnitude = try #require(board.row(b, method: "global-magnitude", target: 8))
        #expect(magnitude.runs == 1 && abs((magnitude.deltaFromDense ?? 0) - (89.4 - 90.8)) < 1e-9)
        #expect(Leaderboard.fileStem(b) == "fmnist_lenet5_b")
        #expect(board.document(title: "t").markdown().contains("## fmnist · lenet5 · b"))
    }
}
