import Foundation
import Data
import HDF5
import NN
import Testing

/// Physical channel removal against PyTorch: tools/surgery_fixtures.py zeroes channels of a trained PyTorch
/// model (producer rows, batch-norm γ/β, or consumer input slices), builds the narrower model itself with
/// hand-listed channel groups and torch indexing, and records both models' logits and every tensor of the
/// narrower one. Our `ChannelSurgery.compact` must find the same channels, build the same architecture and
/// tensors (bit for bit: removal only copies), and give PyTorch's narrower logits.
@Suite struct ChannelSurgeryFixtureTests {
    @Test(arguments: ["lenet5", "resnet20", "vgg"])
    func compactingMatchesPyTorchsNarrowerModel(name: String) throws {
        let model = try CheckpointFixture.model(path: PyTorchEquivalenceTests.fixture("surgery-\(name).h5"))
        let io = try File.open(PyTorchEquivalenceTests.fixture("surgery-\(name)-io.h5"))
        let input = try PyTorchEquivalenceTests.tensor(io, "input")

        let masked = model.forward(input, context: ForwardContext(mode: .inference))
        let (maskedDiff, maskedScale) = PyTorchEquivalenceTests.maxDifference(
            masked, try PyTorchEquivalenceTests.tensor(io, "logits_masked"))
        #expect(maskedDiff <= 2e-5 * max(1, maskedScale), "\(name): the zeroed model's logits")

        let result = try ChannelSurgery.compact(model)
        let expected = try Architecture(json: try io.root.stringAttribute("narrow_architecture"))
        #expect(result.model.architecture == expected, "\(name): \(result.model.architecture.json())")

        var differing: [String] = []
        for (tensorName, tensor) in result.model.stateDict() {
            let reference = try PyTorchEquivalenceTests.tensor(io, "narrow/\(tensorName)")
            if reference.shape != tensor.shape || !reference.isBitwiseEqual(to: tensor) { differing.append(tensorName) }
        }
        #expect(differing.isEmpty, "\(name): tensors differ from PyTorch's narrower model: \(differing)")

        let narrow = result.model.forward(input, context: ForwardContext(mode: .inference))
        let (diff, scale) = PyTorchEquivalenceTests.maxDifference(
            narrow, try PyTorchEquivalenceTests.tensor(io, "logits_narrow"))
        #expect(diff <= 2e-5 * max(1, scale), "\(name): narrower logits differ by \(diff)")
        #expect(result.model.parameterCount < model.parameterCount)

        // The narrower model is an ordinary checkpoint: written, read back, same logits bit for bit.
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("surgery-\(name)-\(UUID()).h5").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Checkpoint(tensors: result.model.stateDict(), architecture: result.model.architecture.json()).write(to: path)
        let reloaded = try CheckpointFixture.model(path: path)
        #expect(reloaded.architecture == expected)
        #expect(reloaded.forward(input, context: ForwardContext(mode: .inference)).isBitwiseEqual(to: narrow))
    }
}
