import Foundation
import Data
import HDF5
import NN
import Testing

/// Our forward and backward passes against PyTorch on the same weights and inputs.
///
/// The fixtures (Fixtures/generate_fixtures.py, committed so CI needs no torch) hold, per case, a checkpoint
/// written by tools/export_pytorch.py's writer and PyTorch's logits (eval and train mode), loss, parameter
/// gradients and batch-norm buffers after one training-mode forward. Tolerances: logits and loss within
/// 2e-5 · max(1, max |PyTorch value|) (float32 summation-order noise), gradients within
/// 1e-4 · max(1e-2, max |PyTorch gradient of that tensor|), buffers within 1e-5 relative.
@Suite struct PyTorchEquivalenceTests {
    static let cases = ["lenet5", "mlp", "resnet20a", "resnet20b", "vgg", "sequential"]

    static func fixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)").path
    }

    static func tensor(_ file: File, _ path: String) throws -> Tensor {
        let dataset = try file.dataset(path)
        return Tensor(shape: dataset.shape, values: try dataset.read(as: Float.self))
    }

    static func maxDifference(_ a: Tensor, _ b: Tensor) -> (difference: Float, scale: Float) {
        precondition(a.shape == b.shape, "\(a.shape) vs \(b.shape)")
        var difference: Float = 0, scale: Float = 0
        for i in 0..<a.count {
            difference = max(difference, abs(a[flat: i] - b[flat: i]))
            scale = max(scale, abs(b[flat: i]))
        }
        return (difference, scale)
    }

    @Test(arguments: cases)
    func matchesPyTorch(name: String) throws {
        let model = try CheckpointFixture.model(path: Self.fixture("\(name).h5"))
        let io = try File.open(Self.fixture("\(name)-io.h5"))
        #expect(model.stateDict().map(\.name) == (try io.root.stringArrayAttribute("state_dict_keys")),
                "\(name): state_dict order differs from PyTorch's")
        let input = try Self.tensor(io, "input")
        let labels = try io.dataset("labels").read(as: Int64.self).map { Int32($0) }

        let eval = model.forward(input, context: ForwardContext(mode: .inference))
        let (evalDiff, evalScale) = Self.maxDifference(eval, try Self.tensor(io, "logits_eval"))
        #expect(evalDiff <= 2e-5 * max(1, evalScale), "\(name) eval logits")

        model.zeroGradients()
        let train = model.forward(input, context: ForwardContext(mode: .training))
        let (trainDiff, trainScale) = Self.maxDifference(train, try Self.tensor(io, "logits_train"))
        #expect(trainDiff <= 2e-5 * max(1, trainScale), "\(name) train logits")
        let (loss, gradient) = SoftmaxCrossEntropy()(logits: train, labels: labels)
        let torchLoss = try io.dataset("loss").read(as: Float.self)[0]
        #expect(abs(loss - torchLoss) <= 2e-5 * max(1, abs(torchLoss)), "\(name) loss \(loss) vs \(torchLoss)")
        model.backward(gradient)

        var worstGradient: Float = 0
        for (parameterName, parameter) in model.parameters {
            let (diff, scale) = Self.maxDifference(parameter.gradient, try Self.tensor(io, "grad/\(parameterName)"))
            worstGradient = max(worstGradient, diff / max(1e-2, scale))
            #expect(diff <= 1e-4 * max(1e-2, scale), "\(name) gradient of \(parameterName): \(diff) (scale \(scale))")
        }
        for (bufferName, buffer) in model.buffers {
            let (diff, scale) = Self.maxDifference(buffer, try Self.tensor(io, "after/\(bufferName)"))
            #expect(diff <= 1e-5 * max(1, scale), "\(name) buffer \(bufferName) after a training forward")
        }
        print("PyTorch equivalence \(name): max |Δ logits| eval \(evalDiff), train \(trainDiff); "
              + "|Δ loss| \(abs(loss - torchLoss)); worst relative gradient Δ \(worstGradient)")
    }

    @Test func exportedKeysAreExactlyTheModelsStateDict() throws {
        for name in Self.cases {
            let file = try File.open(Self.fixture("\(name).h5"))
            let architecture = try Architecture(json: try file.root.stringAttribute("architecture"))
            var random = SeededGenerator(seed: 0)
            let model = try Model(architecture, random: &random)
            let stored = try file.root.children().filter { $0.kind == .dataset }.map(\.name)
            #expect(Set(stored) == Set(model.stateDict().map(\.name)), "\(name)")
            #expect(try file.root.stringAttribute("format") == "prunebench-checkpoint")
            #expect(try file.root.scalarAttribute("format_version", as: Int64.self) == 1)
            // The exporter writes the same canonical JSON as `Architecture.json()`.
            #expect(try file.root.stringAttribute("architecture") == architecture.json())
        }
    }
}

/// Reads a model from a checkpoint through `Checkpoint.read` (architecture attribute + state_dict datasets).
enum CheckpointFixture {
    static func model(path: String) throws -> Model {
        let checkpoint = try Checkpoint.read(path: path)
        guard let json = checkpoint.architecture else {
            throw ModelError.invalidInput("\(path): checkpoint has no architecture attribute")
        }
        var random = SeededGenerator(seed: 0)
        let model = try Model(try Architecture(json: json), random: &random)
        try model.load(stateDict: checkpoint.tensors)
        return model
    }
}
