import Foundation
import NN
import Pruning
import Testing
import Training

/// The SET and RigL cards' tiny-network tests and the invariants of the drop/grow loop.
@Suite struct DynamicSparseTests {
    @Test func cosineDropFractionMatchesTheClosedForm() {
        // α = 0.3, T_end = 1000: 0.3, 0.15(1 + cos π/4) = 0.2561, 0.15, 0.15(1 − cos π/4) = 0.0439, 0.
        let expected = [0.3, 0.15 * (1 + 0.5.squareRoot()), 0.15, 0.15 * (1 - 0.5.squareRoot()), 0]
        for (t, value) in zip([0, 250, 500, 750, 1000], expected) {
            #expect(abs(DropSchedule.cosine.fraction(step: t, initial: 0.3, endStep: 1000) - value) < 1e-12)
        }
        #expect(abs(DropSchedule.cosine.fraction(step: 250, initial: 0.3, endStep: 1000) - 0.2561) < 5e-5)
        #expect(DropSchedule.constant.fraction(step: 700, initial: 0.3, endStep: 1000) == 0.3)
    }

    @Test func riglHandUpdate() {
        // W = [0.5, −0.1, 0, 0.3, 0, 0], mask [1,1,0,1,0,0], G = [0, 0, 0.9, 0, −0.2, 0.05], f = 0.34:
        // k = ⌊0.34·3⌋ = 1; drop index 1; grow index 2 (|0.9| largest among {1, 2, 4, 5}).
        let weight = Tensor(shape: [6], values: [0.5, -0.1, 0, 0.3, 0, 0])
        let mask = Tensor(shape: [6], values: [1, 1, 0, 1, 0, 0])
        let gradient = Tensor(shape: [6], values: [0, 0, 0.9, 0, -0.2, 0.05])
        let k = Int((0.34 * 3).rounded(.down))
        let dropped = DropGrow.dropSmallest(weight: weight, mask: mask, count: k)
        #expect(dropped.dropped == 1 && dropped.mask.values == [1, 0, 0, 1, 0, 0])
        let grown = DropGrow.growLargest(mask: dropped.mask, scores: gradient, count: 1)
        #expect(grown.values == [1, 0, 1, 1, 0, 0])
        #expect(DropGrow.grown(old: mask, new: grown).values == [0, 0, 1, 0, 0, 0])
    }

    @Test func setRemovesPerSignAndRegrowsAtEmptyPositions() {
        // Card test 2: active [−0.9, −0.5, −0.1, 0.05, 0.4, 0.8] plus three masked zeros, ζ = 0.5: round(1.5) = 2
        // per sign → removed {−0.5, −0.1, 0.05, 0.4}, kept {−0.9, 0.8}.
        let weight = Tensor(shape: [9], values: [-0.5, 0, 0.8, -0.1, 0, 0.05, -0.9, 0.4, 0])
        let mask = Tensor(shape: [9], values: [1, 0, 1, 1, 0, 1, 1, 1, 0])
        let result = DropGrow.dropPerSign(weight: weight, mask: mask, fraction: 0.5)
        #expect(result.dropped == 4)
        #expect(result.mask.values == [0, 0, 1, 0, 0, 0, 1, 0, 0])
        var random = SeededGenerator(seed: 1)
        let regrown = DropGrow.growRandomly(mask: result.mask, count: 4, random: &random)
        #expect(Mask.keptCount(regrown) == 6)
        #expect(regrown[flat: 2] == 1 && regrown[flat: 6] == 1) // kept connections stay; new ones are distinct
    }

    @Test func setDropCountsFollowEachSign() {
        // Three negative and five positive active weights, ζ = 0.5: round(1.5) = 2 negatives and round(2.5) = 3
        // positives closest to zero go (−0.1, −0.5; 0.05, 0.4, 0.6), so −0.9, 0.7 and 0.8 stay.
        let weight = Tensor(shape: [8], values: [-0.9, 0.05, -0.5, 0.8, 0.4, -0.1, 0.7, 0.6])
        let result = DropGrow.dropPerSign(weight: weight, mask: Mask.ones([8]), fraction: 0.5)
        #expect(result.dropped == 5)
        #expect(result.mask.values == [1, 0, 0, 1, 0, 0, 1, 0])
    }

    /// One RigL update through the rule `run` builds, against a naive reference on every layer of the fixture:
    /// the k = ⌊α·n⌋ active weights of smallest |w| are dropped and the k positions inactive after the drop with
    /// the largest |gradient| are grown (α = 0.3 at step 0; conv keeps 5 weights, so k = 1, not ⌈1.5⌉).
    @Test func riglUpdateDropsTheSmallestWeightsAndGrowsTheLargestGradients() throws {
        let session = try Fixtures.session(RigL(), compression: 4, budget: 12)
        try DynamicSparseTraining.setInitialMasks(session, distribution: .uniform)
        var random = SeededGenerator(seed: 11)
        var gradients: [String: Tensor] = [:], expected: [String: [Float]] = [:], drops: [Int] = []
        for entry in session.prunable {
            let mask = try #require(entry.parameter.mask), w = entry.parameter.value
            let g = Tensor(shape: mask.shape, values: (0..<mask.count).map { _ in random.nextNormal() })
            gradients[entry.name] = g
            let active = (0..<mask.count).filter { mask[flat: $0] != 0 }
            let k = Int(0.3 * Double(active.count))
            let dropped = Set(active.sorted { (abs(w[flat: $0]), $0) < (abs(w[flat: $1]), $1) }.prefix(k))
            let candidates = (0..<mask.count).filter { mask[flat: $0] == 0 || dropped.contains($0) }
            let grown = Set(candidates.sorted { (-abs(g[flat: $0]), $0) < (-abs(g[flat: $1]), $1) }.prefix(k))
            expected[entry.name] = (0..<mask.count).map { i in
                (mask[flat: i] != 0 && !dropped.contains(i)) || grown.contains(i) ? 1 : 0
            }
            drops.append(k)
        }
        #expect(drops == [1, 19])
        let engine = DynamicSparseTraining(session: session, rule: try RigL().rule(steps: 12))
        let update = try engine.update(step: 0, gradients: gradients)
        #expect(update.fraction == 0.3 && update.layers.map(\.dropped) == drops)
        for (name, mask) in session.masks { #expect(mask.values == expected[name], "\(name)") }
    }

    /// One SET update through the rule `run` builds: on every layer round(ζ·n₋) negative and round(ζ·n₊)
    /// positive active weights closest to zero are dropped, the others stay, and as many are regrown at
    /// positions inactive after the drop (ζ = 0.3).
    @Test func setUpdateDropsPerSignAndRegrowsAsMany() throws {
        let session = try Fixtures.session(SET(), compression: 4, budget: 12)
        try DynamicSparseTraining.setInitialMasks(session, distribution: .uniform)
        let before = try session.prunable.map { ($0.parameter.value.copy(), try #require($0.parameter.mask).copy()) }
        let update = try DynamicSparseTraining(session: session, rule: try SET().rule(steps: 12, epochSteps: 6)).update(step: 0)
        for (entry, (w, mask)) in zip(session.prunable, before) {
            let active = (0..<mask.count).filter { mask[flat: $0] != 0 }
            let negative = active.filter { w[flat: $0] < 0 }.sorted { (-w[flat: $0], $0) < (-w[flat: $1], $1) }
            let positive = active.filter { w[flat: $0] > 0 }.sorted { (w[flat: $0], $0) < (w[flat: $1], $1) }
            let dropped = Set(negative.prefix(Int((0.3 * Double(negative.count)).rounded()))
                + positive.prefix(Int((0.3 * Double(positive.count)).rounded())) + active.filter { w[flat: $0] == 0 })
            let now = try #require(entry.parameter.mask)
            #expect(update.layers.first { $0.name == entry.name }?.dropped == dropped.count, "\(entry.name)")
            #expect(active.allSatisfy { dropped.contains($0) || now[flat: $0] == 1 }, "\(entry.name): a survivor was dropped")
            let grown = (0..<now.count).filter { now[flat: $0] != 0 && (mask[flat: $0] == 0 || dropped.contains($0)) }
            #expect(grown.count == dropped.count && Mask.keptCount(now) == active.count, "\(entry.name)")
        }
    }

    /// Runs `rule` (built by the method under test) through the engine on the fixture (compression 4,
    /// 12 steps, SGD with momentum), checking the invariants at every update; returns the updates and
    /// the session.
    private func checkedRun(_ rule: DropGrowRule, distribution: SparsityDistribution, method: any PruningMethod,
                            seed: UInt64 = 3) throws -> (updates: [MaskUpdate], session: Session, previouslyActiveGrown: Int) {
        let session = try Fixtures.session(method, compression: 4, seed: seed, budget: 12)
        try DynamicSparseTraining.setInitialMasks(session, distribution: distribution)
        let initial = session.prunable.map { Mask.keptCount($0.parameter.mask ?? Tensor(zeros: [0])) }
        let everActive = session.prunable.map { $0.parameter.mask?.copy() ?? Tensor(zeros: [0]) }
        var updates: [MaskUpdate] = []
        var previouslyActiveGrown = 0
        let engine = DynamicSparseTraining(session: session, rule: rule)
        engine.onUpdate = { update in
            updates.append(update)
            // The parameter count of every layer is the initial one after every update.
            #expect(session.prunable.map { Mask.keptCount($0.parameter.mask ?? Tensor(zeros: [0])) } == initial)
            for layer in update.layers {
                #expect(layer.activeBefore == layer.activeAfter)
                guard let index = session.prunable.firstIndex(where: { $0.name == layer.name }) else { continue }
                let parameter = session.prunable[index].parameter
                let momentum = session.currentTrainer?.optimizer.state(for: layer.name).first?.tensor
                for i in 0..<layer.grown.count where layer.grown[flat: i] != 0 {
                    #expect(parameter.value[flat: i] == 0, "grown weight not zero")
                    #expect(momentum.map { $0[flat: i] == 0 } ?? true, "grown weight's momentum not reset")
                    if everActive[index][flat: i] != 0 { previouslyActiveGrown += 1 }
                }
                // Connections that stay active keep their optimizer state: only the grown ones are reset.
                if let momentum, let mask = parameter.mask {
                    let kept = (0..<mask.count).filter { mask[flat: $0] != 0 && layer.grown[flat: $0] == 0 }
                    #expect(kept.contains { momentum[flat: $0] != 0 }, "\(layer.name): surviving momentum reset")
                }
                if let mask = parameter.mask {
                    for i in 0..<mask.count where mask[flat: i] != 0 { everActive[index][flat: i] = 1 }
                }
            }
        }
        try engine.train(steps: 12, phase: "test")
        return (updates, session, previouslyActiveGrown)
    }

    @Test func riglKeepsTheParameterCountAndResetsGrownWeights() throws {
        var configuration = RigL.Configuration()
        configuration.updateInterval = 2
        let rigl = RigL(configuration: configuration)
        let run = try checkedRun(try rigl.rule(steps: 12), distribution: .erdosRenyiKernel, method: rigl)
        // Updates after steps 2, 4, 6, 8 (≤ T_end = ⌊0.75·12⌋ = 9); none after T_end.
        #expect(run.updates.map(\.step) == [2, 4, 6, 8])
        #expect(run.updates.contains { $0.layers.contains { Mask.keptCount($0.grown) > 0 } })
        for update in run.updates {
            #expect(update.fraction == DropSchedule.cosine.fraction(step: update.step, initial: 0.3, endStep: 9))
        }
    }

    @Test func setKeepsTheParameterCountAndResetsMomentum() throws {
        var configuration = SET.Configuration()
        configuration.updateInterval = 2
        let set = SET(configuration: configuration)
        let run = try checkedRun(try set.rule(steps: 12, epochSteps: 6), distribution: .erdosRenyi, method: set)
        #expect(run.updates.map(\.step) == [2, 4, 6, 8, 10]) // never after the last step
        // Some grown connections were active before (so they had momentum to reset).
        #expect(run.previouslyActiveGrown > 0)
        for update in run.updates { #expect(update.fraction == 0.3) }
    }

    /// The cards' defaults, as `run` builds its rule: RigL drops the smallest |w| and grows by gradient, α = 0.3
    /// with cosine decay, every ΔT = 100 steps up to T_end = 75 % of the budget; SET drops per sign and grows
    /// at random, ζ = 0.3 constant, every epoch until the end.
    @Test func rulesFollowTheCards() throws {
        #expect(try RigL().rule(steps: 1000) == DropGrowRule(drop: .smallestMagnitude, growth: .gradient, fraction: 0.3,
                                                            schedule: .cosine, interval: 100, endStep: 750))
        #expect(try SET().rule(steps: 1000, epochSteps: 6) == DropGrowRule(drop: .perSign, growth: .random, fraction: 0.3,
                                                                          schedule: .constant, interval: 6, endStep: 1000))
    }

    @Test func sameSeedSameResultDifferentSeedDifferent() throws {
        for method in [RigL(configuration: { var c = RigL.Configuration(); c.updateInterval = 2; return c }()) as any PruningMethod,
                       SET(configuration: { var c = SET.Configuration(); c.updateInterval = 2; return c }()),
                       SupTickets(configuration: { var c = SupTickets.Configuration(); c.cycleSteps = 3; c.cycleRate = 0.5
                                                   c.rigl.updateInterval = 2; return c }())] {
            func run(seed: UInt64) throws -> [Tensor] {
                let session = try Fixtures.session(method, compression: 4, seed: seed, budget: 12)
                try session.execute()
                return session.masks.map(\.mask) + session.model.parameters.map(\.parameter.value)
            }
            let a = try run(seed: 3), b = try run(seed: 3), c = try run(seed: 5)
            #expect(zip(a, b).allSatisfy { $0.isBitwiseEqual(to: $1) })
            #expect(!zip(a, c).allSatisfy { $0.isBitwiseEqual(to: $1) })
        }
    }

    @Test func badConfigurationsThrowNamingTheField() throws {
        var rigl = RigL.Configuration()
        rigl.updateInterval = 0
        #expect(throws: PruningError.badConfiguration(method: "rigl", reason: "updateInterval must be ≥ 1, got 0")) {
            try Fixtures.session(RigL(configuration: rigl)).execute()
        }
        var set = SET.Configuration()
        set.zeta = 1.5
        #expect(throws: PruningError.self) { try Fixtures.session(SET(configuration: set)).execute() }
    }
}
