import Foundation
import NN
import Testing
import Pruning

/// Scratch-E / Scratch-B (card `rethinking-scratch.md`): the budget arithmetic by hand, the base's mask
/// kept exactly, and a fresh initialisation from the run's seed before the scratch training.
@Suite struct ScratchTrainingTests {
    @Test func scratchBRuleMatchesTheCardsArithmetic() {
        // CIFAR: VGG-16 → VGG-16-A, 313.7 M vs 206.7 M FLOPs, ratio 1.518: int(160 · 1.518) = 242 epochs.
        #expect(ScratchB.steps(denseSteps: 160, denseMACs: 313_700_000, prunedMACs: 206_700_000, cap: nil) == 242)
        // ImageNet (cap 2 × 90): ratio 2.5 → 180; ratio 1.3 → 117.
        #expect(ScratchB.steps(denseSteps: 90, denseMACs: 250, prunedMACs: 100, cap: 2) == 180)
        #expect(ScratchB.steps(denseSteps: 90, denseMACs: 130, prunedMACs: 100, cap: 2) == 117)
        #expect(ScratchE.steps(denseSteps: 90, denseMACs: 250, prunedMACs: 100, cap: 2) == 90)
    }

    @Test func maskedMACsCountKeptWeightsPerPosition() throws {
        // Fixture: conv 4×1×3×3 at 36 positions (1296), linear 36→12 (432), classifier 12→3 (36).
        let model = try Fixtures.model()
        #expect(MaskedMACs.count(model) == (1764, 1764))
        let conv = try #require(model.parameters.first { $0.name == "0.weight" }).parameter
        let mask = Mask.ones(conv.value.shape)
        for i in 0..<18 { mask.data[i] = 0 }  // half of the conv's weights: 648 MACs fewer
        conv.mask = mask
        #expect(MaskedMACs.count(model) == (1764, 1764 - 648))
    }

    @Test(arguments: ["scratch-e", "scratch-b"])
    func keepsTheBasesMaskAndStartsFromAFreshInitialisation(name: String) throws {
        let base = try Fixtures.session(GlobalMagnitude(), compression: 4, budget: 40)
        try base.method.run(base)
        let method = try MethodRegistry.method(named: name)
        let session = try Fixtures.session(method, compression: 4, budget: 40)
        let plan: (steps: Int, remaining: Int)
        if let scratch = method as? ScratchTraining<ScratchE> {
            let p = try scratch.prepare(session)
            plan = (p.steps, p.remaining)
        } else {
            let p = try #require(method as? ScratchTraining<ScratchB>).prepare(session)
            plan = (p.steps, p.remaining)
        }
        #expect(plan.remaining == 40)
        #expect(session.masks.map(\.name) == base.masks.map(\.name))
        #expect(zip(session.masks, base.masks).allSatisfy { $0.mask.isBitwiseEqual(to: $1.mask) })
        // Every parameter equals a fresh model drawn from the run's seed, stream "scratch" (masked), and
        // the kept weights differ from the base's (the checkpoint's).
        var random = session.random("scratch")
        let fresh = try Model(Fixtures.architecture, random: &random)
        let masks = Dictionary(uniqueKeysWithValues: session.masks)
        for ((name, parameter), (_, reference)) in zip(session.model.parameters, fresh.parameters) {
            let mask = masks[name]
            for i in 0..<parameter.value.count {
                let value = parameter.value[flat: i]
                if mask.map({ $0[flat: i] == 0 }) == true {
                    #expect(value == 0, "\(name)[\(i)] is pruned")  // ±0: a masked negative weight becomes −0
                } else {
                    #expect(value.bitPattern == reference.value[flat: i].bitPattern, "\(name)[\(i)]")
                }
            }
        }
        let checkpoint = Dictionary(uniqueKeysWithValues: base.model.parameters.map { ($0.name, $0.parameter.value) })
        for (name, mask) in session.masks {
            let value = try #require(session.model.parameters.first { $0.name == name }).parameter.value
            let old = try #require(checkpoint[name])
            #expect((0..<mask.count).allSatisfy { mask[flat: $0] == 0 || value[flat: $0] != old[flat: $0] })
        }
    }

    @Test func stepCountsFollowTheRules() throws {
        // Budget 40, cap 2 → D = 20. Scratch-E trains 20 steps and forfeits 20 (recorded as unused).
        let (eSteps, eSession) = try trainedSteps(ScratchTraining<ScratchE>())
        #expect(eSteps == 20 && eSession.budget.used == 20 && eSession.budget.forfeited == 20)
        // Scratch-B: MACs by hand from the base's masks: conv 36 positions × kept, linear kept, classifier 36.
        let (bSteps, bSession) = try trainedSteps(ScratchTraining<ScratchB>())
        let masks = Dictionary(uniqueKeysWithValues: bSession.masks)
        let pruned = 36 * Mask.keptCount(try #require(masks["0.weight"])) + Mask.keptCount(try #require(masks["5.weight"])) + 36
        #expect(bSteps == min(Int(20.0 * 1764 / Double(pruned)), 40))
        #expect(bSteps > 20 && bSession.budget.used == bSteps && bSession.budget.remaining == 0)
    }

    /// Runs `method` at compression 4 with a 40-step budget; returns the scratch training's step count.
    private func trainedSteps(_ method: any PruningMethod) throws -> (Int, Session) {
        let session = try Fixtures.session(method, compression: 4, budget: 40)
        var steps = 0
        session.reporter = { progress in
            if progress.phase == "scratch training", let step = progress.step { steps = max(steps, step) }
        }
        try session.execute()
        return (steps, session)
    }

    @Test func configurationThatNeedsMoreThanTheBudgetFailsBeforeTraining() throws {
        var configuration = ScratchConfiguration<ScratchB>()
        configuration.denseSteps = 30
        configuration.cap = nil
        let session = try Fixtures.session(ScratchTraining(configuration: configuration), compression: 4, budget: 40)
        #expect(throws: IterativePruningError.self) { try session.method.run(session) }
        #expect(session.budget.used == 0)

        var noLength = ScratchConfiguration<ScratchE>()
        noLength.cap = nil
        let other = try Fixtures.session(ScratchTraining(configuration: noLength), compression: 4, budget: 40)
        #expect(throws: PruningError.badConfiguration(method: "scratch-e", reason: "with cap null, set denseSteps (D)")) {
            try other.method.run(other)
        }
    }

    /// Scratch-B over a structured base trains the base's pruned architecture: it aims at the base's speedup
    /// target, keeps the base's channel masks, and its FLOP ratio is the narrower model's real MACs.
    @Test func aStructuredBasesArchitectureIsTrainedFromScratch() throws {
        let lenet = Architecture(name: "lenet5", classes: 3, inputChannels: 1, inputSize: [12, 12])
        let base = try L1FilterTests.session(lenet, configuration: "{}", target: 2, kind: .speedup)
        try base.method.run(base)
        let method = try MethodRegistry.method(named: "scratch-b", configuration: Data(#"{"base": "l1-filter"}"#.utf8))
        #expect(method.supportedTargetKinds.contains(.speedup))
        #expect(!(try MethodRegistry.method(named: "scratch-b")).supportedTargetKinds.contains(.speedup))
        var random = SeededGenerator(seed: 5)
        let session = try Session(method: method, model: try Model(lenet, random: &random), data: L1FilterTests.data(size: 12),
                                  compression: 2, seed: 1, budget: 30, recipe: Fixtures.recipe)
        session.targetKind = .speedup
        let plan = try #require(method as? ScratchTraining<ScratchB>).prepare(session)
        #expect(zip(session.masks, base.masks).allSatisfy { $0.name == $1.name && $0.mask.isBitwiseEqual(to: $1.mask) })
        let narrower = try ChannelSurgery.compact(session.model).model
        #expect(plan.prunedMACs == MaskedMACs.count(narrower).dense && plan.denseMACs == MaskedMACs.count(session.model).dense)
        #expect(Double(plan.denseMACs) / Double(plan.prunedMACs) >= 2)
        // Scratch-B over network slimming does not apply where network slimming does not (no batch norm).
        let slimming = try MethodRegistry.method(named: "scratch-b", configuration: Data(#"{"base": "network-slimming"}"#.utf8))
        #expect(slimming.reasonNotApplicable(to: session.model)?.contains("batch norm") == true)
        #expect(method.reasonNotApplicable(to: session.model) == nil)
    }

    @Test func baseConfigurationReachesTheBase() throws {
        let json = Data(#"{"base": "layer-magnitude", "baseConfiguration": {"bogus": 1}}"#.utf8)
        let method = try MethodRegistry.method(named: "scratch-e", configuration: json)
        let scratch = try #require(method as? ScratchTraining<ScratchE>)
        #expect(throws: PruningError.self) { try scratch.baseMethod() }
        let good = try MethodRegistry.method(named: "scratch-b", configuration: Data(#"{"base": "layer-magnitude"}"#.utf8))
        #expect(try #require(good as? ScratchTraining<ScratchB>).baseMethod() is LayerMagnitude)
    }
}

/// Optional settings must be nameable in suites: their keys appear in the default configuration.
@Suite struct ScratchConfigurationKeysTests {
    @Test func unsetOptionalFieldsAreListedAsNull() throws {
        for name in ["scratch-e", "scratch-b", "nnrelief"] {
            let json = try MethodRegistry.entry(named: name).defaultConfiguration()
            let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
            let optional = name == "nnrelief" ? ["cycleSteps"] : ["denseSteps", "recipe"]
            for key in optional { #expect(object[key] is NSNull, "\(name).\(key)") }
        }
        let json = Data(#"{"recipe": {"batchSize": 32, "optimizer": {"kind": "sgd", "lr": 0.1}}, "denseSteps": 3}"#.utf8)
        let method = try #require(try MethodRegistry.method(named: "scratch-e", configuration: json) as? ScratchTraining<ScratchE>)
        #expect(method.configuration.recipe?.batchSize == 32 && method.configuration.denseSteps == 3)
    }
}
