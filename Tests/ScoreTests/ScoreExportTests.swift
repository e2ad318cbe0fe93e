import Data
import Foundation
import NN
import Pruning
import Testing

/// The contract of the score export around the fixtures: the given batch replaces the methods' own
/// sampling, scoring leaves the model as it was, SynFlow reads no data, and methods without scores are refused.
@Suite struct ScoreExportTests {
    /// The methods' own batch settings (8 examples) give way to the whole given batch (40): the scores
    /// still match PyTorch's on all 40.
    @Test(arguments: ["global-gradient", "layer-activation", "snip"])
    func givenBatchReplacesTheMethodsSampling(method name: String) throws {
        let batch = try ScoreFixture.batch()
        let method = try MethodRegistry.method(named: name, configuration: Data(#"{"batchSize": 8}"#.utf8))
        let export = try ScoreExport.compute(method: method, model: try ScoreFixture.model("resnet20"),
                                             examples: batch.train, normalization: batch.normalization)
        let reference = try ScoreFixture.reference(model: "resnet20", method: name)
        for (parameter, scores) in export.scores {
            let error = ScoreFixture.relativeError(scores.values, reference.scores[parameter] ?? [])
            #expect(error <= ScoreFixtureTests.scoreTolerance, "\(name) \(parameter): relative error \(error)")
        }
        #expect(export.masks.isEmpty && export.compression == nil)
    }

    /// Scoring without a compression leaves every parameter and buffer (batch-norm statistics) bitwise as
    /// it was, so `run` after `scores` ranks the same network.
    @Test(arguments: ScoreFixture.methods)
    func scoringLeavesTheModelUnchanged(method name: String) throws {
        let batch = try ScoreFixture.batch()
        let model = try ScoreFixture.model("resnet20")
        let before = model.stateDict().map { ($0.name, $0.tensor.copy()) }
        _ = try ScoreExport.compute(method: try MethodRegistry.method(named: name), model: model,
                                    examples: batch.train, normalization: batch.normalization)
        for ((name, saved), (_, now)) in zip(before, model.stateDict()) {
            #expect(now.isBitwiseEqual(to: saved), "\(name) changed")
        }
        #expect(model.parameters.allSatisfy { $0.parameter.gradient.values.allSatisfy { $0 == 0 } })
    }

    /// SynFlow is data-free: another batch (the file's test split) gives bitwise the same scores.
    @Test func synflowIgnoresTheBatch() throws {
        let batch = try ScoreFixture.batch()
        let scores = { (examples: ImageSplit) in
            try ScoreExport.compute(method: SynFlow(), model: try ScoreFixture.model("lenet5"), examples: examples,
                                    normalization: batch.normalization).scores
        }
        let first = try scores(batch.train), second = try scores(batch.test)
        #expect(zip(first, second).allSatisfy { $0.scores.isBitwiseEqual(to: $1.scores) })
        let snip = { (examples: ImageSplit) in
            try ScoreExport.compute(method: SNIP(), model: try ScoreFixture.model("lenet5"), examples: examples,
                                    normalization: batch.normalization).scores
        }
        #expect(!zip(try snip(batch.train), try snip(batch.test)).allSatisfy { $0.scores.isBitwiseEqual(to: $1.scores) })
    }

    /// A method without per-weight scores is refused, naming the ones that have them.
    @Test func methodsWithoutScoresAreRefused() throws {
        let batch = try ScoreFixture.batch()
        #expect(throws: PruningError.noScores(method: "rigl", scoring: try ScoreExport.scoringMethods())) {
            try ScoreExport.compute(method: try MethodRegistry.method(named: "rigl"), model: try ScoreFixture.model("lenet5"),
                                    examples: batch.train, normalization: batch.normalization)
        }
        let scoring = try ScoreExport.scoringMethods()
        #expect(Set(ScoreFixture.methods).isSubset(of: Set(scoring)))
        #expect(!scoring.contains("random") && !scoring.contains("dense") && !scoring.contains("lottery-ticket"))
    }
}
