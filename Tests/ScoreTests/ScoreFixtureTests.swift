import Data
import NN
import Pruning
import Testing

/// `ScoreExport.compute` (the function `prunebench scores` calls) against PyTorch's scores and masks
/// (tools/score_fixtures.py) on LeNet-5, a batch-norm ResNet-20 and a narrow LeNet-300-100, at compression 8.
///
/// Tolerances: scores within 1e-4 · max |reference| per tensor (float32 against float64: the observed
/// worst is printed per case); masks equal except at entries whose reference score lies within that
/// tolerance of the reference's keep boundary (ties up to rounding). SynFlow's masks come from 100
/// rounds of re-scoring and re-ranking, where a rounding-level flip at the boundary of one round changes
/// the network every later round scores: up to 0.1 % of the prunable entries may differ.
@Suite struct ScoreFixtureTests {
    static let scoreTolerance = 1e-4
    static let synflowMaskTolerance = 1e-3

    @Test(arguments: ScoreFixture.models, ScoreFixture.methods)
    func scoresAndMasksMatchPyTorch(model name: String, method methodName: String) throws {
        let batch = try ScoreFixture.batch()
        let model = try ScoreFixture.model(name)
        let method = try MethodRegistry.method(named: methodName)
        let export = try ScoreExport.compute(method: method, model: model, examples: batch.train,
                                             normalization: batch.normalization, compression: ScoreFixture.compression)
        let reference = try ScoreFixture.reference(model: name, method: methodName)
        let names = export.scores.map(\.name)
        #expect(Set(names) == Set(reference.scores.keys), "\(name) \(methodName): scored parameters")
        #expect(abs((export.keepFraction ?? 0) - reference.keepFraction) < 1e-12, "\(name) \(methodName): keep fraction")

        var worst = 0.0
        for (parameter, scores) in export.scores {
            let error = ScoreFixture.relativeError(scores.values, reference.scores[parameter] ?? [])
            worst = max(worst, error)
            #expect(error <= Self.scoreTolerance, "\(name) \(methodName) \(parameter): relative error \(error)")
        }
        let masks = Dictionary(uniqueKeysWithValues: export.masks.map { ($0.name, $0.mask.values) })
        let differing = names.reduce(0) { count, parameter in
            count + zip(masks[parameter] ?? [], reference.masks[parameter] ?? []).filter { $0 != $1 }.count
        }
        if methodName == "synflow" {
            let total = export.scores.reduce(0) { $0 + $1.scores.count }
            #expect(Double(differing) <= Self.synflowMaskTolerance * Double(total),
                    "\(name) synflow: \(differing) of \(total) mask entries differ")
        } else {
            let scopes = methodName.hasPrefix("layer-") ? names.map { [$0] } : [names]
            for scope in scopes {
                let unexcused = ScoreFixture.unexcusedMaskDifferences(ours: masks, reference: reference, names: scope,
                                                                      tolerance: Self.scoreTolerance)
                #expect(unexcused.count == 0, "\(name) \(methodName) \(scope.count) tensor(s): masks differ beyond ties, first at \(Array(unexcused.prefix(5)))")
            }
        }
        print("scores \(name) \(methodName): worst relative error \(worst); \(differing) mask entries differ")
    }
}
