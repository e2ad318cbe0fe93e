import Data
import Foundation
import HDF5

/// One run of a grid: its description, id and labels.
public struct PlannedRun: Hashable, Sendable {
    public var spec: RunSpec
    /// The run id, `spec.digest()`.
    public var digest: String
    public var labels: RunLabels

    /// A planned run for `spec` (computes its digest).
    public init(spec: RunSpec, labels: RunLabels) throws {
        self.spec = spec
        self.digest = try spec.digest()
        self.labels = labels
    }
}

/// What executing a run produced.
public struct RunOutcome: Sendable {
    public var metrics: RunMetrics
    /// The masks file relative to the store, if the executor wrote one.
    public var masks: String?
    /// Seconds per phase.
    public var phases: [String: Double]

    /// A value from its parts.
    public init(metrics: RunMetrics, masks: String?, phases: [String: Double]) {
        self.metrics = metrics
        self.masks = masks
        self.phases = phases
    }
}

/// How many runs of a grid were executed, skipped (already stored) and failed.
public struct GridSummary: Equatable, Sendable {
    public var total = 0
    public var executed = 0
    public var skipped = 0
    public var failed = 0
}

/// Runs what is missing from a list of planned runs and records every outcome in a store.
///
/// A run whose record exists (completed or failed) is skipped unless `force` is set; duplicate
/// digests in the list run once. An error of the method (divergence, an unreachable target, a bad
/// configuration) is recorded as a failed run with its description and the grid goes on; an error of the
/// environment (`isEnvironmentFailure`: a file that cannot be read or written, a full disk) is not a result:
/// nothing is stored for that run, the grid stops and the error is rethrown, so the next `run` retries it.
public struct GridRunner {
    public let store: ResultStore
    public let force: Bool
    /// Extra facts stored with every record (engine version, BLAS core, threads).
    public let environment: [String: String]

    /// A runner recording into `store`; `force` re-runs stored runs; `environment` is stored with each record.
    public init(store: ResultStore, force: Bool = false, environment: [String: String] = [:]) {
        self.store = store
        self.force = force
        self.environment = environment.merging(["engine": PruneBenchVersion.engine]) { old, _ in old }
    }

    /// Runs the missing runs of `runs` in order through `execute`, reporting to `progress`.
    @discardableResult
    public func run(_ runs: [PlannedRun], progress: ProgressDisplay? = nil,
                    execute: (PlannedRun, _ phase: @escaping (String) -> Void) throws -> RunOutcome) throws -> GridSummary {
        let (pending, summary) = plan(runs, progress: progress)
        var result = summary
        for (index, run) in pending.enumerated() {
            let slot = progress?.beginRun(index: summary.skipped + index + 1, remaining: pending.count - index, labels: run.labels,
                                          compression: run.spec.compression, seed: run.spec.seed)
            let record = try perform(run, execute: execute) { phase in progress?.phase(phase, slot: slot ?? 0) }
            try store.write(record)
            result.executed += 1
            if record.status == .failed { result.failed += 1 }
            progress?.endRun(record, slot: slot ?? 0)
        }
        progress?.finish(result)
        return result
    }

    /// Runs the missing runs of `runs` on `jobs` worker threads at once, each worker with its own executor
    /// from `makeExecutor` (called on the worker), taking the runs in order; the results are those of a
    /// sequential run with the same executor settings (every run depends only on its description). The
    /// first error writing a record stops every worker after its current run and is rethrown.
    @discardableResult
    public func run(_ runs: [PlannedRun], jobs: Int, progress: ProgressDisplay? = nil,
                    makeExecutor: @escaping @Sendable () -> GridExecutor) throws -> GridSummary {
        guard jobs > 1 else {
            let executor = makeExecutor()
            return try run(runs, progress: progress, execute: executor)
        }
        let (pending, summary) = plan(runs, progress: progress)
        let shared = SharedGridState(summary: summary)
        let job = UnsafeGridJob(runner: self, pending: pending, progress: progress, shared: shared, makeExecutor: makeExecutor)
        DispatchQueue.concurrentPerform(iterations: min(jobs, max(pending.count, 1))) { _ in job.work() }
        if let error = shared.error { throw error }
        progress?.finish(shared.summary)
        return shared.summary
    }

    /// The unique runs still to execute, and the summary so far; tells `progress` what is skipped.
    private func plan(_ runs: [PlannedRun], progress: ProgressDisplay?) -> ([PlannedRun], GridSummary) {
        var seen = Set<String>()
        let unique = runs.filter { seen.insert($0.digest).inserted }
        var summary = GridSummary(total: unique.count)
        let pending = unique.filter { force || !store.contains($0.digest) }
        summary.skipped = unique.count - pending.count
        progress?.start(total: unique.count, skipped: summary.skipped)
        return (pending, summary)
    }

    /// Executes `run` and stores its record (for the parallel workers).
    fileprivate func execute(_ run: PlannedRun, execute: GridExecutor, phase: @escaping (String) -> Void) throws -> RunRecord {
        let record = try perform(run, execute: execute, phase: phase)
        try store.write(record)
        return record
    }

    private func perform(_ run: PlannedRun,
                         execute: (PlannedRun, @escaping (String) -> Void) throws -> RunOutcome,
                         phase: @escaping (String) -> Void) throws -> RunRecord {
        let started = Date()
        var outcome: RunOutcome?
        var failure: String?
        do {
            outcome = try execute(run, phase)
        } catch where isEnvironmentFailure(error) {
            throw BenchError.environment(run: run.digest, message: String(describing: error))
        } catch {
            failure = String(describing: error)
        }
        let finished = Date()
        let timings = RunTimings(started: isoTimestamp(started), finished: isoTimestamp(finished),
                                 wallSeconds: finished.timeIntervalSince(started), phases: outcome?.phases ?? [:])
        return RunRecord(digest: run.digest, spec: run.spec, labels: run.labels,
                         status: outcome == nil ? .failed : .completed, failure: failure,
                         metrics: outcome?.metrics, timings: timings, masks: outcome?.masks, environment: environment)
    }
}

/// What executes one run: the run and a phase reporter in, its outcome out.
public typealias GridExecutor = (PlannedRun, _ phase: @escaping (String) -> Void) throws -> RunOutcome

/// The counters and the next-run index the parallel workers share, behind one lock.
private final class SharedGridState: @unchecked Sendable {
    private let lock = NSLock()
    private var next = 0
    private(set) var summary: GridSummary
    private(set) var error: (any Error)?

    init(summary: GridSummary) { self.summary = summary }

    /// The index of the next run to execute, or nil when all are taken or a worker failed.
    func take(below count: Int) -> Int? {
        lock.withLock {
            guard error == nil, next < count else { return nil }
            defer { next += 1 }
            return next
        }
    }

    func record(_ record: RunRecord) {
        lock.withLock {
            summary.executed += 1
            if record.status == .failed { summary.failed += 1 }
        }
    }

    func fail(_ error: any Error) { lock.withLock { if self.error == nil { self.error = error } } }
}

/// One parallel grid: what each worker needs. Workers share only `SharedGridState` (locked), the store
/// (one file per run, written atomically) and the progress display (locked inside).
private struct UnsafeGridJob: @unchecked Sendable {
    let runner: GridRunner
    let pending: [PlannedRun]
    let progress: ProgressDisplay?
    let shared: SharedGridState
    let makeExecutor: @Sendable () -> GridExecutor

    /// A worker: its own executor, runs taken in order until none is left.
    func work() {
        let executor = makeExecutor()
        while let index = shared.take(below: pending.count) {
            let run = pending[index]
            let slot = progress?.beginRun(index: shared.summary.skipped + index + 1, remaining: pending.count - index,
                                          labels: run.labels, compression: run.spec.compression, seed: run.spec.seed) ?? 0
            do {
                let record = try runner.execute(run, execute: executor) { phase in progress?.phase(phase, slot: slot) }
                shared.record(record)
                progress?.endRun(record, slot: slot)
            } catch {
                shared.fail(error)
            }
        }
    }
}

/// `date` as an ISO 8601 UTC timestamp with seconds.
func isoTimestamp(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: date)
}

/// Whether `error` is a failure of the environment rather than of the method: reading or writing a file
/// (`BenchError.io`, HDF5 and data-file errors, Foundation's file and POSIX errors). Such failures are not results.
public func isEnvironmentFailure(_ error: any Error) -> Bool {
    switch error {
    case let error as BenchError:
        if case .io = error { return true }
        if case .environment = error { return true }
        return false
    case is HDF5Error, is DataFileError, is CocoaError, is POSIXError: return true
    default:
        let domain = (error as NSError).domain
        return domain == NSCocoaErrorDomain || domain == NSPOSIXErrorDomain
    }
}
