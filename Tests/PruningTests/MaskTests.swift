import NN
import Testing
import Pruning

/// Structured and unstructured mask helpers.
@Suite struct MaskTests {
    @Test func outputMaskZeroesWholeFilters() {
        let mask = Mask.outputs(keeping: [true, false, true], shape: [3, 2, 1, 2])
        #expect(mask.values == [1, 1, 1, 1, 0, 0, 0, 0, 1, 1, 1, 1])
        #expect(Mask.aliveOutputs(mask) == [true, false, true])
    }

    @Test func inputMaskZeroesChannelsOfTheNextLayer() {
        // Next conv [2 out, 3 in, 1, 1]: drop input channel 1.
        let conv = Mask.inputs(keeping: [true, false, true], shape: [2, 3, 1, 1])
        #expect(conv.values == [1, 0, 1, 1, 0, 1])
        // Linear after a flatten of 2 channels × 2 positions: drop channel 0.
        let linear = Mask.inputs(keeping: [false, true], shape: [2, 4], featuresPerInput: 2)
        #expect(linear.values == [0, 0, 1, 1, 0, 0, 1, 1])
    }

    @Test func validationNamesTheParameter() {
        let bad = Tensor(shape: [2], values: [1, 0.5])
        #expect(throws: PruningError.maskValue(parameter: "fc1.weight", index: 1, value: 0.5)) {
            try Mask.validate(bad, shape: [2], parameter: "fc1.weight")
        }
        #expect(throws: PruningError.maskShape(parameter: "fc1.weight", expected: [3], got: [2])) {
            try Mask.validate(Mask.ones([2]), shape: [3], parameter: "fc1.weight")
        }
    }

    @Test func budgetMeterRefusesToOverspend() throws {
        let meter = BudgetMeter(total: 10)
        try meter.charge(4)
        #expect(throws: PruningError.budgetExceeded(requested: 7, remaining: 6, total: 10)) { try meter.charge(7) }
        #expect(meter.used == 4)
        try meter.charge(6)
        #expect(meter.remaining == 0)
    }
}
