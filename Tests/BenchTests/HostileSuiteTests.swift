import Foundation
import Testing
import Pruning
import Training
@testable import Bench

/// Suites written carelessly or with intent (issue 18): misspelled recipe keys, non-finite and huge numbers, YAML
/// 1.1 booleans, alias bombs and syntax errors all stop with an error that names the file and key.
@Suite struct HostileSuiteTests {
    static func error(_ yaml: String) -> String { SuiteTests.error(yaml) }

    /// SuiteTests' suite with `old` replaced by `new` (the replaced text must occur).
    static func variant(_ old: String, _ new: String) -> String {
        precondition(SuiteTests.text.contains(old), old)
        return SuiteTests.text.replacingOccurrences(of: old, with: new)
    }

    @Test(arguments: [
        ("lr: 0.01", "learningRate: 0.01", "learningRate"),
        ("lr: 0.01", "lr: 0.01, mom: 0.5", "mom"),
        ("epochs: 1, batchSize: 64", "epochs: 1, batchsize: 64", "batchsize"),
        ("schedule: {kind: constant}", "schedule: {kind: constant, warmUp: 5}", "warmUp"),
    ])
    func misspelledRecipeKeysAreErrors(old: String, new: String, key: String) {
        let message = Self.error(Self.variant(old, new))
        #expect(message.contains("suites/bad.yaml") && message.contains("unknown key '\(key)'"), "\(message)")
    }

    @Test(arguments: [".nan", ".inf", "-.inf", ".NaN"])
    func nonFiniteNumbersAreErrorsNotDefaults(value: String) {
        let message = Self.error(Self.variant("lr: 0.01", "lr: \(value)"))
        #expect(message.contains("fineTuning.recipe.optimizer.lr") && message.contains("expected a finite number"), "\(message)")
        let compression = Self.error(Self.variant("compressions: [2, 4]", "compressions: [2, \(value)]"))
        #expect(compression.contains("compressions[1]") && compression.contains("finite"), "\(compression)")
    }

    @Test func hugeBudgetsAreRangeChecked() {
        for budget in ["steps: 1e19", "epochs: 1e300", "steps: 1e12"] {
            let message = Self.error(Self.variant("epochs: 0.5", budget))
            #expect(message.contains("fineTuning.") && message.contains("at most"), "\(budget): \(message)")
        }
        let recipe = Self.error(Self.variant("epochs: 1, batchSize: 64", "epochs: 1e19, batchSize: 64"))
        #expect(recipe.contains("models[0].training"), "\(recipe)")
    }

    @Test func plainScalarsFollowTheCoreSchema() throws {
        // `inf` and `on` are text in YAML 1.2 (they were a number and a boolean in YAML 1.1).
        let yaml = Self.variant("  - name: mlp\n", "  - name: inf\n")
            .replacingOccurrences(of: "configuration: {scope: layer, biases: true}",
                                  with: "configuration: {scope: layer, biases: true}\n    label: on")
        let suite = try Suite.parse(yaml: yaml, file: "suites/s.yaml", defaultName: "s")
        #expect(suite.models.map(\.name).contains("inf"))
        #expect(suite.methods?.compactMap(\.label) == ["on"])
        #expect(YAMLDocument.plainScalar("0x1F") == .string("0x1F") && YAMLDocument.plainScalar("1e3") == .number(1000))
        #expect(YAMLDocument.plainScalar("yes") == .string("yes") && YAMLDocument.plainScalar("False") == .bool(false))
    }

    @Test func anAliasBombIsRefusedQuickly() {
        var bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...9 {
            bomb += "\(Character(UnicodeScalar(97 + level)!)): &\(Character(UnicodeScalar(97 + level)!)) "
                + "[" + Array(repeating: "*\(Character(UnicodeScalar(96 + level)!))", count: 10).joined(separator: ", ") + "]\n"
        }
        #expect(bomb.utf8.count < 500)
        let start = ContinuousClock.now
        let message = Self.error(bomb)
        #expect(message.contains("(document)") && message.contains("more than 100000 values"), "\(message)")
        #expect(ContinuousClock.now - start < .seconds(5))
    }

    @Test func deepNestingAndHugeDocumentsAreRefused() {
        let deep = "a: " + String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        #expect(Self.error(deep).contains("deeper than 64"))
        let huge = "# " + String(repeating: "x", count: 2 << 20) + "\n" + SuiteTests.text
        #expect(Self.error(huge).contains("bytes; the limit is"))
    }

    @Test func syntaxErrorsNameLineAndReason() {
        let message = Self.error(Self.variant("seeds: [0, 1]", "seeds: [0, 1\nfoo: : bar"))
        #expect(message.contains("suites/bad.yaml") && message.contains("invalid YAML at line "), "\(message)")
        #expect(!message.contains("The given data was not valid"), "\(message)")
    }

    @Test func duplicateKeysAreErrors() {
        let message = Self.error(Self.variant("seeds: [0, 1]", "seeds: [0, 1]\nseeds: [2]"))
        #expect(message.contains("'seeds' appears twice"), "\(message)")
    }
}
