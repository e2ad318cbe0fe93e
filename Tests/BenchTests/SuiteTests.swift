import Foundation
import Testing
import Pruning
import Training
@testable import Bench

/// Suite YAML parsing, its error messages, and expansion into runs.
@Suite struct SuiteTests {
    static let text = """
        name: tiny
        dataset: fashion-mnist
        models:
          - name: mlp
            architecture: mlp
            training: {epochs: 1, batchSize: 64}
        checkpoints:
          - {name: pt, path: checkpoints/pt.h5}
        methods:
          - dense
          - magnitude
          - name: magnitude
            configuration: {scope: layer, biases: true}
        compressions: [2, 4]
        seeds: [0, 1]
        fineTuning:
          epochs: 0.5
          recipe:
            optimizer: {kind: sgd, lr: 0.01, nesterov: true}
            schedule: {kind: constant}

        """

    static let catalog = [
        MethodCatalogEntry(name: "dense", defaultConfiguration: .object([:]), isControl: true) { _ in },
        MethodCatalogEntry(name: "magnitude", defaultConfiguration: .object(["scope": .string("global"), "biases": .bool(true)]),
                           isControl: false) { configuration in
            guard case .string(let scope) = configuration.objectValue?["scope"] ?? .null, ["global", "layer"].contains(scope) else {
                throw BenchError.run("scope must be 'global' or 'layer'")
            }
        },
        MethodCatalogEntry(name: "random", defaultConfiguration: .object([:]), isControl: false) { _ in },
    ]

    static let inputs = PreparedInputs(
        dataset: FileReference(path: "data/fashion-mnist.h5", sha256: "d"), datasetName: "fashion-mnist",
        models: [("mlp", FileReference(path: "checkpoints/mlp.h5", sha256: "m")),
                 ("pt", FileReference(path: "checkpoints/pt.h5", sha256: "p"))])

    static func error(_ yaml: String) -> String {
        do {
            _ = try Suite.parse(yaml: yaml, file: "suites/bad.yaml", defaultName: "bad").expand(inputs, catalog: catalog)
            return "no error"
        } catch { return String(describing: error) }
    }

    @Test func parsesEveryPart() throws {
        let suite = try Suite.parse(yaml: SuiteTests.text, file: "suites/tiny.yaml", defaultName: "x")
        #expect(suite.name == "tiny" && suite.dataset == .fashionMNIST)
        #expect(suite.models.map(\.name) == ["mlp", "pt"])
        var recipe = TrainingRecipe(epochs: 1, batchSize: 64)
        recipe.seed = 0
        #expect(suite.models[0].origin == .train(architecture: .object(["name": .string("mlp")]), recipe: recipe))
        #expect(suite.models[1].origin == .checkpoint("checkpoints/pt.h5"))
        #expect(suite.compressions == [2, 4] && suite.seeds == [0, 1] && suite.tracks.map(\.budget) == [TrainingBudget(epochs: 0.5)])
        #expect(suite.tracks.map(\.track) == [.postTraining] && suite.tracks[0].recipe.optimizer == .sgd(lr: 0.01, nesterov: true))
        #expect(try Suite.recipeJSON(suite.tracks[0]).canonical == #"{"optimizer":{"kind":"sgd","lr":0.01,"nesterov":true},"schedule":{"kind":"constant"}}"#)
    }

    @Test func expandsIntoTheGrid() throws {
        let suite = try Suite.parse(yaml: SuiteTests.text, file: "suites/tiny.yaml", defaultName: "x")
        let runs = try suite.expand(SuiteTests.inputs, catalog: SuiteTests.catalog)
        // 2 models × 2 seeds × (dense once + 2 magnitude variants × 2 targets) = 2·2·5 = 20.
        #expect(runs.count == 20)
        #expect(Set(runs.map(\.digest)).count == 20)
        #expect(runs.filter { $0.spec.method == "dense" }.allSatisfy { $0.spec.compression == 1 })
        #expect(Set(runs.map(\.labels.method)) == ["dense", "magnitude", "magnitude(scope=layer)"])
        // `biases: true` is the default, so it is omitted from the spec.
        let layer = try #require(runs.first { $0.labels.method == "magnitude(scope=layer)" })
        #expect(layer.spec.configuration == .object(["scope": .string("layer")]))
        #expect(layer.spec.budget == TrainingBudget(epochs: 0.5) && layer.spec.checkpoint.sha256 == "m")
    }

    @Test func allMethodsMeansTheWholeCatalog() throws {
        let text = SuiteTests.text.replacingOccurrences(
            of: "methods:\n  - dense\n  - magnitude\n  - name: magnitude\n    configuration: {scope: layer, biases: true}\n",
            with: "methods: all\n")
        let runs = try Suite.parse(yaml: text, file: "f", defaultName: "x").expand(SuiteTests.inputs, catalog: SuiteTests.catalog)
        #expect(Set(runs.map(\.spec.method)) == ["dense", "magnitude", "random"])
        #expect(runs.count == 2 * 2 * (1 + 2 + 2))
    }

    @Test func errorsNameTheFileAndTheKey() {
        let cases: [(String, String)] = [
            ("methods:\n  - dense", "suites/bad.yaml: key 'models': the suite needs at least one model or checkpoint"),
            ("dataset: [unclosed", "suites/bad.yaml: key '(document)'"),
            ("- just\n- a list", "suites/bad.yaml: key '(document)': expected a mapping, got a list"),
        ]
        for (yaml, expected) in cases { #expect(SuiteTests.error(yaml).hasPrefix(expected), "\(yaml)") }
        func variant(_ from: String, _ to: String) -> String {
            SuiteTests.error(SuiteTests.text.replacingOccurrences(of: from, with: to))
        }
        #expect(variant("  - magnitude\n", "  - magnitud\n")
            == "suites/bad.yaml: key 'methods[1]': unknown method 'magnitud' (registered: dense, magnitude, random)")
        #expect(variant("[2, 4]", "[2, 0.5]") == "suites/bad.yaml: key 'compressions[1]': expected a ratio ≥ 1, got 0.5")
        #expect(variant("[2, 4]", "[2, four]") == "suites/bad.yaml: key 'compressions[1]': expected a number, got a string")
        #expect(variant("seeds: [0, 1]", "seeds: [0, -1]") == "suites/bad.yaml: key 'seeds[1]': expected an integer in 0..<2^53, got -1.0")
        #expect(variant("seeds:", "seedz:").hasPrefix("suites/bad.yaml: key 'seedz': unknown key"))
        #expect(variant("scope: layer", "scop: layer").hasPrefix(
            "suites/bad.yaml: key 'methods[2].configuration.scop': unknown configuration key for method 'magnitude'"))
        #expect(variant("scope: layer", "scope: diagonal")
            == "suites/bad.yaml: key 'methods[2].configuration': scope must be 'global' or 'layer'")
        #expect(variant("epochs: 0.5", "epochs: 0.5\n  steps: 3") == "suites/bad.yaml: key 'fineTuning': give exactly one of 'epochs' and 'steps'")
        #expect(variant("{kind: sgd, lr: 0.01, nesterov: true}", "{kind: sgd, lr: -1}").hasPrefix("suites/bad.yaml: key 'fineTuning.recipe': "))
        #expect(variant("batchSize: 64", "batchSize: many").hasPrefix("suites/bad.yaml: key 'models[0].training': "))
        #expect(variant("dataset: fashion-mnist\n", "").hasPrefix("suites/bad.yaml: key 'dataset': missing"))
    }

    @Test func givenLabelsNameTheRowsButNotTheRun() throws {
        let labelled = SuiteTests.text.replacingOccurrences(
            of: "configuration: {scope: layer, biases: true}", with: "configuration: {scope: layer}\n    label: layer-magnitude")
        let plain = try Suite.parse(yaml: SuiteTests.text, file: "suites/tiny.yaml", defaultName: "x")
            .expand(SuiteTests.inputs, catalog: SuiteTests.catalog)
        let named = try Suite.parse(yaml: labelled, file: "suites/tiny.yaml", defaultName: "x")
            .expand(SuiteTests.inputs, catalog: SuiteTests.catalog)
        #expect(Set(named.map(\.labels.method)) == ["dense", "magnitude", "layer-magnitude"])
        #expect(named.map(\.digest) == plain.map(\.digest))
    }

    @Test func duplicateLabelsAreRejected() {
        let twice = SuiteTests.text.replacingOccurrences(
            of: "configuration: {scope: layer, biases: true}", with: "configuration: {scope: layer}\n    label: magnitude")
        #expect(SuiteTests.error(twice).contains("key 'methods[2]': label 'magnitude' is already used by methods[1]"))
    }

    @Test func aCheckpointEntryMayOptInToCarvingItsValidationSplit() throws {
        let carving = SuiteTests.text.replacingOccurrences(of: "{name: pt, path: checkpoints/pt.h5}",
                                                          with: "{name: pt, path: checkpoints/pt.h5, validation: carve}")
        let suite = try Suite.parse(yaml: carving, file: "suites/tiny.yaml", defaultName: "x")
        #expect(suite.models.map(\.validation) == [.holdout, .carve])
        let runs = try suite.expand(SuiteTests.inputs, catalog: SuiteTests.catalog)
        #expect(runs.filter { $0.labels.model == "pt" }.allSatisfy { $0.spec.validation == .carve })
        #expect(runs.filter { $0.labels.model == "mlp" }.allSatisfy { $0.spec.validation == nil })
        // Runs on the carving checkpoint get new ids; the others keep theirs.
        let plain = try Suite.parse(yaml: SuiteTests.text, file: "suites/tiny.yaml", defaultName: "x")
            .expand(SuiteTests.inputs, catalog: SuiteTests.catalog)
        for (a, b) in zip(runs, plain) { #expect((a.digest == b.digest) == (a.labels.model == "mlp")) }
        let holdout = SuiteTests.text.replacingOccurrences(of: "{name: pt, path: checkpoints/pt.h5}",
                                                          with: "{name: pt, path: checkpoints/pt.h5, validation: holdout}")
        #expect(try Suite.parse(yaml: holdout, file: "f", defaultName: "x").expand(SuiteTests.inputs, catalog: SuiteTests.catalog)
            .map(\.digest) == plain.map(\.digest))
        let typo = SuiteTests.text.replacingOccurrences(of: "{name: pt, path: checkpoints/pt.h5}",
                                                       with: "{name: pt, path: checkpoints/pt.h5, validation: carved}")
        #expect(SuiteTests.error(typo).hasPrefix("suites/bad.yaml: key 'checkpoints[0].validation': expected 'holdout' "
            + "(the checkpoint's recorded holdout) or 'carve'"))
    }

    @Test func labelsShowNonDefaultConfiguration() {
        #expect(Suite.label(method: "snip", configuration: .object([:])) == "snip")
        #expect(Suite.label(method: "m", configuration: .object(["b": .number(2), "a": .string("x")])) == "m(a=x,b=2)")
    }
}

/// The committed suites parse and mean what their comments say.
@Suite struct CommittedSuiteTests {
    static func load(_ name: String) throws -> Bench.Suite {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return try Bench.Suite.load(path: root.appendingPathComponent("suites/\(name).yaml").path)
    }

    @Test func defaultSuite() throws {
        let suite = try CommittedSuiteTests.load("default")
        #expect(suite.name == "default" && suite.dataset == .fashionMNIST && suite.methods?.first?.isAll == true)
        #expect(suite.compressions == [2, 4, 8, 16, 32] && suite.seeds == [0, 1])
        #expect(suite.tracks.map(\.track) == [.postTraining, .fromInitialisation])
        #expect(suite.tracks.map(\.budget) == [TrainingBudget(epochs: 1), TrainingBudget(epochs: 2)])
        // Every registered method, and the same-peak-rate controls of the methods whose own rule sets the rate.
        let registry = try MethodCatalogEntry.registry()
        let labels = try suite.resolvedMethods(registry).map(\.label)
        #expect(Set(registry.map(\.name)).isSubset(of: Set(labels)))
        #expect(Set(labels).subtracting(registry.map(\.name)) == ["imp-ft@0.1", "silo-constant"])
        let recipe = TrainingRecipe(epochs: 10, batchSize: 128, optimizer: .sgd(lr: 0.1, momentum: 0.9), schedule: .cosine())
        #expect(suite.models.map(\.name) == ["lenet5"])
        #expect(suite.models.allSatisfy {
            if case .train(_, let given) = $0.origin { return given == recipe } else { return false }
        })
    }

    /// Every committed suite names registered methods with valid configurations and distinct labels.
    @Test(arguments: ["default", "smoke", "lottery", "iterative", "sparse-training"])
    func committedSuiteResolvesAgainstTheRegistry(name: String) throws {
        let suite = try CommittedSuiteTests.load(name)
        #expect(suite.name == name)
        let methods = try suite.resolvedMethods(MethodCatalogEntry.registry())
        #expect(Set(methods.map(\.label)).count == methods.count)
        #expect(!methods.isEmpty && !suite.seeds.isEmpty && !suite.compressions.isEmpty)
    }

    @Test func researchSuitesCompareAtEqualBudgetOverThreeSeeds() throws {
        let lottery = try CommittedSuiteTests.load("lottery")
        #expect(lottery.seeds == [0, 1, 2] && lottery.compressions.max() == 50)
        #expect(Set(try lottery.resolvedMethods(MethodCatalogEntry.registry()).map(\.entry.name))
                == ["lottery-ticket", "lottery-reinit", "lottery-random-prune", "lottery-one-shot"])
        let sparse = try CommittedSuiteTests.load("sparse-training")
        #expect(sparse.seeds == [0, 1, 2] && sparse.compressions.count == 4)
        let iterative = try CommittedSuiteTests.load("iterative")
        #expect(iterative.seeds == [0, 1, 2] && iterative.compressions == [2, 4, 8, 16, 32])
    }

    @Test func smokeSuiteHasTheSameShape() throws {
        let suite = try CommittedSuiteTests.load("smoke")
        #expect(suite.name == "smoke" && suite.methods == nil && suite.models.map(\.name) == ["mlp", "lenet5"])
        #expect(suite.compressions.count == 2 && suite.seeds == [0, 1])
        #expect(suite.tracks.map(\.track) == [.postTraining, .fromInitialisation])
    }

    /// `all` as a list item: every registered method with defaults, plus the entries beside it; a method of
    /// `all` outside the suite's tracks is left out, a listed one is an error.
    @Test func allAsAListItemAddsEveryRegisteredMethod() throws {
        let yaml = """
            name: mixed
            dataset: fashion-mnist
            models: [{name: lenet5, architecture: lenet5, training: {epochs: 1}}]
            methods: [all, {name: imp-finetune, configuration: {fineTuningLR: 0.1}, label: imp-ft-fast}]
            compressions: [2]
            seeds: [0]
            tracks: [{track: post-training, steps: 10, recipe: {optimizer: {kind: sgd, lr: 0.001}}}]
            """
        let suite = try Suite.parse(yaml: yaml, file: "mixed.yaml", defaultName: "x")
        let registry = try MethodCatalogEntry.registry()
        let tracks = try suite.methodsByTrack(registry)
        let labels = tracks[0].methods.map(\.label)
        let postTraining = registry.filter { $0.tracks.contains(.postTraining) }.map(\.name)
        #expect(labels == postTraining + ["imp-ft-fast"])
        #expect(!labels.contains("snip"))
        let listed = try Suite.parse(yaml: yaml.replacingOccurrences(of: "[all, ", with: "[all, snip, "), file: "mixed.yaml", defaultName: "x")
        #expect(throws: BenchError.self) { try listed.methodsByTrack(registry) }
        let twice = try Suite.parse(yaml: yaml.replacingOccurrences(of: "[all, ", with: "[all, all, "), file: "mixed.yaml", defaultName: "x")
        #expect(throws: BenchError.self) { try twice.resolvedMethods(registry) }
    }
}
