import NN
import Testing
import Training
@testable import Pruning

/// The from-initialisation track's `rescaled` setting: √(N_l/n_l) per masked layer, once, before the first step.
@Suite struct InitialisationScaleTests {
    /// A session of magnitude-at-init at 4× whose training steps change nothing (lr 0), so the weights
    /// after a step show exactly what the session did to them before it.
    static func session(_ scale: InitialisationScale) throws -> Session {
        let session = try Fixtures.session(MagnitudeAtInit(), compression: 4, budget: 4)
        session.initialisationScale = scale
        return session
    }

    static let frozen = TrainingRecipe(batchSize: 16, optimizer: .sgd(lr: 0))

    @Test func rescaledMultipliesEachMaskedLayerByTheSquareRootOfAllOverKept() throws {
        let session = try Self.session(.rescaled)
        try MagnitudeAtInit().run(session)
        let before = session.prunable.map { $0.parameter.value.copy() }
        try session.train(steps: 1, recipe: Self.frozen)
        for (entry, initial) in zip(session.prunable, before) {
            let mask = try #require(entry.parameter.mask)
            let kept = (0..<mask.count).filter { mask[flat: $0] != 0 }.count
            let factor = (Float(mask.count) / Float(kept)).squareRoot()
            #expect(kept < mask.count, "\(entry.name) is pruned at 4×")
            for i in 0..<initial.count {
                #expect(abs(entry.parameter.value[flat: i] - initial[flat: i] * factor) <= 1e-6 * max(1, abs(initial[flat: i])),
                        "\(entry.name)[\(i)]")
            }
        }
        // Only the first step after an initialisation rescales.
        let after = session.prunable.map { $0.parameter.value.copy() }
        try session.train(steps: 1, recipe: Self.frozen)
        for (entry, previous) in zip(session.prunable, after) {
            #expect((0..<previous.count).allSatisfy { entry.parameter.value[flat: $0] == previous[flat: $0] })
        }
    }

    @Test func denseKeepsTheInitialisation() throws {
        let session = try Self.session(.dense)
        try MagnitudeAtInit().run(session)
        let before = session.prunable.map { $0.parameter.value.copy() }
        try session.train(steps: 1, recipe: Self.frozen)
        for (entry, initial) in zip(session.prunable, before) {
            #expect((0..<initial.count).allSatisfy { entry.parameter.value[flat: $0] == initial[flat: $0] })
        }
    }

    @Test func aReinitialisationRescalesAgainButARewindDoesNot() throws {
        let session = try Self.session(.rescaled)
        try MagnitudeAtInit().run(session)
        let start = session.snapshot()
        try session.train(steps: 1, recipe: Self.frozen)
        try session.restore(start, keepingMasks: true)
        try session.train(steps: 1, recipe: Self.frozen)
        for (entry, saved) in zip(session.prunable, start.state.filter { name, _ in
            session.prunable.contains { $0.name == name } }.map(\.tensor)) {
            #expect((0..<saved.count).allSatisfy { entry.parameter.value[flat: $0] == saved[flat: $0] }, "\(entry.name)")
        }
        try session.reinitialise()
        let fresh = session.prunable.map { $0.parameter.value.copy() }
        try session.train(steps: 1, recipe: Self.frozen)
        let changed = zip(session.prunable, fresh).contains { entry, initial in
            (0..<initial.count).contains { entry.parameter.value[flat: $0] != initial[flat: $0] }
        }
        #expect(changed)
    }
}
