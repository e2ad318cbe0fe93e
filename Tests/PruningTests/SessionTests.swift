import Foundation
import NN
import Testing
import Pruning

/// A test method that asks for one step more than the budget.
private struct Overspender: PruningMethod {
    struct Configuration: MethodConfiguration { init() {} }
    static let name = "test-overspender"
    static let category = MethodCategory.iterative
    static let card = "none"
    static let summary = "Trains for budget + 1 steps."
    static let targetTolerance = TargetTolerance.notApplicable
    let configuration: Configuration
    init(configuration: Configuration) { self.configuration = configuration }
    func run(_ session: Session) throws { try session.train(steps: session.budget.total + 1) }
}

/// A test method that starts from initialisation, trains 5 steps, then masks the first weight entry.
private struct TrainThenPrune: PruningMethod {
    struct Configuration: MethodConfiguration { init() {} }
    static let name = "test-train-then-prune"
    static let category = MethodCategory.atInitialisation
    static let card = "none"
    static let summary = "Trains 5 steps, then prunes one weight."
    static let startingPoint = StartingPoint.initialisation
    static let targetTolerance = TargetTolerance.notApplicable
    let configuration: Configuration
    init(configuration: Configuration) { self.configuration = configuration }
    func run(_ session: Session) throws {
        try session.train(steps: 5)
        let first = session.prunable[0]
        let mask = Mask.ones(first.parameter.value.shape)
        mask[flat: 0] = 0
        try session.setMask(mask, for: first.name)
    }
}

@Suite struct SessionTests {
    @Test func prunableScopeFollowsTheConfiguration() throws {
        let weightsOnly = try Fixtures.session(DenseControl())
        #expect(weightsOnly.prunable.map(\.name) == ["0.weight", "5.weight"])
        let shrinkBench = try Fixtures.session(GlobalMagnitude())
        #expect(shrinkBench.prunable.map(\.name) == ["0.weight", "0.bias", "5.weight", "5.bias"])
        var configuration = ShrinkBenchConfiguration()
        configuration.weightsOnly = true
        configuration.pruneClassifier = true
        let withClassifier = try Fixtures.session(GlobalMagnitude(configuration: configuration))
        #expect(withClassifier.prunable.map(\.name) == ["0.weight", "5.weight", "8.weight"])
    }

    @Test func keepFractionUsesAllParameters() throws {
        // conv 36 + 4, BN 4 + 4, fc 432 + 12, classifier 36 + 3: total 531, prunable (with biases) 484.
        let session = try Fixtures.session(GlobalMagnitude(), compression: 2)
        #expect(session.totalParameterCount == 531)
        #expect(session.prunableCount == 484)
        #expect(try session.keepFraction == (531.0 / 2 - 47) / 484)
        let infeasible = try Fixtures.session(GlobalMagnitude(), compression: 20)
        #expect(throws: PruningError.self) { try infeasible.execute() }
    }

    @Test func overspendingThrowsBeforeTraining() throws {
        let session = try Fixtures.session(Overspender(), budget: 10)
        let before = session.snapshot()
        #expect(throws: PruningError.budgetExceeded(requested: 11, remaining: 10, total: 10)) { try session.execute() }
        #expect(session.budget.used == 0)
        #expect(zip(before.state, session.model.stateDict()).allSatisfy { $0.tensor.isBitwiseEqual(to: $1.tensor) })
    }

    @Test func trainingInsideTheMethodIsCharged() throws {
        let session = try Fixtures.session(TrainThenPrune(), budget: 12)
        var usedAtPruning = -1
        try session.execute { usedAtPruning = $0.budget.used }
        #expect(usedAtPruning == 5)
        #expect(session.budget.used == 12)
        #expect(session.prunable[0].parameter.value[flat: 0] == 0)
    }

    @Test func theTrainingLogHoldsTheRecipeEachCallReallyUsed() throws {
        // A modifier's rule (as SILO's) rewrites the recipe of every call: the log keeps the rewritten rate.
        let session = try Fixtures.session(TrainThenPrune(), budget: 12)
        session.recipeAdjustment = { recipe, call in
            var recipe = recipe
            recipe.optimizer.learningRate = call.index == 0 ? 0.2 : 0.01
            recipe.schedule = call.index == 0 ? .cosine() : .constant
            return recipe
        }
        try session.execute()
        #expect(session.trainingLog.map(\.phase) == ["training", "fine-tuning"])
        #expect(session.trainingLog.map(\.steps) == [5, 7])
        #expect(session.trainingLog.map(\.recipe.optimizer.learningRate) == [0.2, 0.01])
        #expect(session.trainingLog.map(\.recipe.schedule.kind) == [.cosine, .constant])
    }

    @Test func initialisationStartIsSeededAndDiffersFromTheCheckpoint() throws {
        let a = try Fixtures.session(TrainThenPrune(), seed: 9)
        let b = try Fixtures.session(TrainThenPrune(), seed: 9)
        let checkpoint = try Fixtures.model()
        let weight = { (model: Model) in model.parameters[0].parameter.value }
        #expect(weight(a.model).isBitwiseEqual(to: weight(b.model)))
        #expect(!weight(a.model).isBitwiseEqual(to: weight(checkpoint)))
    }

    @Test func snapshotRestoresBitExactly() throws {
        let session = try Fixtures.session(DenseControl(), budget: 20)
        let start = session.snapshot()
        let mask = Mask.outputs(keeping: [true, false, true, true], shape: [4, 1, 3, 3])
        try session.setMask(mask, for: "0.weight")
        try session.train(steps: 6)
        let trained = session.snapshot()
        try session.restore(start, keepingMasks: true)
        for ((_, restored), (_, original)) in zip(session.model.stateDict(), start.state) where restored.shape != [4, 1, 3, 3] {
            #expect(restored.isBitwiseEqual(to: original))
        }
        // The kept mask is applied to the rewound weights: filter 1 is zero, the others are θ_0.
        let rewound = session.model.parameters[0].parameter.value
        #expect((9..<18).allSatisfy { rewound[flat: $0] == 0 })
        #expect((0..<9).allSatisfy { rewound[flat: $0] == start.state[0].tensor[flat: $0] })
        try session.restore(trained)
        #expect(zip(session.model.stateDict(), trained.state).allSatisfy { $0.tensor.isBitwiseEqual(to: $1.tensor) })
    }

    @Test func gradientProbeLeavesTheModelAsItFoundIt() throws {
        let session = try Fixtures.session(GlobalGradient())
        let before = session.snapshot()
        let batch = try session.scoringBatch(size: 16)
        let gradients = session.gradients(on: batch)
        #expect(gradients.count == 4)
        #expect(gradients.values.contains { $0.values.contains { $0 != 0 } })
        #expect(zip(before.state, session.model.stateDict()).allSatisfy { $0.tensor.isBitwiseEqual(to: $1.tensor) })
        #expect(session.model.parameters.allSatisfy { $0.parameter.gradient.values.allSatisfy { $0 == 0 } })
        // The scoring batch is the first batch of a seeded order: same seed, same batch.
        #expect(try session.scoringBatch(size: 16).inputs.isBitwiseEqual(to: batch.inputs))
    }

    @Test func masksAreValidatedAndFrozenAfterTheMethod() throws {
        let session = try Fixtures.session(DenseControl())
        #expect(throws: PruningError.self) { try session.setMask(Mask.ones([3, 12]), for: "8.weight") }
        #expect(throws: PruningError.self) { try session.setMask(Mask.ones([2]), for: "0.weight") }
        try session.execute { pruned in
            #expect(throws: PruningError.masksFrozen(parameter: "0.weight")) {
                try pruned.setMask(Mask.ones([4, 1, 3, 3]), for: "0.weight")
            }
        }
    }

    @Test func validationEvaluationCountsEveryExample() throws {
        let session = try Fixtures.session(DenseControl())
        let evaluation = try session.evaluate(on: .validation)
        #expect(evaluation.count == 32)
        #expect(try session.evaluate(on: .training(count: 10)).count == 10)
    }
}

@Suite struct RegistryTests {
    @Test func namesAreUniqueAndEveryMethodHasACard() {
        let names = MethodRegistry.all.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(Set(names).isSuperset(of: ["dense", "random", "global-magnitude", "layer-magnitude", "global-gradient",
                                           "layer-gradient", "global-activation", "layer-activation"]))
        #expect(MethodRegistry.all.allSatisfy { $0.card.hasSuffix(".md") && !$0.summary.isEmpty })
    }

    @Test func configurationJSONOverlaysDefaults() throws {
        let method = try MethodRegistry.method(named: "global-gradient", configuration: Data(#"{"batchSize": 64}"#.utf8))
        let configuration = try #require(method as? GlobalGradient).configuration
        #expect(configuration.batchSize == 64)
        #expect(configuration.weightsOnly == false)
        let entry = try MethodRegistry.entry(named: "global-gradient")
        #expect(String(decoding: try entry.canonicalConfiguration(Data(#"{"batchSize": 64, "weightsOnly": false}"#.utf8)),
                       as: UTF8.self) == #"{"batchSize":64}"#)
        #expect(String(decoding: try entry.canonicalConfiguration(nil), as: UTF8.self) == "{}")
    }

    @Test func settingsThatDefaultToNothingAreListedAsNull() throws {
        let entry = try MethodRegistry.entry(named: "lottery-ticket")
        let defaults = try #require(try JSONSerialization.jsonObject(with: entry.defaultConfiguration()) as? [String: Any])
        #expect(defaults["cycleSteps"] is NSNull && defaults["finalTrainingSteps"] is NSNull)
        #expect(defaults["rewindSteps"] as? Int == 0 && defaults["rate"] as? Double == 0.2)
        let given = Data(#"{"cycleSteps": 860}"#.utf8)
        #expect(String(decoding: try entry.canonicalConfiguration(given), as: UTF8.self) == #"{"cycleSteps":860}"#)
    }

    @Test func badConfigurationsNameTheField() {
        #expect(throws: PruningError.badConfiguration(
            method: "global-magnitude", reason: "unknown field 'batchSize'; fields: pruneClassifier, weightsOnly")) {
            try MethodRegistry.method(named: "global-magnitude", configuration: Data(#"{"batchSize": 64}"#.utf8))
        }
        #expect(throws: PruningError.self) {
            try MethodRegistry.method(named: "global-gradient", configuration: Data(#"{"batchSize": "many"}"#.utf8))
        }
    }

    @Test func listingAndDescriptions() throws {
        let listing = MethodRegistry.listing()
        #expect(listing.split(separator: "\n").count == MethodRegistry.all.count + 1)
        #expect(listing.contains("global-magnitude"))
        let snipLine = try #require(listing.split(separator: "\n").first { $0.hasPrefix("snip ") })
        #expect(snipLine.contains("from-initialisation") && !snipLine.contains("post-training"))
        #expect(try MethodRegistry.description(of: "global-magnitude").contains("track: post-training"))
        let description = try MethodRegistry.description(of: "layer-activation")
        #expect(description.contains("batchSize") && description.contains("128"))
        #expect(description.contains("shrinkbench-baselines.md"))
        #expect(throws: PruningError.unknownMethod(name: "nope", known: MethodRegistry.all.map(\.name))) {
            try MethodRegistry.description(of: "nope")
        }
    }
}
