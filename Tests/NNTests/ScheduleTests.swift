import Foundation
import Testing
import NN

/// Learning rates at the key steps of each schedule, against closed forms worked out by hand.
@Suite struct ScheduleTests {
    func lr(_ config: ScheduleConfig, base: Float = 0.1, total: Int = 100, perEpoch: Int = 10,
            at step: Int) throws -> Double {
        Double(try Schedule(config, baseLR: base, totalSteps: total, stepsPerEpoch: perEpoch)
            .learningRate(atStep: step))
    }

    func close(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-6 * max(1, abs(b)) }

    @Test func warmupThenCosine() throws {
        let c = ScheduleConfig.cosine(warmup: 10)  // warm-up from 0.1·lr over 10 steps, then 90 of cosine
        #expect(close(try lr(c, at: 0), 0.01))
        #expect(close(try lr(c, at: 5), 0.1 * (0.1 + 0.9 * 0.5)))
        #expect(close(try lr(c, at: 10), 0.1))  // warm-up end: the cosine starts at the base rate
        #expect(close(try lr(c, at: 55), 0.05))  // cosine midpoint: 45 of 90
        #expect(close(try lr(c, at: 99), 0.05 * (1 + cos(Double.pi * 89 / 90))))
        #expect(close(try lr(c, at: 500), try lr(c, at: 99)))  // past the end: the last rate
    }

    @Test func cosineToFinalAndPerEpoch() throws {
        #expect(close(try lr(.cosine(finalLR: 0.01), at: 50), 0.055))
        #expect(close(try lr(.cosine(), at: 0), 0.1))
        // Per epoch: 10 epochs of 10 steps; step 25 is epoch 2 of 10.
        let perEpoch = ScheduleConfig.cosine(unit: .epoch)
        #expect(close(try lr(perEpoch, at: 25), 0.05 * (1 + cos(Double.pi * 0.2))))
        #expect(try lr(perEpoch, at: 20) == lr(perEpoch, at: 29))
    }

    @Test func stepAndMultiStepBoundaries() throws {
        let step = ScheduleConfig.step(stepSize: 3, gamma: 0.1)  // per epoch, 10 steps each
        #expect(close(try lr(step, at: 29), 0.1))
        #expect(close(try lr(step, at: 30), 0.01))
        #expect(close(try lr(step, at: 60), 0.001))
        let multi = ScheduleConfig.multiStep(milestones: [5, 8], gamma: 0.5)
        #expect(close(try lr(multi, at: 49), 0.1))
        #expect(close(try lr(multi, at: 50), 0.05))
        #expect(close(try lr(multi, at: 80), 0.025))
        #expect(close(try lr(.constant, at: 77), 0.1))
    }

    @Test func linearDecay() throws {
        #expect(close(try lr(.linear(), at: 50), 0.05))
        #expect(close(try lr(.linear(finalLR: 0.02), at: 25), 0.1 - 0.08 * 0.25))
    }

    @Test func oneCyclePeakAndEnds() throws {
        // 1000 steps, pct 0.3: phase 1 ends at step 0.3·1000 − 1 = 299 (PyTorch's OneCycleLR).
        let c = ScheduleConfig.oneCycle()
        #expect(close(try lr(c, total: 1000, at: 0), 0.1 / 25))
        #expect(close(try lr(c, total: 1000, at: 299), 0.1))
        #expect(try lr(c, total: 1000, at: 298) < 0.1 && lr(c, total: 1000, at: 300) < 0.1)
        #expect(close(try lr(c, total: 1000, at: 999), 0.1 / 25 / 1e4))
        // Midpoint of the rise: (initial + peak) / 2.
        #expect(close(try lr(c, total: 1000, at: 149), 0.004 + (0.1 - 0.004) * (1 - cos(Double.pi * 149 / 299)) / 2))
    }

    @Test func badConfigsThrow() {
        #expect(throws: OptimizationError.self) {
            try Schedule(.step(stepSize: 0), baseLR: 0.1, totalSteps: 10, stepsPerEpoch: 1)
        }
        #expect(throws: OptimizationError.self) {
            try Schedule(.cosine(), baseLR: 0.1, totalSteps: 0, stepsPerEpoch: 1)
        }
    }
}
