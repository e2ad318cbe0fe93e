import Foundation
import Testing
@testable import Bench

/// Pinned digests: the canonical texts below were written by hand, and their SHA-256 computed
/// independently with `python3 -c 'import hashlib; print(hashlib.sha256(TEXT.encode()).hexdigest())'`
/// (Python also checked that `json.dumps(json.loads(TEXT), sort_keys=True, separators=(",", ":"))`
/// gives back the same text).
@Suite struct RunSpecTests {
    static let a = String(repeating: "a", count: 64)
    static let b = String(repeating: "b", count: 64)

    static let first = RunSpec(
        engine: "0.1.0",
        checkpoint: FileReference(path: "checkpoints/lenet5.h5", sha256: a),
        dataset: FileReference(path: "data/fashion-mnist.h5", sha256: b),
        method: "global-magnitude-weight", compression: 8, seed: 1, budget: TrainingBudget(epochs: 2))

    static let second = RunSpec(
        engine: "0.1.0",
        checkpoint: FileReference(path: "checkpoints/mlp.h5", sha256: b),
        dataset: FileReference(path: "data/fashion-mnist.h5", sha256: a),
        method: "magnitude",
        configuration: .object(["scope": .string("layer"), "biases": .bool(false)]),
        compression: 2.5, seed: 0, budget: TrainingBudget(steps: 100),
        fineTuning: .object(["optimizer": .object(["learningRate": .number(0.01)]), "batchSize": .number(64)]))

    @Test func canonicalTextAndDigestArePinned() throws {
        #expect(try RunSpecTests.first.canonicalJSON() == """
            {"budget":{"epochs":2},"checkpoint":{"path":"checkpoints/lenet5.h5","sha256":"\(RunSpecTests.a)"},\
            "compression":8,"configuration":{},"dataset":{"path":"data/fashion-mnist.h5","sha256":"\(RunSpecTests.b)"},\
            "engine":"0.1.0","fineTuning":{},"method":"global-magnitude-weight","seed":1,"version":1}
            """)
        #expect(try RunSpecTests.first.digest() == "0ad53752e8c36f736fe1309f54c9f1e9d05f8c377534396efe0294d2c9958282")

        #expect(try RunSpecTests.second.canonicalJSON() == """
            {"budget":{"steps":100},"checkpoint":{"path":"checkpoints/mlp.h5","sha256":"\(RunSpecTests.b)"},\
            "compression":2.5,"configuration":{"biases":false,"scope":"layer"},\
            "dataset":{"path":"data/fashion-mnist.h5","sha256":"\(RunSpecTests.a)"},"engine":"0.1.0",\
            "fineTuning":{"batchSize":64,"optimizer":{"learningRate":0.01}},"method":"magnitude","seed":0,"version":1}
            """)
        #expect(try RunSpecTests.second.digest() == "3624e46ff9fb837b0612dd72f8250bb703c0f917b8ef428ecbc76fd0a9d1a501")
    }

    @Test func specRoundTripsThroughJSONWithTheSameDigest() throws {
        let data = try JSONEncoder().encode(RunSpecTests.second)
        let decoded = try JSONDecoder().decode(RunSpec.self, from: data)
        #expect(decoded == RunSpecTests.second)
        #expect(try decoded.digest() == RunSpecTests.second.digest())
    }

    @Test func everyFieldChangesTheDigest() throws {
        let base = try RunSpecTests.first.digest()
        var changed: [RunSpec] = []
        var spec = RunSpecTests.first; spec.seed = 2; changed.append(spec)
        spec = RunSpecTests.first; spec.compression = 16; changed.append(spec)
        spec = RunSpecTests.first; spec.method = "random"; changed.append(spec)
        spec = RunSpecTests.first; spec.checkpoint.sha256 = RunSpecTests.b; changed.append(spec)
        spec = RunSpecTests.first; spec.budget = TrainingBudget(epochs: 1); changed.append(spec)
        spec = RunSpecTests.first; spec.engine = "0.2.0"; changed.append(spec)
        let digests = try Set(changed.map { try $0.digest() })
        #expect(digests.count == changed.count)
        #expect(!digests.contains(base))
    }

    @Test func carvingTheValidationSplitChangesTheRunId() throws {
        let first = RunSpecTests.first
        var carve = first
        carve.validation = .carve
        #expect(try carve.canonicalJSON().hasSuffix(#""seed":1,"validation":"carve","version":1}"#))
        #expect(try carve.digest() != first.digest())
        // Records written before the field existed decode as the default (the checkpoint's holdout).
        let decoded = try JSONDecoder().decode(RunSpec.self, from: Foundation.Data(try first.canonicalJSON().utf8))
        #expect(decoded.validation == nil && decoded == first)
    }

    @Test func omittingDefaultsDropsOnlyMembersEqualToTheDefault() {
        let defaults: JSONValue = .object([
            "scope": .string("global"), "biases": .bool(true),
            "optimizer": .object(["lr": .number(0.1), "momentum": .number(0.9)]),
        ])
        let given: JSONValue = .object([
            "scope": .string("global"), "biases": .bool(false),
            "optimizer": .object(["lr": .number(0.1), "momentum": .number(0.5)]), "extra": .number(3),
        ])
        #expect(given.omittingDefaults(defaults) == .object([
            "biases": .bool(false), "optimizer": .object(["momentum": .number(0.5)]), "extra": .number(3),
        ]))
        #expect(defaults.omittingDefaults(defaults) == .object([:]))
    }

    @Test func canonicalNumbersAndStrings() {
        #expect(JSONValue.number(2.0).canonical == "2")
        #expect(JSONValue.number(-0.25).canonical == "-0.25")
        #expect(JSONValue.number(1e-5).canonical == "1e-05")
        #expect(JSONValue.string("a\"b\\c\nd\u{01}é").canonical == "\"a\\\"b\\\\c\\nd\\u0001é\"")
        #expect(JSONValue.object(["b": .null, "a": .array([.bool(true)])]).canonical == "{\"a\":[true],\"b\":null}")
    }
}
