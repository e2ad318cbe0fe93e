import Bench
import Foundation
import Testing
@testable import Reports

/// `--suite`: a suite's runs are recognised by labels, targets, seeds, budget, recipe and engine.
@Suite struct RunFilterTests {
    static let yaml = """
        name: tiny
        dataset: data/fmnist.h5
        models:
          - {name: lenet5, architecture: lenet5, training: {epochs: 1}}
        methods: [dense, random]
        compressions: [2, 4]
        seeds: [0, 1]
        fineTuning: {steps: 100}
        """

    static func catalog() -> [MethodCatalogEntry] {
        ["dense", "random", "global-magnitude"].map { name in
            MethodCatalogEntry(name: name, defaultConfiguration: .object([:]), isControl: name == "dense") { _ in }
        }
    }

    @Test func suiteSelectsExactlyItsGrid() throws {
        let suite = try Suite.parse(yaml: RunFilterTests.yaml, file: "tiny.yaml", defaultName: "tiny")
        var filter = RunFilter()
        filter.suite = try SuiteSelection(suite, catalog: RunFilterTests.catalog())
        let records = try Fixtures.records().map { record -> RunRecord in
            var record = record
            record.spec.engine = PruneBenchVersion.engine
            record.spec.fineTuning = try Suite.recipeJSON(suite.tracks[0])
            return record
        }
        let selected = ResultsTable(records: records).filtered(filter).records
        // lenet5: dense seeds 0, 1 (at 1×) + random at 2× and 4× for seeds 0, 1 = 6 runs.
        #expect(selected.count == 6)
        #expect(Set(selected.map(\.labels.method)) == ["dense", "random"])
        #expect(selected.allSatisfy { $0.spec.seed < 2 && $0.labels.model == "lenet5" && $0.spec.compression != 8 })
        // A different budget, recipe or engine is another experiment.
        var other = selected[0]
        other.spec.budget = TrainingBudget(steps: 50)
        #expect(!filter.includes(other))
        other = selected[0]
        other.spec.fineTuning = .object(["batchSize": .number(32)])
        #expect(!filter.includes(other))
        other = selected[0]
        other.spec.engine = "0.0.1"
        #expect(!filter.includes(other))
        other = selected[0]
        other.spec.dataset.path = "data/other.h5"
        #expect(!filter.includes(other))
    }
}
