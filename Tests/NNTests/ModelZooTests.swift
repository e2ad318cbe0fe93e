import Foundation
import Testing
@testable import NN

/// Architectures used across the model tests.
enum Zoo {
    static func fashion(_ name: String) -> Architecture {
        Architecture(name: name, classes: 10, inputChannels: 1, inputSize: [28, 28])
    }

    static func cifar(_ name: String) -> Architecture {
        Architecture(name: name, classes: 10, inputChannels: 3, inputSize: [32, 32])
    }

    static func build(_ architecture: Architecture, seed: UInt64 = 0) throws -> Model {
        var random = SeededGenerator(seed: seed)
        return try Model(architecture, random: &random)
    }
}

@Suite struct ModelZooTests {
    /// Expected counts derived by hand from each architecture (weights + biases + batch-norm affine);
    /// the PyTorch references (tools/pytorch_models.py) print the same numbers.
    @Test(arguments: [
        // LeNet-300-100: 784·300+300 + 300·100+100 + 100·10+10
        (Zoo.fashion("mlp"), 266_610),
        // LeNet-5 28×28: conv1 6·1·25+6=156, conv2 16·6·25+16=2416, fc1 16·5·5·120+120=48120,
        // fc2 120·84+84=10164, fc3 84·10+10=850
        (Zoo.fashion("lenet5"), 61_706),
        // LeNet-5 32×32×3: conv1 6·3·25+6=456, conv2 2416, fc1 16·6·6·120+120=69240, fc2 10164, fc3 850
        (Zoo.cifar("lenet5"), 83_126),
        // Conv-2: convs 1792+36928, fc1 64·16·16·256+256=4194560, fc2 65792, fc3 2570 (paper: 4.3M)
        (Zoo.cifar("conv2"), 4_301_642),
        // Conv-4: convs 1792+36928+73856+147584, fc1 128·8·8·256+256=2097408, fc2, fc3 (paper: 2.4M)
        (Zoo.cifar("conv4"), 2_425_930),
        // Conv-6: convs … +295168+590080 = 1145408, fc1 256·4·4·256+256=1048832, fc2, fc3 (paper: 2.3M)
        (Zoo.cifar("conv6"), 2_262_602),
        // VGG (32,32 | 64,64 | 128,128), bias-free convs + BN: 928+9280+18560+36992+73984+147712, fc 1290
        (Zoo.cifar("vgg"), 288_746),
        // ResNet-20 option A: stem 432+32, layer1 3·(2·2304+64), layer2 13952+2·18560,
        // layer3 55552+2·73984, linear 650
        (Zoo.cifar("resnet20"), 269_722),
        // ResNet-32 option A: n = 5 blocks per stage
        (Zoo.cifar("resnet32"), 464_154),
        // ResNet-56 option A: n = 9 blocks per stage
        (Zoo.cifar("resnet56"), 853_018),
        // ResNet-20 on one input channel: the stem conv loses 2·16·9 = 288 weights
        (Zoo.fashion("resnet20"), 269_434),
    ])
    func parameterCounts(architecture: Architecture, expected: Int) throws {
        #expect(try Zoo.build(architecture).parameterCount == expected)
    }

    @Test func resNetOptionBAddsProjectionShortcuts() throws {
        var b = Zoo.cifar("resnet20")
        b.shortcut = "B"
        // option A + layer2 shortcut (1·1·16·32 + 2·32) + layer3 shortcut (1·1·32·64 + 2·64) = 269722 + 2752
        #expect(try Zoo.build(b).parameterCount == 272_474)
    }

    @Test func mlpWidthsAreConfigurable() throws {
        var a = Zoo.fashion("mlp")
        a.widths = [50]
        let model = try Zoo.build(a)
        #expect(model.parameters.map(\.name) == ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"])
        #expect(model.classifierPath == "fc2")
        #expect(model.parameterCount == 784 * 50 + 50 + 50 * 10 + 10)
    }

    @Test func lenet5StateDictMatchesPyTorch() throws {
        let model = try Zoo.build(Zoo.fashion("lenet5"))
        let entries = model.stateDict()
        let expected: [(String, [Int])] = [
            ("conv1.weight", [6, 1, 5, 5]), ("conv1.bias", [6]), ("conv2.weight", [16, 6, 5, 5]), ("conv2.bias", [16]),
            ("fc1.weight", [120, 400]), ("fc1.bias", [120]), ("fc2.weight", [84, 120]), ("fc2.bias", [84]),
            ("fc3.weight", [10, 84]), ("fc3.bias", [10]),
        ]
        #expect(entries.map(\.name) == expected.map(\.0))
        #expect(entries.map(\.tensor.shape) == expected.map(\.1))
        #expect(model.classifierPath == "fc3")
        #expect(model.classifier is Linear)
    }

    /// The key list of a CIFAR ResNet built from PyTorch's naming rules: per module its parameters,
    /// then its buffers, then its children.
    static func resNetKeys(blocks: Int, projection: Bool) -> [String] {
        let bn = ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
        var keys = ["conv1.weight"] + bn.map { "bn1." + $0 }
        for stage in 1...3 {
            for block in 0..<blocks {
                let p = "layer\(stage).\(block)."
                keys += [p + "conv1.weight"] + bn.map { p + "bn1." + $0 }
                keys += [p + "conv2.weight"] + bn.map { p + "bn2." + $0 }
                if projection && stage > 1 && block == 0 {
                    keys += [p + "shortcut.0.weight"] + bn.map { p + "shortcut.1." + $0 }
                }
            }
        }
        return keys + ["linear.weight", "linear.bias"]
    }

    @Test(arguments: ["A", "B"])
    func resNet20StateDictMatchesPyTorch(shortcut: String) throws {
        var a = Zoo.cifar("resnet20")
        a.shortcut = shortcut
        let model = try Zoo.build(a)
        let names = model.stateDict().map(\.name)
        #expect(names == Self.resNetKeys(blocks: 3, projection: shortcut == "B"))
        #expect(names.count == (shortcut == "A" ? 116 : 128))
        let shapes = Dictionary(uniqueKeysWithValues: model.stateDict().map { ($0.name, $0.tensor.shape) })
        #expect(shapes["layer2.0.conv1.weight"] == [32, 16, 3, 3])
        #expect(shapes["layer3.2.bn2.running_var"] == [64])
        #expect(shapes["bn1.num_batches_tracked"] == [])
        #expect(shapes["linear.weight"] == [10, 64])
        if shortcut == "B" { #expect(shapes["layer3.0.shortcut.0.weight"] == [64, 32, 1, 1]) }
        #expect(model.classifierPath == "linear")
        // Parameters are the state dict minus the batch-norm buffers (3 per batch norm).
        #expect(model.parameters.count + model.buffers.count == names.count)
        #expect(model.buffers.count == 3 * (shortcut == "A" ? 19 : 21))
    }

    @Test func vggNamesFollowTorchvision() throws {
        let model = try Zoo.build(Zoo.cifar("vgg"))
        let names = model.stateDict().map(\.name)
        #expect(names.prefix(6) == ["features.0.weight", "features.1.weight", "features.1.bias",
                                    "features.1.running_mean", "features.1.running_var",
                                    "features.1.num_batches_tracked"])
        // stage 1: 0 conv, 1 bn, 2 relu, 3 conv, 4 bn, 5 relu, 6 pool; stage 2 starts at 7
        #expect(names.contains("features.7.weight"))
        #expect(names.suffix(2) == ["classifier.weight", "classifier.bias"])
        #expect(model.classifierPath == "classifier")
    }

    @Test(arguments: Architecture.zooNames.filter { $0 != "sequential" })
    func outputShapesOnBothInputKinds(name: String) throws {
        for architecture in [Zoo.fashion(name), Zoo.cifar(name)] {
            let model = try Zoo.build(architecture)
            var random = SeededGenerator(seed: 1)
            let input = Tensor(shape: [3] + model.exampleShape,
                               values: (0..<(3 * model.exampleShape.reduce(1, *))).map { _ in random.nextNormal() })
            for mode in [ForwardMode.inference, .training] {
                let logits = model.forward(input, context: ForwardContext(mode: mode))
                #expect(logits.shape == [3, 10], "\(name) \(architecture.inputSize) \(mode)")
                #expect(logits.values.allSatisfy { $0.isFinite })
            }
        }
    }

    @Test func sameSeedSameWeightsOtherSeedOtherWeights() throws {
        let a = try Zoo.build(Zoo.fashion("resnet20"), seed: 7).stateDict()
        let b = try Zoo.build(Zoo.fashion("resnet20"), seed: 7).stateDict()
        let c = try Zoo.build(Zoo.fashion("resnet20"), seed: 8).stateDict()
        #expect(zip(a, b).allSatisfy { $0.tensor.isBitwiseEqual(to: $1.tensor) })
        #expect(!a[0].tensor.isBitwiseEqual(to: c[0].tensor))
    }

    @Test func resNetInitialisationIsKaimingNormal() throws {
        let model = try Zoo.build(Zoo.cifar("resnet56"))
        // layer3 3×3 convs: fan_in = 64·9, so std = sqrt(2 / 576) ≈ 0.0589
        let values = model.parameters.filter { $0.name.hasPrefix("layer3") && $0.name.hasSuffix("conv2.weight") }
            .flatMap(\.parameter.value.values)
        let mean = values.reduce(0, +) / Float(values.count)
        let std = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Float(values.count)).squareRoot()
        #expect(abs(mean) < 0.002)
        #expect(abs(std - (2.0 / 576.0).squareRoot()) < 0.002)
    }
}
