import Data
import Foundation
import HDF5
import NN
import Testing

/// The exact Hessian–vector product against PyTorch's double backward in float64 (tools/hvp_fixtures.py,
/// Fixtures/hvp-*.h5) on LeNet-300-100, LeNet-5 and ResNet-20 at full size and on a kink-free network with the
/// zoo's other layers (`smooth`), on 100 Fashion-MNIST training images normalised by PruneBench:
/// ‖Hv − Hv_ref‖ ≤ 1e-4·‖Hv_ref‖ for GraSP's v = g over the conv and linear weights in inference mode, and for
/// a random ±1 direction over every parameter in inference mode and with batch statistics.
///
/// The one exception is ResNet-20 with batch statistics, held to 2e-3: there float32 rounding (≈ 1e-6 of
/// the activations) flips a few of the 14.4 million ReLU units that sit within 1e-6 of the kink (16 in this
/// batch), and each flip at layer1 moves the product by a few 1e-4. PyTorch's own float32 double backward
/// is off by 1.7e-4 from the float64 reference and by 9e-6 from the float64 product taken at float32's
/// activation pattern. The kink-free `smooth` network holds the batch-statistics R-operator to 1e-4.
@Suite struct HessianVectorProductFixtureTests {
    static let tolerance = 1e-4
    /// ResNet-20 with batch statistics (see above).
    static let kinkTolerance = 2e-3

    @Test(arguments: ["mlp", "lenet5", "resnet20", "smooth"])
    func gradientProductMatchesDoubleBackward(model name: String) throws {
        let fixture = try HessianFixture(name)
        let reference = try fixture.tensors("eval/gradient_product")
        let weights = try reference.map { try fixture.parameter($0.name) }
        let g = fixture.gradient(of: weights)
        let product = try HessianVectorProduct.compute(
            root: fixture.model.root, inputs: fixture.batch.inputs, labels: fixture.batch.labels, parameters: weights,
            vector: g, context: ForwardContext(mode: .inference))
        let error = HessianFixture.relativeError(product, reference.map(\.tensor))
        print("HVP fixture \(name), inference, v = g (\(g.reduce(0) { $0 + $1.count }) weights): relative error \(error)")
        #expect(error <= Self.tolerance, "\(name): relative error \(error)")
    }

    @Test(arguments: [("mlp", ForwardMode.inference), ("lenet5", .inference), ("resnet20", .inference),
                      ("resnet20", .training), ("smooth", .inference), ("smooth", .training)])
    func randomProductMatchesDoubleBackward(model name: String, mode: ForwardMode) throws {
        let fixture = try HessianFixture(name)
        let group = mode == .training ? "train/random_product" : "eval/random_product"
        let parameters = fixture.model.parameters
        let flat = try fixture.file.dataset("random").read(as: Float.self)
        var offset = 0
        let directions = parameters.map { entry in
            defer { offset += entry.parameter.value.count }
            return Tensor(shape: entry.parameter.value.shape, values: Array(flat[offset..<(offset + entry.parameter.value.count)]))
        }
        #expect(offset == flat.count)
        let product = try HessianVectorProduct.compute(
            root: fixture.model.root, inputs: fixture.batch.inputs, labels: fixture.batch.labels,
            parameters: parameters.map(\.parameter), vector: directions, context: ForwardContext(mode: mode))
        let stored = try fixture.file.group(group).stringArrayAttribute("stored")
        let byName = Dictionary(uniqueKeysWithValues: zip(parameters.map(\.name), product))
        let error = HessianFixture.relativeError(try stored.map { try #require(byName[$0]) },
                                                 try stored.map { try fixture.tensor("\(group)/\($0)") })
        print("HVP fixture \(name), \(mode), random v (\(stored.count) of \(parameters.count) tensors compared): "
              + "relative error \(error)")
        let tolerance = name == "resnet20" && mode == .training ? Self.kinkTolerance : Self.tolerance
        #expect(error <= tolerance, "\(name) \(mode): relative error \(error)")
    }

    /// The fixtures can tell an exact product from GraSP's former central differences of gradients at a
    /// step of 1e-3·‖θ‖: on these ReLU and max-pool networks the step crosses activation kinks and the
    /// difference is off by more than the product's own size (so the tests above fail for such a product).
    @Test(arguments: ["mlp", "lenet5"])
    func differencesOfGradientsMissTheReference(model name: String) throws {
        let fixture = try HessianFixture(name)
        let reference = try fixture.tensors("eval/gradient_product")
        let weights = try reference.map { try fixture.parameter($0.name) }
        let g = fixture.gradient(of: weights)
        let original = weights.map { $0.value.copy() }
        let norm = { (tensors: [Tensor]) in tensors.reduce(0.0) { $0 + $1.values.reduce(0.0) { $0 + Double($1) * Double($1) } }.squareRoot() }
        let step = 1e-3 * max(norm(original), 1), scale = step / norm(g)
        func gradient(at sign: Double) -> [Tensor] {
            for (w, (o, d)) in zip(weights, zip(original, g)) {
                for i in 0..<w.value.count { w.value[flat: i] = Float(Double(o[flat: i]) + sign * scale * Double(d[flat: i])) }
            }
            return fixture.gradient(of: weights)
        }
        let (plus, minus) = (gradient(at: 1), gradient(at: -1))
        for (w, o) in zip(weights, original) { w.value.assign(from: o) }
        let difference = zip(plus, minus).map { up, down in
            Tensor(shape: up.shape, values: zip(up.values, down.values).map { Float(Double($0 - $1) / (2 * scale)) })
        }
        let error = HessianFixture.relativeError(difference, reference.map(\.tensor))
        print("HVP fixture \(name): central differences at 1e-3·‖θ‖, relative error \(error)")
        #expect(error > 0.5, "\(name): differences within \(error) of the exact product")
    }
}

/// One fixture file of tools/hvp_fixtures.py: the model with its weights, the normalised batch, PyTorch's tensors.
struct HessianFixture {
    let file: File
    let model: Model
    let batch: Batch

    init(_ name: String) throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/hvp-\(name).h5").path
        file = try File.open(path)
        var random = SeededGenerator(seed: 0)
        model = try Model(try Architecture(json: try file.root.stringAttribute("architecture")), random: &random)
        try model.load(stateDict: try Self.tensors(in: file.group("state_dict"), prefix: "state_dict/", file: file))
        let images = try file.dataset("batch/images")
        let labels = try file.dataset("batch/labels").read(as: Int64.self).map { Int32($0) }
        let split = ImageSplit(images: Tensor(shape: images.shape, values: try images.read(as: Float.self)), labels: labels)
        batch = try BatchLoader(split: split, normalization: FashionMNIST.normalization, batchSize: split.count,
                                shuffle: false, random: random).batch(epoch: 0, index: 0)
    }

    func tensor(_ path: String) throws -> Tensor {
        let dataset = try file.dataset(path)
        return Tensor(shape: dataset.shape, values: try dataset.read(as: Float.self))
    }

    /// The datasets of `group`, in the file's order.
    func tensors(_ group: String) throws -> [(name: String, tensor: Tensor)] {
        try Self.tensors(in: file.group(group), prefix: group + "/", file: file)
    }

    private static func tensors(in group: Group, prefix: String, file: File) throws -> [(name: String, tensor: Tensor)] {
        try group.children().filter { $0.kind == .dataset }.map { child in
            let dataset = try file.dataset(prefix + child.name)
            return (child.name, Tensor(shape: dataset.shape, values: try dataset.read(as: Float.self)))
        }
    }

    func parameter(_ name: String) throws -> Parameter {
        try #require(model.parameters.first { $0.name == name }?.parameter, "no parameter \(name)")
    }

    /// dL/dθ for `parameters` of the mean cross-entropy on the batch in inference mode (copies; gradients zeroed).
    func gradient(of parameters: [Parameter]) -> [Tensor] {
        model.zeroGradients()
        let logits = model.forward(batch.inputs, context: ForwardContext(mode: .inference))
        model.backward(SoftmaxCrossEntropy()(logits: logits, labels: batch.labels).gradient)
        let result = parameters.map { $0.gradient.copy() }
        model.zeroGradients()
        return result
    }

    /// ‖a − b‖ / ‖b‖ over all entries, in Double.
    static func relativeError(_ a: [Tensor], _ b: [Tensor]) -> Double {
        var difference = 0.0, norm = 0.0
        for (x, y) in zip(a, b) {
            precondition(x.shape == y.shape, "\(x.shape) vs \(y.shape)")
            for i in 0..<x.count {
                let d = Double(x[flat: i]) - Double(y[flat: i])
                difference += d * d
                norm += Double(y[flat: i]) * Double(y[flat: i])
            }
        }
        return (difference / norm).squareRoot()
    }
}
