import Foundation
import NN
import Pruning
import Testing

/// The original run's rates as fine-tuning and LR rewinding read them (cards `lottery-ticket-imp.md`,
/// `imp-slr.md`), against closed forms of the schedules.
@Suite struct OriginalRunTests {
    /// The card's synthetic log (`imp-slr.md`, "How to test" 3): L = 100, 0.1 for 0–49, 0.01 for 50–74, 0.001 after.
    private func cardLog() throws -> OriginalRun {
        try OriginalRun(baseLR: 0.1, schedule: .multiStep(milestones: [50, 75], unit: .step), steps: 100, stepsPerEpoch: 10)
    }

    @Test func fineTuningAndRewindingOnTheCardsLog() throws {
        let log = try cardLog()
        // FT: 0.001 constant. LRW with n = 20: η_orig[80..99], all 0.001.
        #expect(abs(Double(log.finalLearningRate) - 0.001) < 1e-9)
        let tail = log.lastRates(20)
        #expect(tail.count == 20 && tail.allSatisfy { abs(Double($0) - 0.001) < 1e-9 })
        // n = 30 starts at step 70: five steps at 0.01, then 0.001.
        let longer = log.lastRates(30)
        #expect(longer.prefix(5).allSatisfy { abs(Double($0) - 0.01) < 1e-9 })
        #expect(longer.dropFirst(5).allSatisfy { abs(Double($0) - 0.001) < 1e-9 })
    }

    @Test func finalRateOfAStepScheduleIsItsLastRate() throws {
        // Renda's shape per epoch (0.1, ×0.1 at epochs 2 and 4 of 6, 5 steps each): the final epoch's 0.001.
        let renda = try OriginalRun(baseLR: 0.1, schedule: .multiStep(milestones: [2, 4], unit: .epoch), steps: 30,
                                    stepsPerEpoch: 5)
        #expect(abs(Double(renda.finalLearningRate) - 0.001) < 1e-9)
        // A per-step drop inside the final epoch (step 25 of 30, 10 per epoch): the last rate 0.01, not the
        // epoch's mean 0.055.
        let late = try OriginalRun(baseLR: 0.1, schedule: .multiStep(milestones: [25], unit: .step), steps: 30,
                                   stepsPerEpoch: 10)
        #expect(abs(Double(late.finalLearningRate) - 0.01) < 1e-9)
    }

    @Test func finalRateOfAPerStepDecayIsTheMeanOfItsFinalEpoch() throws {
        // Cosine to 0 over L = 60 (6 per epoch): (1/6)·Σ_{i=54}^{59} 0.05·(1 + cos(π·i/60)), not η(59) ≈ 0.00007.
        let cosine = try Fixtures.originalTraining()
        let expected = (54..<60).map(Fixtures.originalRate).reduce(0, +) / 6
        #expect(abs(Double(cosine.finalLearningRate) - expected) < 1e-9)
        #expect(Double(cosine.learningRate(atStep: 59)) < expected / 10)
        // Linear 0.2 → 0 over L = 40 (8 per epoch): η(i) = 0.2·(1 − i/40); mean of i = 32..39 = 0.2·(1 − 35.5/40).
        let linear = try OriginalRun(baseLR: 0.2, schedule: .linear(), steps: 40, stepsPerEpoch: 8)
        #expect(abs(Double(linear.finalLearningRate) - 0.2 * (1 - 35.5 / 40)) < 1e-8)
        // A run shorter than an epoch: the mean of all its steps.
        let short = try OriginalRun(baseLR: 0.2, schedule: .linear(), steps: 4, stepsPerEpoch: 10)
        #expect(abs(Double(short.finalLearningRate) - 0.2 * (1 - 1.5 / 4)) < 1e-8)
    }

    @Test func lastRatesReplayTheTailValueByValue() throws {
        let cosine = try Fixtures.originalTraining()
        for t in [1, 7, 23, 60] {
            let tail = cosine.lastRates(t)
            #expect(tail.count == t)
            for (j, rate) in tail.enumerated() {
                let expected = Fixtures.originalRate(60 - t + j)
                #expect(abs(Double(rate) - expected) <= 1e-6 * expected, "t = \(t), j = \(j): \(rate), expected \(expected)")
            }
        }
    }

    @Test func aCycleLongerThanTheRunStartsAtTheFirstRate() throws {
        // t = L + 5: five steps at η_orig(0) = 0.1, then the whole run η_orig(0..59).
        let cosine = try Fixtures.originalTraining()
        let tail = cosine.lastRates(65)
        #expect(tail.prefix(5).allSatisfy { $0 == 0.1 })
        for (i, rate) in tail.dropFirst(5).enumerated() {
            #expect(abs(Double(rate) - Fixtures.originalRate(i)) <= 1e-6 * Fixtures.originalRate(i), "step \(i)")
        }
    }

    @Test func rewoundScheduleScalesOnlyWhenThePeakIsMoved() throws {
        let cosine = try Fixtures.originalTraining()
        let tail = cosine.lastRates(10)
        let peak = RewoundSchedule.peak(of: cosine, steps: 10)
        #expect(peak == tail[0])
        let unscaled = RewoundSchedule(cosine, steps: 10, peak: peak)
        #expect((0..<10).map(unscaled.learningRate(atStep:)) == tail)
        let doubled = RewoundSchedule(cosine, steps: 10, peak: 2 * peak)
        for j in 0..<10 { #expect(abs(doubled.learningRate(atStep: j) - 2 * tail[j]) <= 1e-7 * tail[j]) }
    }
}
