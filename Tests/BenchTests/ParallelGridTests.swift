import Foundation
import Testing
@testable import Bench

/// `--jobs K`: K workers execute a grid's missing runs, each exactly once, with the records a sequential run
/// stores.
@Suite struct ParallelGridTests {
    /// Counts executions per digest and which workers ran at the same time.
    final class Ledger: @unchecked Sendable {
        private let lock = NSLock()
        private var executions: [String: Int] = [:]
        private var inFlight = 0
        private(set) var maximumInFlight = 0
        /// Whether each execution waits for another to overlap it (off for sequential runners).
        let waitsForOverlap: Bool

        init(waitsForOverlap: Bool = false) { self.waitsForOverlap = waitsForOverlap }

        func begin(_ digest: String) {
            lock.withLock {
                executions[digest, default: 0] += 1
                inFlight += 1
                maximumInFlight = max(maximumInFlight, inFlight)
            }
        }

        func end() { lock.withLock { inFlight -= 1 } }
        var counts: [String: Int] { lock.withLock { executions } }
        var overlapped: Bool { lock.withLock { maximumInFlight > 1 } }

        /// Waits until two executions have overlapped, at most `timeout` seconds: workers that really run at
        /// the same time meet here however loaded the machine is; a runner that serialises them times out.
        /// After one wait has timed out, later executions do not wait again.
        func awaitOverlap(timeout: TimeInterval = 10) {
            guard !lock.withLock({ gaveUp }) else { return }
            let deadline = Date().addingTimeInterval(timeout)
            while !overlapped, Date() < deadline { Thread.sleep(forTimeInterval: 0.001) }
            if !overlapped { lock.withLock { gaveUp = true } }
        }
        private var gaveUp = false
    }

    /// An executor whose top-1 depends only on the run (as real runs depend only on their description).
    static func executor(_ ledger: Ledger) -> GridExecutor {
        { run, _ in
            ledger.begin(run.digest)
            defer { ledger.end() }
            ledger.awaitOverlap(timeout: ledger.waitsForOverlap ? 10 : 0)
            let top1 = Double(run.digest.prefix(4).unicodeScalars.reduce(0) { $0 + Int($1.value) } % 100) / 100
            return RunOutcome(metrics: ResultStoreTests.fakeMetrics(top1), masks: nil, phases: [:])
        }
    }

    static func metrics(_ path: String) throws -> [String: RunMetrics?] {
        Dictionary(uniqueKeysWithValues: try ResultStore(path: path).allRecords().map { ($0.digest, $0.metrics) })
    }

    @Test func threeWorkersRunEachMissingRunOnceAndStoreWhatOneWorkerStores() throws {
        let runs = try ResultStoreTests.grid(count: 24)
        let parallel = ResultStoreTests.temporaryDirectory(), sequential = ResultStoreTests.temporaryDirectory()
        defer { for path in [parallel, sequential] { try? FileManager.default.removeItem(atPath: path) } }
        let ledger = Ledger(waitsForOverlap: true)
        // Five runs are already stored: they are skipped.
        try GridRunner(store: ResultStore(path: parallel)).run(Array(runs.prefix(5)), execute: Self.executor(Ledger()))
        let summary = try GridRunner(store: ResultStore(path: parallel)).run(runs + runs.prefix(3), jobs: 3) {
            Self.executor(ledger)
        }
        #expect(summary == GridSummary(total: 24, executed: 19, skipped: 5, failed: 0))
        #expect(ledger.counts.count == 19 && ledger.counts.values.allSatisfy { $0 == 1 })
        #expect(ledger.maximumInFlight > 1)
        try GridRunner(store: ResultStore(path: sequential)).run(runs, execute: Self.executor(Ledger()))
        #expect(try Self.metrics(parallel) == Self.metrics(sequential))
    }

    @Test func aFailingRunIsRecordedAndTheOthersStillRun() throws {
        let runs = try ResultStoreTests.grid(count: 8)
        let path = ResultStoreTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let failing = runs[3].digest
        let summary = try GridRunner(store: ResultStore(path: path)).run(runs, jobs: 2) {
            { run, _ in
                if run.digest == failing { throw BenchError.run("diverged") }
                return RunOutcome(metrics: ResultStoreTests.fakeMetrics(0.5), masks: nil, phases: [:])
            }
        }
        #expect(summary == GridSummary(total: 8, executed: 8, skipped: 0, failed: 1))
        #expect(try ResultStore(path: path).allRecords().filter { $0.status == .failed }.map(\.digest) == [failing])
    }
}
