import ArgumentParser
import Bench
import Foundation
import Reports

/// The options that choose which stored runs `report` and `check` look at.
struct RunSelection: ParsableArguments {
    @Option(name: .customLong("results"), help: ArgumentHelp(
        "A results directory; repeat to merge shards (runs stored twice count once).", valueName: "dir"))
    var results: [String] = []

    @Option(help: ArgumentHelp("Only the runs of this suite: a suite file, or NAME for suites/NAME.yaml "
        + "(matched by model and method labels, targets, seeds, budget, fine-tuning recipe and engine).",
        valueName: "name|file"))
    var suite: String?

    @Option(help: ArgumentHelp("Only this dataset (repeatable).", valueName: "name"))
    var dataset: [String] = []

    @Option(help: ArgumentHelp("Only this model label (repeatable).", valueName: "name"))
    var model: [String] = []

    @Option(help: ArgumentHelp("Only this method: a label or a registered name (repeatable).", valueName: "name"))
    var method: [String] = []

    @Option(help: ArgumentHelp("Only this compression target (repeatable).", valueName: "ratio"))
    var target: [Double] = []

    /// The results directories (default: `results`).
    var directories: [String] { results.isEmpty ? ["results"] : results }

    /// The suite file `--suite` names, if any.
    func suitePath() throws -> String? {
        guard let suite else { return nil }
        if FileManager.default.fileExists(atPath: suite) { return suite }
        let path = "suites/\(suite).yaml"
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("--suite \(suite): neither a file nor suites/\(suite).yaml exists")
        }
        return path
    }

    /// The loaded, filtered runs and the suite's name if one was given; warnings go to stderr.
    func load() throws -> (table: ResultsTable, suiteName: String?) {
        var filter = RunFilter()
        filter.datasets = Set(dataset)
        filter.models = Set(model)
        filter.methods = Set(method)
        filter.targets = Set(target)
        var suiteName: String?
        if let path = try suitePath() {
            let suite = try Suite.load(path: path)
            filter.suite = try SuiteSelection(suite, catalog: try MethodCatalogEntry.registry())
            suiteName = suite.name
        }
        let table = try ResultsTable.load(directories: directories).filtered(filter)
        for warning in table.warnings { FileHandle.standardError.write(Data("warning: \(warning)\n".utf8)) }
        return (table, suiteName)
    }
}
