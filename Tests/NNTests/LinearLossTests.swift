import Foundation
import Testing
@testable import NN

@Suite struct LinearLossTests {
    /// Fast GEMM against the naive Double-accumulating one on odd, skinny and transposed shapes.
    @Test(arguments: [(1, 7, 5), (3, 1, 9), (17, 33, 1), (128, 300, 784), (5, 64, 3), (31, 2, 129), (9, 49, 1100),
                      (16, 784, 144), (64, 49, 576), (300, 128, 7), (8, 48, 16), (7, 47, 0)])
    func gemmMatchesNaive(m: Int, n: Int, k: Int) {
        var random = SeededGenerator(seed: UInt64(m * 1000 + n * 10 + k))
        for (ta, tb) in [(false, false), (true, false), (false, true), (true, true)] {
            let a = randomTensor(ta ? [k, m] : [m, k], &random)
            let b = randomTensor(tb ? [n, k] : [k, n], &random)
            let c0 = randomTensor([m, n], &random)
            let fast = c0.copy(), slow = c0.copy()
            let backends: [GEMMBackend] = GEMMBackend.avx512Available ? [.openBLAS, .avx512] : [.openBLAS]
            for threads in [1, 2] {
              for backend in backends {
                fast.assign(from: c0)
                gemm(a, transposeA: ta, b, transposeB: tb, alpha: 0.5, beta: 0.25, into: fast, threads: threads,
                     backend: backend)
                naiveGEMM(a, transposeA: ta, b, transposeB: tb, alpha: 0.5, beta: 0.25, into: slow.copyFrom(c0))
                // Error relative to the magnitude scale 0.5·|A||B| + 0.25·|C| must stay below 1e-5
                // (Float rounding over k <= 784 terms: the worst-case bound k·2^-24 is 4.7e-5, typical √k·2^-24).
                let scale = Tensor(zeros: [m, n])
                naiveGEMM(a.absolute(), transposeA: ta, b.absolute(), transposeB: tb, alpha: 0.5, beta: 0.25,
                          into: scale.copyFrom(c0.absolute()))
                var worst: Float = 0
                for i in 0..<scale.count { worst = max(worst, abs(fast.data[i] - slow.data[i]) / scale.data[i]) }
                #expect(worst < 1e-5, "m\(m) n\(n) k\(k) ta\(ta) tb\(tb) t\(threads) \(backend)")
              }
            }
        }
    }

    /// Linear backward vs central differences, relative tolerance 1e-2 (Float forward, h = 1e-2).
    @Test func linearGradients() {
        var random = SeededGenerator(seed: 1)
        let layer = Linear(inFeatures: 13, outFeatures: 7, random: &random)
        GradientCheck().check(layer, input: randomTensor([5, 13], &random))
        let noBias = Linear(inFeatures: 4, outFeatures: 3, bias: false, random: &random)
        #expect(noBias.localParameters.map(\.name) == ["weight"])
        GradientCheck().check(noBias, input: randomTensor([2, 4], &random))
    }

    /// PyTorch's default init bound 1/sqrt(fan_in) holds for weight and bias.
    @Test func linearInitBounds() {
        var random = SeededGenerator(seed: 2)
        let layer = Linear(inFeatures: 100, outFeatures: 50, random: &random)
        let w = layer.weight.value.values, b = layer.bias?.value.values ?? []
        #expect(w.allSatisfy { abs($0) <= 0.1 } && b.allSatisfy { abs($0) <= 0.1 })
        #expect((w.max() ?? 0) > 0.09 && (w.min() ?? 0) < -0.09)
    }

    /// ReLU (inputs kept away from the kink) and a Sequential chain vs central differences (tol 1e-2).
    @Test func reluAndSequentialGradients() {
        var random = SeededGenerator(seed: 3)
        let x = randomTensor([4, 6], &random)
        for i in 0..<x.count where abs(x.data[i]) < 0.05 { x.data[i] = 0.3 }
        GradientCheck().check(ReLU(), input: x)
        let net = Sequential([Linear(inFeatures: 6, outFeatures: 5, random: &random), ReLU(),
                              Linear(inFeatures: 5, outFeatures: 3, random: &random)])
        #expect(net.namedParameters().map(\.name) == ["0.weight", "0.bias", "2.weight", "2.bias"])
        GradientCheck(step: 1e-3).check(net, input: x)
    }

    /// Label smoothing against a hand-computed value: logits [0, ln 2, ln 4] (p = 1/7, 2/7, 4/7), label 0.
    @Test func labelSmoothingValue() {
        let logits = Tensor(shape: [1, 3], values: [0, Float(log(2.0)), Float(log(4.0))])
        let eps: Float = 0.1
        let (loss, grad) = SoftmaxCrossEntropy(labelSmoothing: eps)(logits: logits, labels: [0])
        // nll = ln 7; mean_c(-log p_c) = ln 7 - (ln 2 + ln 4)/3 = ln 7 - ln 2.
        let expected = 0.9 * log(7.0) + 0.1 * (log(7.0) - log(2.0))
        #expect(abs(Double(loss) - expected) < 1e-6)
        // dL/dz = p - q with q = (0.9 + 0.1/3, 0.1/3, 0.1/3).
        let expectedGrad = [1.0 / 7 - 0.9 - 0.1 / 3, 2.0 / 7 - 0.1 / 3, 4.0 / 7 - 0.1 / 3]
        for c in 0..<3 { #expect(abs(Double(grad.data[c]) - expectedGrad[c]) < 1e-6) }
        let plain = SoftmaxCrossEntropy()(logits: logits, labels: [2]).loss
        #expect(abs(Double(plain) - log(7.0 / 4.0)) < 1e-6)
    }

    /// The loss gradient vs central differences in Double over the logits (tol 1e-3).
    @Test func lossGradient() {
        var random = SeededGenerator(seed: 4)
        let logits = randomTensor([3, 5], &random, low: -3, high: 3)
        let labels: [Int32] = [0, 4, 2]
        let lossFn = SoftmaxCrossEntropy(labelSmoothing: 0.2)
        let grad = lossFn(logits: logits, labels: labels).gradient
        let h: Float = 1e-2
        var diff = 0.0, norm = 0.0
        for i in 0..<logits.count {
            let original = logits.data[i]
            logits.data[i] = original + h
            let plus = Double(lossFn(logits: logits, labels: labels).loss)
            logits.data[i] = original - h
            let minus = Double(lossFn(logits: logits, labels: labels).loss)
            logits.data[i] = original
            let numeric = (plus - minus) / Double(2 * h)
            diff += pow(numeric - Double(grad.data[i]), 2)
            norm += numeric * numeric
        }
        #expect((diff / norm).squareRoot() < 1e-3)
    }

    /// Top-k counting: ranks by strictly larger logits, ties to the lower index.
    @Test func topKAccuracy() {
        let logits = Tensor(shape: [3, 4], values: [0.1, 0.9, 0.5, 0.2,   1, 1, 0, 0,   0, 0, 0, 5])
        #expect(accuracy(logits: logits, labels: [1, 1, 0], topK: 1) == 1)
        #expect(accuracy(logits: logits, labels: [2, 1, 0], topK: 2) == 3)
        // Row 0: label 3 has two larger logits (rank 2); row 1: label 3 ranks behind 0, 1 and the tie at 2.
        #expect(accuracy(logits: logits, labels: [3, 3, 2], topK: 3) == 1)
    }
}

extension Tensor {
    /// Overwrites this tensor with `other` and returns it (test convenience).
    func copyFrom(_ other: Tensor) -> Tensor { assign(from: other); return self }

    /// A copy with every element replaced by its absolute value.
    func absolute() -> Tensor { Tensor(shape: shape, values: values.map { abs($0) }) }
}
