import Foundation
import NN
import Testing
import Pruning
import Training

/// SILO's per-cycle peak rate (card `silo.md`) and the max_lr Oracle.
@Suite struct SILOTests {
    private func configuration(_ initialLR: Double, _ increase: Double) -> SILO.Configuration {
        var c = SILO.Configuration()
        c.initialLR = initialLR
        c.increase = increase
        return c
    }

    @Test func peakRatesMatchTheCardsTables() {
        // r = 0.2, β = 5, d = 1: cycle c trains with 1 − 0.8^c pruned; the card's vectors for c = 0..12.
        let pruned = (0...12).map { 1 - pow(0.8, Double($0)) }
        let resnet: [Double] = [0.03, 0.03, 0.03004, 0.03213, 0.04761, 0.06446, 0.06893, 0.06977, 0.06995,
                                0.06999, 0.07, 0.07, 0.07]
        let vgg: [Double] = [0.04, 0.04, 0.04006, 0.0432, 0.06642, 0.09169, 0.09839, 0.09966, 0.09992,
                             0.09998, 0.09999, 0.1, 0.1]
        for c in 0...12 {
            #expect(abs(SILO.peakLR(cycle: c, pruned: pruned, configuration(0.03, 0.04)) - resnet[c]) < 1e-5, "ResNet-20 c = \(c)")
            #expect(abs(SILO.peakLR(cycle: c, pruned: pruned, configuration(0.04, 0.06)) - vgg[c]) < 1e-5, "VGG-19 c = \(c)")
        }
        #expect(SILO.gain(0.5, beta: 5) == 0.5 && SILO.gain(0, beta: 5) == 0 && SILO.gain(1, beta: 5) == 1)
    }

    @Test func everyCycleOfTheBaseRunsAtItsPeakRate() throws {
        // Base imp-lr-rewind, budget 13, R = 4: cycles 1–3 retrain between prunings, cycle 4 is fine-tuning.
        let silo = SILO()
        let session = try Fixtures.session(silo, budget: 13)
        SILO.install(silo.configuration, on: session)
        var seen: [(density: Double, lr: Float)] = []
        let installed = session.recipeAdjustment
        session.recipeAdjustment = { recipe, call in
            let adjusted = installed?(recipe, call) ?? recipe
            seen.append((call.density, adjusted.optimizer.learningRate))
            return adjusted
        }
        try IterativeMagnitude<IMPLRRewind>().run(session)
        try session.fineTune()
        #expect(seen.count == 4)
        // By hand: cycle c (c pruning steps done) uses the fraction pruned during cycle c − 1.
        func s(_ p: Double) -> Double { pow(p, 5) / (pow(p, 5) + pow(1 - p, 5)) }
        let expected = [0.03] + seen.prefix(3).map { 0.03 + 0.04 * s(1 - $0.density) }
        for (index, (call, rate)) in zip(seen, expected).enumerated() {
            #expect(abs(Double(call.lr) - rate) < 1e-7, "cycle \(index + 1): \(call.lr), expected \(rate)")
        }
        #expect(abs(seen[0].density - 0.8) < 0.003)
    }

    @Test func siloSetsThePeakOfTheRewoundRates() throws {
        // Δλ = 0, λ_0 = 0.05: every call of t steps of imp-lr-rewind replays η_orig(L − t + j) (L = 60, the
        // fixture's recorded cosine), scaled so its peak η_orig(L − t) becomes 0.05. Calls: 3, 3, 3 and 4 steps.
        let silo = SILO(configuration: configuration(0.05, 0))
        let session = try Fixtures.session(silo, budget: 13)
        let rates = Fixtures.recordRates(session)
        try session.execute()
        #expect(rates.calls.map(\.count) == [3, 3, 3, 4])
        for (call, replayed) in rates.calls.enumerated() {
            let t = replayed.count
            for (j, rate) in replayed.enumerated() {
                let expected = 0.05 * Fixtures.originalRate(60 - t + j) / Fixtures.originalRate(60 - t)
                #expect(abs(Double(rate) - expected) <= 1e-6 * expected, "call \(call) step \(j): \(rate), expected \(expected)")
            }
        }
        #expect(session.budget.used == 13)
    }

    @Test func badBasesAreRejectedWhenConfigured() {
        #expect(throws: PruningError.self) {
            try MethodRegistry.method(named: "silo", configuration: Data(#"{"base": "no-such-method"}"#.utf8))
        }
        #expect(throws: PruningError.self) {
            try MethodRegistry.method(named: "silo", configuration: Data(#"{"base": "silo"}"#.utf8))
        }
        #expect(throws: PruningError.self) {
            try MethodRegistry.method(named: "silo",
                                      configuration: Data(#"{"baseConfiguration": {"rate": "high"}}"#.utf8))
        }
    }

    @Test func oracleKeepsTheCandidateWithTheBestValidationAccuracy() throws {
        // Rate 0.6 reaches compression 2 in one round; budget 12, 3 candidates: cycle ⌊12/(1·3 + 1)⌋ = 3.
        var configuration = SILOOracle.Configuration()
        configuration.grid = [0.001, 0.05, 0.3]
        configuration.rate = 0.6
        let session = try Fixtures.session(SILOOracle(configuration: configuration), budget: 12)
        var phases: [String] = []
        session.reporter = { phases.append($0.phase) }
        var fineTuningRates: Set<Float> = []
        try session.execute(fineTuningHooks: TrainingHooks(afterStep: { fineTuningRates.insert($0.learningRate) })) {
            #expect($0.budget.used == 9)
        }
        // Naive reference: the same pruning, each candidate trained 3 steps from it, scored on validation.
        let reference = try Fixtures.session(SILOOracle(configuration: configuration), budget: 12)
        let entries = reference.prunable
        let kept = Int((Double(reference.prunableCount) * (try reference.keepFraction)).rounded())
        let masks = IterativePruning.pruneSmallest(weights: entries.map(\.parameter.value),
                                                   masks: entries.map { Mask.ones($0.parameter.value.shape) }, keeping: kept)
        for (entry, mask) in zip(entries, masks) { try reference.setMask(mask, for: entry.name) }
        let start = reference.snapshot()
        var scores: [(rate: Double, top1: Double, loss: Double)] = []
        for rate in configuration.grid {
            var recipe = reference.recipe
            recipe.optimizer.learningRate = Float(rate)
            try reference.train(steps: 3, recipe: recipe)
            let result = try reference.evaluate(on: .validation)
            scores.append((rate, result.top1, result.loss))
            try reference.restore(start, keepingMasks: true)
        }
        let best = try #require(scores.max { a, b in a.top1 != b.top1 ? a.top1 < b.top1 : a.loss > b.loss })
        #expect(phases.contains("silo-oracle: final max_lr \(best.rate)"), "\(scores) \(phases.filter { $0.hasPrefix("silo") })")
        // The final training replays the chosen rate as its peak (the fixture's schedule decays from it).
        #expect(fineTuningRates.max() == Float(best.rate))
        #expect(session.budget.used == 12)
    }

    @Test func oracleContinuesFromTheBestCandidatesWeights() throws {
        // Rate 0.35 reaches compression 2 (f = 0.433) in two rounds; budget 14, 3 candidates: cycle 2.
        var configuration = SILOOracle.Configuration()
        configuration.grid = [0.001, 0.05, 0.3]
        configuration.rate = 0.35
        let session = try Fixtures.session(SILOOracle(configuration: configuration), budget: 14)
        var trials: [(top1: Double, loss: Double, state: [Tensor])] = []
        var secondRoundStart: [Tensor]?
        session.reporter = { progress in
            guard progress.phase.hasPrefix("oracle cycle 1/2"), progress.step == progress.steps,
                  let result = try? session.evaluate(on: .validation) else { return }
            trials.append((result.top1, result.loss, session.model.stateDict().map { $0.tensor.copy() }))
        }
        session.recipeAdjustment = { recipe, call in
            if secondRoundStart == nil, call.phase.hasPrefix("oracle cycle 2/2") {
                secondRoundStart = session.model.stateDict().map { $0.tensor.copy() }
            }
            return recipe
        }
        try session.method.run(session)
        #expect(trials.count == 3)
        // Best validation accuracy, then lower loss, then the earlier candidate.
        var best = try #require(trials.first)
        for trial in trials.dropFirst() where trial.top1 > best.top1 || (trial.top1 == best.top1 && trial.loss < best.loss) {
            best = trial
        }
        // Round 2 prunes the best candidate's state: every entry it keeps holds that state's value.
        let start = try #require(secondRoundStart)
        let masks = Dictionary(uniqueKeysWithValues: session.masks)
        for ((name, _), (now, chosen)) in zip(session.model.stateDict(), zip(start, best.state)) {
            let mask = masks[name]
            #expect((0..<now.count).allSatisfy { mask?[flat: $0] == 0 || now[flat: $0] == chosen[flat: $0] },
                    "\(name) does not continue from the best candidate")
        }
    }
}
