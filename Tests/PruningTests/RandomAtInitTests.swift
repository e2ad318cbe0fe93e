import NN
import Pruning
import Testing

/// The random-at-initialisation control.
@Suite struct RandomAtInitTests {
    @Test func randomAtInitIsExactAndSeeded() throws {
        func masks(seed: UInt64) throws -> (masks: [Tensor], kept: Int, target: Int) {
            let session = try Fixtures.session(RandomAtInit(), compression: 3, seed: seed)
            var target = -1
            try session.execute { target = try InitialisationScoring.keptCount($0) }
            return (session.masks.map(\.mask), session.keptCount, target)
        }
        let a = try masks(seed: 3), b = try masks(seed: 3), c = try masks(seed: 5)
        #expect(a.kept == a.target && c.kept == c.target)
        #expect(zip(a.masks, b.masks).allSatisfy { $0.isBitwiseEqual(to: $1) })
        #expect(!zip(a.masks, c.masks).allSatisfy { $0.isBitwiseEqual(to: $1) })
        // Not the magnitude mask: randomness, not weight size, decides.
        let magnitude = try Fixtures.session(MagnitudeAtInit(), compression: 3, seed: 3)
        try magnitude.execute()
        #expect(!zip(a.masks, magnitude.masks.map(\.mask)).allSatisfy { $0.isBitwiseEqual(to: $1) })
    }
}
