import Foundation
import NN
@testable import Pruning
import Testing

/// The tiny-network tests of synflow.md.
@Suite struct SynFlowTests {
    /// A bias-free linear network `[1, in, 1, 1]` → linear(in → hidden) → linear(hidden → 1).
    static func linearNetwork(inputs: Int, hidden: Int, seed: UInt64 = 1) throws -> Model {
        let architecture = Architecture(
            name: "sequential", classes: 1, inputChannels: inputs, inputSize: [1, 1],
            layers: [LayerSpec(.flatten), LayerSpec(.linear, out: hidden, bias: false), LayerSpec(.linear, bias: false)])
        var random = SeededGenerator(seed: seed)
        return try Model(architecture, random: &random)
    }

    static func weights(_ model: Model) -> [(name: String, parameter: Parameter)] {
        model.parameters.filter { $0.name.hasSuffix("weight") }
    }

    /// Card test 1: W1 = [[1, 2], [3, 4]], W2 = [[1, 1]], x = 1: S(W1) = |W1|, S(W2) = (3, 7) (by hand).
    @Test func twoLayerLinearScores() throws {
        let model = try Self.linearNetwork(inputs: 2, hidden: 2)
        let weights = Self.weights(model)
        weights[0].parameter.value.assign(from: Tensor(shape: [2, 2], values: [1, 2, 3, 4]))
        weights[1].parameter.value.assign(from: Tensor(shape: [1, 2], values: [1, 1]))
        let scores = try SynFlow.scores(model: model, parameters: weights)
        #expect(scores[0].scores.values == [1, 2, 3, 4])
        #expect(scores[1].scores.values == [3, 7])
    }

    /// Card test 2: scoring makes everything non-negative, then restores every parameter and buffer bit-exactly.
    @Test func signsAreRestoredBitwise() throws {
        let model = try Fixtures.model()
        let before = model.stateDict().map { $0.tensor.copy() }
        #expect(before.contains { $0.values.contains { $0 < 0 } })
        let scores = try SynFlow.scores(model: model, parameters: Self.weights(model))
        #expect(scores.allSatisfy { $0.scores.values.allSatisfy { $0 >= 0 } })
        #expect(zip(model.stateDict(), before).allSatisfy { $0.tensor.isBitwiseEqual(to: $1) })
        #expect(model.parameters.allSatisfy { $0.parameter.gradient.values.allSatisfy { $0 == 0 } })
    }

    /// Card test 3: d_final = 0.01, n = 100: d_1 = 0.01^0.01 ≈ 0.955, d_50 = 0.1, d_100 = 0.01.
    @Test func exponentialSchedule() {
        let d = { SynFlow.density(iteration: $0, of: 100, final: 0.01, schedule: .exponential) }
        #expect(abs(d(1) - 0.9550) < 1e-4)
        #expect(abs(d(50) - 0.1) < 1e-12)
        #expect(d(100) == 0.01)
        #expect(abs(SynFlow.density(iteration: 50, of: 100, final: 0.01, schedule: .linear) - 0.505) < 1e-12)
    }

    /// Card test 4 (conservation): in a ReLU-free network, a hidden unit's incoming scores sum to its outgoing scores.
    @Test func synapticFlowIsConservedAtHiddenUnits() throws {
        let model = try Self.linearNetwork(inputs: 5, hidden: 4, seed: 7)
        let scores = try SynFlow.scores(model: model, parameters: Self.weights(model))
        let incoming = scores[0].scores, outgoing = scores[1].scores  // [4, 5], [1, 4]
        for unit in 0..<4 {
            let inSum = (0..<5).reduce(Float(0)) { $0 + incoming[flat: unit * 5 + $1] }
            #expect(abs(inSum - outgoing[flat: unit]) <= 1e-5 * max(1, abs(inSum)), "unit \(unit)")
        }
    }

    /// Through `run` with the card's defaults: n = 100 score–prune rounds; after round k exactly
    /// round(f^(k/n) × prunable) weights are kept (the exponential schedule), and a weight pruned in one
    /// round never comes back (already pruned entries rank below every live one).
    @Test func roundsFollowTheExponentialScheduleAndOnlyEverPrune() throws {
        let session = try Fixtures.session(SynFlow(), compression: 8)
        let f = try session.keepFraction, total = Double(session.prunableCount)
        var rounds: [Int] = [], kept: [Int] = [], revived = 0
        var previous: [Tensor] = []
        func observe() {
            let masks = session.masks.map(\.mask)
            if !previous.isEmpty {
                kept.append(session.keptCount)
                for (old, new) in zip(previous, masks) {
                    revived += (0..<new.count).filter { old[flat: $0] == 0 && new[flat: $0] != 0 }.count
                }
            }
            previous = masks.map { $0.copy() }
        }
        session.reporter = { progress in
            guard progress.phase == "scoring", let step = progress.step else { return }
            rounds.append(step)
            if step == 2 { previous = session.masks.map { Mask.ones($0.mask.shape) } }
            if step >= 2 { observe() }
        }
        try session.method.run(session)
        observe()
        #expect(rounds == Array(1...100))
        #expect(kept.count == 100 && revived == 0, "\(revived) pruned weights came back")
        for (index, count) in kept.enumerated() {
            let k = Double(index + 1)
            #expect(count == Int((pow(f, k / 100) * total).rounded()), "round \(index + 1)")
        }
    }

    /// An entry pruned in an earlier round ranks below a live entry whose flow is 0 (a weight behind a cut
    /// path), although the pruned one comes first in state-dict order: pruned weights never come back.
    @Test func prunedEntriesRankBelowLiveZeroFlowEntries() {
        let flow = [(name: "a", scores: Tensor(shape: [4], values: [0, 0, 3, 0])), (name: "b", scores: Tensor(shape: [2], values: [0, 5]))]
        let masks: [Tensor?] = [Tensor(shape: [4], values: [0, 1, 1, 1]), nil]
        let next = SynFlow.nextMasks(flow, masks: masks, count: 4)
        // Kept: 5 and 3, then the live zero-flow entries in state-dict order (a[1], a[3]); never the pruned a[0].
        #expect(next.map(\.mask.values) == [[0, 1, 1, 1], [0, 1]])
        #expect(next[0].mask.values[0] == 0, "a pruned weight came back")
    }

    /// No layer collapse at the highest compression the fixture allows (3 prunable weights of 468 left):
    /// after SynFlow every prunable layer keeps a weight and some flow still reaches the output; the
    /// kept count is exact and the mask is the same for the same seed.
    @Test func noLayerCollapseAtExtremeCompression() throws {
        let session = try Fixtures.session(SynFlow(), compression: 8)
        try session.execute { pruned in
            let target = try InitialisationScoring.keptCount(pruned)
            #expect(pruned.keptCount == target)
            #expect(pruned.masks.allSatisfy { Mask.keptCount($0.mask) > 0 }, "a layer collapsed")
            let flow = try SynFlow.scores(model: pruned.model, parameters: pruned.prunable.map { ($0.name, $0.parameter) })
            #expect(flow.contains { $0.scores.values.contains { $0 > 0 } }, "no path from input to output")
        }
    }
}
