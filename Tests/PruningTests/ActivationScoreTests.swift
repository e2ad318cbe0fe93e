import NN
import Testing
import Pruning

/// The ShrinkBench card's weight × activation tests (4 and 5), derived by hand.
@Suite struct ActivationScoreTests {
    @Test func linearScoresMatchCard() {
        // Card test 4: W = [[1, -2]], inputs [[1, 3], [3, -1]] -> ā = [2, 1] -> n = [2, 1] -> [[2, 2]].
        let inputs = Tensor(shape: [2, 2], values: [1, 3, 3, -1])
        let norms = ActivationScores.inputNorms(inputs)
        #expect(norms == [2, 1])
        let scores = ActivationScores.weightScores(Tensor(shape: [1, 2], values: [1, -2]), norms: norms)
        #expect(scores.values == [2, 2])
    }

    @Test func convNormIsMeanAbsoluteOfTheBatchMeanMap() {
        // Card test 5: batch-mean map [[1, -1], [2, 0]] -> n = (1 + 1 + 2 + 0) / 4 = 1.0.
        // Two examples whose mean is that map: [[2, -2], [4, 0]] and [[0, 0], [0, 0]].
        let inputs = Tensor(shape: [2, 1, 2, 2], values: [2, -2, 4, 0, 0, 0, 0, 0])
        #expect(ActivationScores.inputNorms(inputs) == [1])
    }

    @Test func signedMeanCancelsBeforeTheAbsoluteValue() {
        // Inputs +3 and -3 on one unit average to 0: the unit's weights score 0 whatever their size.
        let inputs = Tensor(shape: [2, 2], values: [3, 1, -3, 1])
        let norms = ActivationScores.inputNorms(inputs)
        #expect(norms == [0, 1])
        let scores = ActivationScores.weightScores(Tensor(shape: [2, 2], values: [5, -1, -7, 2]), norms: norms)
        #expect(scores.values == [0, 1, 0, 2])
    }

    @Test func convWeightScoresBroadcastChannelNorms() {
        // Conv weight [2 out, 2 in, 1, 2]; channel norms [0.5, 2]: each kernel entry × its input channel's norm.
        let weight = Tensor(shape: [2, 2, 1, 2], values: [1, -2, 3, -4, 5, 6, -7, 8])
        let scores = ActivationScores.weightScores(weight, norms: [0.5, 2])
        #expect(scores.values == [0.5, 1, 6, 8, 2.5, 3, 14, 16])
        // Two groups: output 0 sees input channel 0, output 1 sees channel 1.
        let grouped = ActivationScores.weightScores(Tensor(shape: [2, 1, 1, 1], values: [-3, 3]), norms: [0.5, 2], groups: 2)
        #expect(grouped.values == [1.5, 6])
    }

    @Test func biasScoresUseTheMeanNorm() {
        // |b · mean(n)| with n = [1, 3] -> mean 2.
        let scores = ActivationScores.biasScores(Tensor(shape: [3], values: [1, -0.5, 0]), norms: [1, 3])
        #expect(scores.values == [2, 1, 0])
    }
}
