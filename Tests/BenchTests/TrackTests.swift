import Foundation
import Testing
import Pruning
import Training
@testable import Bench

/// Suites declare tracks; methods run only in the tracks they belong to, each track with its control.
@Suite struct TrackTests {
    static let text = """
        name: tracks
        dataset: fashion-mnist
        models:
          - {name: mlp, architecture: mlp}
        methods: all
        compressions: [2, 4]
        seeds: [0]
        tracks:
          - track: post-training
            epochs: 2
            recipe: {optimizer: {kind: sgd, lr: 0.001}}
          - track: from-initialisation
            epochs: 10
            recipe: {optimizer: {kind: sgd, lr: 0.1, momentum: 0.9}, schedule: {kind: cosine, unit: step}}
          - track: from-initialisation
            epochs: 10
            recipe: {optimizer: {kind: sgd, lr: 0.1, momentum: 0.9}, schedule: {kind: cosine, unit: step}}
            initialisation: rescaled

        """

    static let catalog = [
        MethodCatalogEntry(name: "dense", defaultConfiguration: .object([:]), isControl: true, tracks: [.postTraining]) { _ in },
        MethodCatalogEntry(name: "dense-scratch", defaultConfiguration: .object([:]), isControl: true,
                           tracks: [.fromInitialisation]) { _ in },
        MethodCatalogEntry(name: "magnitude", defaultConfiguration: .object([:]), isControl: false, tracks: [.postTraining]) { _ in },
        MethodCatalogEntry(name: "snip", defaultConfiguration: .object([:]), isControl: false, tracks: [.fromInitialisation]) { _ in },
    ]

    static let inputs = PreparedInputs(
        dataset: FileReference(path: "data/fashion-mnist.h5", sha256: "d"), datasetName: "fashion-mnist",
        models: [("mlp", FileReference(path: "checkpoints/mlp.h5", sha256: "m"))])

    static func error(_ yaml: String) -> String {
        do {
            _ = try Suite.parse(yaml: yaml, file: "suites/bad.yaml", defaultName: "bad").expand(inputs, catalog: catalog)
            return "no error"
        } catch { return String(describing: error) }
    }

    @Test func methodsRunOnlyInTheirTracksWithTheTracksBudgetAndRecipe() throws {
        let suite = try Suite.parse(yaml: TrackTests.text, file: "t.yaml", defaultName: "t")
        #expect(suite.tracks.map(\.name) == ["post-training", "from-initialisation", "from-initialisation (rescaled init)"])
        let runs = try suite.expand(TrackTests.inputs, catalog: TrackTests.catalog)
        // post-training: dense + magnitude × 2; each from-initialisation track: dense-scratch + snip × 2.
        #expect(runs.count == 3 + 3 + 3)
        #expect(Set(runs.map(\.digest)).count == runs.count)
        for run in runs {
            let post = run.spec.track == .postTraining
            #expect(post == ["dense", "magnitude"].contains(run.spec.method), "\(run.spec.method) in \(run.labels.track ?? "-")")
            #expect(run.spec.budget == TrainingBudget(epochs: post ? 2 : 10))
            #expect(run.labels.track == (post ? "post-training" : run.spec.initialisation == .rescaled
                ? "from-initialisation (rescaled init)" : "from-initialisation"))
        }
        let snip = try #require(runs.first { $0.spec.method == "snip" && $0.spec.initialisation == nil })
        #expect(snip.spec.fineTuning == (try Suite.recipeJSON(suite.tracks[1])))
        #expect(snip.spec.fineTuning != (try Suite.recipeJSON(suite.tracks[0])))
        #expect(runs.filter { $0.spec.initialisation == .rescaled }.count == 3)
    }

    @Test func eachTracksControlIsAddedWhenNotListed() throws {
        let listed = TrackTests.text.replacingOccurrences(of: "methods: all", with: "methods: [magnitude, snip]")
        let runs = try Suite.parse(yaml: listed, file: "t.yaml", defaultName: "t").expand(TrackTests.inputs, catalog: TrackTests.catalog)
        #expect(runs.filter { $0.spec.method == "dense" }.count == 1)
        #expect(runs.filter { $0.spec.method == "dense-scratch" }.count == 2)
    }

    @Test func aMethodOutsideEveryDeclaredTrackIsRefused() {
        let postOnly = """
            name: t
            dataset: fashion-mnist
            models: [{name: mlp, architecture: mlp}]
            methods: [magnitude, snip]
            compressions: [2]
            seeds: [0]
            fineTuning: {epochs: 1}
            """
        #expect(TrackTests.error(postOnly) == "suites/bad.yaml: key 'methods[1]': method 'snip' competes in "
            + "from-initialisation; the suite declares post-training (add its track or drop the method)")
    }

    @Test func trackErrorsNameTheKey() {
        func variant(_ from: String, _ to: String) -> String {
            TrackTests.error(TrackTests.text.replacingOccurrences(of: from, with: to))
        }
        #expect(variant("track: post-training", "track: post-train").hasPrefix(
            "suites/bad.yaml: key 'tracks[0].track': unknown track 'post-train'"))
        #expect(variant("initialisation: rescaled", "initialisation: dense")
            == "suites/bad.yaml: key 'tracks[2]': track 'from-initialisation' is already declared at tracks[1]")
        #expect(variant("initialisation: rescaled", "initialisation: huge").hasPrefix(
            "suites/bad.yaml: key 'tracks[2].initialisation': expected one of: dense, rescaled"))
        #expect(variant("    epochs: 2\n", "    epochs: 2\n    initialisation: rescaled\n")
            == "suites/bad.yaml: key 'tracks[0].initialisation': only a from-initialisation track rescales initial weights")
        #expect(variant("tracks:", "fineTuning: {epochs: 1}\ntracks:")
            == "suites/bad.yaml: key 'fineTuning': give either 'tracks' or 'fineTuning', not both")
        #expect(variant("    epochs: 2\n", "    epochs: 2\n    steps: 5\n")
            == "suites/bad.yaml: key 'tracks[0]': give exactly one of 'epochs' and 'steps'")
    }

    @Test func everyRegisteredMethodHasATrackAndEachTrackAControl() throws {
        let registry = try MethodCatalogEntry.registry()
        #expect(registry.allSatisfy { !$0.tracks.isEmpty })
        let controls = registry.filter(\.isControl)
        #expect(Set(controls.map(\.name)) == ["dense", "dense-scratch"])
        #expect(registry.first { $0.name == "snip" }?.tracks == [.fromInitialisation])
        #expect(registry.first { $0.name == "scratch-b" }?.tracks == [.fromInitialisation])
        #expect(registry.first { $0.name == "global-magnitude" }?.tracks == [.postTraining])
        #expect(registry.first { $0.name == "rigl" }?.tracks == [.fromInitialisation])
    }
}
