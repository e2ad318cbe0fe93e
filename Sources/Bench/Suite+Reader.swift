import Foundation
import Pruning
import Training

/// Reads the parts of a suite document, turning every problem into an error naming the file and key.
struct SuiteReader {
    let file: String

    static func decodeYAML(_ text: String, file: String) throws -> JSONValue {
        let document: JSONValue
        do { document = try YAMLDocument().parse(text) } catch let problem as YAMLDocument.Problem {
            throw BenchError.suite(file: file, key: "(document)", message: problem.description)
        }
        // JSON has no NaN or infinity: left in, they would turn into null, i.e. a silent default.
        if let (key, number) = document.firstNonFiniteNumber() {
            throw BenchError.suite(file: file, key: key.isEmpty ? "(document)" : key, message: "expected a finite number, got \(number)")
        }
        return document
    }

    func fail(_ key: String, _ message: String) -> BenchError { .suite(file: file, key: key, message: message) }

    func join(_ parent: String, _ child: String) -> String { parent.isEmpty ? child : "\(parent).\(child)" }

    func mapping(_ value: JSONValue, key: String) throws -> [String: JSONValue] {
        guard case .object(let members) = value else { throw fail(key, "expected a mapping, got \(value.kindDescription)") }
        return members
    }

    func list(_ value: JSONValue, key: String) throws -> [JSONValue] {
        guard case .array(let items) = value else { throw fail(key, "expected a list, got \(value.kindDescription)") }
        guard !items.isEmpty else { throw fail(key, "expected a non-empty list") }
        return items
    }

    func string(_ value: JSONValue, key: String) throws -> String {
        guard case .string(let text) = value, !text.isEmpty else {
            throw fail(key, "expected a non-empty string, got \(value.kindDescription)")
        }
        return text
    }

    func number(_ value: JSONValue, key: String) throws -> Double {
        guard case .number(let number) = value else { throw fail(key, "expected a number, got \(value.kindDescription)") }
        guard number.isFinite else { throw fail(key, "expected a finite number, got \(number)") }
        return number
    }

    func require(_ object: [String: JSONValue], _ member: String, key: String) throws -> JSONValue {
        guard let value = object[member] else { throw fail(join(key, member), "missing") }
        return value
    }

    func rejectUnknown(_ object: [String: JSONValue], allowed: Set<String>, key: String) throws {
        if let unknown = object.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw fail(join(key, unknown), "unknown key (expected one of: \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    func dataset(_ value: JSONValue) throws -> Suite.DatasetSource {
        let text = try string(value, key: "dataset")
        return text == "fashion-mnist" ? .fashionMNIST : .file(text)
    }

    func models(_ root: [String: JSONValue]) throws -> [Suite.ModelSource] {
        guard let value = root["models"] else { return [] }
        return try list(value, key: "models").enumerated().map { index, item in
            let key = "models[\(index)]"
            let object = try mapping(item, key: key)
            try rejectUnknown(object, allowed: ["name", "architecture", "training"], key: key)
            let name = try string(require(object, "name", key: key), key: join(key, "name"))
            var architecture = try require(object, "architecture", key: key)
            if case .string(let zooName) = architecture { architecture = .object(["name": .string(zooName)]) }
            _ = try mapping(architecture, key: join(key, "architecture"))
            let recipe = try decodeRecipe(object["training"] ?? .object([:]), key: join(key, "training"))
            return Suite.ModelSource(name: name, origin: .train(architecture: architecture, recipe: recipe), key: key)
        }
    }

    func checkpoints(_ root: [String: JSONValue]) throws -> [Suite.ModelSource] {
        guard let value = root["checkpoints"] else { return [] }
        return try list(value, key: "checkpoints").enumerated().map { index, item in
            let key = "checkpoints[\(index)]"
            let object = try mapping(item, key: key)
            try rejectUnknown(object, allowed: ["name", "path", "validation"], key: key)
            var validation = ValidationSource.holdout
            if let value = object["validation"] {
                let text = try string(value, key: join(key, "validation"))
                guard let source = ValidationSource(rawValue: text) else {
                    throw fail(join(key, "validation"), "expected 'holdout' (the checkpoint's recorded holdout) or 'carve' "
                        + "(carved per seed from the whole training split, overlapping the checkpoint's training data), got '\(text)'")
                }
                validation = source
            }
            return Suite.ModelSource(name: try string(require(object, "name", key: key), key: join(key, "name")),
                                     origin: .checkpoint(try string(require(object, "path", key: key), key: join(key, "path"))),
                                     key: key, validation: validation)
        }
    }

    func methods(_ value: JSONValue) throws -> [Suite.MethodChoice]? {
        if case .string("all") = value { return nil }
        return try list(value, key: "methods").enumerated().map { index, item in
            let key = "methods[\(index)]"
            if case .string(let name) = item { return Suite.MethodChoice(name: name, configuration: .object([:]), key: key) }
            let object = try mapping(item, key: key)
            try rejectUnknown(object, allowed: ["name", "configuration", "label"], key: key)
            let configuration = object["configuration"] ?? .object([:])
            _ = try mapping(configuration, key: join(key, "configuration"))
            let label = try object["label"].map { try string($0, key: join(key, "label")) }
            if let label, label.trimmingCharacters(in: .whitespaces).isEmpty {
                throw fail(join(key, "label"), "expected a non-empty label")
            }
            return Suite.MethodChoice(name: try string(require(object, "name", key: key), key: join(key, "name")),
                                      configuration: configuration, label: label, key: key)
        }
    }

    /// The suite's targets: `compressions:` or `speedups:` (exactly one of them), each a list of numbers ≥ 1.
    func targets(_ root: [String: JSONValue]) throws -> (TargetKind, [Double]) {
        switch (root["compressions"], root["speedups"]) {
        case (let value?, nil): return (.compression, try compressions(value))
        case (nil, let value?): return (.speedup, try compressions(value, key: "speedups"))
        case (nil, nil): throw fail("compressions", "missing (or give 'speedups' for speedup targets)")
        case (_?, _?): throw fail("speedups", "give either 'compressions' or 'speedups', not both")
        }
    }

    func compressions(_ value: JSONValue, key: String = "compressions") throws -> [Double] {
        try list(value, key: key).enumerated().map { index, item in
            let target = try number(item, key: "\(key)[\(index)]")
            guard target >= 1 else { throw fail("\(key)[\(index)]", "expected a ratio ≥ 1, got \(target)") }
            return target
        }
    }

    func seeds(_ value: JSONValue) throws -> [UInt64] {
        try list(value, key: "seeds").enumerated().map { index, item in
            let seed = try number(item, key: "seeds[\(index)]")
            guard seed >= 0, seed == seed.rounded(), seed < 9_007_199_254_740_992 else {
                throw fail("seeds[\(index)]", "expected an integer in 0..<2^53, got \(seed)")
            }
            return UInt64(seed)
        }
    }

    /// The suite's tracks: `tracks:` (a list), or `fineTuning:` as one post-training track; exactly one.
    func tracks(_ root: [String: JSONValue]) throws -> [TrackPlan] {
        switch (root["tracks"], root["fineTuning"]) {
        case (nil, let fineTuning?):
            let object = try mapping(fineTuning, key: "fineTuning")
            try rejectUnknown(object, allowed: ["epochs", "steps", "recipe"], key: "fineTuning")
            return [TrackPlan(track: .postTraining, budget: try budget(object, key: "fineTuning"),
                              recipe: try decodeRecipe(object["recipe"] ?? .object([:]), key: "fineTuning.recipe"),
                              key: "fineTuning")]
        case (let tracks?, nil):
            let plans = try list(tracks, key: "tracks").enumerated().map { index, item in
                try track(item, key: "tracks[\(index)]")
            }
            var seen: [String: String] = [:]
            for plan in plans {
                if let earlier = seen[plan.name] {
                    throw fail(plan.key, "track '\(plan.name)' is already declared at \(earlier)")
                }
                seen[plan.name] = plan.key
            }
            return plans
        case (nil, nil):
            throw fail("tracks", "missing (or give 'fineTuning' for a single post-training track)")
        case (_?, _?):
            throw fail("fineTuning", "give either 'tracks' or 'fineTuning', not both")
        }
    }

    private func track(_ value: JSONValue, key: String) throws -> TrackPlan {
        let object = try mapping(value, key: key)
        try rejectUnknown(object, allowed: ["track", "epochs", "steps", "recipe", "initialisation"], key: key)
        let name = try string(require(object, "track", key: key), key: join(key, "track"))
        guard let track = Track(rawValue: name) else {
            throw fail(join(key, "track"), "unknown track '\(name)' (expected one of: "
                + "\(Track.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        var scale = InitialisationScale.dense
        if let value = object["initialisation"] {
            let text = try string(value, key: join(key, "initialisation"))
            guard let parsed = InitialisationScale(rawValue: text) else {
                throw fail(join(key, "initialisation"), "expected one of: "
                    + "\(InitialisationScale.allCases.map(\.rawValue).joined(separator: ", ")), got '\(text)'")
            }
            guard track == .fromInitialisation || parsed == .dense else {
                throw fail(join(key, "initialisation"), "only a from-initialisation track rescales initial weights")
            }
            scale = parsed
        }
        return TrackPlan(track: track, budget: try budget(object, key: key),
                         recipe: try decodeRecipe(object["recipe"] ?? .object([:]), key: join(key, "recipe")),
                         initialisation: scale, key: key)
    }

    /// Exactly one of `epochs` (≥ 0) and `steps` (an integer ≥ 0) of `object`.
    private func budget(_ object: [String: JSONValue], key: String) throws -> TrainingBudget {
        switch (object["epochs"], object["steps"]) {
        case (let epochs?, nil):
            let count = try number(epochs, key: join(key, "epochs"))
            guard count >= 0, count <= TrainingRecipe.maximumEpochs else {
                throw fail(join(key, "epochs"), "expected a number ≥ 0 and at most \(TrainingRecipe.maximumEpochs), got \(count)")
            }
            return TrainingBudget(epochs: count)
        case (nil, let steps?):
            let count = try number(steps, key: join(key, "steps"))
            guard count >= 0, count == count.rounded(), count <= Double(TrainingRecipe.maximumSteps) else {
                throw fail(join(key, "steps"), "expected an integer ≥ 0 and at most \(TrainingRecipe.maximumSteps), got \(count)")
            }
            return TrainingBudget(steps: Int(count))
        default:
            throw fail(key, "give exactly one of 'epochs' and 'steps'")
        }
    }

    func decodeRecipe(_ value: JSONValue, key: String) throws -> TrainingRecipe {
        _ = try mapping(value, key: key)
        do { return try value.decode(TrainingRecipe.self) } catch let error as DecodingError {
            throw fail(key, SuiteReader.describe(error))
        } catch {
            throw fail(key, String(describing: error))
        }
    }

    /// A one-line description of a decoding error with the path of the offending member.
    static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "" : " at '\(keys.joined(separator: "."))'"
        }
        switch error {
        case .typeMismatch(let type, let context): return "expected \(type)\(path(context)): \(context.debugDescription)"
        case .valueNotFound(let type, let context): return "missing \(type)\(path(context))"
        case .keyNotFound(let key, let context): return "missing key '\(key.stringValue)'\(path(context))"
        case .dataCorrupted(let context): return "\(context.debugDescription)\(path(context))"
        @unknown default: return String(describing: error)
        }
    }
}
