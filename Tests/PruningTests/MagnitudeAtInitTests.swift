import NN
import Pruning
import Testing

/// The magnitude-at-initialisation control.
@Suite struct MagnitudeAtInitTests {
    @Test func magnitudeAtInitKeepsTheLargestInitialWeights() throws {
        let session = try Fixtures.session(MagnitudeAtInit(), compression: 3)
        let checkpoint = try Fixtures.model()
        #expect(!session.model.parameters[0].parameter.value.isBitwiseEqual(to: checkpoint.parameters[0].parameter.value))
        let initial = session.prunable.flatMap { $0.parameter.value.values.map(abs) }
        try session.execute { pruned in
            let target = try InitialisationScoring.keptCount(pruned)
            #expect(pruned.keptCount == target)
            let keep = pruned.masks.flatMap { $0.mask.values }
            let kept = zip(initial, keep).filter { $1 == 1 }.map(\.0)
            let removed = zip(initial, keep).filter { $1 == 0 }.map(\.0)
            #expect(!removed.isEmpty && (kept.min() ?? 0) >= (removed.max() ?? 0))
        }
    }
}
