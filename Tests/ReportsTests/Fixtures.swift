import Bench
import Foundation
import Pruning
@testable import Reports

/// A small hand-made results table (the golden files are made from it) and helpers.
///
/// fmnist · lenet5: dense 91.00 ± 0.20 (3 seeds); global-magnitude at 2/4/8× 91.00 ± 0.10,
/// 90.60 ± 0.10, 89.40 ± 0.40; random at 2/4/8× 90.20 ± 0.20, 88.50 ± 0.50, 85.00 ± 1.41 (2 seeds,
/// seed 1 failed); snip at 2/4/8× 90.73 ± 0.21, 90.0/10.0/89.8 (seed 1 collapsed to chance), 88.00 ± 0.50
/// with an achieved 9× at the 8× target, trained at lr 0.01 (cosine) then 0.001 (constant).
/// Every lenet5 run logs its training calls (lr 0.001, constant, unless said); the mlp runs log none,
/// so their recipe is the declared one (TrainingRecipe's defaults: lr 0.1, cosine). 10 classes.
/// fmnist · mlp: dense 88.00 and global-gradient(batch_size=64) 87.00 at 4× (one seed).
enum Fixtures {
    /// One run's facts, in the units a person writes them (fractions for accuracy).
    struct Run {
        var model = "lenet5"
        var method: String
        var configuration: JSONValue = .object([:])
        var target: Double
        var seed: UInt64
        var after: Double
        var before: Double
        var total = 1000
        var denseMACs = 10_000
        var remainingMACs: Double
        var failure: String?
        /// The achieved compression when it is not the target.
        var achieved: Double?
        /// The logged training calls (`nil`: none logged).
        var calls: [TrainingCallUsage]? = Fixtures.fineTuning
    }

    /// 100 steps of fine-tuning at lr 0.001, constant.
    static let fineTuning = [TrainingCallUsage(phase: "fine-tuning", steps: 100, learningRate: 0.001, schedule: "constant")]
    /// SNIP's calls: 50 steps at lr 0.01 with cosine decay, then 50 of fine-tuning at 0.001.
    static let snipCalls = [TrainingCallUsage(phase: "training", steps: 50, learningRate: 0.01, schedule: "cosine"),
                            TrainingCallUsage(phase: "fine-tuning", steps: 50, learningRate: 0.001, schedule: "constant")]

    static let runs: [Run] = [
        Run(method: "dense", target: 1, seed: 0, after: 0.9100, before: 0.9100, remainingMACs: 10_000),
        Run(method: "dense", target: 1, seed: 1, after: 0.9120, before: 0.9120, remainingMACs: 10_000),
        Run(method: "dense", target: 1, seed: 2, after: 0.9080, before: 0.9080, remainingMACs: 10_000),
        Run(method: "global-magnitude", target: 2, seed: 0, after: 0.9090, before: 0.90, remainingMACs: 6000),
        Run(method: "global-magnitude", target: 2, seed: 1, after: 0.9110, before: 0.90, remainingMACs: 6000),
        Run(method: "global-magnitude", target: 2, seed: 2, after: 0.9100, before: 0.90, remainingMACs: 6000),
        Run(method: "global-magnitude", target: 4, seed: 0, after: 0.9050, before: 0.85, remainingMACs: 4000),
        Run(method: "global-magnitude", target: 4, seed: 1, after: 0.9070, before: 0.85, remainingMACs: 4000),
        Run(method: "global-magnitude", target: 4, seed: 2, after: 0.9060, before: 0.85, remainingMACs: 4000),
        Run(method: "global-magnitude", target: 8, seed: 0, after: 0.8900, before: 0.60, remainingMACs: 2500),
        Run(method: "global-magnitude", target: 8, seed: 1, after: 0.8980, before: 0.60, remainingMACs: 2500),
        Run(method: "global-magnitude", target: 8, seed: 2, after: 0.8940, before: 0.60, remainingMACs: 2500),
        Run(method: "random", target: 2, seed: 0, after: 0.9000, before: 0.80, remainingMACs: 5000),
        Run(method: "random", target: 2, seed: 1, after: 0.9040, before: 0.80, remainingMACs: 5000),
        Run(method: "random", target: 2, seed: 2, after: 0.9020, before: 0.80, remainingMACs: 5000),
        Run(method: "random", target: 4, seed: 0, after: 0.8800, before: 0.50, remainingMACs: 2500),
        Run(method: "random", target: 4, seed: 1, after: 0.8900, before: 0.50, remainingMACs: 2500),
        Run(method: "random", target: 4, seed: 2, after: 0.8850, before: 0.50, remainingMACs: 2500),
        Run(method: "random", target: 8, seed: 0, after: 0.8400, before: 0.20, remainingMACs: 1250),
        Run(method: "random", target: 8, seed: 1, after: 0, before: 0, remainingMACs: 0,
            failure: "diverged: the loss is NaN at step 12"),
        Run(method: "random", target: 8, seed: 2, after: 0.8600, before: 0.20, remainingMACs: 1250),
        Run(method: "snip", target: 2, seed: 0, after: 0.9080, before: 0.70, remainingMACs: 7000, calls: snipCalls),
        Run(method: "snip", target: 2, seed: 1, after: 0.9050, before: 0.70, remainingMACs: 7000, calls: snipCalls),
        Run(method: "snip", target: 2, seed: 2, after: 0.9090, before: 0.70, remainingMACs: 7000, calls: snipCalls),
        Run(method: "snip", target: 4, seed: 0, after: 0.9000, before: 0.40, remainingMACs: 4500, calls: snipCalls),
        Run(method: "snip", target: 4, seed: 1, after: 0.1000, before: 0.10, remainingMACs: 4500, calls: snipCalls),
        Run(method: "snip", target: 4, seed: 2, after: 0.8980, before: 0.40, remainingMACs: 4500, calls: snipCalls),
        Run(method: "snip", target: 8, seed: 0, after: 0.8800, before: 0.30, remainingMACs: 2000, achieved: 9, calls: snipCalls),
        Run(method: "snip", target: 8, seed: 1, after: 0.8850, before: 0.30, remainingMACs: 2000, achieved: 9, calls: snipCalls),
        Run(method: "snip", target: 8, seed: 2, after: 0.8750, before: 0.30, remainingMACs: 2000, achieved: 9, calls: snipCalls),
        Run(model: "mlp", method: "dense", target: 1, seed: 0, after: 0.8800, before: 0.8800, total: 2000,
            denseMACs: 2000, remainingMACs: 2000, calls: nil),
        Run(model: "mlp", method: "global-gradient", configuration: .object(["batch_size": .number(64)]), target: 4,
            seed: 0, after: 0.8700, before: 0.8000, total: 2000, denseMACs: 2000, remainingMACs: 500, calls: nil),
    ]

    /// The record of `run`: compression exact (nonzero = total / target) unless `achieved` says otherwise,
    /// latency samples 2, 4, 3 ms, 10 classes.
    static func record(_ run: Run) throws -> RunRecord {
        let spec = RunSpec(engine: "test-engine", checkpoint: FileReference(path: "checkpoints/\(run.model).h5", sha256: "c0ffee"),
                           dataset: FileReference(path: "data/fmnist.h5", sha256: "da7a"), method: run.method,
                           configuration: run.configuration, compression: run.target, seed: run.seed,
                           budget: TrainingBudget(steps: 100))
        let label = Suite.label(method: run.method, configuration: run.configuration)
        let labels = RunLabels(dataset: "fmnist", model: run.model, method: label)
        let timings = RunTimings(started: "2026-01-01T00:00:00Z", finished: "2026-01-01T00:00:10Z", wallSeconds: 10, phases: [:])
        guard run.failure == nil else {
            return RunRecord(digest: try spec.digest(), spec: spec, labels: labels, status: .failed, failure: run.failure,
                             metrics: nil, timings: timings, masks: nil, environment: [:])
        }
        func evaluation(_ top1: Double) -> EvaluationMetrics {
            EvaluationMetrics(test: AccuracyMetrics(top1: top1, top5: 0.99, loss: 0.25, count: 10_000),
                              validation: AccuracyMetrics(top1: top1 + 0.01, top5: 1, loss: 0.2, count: 6000))
        }
        let nonzero = Int(Double(run.total) / (run.achieved ?? run.target))
        let metrics = RunMetrics(
            beforeFineTuning: evaluation(run.before), afterFineTuning: evaluation(run.after),
            parameters: ParameterCounts(total: run.total, nonzero: nonzero, prunable: run.total - 100,
                                        prunableNonzero: nonzero - 100),
            macs: MACCounts(layers: [LayerMACs(path: "fc1", kind: "linear", dense: run.denseMACs, remaining: run.remainingMACs)]),
            deadNeuronRate: 0.25, latency: LatencyMetrics(batchSize: 256, samples: [0.002, 0.004, 0.003], threads: 1),
            budget: BudgetUsage(steps: 100, limit: 100, stepsPerEpoch: 50, calls: run.calls), classes: 10,
            structure: structure(run),
            events: run.method == "random" && run.model == "lenet5"
                ? [MethodEvent(kind: "ticket", step: 40, detail: "found at step 40 of 100"), MethodEvent(kind: "note", step: 60)]
                : nil)
        return RunRecord(digest: try spec.digest(), spec: spec, labels: labels, status: .completed, failure: nil,
                         metrics: metrics, timings: timings, masks: nil, environment: [:])
    }

    /// Physical removal as measured: random's runs removed channels (4 ms dense, 2 ms pruned at batch 128), the
    /// unstructured methods' runs none; no structure for the other models (records before it was measured).
    static func structure(_ run: Run) -> StructureMetrics? {
        guard run.model == "lenet5" else { return nil }
        let removes = run.method == "random"
        let dense = LatencyMetrics(batchSize: 128, samples: [0.004, 0.004, 0.005], threads: 1)
        let pruned = removes ? LatencyMetrics(batchSize: 128, samples: [0.002, 0.002, 0.003], threads: 1) : dense
        return StructureMetrics(removedChannels: removes ? 3 : 0, parameters: run.total,
                                nonzeroParameters: Int(Double(run.total) / (run.achieved ?? run.target)),
                                macs: removes ? Int(run.remainingMACs) : run.denseMACs,
                                latency: [LatencyComparison(batchSize: 128, dense: dense, pruned: pruned)])
    }

    /// Every fixture record.
    static func records() throws -> [RunRecord] { try runs.map(record) }

    /// The fixture table.
    static func table() throws -> ResultsTable { ResultsTable(records: try records()) }

    /// A new empty temporary directory.
    static func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "reports-tests-" + UUID().uuidString
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Writes `records` as a results directory (`<digest>.json` each) at `path`.
    static func store(_ records: [RunRecord], at path: String) throws {
        let store = try ResultStore(path: path)
        for record in records { try store.write(record) }
    }

    /// The `Golden` folder beside this file.
    static let goldenDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")
}
