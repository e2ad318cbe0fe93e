import Foundation
import NN
import Testing
import Pruning
import Training

/// Zimmer et al.'s retraining schedules against the card's hand-computed values (card `imp-slr.md`, "How to test").
@Suite struct RetrainingScheduleTests {
    /// The card's synthetic log: L = 100, η_orig = 0.1 for steps 0–49, 0.01 for 50–74, 0.001 for 75–99.
    private let cardLog = try? RetrainingSchedule(schedule: .multiStep(milestones: [50, 75], unit: .step), lr: 0.1,
                                                  originalSteps: 100, stepsPerEpoch: 10)

    /// The per-step rates of `kind` for a retraining of `steps` steps.
    private func rates(_ schedule: RetrainingSchedule, _ kind: RetrainingSchedule.Kind, steps: Int,
                       allrStart: Float = 0) throws -> [Float] {
        let recipe = schedule.recipe(TrainingRecipe(), kind: kind, steps: steps, allrStart: allrStart)
        let laid = try Schedule(recipe.schedule, baseLR: recipe.optimizer.learningRate, totalSteps: steps, stepsPerEpoch: 10)
        return (0..<steps).map { laid.learningRate(atStep: $0) }
    }

    private func expectClose(_ got: [Float], _ expected: [Double], _ label: String) {
        #expect(got.count == expected.count, "\(label): \(got.count) rates")
        for (t, (g, e)) in zip(got, expected).enumerated() {
            #expect(abs(Double(g) - e) <= 1e-6 * max(1, e * 10), "\(label) step \(t): \(g), expected \(e)")
        }
    }

    @Test func boundsOfTheCardLog() throws {
        let log = try #require(cardLog)
        #expect(log.maxLR == 0.1)
        #expect(abs(log.minLR - 0.001) < 1e-9)
    }

    @Test func slrClrLlrAllrOnTheCardLog() throws {
        let log = try #require(cardLog)
        // n = 20: w = 2 warm-up steps 0 → η_0 (linear: 0, η_0/2), then m = 18 main steps j = 0..17.
        let j = (0..<18).map(Double.init)
        let slr = j.map { $0 <= 8 ? 0.1 : $0 <= 13 ? 0.01 : 0.001 } // card: j 0–8, 9–13, 14–17
        expectClose(try rates(log, .slr, steps: 20), [0, 0.05] + slr, "SLR")
        let clr = j.map { 0.001 + 0.099 * (1 + cos(Double.pi * $0 / 18)) / 2 }
        expectClose(try rates(log, .clr, steps: 20), [0, 0.05] + clr, "CLR")
        #expect(abs(clr[17] - 0.001752) < 1e-6) // ends near η_min
        expectClose(try rates(log, .llr, steps: 20), [0, 0.05] + j.map { 0.1 * (1 - $0 / 18) }, "LLR")
        expectClose(try rates(log, .allr, steps: 20, allrStart: 0.02828), [0, 0.01414] + j.map { 0.02828 * (1 - $0 / 18) }, "ALLR")
        // Under 10 steps there is no warm-up: LLR over n = 4 is 0.1, 0.075, 0.05, 0.025.
        expectClose(try rates(log, .llr, steps: 4), [0.1, 0.075, 0.05, 0.025], "LLR n = 4")
    }

    @Test func slrMatchesFloorSamplingOfAStepSchedule() throws {
        // Original: ×0.1 every 3 epochs of 10 steps, L = 100; a naive log sampled at ⌊j·L/m⌋.
        let log = try RetrainingSchedule(schedule: .step(stepSize: 3, gamma: 0.1, unit: .epoch), lr: 0.1,
                                         originalSteps: 100, stepsPerEpoch: 10)
        func original(_ step: Int) -> Double { 0.1 * pow(0.1, Double(step / 30)) }
        for n in [20, 37, 9] {
            let w = n / 10, m = n - w
            let expected = (0..<w).map { 0.1 * Double($0) / Double(w) } + (0..<m).map { original($0 * 100 / m) }
            expectClose(try rates(log, .slr, steps: n), expected, "SLR n = \(n)")
        }
    }

    @Test func minimumIgnoresTheOriginalWarmup() throws {
        // Warm-up 10 steps from 0.01; then 0.1, ×0.5 at steps 40 and 80: η_min = 0.025, not 0.01.
        var schedule = ScheduleConfig.step(stepSize: 40, gamma: 0.5, unit: .step)
        schedule.warmup = 10
        let log = try RetrainingSchedule(schedule: schedule, lr: 0.1, originalSteps: 100, stepsPerEpoch: 10)
        #expect(abs(log.minLR - 0.025) < 1e-9 && log.maxLR == 0.1)
    }

    @Test func allrStartFollowsTheCard() {
        // η_max 0.1, d 0.2, s 0.5, k/E = 10/200: 0.1·0.2/√0.5 = 0.02828 (above the bound 0.005).
        let start = RetrainingSchedule.allrStart(maxLR: 0.1, normDrop: 0.2, prunedFraction: 0.5, retrainingEpochs: 10, originalEpochs: 200)
        #expect(abs(Double(start) - 0.028284) < 1e-6)
        #expect(RetrainingSchedule.allrStart(maxLR: 0.1, normDrop: 0.9, prunedFraction: 0.5, retrainingEpochs: 10, originalEpochs: 200) == 0.1)
        let low = RetrainingSchedule.allrStart(maxLR: 0.1, normDrop: 0.01, prunedFraction: 0.5, retrainingEpochs: 10, originalEpochs: 200)
        #expect(abs(Double(low) - 0.005) < 1e-9)
        // k > E_train: the lower bound is η_max itself.
        #expect(RetrainingSchedule.allrStart(maxLR: 0.1, normDrop: 0.01, prunedFraction: 0.5, retrainingEpochs: 300, originalEpochs: 200) == 0.1)
    }
}

/// The restarting schedules inside IMP runs on the fixture.
@Suite struct RestartingIMPTests {
    @Test func llrRetrainsEveryCycleFromTheOriginalPeak() throws {
        // Budget 40, R = 4: cycle 10; the final retraining (10 steps) has w = 1, m = 9: 0, then 0.1·(1 − j/9).
        let session = try Fixtures.session(IterativeMagnitude<IMPLLR>(), budget: 40)
        var rates: [Float] = []
        try session.execute(fineTuningHooks: TrainingHooks(afterStep: { rates.append($0.learningRate) }))
        let expected = [0.0] + (0..<9).map { 0.1 * (1 - Double($0) / 9) }
        #expect(rates.count == 10)
        #expect(zip(rates, expected).allSatisfy { abs(Double($0) - $1) < 1e-7 }, "\(rates)")
    }

    /// η_0 of a one-phase ALLR run (J = 1: prune the checkpoint once to f, then all 12 steps retrain) against
    /// clip(0.1·d/√s, `lower`, 0.1) with d and s computed by hand; returns 0.1·d/√s.
    @discardableResult
    private func expectALLRStart(compression: Double, original: OriginalRun, lower: Double) throws -> Double {
        var configuration = IMPConfiguration<IMPALLR>()
        configuration.phases = 1
        let session = try Fixtures.session(IterativeMagnitude<IMPALLR>(configuration: configuration),
                                           compression: compression, budget: 12)
        session.originalTraining = original
        // d and s by hand from the checkpoint: the smallest |w| of all prunable weights go.
        let model = try Fixtures.model()
        let prunable = session.prunable.map(\.name)
        let weights = model.parameters.filter { prunable.contains($0.name) }.flatMap { $0.parameter.value.values }
        let all = model.parameters.flatMap { $0.parameter.value.values }
        let kept = Int((Double(weights.count) * (try session.keepFraction)).rounded())
        let removed = weights.map(abs).sorted().prefix(weights.count - kept)
        let d = (removed.reduce(0.0) { $0 + Double($1) * Double($1) } / all.reduce(0.0) { $0 + Double($1) * Double($1) }).squareRoot()
        let s = Double(removed.count) / Double(weights.count)
        let expected = min(max(0.1 * d / s.squareRoot(), lower), 0.1)
        var rates: [Float] = []
        try session.execute(fineTuningHooks: TrainingHooks(afterStep: { rates.append($0.learningRate) }))
        #expect(rates.count == 12 && rates[0] == 0) // w = 1
        #expect(abs(Double(rates[1]) - expected) < 1e-6, "η_0 \(rates[1]), expected \(expected) (d \(d), s \(s))")
        #expect(abs(Double(rates[11]) - expected / 11) < 1e-6)
        return 0.1 * d / s.squareRoot()
    }

    @Test func allrStartsFromTheNormDropOfTheLastPruning() throws {
        // The recorded run: 10 epochs of 6 steps; the retraining: 12 steps = 2 epochs, lower bound 0.1·2/10.
        try expectALLRStart(compression: 2, original: try Fixtures.originalTraining(), lower: 0.02)
    }

    @Test func allrLowerBoundCountsBothRunsInTheirOwnEpochs() throws {
        // A run recorded at 3 steps per epoch (60 steps = 20 epochs) against the session's 6: the retraining's 12
        // steps are 2 epochs, so the bound is 0.1·2/20 = 0.01 (a ratio of steps, 12/60, would give 0.02). A light
        // pruning (compression 1.05) removes little norm, so η_0 sits on the bound.
        let original = try OriginalRun(baseLR: 0.1, schedule: .cosine(), steps: 60, stepsPerEpoch: 3)
        let unclipped = try expectALLRStart(compression: 1.05, original: original, lower: 0.01)
        #expect(unclipped < 0.01)
    }

    @Test func bimpTrainsDenseThenPrunesInJPhases() throws {
        // Budget 30: T_r = 6, dense 24 steps at the original lr 0.1 (cosine over them); J = 3 phases of 2 steps,
        // the last one the fine-tuning phase; each phase keeps f^(1/3) of the survivors.
        let session = try Fixtures.session(IterativeMagnitude<BIMP>(), budget: 30)
        var calls: [(steps: Int, density: Double, lr: Float, schedule: ScheduleConfig.Kind)] = []
        session.recipeAdjustment = { recipe, call in
            calls.append((call.steps, call.density, recipe.optimizer.learningRate, recipe.schedule.kind))
            return recipe
        }
        try session.execute()
        #expect(calls.map(\.steps) == [24, 2, 2, 2])
        #expect(calls[0].lr == 0.1 && calls[0].schedule == .cosine && calls[0].density == 1)
        let f = try session.keepFraction, n = Double(session.prunableCount)
        for (phase, call) in calls.enumerated().dropFirst() {
            #expect(abs(call.density * n - n * pow(f, Double(phase) / 3)) <= 0.5, "phase \(phase): density \(call.density)")
            #expect(call.schedule == .linear)
        }
        #expect(session.budget.used == 30)
    }

    @Test func densityAfterEachRoundIsTheCompoundedRateInARun() throws {
        // Lottery ticket, budget 30, compression 2: round r trains after r − 1 prunings at p = 0.2.
        let session = try Fixtures.session(IterativeMagnitude<LotteryTicket>(), budget: 30)
        var kept: [Int] = []
        let n = Double(session.prunableCount)
        session.recipeAdjustment = { recipe, call in kept.append(Int((call.density * n).rounded())); return recipe }
        try session.execute()
        #expect(kept.count == 5)
        for (index, count) in kept.dropLast().enumerated() {
            #expect(abs(Double(count) - n * pow(0.8, Double(index))) <= 1, "round \(index + 1): kept \(count)")
        }
        #expect(abs(Double(kept[4]) - (try session.keepFraction) * n) <= 1)
    }
}
