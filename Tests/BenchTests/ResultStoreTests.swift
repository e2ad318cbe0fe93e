import Foundation
import HDF5
import Testing
@testable import Bench

/// The store and the grid runner, with a stand-in executor (no training): interruption, skipping,
/// `--force`, failures and duplicates.
@Suite struct ResultStoreTests {
    static func temporaryDirectory() -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("bench-store-\(UUID().uuidString)")
        return url.path
    }

    static func grid(count: Int) throws -> [PlannedRun] {
        try (0..<count).map { index in
            let spec = RunSpec(checkpoint: FileReference(path: "m.h5", sha256: "00"),
                               dataset: FileReference(path: "d.h5", sha256: "11"),
                               method: index % 2 == 0 ? "random" : "magnitude",
                               compression: Double(1 << (index / 2 % 4 + 1)), seed: UInt64(index / 8),
                               budget: TrainingBudget(steps: 10))
            return try PlannedRun(spec: spec, labels: RunLabels(dataset: "d", model: "m", method: spec.method))
        }
    }

    static func fakeMetrics(_ top1: Double) -> RunMetrics {
        let accuracy = AccuracyMetrics(top1: top1, top5: 1, loss: 0.5, count: 10)
        let evaluation = EvaluationMetrics(test: accuracy, validation: nil)
        return RunMetrics(beforeFineTuning: evaluation, afterFineTuning: evaluation,
                          parameters: ParameterCounts(total: 100, nonzero: 50, prunable: 80, prunableNonzero: 30),
                          macs: MACCounts(layers: [LayerMACs(path: "fc", kind: "linear", dense: 10, remaining: 5)]),
                          deadNeuronRate: 0.5, latency: LatencyMetrics(batchSize: 8, samples: [0.1], threads: 1),
                          budget: BudgetUsage(steps: 10, limit: 10, stepsPerEpoch: 5))
    }

    static func recordFiles(_ path: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".json") }
    }

    @Test func interruptedGridFinishesWithNothingLostOrDuplicated() throws {
        let path = ResultStoreTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let runs = try ResultStoreTests.grid(count: 24)
        #expect(Set(runs.map(\.digest)).count == 24)
        var executions: [String: Int] = [:]
        let execute = { (run: PlannedRun, _: (String) -> Void) throws -> RunOutcome in
            executions[run.digest, default: 0] += 1
            return RunOutcome(metrics: ResultStoreTests.fakeMetrics(0.9), masks: nil, phases: [:])
        }
        // First invocation is killed after 9 runs: 9 records, then a kill mid-write of the 10th
        // leaves a temporary file and a masks file without a record.
        let first = try GridRunner(store: ResultStore(path: path)).run(Array(runs.prefix(9)), execute: execute)
        #expect(first == GridSummary(total: 9, executed: 9, skipped: 0, failed: 0))
        let tenth = runs[9].digest
        try Data("{\"digest\": \"\(tenth)\", \"spe".utf8).write(to: URL(fileURLWithPath: "\(path)/.\(tenth).json.4194305.partial"))
        try Data("partial".utf8).write(to: URL(fileURLWithPath: "\(path)/masks/\(tenth).h5"))
        // Second invocation runs the whole grid.
        let second = try GridRunner(store: ResultStore(path: path)).run(runs, execute: execute)
        #expect(second == GridSummary(total: 24, executed: 15, skipped: 9, failed: 0))
        #expect(try ResultStoreTests.recordFiles(path).count == 24)
        #expect(executions.count == 24 && executions.values.allSatisfy { $0 == 1 })
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".partial") }
        #expect(leftovers.isEmpty)
        // A third invocation has nothing to do.
        let third = try GridRunner(store: ResultStore(path: path)).run(runs, execute: execute)
        #expect(third == GridSummary(total: 24, executed: 0, skipped: 24, failed: 0))
        #expect(try ResultStore(path: path).allRecords().count == 24)
    }

    @Test func failuresAreRecordedAndTheGridGoesOn() throws {
        let path = ResultStoreTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let runs = try ResultStoreTests.grid(count: 4)
        let summary = try GridRunner(store: ResultStore(path: path)).run(runs) { run, _ in
            if run.digest == runs[1].digest { throw BenchError.run("loss diverged to NaN at step 3") }
            return RunOutcome(metrics: ResultStoreTests.fakeMetrics(0.8), masks: nil, phases: ["prune": 1])
        }
        #expect(summary == GridSummary(total: 4, executed: 4, skipped: 0, failed: 1))
        let store = try ResultStore(path: path)
        let failed = try #require(store.record(runs[1].digest))
        #expect(failed.status == .failed)
        #expect(failed.failure == "loss diverged to NaN at step 3")
        #expect(failed.metrics == nil)
        let done = try #require(store.record(runs[0].digest))
        #expect(done.status == .completed && done.summary?.top1After == 0.8 && done.timings.phases == ["prune": 1])
        #expect(done.spec == runs[0].spec)
    }

    /// A full disk or an unreadable checkpoint is not the method's result: nothing is stored for the run, the grid
    /// stops with the error, and the next invocation retries the run (issue 18).
    @Test(arguments: [0, 1, 2])
    func environmentFailuresAreNotStoredAndAreRetried(kind: Int) throws {
        let path = ResultStoreTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let runs = try ResultStoreTests.grid(count: 3)
        let failure: any Error = [
            BenchError.io(file: "results/masks/x.h5", message: "No space left on device"),
            HDF5Error(operation: "H5Fcreate", file: "results/masks/x.h5", object: "/", message: "No space left on device"),
            CocoaError(.fileWriteOutOfSpace),
        ][kind]
        var diskFull = true
        let execute = { (run: PlannedRun, _: (String) -> Void) throws -> RunOutcome in
            if run.digest == runs[1].digest, diskFull { throw failure }
            return RunOutcome(metrics: ResultStoreTests.fakeMetrics(0.7), masks: nil, phases: [:])
        }
        #expect(throws: BenchError.self) { try GridRunner(store: ResultStore(path: path)).run(runs, execute: execute) }
        let store = try ResultStore(path: path)
        #expect(store.contains(runs[0].digest) && !store.contains(runs[1].digest) && !store.contains(runs[2].digest))
        diskFull = false
        let retry = try GridRunner(store: store).run(runs, execute: execute)
        #expect(retry == GridSummary(total: 3, executed: 2, skipped: 1, failed: 0))
        #expect(try store.allRecords().allSatisfy { $0.status == .completed })
        // In parallel too: the worker's error stops the grid and the run is not stored.
        let parallel = ResultStoreTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: parallel) }
        diskFull = true
        #expect(throws: BenchError.self) {
            try GridRunner(store: ResultStore(path: parallel)).run(runs, jobs: 2) {
                { run, _ in
                    if run.digest == runs[1].digest { throw failure }
                    return RunOutcome(metrics: ResultStoreTests.fakeMetrics(0.7), masks: nil, phases: [:])
                }
            }
        }
        #expect(!(try ResultStore(path: parallel)).contains(runs[1].digest))
    }

    @Test func forceRerunsAndDuplicatesRunOnce() throws {
        let path = ResultStoreTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let runs = try ResultStoreTests.grid(count: 3)
        var count = 0
        let execute = { (_: PlannedRun, _: (String) -> Void) throws -> RunOutcome in
            count += 1
            return RunOutcome(metrics: ResultStoreTests.fakeMetrics(Double(count) / 10), masks: nil, phases: [:])
        }
        try GridRunner(store: ResultStore(path: path)).run(runs + runs, execute: execute)
        #expect(count == 3)
        let forced = try GridRunner(store: ResultStore(path: path), force: true).run(runs, execute: execute)
        #expect(forced.executed == 3 && count == 6)
        #expect(try ResultStore(path: path).record(runs[0].digest)?.summary?.top1After == 0.4)
        #expect(try ResultStoreTests.recordFiles(path).count == 3)
    }

    /// A record with an infinite or NaN number (a loss before fine-tuning at a pruned-away classifier) reads back:
    /// it is not redone on every `run` (issue 18).
    @Test func recordsWithNonFiniteNumbersReadBack() throws {
        let path = ResultStoreTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let runs = try ResultStoreTests.grid(count: 1)
        let store = try ResultStore(path: path)
        var metrics = ResultStoreTests.fakeMetrics(0.1)
        metrics.beforeFineTuning.test.loss = .infinity
        metrics.deadNeuronRate = .nan
        var executions = 0
        for _ in 0..<2 {
            try GridRunner(store: store).run(runs) { _, _ in
                executions += 1
                return RunOutcome(metrics: metrics, masks: nil, phases: [:])
            }
        }
        #expect(executions == 1)
        let text = try String(contentsOf: store.recordURL(runs[0].digest), encoding: .utf8)
        #expect(text.contains("\"Infinity\"") && text.contains("\"NaN\""))
        let record = try #require(store.record(runs[0].digest))
        #expect(record.metrics?.beforeFineTuning.test.loss == .infinity && record.metrics?.deadNeuronRate?.isNaN == true)
    }

    @Test func unreadableRecordCountsAsMissing() throws {
        let path = ResultStoreTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let runs = try ResultStoreTests.grid(count: 1)
        let store = try ResultStore(path: path)
        try Data("not json".utf8).write(to: store.recordURL(runs[0].digest))
        #expect(!store.contains(runs[0].digest))
        #expect(store.readProblem(runs[0].digest)?.hasPrefix("not a run record") == true)
        let summary = try GridRunner(store: store).run(runs) { _, _ in
            RunOutcome(metrics: ResultStoreTests.fakeMetrics(0.5), masks: nil, phases: [:])
        }
        #expect(summary.executed == 1 && store.contains(runs[0].digest))
        #expect(store.readProblem(runs[0].digest) == nil)
    }
}
