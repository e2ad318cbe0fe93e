import NN
import Testing
import Pruning

/// The ShrinkBench card's tiny-network tests for the keep fraction, the quantile and the threshold rule.
@Suite struct ThresholdTests {
    @Test func keepFractionMatchesCardExample() throws {
        // Card test 1: 100 parameters, 80 prunable, c = 4 -> (25 - 20) / 80 = 0.0625.
        let f = try Compression.keepFraction(compression: 4, total: 100, prunable: 80)
        #expect(f == 0.0625)
    }

    @Test func keepFractionIsOneWithoutCompression() throws {
        #expect(try Compression.keepFraction(compression: 1, total: 1234, prunable: 1000) == 1)
    }

    @Test func infeasibleCompressionThrows() {
        // 100 parameters, 20 of them unprunable: c = 5 would need f = 0.
        #expect(throws: PruningError.self) { try Compression.keepFraction(compression: 5, total: 100, prunable: 80) }
        #expect(throws: PruningError.self) { try Compression.keepFraction(compression: 0.5, total: 100, prunable: 80) }
        #expect(throws: PruningError.self) { try Compression.keepFraction(compression: 2, total: 100, prunable: 0) }
    }

    @Test func globalMagnitudeThresholdKeepsTheLargestHalf() {
        var tieBreaking = SeededGenerator(seed: 0)
        // Card test 2: scores [0.1, 0.4, 0.2, 0.8], f = 0.5 -> quantile 0.3 -> keep 0.4 and 0.8.
        let scores: [Float] = [0.1, 0.4, 0.2, 0.8]
        let threshold = Quantile.threshold(keeping: 0.5, of: scores)
        #expect(abs(threshold - 0.3) < 1e-7)
        let masks = Mask.thresholded([("w", Tensor(shape: [4], values: scores))], keepFraction: 0.5, scope: .global, tieBreaking: &tieBreaking)
        #expect(masks[0].mask.values == [0, 1, 0, 1])
    }

    @Test func interpolatedQuantile() {
        var tieBreaking = SeededGenerator(seed: 0)
        // Card test 3: f = 0.4 on [1, 2, 3, 4, 5]: quantile(0.6) = 3.4 -> keep 4 and 5.
        let scores: [Float] = [5, 1, 4, 2, 3]
        #expect(abs(Quantile.linear(scores, 0.6) - 3.4) < 1e-12)
        let masks = Mask.thresholded([("w", Tensor(shape: [5], values: scores))], keepFraction: 0.4, scope: .layerwise, tieBreaking: &tieBreaking)
        #expect(masks[0].mask.values == [1, 0, 1, 0, 0])
    }

    @Test func quantileEndpointsAndTies() {
        let scores: [Float] = [3, 1, 2, 2]
        #expect(Quantile.linear(scores, 0) == 1)
        #expect(Quantile.linear(scores, 1) == 3)
        // sorted [1, 2, 2, 3]: v = 0.5 * 3 = 1.5 -> between 2 and 2.
        #expect(Quantile.linear(scores, 0.5) == 2)
        // Keeping 1/4 of [1, 2, 2, 3]: v = 2.25 -> 2.25 between 2 and 3 -> keep only 3.
        #expect(abs(Quantile.linear(scores, 0.75) - 2.25) < 1e-12)
    }

    @Test func globalAndLayerwiseDiffer() {
        var tieBreaking = SeededGenerator(seed: 0)
        // A holds the small scores, B the large ones: global f = 0.5 keeps all of B, layerwise half of each.
        let a = Tensor(shape: [4], values: [0.1, 0.2, 0.3, 0.4])
        let b = Tensor(shape: [4], values: [1, 2, 3, 4])
        let global = Mask.thresholded([("a", a), ("b", b)], keepFraction: 0.5, scope: .global, tieBreaking: &tieBreaking)
        #expect(global[0].mask.values == [0, 0, 0, 0])
        #expect(global[1].mask.values == [1, 1, 1, 1])
        let layer = Mask.thresholded([("a", a), ("b", b)], keepFraction: 0.5, scope: .layerwise, tieBreaking: &tieBreaking)
        #expect(layer[0].mask.values == [0, 0, 1, 1])
        #expect(layer[1].mask.values == [0, 0, 1, 1])
    }

    @Test func randomMaskKeepsFractionWithinHalfAPercent() {
        // Card test 6: f = 0.25 on 10^5 entries keeps 25 % ± 0.5 % (binomial sd is 0.137 %).
        var random = SeededGenerator(seed: 7).derived("masks")
        let mask = Mask.bernoulli([100_000], keepProbability: 0.25, random: &random)
        let kept = Double(Mask.keptCount(mask)) / 100_000
        #expect(abs(kept - 0.25) <= 0.005)
        var again = SeededGenerator(seed: 7).derived("masks")
        #expect(Mask.bernoulli([100_000], keepProbability: 0.25, random: &again).isBitwiseEqual(to: mask))
    }

    @Test func tiesAtAZeroThresholdAreThinnedToTheTarget() {
        // 80 zero scores (dead units) and 20 positive: keeping 30 % puts the quantile at 0, which
        // ShrinkBench's rule would turn into keeping all 100 entries.
        let values = (0..<100).map { $0 < 80 ? Float(0) : Float($0) }
        let scores = [(name: "w", scores: Tensor(shape: [100], values: values))]
        var seven = SeededGenerator(seed: 7), sevenAgain = SeededGenerator(seed: 7)
        var eight = SeededGenerator(seed: 8)
        let masks = Mask.thresholded(scores, keepFraction: 0.3, scope: .global,
                                     tieBreaking: &seven)
        let mask = masks[0].mask.values
        #expect(mask.reduce(0, +) == 30)
        #expect(mask[80...].allSatisfy { $0 == 1 })
        let again = Mask.thresholded(scores, keepFraction: 0.3, scope: .global,
                                     tieBreaking: &sevenAgain)
        #expect(again[0].mask.isBitwiseEqual(to: masks[0].mask))
        let other = Mask.thresholded(scores, keepFraction: 0.3, scope: .global,
                                     tieBreaking: &eight)
        #expect(!other[0].mask.isBitwiseEqual(to: masks[0].mask))
    }
}
