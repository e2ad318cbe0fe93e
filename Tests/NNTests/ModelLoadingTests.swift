import Foundation
import Testing
@testable import NN

@Suite struct ModelLoadingTests {
    @Test func loadCopiesEveryTensor() throws {
        let source = try Zoo.build(Zoo.fashion("resnet20"), seed: 1)
        let target = try Zoo.build(Zoo.fashion("resnet20"), seed: 2)
        // Give the batch-norm buffers non-default values so buffers are checked too.
        for (i, (_, tensor)) in source.buffers.enumerated() { tensor.fill(Float(i) + 0.5) }
        let dictionary = Dictionary(uniqueKeysWithValues: source.stateDict().map { ($0.name, $0.tensor.copy()) })
        try target.load(stateDict: dictionary)
        for (a, b) in zip(source.stateDict(), target.stateDict()) {
            #expect(a.name == b.name)
            #expect(a.tensor.isBitwiseEqual(to: b.tensor), "\(a.name)")
        }
    }

    @Test func loadNamesEveryBadKeyAndChangesNothing() throws {
        let model = try Zoo.build(Zoo.fashion("lenet5"))
        let before = model.stateDict().map { $0.tensor.copy() }
        var dictionary = Dictionary(uniqueKeysWithValues: model.stateDict().map { ($0.name, $0.tensor.copy()) })
        dictionary["conv1.bias"] = nil
        dictionary["fc3.bias"] = nil
        dictionary["features.0.weight"] = Tensor(zeros: [3])
        dictionary["fc1.weight"] = Tensor(zeros: [120, 399])
        dictionary["conv2.weight"]?.fill(42)  // a valid key whose value must not be copied after the failure
        do {
            try model.load(stateDict: dictionary)
            Issue.record("load accepted a mismatched state dict")
        } catch let ModelError.stateDictMismatch(mismatch) {
            #expect(mismatch.missing == ["conv1.bias", "fc3.bias"])
            #expect(mismatch.unexpected == ["features.0.weight"])
            #expect(mismatch.misshaped == [.init(name: "fc1.weight", expected: [120, 400], found: [120, 399])])
            let text = ModelError.stateDictMismatch(mismatch).description
            for name in ["conv1.bias", "fc3.bias", "features.0.weight", "fc1.weight", "[120, 399]"] {
                #expect(text.contains(name), "message lacks \(name): \(text)")
            }
        }
        for (old, new) in zip(before, model.stateDict()) { #expect(old.isBitwiseEqual(to: new.tensor)) }
    }

    @Test func orderedLoadReportsDuplicates() throws {
        let model = try Zoo.build(Zoo.fashion("mlp"))
        let entries = model.stateDict() + [(name: "fc1.bias", tensor: Tensor(zeros: [300]))]
        #expect(throws: ModelError.self) { try model.load(stateDict: entries) }
        try model.load(stateDict: model.stateDict().map { (name: $0.name, tensor: $0.tensor.copy()) })
    }

    @Test func scalarBufferAcceptsShapeOne() throws {
        let model = try Zoo.build(Zoo.fashion("vgg"))
        var dictionary = Dictionary(uniqueKeysWithValues: model.stateDict().map { ($0.name, $0.tensor.copy()) })
        dictionary["features.1.num_batches_tracked"] = Tensor(shape: [1], values: [12])
        try model.load(stateDict: dictionary)
        let loaded = model.stateDict().first { $0.name == "features.1.num_batches_tracked" }?.tensor
        #expect(loaded?.values == [12])
    }

    @Test func architectureJSONRoundTrip() throws {
        var resnet = Zoo.cifar("resnet32")
        resnet.shortcut = "B"
        resnet.widths = [8, 16, 32]
        var vgg = Zoo.cifar("vgg")
        vgg.stages = [[16], [32, 32]]
        let sequential = Architecture(
            name: "sequential", classes: 10, inputChannels: 1, inputSize: [28, 28],
            layers: [LayerSpec(.conv2d, name: "conv", out: 4, kernel: 3, padding: 1), LayerSpec(.relu),
                     LayerSpec(.maxpool), LayerSpec(.flatten), LayerSpec(.dropout, probability: 0.25),
                     LayerSpec(.linear, name: "head")])
        for architecture in [Zoo.fashion("mlp"), resnet, vgg, sequential] {
            let decoded = try Architecture(json: architecture.json())
            #expect(decoded == architecture)
            #expect(decoded.json() == architecture.json())
        }
        #expect(Zoo.fashion("lenet5").json()
                == #"{"classes":10,"inputChannels":1,"inputSize":[28,28],"name":"lenet5"}"#)
    }

    @Test func handWrittenSequentialJSONBuilds() throws {
        let json = """
        {"name": "sequential", "classes": 3, "inputChannels": 1, "inputSize": [8, 8],
         "layers": [{"type": "conv2d", "out": 4, "kernel": 3, "padding": 1, "bias": false},
                    {"type": "batchnorm"}, {"type": "relu"}, {"type": "avgpool", "kernel": 2},
                    {"type": "flatten"}, {"type": "linear", "out": 16}, {"type": "relu"},
                    {"type": "linear", "name": "out"}]}
        """
        let model = try Zoo.build(try Architecture(json: json))
        #expect(model.stateDict().map(\.name) == [
            "0.weight", "1.weight", "1.bias", "1.running_mean", "1.running_var", "1.num_batches_tracked",
            "5.weight", "5.bias", "out.weight", "out.bias",
        ])
        #expect(model.stateDict().first { $0.name == "5.weight" }?.tensor.shape == [16, 64])
        #expect(model.classifierPath == "out")
    }

    @Test func unknownLayerTypeNamesTheChoices() {
        let json = #"{"name":"sequential","classes":2,"inputChannels":1,"inputSize":[4,4],"layers":[{"type":"lstm"}]}"#
        #expect {
            try Architecture(json: json)
        } throws: { error in
            "\(error)".contains("lstm") && "\(error)".contains("globalavgpool")
        }
    }

    /// Impossible configurations throw errors that name the model, the layer and what was expected.
    @Test(arguments: [
        (Architecture(name: "lenet5", classes: 10, inputChannels: 1, inputSize: [6, 6]), ["lenet5", "conv2"]),
        (Architecture(name: "alexnet", classes: 10, inputChannels: 3, inputSize: [32, 32]), ["alexnet", "resnet20"]),
        (Architecture(name: "mlp", classes: 10, inputChannels: 1, inputSize: [28, 28], widths: [300, 0]), ["widths"]),
        (Architecture(name: "mlp", classes: 10, inputChannels: 1, inputSize: [28, 28], stages: [[1]]), ["stages"]),
        (Architecture(name: "resnet20", classes: 10, inputChannels: 3, inputSize: [32, 32], shortcut: "C"), ["\"C\""]),
        (Architecture(name: "resnet20", classes: 10, inputChannels: 3, inputSize: [32, 32], widths: [32, 16, 8]),
         ["layer2.0", "shortcut", "\"B\""]),
        (Architecture(name: "conv4", classes: 10, inputChannels: 3, inputSize: [32, 32], widths: [8, 8]), ["4 conv"]),
        (Architecture(name: "vgg", classes: 10, inputChannels: 1, inputSize: [28, 28], stages: [[8], [8], [8], [8], [8]]),
         ["vgg", "maxpool"]),
        (Architecture(name: "lenet5", classes: 0, inputChannels: 1, inputSize: [28, 28]), ["classes"]),
        (Architecture(name: "lenet5", classes: 10, inputChannels: 1, inputSize: [28]), ["inputSize"]),
        (Architecture(name: "sequential", classes: 10, inputChannels: 1, inputSize: [28, 28],
                      layers: [LayerSpec(.linear)]), ["\"0\"", "flat input"]),
        (Architecture(name: "sequential", classes: 10, inputChannels: 1, inputSize: [28, 28],
                      layers: [LayerSpec(.flatten), LayerSpec(.linear), LayerSpec(.relu, kernel: 3)]), ["\"2\"", "kernel"]),
        (Architecture(name: "sequential", classes: 10, inputChannels: 1, inputSize: [28, 28],
                      layers: [LayerSpec(.flatten), LayerSpec(.linear, out: 5)]), ["end in [10]"]),
        (Architecture(name: "sequential", classes: 10, inputChannels: 4, inputSize: [8, 8],
                      layers: [LayerSpec(.conv2d, out: 6, kernel: 3, groups: 4), LayerSpec(.flatten),
                               LayerSpec(.linear)]), ["divisible by groups"]),
        (Architecture(name: "sequential", classes: 10, inputChannels: 1, inputSize: [8, 8],
                      layers: [LayerSpec(.flatten), LayerSpec(.dropout, probability: 1), LayerSpec(.linear)]),
         ["probability"]),
        (Architecture(name: "sequential", classes: 10, inputChannels: 1, inputSize: [8, 8],
                      layers: [LayerSpec(.flatten, name: "a.b"), LayerSpec(.linear)]), ["a.b"]),
    ])
    func impossibleConfigurationsThrow(architecture: Architecture, mentions: [String]) {
        #expect {
            _ = try Zoo.build(architecture)
        } throws: { error in
            let text = "\(error)"
            let ok = error is ModelError && mentions.allSatisfy { text.contains($0) }
            if !ok { Issue.record("error \(text) lacks one of \(mentions)") }
            return ok
        }
    }

    @Test func validateInputNamesTheExpectedShape() throws {
        let model = try Zoo.build(Zoo.fashion("lenet5"))
        try model.validateInput(shape: [5, 1, 28, 28])
        #expect(throws: ModelError.self) { try model.validateInput(shape: [5, 3, 32, 32]) }
    }
}
