import Bench
import Foundation
import Testing
@testable import Reports

/// `prunebench check`: the tolerance rule, regressions caught, small changes passing, missing/new/failed
/// entries listed, and `--update` round-tripping through the CSV file.
@Suite struct BaselineCheckTests {
    static func baseline() throws -> Baseline { Baseline(Leaderboard(records: try Fixtures.records())) }

    /// The fixture records with global magnitude's top-1 after fine-tuning at `target` shifted by `points`.
    static func shifted(_ points: Double, target: Double = 8) throws -> [RunRecord] {
        try Fixtures.records().map { record in
            var record = record
            if record.labels.method == "global-magnitude" && record.spec.compression == target {
                record.metrics?.afterFineTuning.test.top1 += points / 100
            }
            return record
        }
    }

    @Test func toleranceIsTheFloorOrKStandardErrorsOfTheDifference() {
        let rule = ToleranceRule()
        // No spread: the floor.
        #expect(rule.tolerance(baselineStd: nil, baselineRuns: 1, newStd: nil, newRuns: 1) == 0.3)
        #expect(rule.tolerance(baselineStd: 0, baselineRuns: 3, newStd: 0, newRuns: 3) == 0.3)
        // s = 0.4 on both sides, n = 3 and 3 → SE = sqrt(0.16/3 + 0.16/3) = 0.3266; 3·SE = 0.9798.
        #expect(abs(rule.tolerance(baselineStd: 0.4, baselineRuns: 3, newStd: 0.4, newRuns: 3) - 0.9797958971) < 1e-9)
        // One seed on the new side borrows the baseline's std: sqrt(0.16/3 + 0.16/1) · 3 = 1.3856.
        #expect(abs(rule.tolerance(baselineStd: 0.4, baselineRuns: 3, newStd: nil, newRuns: 1) - 1.3856406461) < 1e-9)
    }

    @Test func unchangedResultsPass() throws {
        let check = BaselineCheck(baseline: try BaselineCheckTests.baseline(), table: try Fixtures.table())
        #expect(check.passed)
        #expect(check.verdicts.count == 9)
        #expect(check.newEntries.isEmpty)
        // The baseline itself recorded random 8×'s failed seed, so the same failure is not a new failure.
        #expect(check.verdicts.allSatisfy { $0.status == .pass })
        #expect(check.failedRuns.count == 1)
        #expect(check.report().contains("PASS: 9 passed, 0 regressed"))
    }

    @Test func aDropBeyondToleranceIsARegressionAndFailsTheCheck() throws {
        // Global magnitude at 8×: 89.40 ± 0.40 (3) → every seed 1.5 points lower; tol = 3·sqrt(2·0.16/3) = 0.98.
        let check = BaselineCheck(baseline: try BaselineCheckTests.baseline(), table: ResultsTable(records: try BaselineCheckTests.shifted(-1.5)))
        #expect(!check.passed)
        let verdict = try #require(check.verdicts.first { $0.status == .regressed })
        #expect(verdict.key == Baseline.Key(dataset: "fmnist", model: "lenet5", method: "global-magnitude", target: 8))
        #expect(abs((verdict.delta ?? 0) + 1.5) < 1e-9 && abs((verdict.tolerance ?? 0) - 0.9797958971) < 1e-9)
        #expect(check.verdicts.filter(\.fails).count == 1)
        let report = check.report()
        #expect(report.contains("REGRESSED by 1.50 points (0.52 beyond tolerance)"))
        #expect(report.contains("FAIL: 8 passed, 1 regressed"))
    }

    @Test func aDropWithinToleranceOrAGainPasses() throws {
        for points in [-0.9, 2.0] {
            let check = BaselineCheck(baseline: try BaselineCheckTests.baseline(),
                                      table: ResultsTable(records: try BaselineCheckTests.shifted(points)))
            #expect(check.passed, "shift \(points)")
        }
    }

    @Test func aCompressionThatNoLongerMatchesFails() throws {
        let records = try Fixtures.records().map { record -> RunRecord in
            var record = record
            if record.labels.method == "random" && record.spec.compression == 4 { record.metrics?.parameters.nonzero = 260 }
            return record
        }
        let check = BaselineCheck(baseline: try BaselineCheckTests.baseline(), table: ResultsTable(records: records))
        #expect(check.verdicts.filter(\.fails).map(\.status) == [.compressionMismatch])
        #expect(check.report().contains("4.00× → 3.85×"))
    }

    @Test func missingNewAndFailedEntriesAreListed() throws {
        var records = try Fixtures.records()
        // Missing: every global-magnitude 2× run; new: layer-magnitude at 4×; failed: random 2× seed 0.
        records.removeAll { $0.labels.method == "global-magnitude" && $0.spec.compression == 2 }
        var extra = try Fixtures.record(Fixtures.Run(method: "layer-magnitude", target: 4, seed: 0, after: 0.5, before: 0.1,
                                                    remainingMACs: 2500))
        extra.labels.method = "layer-magnitude"
        records.append(extra)
        let index = try #require(records.firstIndex { $0.labels.method == "random" && $0.spec.compression == 2 && $0.spec.seed == 0 })
        records[index].status = .failed
        records[index].metrics = nil
        records[index].failure = "out of budget"
        let check = BaselineCheck(baseline: try BaselineCheckTests.baseline(), table: ResultsTable(records: records))
        #expect(!check.passed)
        let failing = check.verdicts.filter(\.fails)
        #expect(failing.map(\.status) == [.missing, .failed])
        #expect(failing.map(\.key.method) == ["global-magnitude", "random"])
        #expect(check.newEntries.map(\.key.method) == ["layer-magnitude"])
        #expect(check.failedRuns.count == 2)
        let report = check.report()
        #expect(report.contains("MISSING from the results"))
        #expect(report.contains("fmnist · lenet5 · layer-magnitude at 4×: 50.00 (1)"))
        #expect(report.contains("fmnist · lenet5 · random at 2×, seed 0"))
        #expect(report.contains("out of budget"))
    }

    @Test func updateRoundTripsThroughTheCSVFile() throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = "\(directory)/baselines/fixture.csv"
        let baseline = try BaselineCheckTests.baseline()
        try baseline.write(path: path)
        let read = try Baseline.read(path: path)
        #expect(read.entries.count == baseline.entries.count)
        for (a, b) in zip(read.entries, baseline.entries) {
            #expect(a.key == b.key && a.runs == b.runs && a.failed == b.failed)
            #expect(abs((a.top1Mean ?? -1) - (b.top1Mean ?? -1)) < 1e-8 && abs((a.compression ?? -1) - (b.compression ?? -1)) < 1e-8)
            #expect(abs((a.top1Std ?? -1) - (b.top1Std ?? -1)) < 1e-8)
        }
        #expect(BaselineCheck(baseline: read, table: try Fixtures.table()).passed)
        // Writing is atomic: no temporary file is left beside the baseline.
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(directory)/baselines") == ["fixture.csv"])
        // A leaderboard.csv reads as a baseline too.
        let board = try Leaderboard(records: try Fixtures.records()).csvTable().text(file: "leaderboard.csv")
        try Data(board.utf8).write(to: URL(fileURLWithPath: "\(directory)/leaderboard.csv"))
        #expect(try Baseline.read(path: "\(directory)/leaderboard.csv").entries.map(\.key) == baseline.entries.map(\.key))
    }

    @Test func aMalformedBaselineNamesTheFileRowAndColumn() throws {
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = "\(directory)/bad.csv"
        let header = Baseline.header.joined(separator: ",")
        try Data("\(header)\r\nd,m,x,4,1,0,abc,,4\r\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: ReportsError.csv(file: path, row: 2, column: "top1_after_mean", message: "expected a number, found 'abc'")) {
            try Baseline.read(path: path)
        }
        try Data("dataset,model\r\nd,m\r\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: ReportsError.self) { try Baseline.read(path: path) }
    }
}
