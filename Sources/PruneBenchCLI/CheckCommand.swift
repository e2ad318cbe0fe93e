import ArgumentParser
import Foundation
import Reports

/// `prunebench check`: compares stored runs with a committed baseline; non-zero exit on regression.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Compare stored runs with a baseline CSV; exit 1 if any method got worse.",
        discussion: """
            For every dataset × model × method × target in the baseline, the new mean test top-1 after \
            fine-tuning must not fall below the baseline mean by more than
              tol = max(0.3, 3 · sqrt(s_b²/n_b + s_n²/n_n)) points
            (s = sample std over seeds, n = seeds; a side with one seed borrows the other side's std; with no \
            spread on either side the 0.3-point floor applies), and the mean achieved compression must match \
            within 1 % (relative). An entry with failed runs (more than the baseline had) or none completed \
            fails; an entry missing from the results fails; entries not in the baseline and failed runs are \
            listed. Prints one row per entry and exits 1 when any entry fails. See docs/reports.md.
            --update rewrites the baseline (atomically) from the selected results instead of checking.
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
            let baseline = Baseline(Leaderboard(records: table.records))
            try baseline.write(path: self.baseline)
            print("wrote \(self.baseline): \(baseline.entries.count) entries from \(table.records.count) runs")
            return
        }
        let check = BaselineCheck(baseline: try Baseline.read(path: baseline), table: table)
        print(check.report(), terminator: "")
        if !check.passed { throw ExitCode(1) }
    }
}
