import Data
import Foundation
import NN
import Testing
import Pruning
import Training

/// The card tests of `l1-filter.md` (through `L1Filter.run`, the path a suite runs), and its targets.
@Suite struct L1FilterTests {
    /// conv "0" (1→4, 2×2) → ReLU → conv "2" (4→3, 1×1) → ReLU → flatten → linear "5" (classifier), on 6×6 inputs.
    static let small = Architecture(name: "sequential", classes: 3, inputChannels: 1, inputSize: [6, 6], layers: [
        LayerSpec(.conv2d, out: 4, kernel: 2), LayerSpec(.relu), LayerSpec(.conv2d, out: 3, kernel: 1),
        LayerSpec(.relu), LayerSpec(.flatten), LayerSpec(.linear),
    ])

    static func session(_ architecture: Architecture, configuration: String, target: Double,
                        kind: TargetKind = .compression) throws -> Session {
        var random = SeededGenerator(seed: 5)
        let model = try Model(architecture, random: &random)
        let method = try MethodRegistry.method(named: "l1-filter", configuration: Data(configuration.utf8))
        let data = architecture.inputSize == [6, 6] ? Fixtures.data() : Self.data(size: architecture.inputSize[0])
        let session = try Session(method: method, model: model, data: data, compression: target, seed: 1,
                                  budget: 0, recipe: Fixtures.recipe)
        session.targetKind = kind
        return session
    }

    /// Random 1×size×size images with random labels of 3 classes (the methods here look at no data).
    static func data(size: Int) -> SessionData {
        var random = SeededGenerator(seed: 9)
        func split(_ count: Int) -> ImageSplit {
            let images = Tensor(zeros: [count, 1, size, size])
            for i in 0..<images.count { images[flat: i] = random.nextUniform(0, 255).rounded() }
            return ImageSplit(images: images, labels: (0..<count).map { _ in Int32(random.nextIndex(below: 3)) })
        }
        return SessionData(training: split(32), validation: split(16),
                           normalization: Normalization(scale: 1 / 255, mean: [0.4], std: [0.3]))
    }

    static func mask(_ session: Session, _ name: String) throws -> Tensor {
        try #require(session.masks.first { $0.name == name }?.mask)
    }

    /// Card test 1: filter L1 norms [1.0, 0.2, 3.0, 0.5] at rate 50 % lose filters 2 and 4 (indices 1 and 3),
    /// and the next layer's kernels lose input channels 2 and 4.
    @Test func removesTheSmallestNormFiltersAndTheNextLayersInputs() throws {
        let session = try Self.session(Self.small, configuration: #"{"rates": {"0": 0.5}, "skip": ["2"]}"#, target: 1.01)
        let conv = try #require(session.model.modules.first { $0.path == "0" }?.module as? Conv2d)
        for (filter, norm) in [Float(1.0), 0.2, 3.0, 0.5].enumerated() {
            // Four weights per 1×2×2 filter, signs mixed: the L1 norm counts magnitudes.
            for k in 0..<4 { conv.weight.value.data[filter * 4 + k] = (k % 2 == 0 ? 1 : -1) * norm / 4 }
        }
        try session.execute()
        let filters = try Self.mask(session, "0.weight"), bias = try Self.mask(session, "0.bias")
        #expect((0..<4).map { filters[flat: $0 * 4] } == [1, 0, 1, 0])
        #expect((0..<4).map { bias[flat: $0] } == [1, 0, 1, 0])
        let next = try Self.mask(session, "2.weight")   // [3, 4, 1, 1]
        for output in 0..<3 {
            #expect((0..<4).map { next[flat: output * 4 + $0] } == [1, 0, 1, 0])
        }
        // The skipped layer keeps its filters; the classifier keeps every input.
        #expect((0..<3).allSatisfy { try! Self.mask(session, "2.bias")[flat: $0] == 1 })
        let classifier = try Self.mask(session, "5.weight")
        #expect((0..<classifier.count).allSatisfy { classifier[flat: $0] == 1 })
    }

    /// Card test 2: conv 64→64 (3×3, pad 1) then conv 64→64: removing half of the first layer's filters halves
    /// both layers' multiply-accumulates.
    @Test func halfTheFiltersHalvesThisLayersAndTheNextLayersMACs() throws {
        let architecture = Architecture(name: "sequential", classes: 3, inputChannels: 1, inputSize: [6, 6], layers: [
            LayerSpec(.conv2d, out: 64, kernel: 3, padding: 1), LayerSpec(.relu),
            LayerSpec(.conv2d, out: 64, kernel: 3, padding: 1), LayerSpec(.relu), LayerSpec(.globalavgpool), LayerSpec(.linear),
        ])
        let session = try Self.session(architecture, configuration: #"{"rates": {"0": 0.5}, "skip": ["2"]}"#, target: 1.01)
        let before = WeightedLayers.uses(in: session.model.root, inputShape: session.model.exampleShape)
        try session.execute()
        let uses = WeightedLayers.uses(in: session.model.root, inputShape: session.model.exampleShape)
        func remaining(_ use: WeightedLayerUse) -> Int {
            use.positions * (0..<use.weight.value.count).filter { use.weight.mask![flat: $0] != 0 }.count
        }
        #expect(remaining(uses[0]) * 2 == before[0].denseMACs)
        #expect(remaining(uses[1]) * 2 == before[1].denseMACs)
    }

    /// Card test 3: a ResNet block's second conv feeds the residual addition and cannot lose filters.
    @Test func aResidualBlocksSecondConvCannotBePruned() throws {
        let resnet = Architecture(name: "resnet20", classes: 3, inputChannels: 1, inputSize: [6, 6], widths: [2, 4, 8])
        for configuration in [#"{"rates": {"layer1.0.conv2": 0.5}}"#, #"{"skip": ["layer1.0.conv2"]}"#] {
            let session = try Self.session(resnet, configuration: configuration, target: 1.2)
            #expect(throws: PruningError.self) { try session.execute() }
        }
        // Its inner channels can: at a 1.2× target only `layerN.M.conv1` rows (and their bn1) lose entries.
        let session = try Self.session(resnet, configuration: "{}", target: 1.2)
        try session.execute()
        let touched = session.masks.filter { entry in (0..<entry.mask.count).contains { entry.mask[flat: $0] == 0 } }.map(\.name)
        #expect(!touched.isEmpty)
        #expect(touched.allSatisfy { $0.contains(".conv1.") || $0.contains(".bn1.") || $0.hasSuffix(".conv2.weight") },
                "\(touched)")
    }

    /// A speedup target is met after physical removal, at the smallest uniform rate: one step less misses it.
    @Test(arguments: [2.0, 4.0])
    func aSpeedupTargetIsMetByTheNarrowerModel(target: Double) throws {
        let lenet = Architecture(name: "lenet5", classes: 3, inputChannels: 1, inputSize: [12, 12])
        let session = try Self.session(lenet, configuration: "{}", target: target, kind: .speedup)
        let dense = MaskedMACs.count(session.model).dense
        try session.execute()
        let narrower = try ChannelSurgery.compact(session.model).model
        let speedup = Double(dense) / Double(MaskedMACs.count(narrower).dense)
        #expect(speedup >= target, "speedup \(speedup)")
        // Whole channels overshoot, but no pruned layer could have kept one channel more.
        let original = session.model.channelGroups.reduce(into: [String: Int]()) { $0[$1.producer] = $1.channels }
        for group in narrower.channelGroups where group.channels < original[group.producer]! {
            var random = SeededGenerator(seed: 0)
            let wider = try Model(narrower.architecture.resized([group.producer: group.channels + 1]), random: &random)
            #expect(Double(dense) / Double(MaskedMACs.count(wider).dense) < target, "\(group.producer) could keep one more")
        }
    }

    @Test func aCompressionTargetCountsTheNarrowerModelsParameters() throws {
        let lenet = Architecture(name: "lenet5", classes: 3, inputChannels: 1, inputSize: [12, 12])
        let session = try Self.session(lenet, configuration: "{}", target: 8)
        let total = session.model.parameterCount
        try session.execute()
        let narrower = try ChannelSurgery.compact(session.model).model
        #expect(Double(total) / Double(narrower.parameterCount) >= 8)
        #expect(Double(total) / Double(session.model.parameters.reduce(0) { sum, p in
            sum + (0..<p.parameter.value.count).filter { p.parameter.value[flat: $0] != 0 }.count }) >= 8)
    }

    @Test func anUnreachableTargetFailsWithTheBestItCouldDo() throws {
        let session = try Self.session(Self.small, configuration: #"{"layers": "convolutions"}"#, target: 1000)
        #expect(throws: PruningError.self) { try session.execute() }
    }
}
