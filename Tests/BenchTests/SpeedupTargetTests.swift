import Foundation
import NN
import Testing
import Pruning
@testable import Bench

/// Speedup targets: only methods that remove whole channels run, the runs say so, and their tracks are named
/// apart; every committed suite parses and expands against the registry.
@Suite struct SpeedupTargetTests {
    static func suite(_ methods: String, targets: String = "speedups: [2, 4]") throws -> Suite {
        try Suite.parse(yaml: """
            name: s
            dataset: fashion-mnist
            models:
              - {name: mlp, architecture: mlp}
            methods: \(methods)
            \(targets)
            seeds: [0]
            tracks:
              - track: post-training
                epochs: 1
              - track: from-initialisation
                epochs: 1
            """, file: "suites/s.yaml", defaultName: "s")
    }

    @Test func allKeepsOnlyTheMethodsThatCanAimAtSpeedups() throws {
        let runs = try Self.suite("all").expand(TrackTests.inputs, catalog: try MethodCatalogEntry.registry())
        let methods = Set(runs.map(\.spec.method))
        #expect(methods == ["dense", "dense-scratch", "l1-filter", "network-slimming", "early-bird", "spline-eb", "ispasp", "hsr-np", "dropnet"])
        #expect(runs.filter { $0.spec.compression > 1 }.allSatisfy { $0.spec.target == .speedup })
        #expect(Set(runs.compactMap(\.labels.track)) == ["post-training (speedup targets)", "from-initialisation (speedup targets)"])
        // A compression suite's runs carry no target field, so their ids are those of before target kinds.
        let plain = try Self.suite("[l1-filter]", targets: "compressions: [2]")
            .expand(TrackTests.inputs, catalog: try MethodCatalogEntry.registry())
        let key = "\"target\""
        #expect(plain.allSatisfy { $0.spec.target == nil && !(try! $0.spec.canonicalJSON()).contains(key) })
    }

    @Test func aListedMethodThatCannotAimAtSpeedupsIsAnError() throws {
        #expect(throws: BenchError.self) {
            _ = try Self.suite("[global-magnitude]").expand(TrackTests.inputs, catalog: try MethodCatalogEntry.registry())
        }
        #expect(throws: BenchError.self) { _ = try Self.suite("all", targets: "speedups: [2]\ncompressions: [2]") }
    }

    @Test func scratchOverAStructuredBaseAimsAtSpeedups() throws {
        let catalog = try MethodCatalogEntry.registry()
        let runs = try Self.suite("[{name: scratch-b, configuration: {base: l1-filter}, label: scratch-b(l1-filter)}]")
            .expand(TrackTests.inputs, catalog: catalog)
        let scratch = runs.filter { $0.spec.method == "scratch-b" }
        #expect(scratch.count == 2 && scratch.allSatisfy { $0.spec.target == .speedup && $0.labels.track?.hasPrefix("from-init") == true })
        // With its default (unstructured) base it cannot aim at speedups.
        #expect(throws: BenchError.self) { _ = try Self.suite("[scratch-b]").expand(TrackTests.inputs, catalog: catalog) }
    }

    @Test func excludeLeavesMethodsOrCategoriesOutOfAll() throws {
        let catalog = try MethodCatalogEntry.registry()
        let noStructured = try Suite.parse(yaml: """
            name: s
            dataset: fashion-mnist
            models: [{name: mlp, architecture: mlp}]
            methods: all
            exclude: [structured, snip]
            compressions: [2]
            seeds: [0]
            tracks: [{track: post-training, steps: 1}, {track: from-initialisation, steps: 1}]
            """, file: "s.yaml", defaultName: "s").expand(TrackTests.inputs, catalog: catalog)
        let methods = Set(noStructured.map(\.spec.method))
        #expect(!methods.contains("snip") && !methods.contains("l1-filter") && !methods.contains("spline-eb"))
        #expect(methods.contains("global-magnitude") && methods.contains("scratch-b"))
        for (exclude, methodsLine, message) in [("[bogus]", "all", "neither a registered method nor a method category"),
                                                ("[snip]", "[snip]", "has no 'all'")] {
            let text = """
                name: s
                dataset: fashion-mnist
                models: [{name: mlp, architecture: mlp}]
                methods: \(methodsLine)
                exclude: \(exclude)
                compressions: [2]
                seeds: [0]
                tracks: [{track: post-training, steps: 1}]
                """
            #expect { _ = try Suite.parse(yaml: text, file: "s.yaml", defaultName: "s").expand(TrackTests.inputs, catalog: catalog) }
                throws: { "\($0)".contains(message) }
        }
    }

    @Test func everyCommittedSuiteParsesAndExpands() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("suites")
        let files = try FileManager.default.contentsOfDirectory(atPath: root.path).filter { $0.hasSuffix(".yaml") }.sorted()
        #expect(files.contains("structured.yaml") && files.contains("smoke.yaml"))
        for file in files {
            let suite = try Suite.load(path: root.appendingPathComponent(file).path)
            #expect(!(try suite.methodsByTrack(try MethodCatalogEntry.registry())).isEmpty, "\(file)")
        }
        let structured = try Suite.load(path: root.appendingPathComponent("structured.yaml").path)
        #expect(structured.targetKind == .speedup)
    }

    @Test func methodsAreLeftOutOnModelsTheyDoNotApplyTo() throws {
        // LeNet-5 has no batch norm (network slimming does not apply); a ResNet is no plain chain (NNrelief).
        let lenet = Architecture(name: "lenet5", classes: 10, inputChannels: 1, inputSize: [28, 28])
        let resnet = Architecture(name: "resnet20", classes: 10, inputChannels: 1, inputSize: [28, 28], widths: [2, 4, 8])
        let inputs = PreparedInputs(
            dataset: TrackTests.inputs.dataset, datasetName: "fashion-mnist",
            models: [("lenet5", FileReference(path: "l.h5", sha256: "l")), ("resnet", FileReference(path: "r.h5", sha256: "r"))],
            architectures: ["lenet5": lenet, "resnet": resnet])
        let catalog = try MethodCatalogEntry.registry()
        let suite = try Self.suite("all")
        let skipped = try suite.notApplicable(inputs, catalog: catalog)
        #expect(skipped.contains { $0.model == "lenet5" && $0.method == "network-slimming" && $0.reason.contains("batch norm") })
        #expect(skipped.contains { $0.model == "resnet" && $0.method == "nnrelief" && $0.reason.contains("residual") })
        let runs = try suite.expand(inputs, catalog: catalog)
        let pairs = Set(runs.map { "\($0.labels.model) \($0.spec.method)" })
        #expect(pairs.contains("resnet network-slimming") && !pairs.contains("lenet5 network-slimming"))
        #expect(pairs.contains("lenet5 l1-filter") && pairs.contains("resnet l1-filter"))
        // Listed by name for a suite of LeNet-5 only, network slimming is an error that names the reason.
        let lenetOnly = PreparedInputs(dataset: inputs.dataset, datasetName: "fashion-mnist",
                                       models: [inputs.models[0]], architectures: ["lenet5": lenet])
        #expect(throws: BenchError.self) { try Self.suite("[l1-filter, network-slimming]").expand(lenetOnly, catalog: catalog) }
    }
}
