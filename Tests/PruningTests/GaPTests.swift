import Foundation
import NN
import Pruning
import Testing

/// The tiny-network tests of gap.md and issue 7's invariants for GaP.
@Suite struct GaPTests {
    /// An MLP with three prunable hidden layers (36→16→12→8) and a classifier 8→3.
    static let mlp = Architecture(
        name: "sequential", classes: 3, inputChannels: 1, inputSize: [6, 6],
        layers: [
            LayerSpec(.flatten), LayerSpec(.linear, out: 16), LayerSpec(.relu), LayerSpec(.linear, out: 12),
            LayerSpec(.relu), LayerSpec(.linear, out: 8), LayerSpec(.relu), LayerSpec(.linear),
        ])

    static func session(_ configuration: GaP.Configuration, compression: Double = 4, seed: UInt64 = 3,
                        budget: Int = 20) throws -> Session {
        var random = SeededGenerator(seed: 42)
        let model = try Model(mlp, random: &random)
        return try Session(method: GaP(configuration: configuration), model: model, data: Fixtures.data(),
                           compression: compression, seed: seed, budget: budget, recipe: Fixtures.recipe)
    }

    /// Uniform per-tensor targets of `mlp` at compression 4, by hand: 927 parameters, 864 prunable
    /// (576, 192, 96), so f = (927/4 − 63)/864 = 25/128 and f·N_l = 112.5, 37.5, 18.75 (168.75 → 169 kept).
    /// Floors 112 + 37 + 18 = 167; the two missing go to the largest fractional parts: .75 (third layer),
    /// then the .5/.5 tie to the earlier (first) layer.
    static let uniformTargets = [113, 37, 19]

    /// Kept count of a mask, counted naively.
    static func kept(_ mask: Tensor?) -> Int { mask.map { $0.values.filter { $0 != 0 }.count } ?? -1 }

    /// Card tests 1–3 and issue 7: κ = 3 over three layers, R = 2, T = 2. At the start of step k the layer
    /// (k − 1) mod 3 is dense and the others keep exactly their target; grown weights are exactly 0 with
    /// zero optimizer state; after every prune each layer and the total are at the target; the kept
    /// weights are the largest |w| of the layer; finally every layer is at the target.
    @Test func cyclesPartitionsAndMeetsTheTargetAfterEveryPrune() throws {
        var configuration = GaP.Configuration()
        configuration.partitions = 3
        configuration.rounds = 2
        configuration.stepLength = 2
        configuration.distribution = .uniform
        let session = try Self.session(configuration)
        let f = try session.keepFraction
        #expect(f == 25.0 / 128)
        let targets = Self.uniformTargets
        #expect(session.prunable.map(\.name) == ["1.weight", "3.weight", "5.weight"])
        var grows: [Int] = [], prunes: [Int] = []
        var beforePrune: [Float] = []
        var grownAt: [String: Tensor] = [:]
        var grownMoved = 0, problems: [String] = []
        session.reporter = { progress in
            let phase = progress.phase
            let words = phase.split(separator: " ")
            guard words.first == "gap", words.count == 7, let g = Int(words[3]), let k = Int(words[6]) else { return }
            let layer = g - 1
            let entry = session.prunable[layer]
            switch words[1] {
            case "grew":
                grows.append(k)
                if layer != (k - 1) % 3 { problems.append("step \(k) grew layer \(layer)") }
                for (i, other) in session.prunable.enumerated() {
                    let expected = i == layer ? other.count : targets[i]
                    if Self.kept(other.parameter.mask) != expected { problems.append("step \(k): layer \(i) kept wrong") }
                }
                // Entries grown now: those the weights hold as exactly zero and were masked before.
                let state = session.currentTrainer?.optimizer.state(for: entry.name).first?.tensor
                var newlyGrown = 0
                for i in 0..<entry.count where entry.parameter.value[flat: i] == 0 {
                    newlyGrown += 1
                    if let state, state[flat: i] != 0 { problems.append("step \(k): stale momentum at \(i)") }
                }
                if newlyGrown < entry.count - targets[layer] { problems.append("step \(k): grown weights not zero") }
                let zeros = Tensor(zeros: entry.parameter.value.shape)
                for i in 0..<entry.count where entry.parameter.value[flat: i] == 0 { zeros[flat: i] = 1 }
                grownAt[entry.name] = zeros
            case "pruning":
                beforePrune = entry.parameter.value.values
                if let zeros = grownAt[entry.name] {
                    for i in 0..<entry.count where zeros[flat: i] == 1 && entry.parameter.value[flat: i] != 0 { grownMoved += 1 }
                }
            case "pruned":
                prunes.append(k)
                for (i, other) in session.prunable.enumerated() where Self.kept(other.parameter.mask) != targets[i] {
                    problems.append("after prune \(k): layer \(i) kept \(Self.kept(other.parameter.mask)), target \(targets[i])")
                }
                if abs(Double(session.keptCount) - f * Double(session.prunableCount)) > 3 {
                    problems.append("after prune \(k): total \(session.keptCount)")
                }
                // Naive reference: the kept magnitudes are the top targets[layer] of the weights before pruning.
                let magnitudes = beforePrune.map(abs)
                let threshold = magnitudes.sorted(by: >)[targets[layer] - 1]
                for i in 0..<entry.count {
                    let keep = entry.parameter.mask?[flat: i] == 1
                    if keep && magnitudes[i] < threshold { problems.append("after prune \(k): kept a small weight") }
                    if !keep && magnitudes[i] > threshold { problems.append("after prune \(k): pruned a large weight") }
                    if keep && entry.parameter.value[flat: i] != beforePrune[i] { problems.append("kept weight changed") }
                }
            default:
                return
            }
        }
        var usedByMethod = -1
        try session.execute { usedByMethod = $0.budget.used }
        #expect(problems.isEmpty, "\(problems.prefix(5))")
        #expect(grows == [1, 2, 3, 4, 5, 6])
        #expect(prunes == [1, 2, 3, 4, 5, 6])
        #expect(grownMoved > 0, "grown weights never moved")
        #expect(usedByMethod == 20 && session.budget.used == 20)
        for (entry, target) in zip(session.prunable, targets) { #expect(Self.kept(entry.parameter.mask) == target) }
        #expect(zip(session.prunable, targets).allSatisfy { entry, target in
            entry.parameter.value.values.filter { $0 != 0 }.count <= target
        })
    }

    /// Card test 4: with κ = 1 the network stays dense through the grow–prune phase, and the final mask
    /// is one-shot layer-wise magnitude pruning of the weights at its end.
    @Test func singlePartitionIsDenseTrainingThenOneShotMagnitude() throws {
        var configuration = GaP.Configuration()
        configuration.partitions = 1
        configuration.distribution = .uniform
        let session = try Self.session(configuration, budget: 16)
        var denseAtEveryStep = true, steps = 0
        var finalWeights: [[Float]] = []
        session.reporter = { progress in
            if progress.phase == "gap" {
                steps += 1
                if (progress.step ?? 0) < 12 && session.density != 1 { denseAtEveryStep = false }
            }
            if progress.phase.hasPrefix("gap pruning") { finalWeights = session.prunable.map(\.parameter.value.values) }
        }
        try session.execute()
        #expect(denseAtEveryStep && steps == 16)
        #expect(finalWeights.count == 3)
        for (layer, (entry, weights)) in zip(session.prunable, finalWeights).enumerated() {
            let order = weights.indices.sorted { abs(weights[$0]) > abs(weights[$1]) || (abs(weights[$0]) == abs(weights[$1]) && $0 < $1) }
            let expected = Set(order.prefix(Self.uniformTargets[layer]))
            let kept = Set((0..<entry.count).filter { entry.parameter.mask?[flat: $0] == 1 })
            #expect(kept == expected, "\(entry.name)")
        }
    }

    /// Everything random comes from the run's seed: same seed, same masks and weights; another seed differs.
    @Test func seedDeterminesTheRun() throws {
        let run = { (seed: UInt64) throws -> Session in
            let session = try Self.session(GaP.Configuration(), seed: seed, budget: 14)
            try session.execute()
            return session
        }
        let a = try run(5), b = try run(5), c = try run(6)
        #expect(zip(a.model.stateDict(), b.model.stateDict()).allSatisfy { $0.tensor.isBitwiseEqual(to: $1.tensor) })
        #expect(zip(a.masks, b.masks).allSatisfy { $0.mask.isBitwiseEqual(to: $1.mask) })
        #expect(!zip(a.masks, c.masks).allSatisfy { $0.mask.isBitwiseEqual(to: $1.mask) })
    }

    /// Equal-size contiguous partitions, and clear errors before any training for bad settings or budgets.
    @Test func partitionsAndErrors() throws {
        #expect(GaPPlan.contiguous(sizes: [10, 10, 10, 10], groups: 2) == [[0, 1], [2, 3]])
        #expect(GaPPlan.contiguous(sizes: [1, 1, 100, 1], groups: 3) == [[0, 1], [2], [3]])
        #expect(GaPPlan.contiguous(sizes: [5, 5, 5], groups: 3) == [[0], [1], [2]])
        var tooMany = GaP.Configuration()
        tooMany.partitions = 4
        #expect(throws: PruningError.self) { try Self.session(tooMany).execute() }
        let small = try Self.session(GaP.Configuration(), budget: 8)
        let error = #expect(throws: PruningError.self) { try small.execute() }
        #expect(error.map { "\($0)".contains("'gap'") && "\($0)".contains("budget") } == true)
        #expect(small.budget.used == 0)
        // B = 20, κ = 3, R = 3: T = ⌊0.75·20/9⌋ = 1, final fine-tune 20 − 9 = 11.
        let plan = try GaP().plan(for: Self.session(GaP.Configuration()))
        #expect(plan.stepLength == 1 && plan.finalSteps == 11 && plan.partitions == [[0], [1], [2]])
        // `distribution` is spelled as for RigL; the former "erk" is rejected.
        let er = try MethodRegistry.method(named: "gap", configuration: Data(#"{"distribution": "erdos-renyi"}"#.utf8))
        #expect((er as? GaP)?.configuration.distribution == .erdosRenyi)
        #expect(GaP.Configuration().distribution == .erdosRenyiKernel)
        #expect(throws: PruningError.self) {
            try MethodRegistry.method(named: "gap", configuration: Data(#"{"distribution": "erk"}"#.utf8))
        }
    }
}
