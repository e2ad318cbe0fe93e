import Data
import Foundation
import NN
import Testing
import Training
@testable import Bench

/// End to end on a tiny synthetic dataset and a small MLP: real sessions, methods, fine-tuning,
/// metrics, store and leaderboard.
@Suite(.serialized) struct RunnerTests {
    /// 8×8 one-channel images of 4 classes, separable by brightness pattern (rows 2c and 2c + 1 bright
    /// for class c). With `poisonHoldout` the examples of the standard 40-example validation holdout show
    /// the pattern of the next class instead (their labels, hence the holdout, stay the same).
    static func dataset(poisonHoldout: Bool = false) throws -> ImageDataset {
        var random = SeededGenerator(seed: 42)
        func split(_ count: Int, shifted: Set<Int> = []) -> ImageSplit {
            var pixels: [Float] = []
            var labels: [Int32] = []
            for index in 0..<count {
                let label = index % 4
                let shown = shifted.contains(index) ? (label + 1) % 4 : label
                for pixel in 0..<64 {
                    let bright = pixel / 16 == shown
                    pixels.append(Float(bright ? 200 : 40) + random.nextUniform(0, 50))
                }
                labels.append(Int32(label))
            }
            return ImageSplit(images: Tensor(shape: [count, 1, 8, 8], values: pixels), labels: labels)
        }
        var shifted: Set<Int> = []
        if poisonHoldout {
            let labelsOnly = split(400)
            shifted = Set(try ValidationHoldout.choose(count: 40, from: labelsOnly).indices(in: labelsOnly))
            random = SeededGenerator(seed: 42)
        }
        return ImageDataset(name: "tiny", classNames: ["a", "b", "c", "d"],
                            normalization: Normalization(scale: 1 / 255, mean: [0.4], std: [0.3]),
                            source: "synthetic", train: split(400, shifted: shifted), test: split(200))
    }

    /// A folder with `data/tiny.h5` (`dataset()`), `checkpoints/mlp.h5` (an MLP 64-32-16-4 trained by
    /// `checkpointRecipe` without the standard holdout of 40 examples, which it records; with
    /// `holdout: false` an initialised MLP with no training record, as a plain PyTorch export) and
    /// `suites/tiny.yaml` (`validation` set on its checkpoint entry when given).
    static func workspace(compressions: String = "[2, 8]", seeds: String = "[0, 1]", lr: String = "0.05",
                          holdout: Bool = true, validation: String? = nil, poisonHoldout: Bool = false,
                          checkpointRecipe: TrainingRecipe = TrainingRecipe(epochs: 1, batchSize: 32, optimizer: .sgd(lr: 0.05)),
                          methods: String = "[dense, global-magnitude, random]") throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("bench-runner-\(UUID().uuidString)").path
        for folder in ["data", "checkpoints", "suites"] {
            try FileManager.default.createDirectory(atPath: "\(root)/\(folder)", withIntermediateDirectories: true)
        }
        let dataset = try dataset(poisonHoldout: poisonHoldout)
        try DatasetFile.write(dataset, to: "\(root)/data/tiny.h5")
        let architecture = Architecture(name: "mlp", classes: 4, inputChannels: 1, inputSize: [8, 8], widths: [32, 16])
        if holdout {
            let training = try CheckpointTraining(architecture: architecture, recipe: checkpointRecipe, dataset: dataset,
                                                  holdoutCount: ValidationHoldout.defaultCount(for: dataset.train), threads: 1)
            try training.run().checkpoint.write(to: "\(root)/checkpoints/mlp.h5")
        } else {
            var initRandom = SeededGenerator(seed: 1)
            let model = try Model(architecture, random: &initRandom)
            var checkpoint = Checkpoint(tensors: model.stateDict())
            try checkpoint.setArchitecture(architecture)
            try checkpoint.write(to: "\(root)/checkpoints/mlp.h5")
        }
        let entry = "{name: mlp, path: \(root)/checkpoints/mlp.h5" + (validation.map { ", validation: \($0)" } ?? "") + "}"
        try """
            name: tiny
            dataset: \(root)/data/tiny.h5
            checkpoints:
              - \(entry)
            methods: \(methods)
            compressions: \(compressions)
            seeds: \(seeds)
            fineTuning:
              steps: 6
              recipe: {batchSize: 32, optimizer: {kind: sgd, lr: \(lr)}, schedule: {kind: constant}}
            """.write(toFile: "\(root)/suites/tiny.yaml", atomically: true, encoding: .utf8)
        return root
    }

    static func runner(_ root: String) -> SuiteRunner {
        var runner = SuiteRunner()
        runner.resultsDirectory = "\(root)/results"
        runner.reportsDirectory = "\(root)/reports"
        return runner
    }

    @Test func suiteRunsMeasuresStoresAndReports() throws {
        let root = try RunnerTests.workspace()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let result = try RunnerTests.runner(root).run(suitePath: "\(root)/suites/tiny.yaml")
        // 2 seeds × (dense + 2 methods × 2 targets) = 10 runs.
        #expect(result.summary == GridSummary(total: 10, executed: 10, skipped: 0, failed: 0))
        let records = try ResultStore(path: "\(root)/results").allRecords()
        #expect(records.count == 10)
        for record in records {
            let metrics = try #require(record.metrics)
            // The MLP 64-32-16-4: 64·32+32 + 32·16+16 + 16·4+4 = 2080 + 528 + 68 = 2676 parameters, 2624 MACs.
            #expect(metrics.parameters.total == 2676)
            #expect(metrics.macs.dense == 2624)
            #expect(metrics.budget.steps == 6 && metrics.budget.limit == 6)
            // The record logs how it trained (the lr as the suite wrote it) and the dataset's class count.
            #expect(metrics.budget.calls == [TrainingCallUsage(phase: "fine-tuning", steps: 6, learningRate: 0.05, schedule: "constant")])
            #expect(metrics.classes == 4)
            #expect(metrics.afterFineTuning.test.count == 200 && metrics.afterFineTuning.validation?.count == 40)
            #expect(metrics.deadNeuronRate.map { $0 >= 0 && $0 <= 1 } == true)
            #expect(metrics.latency.samples.count == 5)
            let masks = try #require(record.masks)
            #expect(FileManager.default.fileExists(atPath: "\(root)/results/\(masks)"))
            if record.spec.method == "global-magnitude" {
                // Magnitude pruning meets the target (ShrinkBench's quantile: within a few weights).
                #expect(abs(metrics.parameters.compression - record.spec.compression) / record.spec.compression < 0.01)
                #expect(metrics.macs.speedup > 1)
            }
            if record.spec.method == "dense" { #expect(metrics.parameters.compression == 1 && metrics.macs.speedup == 1) }
        }
        // The result carries the suite's records for the reports (written by the Reports target).
        #expect(Set(result.records.map(\.digest)) == Set(records.map(\.digest)))
        #expect(result.reportDirectory == "\(root)/reports/tiny")

        // Same seed ⇒ same result: a forced rerun of the grid reproduces every accuracy exactly.
        var forced = RunnerTests.runner(root)
        forced.force = true
        let rerun = try forced.run(suitePath: "\(root)/suites/tiny.yaml")
        #expect(rerun.summary.executed == 10)
        let again = try ResultStore(path: "\(root)/results").allRecords()
        #expect(again.map { $0.metrics?.afterFineTuning.test } == records.map { $0.metrics?.afterFineTuning.test })
        #expect(again.map { $0.metrics?.parameters } == records.map { $0.metrics?.parameters })
        // Without --force nothing runs.
        #expect(try RunnerTests.runner(root).run(suitePath: "\(root)/suites/tiny.yaml").summary.skipped == 10)
    }

    @Test func infeasibleCompressionIsRecordedAsFailed() throws {
        let root = try RunnerTests.workspace(compressions: "[1000]", seeds: "[0]")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let result = try RunnerTests.runner(root).run(suitePath: "\(root)/suites/tiny.yaml")
        #expect(result.summary.total == 3 && result.summary.failed == 2)
        let failed = try ResultStore(path: "\(root)/results").allRecords().filter { $0.status == .failed }
        #expect(failed.map(\.spec.method).sorted() == ["global-magnitude", "random"])
        #expect(failed.allSatisfy { ($0.failure ?? "").contains("1000") })
        #expect(result.records.filter { $0.labels.method == "random" && $0.status == .failed }.count == 1)
    }

    @Test func divergenceIsRecordedAsFailedAndTheGridGoesOn() throws {
        let root = try RunnerTests.workspace(compressions: "[2]", seeds: "[0]", lr: "1e30")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let result = try RunnerTests.runner(root).run(suitePath: "\(root)/suites/tiny.yaml")
        #expect(result.summary == GridSummary(total: 3, executed: 3, skipped: 0, failed: 3))
        let records = try ResultStore(path: "\(root)/results").allRecords()
        #expect(records.count == 3)
        #expect(records.allSatisfy { $0.status == .failed && ($0.failure ?? "").contains("diverged") })
    }

    @Test func badModelsAreReportedBeforeAnythingTrains() throws {
        let root = try RunnerTests.workspace()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let suite = "\(root)/suites/bad.yaml"
        func failure(_ models: String, dataset: String = "\(root)/data/tiny.h5") throws -> String {
            try """
                dataset: \(dataset)
                \(models)
                methods: all
                compressions: [2]
                seeds: [0]
                fineTuning: {steps: 1}
                """.write(toFile: suite, atomically: true, encoding: .utf8)
            var runner = RunnerTests.runner(root)
            runner.preparer.checkpointDirectory = "\(root)/checkpoints"
            do { _ = try runner.run(suitePath: suite); return "no error" } catch { return "\(error)" }
        }
        let first = "models: [{name: ok, architecture: mlp}, {name: bad, architecture: lenet7}]"
        #expect(try failure(first).hasPrefix("\(suite): key 'models[1].architecture': "))
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(root)/checkpoints") == ["mlp.h5"])
        #expect(try failure("checkpoints: [{name: gone, path: \(root)/none.h5}]")
            == "\(suite): key 'checkpoints[0].path': checkpoint \(root)/none.h5 does not exist")
        #expect(try failure("checkpoints: [{name: pt, path: \(root)/checkpoints/mlp.h5}]", dataset: "\(root)/none.h5")
            == "\(suite): key 'dataset': dataset file \(root)/none.h5 does not exist")
    }
}
