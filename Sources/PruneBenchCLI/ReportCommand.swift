import ArgumentParser
import Foundation
import Reports

/// `prunebench report`: leaderboards, CSVs, plots and an HTML page from stored runs.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write leaderboards (Markdown or LaTeX, CSV), runs.csv, SVG plots and index.html from stored runs.",
        discussion: """
            Reads one or several results directories (shards merge; a run stored twice counts once), keeps \
            the runs selected by --suite and the filters, and writes into the output directory: \
            leaderboard.md (or leaderboard.tex with --format latex), leaderboard.csv (mean, std, median, min, \
            max and n of every metric per dataset × model × method × target, with the collapsed seeds, the \
            group mark, the p-value against the column's best and the recipe), runs.csv (one row per run), \
            layer-densities.md and .csv (weight density per layer, method and target), \
            plots/<dataset>_<model>-compression.svg, -speedup.svg and -macs.svg (with the Pareto front), and \
            a self-contained index.html. See docs/reports.md for how to read them.
            """)

    @OptionGroup var selection: RunSelection

    @Option(name: .shortAndLong, help: ArgumentHelp(
        "The output directory (default: reports/<suite>, or reports/all without --suite).", valueName: "dir"))
    var output: String?

    @Option(help: ArgumentHelp("Leaderboard text format: markdown or latex (repeat for both).", valueName: "format"))
    var format: [ReportWriter.TableFormat] = []

    func run() throws {
        let (table, suiteName) = try selection.load()
        let directory = output ?? "reports/\(suiteName ?? "all")"
        var writer = ReportWriter(title: "PruneBench leaderboard" + (suiteName.map { ": \($0)" } ?? ""))
        writer.formats = format.isEmpty ? [.markdown] : format
        writer.sources = selection.directories
        let files = try writer.write(table, to: directory)
        print("\(table.completed.count) completed and \(table.failed.count) failed runs from "
            + selection.directories.joined(separator: ", "))
        for file in files { print("\(directory)/\(file)") }
    }
}

extension ReportWriter.TableFormat: ExpressibleByArgument {}
