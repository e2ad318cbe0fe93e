import Foundation
import Testing
import Pruning
import Training

/// IMP's `finalTrainingSteps`: the ticket's final training is capped and the rest of the budget forfeited.
@Suite struct FinalTrainingCapTests {
    @Test func forfeitedStepsLeaveTheBudgetUnspent() throws {
        let meter = BudgetMeter(total: 20)
        try meter.charge(6)
        meter.forfeit(10)
        #expect(meter.remaining == 4 && meter.used == 6 && meter.forfeited == 10)
        #expect(throws: PruningError.self) { try meter.charge(5) }
        try meter.charge(4)
        #expect(meter.remaining == 0 && meter.used == 10)
    }

    @Test func finalTrainingIsCappedAndTheRestForfeited() throws {
        // Budget 30, cycle 4, R = 4 rounds (compression 2 on the fixture): 4 × 4 = 16 steps of rounds,
        // then exactly 5 steps of final training; 30 − 21 = 9 steps stay unspent.
        var configuration = IMPConfiguration<LotteryTicket>()
        configuration.cycleSteps = 4
        configuration.finalTrainingSteps = 5
        let session = try Fixtures.session(IterativeMagnitude<LotteryTicket>(configuration: configuration), budget: 30)
        var fineTuningSteps = 0
        try session.execute(fineTuningHooks: TrainingHooks(afterStep: { _ in fineTuningSteps += 1 })) { pruned in
            #expect(pruned.budget.used == 16)
            #expect(pruned.budget.remaining == 5)
        }
        #expect(fineTuningSteps == 5)
        #expect(session.budget.used == 21 && session.budget.forfeited == 9)
    }

    @Test func derivedCycleIsUnchangedByTheCap() throws {
        // nil cycleSteps: cycle ⌊30/5⌋ = 6 as without the cap; the final training takes 3 of the 6 left.
        var configuration = IMPConfiguration<LotteryTicket>()
        configuration.finalTrainingSteps = 3
        let session = try Fixtures.session(IterativeMagnitude<LotteryTicket>(configuration: configuration), budget: 30)
        try session.execute()
        #expect(session.budget.used == 4 * 6 + 3)
        // Without the cap the final training spends all that remains.
        let uncapped = try Fixtures.session(IterativeMagnitude<LotteryTicket>(), budget: 30)
        try uncapped.execute()
        #expect(uncapped.budget.used == 30 && uncapped.budget.forfeited == 0)
    }

    @Test func aCapThatDoesNotFitFailsBeforeTraining() throws {
        var configuration = IMPConfiguration<LotteryTicket>()
        configuration.cycleSteps = 4
        configuration.finalTrainingSteps = 15
        configuration.fitRoundsToBudget = false
        let session = try Fixtures.session(IterativeMagnitude<LotteryTicket>(configuration: configuration), budget: 30)
        #expect(throws: IterativePruningError.budget(method: "lottery-ticket", needed: 31, total: 30,
                                                     detail: "rewind k = 0 + 4 rounds × cycle 4 + final training 15")) {
            try session.execute()
        }
        #expect(session.budget.used == 0)
        // With fitRoundsToBudget, the rounds drop to the ⌊(30 − 15)/4⌋ = 3 that fit beside the final training.
        configuration.fitRoundsToBudget = true
        let fitted = try Fixtures.session(IterativeMagnitude<LotteryTicket>(configuration: configuration), budget: 30)
        try fitted.execute { pruned in #expect(pruned.budget.used == 3 * 4) }
        #expect(fitted.budget.used == 12 + 15)
        #expect(abs(Double(fitted.keptCount) - (try fitted.keepFraction) * 468) <= 0.5)
        var negative = IMPConfiguration<LotteryTicket>()
        negative.finalTrainingSteps = -1
        let bad = try Fixtures.session(IterativeMagnitude<LotteryTicket>(configuration: negative), budget: 30)
        #expect(throws: IterativePruningError.configuration("finalTrainingSteps must be ≥ 0, got -1")) {
            try bad.execute()
        }
    }

    @Test func optionalFieldsAreListedAndSettable() throws {
        // Unset optionals appear as null in the defaults, so suites may set them (the suite reader accepts
        // only keys the default configuration lists); canonical configurations still omit defaults.
        let entry = try MethodRegistry.entry(named: "lottery-ticket")
        let defaults = try #require(try JSONSerialization.jsonObject(with: entry.defaultConfiguration()) as? [String: Any])
        for key in ["finalTrainingSteps", "cycleSteps", "phases", "convRate"] {
            #expect(defaults[key] is NSNull, "\(key) is not listed as null")
        }
        let given = Data(#"{"finalTrainingSteps": 7, "cycleSteps": 3}"#.utf8)
        let method = try #require(try entry.method(configuration: given) as? IterativeMagnitude<LotteryTicket>)
        #expect(method.configuration.finalTrainingSteps == 7 && method.configuration.cycleSteps == 3)
        #expect(String(decoding: try entry.canonicalConfiguration(given), as: UTF8.self) == #"{"cycleSteps":3,"finalTrainingSteps":7}"#)
        #expect(String(decoding: try entry.canonicalConfiguration(nil), as: UTF8.self) == "{}")
    }
}
