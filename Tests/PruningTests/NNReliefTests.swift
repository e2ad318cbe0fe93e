import Data
import Foundation
import NN
import Testing
import Pruning
import Training

/// NNrelief (card `importance-score-iterative.md`): the card's tiny-network tests, derived by hand, and
/// properties of whole runs on the fixture.
@Suite struct NNReliefTests {
    @Test func fullyConnectedNeuronKeepsTheSmallestPrefixReachingAlpha() {
        // Card tests 1–2: x = [1, 1, 1, 1], W = [4, 3, 2, 1], b = 0 → scores [4, 3, 2, 1] and bias 0, S = 10.
        let scores = ReliefScores.linearScores(weight: Tensor(shape: [1, 4], values: [4, -3, 2, -1]),
                                               meanAbsInput: ReliefScores.meanAbsolute(Tensor(shape: [1, 4], values: [1, -1, 1, 1])))
        #expect(scores.values == [4, 3, 2, 1])
        let neuron = scores.values + [ReliefScores.biasScore(0, positions: 1, aggregation: .l2)]
        // α = 0.7: cumsum 4, 7 reaches 7 at the 2nd entry → keep w1, w2; prune w3, w4 and the bias.
        #expect(ReliefScores.retained(neuron, alpha: 0.7) == [true, true, false, false, false])
        // α = 0.95: 10 ≥ 9.5 at the 4th entry → keep all four weights; the zero-score bias is pruned.
        #expect(ReliefScores.retained(neuron, alpha: 0.95) == [true, true, true, true, false])
    }

    @Test func cardNeuronTestsThroughRun() throws {
        // Card tests 1–2 on two neurons of a linear classifier at once (x = [1, 1, 1, 1], biases 0): unit A has
        // W = [4, −3, 2, −1], unit B ten times that, so a plain |w·x| ranking would keep only B's weights. With
        // α = 0.7 each unit keeps its two largest (cumsum 4, 7 reaches 0.7·10); the target of 4 of the 10 entries
        // (compression 2.5, everything prunable) is exactly that set. With α = 0.95 (target 8, compression 1.25)
        // each keeps all four weights and the zero-score biases go.
        for (alpha, compression, keptWeights) in [(0.7, 2.5, [0, 1, 4, 5]), (0.95, 1.25, Array(0..<8))] {
            var configuration = NNRelief.Configuration()
            configuration.iterations = 1
            configuration.alphaLinear = alpha
            configuration.pruneClassifier = true
            let architecture = Architecture(name: "sequential", classes: 2, inputChannels: 1, inputSize: [1, 4],
                                            layers: [LayerSpec(.flatten), LayerSpec(.linear)])
            var random = SeededGenerator(seed: 1)
            let model = try Model(architecture, random: &random)
            let split = ImageSplit(images: Tensor(shape: [1, 1, 1, 4], repeating: 1), labels: [0])
            let session = try Session(method: NNRelief(configuration: configuration), model: model,
                                      data: SessionData(training: split, validation: split,
                                                        normalization: Normalization(scale: 1, mean: [0], std: [1])),
                                      compression: compression, seed: 0, budget: 0, recipe: TrainingRecipe())
            try session.prunableParameter("1.weight").parameter.value.assign(
                from: Tensor(shape: [2, 4], values: [4, -3, 2, -1, 40, -30, 20, -10]))
            try session.prunableParameter("1.bias").parameter.value.assign(from: Tensor(zeros: [2]))
            try session.method.run(session)
            let masks = Dictionary(uniqueKeysWithValues: session.masks)
            let weight = try #require(masks["1.weight"]), bias = try #require(masks["1.bias"])
            #expect((0..<8).filter { weight[flat: $0] != 0 } == keptWeights, "α = \(alpha)")
            #expect(bias.values == [0, 0], "α = \(alpha)")
        }
    }

    @Test func tiesWithTheFirstExcludedScoreArePrunedTogether() {
        // [3, 3, 2], S = 8. α = 0.3: αS = 2.4, #(cumsum < 2.4) = 0 → pivot 1, threshold 3 → all ≤ 3 pruned.
        #expect(ReliefScores.retained([3, 3, 2], alpha: 0.3) == [false, false, false])
        // α = 0.5: αS = 4, #(cumsum < 4) = 1 → pivot 2, threshold 2 → keep both 3s.
        #expect(ReliefScores.retained([3, 2, 3], alpha: 0.5) == [true, false, true])
    }

    @Test func retentionMatchesTheOfficialIndexArithmetic() {
        var random = SeededGenerator(seed: 11)
        for _ in 0..<300 {
            let count = 1 + random.nextIndex(below: 8)
            let scores = (0..<count).map { _ in Float(random.nextIndex(below: 5)) }
            let alpha = Double(random.nextUniform(0.05, 0.99))
            #expect(ReliefScores.retained(scores, alpha: alpha) == Self.official(scores, alpha: alpha),
                    "scores \(scores), α \(alpha)")
        }
    }

    /// The official code's selection, transcribed: pivot = #(cumsum < αS); pivot + 1 unless past the last
    /// index; threshold = sorted[pivot]; keep scores > threshold.
    private static func official(_ scores: [Float], alpha: Double) -> [Bool] {
        let sorted = scores.map(Double.init).sorted(by: >)
        let total = sorted.reduce(0, +)
        var cumulative = 0.0, below = 0
        for s in sorted {
            cumulative += s
            if cumulative < alpha * total { below += 1 }
        }
        let pivot = below + 1 > sorted.count - 1 ? sorted.count - 1 : below + 1
        return scores.map { Double($0) > sorted[pivot] }
    }

    @Test func convSliceScoreIsTheNormOfTheContributionMap() {
        // Card test 4: one all-ones 3×3 channel, padding 0, a 2×2 kernel of ones: e = 4 at 4 positions.
        let input = ReliefScores.meanAbsolute(Tensor(shape: [1, 1, 3, 3], repeating: 1))
        let weight = Tensor(shape: [1, 1, 2, 2], repeating: 1)
        let l2 = ReliefScores.convSliceScores(weight: weight, meanAbsInput: input, height: 3, width: 3,
                                              stride: 1, padding: 0, aggregation: .l2)
        #expect(l2.scores == [8] && l2.positions == 4)  // √(4 · 16)
        let sum = ReliefScores.convSliceScores(weight: weight, meanAbsInput: input, height: 3, width: 3,
                                               stride: 1, padding: 0, aggregation: .sum)
        #expect(sum.scores == [16])
        #expect(ReliefScores.biasScore(-1.5, positions: 4, aggregation: .l2) == 3)
        #expect(ReliefScores.biasScore(-1.5, positions: 4, aggregation: .sum) == 6)
    }

    @Test func disconnectedUnitsLoseAllTheirConnections() throws {
        // Fixture chain: conv 0 (4 filters) → linear 5 (36 = 4 × 9 inputs → 12) → classifier 8 (12 → 3).
        let model = try Fixtures.model()
        let chain = try LayerChain(model: model, method: "test")
        #expect(chain.layers.map(\.path) == ["0", "5", "8"])
        #expect(chain.layers.map(\.featuresPerInput) == [1, 9, 1])
        let weights = chain.layers.map { Mask.ones($0.weight.value.shape) }
        let biases = chain.layers.map { Mask.ones($0.bias?.value.shape ?? [0]) }
        // Filter 1 has no incoming weights; hidden unit 3 has no outgoing weights (classifier column 3).
        for i in 9..<18 { weights[0].data[i] = 0 }
        for row in 0..<3 { weights[2].data[row * 12 + 3] = 0 }
        let masks = LayerChain.Masks(weights: weights, prunable: [true, true, true], biases: biases)
        let removed = chain.removeDisconnectedUnits(in: masks)
        // Filter 1: its bias and its 9 features in all 12 rows (108); unit 3: the 27 weights left in its row + bias.
        #expect(removed == 1 + 108 + 28)
        #expect(biases[0].values == [1, 0, 1, 1])
        #expect((0..<12).allSatisfy { row in (9..<18).allSatisfy { weights[1][flat: row * 36 + $0] == 0 } })
        #expect((0..<36).allSatisfy { weights[1][flat: 3 * 36 + $0] == 0 } && biases[1][flat: 3] == 0)
        #expect(Mask.keptCount(weights[1]) == 432 - 108 - 27)
    }

    @Test func deadNeuronIsRemovedEvenWithLargeWeights() throws {
        var configuration = NNRelief.Configuration()
        configuration.iterations = 1
        configuration.pruneClassifier = true
        let session = try Fixtures.session(NNRelief(configuration: configuration), compression: 2, budget: 0)
        // Hidden unit 0 of layer 5 reads non-negative inputs (ReLU, max-pool) with weights −1 and bias −1:
        // its ReLU output is 0 for every example.
        let layer = try session.prunableParameter("5.weight").parameter.value
        for i in 0..<36 { layer.data[i] = -1 }
        try session.prunableParameter("5.bias").parameter.value.data[0] = -1
        try session.method.run(session)
        let masks = Dictionary(uniqueKeysWithValues: session.masks)
        let weight = try #require(masks["5.weight"]), bias = try #require(masks["5.bias"])
        let classifier = try #require(masks["8.weight"])
        #expect((0..<36).allSatisfy { weight[flat: $0] == 0 } && bias[flat: 0] == 0)
        #expect((0..<3).allSatisfy { classifier[flat: $0 * 12] == 0 }, "the dead unit's outgoing weights stay")
        #expect(abs(Double(session.keptCount) - (try session.keepFraction) * Double(session.prunableCount)) <= 0.5)
    }

    /// Makes filter 0 of the fixture's conv dead: batch-norm shift −100 zeroes its ReLU output on every example.
    private func killFilterZero(_ session: Session) throws {
        let shift = try #require(session.model.parameters.first { $0.name == "1.bias" }).parameter.value
        shift.data[0] = -100
    }

    /// Filter 0's entries in flat prunable order (0.weight, 0.bias, 5.weight, 5.bias): its 9 weights, its
    /// bias and its 9 input features in each of the 12 rows of layer 5.
    private func filterZeroEntries() -> Set<Int> {
        Set(Array(0..<9) + [36] + (0..<12).flatMap { row in (0..<9).map { 40 + row * 36 + $0 } })
    }

    @Test func deadUnitsLeavingTooFewEntriesAreFilledToTheTarget() throws {
        // Compression 1.2 keeps round(((531/1.2) − 47)/484 · 484) = 396 of the 484 prunable entries. The dead
        // filter 0 takes 118 entries (9 + 1 + 108) with it, leaving 366 in live units: short of the target by 30.
        var configuration = NNRelief.Configuration()
        configuration.iterations = 1
        let session = try Fixtures.session(NNRelief(configuration: configuration), compression: 1.2, budget: 0)
        try killFilterZero(session)
        var phases: [String] = []
        session.reporter = { phases.append($0.phase) }
        try session.method.run(session)
        let target = Int(((try session.keepFraction) * Double(session.prunableCount)).rounded())
        #expect(target == 396)
        #expect(session.keptCount == target, "kept \(session.keptCount) of a target of \(target)")
        // Every live unit's entry is kept; the 30 entries that make up the target come from the dead filter.
        let kept = session.prunable.flatMap { $0.parameter.mask?.values ?? [] }
        let dead = filterZeroEntries()
        #expect(kept.indices.filter { !dead.contains($0) }.allSatisfy { kept[$0] == 1 })
        #expect(dead.filter { kept[$0] == 1 }.count == 30)
        #expect(phases.contains { $0.contains("30 entries of dead or disconnected units") }, "\(phases)")
    }

    @Test func aTargetAboveTheSurvivingEntriesFailsWithTheReason() throws {
        // Earlier masks (set before the run) leave 100 of 484 entries: compression 1.2 asks for 396.
        var configuration = NNRelief.Configuration()
        configuration.iterations = 1
        let session = try Fixtures.session(NNRelief(configuration: configuration), compression: 1.2, budget: 0)
        let hidden = Mask.ones([12, 36])
        for i in 100..<432 { hidden.data[i] = 0 }
        try session.setMask(hidden, for: "5.weight")
        for name in ["0.weight", "0.bias", "5.bias"] {
            try session.setMask(Tensor(zeros: try session.prunableParameter(name).parameter.value.shape), for: name)
        }
        #expect(session.keptCount == 100)
        #expect(throws: PruningError.targetUnreachable(method: "nnrelief", target: 396, available: 100,
                                                       reason: "iteration 1 can keep only entries that are not pruned yet")) {
            try session.method.run(session)
        }
    }

    @Test func eachNeuronKeepsItsLargestScores() throws {
        var configuration = NNRelief.Configuration()
        configuration.iterations = 1
        let session = try Fixtures.session(NNRelief(configuration: configuration), compression: 3, budget: 0)
        let batch = try session.scoringBatch(size: 1000, purpose: "nnrelief")
        let input = try #require(session.layerInputs(on: batch)["5"])
        let weight = try session.prunableParameter("5.weight").parameter.value.copy()
        try session.method.run(session)
        let mask = try #require(Dictionary(uniqueKeysWithValues: session.masks)["5.weight"])
        // Naive scores mean_n |W_ij x_nj| from the pre-pruning weights and inputs.
        let batchSize = input.shape[0]
        var partial = 0
        for row in 0..<12 {
            var kept: [Double] = [], pruned: [Double] = []
            for j in 0..<36 {
                var score = 0.0
                for n in 0..<batchSize { score += abs(Double(weight[flat: row * 36 + j]) * Double(input[flat: n * 36 + j])) }
                (mask[flat: row * 36 + j] != 0 ? { kept.append(score / Double(batchSize)) } : { pruned.append(score / Double(batchSize)) })()
            }
            if !kept.isEmpty && !pruned.isEmpty { partial += 1 }
            if let low = kept.min(), let high = pruned.max() {
                #expect(low >= high * (1 - 1e-5), "row \(row): a kept score \(low) is below a pruned one \(high)")
            }
        }
        #expect(partial > 0)
        #expect(abs(Double(session.keptCount) - (try session.keepFraction) * Double(session.prunableCount)) <= 0.5)
    }

    @Test func eachLayerKindRanksWithItsOwnAlpha() throws {
        // The common scale t ranks an entry by q = (1 − ρ)/(1 − α_l): raising the linear layers' α (α_conv fixed)
        // raises every linear q, so at the same target the linear layers keep more and the conv layers fewer.
        // (At 2× on this LeNet-5 every α pair gives the same masks: the boundary lies among linear entries only.)
        func keptConvEntries(alphaLinear: Double) throws -> Int {
            let session = try Self.lenetSession(compression: 4, alphaConv: 0.6, alphaLinear: alphaLinear)
            try session.method.run(session)
            return session.masks.filter { $0.name.hasPrefix("conv") && $0.name.hasSuffix("weight") }
                .reduce(0) { $0 + Mask.keptCount($1.mask) }
        }
        let low = try keptConvEntries(alphaLinear: 0.2), high = try keptConvEntries(alphaLinear: 0.95)
        #expect(high < low, "conv entries kept: \(high) with α_fc 0.95, \(low) with α_fc 0.2")
    }

    @Test func aSelectionThatEmptiesALayerFailsWithTheReason() throws {
        // α_conv 0.9 against α_fc 0.5 scales conv q by 10 and linear q by 2: at 8× every kept entry would be a conv
        // entry, so fc1 and fc2 would keep nothing and no path would reach the classifier.
        let session = try Self.lenetSession(compression: 8, alphaConv: 0.9, alphaLinear: 0.5)
        #expect {
            try session.method.run(session)
        } throws: { error in
            guard case let .targetUnreachable(method, _, _, reason) = error as? PruningError else { return false }
            return method == "nnrelief" && reason.contains("keeps no weight of 'fc1.weight'")
        }
    }

    /// LeNet-5 on 12×12 inputs, one NNrelief iteration with the given α values.
    private static func lenetSession(compression: Double, alphaConv: Double, alphaLinear: Double) throws -> Session {
        var configuration = NNRelief.Configuration()
        configuration.iterations = 1
        configuration.alphaConv = alphaConv
        configuration.alphaLinear = alphaLinear
        var random = SeededGenerator(seed: 5)
        let model = try Model(DropNetTests.lenet, random: &random)
        return try Session(method: NNRelief(configuration: configuration), model: model,
                           data: L1FilterTests.data(size: 12), compression: compression, seed: 2, budget: 0,
                           recipe: Fixtures.recipe)
    }

    @Test func iterationsDivideTheBudgetAndLeaveNoDisconnectedUnit() throws {
        let session = try Fixtures.session(NNRelief(), compression: 4, budget: 20)
        try session.method.run(session)
        #expect(session.budget.used == 4 * 4)  // R − 1 = 4 retrainings of ⌊20/5⌋ steps
        #expect(abs(Double(session.keptCount) - (try session.keepFraction) * Double(session.prunableCount)) <= 0.5)
        let masks = Dictionary(uniqueKeysWithValues: session.masks)
        let conv = try #require(masks["0.weight"]), hidden = try #require(masks["5.weight"])
        for filter in 0..<4 {
            let incoming = (0..<9).contains { conv[flat: filter * 9 + $0] != 0 }
            let outgoing = (0..<12).contains { row in (0..<9).contains { hidden[flat: row * 36 + filter * 9 + $0] != 0 } }
            #expect(incoming == outgoing, "filter \(filter): incoming \(incoming), outgoing \(outgoing)")
        }
        for unit in 0..<12 {
            let incoming = (0..<36).contains { hidden[flat: unit * 36 + $0] != 0 }
            #expect(incoming || masks["5.bias"]?[flat: unit] == 0, "unit \(unit) keeps a bias without inputs")
        }
    }

    @Test func tooSmallBudgetForFixedCyclesFailsBeforeTraining() throws {
        var configuration = NNRelief.Configuration()
        configuration.cycleSteps = 5
        configuration.fitIterationsToBudget = false
        let session = try Fixtures.session(NNRelief(configuration: configuration), budget: 12)
        #expect(throws: IterativePruningError.budget(method: "nnrelief", needed: 25, total: 12,
                                                     detail: "(4 retrainings + final training) × cycle 5")) {
            try session.method.run(session)
        }
        #expect(session.budget.used == 0)
        var bad = NNRelief.Configuration()
        bad.alphaConv = 1
        #expect(throws: PruningError.badConfiguration(method: "nnrelief", reason: "alphaConv must be in (0, 1), got 1.0")) {
            try NNRelief(configuration: bad).plan(budget: 10)
        }
    }
}
