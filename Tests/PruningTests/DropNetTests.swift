import Data
import Foundation
import NN
import Testing
@testable import Pruning

/// The card tests of `dropnet.md`, through the functions `DropNet.run` uses, and its invariants on a run.
@Suite struct DropNetTests {
    static let hand: [String: [Double]] = ["L1": [0.9, 0.05, 0.4], "L2": [0.3, 0.02, 0.7]]
    static let allAlive: [String: [Bool]] = ["L1": [true, true, true], "L2": [true, true, true]]

    /// Card test 1, global `minimum`: 6 alive, n_drop = ⌊0.2·6⌋ = 1 → L2 node 1 (0.02), an exact global bottom-k
    /// (not the notebook's first-layer-first quirk, which would drop L1 node 1).
    @Test func globalMinimumDropsTheLowestNodeOverAllLayers() {
        let count = max(1, Int((0.2 * 6.0).rounded(.down)))
        let after = DropNet.dropGlobally(Self.hand, alive: Self.allAlive, count: count)
        #expect(after == ["L1": [true, true, true], "L2": [true, false, true]])
    }

    /// Card test 1, layer-wise: each layer drops ⌊0.2·3⌋ → at least 1: L1 node 1 (0.05) and L2 node 1 (0.02).
    @Test func layerWiseMinimumDropsTheLowestNodeOfEachLayer() {
        let order = DropNet.dropOrder(Self.hand, alive: Self.allAlive)
        let after = DropNet.dropPerLayer(order, alive: Self.allAlive, fraction: 0.2)
        #expect(after == ["L1": [true, false, true], "L2": [true, false, true]])
    }

    /// The maximum control drops the highest instead; ranked scores keep the order of distinct means.
    @Test func maximumRuleDropsTheHighestNode() {
        var random = SeededGenerator(seed: 1)
        let ranked = DropNet.ranked(Self.hand, rule: .maximum, random: &random)
        #expect(DropNet.dropGlobally(ranked, alive: Self.allAlive, count: 1) == ["L1": [false, true, true], "L2": [true, true, true]])
        var again = SeededGenerator(seed: 1)
        let minimum = DropNet.ranked(Self.hand, rule: .minimum, random: &again)
        #expect(DropNet.dropGlobally(minimum, alive: Self.allAlive, count: 2) == ["L1": [true, false, true], "L2": [true, false, true]])
    }

    /// Card test 2: conv output [N=2, C=2, H=2, W=2], channel 0 all ones, channel 1 zero but one 4.0:
    /// E(f0) = 1.0 and E(f1) = 4 / (2·4) = 0.5.
    @Test func filterScoreIsTheMeanOverSamplesAndPositions() {
        var means = ActivationMeans(sources: ["relu": (producer: "conv", channels: 2)])
        let output = Tensor(zeros: [2, 2, 2, 2])
        for sample in 0..<2 { for i in 0..<4 { output[flat: sample * 8 + i] = 1 } }
        output[flat: 1 * 8 + 4 + 2] = 4
        means.add(path: "relu", output: output)
        means.add(path: "elsewhere", output: Tensor(shape: [1, 2], repeating: 9))
        #expect(means.means["conv"] == [1.0, 0.5])
    }

    static let lenet = Architecture(name: "lenet5", classes: 3, inputChannels: 1, inputSize: [12, 12])

    static func session(target: Double, kind: TargetKind = .compression, budget: Int = 24,
                        configuration: String = "{}") throws -> Session {
        var random = SeededGenerator(seed: 5)
        let model = try Model(lenet, random: &random)
        let method = try MethodRegistry.method(named: "dropnet", configuration: Data(configuration.utf8))
        let session = try Session(method: method, model: model, data: L1FilterTests.data(size: 12), compression: target,
                                  seed: 2, budget: budget, recipe: Fixtures.recipe)
        session.targetKind = kind
        return session
    }

    /// Card test 3: every cycle starts from θ0, masked nodes are zero, and the final model is θ0 under the final
    /// mask; the target is met and the budget is split between the cycles and the final training.
    @Test(arguments: [TargetKind.compression, .speedup])
    func cyclesRestartFromTheInitialWeightsAndMeetTheTarget(kind: TargetKind) throws {
        let session = try Self.session(target: 4, kind: kind)
        let theta0 = session.model.stateDict().map { ($0.name, $0.tensor.copy()) }
        var checked = false
        try session.execute { pruned in
            for ((name, initial), (_, now)) in zip(theta0, pruned.model.stateDict()) {
                let mask = pruned.masks.first { $0.name == name }?.mask
                for i in 0..<now.count {
                    let kept = mask.map { $0[flat: i] != 0 } ?? true
                    #expect(now[flat: i] == (kept ? initial[flat: i] : 0), "\(name)[\(i)]")
                    if !(now[flat: i] == (kept ? initial[flat: i] : 0)) { return }
                }
            }
            #expect(pruned.trainingLog.allSatisfy { $0.phase.hasPrefix("dropnet cycle") })
            #expect(pruned.trainingLog.count >= 2)
            checked = true
        }
        #expect(checked)
        let narrower = try ChannelSurgery.compact(session.model).model
        let achieved = kind == .compression
            ? Double(session.model.parameterCount) / Double(narrower.parameterCount)
            : Double(MaskedMACs.count(session.model).dense) / Double(MaskedMACs.count(narrower).dense)
        #expect(achieved >= 4)
    }
}
