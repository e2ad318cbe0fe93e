import Foundation
import NN
import Testing
import Pruning
import Training

/// The card's tiny-network tests of iterative magnitude pruning and the exactness of rewinding.
@Suite struct IterativePlanTests {
    @Test func layerwiseRuleRemovesTheSmallestSurvivors() throws {
        // p = 0.4 on 5 weights: round 1 keeps round(5·0.6) = 3, removing |−0.05| (index 3) and |−0.1| (index 1);
        // round 2 keeps round(5·0.36) = round(1.8) = 2, removing |0.3| (index 2) of the survivors.
        let weight = Tensor(shape: [5], values: [0.5, -0.1, 0.3, -0.05, 0.9])
        let plan = try IterativePlan(sizes: [5], rates: [0.4], keepFraction: 0.2)
        #expect(plan.rounds == 4) // log 0.2 / log 0.6 = 3.15
        #expect(plan.keptCount(group: 0, afterRound: 1) == 3)
        let first = IterativePruning.pruneSmallest(weights: [weight], masks: [Mask.ones([5])],
                                                   keeping: plan.keptCount(group: 0, afterRound: 1))
        #expect(first[0].values == [1, 0, 1, 0, 1])
        #expect(plan.keptCount(group: 0, afterRound: 2) == 2)
        let second = IterativePruning.pruneSmallest(weights: [weight], masks: first,
                                                    keeping: plan.keptCount(group: 0, afterRound: 2))
        #expect(second[0].values == [1, 0, 0, 0, 1])
        #expect(plan.keptCount(group: 0, afterRound: 4) == 1) // the last round lands on f·5 = 1
    }

    @Test func globalRuleCanCollapseALayer() throws {
        // A = [1, 2, 3, 4], B = [0.1, 0.2], p = 0.5: keep 3 of 6, removing 0.1, 0.2 and 1; B is emptied.
        let a = Tensor(shape: [4], values: [1, 2, 3, 4]), b = Tensor(shape: [2], values: [0.1, 0.2])
        let plan = try IterativePlan(sizes: [6], rates: [0.5], keepFraction: 0.25)
        let masks = IterativePruning.pruneSmallest(weights: [a, b], masks: [Mask.ones([4]), Mask.ones([2])],
                                                   keeping: plan.keptCount(group: 0, afterRound: 1))
        #expect(masks[0].values == [0, 1, 1, 1])
        #expect(masks[1].values == [0, 0])
        #expect(IterativePruning.collapsed([("A", masks[0]), ("B", masks[1])]) == "B")
        #expect(IterativePruning.collapsed([("A", masks[0])]) == nil)
    }

    @Test func tiesAreBrokenByPositionAndExactlyTheCountIsRemoved() {
        let a = Tensor(shape: [3], values: [1, 1, 2]), b = Tensor(shape: [2], values: [1, 1])
        let masks = IterativePruning.pruneSmallest(weights: [a, b], masks: [Mask.ones([3]), Mask.ones([2])], keeping: 2)
        #expect(masks[0].values == [0, 0, 1])
        #expect(masks[1].values == [0, 1])
    }

    @Test func densityAfterEachRoundIsTheCompoundedRate() throws {
        var random = SeededGenerator(seed: 5)
        let shapes = [[30, 20], [17], [9, 4, 3]]
        let weights = shapes.map { shape in
            Tensor(shape: shape, values: (0..<shape.reduce(1, *)).map { _ in random.nextNormal() })
        }
        let total = shapes.map { $0.reduce(1, *) }.reduce(0, +)
        let plan = try IterativePlan(sizes: [total], rates: [0.2], keepFraction: 0.03)
        #expect(plan.rounds == 16) // ⌈log 0.03 / log 0.8⌉ = ⌈15.7⌉
        var masks = shapes.map { Mask.ones($0) }
        for round in 1...plan.rounds {
            masks = IterativePruning.pruneSmallest(weights: weights, masks: masks,
                                                   keeping: plan.keptCount(group: 0, afterRound: round))
            let kept = Double(masks.map(Mask.keptCount).reduce(0, +))
            let expected = Double(total) * (round < plan.rounds ? pow(0.8, Double(round)) : 0.03)
            #expect(abs(kept - expected) <= 1, "round \(round): kept \(kept), expected \(expected)")
        }
    }

    @Test func cappedRoundsPruneInEqualSteps() throws {
        // ρ* = log 0.01 / log 0.8 ≈ 20.6 rounds at p = 0.2; capped at 5, each round keeps 0.01^(1/5) ≈ 0.398.
        let plan = try IterativePlan(sizes: [1000], rates: [0.2], keepFraction: 0.01, maxRounds: 5)
        #expect(plan.rounds == 5)
        #expect((1...5).map { plan.keptCount(group: 0, afterRound: $0) } == [398, 158, 63, 25, 10])
    }

    @Test func layerwiseRatesReachTheTargetTogether() throws {
        // Two layers at 0.2 and the classifier at 0.1: the last round's exponent meets f·N overall.
        let plan = try IterativePlan(sizes: [1000, 400, 50], rates: [0.2, 0.2, 0.1], keepFraction: 0.1)
        let kept = (0..<3).map { plan.keptCount(group: $0, afterRound: plan.rounds) }.reduce(0, +)
        #expect(abs(Double(kept) - 145) <= 1.5)
        #expect(plan.keptCount(group: 2, afterRound: 1) == 45)
        #expect(throws: IterativePruningError.self) { try IterativePlan(sizes: [5], rates: [1], keepFraction: 0.5) }
    }
}

@Suite struct IterativeMagnitudeTests {
    /// Every parameter and buffer equals `saved` bit for bit, except pruned weights, which are zero.
    private func expectRewound(_ session: Session, to saved: SessionSnapshot) {
        let masks = Dictionary(uniqueKeysWithValues: session.masks.map { ($0.name, $0.mask) })
        for ((name, live), (_, original)) in zip(session.model.stateDict(), saved.state) {
            if let mask = masks[name] {
                let ok = (0..<live.count).allSatisfy { i in
                    mask[flat: i] == 0 ? live[flat: i] == 0
                        : live[flat: i].bitPattern == original[flat: i].bitPattern
                }
                #expect(ok, "\(name): a surviving weight differs from its saved value or a pruned one is not 0")
            } else {
                #expect(live.isBitwiseEqual(to: original), "\(name) was not rewound bit for bit")
            }
        }
    }

    @Test func lotteryTicketRewindsEveryStateToInitialisation() throws {
        let session = try Fixtures.session(IterativeMagnitude<LotteryTicket>(), budget: 30)
        let theta0 = session.snapshot()
        try session.method.run(session)
        #expect(session.budget.used == 4 * 6) // R = 4 rounds of cycle ⌊30/5⌋ = 6, the last cycle left to fine-tuning
        #expect(session.masks.map(\.name) == ["0.weight", "5.weight"])
        #expect(abs(Double(session.keptCount) - (try session.keepFraction) * 468) <= 0.5)
        expectRewound(session, to: theta0)
    }

    @Test func weightRewindingReturnsToThetaK() throws {
        var configuration = IMPConfiguration<IMPRewind>()
        configuration.rewindSteps = 3
        let session = try Fixtures.session(IterativeMagnitude<IMPRewind>(configuration: configuration), budget: 30)
        try session.method.run(session)
        #expect(session.budget.used == 3 + 4 * 5) // cycle ⌊27/5⌋ = 5
        // θ_k independently: the same seed's first training call, k = 3 steps at the constant base rate.
        let reference = try Fixtures.session(IterativeMagnitude<IMPRewind>(configuration: configuration), budget: 30)
        try reference.train(steps: 3, recipe: IterativeMagnitude<IMPRewind>.rewindRecipe(reference.recipe))
        let thetaK = reference.snapshot()
        #expect(!thetaK.state[0].tensor.isBitwiseEqual(to: try Fixtures.session(IterativeMagnitude<IMPRewind>()).snapshot().state[0].tensor))
        expectRewound(session, to: thetaK)
    }

    /// imp-rewind's default k (Frankle et al. 2019: early in training, not at initialisation) is
    /// max(1, round(0.02 · budget / (R + 1))): with a 600-step budget and R = 4 rounds, 2 steps; the surviving
    /// weights are rewound to θ_k, never to θ_0.
    @Test func defaultRewindPointIsAfterTheFirstStepsNotInitialisation() throws {
        let session = try Fixtures.session(IterativeMagnitude<IMPRewind>(), budget: 600)
        let theta0 = session.snapshot()
        try session.method.run(session)
        let first = try #require(session.trainingLog.first)
        #expect(first.phase == "imp to θ_k" && first.steps == 2, "\(session.trainingLog.map { ($0.phase, $0.steps) })")
        let reference = try Fixtures.session(IterativeMagnitude<IMPRewind>(), budget: 600)
        try reference.train(steps: 2, recipe: IterativeMagnitude<IMPRewind>.rewindRecipe(reference.recipe))
        expectRewound(session, to: reference.snapshot())
        #expect(!reference.snapshot().state[0].tensor.isBitwiseEqual(to: theta0.state[0].tensor))
    }

    @Test func prunedWeightsStayZeroThroughTrainingWithMomentumAndWeightDecay() throws {
        let session = try Fixtures.session(IterativeMagnitude<LotteryTicket>(), budget: 30)
        var forwardPassesWithLiveWeights = 0, steps = 0
        let check = TrainingHooks(afterBackward: { _ in
            steps += 1
            let live = session.masks.contains { name, mask in
                guard let value = session.model.parameters.first(where: { $0.name == name })?.parameter.value else { return true }
                return (0..<mask.count).contains { mask[flat: $0] == 0 && value[flat: $0] != 0 }
            }
            if live { forwardPassesWithLiveWeights += 1 }
        })
        try session.execute(fineTuningHooks: check)
        #expect(steps == 6)
        #expect(forwardPassesWithLiveWeights == 0)
        #expect(session.budget.used == 30)
    }

    @Test func fineTuningRetrainsAtTheOriginalRunsFinalRate() throws {
        // Budget 13, R = 4, cycle ⌊13/4⌋ = 3: rounds 2–4 retrain 3 steps each, the final training 4 steps. The
        // fixture's recorded run decays every step (cosine over 60 steps of 6 per epoch), so its final rate is
        // the mean of its final epoch: (1/6)·Σ_{i=54}^{59} 0.05·(1 + cos(π·i/60)) ≈ 0.0010336.
        let session = try Fixtures.session(IterativeMagnitude<IMPFineTune>(), budget: 13)
        let rates = Fixtures.recordRates(session)
        try session.execute { pruned in #expect(pruned.budget.used == 3 * 3) }
        let expected = (54..<60).map(Fixtures.originalRate).reduce(0, +) / 6
        #expect(rates.calls.map(\.count) == [3, 3, 3, 4])
        for rate in rates.calls.joined() { #expect(abs(Double(rate) - expected) < 1e-9, "\(rate), expected \(expected)") }
        #expect(abs(expected - 0.0010336) < 1e-6)
        // `fineTuningLR` overrides the record.
        var configuration = IMPConfiguration<IMPFineTune>()
        configuration.fineTuningLR = 0.02
        let given = try Fixtures.session(IterativeMagnitude<IMPFineTune>(configuration: configuration), budget: 13)
        let givenRates = Fixtures.recordRates(given)
        try given.execute()
        #expect(Set(givenRates.calls.joined()) == [0.02])
    }

    @Test func lrRewindingReplaysTheOriginalRunsLastRates() throws {
        // Each call of t steps trains at η_orig(L − t + j), j = 0..<t, L = 60: cycles of 3, the final one of 4.
        let session = try Fixtures.session(IterativeMagnitude<IMPLRRewind>(), budget: 13)
        let rates = Fixtures.recordRates(session)
        try session.execute()
        #expect(rates.calls.map(\.count) == [3, 3, 3, 4])
        for (call, replayed) in rates.calls.enumerated() {
            let t = replayed.count
            for (j, rate) in replayed.enumerated() {
                let expected = Fixtures.originalRate(60 - t + j)
                #expect(abs(Double(rate) - expected) <= 1e-6 * expected, "call \(call) step \(j): \(rate), expected \(expected)")
            }
        }
    }

    /// `imp-slr`, run by its registry name, retrains every round on the original schedule squeezed into the
    /// round (card `imp-slr.md`): a warm-up over w = ⌊n/10⌋ steps to η_max, then η_orig(j·L/m) for the
    /// m = n − w other steps, with L = 60 the recorded run's steps (not LLR's straight line, nor CLR's cosine).
    @Test func impSLRReplaysTheOriginalScheduleSqueezedIntoEachRound() throws {
        let session = try Fixtures.session(try MethodRegistry.method(named: "imp-slr"), budget: 60)
        let rates = Fixtures.recordRates(session)
        try session.method.run(session)
        let rounds = rates.calls.filter { $0.count >= 10 }
        #expect(!rounds.isEmpty)
        for (call, replayed) in rounds.enumerated() {
            let n = replayed.count, w = n / 10, m = n - w
            // The recorded run's per-step cosine read at time j·L/m (its rate between steps is the same cosine).
            func original(_ time: Double) -> Double { 0.05 * (1 + cos(Double.pi * time / 60)) }
            let warmup: [Double] = (0..<w).map { 0.1 * Double($0) / Double(w) }
            let squeezed: [Double] = (0..<m).map { original(Double($0) * 60 / Double(m)) }
            let expected = warmup + squeezed
            for (j, (rate, want)) in zip(replayed, expected).enumerated() {
                #expect(abs(Double(rate) - want) <= 1e-6 * max(want, 1e-3), "round \(call) step \(j): \(rate), expected \(want)")
            }
        }
    }

    /// `imp-clr`, run by its registry name: warm-up, then a cosine from η_max = 0.1 down to η_min, the recorded
    /// run's smallest rate after its warm-up (its last step, 0.05·(1 + cos(59π/60)) ≈ 6.9e-5) — not SLR's replay of
    /// the recorded cosine, which ends at 0 (on a cosine record the two differ only by η_min, so the tolerance is tight).
    @Test func impCLRDecaysByCosineToTheRecordedMinimum() throws {
        let session = try Fixtures.session(try MethodRegistry.method(named: "imp-clr"), budget: 60)
        let rates = Fixtures.recordRates(session)
        try session.method.run(session)
        let rounds = rates.calls.filter { $0.count >= 10 }
        #expect(!rounds.isEmpty)
        let minimum = 0.05 * (1 + cos(Double.pi * 59 / 60))
        for (call, replayed) in rounds.enumerated() {
            let n = replayed.count, w = n / 10, m = n - w
            let warmup: [Double] = (0..<w).map { 0.1 * Double($0) / Double(w) }
            let cosine: [Double] = (0..<m).map { minimum + (0.1 - minimum) * (1 + cos(Double.pi * Double($0) / Double(m))) / 2 }
            for (j, (rate, want)) in zip(replayed, warmup + cosine).enumerated() {
                #expect(abs(Double(rate) - want) <= 1e-6 * want + 1e-9, "round \(call) step \(j): \(rate), expected \(want)")
            }
        }
    }

    @Test func theOriginalRunComesFromTheConfigurationOrTheRecordOrTheRunFails() throws {
        // No record and no `original`: the rules that read the original run fail before training.
        for method in [IterativeMagnitude<IMPLRRewind>() as any PruningMethod, IterativeMagnitude<IMPFineTune>(),
                       IterativeMagnitude<IMPSLR>(), IterativeMagnitude<BIMP>()] {
            let session = try Fixtures.session(method, budget: 13, recorded: false)
            #expect(throws: IterativePruningError.self) { try session.execute() }
            #expect(session.budget.used == 0, "\(type(of: method).name)")
        }
        // `original` overrides the record: 0.05 constant for 20 epochs (of the session's 6 steps).
        var configuration = IMPConfiguration<IMPLRRewind>()
        configuration.original = OriginalTraining()
        configuration.original?.lr = 0.05
        configuration.original?.schedule = .constant
        configuration.original?.epochs = 20
        for recorded in [true, false] {
            let session = try Fixtures.session(IterativeMagnitude<IMPLRRewind>(configuration: configuration), budget: 13,
                                               recorded: recorded)
            let rates = Fixtures.recordRates(session)
            try session.execute()
            #expect(Set(rates.calls.joined()) == [0.05])
        }
    }

    @Test func configurationsBeyondTheBudgetFailBeforeTraining() throws {
        var configuration = IMPConfiguration<LotteryTicket>()
        configuration.cycleSteps = 3
        configuration.fitRoundsToBudget = false
        let session = try Fixtures.session(IterativeMagnitude<LotteryTicket>(configuration: configuration), budget: 12)
        #expect(throws: IterativePruningError.budget(method: "lottery-ticket", needed: 15, total: 12,
                                                     detail: "rewind k = 0 + (4 rounds + final training) × cycle 3")) {
            try session.execute()
        }
        #expect(session.budget.used == 0)
        let tooSmall = try Fixtures.session(IterativeMagnitude<IMPLRRewind>(), budget: 0)
        #expect(throws: IterativePruningError.self) { try tooSmall.execute() }
        #expect(tooSmall.budget.used == 0)
    }

    @Test func layerCollapseIsReportedAndCanStopTheRun() throws {
        // Compression 8 keeps ≈ 3 of 468 weights: global scope empties a tensor on the fixture.
        var phases: [String] = []
        let session = try Fixtures.session(IterativeMagnitude<LotteryTicket>(), compression: 8)
        session.reporter = { phases.append($0.phase) }
        try session.execute()
        #expect(phases.contains { $0.hasPrefix("imp layer collapse: ") })
        var configuration = IMPConfiguration<LotteryTicket>()
        configuration.stopOnLayerCollapse = true
        let strict = try Fixtures.session(IterativeMagnitude<LotteryTicket>(configuration: configuration), compression: 8)
        #expect(throws: IterativePruningError.self) { try strict.execute() }
    }

    @Test func layerwiseScopeGivesTheClassifierHalfTheRate() throws {
        var configuration = IMPConfiguration<IMPLRRewind>()
        configuration.scope = .layerwise
        configuration.pruneClassifier = true
        let session = try Fixtures.session(IterativeMagnitude<IMPLRRewind>(configuration: configuration), budget: 12)
        try session.method.run(session)
        let density = Dictionary(uniqueKeysWithValues: session.masks.map {
            ($0.name, Double(Mask.keptCount($0.mask)) / Double($0.mask.count))
        })
        #expect(density.keys.sorted() == ["0.weight", "5.weight", "8.weight"])
        let conv = try #require(density["0.weight"]), hidden = try #require(density["5.weight"])
        let classifier = try #require(density["8.weight"])
        #expect(abs(conv - hidden) < 0.03) // both (1 − p)^ρ*, rounded per tensor (36 and 432 entries)
        #expect(classifier > hidden + 0.1) // (1 − p/2)^ρ* with ρ* ≈ 3.2
    }
}
