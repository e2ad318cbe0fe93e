import ArgumentParser
import Bench
import Data
import Foundation
import NN
import Pruning

/// `prunebench scores`: a scoring method's per-weight scores (and masks) on a checkpoint's weights and a given batch.
struct Scores: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export a scoring method's per-weight scores (and masks) on a checkpoint's weights and a given batch.",
        discussion: """
            The method scores the checkpoint's weights (for a method that starts from initialisation they are \
            the initial weights) on exactly the training split of --batch, whole and in file order, normalised \
            with --dataset's statistics, and writes one float32 dataset per prunable parameter under /scores \
            (PyTorch names); with --compression also the masks its run sets, under /masks. The architecture \
            comes from the checkpoint unless --model or --architecture-file is given (a plain PyTorch \
            state_dict needs one). Conventions per method: docs/scores.md.
            """)

    @Argument(help: "A scoring method: global-/layer-magnitude, -gradient, -activation, snip, grasp, synflow, magnitude-init.")
    var method: String
    @Option(help: "The checkpoint (HDF5; a plain PyTorch state_dict needs --model or --architecture-file).")
    var checkpoint: String
    @OptionGroup var source: ModelSource
    @Option(help: "A PruneBench dataset file whose training split, whole and in file order, is the scoring data.")
    var batch: String
    @Option(name: .customLong("configuration"), help: "The method's configuration as JSON (missing fields take the card's defaults).")
    var methodConfiguration: String?
    @Option(help: "Also write the masks the method sets at this compression (all parameters / remaining).")
    var compression: Double?
    @Option(help: "Root seed of the method's random streams (tie-breaking, GraSP's Linear re-initialisation).")
    var seed: UInt64 = 0
    @Option(help: "Kernel threads.") var threads: Int = 1
    @Option(name: .shortAndLong, help: "The output file (HDF5).") var output: String

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be >= 1") }
        if let compression, !(compression.isFinite && compression >= 1) {
            throw ValidationError("--compression must be a finite number >= 1")
        }
    }

    func run() throws {
        let method = try MethodRegistry.method(named: self.method, configuration: methodConfiguration.map { Foundation.Data($0.utf8) })
        guard method is any ScoringMethod else {
            throw PruningError.noScores(method: self.method, scoring: try ScoreExport.scoringMethods())
        }
        let dataset = try DatasetFile.read(path: source.dataset)
        let model = try source.model(checkpoint: checkpoint, dataset: dataset)
        let examples = try DatasetFile.read(path: batch).train
        guard examples.imageShape == model.exampleShape else {
            throw TrainingOptionError("--batch \(batch): images are \(examples.imageShape); "
                + "model \(model.architecture.name) expects \(model.exampleShape)")
        }
        if let label = examples.labels.first(where: { Int($0) >= model.architecture.classes }) {
            throw TrainingOptionError("--batch \(batch): label \(label) is outside the model's \(model.architecture.classes) classes")
        }
        let export = try ScoreExport.compute(method: method, model: model, examples: examples,
                                             normalization: dataset.normalization, compression: compression,
                                             seed: seed, threads: threads)
        let entry = try MethodRegistry.entry(named: self.method)
        let configurationJSON = try entry.canonicalConfiguration(methodConfiguration.map { Foundation.Data($0.utf8) })
        try scoresFile(export, normalization: dataset.normalization, configuration: configurationJSON,
                 examples: examples.count).write(to: output)
        let weights = export.scores.reduce(0) { $0 + $1.scores.count }
        var summary = "wrote \(output): \(export.method) scores of \(export.scores.count) parameters "
            + "(\(weights) entries) on \(examples.count) examples of \(batch)"
        if let compression, let keepFraction = export.keepFraction {
            let kept = export.masks.reduce(0) { $0 + Mask.keptCount($1.mask) }
            summary += String(format: "; masks at %gx (keep fraction %.6f, %d of %d kept)", compression, keepFraction, kept, weights)
        }
        print(summary)
    }

    /// The output file: scores, masks and how they were computed.
    private func scoresFile(_ export: ScoreExport, normalization: Normalization, configuration: Foundation.Data,
                      examples: Int) throws -> ScoresFile {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let strings: [(name: String, value: String)] = [
            ("method", export.method),
            ("configuration", String(decoding: configuration, as: UTF8.self)),
            ("keep", export.ranking.rawValue),
            ("checkpoint", checkpoint),
            ("batch", batch),
            ("normalization_source", source.dataset),
            ("normalization", String(decoding: try encoder.encode(normalization), as: UTF8.self)),
            ("engine", PruneBenchVersion.engine),
        ]
        var reals: [(name: String, value: Double)] = []
        if let compression = export.compression, let keepFraction = export.keepFraction {
            reals = [("compression", compression), ("keep_fraction", keepFraction)]
        }
        return ScoresFile(scores: export.scores.map { ($0.name, $0.scores) },
                          masks: export.masks.map { ($0.name, $0.mask) }, strings: strings,
                          integers: [("seed", Int64(bitPattern: seed)), ("examples", Int64(examples))], reals: reals)
    }
}
