import Foundation
import NN
import Testing
@testable import Pruning

/// Spline-EB (card `early-bird-spline.md`, part B): the card's partition distance, detection and (reconstructed)
/// criterion examples by hand, and runs that prune at the ticket with the structured family's sizes.
@Suite struct SplineEarlyBirdTests {
    static func code(_ bits: [Int], length: Int) -> RegionCode {
        RegionCode(bits: (0..<length).map { bits.contains($0) })
    }

    @Test func cardTest1PartitionDistance() {
        let layers = [Self.code([1, 5, 9], length: 12), Self.code([0, 70], length: 100)]
        #expect(SplineEarlyBird.distance(layers, layers) == 0)
        // Every bit of the second layer flipped, the first unchanged: (0 + 1) / 2.
        let flipped = [layers[0], Self.code((0..<100).filter { ![0, 70].contains($0) }, length: 100)]
        #expect(SplineEarlyBird.distance(layers, flipped) == 0.5)
        // 3 of 12 bits in one layer, none in the other: (0.25 + 0) / 2.
        #expect(SplineEarlyBird.distance(layers, [Self.code([1, 2, 3, 4, 5, 9], length: 12), layers[1]]) == 0.125)
    }

    @Test func cardTest2DetectionFiresThreeChecksAfterTheCodesSettle() {
        // Codes settle at epoch 5; epochs 0–4 differ from the final codes (and each other) by 0.3 ≥ δ.
        let final = [Self.code([], length: 100), Self.code([], length: 50)]
        func codes(epoch: Int) -> [RegionCode] {
            guard epoch < 5 else { return final }
            return [Self.code(Array((epoch * 10)..<(epoch * 10 + 30)), length: 100), Self.code(Array(epoch..<(epoch + 15)), length: 50)]
        }
        var detector = SplineEarlyBird.Detector(lookback: 3, threshold: 0.16)
        let fired = (0..<12).filter { detector.add(codes(epoch: $0)) }
        #expect(fired.first == 8, "\(fired)")
        // A distance of exactly δ does not count as unchanged (the code's test is strict).
        var strict = SplineEarlyBird.Detector(lookback: 1, threshold: 0.25)
        let verdicts = [[], [0], [0]].map { bits in strict.add([Self.code(bits, length: 4)]) }
        #expect(verdicts == [false, false, true])
    }

    @Test func cardTest3NearDuplicateBoundariesGoFirst() throws {
        // A linear layer on 2-D inputs with units (w, b) = ((1, 0), 0), ((2, 0), 0.001), ((0, 1), 0).
        let architecture = Architecture(name: "sequential", classes: 2, inputChannels: 1, inputSize: [1, 2], layers: [
            LayerSpec(.flatten), LayerSpec(.linear, out: 3), LayerSpec(.relu), LayerSpec(.linear),
        ])
        var random = SeededGenerator(seed: 1)
        let model = try Model(architecture, random: &random)
        let weight = try #require(model.parameters.first { $0.name == "1.weight" }).parameter.value
        let bias = try #require(model.parameters.first { $0.name == "1.bias" }).parameter.value
        for (i, value) in [Float(1), 0, 2, 0, 0, 1].enumerated() { weight[flat: i] = value }
        for (i, value) in [Float(0), 0.001, 0].enumerated() { bias[flat: i] = value }
        let group = try #require(model.channelGroups.first { $0.producer == "1" })
        let boundaries = try SplineEarlyBird.boundaries(model, group)
        // h₀ = (1, 0, 0), h₁ = (1, 0, 0.0005): d = 0.0005; unit 2 is √2 away from both.
        let d01 = SplineEarlyBird.boundaryDistance(try #require(boundaries[0]), try #require(boundaries[1]))
        #expect(abs(d01 - 0.0005) < 1e-9, "\(d01)")
        let order = SplineEarlyBird.removalOrder(boundaries)
        #expect([0, 1].contains(order[0].unit) && abs(order[0].redundancy - 0.0005) < 1e-9, "\(order)")
        // After one of the pair goes, the survivor is √2 from unit 2: the rest of the order has no duplicate left.
        #expect(order.count == 2 && abs(order[1].redundancy - 2.0.squareRoot()) < 1e-6, "\(order)")
        // A flipped boundary is the same boundary: (−1, 0), 0 duplicates (1, 0), 0 exactly.
        #expect(SplineEarlyBird.boundaryDistance([1, 0, 0], [-1, 0, 0]) == 0)
    }

    static func session(configuration: String, target: Double = 3, budget: Int = 12) throws -> Session {
        var random = SeededGenerator(seed: 5)
        let model = try Model(DropNetTests.lenet, random: &random)
        let method = try MethodRegistry.method(named: "spline-eb", configuration: Data(configuration.utf8))
        return try Session(method: method, model: model, data: L1FilterTests.data(size: 12), compression: target,
                           seed: 2, budget: budget, recipe: Fixtures.recipe)
    }

    @Test func aTicketPrunesToL1FiltersSizesAndTrainingContinues() throws {
        // δ = 1 accepts any partition: with a check every step, the 4th check (step 4) is the first with 3 before it.
        let session = try Self.session(configuration: #"{"checkEvery": 1, "threshold": 1, "probeSize": 16}"#)
        try session.method.run(session)
        #expect(session.events.map(\.kind) == ["spline-eb-ticket"] && session.events.map(\.step) == [4], "\(session.events)")
        #expect(session.budget.remaining == 0)
        let l1 = try L1FilterTests.session(DropNetTests.lenet, configuration: "{}", target: 3)
        try l1.method.run(l1)
        func kept(_ s: Session) throws -> [Int] {
            let masks = Dictionary(uniqueKeysWithValues: s.masks)
            return try ["conv1", "conv2", "fc1", "fc2"].map { try #require(masks[$0 + ".bias"]).values.filter { $0 != 0 }.count }
        }
        #expect(try kept(session) == kept(l1))
        let narrower = try ChannelSurgery.compact(session.model).model
        #expect(Double(session.model.parameterCount) / Double(narrower.parameterCount) >= 3)
    }

    @Test func withoutATicketItPrunesAtTheSearchLimitAndGlobalScopeMeetsTheTarget() throws {
        // δ tiny: partitions never settle; the search limit (½ of 12 steps) prunes at step 6.
        let session = try Self.session(configuration: #"{"checkEvery": 2, "threshold": 1e-9, "probeSize": 16, "scope": "global"}"#)
        try session.method.run(session)
        #expect(session.events.map(\.kind) == ["spline-eb-search-limit"] && session.events.map(\.step) == [6], "\(session.events)")
        let narrower = try ChannelSurgery.compact(session.model).model
        #expect(Double(session.model.parameterCount) / Double(narrower.parameterCount) >= 3)
        #expect(narrower.channelGroups.allSatisfy { $0.channels >= 1 })
    }

    @Test func theProbeCodesEveryReLU() throws {
        var random = SeededGenerator(seed: 5)
        let model = try Model(DropNetTests.lenet, random: &random)
        let inputs = Tensor(shape: [2, 1, 12, 12], repeating: 0.5)
        let codes = SplineEarlyBird.partition(model, inputs: inputs, threads: 1)
        let relus = model.modules.filter { $0.module is ReLU }.count
        #expect(codes.count == relus && relus >= 4)
    }
}
