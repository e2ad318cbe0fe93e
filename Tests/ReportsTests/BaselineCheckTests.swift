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

    @Test func toleranceComesFromTheBaselineSpreadBetweenAFloorAndACap() {
        let rule = ToleranceRule()
        // No spread, or a single baseline seed: the floor.
        #expect(rule.tolerance(baselineStd: nil, baselineRuns: 1, newRuns: 1) == 0.3)
        #expect(rule.tolerance(baselineStd: 0, baselineRuns: 3, newRuns: 3) == 0.3)
        #expect(rule.tolerance(baselineStd: 5, baselineRuns: 1, newRuns: 3) == 0.3)
        // s_b = 0.4, n_b = n_n = 3 → 3 · 0.4 · sqrt(2/3) = 0.9798.
        #expect(abs(rule.tolerance(baselineStd: 0.4, baselineRuns: 3, newRuns: 3) - 0.9797958971) < 1e-9)
        // More new seeds narrow it: 3 · 0.4 · sqrt(1/3 + 1/6) = 0.8485.
        #expect(abs(rule.tolerance(baselineStd: 0.4, baselineRuns: 3, newRuns: 6) - 0.8485281374) < 1e-9)
        // A wide baseline spread (a collapsed seed) is capped: 3 · 40 · sqrt(2/3) = 98 → 2.
        #expect(rule.tolerance(baselineStd: 40, baselineRuns: 3, newRuns: 3) == 2)
    }

    @Test func unchangedResultsPass() throws {
        let check = BaselineCheck(baseline: try BaselineCheckTests.baseline(), table: try Fixtures.table())
        #expect(check.passed)
        #expect(check.verdicts.count == 12)
        #expect(check.newEntries.isEmpty)
        // The baseline itself recorded random 8×'s failed seed, so the same failure is not a new failure.
        #expect(check.verdicts.allSatisfy { $0.status == .pass })
        #expect(check.failedRuns.count == 1)
        #expect(check.report().contains("PASS: 12 passed, 0 regressed, 0 rose"))
    }

    @Test func aDropBeyondToleranceIsARegressionAndFailsTheCheck() throws {
        // Global magnitude at 8×: 89.40 ± 0.40 (3) → every seed 1.5 points lower; tol = 3·0.4·sqrt(2/3) = 0.98.
        let check = BaselineCheck(baseline: try BaselineCheckTests.baseline(), table: ResultsTable(records: try BaselineCheckTests.shifted(-1.5)))
        #expect(!check.passed)
        let verdict = try #require(check.verdicts.first { $0.status == .regressed })
        #expect(verdict.key == Baseline.Key(dataset: "fmnist", model: "lenet5", method: "global-magnitude", target: 8))
        #expect(abs((verdict.delta ?? 0) + 1.5) < 1e-9 && abs((verdict.tolerance ?? 0) - 0.9797958971) < 1e-9)
        #expect(check.verdicts.filter(\.fails).count == 1)
        let report = check.report()
        #expect(report.contains("REGRESSED by 1.50 points (0.52 beyond tolerance)"))
        #expect(report.contains("FAIL: 11 passed, 1 regressed"))
    }

    @Test func aRiseBeyondToleranceFailsToo() throws {
        let check = BaselineCheck(baseline: try BaselineCheckTests.baseline(), table: ResultsTable(records: try BaselineCheckTests.shifted(2.0)))
        #expect(!check.passed)
        #expect(check.verdicts.filter(\.fails).map(\.status) == [.improved])
        let report = check.report()
        #expect(report.contains("ROSE by 2.00 points (1.02 beyond tolerance): the method changed"))
        #expect(report.contains("prunebench check --update"))
    }

    @Test func aDropWithinTolerancePasses() throws {
        for points in [-0.9, 0.9] {
            let check = BaselineCheck(baseline: try BaselineCheckTests.baseline(),
                                      table: ResultsTable(records: try BaselineCheckTests.shifted(points)))
            #expect(check.passed, "shift \(points)")
        }
    }

    @Test func anErraticNewRunCannotWidenItsOwnTolerance() throws {
        // Global magnitude at 8× (baseline 89.40 ± 0.40): the new seeds scatter to 78, 89.4, 96 (mean 87.80,
        // std 9.1). A rule using the new spread gave tol = 3·sqrt(0.16/3 + 82.92/3) = 15.8 and passed it.
        var records = try Fixtures.records()
        let cell = records.indices.filter { records[$0].labels.method == "global-magnitude" && records[$0].spec.compression == 8 }
        for (index, top1) in zip(cell, [0.78, 0.894, 0.96]) { records[index].metrics?.afterFineTuning.test.top1 = top1 }
        let check = BaselineCheck(baseline: try BaselineCheckTests.baseline(), table: ResultsTable(records: records))
        let verdict = try #require(check.verdicts.first { $0.key.method == "global-magnitude" && $0.key.target == 8 })
        #expect(abs((verdict.tolerance ?? 0) - 0.9797958971) < 1e-9)
        #expect(verdict.status == .regressed)
    }

    @Test func fewerSeedsThanTheBaselineFail() throws {
        var records = try Fixtures.records()
        records.removeAll { $0.labels.method == "global-magnitude" && $0.spec.compression == 4 && $0.spec.seed == 2 }
        let check = BaselineCheck(baseline: try BaselineCheckTests.baseline(), table: ResultsTable(records: records))
        #expect(check.verdicts.filter(\.fails).map(\.status) == [.fewerSeeds])
        #expect(check.report().contains("FEWER SEEDS: 2 completed, the baseline has 3"))
    }

    @Test func aNaNTopOneInTheResultsIsInvalid() throws {
        var records = try Fixtures.records()
        let index = try #require(records.firstIndex { $0.labels.method == "random" && $0.spec.compression == 2 })
        records[index].metrics?.afterFineTuning.test.top1 = .nan
        let check = BaselineCheck(baseline: try BaselineCheckTests.baseline(), table: ResultsTable(records: records))
        #expect(check.verdicts.filter(\.fails).map(\.status) == [.invalid])
        #expect(check.report().contains("INVALID: top-1 is not a number in 1 of 3 runs"))
        // Nor can such a run be written into a baseline.
        #expect(throws: ReportsError.self) { try Baseline(validating: Leaderboard(records: records)) }
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
        func expectError(_ row: String, column: String, _ message: String) throws {
            try Data("\(header)\r\n\(row)\r\n".utf8).write(to: URL(fileURLWithPath: path))
            #expect(throws: ReportsError.csv(file: path, row: 2, column: column, message: message), "\(row)") {
                try Baseline.read(path: path)
            }
        }
        try expectError("d,m,x,4,1,0,abc,,4", column: "top1_after_mean", "expected a finite number, found 'abc'")
        try expectError("d,m,x,4,3,0,NaN,0.1,4", column: "top1_after_mean", "expected a finite number, found 'NaN'")
        try expectError("d,m,x,4,3,0,120,0.1,4", column: "top1_after_mean", "expected a top-1 in [0, 100] %, found 120.0")
        try expectError("d,m,x,4,3,0,88,-0.5,4", column: "top1_after_std",
                        "expected a std in [0, 61.24] (the largest 3 accuracies in [0, 100] can have), found -0.5")
        try expectError("d,m,x,4,3,0,88,75,4", column: "top1_after_std",
                        "expected a std in [0, 61.24] (the largest 3 accuracies in [0, 100] can have), found 75.0")
        try expectError("d,m,x,4,3,0,88,,4", column: "top1_after_std", "expected the std of 3 runs, found none")
        try expectError("d,m,x,4,1,0,88,0.2,4", column: "top1_after_std", "a standard deviation needs 2 or more runs; this entry has 1")
        try expectError("d,m,x,4,2,0,88,0.2,0.5", column: "compression_mean", "expected a compression ≥ 1, found 0.5")
        // A header and no entries would pass anything.
        try Data("\(header)\r\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: ReportsError.csv(file: path, row: 2, column: "(row)", message: "the baseline has a header but no "
            + "entries: it would pass anything; write it with `prunebench check --update`")) { try Baseline.read(path: path) }
        try Data("dataset,model\r\nd,m\r\n".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: ReportsError.self) { try Baseline.read(path: path) }
    }

    @Test func tracksAreOneMoreKeyOfTheBaseline() throws {
        // Two tracks of the same cells: the baseline keeps them apart and writes a track column.
        let records = try Fixtures.records()
        let track: @Sendable (RunRecord) -> String = { $0.spec.seed == 0 ? "post-training" : "from-init" }
        let baseline = Baseline(Leaderboard(records: records, track: track))
        #expect(Set(baseline.entries.map(\.key.track)) == ["post-training", "from-init"])
        let directory = Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try baseline.write(path: "\(directory)/b.csv")
        let read = try Baseline.read(path: "\(directory)/b.csv")
        #expect(read.entries.map(\.key) == baseline.entries.map(\.key))
        #expect(BaselineCheck(baseline: read, table: ResultsTable(records: records), track: track).passed)
        // Checked without the track, every entry is missing.
        #expect(BaselineCheck(baseline: read, table: ResultsTable(records: records)).verdicts.allSatisfy { $0.status == .missing })
    }
}
