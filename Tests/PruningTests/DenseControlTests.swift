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
