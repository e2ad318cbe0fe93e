import ArgumentParser
import Foundation
import Reports

/// `prunebench check`: compares stored runs with a committed baseline; non-zero exit on regression.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare stored runs with a baseline CSV; exit 1 if any method's numbers moved.",
        discussion: """
            For every dataset × model × method × target in the baseline, the new mean test top-1 after \
            fine-tuning must stay within
              tol = min(2, max(0.3, 3 · s_b · sqrt(1/n_b + 1/n_n))) points
            of the baseline mean, in either direction (s_b = the baseline's sample std over its n_b seeds; \
            n_n = new seeds). The tolerance comes from the baseline's spread only: the new runs' scatter \
            never widens it. A drop is a regression; a rise means the method changed — refresh the \
            baseline deliberately with --update. The mean achieved compression must match within 1 % \
            (relative). An entry fails when runs failed (more than the baseline had) or none completed, \
            when it has fewer completed seeds than the baseline, when a run's top-1 is not a number, or \
            when it is missing from the results; entries not in the baseline and failed runs are listed. \
            A baseline with no entries, a non-finite or out-of-range top-1, or a negative or impossible std \
            is rejected with the row and column. Prints one row per entry and exits 1 when any entry \
            fails. See docs/reports.md.
            --update prints the comparison with the existing baseline (if any), then rewrites the baseline \
            atomically from the selected results; it refuses an empty selection or a run whose top-1 is \
            not a number.
            """)

    @Option(help: ArgumentHelp("The baseline CSV, e.g. baselines/smoke.csv.", valueName: "file"))
    var baseline: String

    @OptionGroup var selection: RunSelection

    @Flag(help: "Rewrite the baseline from the current results instead of checking.")
    var update = false

    func run() throws {
        let (table, _) = try selection.load()
        if update {
            guard !table.records.isEmpty else {
                throw ValidationError("no runs selected in \(selection.directories.joined(separator: ", ")): "
                    + "refusing to write an empty baseline")
            }
            let fresh = try Baseline(validating: Leaderboard(records: table.records))
            if FileManager.default.fileExists(atPath: baseline) {
                do {
                    let old = try Baseline.read(path: baseline)
                    print("What moved against the baseline being replaced:")
                    print(BaselineCheck(baseline: old, table: table).report())
                } catch {
                    print("The baseline being replaced could not be read (\(error)).")
                }
            }
            try fresh.write(path: baseline)
            print("wrote \(baseline): \(fresh.entries.count) entries from \(table.records.count) runs")
            return
        }
        let check = BaselineCheck(baseline: try Baseline.read(path: baseline), table: table)
        print(check.report(), terminator: "")
        if !check.passed { throw ExitCode(1) }
    }
}
