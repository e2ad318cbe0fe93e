import Data
import Foundation
import NN
import Testing
import Training
@testable import Bench

/// Runs validate on the holdout their checkpoint was trained without; checkpoints without one are
/// refused unless the suite opts in to carving; cached checkpoints from before holdouts are retrained.
@Suite(.serialized) struct HoldoutRunTests {
    static func reference(_ path: String) throws -> FileReference { FileReference(path: path, sha256: try sha256Hex(ofFile: path)) }

    static func spec(_ root: String, method: String = "dense", seed: UInt64 = 0, validation: ValidationSource? = nil) throws -> RunSpec {
        RunSpec(checkpoint: try reference("\(root)/checkpoints/mlp.h5"), dataset: try reference("\(root)/data/tiny.h5"),
                method: method, compression: 1, seed: seed, budget: TrainingBudget(steps: 2), validation: validation)
    }

    /// The error `body` throws, as text ("no error" when it throws none).
    static func failure(_ body: () throws -> Void) -> String {
        do { try body(); return "no error" } catch { return "\(error)" }
    }

    @Test func everyRunValidatesOnExactlyTheRecordedHoldoutAndTrainsOnTheRest() throws {
        let root = try RunnerTests.workspace()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let dataset = try DatasetFile.read(path: "\(root)/data/tiny.h5")
        let holdout = try #require(try Checkpoint.read(path: "\(root)/checkpoints/mlp.h5").validationHoldout())
        let held = try holdout.indices(in: dataset.train)
        let rest = (0..<dataset.train.count).filter { !held.contains($0) }
        #expect(held.count == 40)
        for seed: UInt64 in [0, 1, 7] {
            let runner = Runner(store: try ResultStore(path: "\(root)/results"))
            let data = try runner.sessionData(dataset, spec: try Self.spec(root, seed: seed))
            #expect(data.validation.labels == held.map { dataset.train.labels[$0] })
            #expect(data.validation.images.values == dataset.train.subset(held).images.values)
            #expect(data.training.images.values == dataset.train.subset(rest).images.values)
        }
        // Through a whole suite: every record's validation metrics count the 40 held-out examples.
        let result = try RunnerTests.runner(root).run(suitePath: "\(root)/suites/tiny.yaml")
        #expect(result.summary.failed == 0 && result.records.count == 10)
        #expect(result.records.allSatisfy { $0.metrics?.afterFineTuning.validation?.count == 40 && $0.spec.validation == nil })
    }

    @Test func aCheckpointWithoutAHoldoutIsRefusedUnlessItsEntryOptsInToCarving() throws {
        let root = try RunnerTests.workspace(holdout: false)
        defer { try? FileManager.default.removeItem(atPath: root) }
        let file = "\(root)/checkpoints/mlp.h5"
        // The suite stops before any run, naming the entry, the file and the way out.
        let suiteError = Self.failure { _ = try RunnerTests.runner(root).run(suitePath: "\(root)/suites/tiny.yaml") }
        #expect(suiteError.hasPrefix("\(root)/suites/tiny.yaml: key 'checkpoints[0].path': checkpoint \(file) records no "
            + "validation holdout (its `training` attribute has no `validationHoldout`)"))
        #expect(suiteError.contains("`validation: carve`"))
        let stored = FileManager.default.fileExists(atPath: "\(root)/results") ? try ResultStore(path: "\(root)/results").allRecords() : []
        #expect(stored.isEmpty)
        // A run planned elsewhere is refused by the runner itself.
        let runner = Runner(store: try ResultStore(path: "\(root)/results"))
        let run = try PlannedRun(spec: try Self.spec(root), labels: RunLabels(dataset: "tiny", model: "mlp", method: "dense"))
        #expect(Self.failure { _ = try runner.execute(run) { _ in } }.hasPrefix("checkpoint \(file) records no validation holdout"))

        // Opting in carves per seed from the whole training split, and says so in the run ids.
        let carving = try RunnerTests.workspace(holdout: false, validation: "carve")
        defer { try? FileManager.default.removeItem(atPath: carving) }
        let result = try RunnerTests.runner(carving).run(suitePath: "\(carving)/suites/tiny.yaml")
        #expect(result.summary.executed == 10 && result.summary.failed == 0)
        #expect(result.records.allSatisfy { $0.spec.validation == .carve && $0.metrics?.afterFineTuning.validation?.count == 40 })
        let dataset = try DatasetFile.read(path: "\(carving)/data/tiny.h5")
        let seed0 = try runner.sessionData(dataset, spec: try Self.spec(carving, seed: 0, validation: .carve))
        let seed1 = try runner.sessionData(dataset, spec: try Self.spec(carving, seed: 1, validation: .carve))
        #expect(seed0.training.count == 360 && seed0.validation.images.values != seed1.validation.images.values)
    }

    @Test func aHoldoutThatDoesNotMatchTheDatasetIsRefused() throws {
        let root = try RunnerTests.workspace()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let file = "\(root)/checkpoints/mlp.h5"
        var dataset = try DatasetFile.read(path: "\(root)/data/tiny.h5")
        let held = try #require(try Checkpoint.read(path: file).validationHoldout()).indices(in: dataset.train)
        let images = dataset.train.images.copy()
        images[flat: held[0] * 64] += 1
        dataset.train = ImageSplit(images: images, labels: dataset.train.labels)
        try DatasetFile.write(dataset, to: "\(root)/data/tiny.h5")
        let runner = Runner(store: try ResultStore(path: "\(root)/results"))
        let message = Self.failure { _ = try runner.sessionData(dataset, spec: try Self.spec(root)) }
        #expect(message.hasPrefix("\(file): its validation holdout does not match the training split of \(root)/data/tiny.h5: "
            + "the 40 held-out examples drawn from this dataset have SHA-256"))
        let suiteError = Self.failure { _ = try RunnerTests.runner(root).run(suitePath: "\(root)/suites/tiny.yaml") }
        #expect(suiteError.hasPrefix("\(root)/suites/tiny.yaml: key 'checkpoints[0].path': checkpoint \(file): its validation "
            + "holdout does not match the dataset"))
    }

    @Test func cachedCheckpointsWithoutTheHoldoutAreRetrained() throws {
        let root = try RunnerTests.workspace()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try """
            dataset: \(root)/data/tiny.h5
            models: [{name: small, architecture: {name: mlp, widths: [8]}, training: {steps: 3, batchSize: 32}}]
            methods: [dense]
            compressions: [2]
            seeds: [0]
            fineTuning: {steps: 1}
            """.write(toFile: "\(root)/suites/train.yaml", atomically: true, encoding: .utf8)
        let suite = try Suite.load(path: "\(root)/suites/train.yaml")
        var lines: [String] = []
        var preparer = SuitePreparer()
        preparer.checkpointDirectory = "\(root)/cache"
        preparer.log = { lines.append($0) }
        let path = try #require(try preparer.prepare(suite).inputs.models.first?.checkpoint.path)
        let trained = try Checkpoint.read(path: path)
        let holdout = try #require(try trained.validationHoldout())
        #expect(holdout.count == 40 && lines.contains { $0.hasPrefix("training small (3 steps, 40 examples held out") })
        // The same file as an older build wrote it: same weights, a training record without the holdout.
        let old = Checkpoint(tensors: trained.tensors, architecture: trained.architecture, dataset: trained.dataset,
                             training: #"{"recipe":{"steps":3,"batchSize":32}}"#)
        try old.write(to: path)
        lines = []
        #expect(try preparer.prepare(suite).inputs.models.first?.checkpoint.path == path)
        #expect(lines.contains("\(path) does not record the validation holdout it must have been trained without; retraining"))
        #expect(try Checkpoint.read(path: path).validationHoldout() == holdout)
        lines = []
        _ = try preparer.prepare(suite)
        #expect(lines == ["reusing \(path)"])
    }

    /// SILO's oracle keeps the peak rate whose candidate scores best on the validation split. On a dataset whose
    /// holdout examples show the next class's pattern, the candidate that learns (rate 0.2) is the worse one there,
    /// so an oracle that validates on the holdout keeps 0.0001; validating on examples carved from the training
    /// data (as before holdouts), it keeps 0.2.
    @Test func siloOracleSelectsOnTheHoldoutOnly() throws {
        func chosenRate(validation: String?) throws -> String {
            let root = try RunnerTests.workspace(seeds: "[0]", validation: validation, poisonHoldout: true,
                                                 checkpointRecipe: TrainingRecipe(steps: 1, batchSize: 32, optimizer: .sgd(lr: 1e-6)),
                                                 methods: "[{name: silo-oracle, configuration: {grid: [0.0001, 0.2], rate: 0.6}}]")
            defer { try? FileManager.default.removeItem(atPath: root) }
            let suite = try Suite.load(path: "\(root)/suites/tiny.yaml")
            var preparer = SuitePreparer()
            preparer.checkpointDirectory = "\(root)/checkpoints"
            let (inputs, dataset) = try preparer.prepare(suite)
            var runs = try suite.expand(inputs, catalog: try MethodCatalogEntry.registry())
            runs = runs.filter { $0.spec.compression == 2 }
            #expect(runs.count == 1)
            runs[0].spec.budget = TrainingBudget(steps: 30)
            let runner = Runner(store: try ResultStore(path: "\(root)/results"), datasets: [inputs.dataset.path: dataset])
            var phases: [String] = []
            _ = try runner.execute(try PlannedRun(spec: runs[0].spec, labels: runs[0].labels)) { phases.append($0) }
            return phases.first { $0.hasPrefix("silo-oracle: final max_lr") } ?? "no choice in \(phases)"
        }
        #expect(try chosenRate(validation: nil) == "silo-oracle: final max_lr 0.0001")
        #expect(try chosenRate(validation: "carve") == "silo-oracle: final max_lr 0.2")
    }
}
