import Foundation
import NN
import Pruning
import Testing
import Training

/// tost.md's tiny-network tests and issue 7's invariants for ToST.
@Suite struct ToSTTests {
    /// ToST with a short GradInit, so the test runs in well under a second.
    static func configuration(iterations: Int = 4) -> ToST.Configuration {
        var configuration = ToST.Configuration()
        configuration.gradInit.iterations = iterations
        return configuration
    }

    /// Card test 1: C = 4, ε = 0.1, true class 2 → targets [1/30, 1/30, 0.9, 1/30]; with uniform logits the
    /// loss is ln 4. The target is read back from the gradient (p − q)/n with p = ¼.
    @Test func labelSmoothingInToSTForm() {
        let loss = SoftmaxCrossEntropy(labelSmoothing: ToST.engineSmoothing(0.1, classes: 4))
        let (value, gradient) = loss(logits: Tensor(zeros: [1, 4]), labels: [2])
        #expect(abs(Double(value) - log(4)) < 1e-6)
        let targets = gradient.values.map { 0.25 - Double($0) }
        for (target, expected) in zip(targets, [1.0 / 30, 1.0 / 30, 0.9, 1.0 / 30]) { #expect(abs(target - expected) < 1e-6) }
    }

    /// The ghost clock by hand for E = 2: full strength for steps 0–2, ½ at 3, gone from 4 on.
    @Test func ghostStrengthSchedule() {
        #expect((0..<6).map { ToST.ghostStrength(step: $0, length: 2) } == [1, 1, 1, 0.5, 0, 0])
        #expect(ToST.ghostStrength(step: 0, length: 0) == 0)
    }

    /// Issue 7: ToST's mask is its base's mask for the same seed (SNIP by default, and random-init when
    /// configured through JSON); after annealing the trained model is the plain architecture: a fresh model
    /// loaded with its state dict computes bit for bit the same logits; the ghosts were removed at step 2E;
    /// and they did act on the training (a run without ghosts ends with other weights).
    @Test func maskIsTheBaseMaskAndTheModelIsPlainAfterAnnealing() throws {
        let tost = try Fixtures.session(ToST(configuration: Self.configuration()), compression: 3)
        var reports: [String] = []
        tost.reporter = { reports.append($0.phase) }
        var masksAtPruning: [Tensor] = []
        try tost.execute { masksAtPruning = $0.masks.map { $0.mask.copy() } }
        let snip = try Fixtures.session(SNIP(), compression: 3)
        try snip.execute()
        #expect(masksAtPruning.count == 2 && snip.masks.count == 2)
        #expect(zip(masksAtPruning, snip.masks).allSatisfy { $0.isBitwiseEqual(to: $1.mask) })
        #expect(reports.contains("tost ghosts for 2 of 12 steps") && reports.contains("tost ghosts removed after step 2"))

        var random = SeededGenerator(seed: 99)
        let fresh = try Model(Fixtures.architecture, random: &random)
        #expect(fresh.stateDict().map(\.name) == tost.model.stateDict().map(\.name))
        try fresh.load(stateDict: tost.model.stateDict())
        let input = try tost.scoringBatch(size: 16, purpose: "check").inputs
        let a = tost.model.forward(input, context: ForwardContext(mode: .inference))
        let b = fresh.forward(input, context: ForwardContext(mode: .inference))
        #expect(a.isBitwiseEqual(to: b))

        var withoutGhosts = Self.configuration()
        withoutGhosts.softActivations = false
        withoutGhosts.skipPaths = false
        let plain = try Fixtures.session(ToST(configuration: withoutGhosts), compression: 3)
        try plain.execute()
        #expect(zip(plain.masks, tost.masks).allSatisfy { $0.mask.isBitwiseEqual(to: $1.mask) })
        #expect(!zip(plain.model.stateDict(), tost.model.stateDict()).allSatisfy { $0.tensor.isBitwiseEqual(to: $1.tensor) })

        let json = Foundation.Data(#"{"base": "random-init", "gradInit": {"iterations": 2}}"#.utf8)
        let random1 = try Fixtures.session(MethodRegistry.method(named: "tost", configuration: json), compression: 3, seed: 8)
        try random1.execute()
        let control = try Fixtures.session(RandomAtInit(), compression: 3, seed: 8)
        try control.execute()
        #expect(zip(random1.masks, control.masks).allSatisfy { $0.mask.isBitwiseEqual(to: $1.mask) })
    }

    /// Everything random comes from the run's seed: another seed gives another mask and model.
    @Test func anotherSeedAnotherRun() throws {
        let a = try Fixtures.session(ToST(configuration: Self.configuration()), seed: 3)
        let b = try Fixtures.session(ToST(configuration: Self.configuration()), seed: 4)
        try a.execute()
        try b.execute()
        #expect(!zip(a.masks, b.masks).allSatisfy { $0.mask.isBitwiseEqual(to: $1.mask) })
    }

    /// Card test 4 (LRsI on a two-layer masked MLP): zeros stay zero, every tensor becomes a positive
    /// multiple of itself, weight scales stay ≥ 0.01, and the scales moved; same seed, same scales.
    @Test func rescaledInitialisationKeepsTheMaskAndScalesTensors() throws {
        let mlp = Architecture(name: "mlp", classes: 3, inputChannels: 1, inputSize: [6, 6], widths: [10])
        func session() throws -> Session {
            var random = SeededGenerator(seed: 42)
            let session = try Session(method: RandomAtInit(), model: Model(mlp, random: &random), data: Fixtures.data(),
                                      compression: 2, seed: 3, budget: 0, recipe: Fixtures.recipe)
            try RandomAtInit().run(session)
            return session
        }
        var settings = GradInitSettings()
        settings.iterations = 25
        settings.batchSize = 16
        let s = try session()
        let before = s.model.parameters.map { ($0.name, $0.parameter.value.copy()) }
        let scales = try LayerRescaledInit.run(s, settings: settings, method: "tost")
        #expect(Set(scales.keys) == ["fc1.weight", "fc1.bias"])
        for ((name, old), (_, parameter)) in zip(before, s.model.parameters) {
            guard let a = scales[name] else {
                #expect(parameter.value.isBitwiseEqual(to: old), "\(name) (classifier) changed")
                continue
            }
            #expect(a > 0 && (name.hasSuffix(".bias") || a >= 0.01), "\(name): \(a)")
            #expect(parameter.value.values == old.values.map { Float(a) * $0 }, "\(name)")
            if let mask = parameter.mask {
                #expect((0..<mask.count).allSatisfy { mask[flat: $0] != 0 || parameter.value[flat: $0] == 0 })
            }
        }
        #expect(scales.values.contains { abs($0 - 1) > 1e-3 })
        let again = try session()
        #expect(try LayerRescaledInit.run(again, settings: settings, method: "tost") == scales)
    }

    /// Bad configurations throw naming ToST and the field, before anything runs.
    @Test func badConfigurationsThrow() throws {
        func fails(_ edit: (inout ToST.Configuration) -> Void, _ field: String) throws {
            var configuration = Self.configuration()
            edit(&configuration)
            let session = try Fixtures.session(ToST(configuration: configuration))
            let error = #expect(throws: PruningError.self) { try session.execute() }
            #expect(error.map { "\($0)".contains("'tost'") && "\($0)".contains(field) } == true, "\(String(describing: error))")
            #expect(session.budget.used == 0 && session.masks.isEmpty)
        }
        try fails({ $0.base = "global-magnitude" }, "'base'")
        try fails({ $0.base = "no-such-method" }, "'base'")
        try fails({ $0.base = "tost" }, "'base'")
        try fails({ $0.baseConfiguration = .object(["bogus": .number(1)]) }, "bogus")
        try fails({ $0.labelSmoothing = 0.9 }, "'labelSmoothing'")
        try fails({ $0.ghostFraction = 0.7 }, "'ghostFraction'")
        try fails({ $0.gradInit.iterations = 0 }, "'gradInit.iterations'")
    }
}
