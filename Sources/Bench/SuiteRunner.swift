import Data
import Foundation
import NN
import Pruning

extension MethodCatalogEntry {
    /// The catalog of every method in `MethodRegistry`, in registry order.
    public static func registry() throws -> [MethodCatalogEntry] {
        try MethodRegistry.all.map { entry in
            MethodCatalogEntry(name: entry.name, defaultConfiguration: try JSONDecoder().decode(
                JSONValue.self, from: entry.defaultConfiguration()), isControl: entry.category == .control, tracks: entry.tracks,
                targetKinds: { configuration in
                    (try? entry.method(configuration: Data(configuration.canonical.utf8)))?.supportedTargetKinds ?? entry.targetKinds
                }, notApplicable: { configuration, model in
                    guard let method = try? entry.method(configuration: Data(configuration.canonical.utf8)) else {
                        return entry.notApplicable(model)
                    }
                    return method.reasonNotApplicable(to: model)
                }, category: entry.category.rawValue) { configuration in
                _ = try entry.method(configuration: Data(configuration.canonical.utf8))
            }
        }
    }
}

/// What `prunebench run` did: the grid's counts, the suite's records and where its reports go.
public struct SuiteRunResult {
    public var suite: Suite
    public var summary: GridSummary
    /// The stored record of every run of the suite (completed or failed), for the reports.
    public var records: [RunRecord]
    /// `<reportsDirectory>/<suite name>`: where the caller writes the suite's reports.
    public var reportDirectory: String
    public var wallSeconds: Double
}

/// Runs a suite end to end: prepare inputs, expand, run what is missing, collect the suite's records
/// (the caller writes the reports: see the `Reports` target).
public struct SuiteRunner {
    /// The results store directory.
    public var resultsDirectory = "results"
    /// Reports go to `<reportsDirectory>/<suite name>/`.
    public var reportsDirectory = "reports"
    /// Re-run runs already stored.
    public var force = false
    /// Kernel threads per run (and for training checkpoints).
    public var threads = 1
    /// Runs executed at once (each with `threads` kernel threads).
    public var jobs = 1
    /// Where datasets are imported and checkpoints trained.
    public var preparer = SuitePreparer()
    /// Lines about preparation and the outcome (not drawn progress).
    public var log: (String) -> Void = { _ in }

    /// The default settings.
    public init() {}

    /// Runs the suite at `path`.
    public func run(suitePath path: String, progress: ProgressDisplay? = nil) throws -> SuiteRunResult {
        let start = ContinuousClock.now
        let suite = try Suite.load(path: path)
        let catalog = try MethodCatalogEntry.registry()
        _ = try suite.methodsByTrack(catalog)  // reject bad methods before importing or training anything
        var preparer = self.preparer
        preparer.threads = threads
        preparer.log = log
        let (inputs, dataset) = try preparer.prepare(suite)
        for skip in try suite.notApplicable(inputs, catalog: catalog) {
            log("not applicable: \(skip.method) on \(skip.model) (\(skip.reason))")
        }
        let runs = try suite.expand(inputs, catalog: catalog)
        let store = try ResultStore(path: resultsDirectory)
        for run in runs {
            if let problem = store.readProblem(run.digest) {
                log("unreadable record \(store.recordURL(run.digest).path) (\(problem)): the run is done again and the file replaced")
            }
        }
        let grid = GridRunner(store: store, force: force, environment: [
            "threads": "\(threads)", "blas": blasCoreName(),
        ])
        let threads = self.threads
        let datasets = [inputs.dataset.path: dataset]
        let summary = try grid.run(runs, jobs: jobs, progress: progress) {
            let runner = Runner(store: store, threads: threads, datasets: datasets)
            return { run, phase in try runner.execute(run, phase: phase) }
        }
        let digests = Set(runs.map(\.digest))
        let records = try store.allRecords().filter { digests.contains($0.digest) }
        let directory = "\(reportsDirectory)/\(suite.name)"
        let elapsed = ContinuousClock.now - start
        return SuiteRunResult(suite: suite, summary: summary, records: records, reportDirectory: directory,
                              wallSeconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
    }
}
