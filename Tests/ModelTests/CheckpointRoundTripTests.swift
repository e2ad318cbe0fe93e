import Data
import Foundation
import NN
import Testing

/// A model written as a PruneBench checkpoint and read back is the same model.
@Suite struct CheckpointRoundTripTests {
    @Test(arguments: ["lenet5", "resnet20", "vgg"])
    func writeReadLoadIsIdentity(name: String) throws {
        let architecture = Architecture(name: name, classes: 10, inputChannels: 1, inputSize: [28, 28])
        var random = SeededGenerator(seed: 4)
        let original = try Model(architecture, random: &random)
        // Non-default buffers, so the batch-norm statistics and (integer, stored as int64) counters are checked too.
        for (i, (bufferName, tensor)) in original.buffers.enumerated() {
            tensor.fill(Float(i % 7) + (bufferName.hasSuffix("num_batches_tracked") ? 3 : 0.25))
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pb-models-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("\(name).h5").path
        try Checkpoint(tensors: original.stateDict(), architecture: architecture.json()).write(to: path)

        let loaded = try CheckpointFixture.model(path: path)
        #expect(loaded.architecture == architecture)
        for (a, b) in zip(original.stateDict(), loaded.stateDict()) {
            #expect(a.name == b.name)
            #expect(a.tensor.isBitwiseEqual(to: b.tensor), "\(name): \(a.name)")
        }
        var inputRandom = SeededGenerator(seed: 5)
        let input = Tensor(shape: [2, 1, 28, 28], values: (0..<(2 * 784)).map { _ in inputRandom.nextNormal() })
        let context = ForwardContext(mode: .inference)
        #expect(original.forward(input, context: context).isBitwiseEqual(to: loaded.forward(input, context: context)))
    }

    @Test func loadingIntoAnotherArchitectureNamesTheKeys() throws {
        var random = SeededGenerator(seed: 0)
        let lenet = try Model(Architecture(name: "lenet5", classes: 10, inputChannels: 1, inputSize: [28, 28]),
                              random: &random)
        let checkpoint = try Checkpoint.read(path: PyTorchEquivalenceTests.fixture("mlp.h5"))
        #expect {
            try lenet.load(stateDict: checkpoint.tensors)
        } throws: { error in
            let text = "\(error)"
            return ["conv1.weight", "conv2.bias", "fc1.weight: expected shape [120, 400], found [32, 81]"]
                .allSatisfy { text.contains($0) }
        }
    }
}
