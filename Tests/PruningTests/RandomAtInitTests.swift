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

    /// Like the other at-init controls it starts from the run's seeded initialisation (stream "init"), not
    /// the trained checkpoint: after pruning every kept entry holds that initialisation's value.
    @Test func startsFromTheSeededInitialisation() throws {
        let session = try Fixtures.session(RandomAtInit(), compression: 3)
        var random = session.random("init")
        let initial = try Model(Fixtures.architecture, random: &random).stateDict()
        let checkpoint = try Fixtures.model().stateDict()
        try session.method.run(session)
        let masks = Dictionary(uniqueKeysWithValues: session.masks)
        for (((name, now), (_, fresh)), (_, trained)) in zip(zip(session.model.stateDict(), initial), checkpoint) {
            let mask = masks[name]
            #expect((0..<now.count).allSatisfy { mask?[flat: $0] == 0 || now[flat: $0].bitPattern == fresh[flat: $0].bitPattern },
                    "\(name) is not the seeded initialisation")
            if Set(fresh.values).count > 1 { #expect(!now.isBitwiseEqual(to: trained), "\(name) is the checkpoint's") }
        }
    }
}
