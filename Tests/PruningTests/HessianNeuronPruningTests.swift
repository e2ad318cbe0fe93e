import Data
import Foundation
import NN
import Testing
@testable import Pruning
import Training

/// The card tests of `hessian-neuron.md` (a reconstruction: see `HessianNeuronPruning`) through the functions
/// `run` uses, the saliency by hand, and a whole run at the target with l1-filter's sizes.
@Suite struct HessianNeuronPruningTests {
    @Test func cardTest1PowerIterationFindsTheLargestMagnitude() {
        func radius(_ q: [[Float]]) -> Double {
            HessianNeuronPruning.spectralRadius(start: [Tensor(shape: [q.count], values: (0..<q.count).map { Float($0 + 1) })],
                                                iterations: 200, relativeChange: 1e-9) { v in
                [Tensor(shape: [q.count], values: q.map { row in zip(row, v[0].values).reduce(0) { $0 + $1.0 * $1.1 } })]
            }
        }
        #expect(abs(radius([[5, 0, 0], [0, -7, 0], [0, 0, 1]]) - 7) < 1e-3)
        #expect(abs(radius([[2, 1], [1, 2]]) - 3) < 1e-3)
    }

    @Test func cardTest4SelectionTakesTheFlattestAmongTheAdmissible() {
        // Admissible: L ≤ 1.05·1.0 → candidates 0, 1, 3; of those, candidate 1 has the smallest ρ (2 is flatter but too lossy).
        #expect(HessianNeuronPruning.select(losses: [1.0, 1.04, 1.2, 1.01], radii: [5, 3, 1, 4], tolerance: 0.05) == 1)
        #expect(HessianNeuronPruning.select(losses: [1.0, 1.04, 1.2, 1.01], radii: [5, 3, 1, 4], tolerance: 0.5) == 2)
    }

    @Test func cardTest5CubicScheduleReachesTheFinalCountAtTheEnd() {
        #expect(HessianNeuronPruning.scheduledCount(channels: 100, final: 20, progress: 0) == 100)
        #expect(HessianNeuronPruning.scheduledCount(channels: 100, final: 20, progress: 0.5) == 30)  // 0.2 + 0.8/8
        #expect(HessianNeuronPruning.scheduledCount(channels: 100, final: 20, progress: 1) == 20)
        let counts = stride(from: 0.0, through: 1.0, by: 0.05).map {
            HessianNeuronPruning.scheduledCount(channels: 100, final: 20, progress: $0)
        }
        #expect(zip(counts, counts.dropFirst()).allSatisfy { $0 >= $1 }, "\(counts)")
        #expect(HessianNeuronPruning.eventSteps(total: 100, events: 3, start: 0.1, end: 0.6) == [10, 35, 60])
    }

    @Test func saliencyIsIncomingTimesOutgoingNorm() throws {
        // 2 inputs → 3 hidden → 2 outputs: unit j's incoming row and outgoing column norms multiply.
        let architecture = Architecture(name: "sequential", classes: 2, inputChannels: 1, inputSize: [1, 2],
                                        layers: [LayerSpec(.flatten), LayerSpec(.linear, out: 3), LayerSpec(.relu), LayerSpec(.linear)])
        var random = SeededGenerator(seed: 1)
        let model = try Model(architecture, random: &random)
        let data = SessionData(training: ImageSplit(images: Tensor(shape: [2, 1, 1, 2], repeating: 1), labels: [0, 1]),
                               validation: ImageSplit(images: Tensor(shape: [2, 1, 1, 2], repeating: 1), labels: [0, 1]),
                               normalization: Normalization(scale: 1, mean: [0], std: [1]))
        let session = try Session(method: HessianNeuronPruning(), model: model, data: data, compression: 1.2, seed: 0,
                                  budget: 0, recipe: Fixtures.recipe, keepingWeights: true)
        try session.prunableParameter("1.weight").parameter.value.assign(from: Tensor(shape: [3, 2], values: [3, 4, 1, 0, 0, 2]))
        try session.prunableParameter("3.weight").parameter.value.assign(from: Tensor(shape: [2, 3], values: [1, 0, 6, 0, 1, 8]))
        let group = try #require(session.model.channelGroups.first)
        let saliency = try HessianNeuronPruning.Pruner.saliency(session, group)
        // ‖(3,4)‖·‖(1,0)‖ = 5, ‖(1,0)‖·‖(0,1)‖ = 1, ‖(0,2)‖·‖(6,8)‖ = 20.
        #expect(zip(saliency, [5.0, 1, 20]).allSatisfy { abs($0 - $1) < 1e-6 }, "\(saliency)")
    }

    @Test func aRunMeetsTheTargetWithL1FiltersSizes() throws {
        var kept: [String: [String: Int]] = [:]
        for (name, configuration) in [("hsr-np", #"{"events": 3, "candidates": 2, "probeSize": 16, "powerIterations": 3}"#),
                                      ("l1-filter", "{}")] {
            var random = SeededGenerator(seed: 5)
            let model = try Model(DropNetTests.lenet, random: &random)
            let method = try MethodRegistry.method(named: name, configuration: Data(configuration.utf8))
            let session = try Session(method: method, model: model, data: L1FilterTests.data(size: 12), compression: 3,
                                      seed: 2, budget: name == "hsr-np" ? 12 : 0, recipe: Fixtures.recipe)
            try session.method.run(session)
            let masks = Dictionary(uniqueKeysWithValues: session.masks)
            kept[name] = try Dictionary(uniqueKeysWithValues: ["conv1", "conv2", "fc1", "fc2"].map { layer in
                (layer, try #require(masks[layer + ".bias"]).values.filter { $0 != 0 }.count)
            })
            if name == "hsr-np" {
                #expect(session.budget.remaining == 0)
                // Every event that removed channels is in the record, at its scheduled step; the last one removes some.
                let scheduled = HessianNeuronPruning.eventSteps(total: 12, events: 3, start: 0.1, end: 0.6)
                #expect(!session.events.isEmpty && session.events.allSatisfy { $0.kind == "hsr-np-event" }, "\(session.events)")
                #expect(Set(session.events.map(\.step)).isSubset(of: scheduled) && session.events.last?.step == scheduled.last,
                        "\(session.events) against \(scheduled)")
                let narrower = try ChannelSurgery.compact(session.model).model
                #expect(Double(session.model.parameterCount) / Double(narrower.parameterCount) >= 3)
            }
        }
        #expect(kept["hsr-np"] == kept["l1-filter"], "\(kept)")
    }
}
