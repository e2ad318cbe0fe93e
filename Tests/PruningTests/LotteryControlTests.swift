import NN
import Testing
import Pruning

/// The lottery-ticket controls branch from the same ticket: same mask (re-init), same per-layer counts (random prune).
@Suite struct LotteryControlTests {
    /// The lottery ticket of the fixture at seed 3 with a 30-step budget, after the method returned.
    private func ticket() throws -> Session {
        let session = try Fixtures.session(IterativeMagnitude<LotteryTicket>(), budget: 30)
        try session.method.run(session)
        return session
    }

    @Test func randomPruningKeepsEachLayersCountAndRewinds() throws {
        let ticket = try ticket()
        let control = try Fixtures.session(IterativeMagnitude<LotteryRandomPrune>(), budget: 30)
        let theta0 = control.snapshot()
        try control.method.run(control)
        #expect(control.budget.used == ticket.budget.used)
        for ((name, mask), (otherName, ticketMask)) in zip(control.masks, ticket.masks) {
            #expect(name == otherName)
            #expect(Mask.keptCount(mask) == Mask.keptCount(ticketMask), "\(name): per-layer count changed")
            #expect(!mask.isBitwiseEqual(to: ticketMask), "\(name): positions were not shuffled")
        }
        // Survivors hold θ_0, pruned entries are zero.
        for (name, mask) in control.masks {
            let value = try #require(control.model.parameters.first { $0.name == name }).parameter.value
            let saved = try #require(theta0.state.first { $0.name == name }).tensor
            #expect((0..<mask.count).allSatisfy { i in
                mask[flat: i] == 0 ? value[flat: i] == 0 : value[flat: i].bitPattern == saved[flat: i].bitPattern
            })
        }
    }

    /// open_lth's randomly_prune draws the kept positions uniformly inside each tensor: the fully connected
    /// layer's survivors (about 200 of 432) fall about half in each half of the tensor (hypergeometric,
    /// standard deviation about 5; the bound is 6 of them), and the ticket's own positions are not kept.
    @Test func randomPruningSpreadsTheSurvivorsUniformly() throws {
        let control = try Fixtures.session(IterativeMagnitude<LotteryRandomPrune>(), budget: 30)
        try control.method.run(control)
        let mask = try #require(control.masks.first { $0.name == "5.weight" }?.mask)
        let kept = Mask.keptCount(mask)
        let firstHalf = (0..<216).filter { mask[flat: $0] != 0 }.count
        #expect(kept > 100 && kept < 332)
        #expect(abs(Double(firstHalf) - Double(kept) / 2) <= 6 * (Double(kept) / 8).squareRoot(),
                "\(firstHalf) of \(kept) survivors in the first half")
    }

    @Test func reinitialisationKeepsTheMaskExactly() throws {
        let ticket = try ticket()
        let control = try Fixtures.session(IterativeMagnitude<LotteryReinit>(), budget: 30)
        let theta0 = control.snapshot()
        try control.method.run(control)
        #expect(control.masks.map(\.name) == ticket.masks.map(\.name))
        #expect(zip(control.masks, ticket.masks).allSatisfy { $0.mask.isBitwiseEqual(to: $1.mask) })
        // Every randomly initialised parameter (conv/linear weights and biases; batch norm starts at the
        // constants 1 and 0) is drawn afresh: none equals its θ_0, the ticket's starting point.
        var redrawn = 0
        for (name, parameter) in control.model.parameters {
            let saved = try #require(theta0.state.first { $0.name == name }).tensor
            guard Set(saved.values).count > 1 else { continue }
            redrawn += 1
            #expect(!parameter.value.isBitwiseEqual(to: saved), "\(name) was not re-initialised")
        }
        #expect(redrawn == 6)
    }

    @Test func oneShotPrunesOnceAfterOneCycle() throws {
        let session = try Fixtures.session(IterativeMagnitude<LotteryOneShot>(), budget: 30)
        try session.method.run(session)
        #expect(session.budget.used == 15) // one cycle of ⌊30/2⌋ before the single pruning
        #expect(abs(Double(session.keptCount) - (try session.keepFraction) * 468) <= 0.5)
    }
}
