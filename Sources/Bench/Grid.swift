import Foundation

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
/// digests in the list run once. An error thrown by the executor is recorded as a failed run with
/// its description and the grid goes on.
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
        var seen = Set<String>()
        let unique = runs.filter { seen.insert($0.digest).inserted }
        var summary = GridSummary(total: unique.count)
        let pending = unique.filter { force || !store.contains($0.digest) }
        summary.skipped = unique.count - pending.count
        progress?.start(total: unique.count, skipped: summary.skipped)
        for (index, run) in pending.enumerated() {
            progress?.beginRun(index: summary.skipped + index + 1, remaining: pending.count - index, labels: run.labels,
                               compression: run.spec.compression, seed: run.spec.seed)
            let record = perform(run, execute: execute, progress: progress)
            try store.write(record)
            summary.executed += 1
            if record.status == .failed { summary.failed += 1 }
            progress?.endRun(record)
        }
        progress?.finish(summary)
        return summary
    }

    private func perform(_ run: PlannedRun,
                         execute: (PlannedRun, @escaping (String) -> Void) throws -> RunOutcome,
                         progress: ProgressDisplay?) -> RunRecord {
        let started = Date()
        var outcome: RunOutcome?
        var failure: String?
        do {
            outcome = try execute(run) { phase in progress?.phase(phase) }
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

/// `date` as an ISO 8601 UTC timestamp with seconds.
func isoTimestamp(_ date: Date) -> String {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.string(from: date)
}
