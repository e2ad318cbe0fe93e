import Data
import Foundation
@testable import NN
import Testing
@testable import Pruning
import Training

/// The card tests of `network-slimming.md` (through `NetworkSlimming.run` where the card's numbers allow), its
/// targets, and where it applies.
@Suite struct NetworkSlimmingTests {
    /// A small VGG with batch norm on 8×8 inputs: conv "features.0" (4) + BN, pool, conv "features.4" (6) + BN, pool.
    static let vgg = Architecture(name: "vgg", classes: 3, inputChannels: 1, inputSize: [8, 8], stages: [[4], [6]])

    static func session(target: Double, budget: Int = 0, kind: TargetKind = .compression,
                        configuration: String = "{}") throws -> Session {
        var random = SeededGenerator(seed: 3)
        let model = try Model(vgg, random: &random)
        let method = try MethodRegistry.method(named: "network-slimming", configuration: Data(configuration.utf8))
        let session = try Session(method: method, model: model, data: L1FilterTests.data(size: 8), compression: target,
                                  seed: 4, budget: budget, recipe: Fixtures.recipe)
        session.targetKind = kind
        return session
    }

    @Test func cardTest1PenaltySubgradient() {
        // γ = [0.5, −0.2, 0], λ = 1e-4 → added gradient [1e-4, −1e-4, 0].
        let gamma = Parameter(Tensor(shape: [3], values: [0.5, -0.2, 0]))
        NetworkSlimming.addPenaltyGradient([gamma], lambda: 1e-4)
        #expect(gamma.gradient.values == [1e-4, -1e-4, 0])
    }

    @Test func cardTest2GlobalOrderAcrossLayers() {
        // |γ| [0.9, 0.01, 0.5] and [0.02, 0.7]: the card's percent 0.4 prunes |γ| ≤ 0.5, three channels. Here the
        // count is what the target asks for: removing 3 leaves 0.9 and 0.7, removing 2 also keeps 0.5.
        let order = NetworkSlimming.removalOrder([("a", [0.9, 0.01, 0.5]), ("b", [0.02, 0.7])])
        #expect(order.map(\.value) == [0.01, 0.02, 0.5, 0.7, 0.9])
        let channels = ["a": 3, "b": 2]
        #expect(NetworkSlimming.keptAfterRemoving(3, order: order, channels: channels)
                == ["a": [true, false, false], "b": [false, true]])
        #expect(NetworkSlimming.keptAfterRemoving(2, order: order, channels: channels)
                == ["a": [true, false, true], "b": [false, true]])
        // Each layer keeps its largest |γ|: a fourth removal finds only layers' last channels, so it removes nothing.
        #expect(NetworkSlimming.keptAfterRemoving(4, order: order, channels: channels)
                == ["a": [true, false, false], "b": [false, true]])
    }

    @Test func removesTheChannelsOfSmallestScaleOverAllLayers() throws {
        let session = try Self.session(target: 1.5)
        let gammas = ["features.1": [0.3, -2.0, 0.05, 1.0], "features.5": [0.2, 0.9, -0.04, 3.0, 0.6, 0.1]]
        for (path, values) in gammas {
            try session.prunableParameter(path + ".weight").parameter.value.assign(
                from: Tensor(shape: [values.count], values: values.map(Float.init)))
        }
        try session.method.run(session)
        let masks = Dictionary(uniqueKeysWithValues: session.masks)
        let keptFirst = try #require(masks["features.1.weight"]).values, keptSecond = try #require(masks["features.5.weight"]).values
        // Some channels go, and every removed |γ| is below every kept one, over both layers.
        let removed = zip(gammas["features.1"]!, keptFirst).filter { $1 == 0 }.map { abs($0.0) }
            + zip(gammas["features.5"]!, keptSecond).filter { $1 == 0 }.map { abs($0.0) }
        let kept = zip(gammas["features.1"]!, keptFirst).filter { $1 != 0 }.map { abs($0.0) }
            + zip(gammas["features.5"]!, keptSecond).filter { $1 != 0 }.map { abs($0.0) }
        #expect(!removed.isEmpty)
        #expect(removed.max()! < kept.min()!, "removed \(removed), kept \(kept)")
        // β goes with γ (the card: otherwise β leaks a constant through the ReLU), and the filter with them.
        #expect(try #require(masks["features.1.bias"]).values == keptFirst)
        let filters = try #require(masks["features.0.weight"])
        for channel in 0..<4 { #expect(filters[flat: channel * 9] == keptFirst[channel]) }
    }

    @Test(arguments: [TargetKind.compression, .speedup])
    func theTargetIsMetWithOneChannelToSpare(kind: TargetKind) throws {
        let session = try Self.session(target: 2, kind: kind)
        let total = session.model.parameterCount, macs = MaskedMACs.count(session.model).dense
        try session.execute()
        let narrower = try ChannelSurgery.compact(session.model).model
        let achieved = kind == .compression ? Double(total) / Double(narrower.parameterCount)
            : Double(macs) / Double(MaskedMACs.count(narrower).dense)
        #expect(achieved >= 2, "\(kind): \(achieved)")
        #expect(session.masks.contains { Mask.keptCount($0.mask) < $0.mask.count })
    }

    @Test func cardTest3SlimNetworkComputesTheMaskedOne() throws {
        let session = try Self.session(target: 2, budget: 6, configuration: #"{"sparsityFraction": 1}"#)
        try session.execute()
        let batch = try session.scoringBatch(size: 8, purpose: "check")
        let narrower = try ChannelSurgery.compact(session.model).model
        #expect(narrower.parameterCount < session.model.parameterCount)
        let masked = session.model.forward(batch.inputs, context: ForwardContext(mode: .inference))
        let slim = narrower.forward(batch.inputs, context: ForwardContext(mode: .inference))
        for i in 0..<masked.count { #expect(abs(masked[flat: i] - slim[flat: i]) <= 1e-5) }
    }

    @Test func thePenaltyShrinksTheScalesDuringSparsityTraining() throws {
        // Compression 1 removes nothing: the batch-norm scales after the sparsity training show the penalty alone.
        func totalScale(lambda: Double) throws -> Double {
            let session = try Self.session(target: 1, budget: 12, configuration: #"{"lambda": \#(lambda), "sparsityFraction": 1}"#)
            try session.method.run(session)
            return NetworkSlimming.batchNormScales(session.model).reduce(0.0) { sum, gamma in
                sum + gamma.value.values.reduce(0.0) { $0 + Double(abs($1)) }
            }
        }
        let plain = try totalScale(lambda: 0), penalised = try totalScale(lambda: 0.5)
        #expect(penalised < plain - 1, "Σ|γ| \(penalised) with λ = 0.5, \(plain) without")
    }

    @Test func appliesOnlyToModelsWithBatchNormChannels() throws {
        var random = SeededGenerator(seed: 0)
        let lenet = try Model(DropNetTests.lenet, random: &random)
        let reason = try #require(NetworkSlimming.notApplicable(to: lenet))
        #expect(reason.contains("no removable channels with a batch norm"))
        #expect(NetworkSlimming.notApplicable(to: try Model(Self.vgg, random: &random)) == nil)
        let resnet = Architecture(name: "resnet20", classes: 3, inputChannels: 1, inputSize: [6, 6], widths: [2, 4, 8])
        #expect(NetworkSlimming.notApplicable(to: try Model(resnet, random: &random)) == nil)
        #expect(NNRelief.notApplicable(to: try Model(resnet, random: &random))?.contains("residual") == true)
        #expect(NNRelief.notApplicable(to: lenet) == nil)
    }
}
