import Foundation
import NN
import Testing
@testable import Bench

/// What physical removal buys, as a run records it: counts from the smaller model's real shapes, and the
/// latency of both models at batch 1 and 128.
@Suite struct StructureMetricsTests {
    static func lenet5() throws -> Model {
        var random = SeededGenerator(seed: 1)
        return try Model(Architecture(name: "lenet5", classes: 10, inputChannels: 1, inputSize: [28, 28]), random: &random)
    }

    @Test func removedFiltersAreCountedFromTheSmallerModel() throws {
        let model = try Self.lenet5()
        // Zero 8 of conv2's 16 filters (weights and bias): conv2 keeps 8 outputs, fc1 keeps 8·25 = 200 inputs.
        let conv2 = try #require(model.modules.first { $0.path == "conv2" }?.module as? Conv2d)
        for filter in 0..<8 {
            (conv2.weight.value.data + filter * 150).update(repeating: 0, count: 150)
            conv2.bias!.value.data[filter] = 0
        }
        let structure = try StructureMeter.measure(model)
        #expect(structure.removedChannels == 8)
        // conv1 156 + conv2 8·6·25+8 = 1208 + fc1 200·120+120 = 24120 + fc2 10164 + fc3 850.
        #expect(structure.parameters == 156 + 1208 + 24_120 + 10_164 + 850)
        #expect(structure.nonzeroParameters <= structure.parameters)
        // conv1 28·28·6·25 = 117600, conv2 10·10·8·6·25 = 120000, fc1 24000, fc2 10080, fc3 840.
        #expect(structure.macs == 117_600 + 120_000 + 24_000 + 10_080 + 840)
        #expect(structure.latency.map(\.batchSize) == StructureMeter.batches.map(\.size))
        for (comparison, batch) in zip(structure.latency, StructureMeter.batches) {
            #expect(comparison.dense.samples.count == batch.repeats && comparison.pruned.samples.count == batch.repeats)
            #expect(comparison.speedup > 0 && comparison.speedup.isFinite)
        }
    }

    @Test func anUnstructuredMaskRemovesNothing() throws {
        let model = try Self.lenet5()
        // 30 % of every weight tensor zeroed at random (no whole row or column: at most 0.3¹⁰ odds per column).
        var random = SeededGenerator(seed: 7)
        for (_, parameter) in model.parameters where parameter.value.shape.count > 1 {
            for i in 0..<parameter.value.count where random.nextUnitFloat() < 0.3 { parameter.value.data[i] = 0 }
        }
        let structure = try StructureMeter.measure(model)
        #expect(structure.removedChannels == 0)
        #expect(structure.parameters == model.parameterCount)
        #expect(structure.macs == MACCounter.count(model.root, inputShape: model.exampleShape).dense)
    }
}
