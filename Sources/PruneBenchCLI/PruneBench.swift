import ArgumentParser

/// The `prunebench` command: benchmark neural-network pruning methods fairly and reproducibly.
public struct PruneBench: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "prunebench",
        abstract: "Benchmark neural-network pruning methods under fixed seeds and equal budgets.",
        version: "0.1.0",
        subcommands: [
            Check.self,
            Import.self,
            Inspect.self,
            Train.self,
            Evaluate.self,
            Scores.self,
            MethodsCommand.self,
            Report.self,
            Run.self,
            BenchCommand.self,
        ])

    public init() {}
}
