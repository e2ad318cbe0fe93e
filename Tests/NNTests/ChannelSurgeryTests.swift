import Testing
@testable import NN

/// Physical channel removal: which channels form groups, and that removing zeroed channels leaves the
/// logits unchanged while the model really shrinks.
@Suite struct ChannelSurgeryTests {
    static func small(_ name: String, channels: Int = 3, size: Int = 16) -> Architecture {
        Architecture(name: name, classes: 5, inputChannels: channels, inputSize: [size, size])
    }

    /// A model whose batch norms are not the identity (random γ, β and running statistics).
    static func build(_ architecture: Architecture, seed: UInt64 = 3) throws -> Model {
        var random = SeededGenerator(seed: seed)
        let model = try Model(architecture, random: &random)
        for (name, tensor) in model.stateDict() where name.hasSuffix("running_var") {
            for i in 0..<tensor.count { tensor.data[i] = random.nextUniform(0.5, 1.5) }
        }
        for (name, tensor) in model.stateDict() where name.hasSuffix("running_mean") {
            for i in 0..<tensor.count { tensor.data[i] = random.nextUniform(-0.5, 0.5) }
        }
        for (_, module) in model.modules where module is BatchNorm2d {
            for (_, parameter) in module.localParameters {
                for i in 0..<parameter.value.count { parameter.value.data[i] = random.nextUniform(-0.5, 0.5) }
            }
        }
        return model
    }

    static func input(_ model: Model, batch: Int = 4, seed: UInt64 = 9) -> Tensor {
        var random = SeededGenerator(seed: seed)
        let x = Tensor(zeros: [batch] + model.exampleShape)
        for i in 0..<x.count { x.data[i] = random.nextNormal() }
        return x
    }

    static func logits(_ model: Model, _ x: Tensor) -> [Float] {
        let out = model.forward(x, context: ForwardContext(mode: .inference))
        return Array(UnsafeBufferPointer(start: out.data, count: out.count))
    }

    /// Zeroes channel `c` of a group the way a structured mask does: the producer's row and bias, and the
    /// last batch norm's γ and β.
    static func zero(_ channel: Int, of group: ChannelGroup, in model: Model) {
        let modules = Dictionary(model.modules.map { ($0.path, $0.module) }, uniquingKeysWith: { a, _ in a })
        let owners = group.batchNorms.isEmpty ? [group.producer] : [group.batchNorms.last!]
        for owner in owners {
            for (_, parameter) in modules[owner]!.localParameters {
                let rowSize = parameter.value.count / parameter.value.shape[0]
                (parameter.value.data + channel * rowSize).update(repeating: 0, count: rowSize)
            }
        }
    }

    @Test func lenet5GroupsFollowEachLayerToTheNext() throws {
        let model = try Zoo.build(Zoo.fashion("lenet5"))
        let groups = model.channelGroups
        #expect(groups.map(\.producer) == ["conv1", "conv2", "fc1", "fc2"])
        #expect(groups.map(\.consumer.path) == ["conv2", "fc1", "fc2", "fc3"])
        // conv2's 16 channels of 5×5 feed fc1's 400 inputs after the flatten.
        #expect(groups.map(\.consumer.featuresPerChannel) == [1, 25, 1, 1])
        #expect(groups.map(\.channels) == [6, 16, 120, 84])
    }

    @Test func resNetGroupsAreOnlyTheBlocksInnerChannels() throws {
        let model = try Zoo.build(Self.small("resnet20"))
        let groups = model.channelGroups
        let expected = (1...3).flatMap { stage in (0..<3).map { "layer\(stage).\($0)" } }
        #expect(groups.map(\.producer) == expected.map { $0 + ".conv1" })
        #expect(groups.map(\.batchNorms) == expected.map { [$0 + ".bn1"] })
        #expect(groups.map(\.consumer.path) == expected.map { $0 + ".conv2" })
    }

    @Test func vggGroupsCarryTheirBatchNormsAndEndAtTheClassifier() throws {
        let model = try Zoo.build(Self.small("vgg"))
        let groups = model.channelGroups
        #expect(groups.first?.producer == "features.0")
        #expect(groups.first?.batchNorms == ["features.1"])
        #expect(groups.first?.consumer.path == "features.3")
        #expect(groups.last?.consumer == .init(path: "classifier", featuresPerChannel: 1))
        #expect(groups.count == 6)
    }

    @Test(arguments: ["lenet5", "mlp", "conv2", "vgg", "resnet20"])
    func removingZeroedChannelsLeavesTheLogitsUnchanged(name: String) throws {
        let model = try Self.build(Self.small(name, channels: name == "mlp" || name == "lenet5" ? 1 : 3,
                                              size: name == "lenet5" ? 28 : 16))
        let groups = model.channelGroups
        #expect(!groups.isEmpty)
        var expectedWidths: [String: Int] = [:]
        for group in groups {
            let zeroed = stride(from: 1, to: group.channels, by: 3).map { $0 }
            for channel in zeroed { Self.zero(channel, of: group, in: model) }
            expectedWidths[group.producer] = group.channels - zeroed.count
        }
        let x = Self.input(model)
        let before = Self.logits(model, x)
        let result = try ChannelSurgery.compact(model)
        let after = Self.logits(result.model, x)
        let scale = before.map { abs($0) }.max() ?? 1
        let worst = zip(before, after).map { abs($0 - $1) }.max() ?? .infinity
        #expect(worst <= 1e-5 * max(scale, 1), "worst logit difference \(worst)")
        let smallerGroups = Dictionary(result.model.channelGroups.map { ($0.producer, $0.channels) },
                                       uniquingKeysWith: { a, _ in a })
        #expect(smallerGroups == expectedWidths)
        #expect(result.model.parameterCount < model.parameterCount)
        #expect(result.removedChannels == groups.reduce(0) { $0 + $1.channels } - expectedWidths.values.reduce(0, +))
    }

    @Test func aChannelItsConsumerIgnoresIsRemovedToo() throws {
        let model = try Zoo.build(Zoo.fashion("lenet5"))
        let fc2 = model.modules.first { $0.path == "fc2" }!.module as! Linear
        for unit in 0..<fc2.outFeatures {
            for ignored in [0, 5] { fc2.weight.value.data[unit * fc2.inFeatures + ignored] = 0 }
        }
        let x = Self.input(model)
        let result = try ChannelSurgery.compact(model)
        #expect(result.kept["fc1"]?.count == 118)
        #expect(result.kept["fc1"]?.contains(5) == false)
        #expect(result.model.architecture.widths == [6, 16, 118, 84])
        let before = Self.logits(model, x), after = Self.logits(result.model, x)
        #expect(zip(before, after).allSatisfy { abs($0 - $1) <= 1e-5 })
    }

    @Test func masksAreSlicedWithTheirWeights() throws {
        let model = try Zoo.build(Zoo.fashion("lenet5"))
        let conv2 = model.modules.first { $0.path == "conv2" }!.module as! Conv2d
        let mask = Tensor(zeros: conv2.weight.value.shape)
        for i in 0..<mask.count where i % 2 == 0 { mask.data[i] = 1 }
        conv2.weight.mask = mask
        let result = try ChannelSurgery.removing(
            from: model, keeping: ["conv1": [true, false, true, true, false, true]])
        let smaller = result.model.modules.first { $0.path == "conv2" }!.module as! Conv2d
        #expect(smaller.weight.value.shape == [16, 4, 5, 5])
        // Output 3, kept input 2 (original input 3): the 25 entries starting at (3·6 + 3)·25.
        let original = (3 * 6 + 3) * 25, sliced = (3 * 4 + 2) * 25
        for k in 0..<25 {
            #expect(smaller.weight.value.data[sliced + k] == conv2.weight.value.data[original + k])
            #expect(smaller.weight.mask!.data[sliced + k] == mask.data[original + k])
        }
    }

    @Test func onlyProducersOfAGroupCanLoseChannels() throws {
        let model = try Zoo.build(Self.small("resnet20"))
        #expect(throws: ModelError.self) {
            try ChannelSurgery.removing(from: model, keeping: ["layer1.0.conv2": Array(repeating: true, count: 16)])
        }
        #expect(throws: ModelError.self) {
            try ChannelSurgery.removing(from: model, keeping: ["conv1": Array(repeating: true, count: 16)])
        }
        #expect(throws: ModelError.self) {
            try ChannelSurgery.removing(from: model, keeping: ["layer1.0.conv1": [true]])
        }
    }

    @Test func everyGroupKeepsAtLeastOneChannel() throws {
        let model = try Zoo.build(Zoo.fashion("mlp"))
        let result = try ChannelSurgery.removing(from: model, keeping: ["fc1": Array(repeating: false, count: 300)])
        #expect(result.model.architecture.widths == [1, 100])
        #expect(result.kept["fc1"] == [0])
    }

    @Test func resizedArchitecturesRecordTheNewWidths() throws {
        let lenet = try Zoo.fashion("lenet5").resized(["conv1": 4, "fc2": 10])
        #expect(lenet.widths == [4, 16, 120, 10])
        let resnet = try Self.small("resnet20").resized(["layer2.1.conv1": 7])
        #expect(resnet.blockWidths == [[16, 16, 16], [32, 7, 32], [64, 64, 64]])
        let vgg = try Self.small("vgg").resized(["features.3": 20, "features.7": 50])
        #expect(vgg.stages == [[32, 20], [50, 64], [128, 128]])
        let conv = try Self.small("conv2").resized(["fc1": 100])
        #expect(conv.widths == [64, 64, 100, 256])
        #expect(throws: ModelError.self) { try Zoo.fashion("lenet5").resized(["fc3": 4]) }
        #expect(throws: ModelError.self) { try Self.small("resnet20").resized(["layer1.0.conv2": 4]) }
        // An architecture that records the widths builds the narrower model.
        #expect(try Zoo.build(lenet).parameterCount
                == 4 * 25 + 4 + 16 * 4 * 25 + 16 + 400 * 120 + 120 + 120 * 10 + 10 + 10 * 10 + 10)
    }
}
