import ArgumentParser
import Bench
import Foundation
import Reports

/// `prunebench run SUITE`: runs a benchmark suite and writes its leaderboard.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a benchmark suite (YAML): prepare its data and checkpoints, run every missing run, "
            + "write the suite's reports into reports/<suite>/ (as prunebench report --suite does).")

    @Argument(help: "The suite file, e.g. suites/smoke.yaml.")
    var suite: String

    @Flag(help: "Re-run runs that are already in the results store.")
    var force = false

    @Option(help: "The results store directory.")
    var results = "results"

    @Option(help: "Where reports go (a folder per suite).")
    var reports = "reports"

    @Option(help: "Kernel threads per run (default: the cores divided among the jobs).")
    var threads: Int?

    @Option(help: "Runs executed at once, each with its own threads (results are those of running them one by one).")
    var jobs = 1

    func validate() throws {
        guard jobs >= 1, jobs <= 256 else { throw ValidationError("--jobs must be between 1 and 256, got \(jobs)") }
        if let threads, threads < 1 || threads > 1024 {
            throw ValidationError("--threads must be between 1 and 1024, got \(threads)")
        }
    }

    func run() throws {
        var runner = SuiteRunner()
        runner.resultsDirectory = results
        runner.reportsDirectory = reports
        runner.force = force
        runner.jobs = jobs
        runner.threads = threads ?? max(1, ProcessInfo.processInfo.activeProcessorCount / jobs)
        runner.log = { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
        let result = try runner.run(suitePath: suite, progress: ProgressDisplay())
        let summary = result.summary
        print("\(result.suite.name): \(summary.total) runs, \(summary.executed) executed "
            + "(\(summary.failed) failed), \(summary.skipped) already stored; "
            + String(format: "%.1f s", result.wallSeconds))
        var writer = ReportWriter(title: "PruneBench leaderboard: \(result.suite.name)")
        writer.sources = [results]
        let files = try writer.write(ResultsTable(records: result.records), to: result.reportDirectory)
        print("reports: " + files.map { "\(result.reportDirectory)/\($0)" }.joined(separator: ", "))
    }
}
