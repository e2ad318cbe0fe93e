import Data
import Foundation
import NN
import Pruning
import Testing

/// GraSP's exported scores and masks against PyTorch's double backward (tools/score_fixtures.py), and its
/// Linear re-initialisation against scoring the re-drawn weights.
@Suite struct GraSPScoreTests {
    /// Scores within 1e-4 · max |reference| per tensor; masks equal except at ties up to that tolerance.
    @Test(arguments: ScoreFixture.graspCases)
    func scoresAndMasksMatchPyTorch(model name: String, group: String) throws {
        let batch = try ScoreFixture.batch()
        let reference = try ScoreFixture.reference(model: name, method: group)
        let method = try MethodRegistry.method(named: "grasp", configuration: Data(reference.configuration.utf8))
        let export = try ScoreExport.compute(method: method, model: try ScoreFixture.model(name), examples: batch.train,
                                             normalization: batch.normalization, compression: ScoreFixture.compression)
        #expect(export.ranking == .keepLowest)
        #expect(Set(export.scores.map(\.name)) == Set(reference.scores.keys))
        var worst = 0.0
        for (parameter, scores) in export.scores {
            let error = ScoreFixture.relativeError(scores.values, reference.scores[parameter] ?? [])
            worst = max(worst, error)
            #expect(error <= ScoreFixtureTests.scoreTolerance, "\(name) \(group) \(parameter): relative error \(error)")
        }
        let masks = Dictionary(uniqueKeysWithValues: export.masks.map { ($0.name, $0.mask.values) })
        let unexcused = ScoreFixture.unexcusedMaskDifferences(ours: masks, reference: reference, names: export.scores.map(\.name),
                                                              tolerance: ScoreFixtureTests.scoreTolerance, ranking: .keepLowest)
        #expect(unexcused.count == 0, "\(name) \(group): masks differ beyond ties, first at \(Array(unexcused.prefix(5)))")
        let differing = export.masks.reduce(0) { count, entry in
            count + zip(entry.mask.values, reference.masks[entry.name] ?? []).filter { $0 != $1 }.count
        }
        print("scores \(name) \(group): worst relative error \(worst); \(differing) mask entries differ")
    }

    /// The default re-initialisation scores the Linear weights re-drawn Xavier-normal from stream
    /// "grasp-reinit": bitwise the scores of re-initialisation off on a model holding those draws.
    @Test func reinitialisationScoresTheRedrawnLinearWeights() throws {
        let batch = try ScoreFixture.batch()
        let score = { (method: GraSP, model: Model) in
            try ScoreExport.compute(method: method, model: model, examples: batch.train, normalization: batch.normalization,
                                    seed: 5).scores
        }
        let original = try ScoreFixture.model("lenet5")
        let redrawn = try ScoreFixture.model("lenet5")
        var random = SeededGenerator(seed: 5).derived("grasp-reinit")
        GraSP.reinitialiseLinear(redrawn, random: &random)
        var off = GraSP.Configuration()
        off.reinitialiseLinear = false
        let withReinit = try score(GraSP(), original)
        #expect(zip(withReinit, try score(GraSP(configuration: off), redrawn)).allSatisfy { $0.scores.isBitwiseEqual(to: $1.scores) })
        #expect(!zip(withReinit, try score(GraSP(configuration: off), original)).allSatisfy { $0.scores.isBitwiseEqual(to: $1.scores) })
        // Xavier-normal: fc1 [120, 400] drawn with std √(2/520).
        let fc1 = redrawn.parameters.first { $0.name == "fc1.weight" }!.parameter.value.values.map(Double.init)
        let std = (fc1.map { $0 * $0 }.reduce(0, +) / Double(fc1.count)).squareRoot()
        #expect(abs(std / (2.0 / 520).squareRoot() - 1) < 0.02, "fc1 std \(std)")
        let conv1 = redrawn.parameters.first { $0.name == "conv1.weight" }!.parameter.value
        #expect(conv1.isBitwiseEqual(to: original.parameters.first { $0.name == "conv1.weight" }!.parameter.value))
    }

    /// The official threshold keeps S ≤ the k-th largest S, k = ⌊(1 − f)·N⌋: one removal fewer than the
    /// exact count, the boundary entry and its ties kept.
    @Test func officialThresholdKeepsTheBoundaryEntry() {
        let scores = [("a", Tensor(shape: [3], values: [0.5, -1, 2])), ("b", Tensor(shape: [3], values: [0.5, 3, -2]))]
        let official = GraSP.officialMasks(removalScores: scores, removing: 3)
        #expect(official.map(\.mask.values) == [[1, 1, 0], [1, 0, 1]])  // t = 0.5 (3rd largest), both 0.5 kept
        #expect(GraSP.officialMasks(removalScores: scores, removing: 0).allSatisfy { $0.mask.values.allSatisfy { $0 == 1 } })
        let exact = GraSP.masks(removalScores: scores, keeping: 3)
        #expect(exact.map(\.mask.values) == [[1, 1, 0], [0, 0, 1]])  // the three smallest; the tie to the earlier entry
    }
}
