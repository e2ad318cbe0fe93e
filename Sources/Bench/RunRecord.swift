import Foundation

/// What a run is about, in human terms, for grouping results (not part of the run id).
public struct RunLabels: Codable, Hashable, Sendable {
    /// The dataset's name (`fashion-mnist`).
    public var dataset: String
    /// The suite's name for the starting model (`lenet5`).
    public var model: String
    /// The method's display label: its name, plus its non-default configuration if any.
    public var method: String
    /// The track's leaderboard name (`post-training`, `from-initialisation (rescaled init)`); `nil` in
    /// records from before tracks.
    public var track: String?

    /// A value from its parts.
    public init(dataset: String, model: String, method: String, track: String? = nil) {
        self.dataset = dataset
        self.model = model
        self.method = method
        self.track = track
    }
}

/// Wall-clock facts of a run.
public struct RunTimings: Codable, Hashable, Sendable {
    /// ISO 8601 start and end.
    public var started: String
    public var finished: String
    /// Seconds from start to end.
    public var wallSeconds: Double
    /// Seconds spent in each phase ("load", "prune", "fine-tune", "measure").
    public var phases: [String: Double]

    /// A value from its parts.
    public init(started: String, finished: String, wallSeconds: Double, phases: [String: Double]) {
        self.started = started
        self.finished = finished
        self.wallSeconds = wallSeconds
        self.phases = phases
    }
}

/// The headline numbers of a finished run, flat, for tables (derived from `RunMetrics`).
public struct RunSummary: Codable, Hashable, Sendable {
    public var top1Before: Double
    public var top1After: Double
    public var compression: Double
    public var prunableSparsity: Double
    public var denseMACs: Int
    public var remainingMACs: Double
    public var speedup: Double
    public var latencySeconds: Double

    /// The summary of `metrics`.
    public init(_ metrics: RunMetrics) {
        top1Before = metrics.beforeFineTuning.test.top1
        top1After = metrics.afterFineTuning.test.top1
        compression = metrics.parameters.compression
        prunableSparsity = metrics.parameters.prunableSparsity
        denseMACs = metrics.macs.dense
        remainingMACs = metrics.macs.remaining
        speedup = metrics.macs.speedup
        latencySeconds = metrics.latency.medianSeconds
    }
}

/// One run in the results store: its description, outcome, measurements and where its masks are.
public struct RunRecord: Codable, Hashable, Sendable {
    /// Whether the run finished or failed.
    public enum Status: String, Codable, Sendable { case completed, failed }

    /// The run id (SHA-256 of the spec's canonical JSON).
    public var digest: String
    public var spec: RunSpec
    public var labels: RunLabels
    public var status: Status
    /// Why the run failed (`nil` when it completed).
    public var failure: String?
    public var summary: RunSummary?
    public var metrics: RunMetrics?
    public var timings: RunTimings
    /// The masks file relative to the store directory (`masks/<digest>.h5`), if masks were saved.
    public var masks: String?
    /// Engine facts: version, BLAS core, threads.
    public var environment: [String: String]

    /// A value from its parts.
    public init(digest: String, spec: RunSpec, labels: RunLabels, status: Status, failure: String?,
                metrics: RunMetrics?, timings: RunTimings, masks: String?, environment: [String: String]) {
        self.digest = digest
        self.spec = spec
        self.labels = labels
        self.status = status
        self.failure = failure
        self.summary = metrics.map(RunSummary.init)
        self.metrics = metrics
        self.timings = timings
        self.masks = masks
        self.environment = environment
    }
}
