import Foundation
import Data
import NN
import Pruning
import Testing
import Training

/// The Sup-tickets card's tiny tests: the cyclic rate, CAA with re-pruning, the budget split and the
/// parameter budget of the superposition; and the batch-norm recalibration helper.
@Suite struct SupTicketsTests {
    @Test func cyclicRateIsTriangular() throws {
        // lr₁ = 0.001, lr₂ = 0.005 after a base rate of 0.1, C = 8: 0.001, 0.003, 0.005, 0.003 at t = 0, 2, 4, 6,
        // and towards 0.001 at the cycle's end (t = 7: 0.005 − 0.004·3/4 = 0.002).
        let recipe = SupTickets.cyclicRecipe(TrainingRecipe(optimizer: .sgd(lr: 0.1)), cycleSteps: 8,
                                             configuration: SupTickets.Configuration())
        let schedule = try Schedule(recipe.schedule, baseLR: recipe.optimizer.learningRate, totalSteps: 8, stepsPerEpoch: 1)
        for (t, expected) in [(0, 0.001), (2, 0.003), (4, 0.005), (6, 0.003), (7, 0.002)] {
            #expect(abs(Double(schedule.learningRate(atStep: t)) - expected) < 1e-7, "t = \(t)")
        }
        for t in 0..<4 { #expect(abs(Double(schedule.learningRate(atStep: t)) - (0.001 + 0.004 * Double(t) / 4)) < 1e-7) }
    }

    @Test func cumulativeAverageThenReprune() {
        // S₀ = [1, 0, 3], T₁ = [3, 2, 0], f = 1/2 → [2, 1, 1.5]; keep 2 of 3 → [2, 0, 1.5].
        let f = SupTickets.factor(cycle: 1, configuration: SupTickets.Configuration())
        #expect(f == 0.5)
        let averaged = SupTickets.superpose(Tensor(shape: [3], values: [1, 0, 3]), Tensor(shape: [3], values: [3, 2, 0]),
                                            factor: Float(f))
        #expect(averaged.values == [2, 1, 1.5])
        let pruned = SupTickets.reprune([("w", averaged)], keeping: 2)
        #expect(pruned[0].weight.values == [2, 0, 1.5])
        #expect(pruned[0].mask.values == [1, 0, 1])
        // Third ticket with the base model included: f = 1/4; tickets only: f = 1/3; CIMA: 0.5 (the first ticket alone: 1).
        var configuration = SupTickets.Configuration()
        #expect(SupTickets.factor(cycle: 3, configuration: configuration) == 0.25)
        configuration.includeBaseModel = false
        #expect(SupTickets.factor(cycle: 3, configuration: configuration) == 1.0 / 3)
        configuration.superposition = .movingAverage
        #expect(SupTickets.factor(cycle: 1, configuration: configuration) == 1)
        #expect(SupTickets.factor(cycle: 2, configuration: configuration) == 0.5)
    }

    @Test func budgetSplitFollowsTheCard() throws {
        // Card: E = 250, ρ = 0.1, C = 8 → 24 cyclic, 3 tickets, 226 base.
        var configuration = SupTickets.Configuration()
        configuration.cycleSteps = 8
        #expect(try SupTickets.plan(budget: 250, configuration: configuration)
                == SupTickets.Plan(baseSteps: 226, cycleSteps: 8, tickets: 3))
        // Derived C = round(0.032·10000) = 320; ⌊1000/320⌋ = 3 tickets.
        configuration.cycleSteps = nil
        #expect(try SupTickets.plan(budget: 10000, configuration: configuration)
                == SupTickets.Plan(baseSteps: 9040, cycleSteps: 320, tickets: 3))
        configuration.cycleSteps = 30 // ρB = 25 < C: no cyclic phase
        #expect(try SupTickets.plan(budget: 250, configuration: configuration).tickets == 0)
        configuration.cycleRate = 1
        #expect(throws: PruningError.self) { try SupTickets.plan(budget: 250, configuration: configuration) }
    }

    @Test(arguments: [SupTickets.Base.set, .rigl])
    func superpositionKeepsTheBaseParameterBudget(base: SupTickets.Base) throws {
        var configuration = SupTickets.Configuration()
        configuration.base = base
        configuration.cycleSteps = 3
        configuration.cycleRate = 0.5 // B = 24: 4 tickets of 3 steps after 12 base steps
        configuration.set.updateInterval = 2
        configuration.rigl.updateInterval = 2
        var stages: [String] = []
        let session = try Fixtures.session(SupTickets(configuration: configuration), compression: 4, budget: 24)
        // T₁: the state when cycle 1's last step is reported; the state when cycle 2's train call starts.
        var ticket: [(name: String, tensor: Tensor)] = [], cycleStart: [(name: String, tensor: Tensor)] = []
        session.reporter = { progress in
            if progress.step == nil { stages.append(progress.phase) }
            if progress.phase == "sup-tickets cycle 1/4", progress.step == 3 {
                ticket = session.model.stateDict().map { ($0.name, $0.tensor.copy()) }
            }
        }
        session.recipeAdjustment = { recipe, call in
            if call.phase == "sup-tickets cycle 2/4" {
                cycleStart = session.model.stateDict().map { ($0.name, $0.tensor.copy()) }
            }
            return recipe
        }
        var keptAfterRun = -1
        try session.execute { keptAfterRun = $0.keptCount }
        #expect(stages.contains("sup-tickets: base 12 steps, 4 cycles of 3"))
        let target = Int((try session.keepFraction * Double(session.prunableCount)).rounded())
        #expect(keptAfterRun == target) // the base's count, exactly, after four superpositions and re-prunings
        #expect(session.budget.used == 24)
        // Training goes on from T₁, not from the superposition S₁: at the start of cycle 2 every state entry
        // equals T₁'s, except prunable weights the exploration step dropped or grew (now exactly 0).
        let prunable = Set(session.prunable.map(\.name))
        #expect(ticket.count == cycleStart.count && !ticket.isEmpty)
        for (t, s) in zip(ticket, cycleStart) {
            if prunable.contains(t.name) {
                #expect((0..<s.tensor.count).allSatisfy { s.tensor[flat: $0] == 0 || s.tensor[flat: $0] == t.tensor[flat: $0] })
            } else {
                #expect(t.tensor.isBitwiseEqual(to: s.tensor), "\(t.name) differs from T₁ at the next cycle")
            }
        }
    }

    /// B = 24 with 4 cycles of 3 steps after 12 base steps, RigL base updating every 2 steps.
    private static func fourCycles() -> SupTickets.Configuration {
        var configuration = SupTickets.Configuration()
        configuration.cycleSteps = 3
        configuration.cycleRate = 0.5
        configuration.rigl.updateInterval = 2
        return configuration
    }

    /// A cycle starts with the card's re-exploration: per layer the ⌊0.5·n⌋ active weights of smallest |w| are
    /// dropped and as many positions inactive after the drop with the largest dense gradient on the cycle's
    /// batch (stream "sup-tickets explore 1") are grown. Reference: naive drop and grow on the state at the
    /// end of the base phase.
    @Test func explorationGrowsWhereTheGradientIsLargest() throws {
        let session = try Fixtures.session(SupTickets(configuration: Self.fourCycles()), compression: 4, budget: 24)
        var expected: [String: [Float]] = [:], atCycleStart: [String: [Float]] = [:]
        session.reporter = { progress in
            guard progress.phase == "sup-tickets base", progress.step == 12,
                  let batch = try? session.scoringBatch(size: session.recipe.batchSize, purpose: "sup-tickets explore 1")
            else { return }
            let gradients = session.gradients(on: batch)
            for entry in session.prunable {
                guard let mask = entry.parameter.mask, let g = gradients[entry.name] else { continue }
                let w = entry.parameter.value
                let active = (0..<mask.count).filter { mask[flat: $0] != 0 }
                let k = active.count < mask.count ? active.count / 2 : 0
                let dropped = Set(active.sorted { (abs(w[flat: $0]), $0) < (abs(w[flat: $1]), $1) }.prefix(k))
                let candidates = (0..<mask.count).filter { mask[flat: $0] == 0 || dropped.contains($0) }
                let grown = Set(candidates.sorted { (-abs(g[flat: $0]), $0) < (-abs(g[flat: $1]), $1) }.prefix(k))
                expected[entry.name] = (0..<mask.count).map { i in
                    (mask[flat: i] != 0 && !dropped.contains(i)) || grown.contains(i) ? 1 : 0
                }
            }
        }
        session.recipeAdjustment = { recipe, call in
            if call.phase == "sup-tickets cycle 1/4" {
                for (name, mask) in session.masks { atCycleStart[name] = mask.values }
            }
            return recipe
        }
        try session.method.run(session)
        #expect(expected.count == 2 && atCycleStart.count == 2)
        for (name, mask) in expected {
            #expect(atCycleStart[name] == mask, "\(name): the exploration did not grow the largest gradients")
        }
    }

    /// The result is the last superposition with batch-norm statistics recomputed for its weights (card):
    /// recomputing them once more on the same stream changes nothing.
    @Test func finalBatchNormStatisticsAreRecomputed() throws {
        let session = try Fixtures.session(SupTickets(configuration: Self.fourCycles()), compression: 4, budget: 24)
        try session.method.run(session)
        let final = session.model.buffers.map { $0.tensor.copy() }
        _ = try session.recalibrateBatchNorm(purpose: "sup-tickets batchnorm 4")
        #expect(zip(session.model.buffers, final).allSatisfy { $0.tensor.isBitwiseEqual(to: $1) })
    }

    @Test func batchNormRecalibrationAveragesBatchStatistics() throws {
        // Reference: the mean over the pass's batches of each batch's channel mean and unbiased variance of the
        // BN input (conv output), computed here from the recorded inputs by naive loops.
        let session = try Fixtures.session(RigL(), compression: 2, budget: 0)
        guard let bn = session.model.modules.first(where: { $0.module is BatchNorm2d })?.module as? BatchNorm2d else {
            Issue.record("fixture has no BatchNorm2d"); return
        }
        let weightsBefore = session.model.parameters.map { $0.parameter.value.copy() }
        let batches = try session.recalibrateBatchNorm(purpose: "bn-test")
        #expect(batches == 6) // 96 examples, batch 16
        let loader = try BatchLoader(split: session.data.training, normalization: session.data.normalization,
                                     batchSize: 16, shuffle: true, random: session.random("bn-test"))
        let conv = session.model.modules.first { $0.module is Conv2d }?.module
        var means = [Double](repeating: 0, count: 4), variances = [Double](repeating: 0, count: 4)
        for index in 0..<6 {
            var input: Tensor?
            let context = ForwardContext(mode: .inference, observer: { event in
                if event.module === conv { input = event.output.copy() }
            })
            _ = session.model.forward(loader.batch(epoch: 0, index: index).inputs, context: context)
            let x = try #require(input)
            let n = x.shape[0], hw = x.shape[2] * x.shape[3]
            for c in 0..<4 {
                var values: [Double] = []
                for b in 0..<n { for i in 0..<hw { values.append(Double(x[flat: (b * 4 + c) * hw + i])) } }
                let mu = values.reduce(0, +) / Double(values.count)
                let v = values.map { ($0 - mu) * ($0 - mu) }.reduce(0, +) / Double(values.count - 1)
                means[c] += mu / 6
                variances[c] += v / 6
            }
        }
        for c in 0..<4 {
            #expect(abs(Double(bn.runningMean[flat: c]) - means[c]) < 1e-4 * max(1, abs(means[c])))
            #expect(abs(Double(bn.runningVar[flat: c]) - variances[c]) < 1e-4 * max(1, variances[c]))
        }
        #expect(bn.numBatchesTracked[flat: 0] == 6)
        #expect(zip(weightsBefore, session.model.parameters).allSatisfy { $0.isBitwiseEqual(to: $1.parameter.value) })
    }

    @Test func nestedBaseConfigurationOverlaysTheDefaults() throws {
        let json = #"{"base": "set", "set": {"updateInterval": 2}, "cycleSteps": 3}"#
        let method = try #require(try MethodRegistry.method(named: "sup-tickets", configuration: Foundation.Data(json.utf8)) as? SupTickets)
        var expected = SupTickets.Configuration()
        expected.base = .set
        expected.set.updateInterval = 2
        expected.cycleSteps = 3
        #expect(method.configuration == expected)
        let unknown = #"{"rigl": {"interval": 2}}"#
        #expect(throws: PruningError.self) {
            try MethodRegistry.method(named: "sup-tickets", configuration: Foundation.Data(unknown.utf8))
        }
        let canonical = try MethodRegistry.entry(named: "sup-tickets").canonicalConfiguration(Foundation.Data(json.utf8))
        #expect(String(decoding: canonical, as: UTF8.self).contains(#""base":"set""#))
    }
}
