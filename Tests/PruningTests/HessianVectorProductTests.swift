import Data
import Foundation
import NN
import Pruning
import Testing

/// The finite-difference Hessian–vector product against Hessians derived by hand.
@Suite struct HessianVectorProductTests {
    /// Softmax regression: flatten · linear(4 → 3) on 1×2×2 inputs.
    static let softmaxRegression = Architecture(
        name: "sequential", classes: 3, inputChannels: 1, inputSize: [2, 2],
        layers: [LayerSpec(.flatten), LayerSpec(.linear)])

    /// Five fixed examples (normalisation is the identity, so inputs are the stored values).
    static func batch() throws -> Batch {
        var random = SeededGenerator(seed: 11)
        let images = Tensor(zeros: [5, 1, 2, 2])
        for i in 0..<images.count { images[flat: i] = random.nextUniform(-1.5, 1.5) }
        let split = ImageSplit(images: images, labels: [0, 2, 1, 1, 0])
        let loader = try BatchLoader(split: split, normalization: Normalization(scale: 1, mean: [0], std: [1]),
                                     batchSize: 5, shuffle: false, random: random)
        return loader.batch(epoch: 0, index: 0)
    }

    /// The exact Hessian of the mean cross-entropy with respect to W (row-major [class, feature]),
    /// derived by hand and evaluated in Double: H[(a,i),(b,j)] = mean_n (δ_ab p_a − p_a p_b) x_i x_j.
    static func exactHessian(weight: Tensor, bias: Tensor, batch: Batch) -> [[Double]] {
        let classes = weight.shape[0], features = weight.shape[1]
        let size = classes * features
        var hessian = [[Double]](repeating: [Double](repeating: 0, count: size), count: size)
        let examples = batch.count
        for n in 0..<examples {
            let x = (0..<features).map { Double(batch.inputs[flat: n * features + $0]) }
            let z = (0..<classes).map { a in
                Double(bias[flat: a]) + (0..<features).reduce(0.0) { $0 + Double(weight[flat: a * features + $1]) * x[$1] }
            }
            let top = z.max() ?? 0
            let e = z.map { exp($0 - top) }
            let total = e.reduce(0, +)
            let p = e.map { $0 / total }
            for a in 0..<classes { for i in 0..<features { for b in 0..<classes { for j in 0..<features {
                let curvature = (a == b ? p[a] : 0) - p[a] * p[b]
                hessian[a * features + i][b * features + j] += curvature * x[i] * x[j] / Double(examples)
            } } } }
        }
        return hessian
    }

    /// Tolerance 1e-3 relative (in the Euclidean norm): with step h = 1e-3, Float gradients
    /// (rounding ≈ 1e-7 · ‖∇L‖) give an error ≈ 1e-7 · ‖∇L‖ / (2h) ≈ 5e-5 · ‖∇L‖, and the truncation
    /// error is O(h²) — both well below 1e-3 of ‖Hv‖ here, which is of the order of ‖∇L‖.
    @Test func matchesTheExactHessianOfSoftmaxRegression() throws {
        var random = SeededGenerator(seed: 5)
        let model = try Model(Self.softmaxRegression, random: &random)
        let batch = try Self.batch()
        let weight = try #require(InitialisationScoring.layerWeights(of: model).first).parameter
        let bias = try #require(model.parameters.first { $0.name.hasSuffix("bias") }).parameter
        let before = weight.value.copy()
        let direction = Tensor(zeros: weight.value.shape)
        for i in 0..<direction.count { direction[flat: i] = random.nextNormal() }

        let product = try #require(HessianVectorProduct.centralDifference(parameters: [weight], vector: [direction]) {
            InitialisationScoring.lossGradients(model: model, parameters: [weight], batch: batch)
        }.first)

        let hessian = Self.exactHessian(weight: weight.value, bias: bias.value, batch: batch)
        let exact = hessian.map { row in zip(row, direction.values).reduce(0.0) { $0 + $1.0 * Double($1.1) } }
        let error = zip(exact, product.values).reduce(0.0) { $0 + ($1.0 - Double($1.1)) * ($1.0 - Double($1.1)) }.squareRoot()
        let size = exact.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
        #expect(size > 1e-3, "the test needs curvature")
        #expect(error <= 1e-3 * size, "relative error \(error / size)")
        #expect(weight.value.isBitwiseEqual(to: before), "parameters not restored")
    }

    /// A quadratic L = ½ θᵀAθ has gradient Aθ and Hessian A: the difference is exact up to rounding.
    @Test func quadraticHessianIsRecovered() throws {
        let theta = Parameter(Tensor(shape: [3], values: [0.5, -1, 2]))
        let a: [[Float]] = [[2, 1, 0], [1, 3, -1], [0, -1, 4]]
        let v = Tensor(shape: [3], values: [1, -2, 0.5])
        let product = try #require(HessianVectorProduct.centralDifference(parameters: [theta], vector: [v]) {
            [Tensor(shape: [3], values: a.map { row in zip(row, theta.value.values).reduce(0) { $0 + $1.0 * $1.1 } })]
        }.first)
        let expected: [Float] = [0, -5.5, 4]  // A v, by hand
        #expect(zip(product.values, expected).allSatisfy { abs($0 - $1) <= 1e-3 }, "\(product.values)")
        #expect(theta.value.values == [0.5, -1, 2])
    }

    @Test func zeroDirectionGivesZeroWithoutEvaluating() {
        let theta = Parameter(Tensor(shape: [2], values: [1, 2]))
        var calls = 0
        let product = HessianVectorProduct.centralDifference(parameters: [theta], vector: [Tensor(zeros: [2])]) {
            calls += 1
            return [theta.value.copy()]
        }
        #expect(calls == 0)
        #expect(product.first?.values == [0, 0])
    }
}
