import Data
import Foundation
import NN
import Pruning
import Testing
import Training

/// A linear classifier z = W x + b (3 classes, 4 inputs, no hidden layer) on two examples, whose mean
/// cross-entropy gradient has a closed form: dL/dW = mean_n (softmax(z_n) − y_n) x_nᵀ, dL/db = mean_n
/// (softmax(z_n) − y_n). The values are chosen so that ranking by |w ⊙ g|, by |w| and by |g| keeps three
/// different sets of weights (checked in each test), so a method that drops either factor fails.
enum TinyLinear {
    static let architecture = Architecture(name: "sequential", classes: 3, inputChannels: 1, inputSize: [1, 4],
                                           layers: [LayerSpec(.flatten), LayerSpec(.linear)])
    static let weight: [Double] = [0.9, -0.2, 0.4, -1.5, -0.3, 1.2, -0.8, 0.1, 0.6, 0.05, -1.1, 0.7]
    static let bias: [Double] = [0.2, -0.4, 0.3]
    static let inputs: [[Double]] = [[1, 2, -1, 0.5], [0.5, -1, 2, 1]]
    static let labels: [Int32] = [0, 2]

    /// The examples (identity normalisation), as both the training and the validation split.
    static func data() -> SessionData {
        let images = Tensor(shape: [2, 1, 1, 4], values: inputs.flatMap { $0.map(Float.init) })
        let split = ImageSplit(images: images, labels: labels)
        return SessionData(training: split, validation: split, normalization: Normalization(scale: 1, mean: [0], std: [1]))
    }

    /// A session for `method` whose model holds `weight` and `bias` (also after an at-init method's re-initialisation).
    static func session(_ method: any PruningMethod, compression: Double) throws -> Session {
        var random = SeededGenerator(seed: 1)
        let session = try Session(method: method, model: Model(architecture, random: &random), data: data(),
                                  compression: compression, seed: 0, budget: 0, recipe: TrainingRecipe(batchSize: 2))
        let parameters = Dictionary(uniqueKeysWithValues: session.model.parameters.map { ($0.name, $0.parameter) })
        try #require(parameters.keys.sorted() == ["1.bias", "1.weight"])
        parameters["1.weight"]?.value.assign(from: Tensor(shape: [3, 4], values: weight.map(Float.init)))
        parameters["1.bias"]?.value.assign(from: Tensor(shape: [3], values: bias.map(Float.init)))
        return session
    }

    /// (dL/dW row-major, dL/db) of the mean cross-entropy, in closed form.
    static func gradients() -> (weight: [Double], bias: [Double]) {
        var gW = [Double](repeating: 0, count: 12), gb = [Double](repeating: 0, count: 3)
        for (x, label) in zip(inputs, labels) {
            var z = bias
            for i in 0..<3 {
                for j in 0..<4 { z[i] += weight[i * 4 + j] * x[j] }
            }
            let largest = z.max() ?? 0
            let e = z.map { exp($0 - largest) }
            let total = e.reduce(0, +)
            let p = e.map { $0 / total }
            for i in 0..<3 {
                let delta = (p[i] - (Int32(i) == label ? 1 : 0)) / Double(inputs.count)
                gb[i] += delta
                for j in 0..<4 { gW[i * 4 + j] += delta * x[j] }
            }
        }
        return (gW, gb)
    }

    /// The positions of the `count` largest values (ties by position), ascending.
    static func top(_ values: [Double], _ count: Int) -> [Int] {
        Array(values.indices.sorted { values[$0] > values[$1] || (values[$0] == values[$1] && $0 < $1) }.prefix(count)).sorted()
    }

    /// The kept positions of a mask.
    static func kept(_ mask: Tensor?) -> [Int] {
        guard let mask else { return [] }
        return (0..<mask.count).filter { mask[flat: $0] != 0 }
    }
}

/// ShrinkBench's gradient scores |θ ⊙ dL/dθ| (card `shrinkbench-baselines.md`, MagGrad), through `run`.
@Suite struct ShrinkBenchGradientTests {
    @Test func globalGradientKeepsTheLargestWeightTimesGradient() throws {
        // 15 prunable entries (W and b, classifier pruned), compression 3: f = 1/3; np.quantile(s, 2/3) over 15
        // distinct scores lies between the 10th and 11th smallest, so exactly the 5 largest are kept.
        var configuration = ShrinkBenchBatchConfiguration()
        configuration.pruneClassifier = true
        let session = try TinyLinear.session(GlobalGradient(configuration: configuration), compression: 3)
        try session.method.run(session)
        let (gW, gb) = TinyLinear.gradients()
        let w = TinyLinear.weight, b = TinyLinear.bias
        func globalTop(_ weights: [Double], _ biases: [Double]) -> [Int] { TinyLinear.top(weights + biases, 5) }
        let expected = globalTop(zip(w, gW).map { abs($0 * $1) }, zip(b, gb).map { abs($0 * $1) })
        #expect(expected != globalTop(w.map(abs), b.map(abs)), "the case must tell |w ⊙ g| from |w|")
        #expect(expected != globalTop(gW.map(abs), gb.map(abs)), "the case must tell |w ⊙ g| from |g|")
        let masks = Dictionary(uniqueKeysWithValues: session.masks)
        let kept = TinyLinear.kept(masks["1.weight"]) + TinyLinear.kept(masks["1.bias"]).map { $0 + 12 }
        #expect(kept == expected)
        #expect(kept == [0, 1, 2, 5, 10]) // PyTorch's autograd on the same numbers gives these five as well
    }

    @Test func layerGradientKeepsEachTensorsLargestWeightTimesGradient() throws {
        // Per tensor at f = 1/3: W keeps its 4 largest of 12 (quantile between the 8th and 9th), b its largest of 3.
        var configuration = ShrinkBenchBatchConfiguration()
        configuration.pruneClassifier = true
        let session = try TinyLinear.session(LayerGradient(configuration: configuration), compression: 3)
        try session.method.run(session)
        let (gW, gb) = TinyLinear.gradients()
        let w = TinyLinear.weight, b = TinyLinear.bias
        let expected = TinyLinear.top(zip(w, gW).map { abs($0 * $1) }, 4)
        #expect(expected != TinyLinear.top(w.map(abs), 4) && expected != TinyLinear.top(gW.map(abs), 4))
        let masks = Dictionary(uniqueKeysWithValues: session.masks)
        #expect(TinyLinear.kept(masks["1.weight"]) == expected)
        #expect(TinyLinear.kept(masks["1.bias"]) == TinyLinear.top(zip(b, gb).map { abs($0 * $1) }, 1))
        #expect(expected == [0, 2, 5, 10])
    }
}
