import Foundation
import NN
import Testing
@testable import Bench

/// MAC counts, parameter counts and the dead-neuron rate on networks whose numbers are worked out by hand.
@Suite struct MetricsTests {
    @Test func stridedGroupedPaddedConvMACs() {
        var random = SeededGenerator(seed: 1)
        // in 4, out 6, k 3, stride 2, padding 1, groups 2 on a 9×7 input:
        // out_h = (9 + 2 − 3) / 2 + 1 = 5, out_w = (7 + 2 − 3) / 2 + 1 = 4,
        // MACs = 5·4·6·(4/2)·3·3 = 2160.
        let conv = Conv2d(inChannels: 4, outChannels: 6, kernelSize: 3, stride: 2, padding: 1, groups: 2, random: &random)
        let net = Sequential([("conv", conv)])
        let dense = MACCounter.count(net, inputShape: [4, 9, 7])
        #expect(dense.layers == [LayerMACs(path: "conv", kind: "conv2d", dense: 2160, remaining: 2160)])
        // Zero the first 36 of the 108 weights (one third): remaining = 2160·72/108 = 1440, speedup 1.5.
        let mask = Tensor(shape: conv.weight.value.shape, values: (0..<108).map { $0 < 36 ? 0 : 1 })
        conv.weight.mask = mask
        conv.weight.applyMask()
        let pruned = MACCounter.count(net, inputShape: [4, 9, 7])
        #expect(pruned.dense == 2160 && pruned.remaining == 1440 && pruned.speedup == 1.5)
    }

    @Test func lenet300100MACs() {
        var random = SeededGenerator(seed: 2)
        // 784·300 + 300·100 + 100·10 = 235200 + 30000 + 1000 = 266200.
        let net = Sequential([
            ("flatten", Flatten()),
            ("fc1", Linear(inFeatures: 784, outFeatures: 300, random: &random)), ("relu1", ReLU()),
            ("fc2", Linear(inFeatures: 300, outFeatures: 100, random: &random)), ("relu2", ReLU()),
            ("fc3", Linear(inFeatures: 100, outFeatures: 10, random: &random)),
        ])
        let counts = MACCounter.count(net, inputShape: [1, 28, 28])
        #expect(counts.layers.map(\.path) == ["fc1", "fc2", "fc3"])
        #expect(counts.layers.map(\.dense) == [235_200, 30_000, 1_000])
        #expect(counts.dense == 266_200 && counts.speedup == 1)
    }

    @Test func compressionOfAHandMadeMask() {
        var random = SeededGenerator(seed: 3)
        let first = Linear(inFeatures: 4, outFeatures: 5, random: &random)   // 20 + 5 parameters
        let classifier = Linear(inFeatures: 5, outFeatures: 3, random: &random) // 15 + 3 parameters
        // Prune 15 of first.weight's 20 entries and 3 of its 5 biases.
        first.weight.mask = Tensor(shape: [5, 4], values: (0..<20).map { $0 % 4 == 0 ? 1 : 0 })
        first.bias?.mask = Tensor(shape: [5], values: [1, 0, 0, 1, 0])
        first.weight.applyMask()
        first.bias?.applyMask()
        let net = Sequential([("fc1", first), ("fc2", classifier)])
        let counts = ParameterCounts(parameters: net.namedParameters(), prunable: ["fc1.weight", "fc1.bias"])
        // total 43, nonzero 43 − 18 = 25, prunable 25 of which 7 remain.
        #expect(counts.total == 43 && counts.nonzero == 25 && counts.prunable == 25 && counts.prunableNonzero == 7)
        #expect(counts.compression == 43.0 / 25.0)
        #expect(abs(counts.prunableSparsity - 18.0 / 25.0) < 1e-12)
    }

    /// ap.md's hand example: W = [[0.20, −0.45], [−0.50, 0.35]], b = (0.05, 0), X = {(1,0), (0,1), (1,1)}
    /// gives 4 of 6 pre-activations ≤ 0 (DNR 2/3); with W[0][1] pruned, 2 of 6 (DNR 1/3).
    @Test func deadNeuronRateOfTheAPExample() {
        var random = SeededGenerator(seed: 4)
        let layer = Linear(inFeatures: 2, outFeatures: 2, random: &random)
        layer.weight.value.assign(from: Tensor(shape: [2, 2], values: [0.20, -0.45, -0.50, 0.35]))
        layer.bias?.value.assign(from: Tensor(shape: [2], values: [0.05, 0]))
        let net = Sequential([("fc", layer), ("relu", ReLU())])
        let batch = Tensor(shape: [3, 2], values: [1, 0, 0, 1, 1, 1])
        let meter = DeadNeuronMeter()
        let context = ForwardContext(mode: .training, observer: meter.observe)
        _ = net.forward(batch, context: context)
        meter.endStep()
        #expect(abs((meter.rate ?? 0) - 4.0 / 6.0) < 1e-12)
        layer.weight.value[flat: 1] = 0
        _ = net.forward(batch, context: context)
        meter.endStep()
        #expect(meter.steps == 2)
        // Mean of 4/6 and 2/6.
        #expect(abs((meter.rate ?? 0) - 0.5) < 1e-12)
        meter.endStep()
        #expect(meter.steps == 2)
    }
}

/// MACs of the zoo's LeNet-5 on 28×28 inputs, by hand:
/// conv1 1→6 5×5 pad 2 → 28×28: 28·28·6·1·25 = 117600; pool → 14×14;
/// conv2 6→16 5×5 → 10×10: 10·10·16·6·25 = 240000; pool → 5×5; fc 400·120 = 48000, 120·84 = 10080, 84·10 = 840.
@Suite struct ZooMACTests {
    @Test func lenet5MACs() throws {
        var random = SeededGenerator(seed: 5)
        let model = try Model(Architecture(name: "lenet5", classes: 10, inputChannels: 1, inputSize: [28, 28]), random: &random)
        let counts = MACCounter.count(model.root, inputShape: model.exampleShape)
        #expect(counts.layers.map(\.kind) == ["conv2d", "conv2d", "linear", "linear", "linear"])
        #expect(counts.layers.map(\.dense) == [117_600, 240_000, 48_000, 10_080, 840])
        #expect(counts.dense == 416_520)
    }

    @Test func recordsWithoutTheTrainingLogOrClassCountStillDecode() throws {
        // A record's metrics as engine 0.3.0 wrote them before calls and classes were stored.
        let json = """
            {"afterFineTuning": {"test": {"count": 10, "loss": 0.4, "top1": 0.8, "top5": 0.9}},
             "beforeFineTuning": {"test": {"count": 10, "loss": 0.4, "top1": 0.8, "top5": 0.9}},
             "budget": {"limit": 100, "steps": 100, "stepsPerEpoch": 430},
             "latency": {"batchSize": 128, "samples": [0.001], "threads": 1},
             "macs": {"layers": []}, "parameters": {"nonzero": 1, "prunable": 1, "prunableNonzero": 1, "total": 1}}
            """
        let metrics = try JSONDecoder().decode(RunMetrics.self, from: Data(json.utf8))
        #expect(metrics.budget.calls == nil && metrics.classes == nil && metrics.budget.steps == 100)
        // And the new fields round-trip.
        var logged = metrics
        logged.budget.calls = [TrainingCallUsage(phase: "fine-tuning", steps: 100, learningRate: 0.001, schedule: "constant")]
        logged.classes = 10
        #expect(try JSONDecoder().decode(RunMetrics.self, from: try JSONEncoder().encode(logged)) == logged)
    }
}
