import NN
import Pruning
import Testing

/// The dense control (the reference every pruned run is compared with).
@Suite struct DenseControlTests {
    /// It prunes nothing and fine-tunes the trained checkpoint itself for the whole budget: when fine-tuning
    /// starts, every parameter and buffer is the checkpoint's bit for bit.
    @Test func fineTunesTheCheckpointForTheWholeBudget() throws {
        let session = try Fixtures.session(DenseControl(), budget: 12)
        let checkpoint = try Fixtures.model().stateDict()
        try session.execute { pruned in
            #expect(pruned.budget.used == 0 && pruned.masks.isEmpty)
            #expect(pruned.model.stateDict().map(\.name) == checkpoint.map(\.name))
            for ((name, now), (_, saved)) in zip(pruned.model.stateDict(), checkpoint) {
                #expect(now.isBitwiseEqual(to: saved), "\(name) is not the checkpoint's")
            }
        }
        #expect(session.budget.used == 12 && session.density == 1)
    }
}

/// The from-initialisation control (the reference of every sparse-from-scratch method).
@Suite struct DenseScratchControlTests {
    /// It prunes nothing and trains a fresh initialisation from the run's seed for the whole budget: when
    /// training starts, no weight is the checkpoint's and every weight is what a from-initialisation method
    /// of the same seed starts from.
    @Test func trainsAFreshInitialisationForTheWholeBudget() throws {
        let session = try Fixtures.session(DenseScratchControl(), seed: 5, budget: 12)
        let checkpoint = Dictionary(uniqueKeysWithValues: try Fixtures.model().stateDict().map { ($0.name, $0.tensor) })
        let sameSeed = try Fixtures.session(RandomAtInit(), seed: 5, budget: 12)
        let initial = Dictionary(uniqueKeysWithValues: sameSeed.model.parameters.map { ($0.name, $0.parameter.value.copy()) })
        try session.execute { pruned in
            #expect(pruned.budget.used == 0 && pruned.masks.isEmpty)
            for (name, parameter) in pruned.model.parameters where parameter.value.shape.count > 1 {  // conv and linear weights
                let saved = try #require(checkpoint[name]), fresh = try #require(initial[name])
                #expect(!parameter.value.isBitwiseEqual(to: saved), "\(name) is the checkpoint's")
                #expect(parameter.value.isBitwiseEqual(to: fresh), "\(name) is not the seed's initialisation")
            }
        }
        #expect(session.budget.used == 12 && session.density == 1)
    }
}
