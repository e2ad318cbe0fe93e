import Data
import Foundation
import NN
import Pruning
import Testing
import Training
@testable import Bench

/// The dense run a checkpoint records, as IMP's fine-tuning and LR rewinding replay it: rate by rate against
/// the rates the original trainer actually used, and through the runner (cards `lottery-ticket-imp.md`,
/// `imp-slr.md`).
@Suite(.serialized) struct OriginalTrainingTests {
    /// 400 examples of 8×8 (4 classes by brightness pattern), as in `RunnerTests`.
    static func split(_ count: Int, seed: UInt64) -> ImageSplit {
        var random = SeededGenerator(seed: seed)
        var pixels: [Float] = [], labels: [Int32] = []
        for index in 0..<count {
            let label = index % 4
            for pixel in 0..<64 { pixels.append(Float(pixel / 16 == label ? 200 : 40) + random.nextUniform(0, 50)) }
            labels.append(Int32(label))
        }
        return ImageSplit(images: Tensor(shape: [count, 1, 8, 8], values: pixels), labels: labels)
    }

    static let normalization = Normalization(scale: 1 / 255, mean: [0.4], std: [0.3])
    static let architecture = Architecture(name: "mlp", classes: 4, inputChannels: 1, inputSize: [8, 8], widths: [32, 16])
    /// The dense recipe: 3 epochs of ⌈400/32⌉ = 13 steps, lr 0.1, per-step cosine to 0 (L = 39).
    static let recipe = TrainingRecipe(epochs: 3, batchSize: 32, optimizer: .sgd(lr: 0.1, momentum: 0.9), schedule: .cosine())

    /// The record the suite preparer wrote before engine 0.4.0 (steps and epochs inside `summary`), which
    /// `Checkpoint.originalRun()` still reads.
    struct LegacySuiteRecord: Encodable {
        var recipe: TrainingRecipe
        var summary: TrainingSummary
        var test: Evaluation
    }

    /// Trains the dense model, logging the learning rate of every step; returns it with a checkpoint holding
    /// the current `TrainingRecord` (`cli`) and one holding the legacy suite record (`suite`).
    static func trained() throws -> (model: Model, rates: [Float], suite: Checkpoint, cli: Checkpoint) {
        var random = SeededGenerator(seed: 1)
        let model = try Model(architecture, random: &random)
        let train = split(400, seed: 42)
        let trainer = try Trainer(network: model, train: train, normalization: normalization, recipe: recipe)
        var rates: [Float] = []
        trainer.hooks.afterStep = { rates.append($0.learningRate) }
        let summary = try trainer.run()
        let test = try evaluate(model: model, split: split(40, seed: 7), normalization: normalization)
        var suite = Checkpoint(tensors: model.stateDict())
        try suite.setArchitecture(architecture)
        try suite.setTraining(LegacySuiteRecord(recipe: recipe, summary: summary, test: test))
        var cli = suite
        try cli.setTraining(Training.TrainingRecord(recipe: recipe, summary: summary, test: test, threads: 1))
        return (model, rates, suite, cli)
    }

    /// A session for `method` from `model` on a smaller split at another batch size (fine-tuning batch 16).
    static func session(_ method: any PruningMethod, model: Model, original: OriginalRun?, budget: Int) throws -> Session {
        let data = SessionData(training: split(360, seed: 3), validation: split(40, seed: 4), normalization: normalization)
        var random = SeededGenerator(seed: 9)
        let copy = try Model(architecture, random: &random)
        try copy.load(stateDict: Dictionary(uniqueKeysWithValues: model.stateDict().map { ($0.name, $0.tensor.copy()) }))
        let session = try Session(method: method, model: copy, data: data, compression: 2, seed: 0, budget: budget,
                                  recipe: TrainingRecipe(batchSize: 16, optimizer: .sgd(lr: 0.001), schedule: .constant))
        session.originalTraining = original
        return session
    }

    /// The learning rates of every `train` call of `session` while `body` runs, one array per call.
    static func rates(of session: Session, _ body: () throws -> Void) rethrows -> [[Float]] {
        var calls: [[Float]] = []
        let model = session.model
        session.trainingAdjustment = { _ in
            calls.append([])
            return TrainingAdjustment(network: model, afterStep: { calls[calls.count - 1].append($0.learningRate) })
        }
        try body()
        return calls
    }

    @Test func bothRecordsGiveTheRunTheTrainerFollowed() throws {
        let (_, rates, suite, cli) = try Self.trained()
        #expect(rates.count == 39)
        for checkpoint in [suite, cli] {
            let run = try #require(try checkpoint.originalRun())
            #expect(run.steps == 39 && run.stepsPerEpoch == 13 && run.baseLR == 0.1 && run.schedule == .cosine())
            #expect((0..<39).map(run.learningRate(atStep:)) == rates)
        }
        #expect(try Checkpoint(tensors: []).originalRun() == nil)
    }

    @Test func lrRewindingReplaysTheRecordedRunsLastRates() throws {
        // Every call of t steps trains at the original trainer's rates of steps L − t + j (L = 39), bit for bit;
        // budget 180 gives cycles of 45 > L, which start with 45 − 39 steps at the first rate.
        let (model, rates, suite, _) = try Self.trained()
        let original = try #require(try suite.originalRun())
        for budget in [100, 180] {
            let session = try Self.session(IterativeMagnitude<IMPLRRewind>(), model: model, original: original, budget: budget)
            let calls = try Self.rates(of: session) { try session.execute() }
            #expect(calls.count >= 2 && calls.map(\.count).reduce(0, +) == budget)
            for (call, replayed) in calls.enumerated() {
                let t = replayed.count
                let expected = (0..<t).map { rates[max(39 - t + $0, 0)] }
                #expect(replayed == expected, "budget \(budget), call \(call) of \(t) steps")
            }
        }
    }

    @Test func fineTuningTrainsAtTheRecordedRunsFinalEpochMean() throws {
        // Per-step cosine: the mean of the original trainer's rates over its final epoch (steps 26–38).
        let (model, rates, suite, _) = try Self.trained()
        let session = try Self.session(IterativeMagnitude<IMPFineTune>(), model: model,
                                       original: try suite.originalRun(), budget: 40)
        let calls = try Self.rates(of: session) { try session.execute() }
        let expected = Float(rates[26..<39].reduce(0.0) { $0 + Double($1) } / 13)
        #expect(!calls.isEmpty && calls.joined().allSatisfy { $0 == expected }, "\(Set(calls.joined())) vs \(expected)")
        #expect(expected > 0.001 && expected < 0.01)
    }

    @Test func theRunnerGivesTheSessionTheCheckpointsRecord() throws {
        // imp-finetune on a checkpoint without a record (a PyTorch export, validated on a carved split) fails
        // and says why; on a checkpoint trained by the harness, which records its run, it runs.
        let bare = try RunnerTests.workspace(compressions: "[2]", seeds: "[0]", holdout: false, validation: "carve",
                                             methods: "[imp-finetune]")
        defer { try? FileManager.default.removeItem(atPath: bare) }
        let failed = try RunnerTests.runner(bare).run(suitePath: "\(bare)/suites/tiny.yaml")
        #expect(failed.summary.failed == 1)
        let records = try ResultStore(path: "\(bare)/results").allRecords()
        let failure = records.first { $0.spec.method == "imp-finetune" }?.failure ?? ""
        #expect(failure.contains("the checkpoint records none"), "\(failure)")

        let recorded = try RunnerTests.workspace(compressions: "[2]", seeds: "[0]", methods: "[imp-finetune]")
        defer { try? FileManager.default.removeItem(atPath: recorded) }
        let ran = try RunnerTests.runner(recorded).run(suitePath: "\(recorded)/suites/tiny.yaml")
        #expect(ran.summary.failed == 0 && ran.summary.executed == ran.summary.total) // imp-finetune and the dense control
    }
}
