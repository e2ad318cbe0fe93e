import ArgumentParser
import Bench
import Foundation

/// `prunebench run SUITE`: runs a benchmark suite and writes its leaderboard.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a benchmark suite (YAML): prepare its data and checkpoints, run every missing run, "
            + "write reports/<suite>/leaderboard.md and leaderboard.csv.")

    @Argument(help: "The suite file, e.g. suites/smoke.yaml.")
    var suite: String

    @Flag(help: "Re-run runs that are already in the results store.")
    var force = false

    @Option(help: "The results store directory.")
    var results = "results"

    @Option(help: "Where reports go (a folder per suite).")
    var reports = "reports"

    @Option(help: "Kernel threads per run.")
    var threads = ProcessInfo.processInfo.activeProcessorCount

    func run() throws {
        var runner = SuiteRunner()
        runner.resultsDirectory = results
        runner.reportsDirectory = reports
        runner.force = force
        runner.threads = max(1, threads)
        runner.log = { line in FileHandle.standardError.write(Data((line + "\n").utf8)) }
        let result = try runner.run(suitePath: suite, progress: ProgressDisplay())
        let summary = result.summary
        print("\(result.suite.name): \(summary.total) runs, \(summary.executed) executed "
            + "(\(summary.failed) failed), \(summary.skipped) already stored; "
            + String(format: "%.1f s", result.wallSeconds))
        print("leaderboard: \(result.reportDirectory)/leaderboard.md, \(result.reportDirectory)/leaderboard.csv")
    }
}
