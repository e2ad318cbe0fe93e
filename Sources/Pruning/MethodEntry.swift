import Foundation
import NN

/// One registered method: its identity, card, and a factory from configuration JSON.
public struct MethodEntry: Sendable {
    /// The registry name, e.g. `global-magnitude`.
    public let name: String
    /// The kind of method.
    public let category: MethodCategory
    /// The method card's file name in `shared/methods/`.
    public let card: String
    /// One paragraph after the card.
    public let summary: String
    /// Where the session's model starts.
    public let startingPoint: StartingPoint
    /// The tracks the method competes in.
    public let tracks: [Track]
    /// How closely the masks meet the compression target.
    public let targetTolerance: TargetTolerance
    /// The kinds of target the method can aim at.
    public let targetKinds: [TargetKind]
    /// Why the method cannot prune a model (`nil` when it can); see `PruningMethod.notApplicable(to:)`.
    public let notApplicable: @Sendable (Model) -> String?
    private let build: @Sendable (Data?) throws -> any PruningMethod
    private let defaults: @Sendable () throws -> Data
    private let normalize: @Sendable (Data?) throws -> Data

    /// The entry of `method`.
    public init<M: PruningMethod>(_ method: M.Type) {
        name = M.name
        category = M.category
        card = M.card
        summary = M.summary
        startingPoint = M.startingPoint
        tracks = M.tracks
        targetTolerance = M.targetTolerance
        targetKinds = M.targetKinds
        notApplicable = { M.notApplicable(to: $0) }
        build = { json in M(configuration: try ConfigurationJSON.decode(M.Configuration.self, json, method: M.name)) }
        defaults = { try ConfigurationJSON.encodeListingNils(M.Configuration()) }
        normalize = { json in
            let configuration = try ConfigurationJSON.decode(M.Configuration.self, json, method: M.name)
            return try ConfigurationJSON.withoutDefaults(configuration, method: M.name)
        }
    }

    /// The method configured by `configuration` (a JSON object; missing fields take the card's
    /// defaults; `nil` means all defaults). Unknown fields and bad values throw, naming the method.
    public func method(configuration: Data? = nil) throws -> any PruningMethod {
        try build(configuration)
    }

    /// The default configuration as JSON (sorted keys; settings that default to nothing appear as `null`).
    public func defaultConfiguration() throws -> Data { try defaults() }

    /// The configuration in canonical form: sorted keys, fields equal to their default omitted
    /// (`{}` for the defaults), so adding a defaulted field never changes a run's digest.
    public func canonicalConfiguration(_ configuration: Data?) throws -> Data { try normalize(configuration) }
}

/// Configuration JSON handling shared by all methods: overlay on defaults, reject unknown fields.
enum ConfigurationJSON {
    /// Encodes with sorted keys.
    static func encode<C: Encodable>(_ value: C) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value)
    }

    /// Encodes with sorted keys, listing optional settings that are `nil` as `null` (a plain encoder
    /// drops them, and a suite checks its keys against this list).
    static func encodeListingNils<C: Encodable>(_ value: C) throws -> Data {
        var object = try self.object(encode(value), method: "\(C.self)")
        for child in Mirror(reflecting: value).children {
            guard let label = child.label, object[label] == nil else { continue }
            let inner = Mirror(reflecting: child.value)
            if inner.displayStyle == .optional, inner.children.isEmpty { object[label] = NSNull() }
        }
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    }

    /// Decodes `json` laid over the defaults of `C`; throws `badConfiguration` for a non-object,
    /// an unknown field, or a value of the wrong type.
    static func decode<C: MethodConfiguration>(_ type: C.Type, _ json: Data?, method: String) throws -> C {
        guard let json, !json.isEmpty else { return C() }
        let given = try object(json, method: method)
        var merged = try object(encode(C()), method: method)
        for (key, value) in given { merged[key] = value }
        let configuration: C
        do {
            let data = try JSONSerialization.data(withJSONObject: merged, options: [.sortedKeys])
            configuration = try JSONDecoder().decode(C.self, from: data)
        } catch let error as DecodingError {
            throw PruningError.badConfiguration(method: method, reason: describe(error))
        }
        let known = try object(encode(configuration), method: method)
        if let unknown = given.keys.sorted().first(where: { known[$0] == nil && !(given[$0] is NSNull) }) {
            throw PruningError.badConfiguration(
                method: method,
                reason: "unknown field '\(unknown)'; fields: " + known.keys.sorted().joined(separator: ", "))
        }
        return configuration
    }

    /// The fields of `configuration` that differ from the defaults, as sorted-key JSON.
    static func withoutDefaults<C: MethodConfiguration>(_ configuration: C, method: String) throws -> Data {
        let full = try object(encode(configuration), method: method)
        let defaults = try object(encode(C()), method: method)
        let changed = try full.filter { key, value in
            guard let base = defaults[key] else { return true }
            return try fragment(value) != fragment(base)
        }
        return try JSONSerialization.data(withJSONObject: changed, options: [.sortedKeys, .withoutEscapingSlashes])
    }

    /// One JSON value as canonical text, for comparing values.
    static func fragment(_ value: Any) throws -> Data {
        try JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys])
    }

    /// Parses a JSON object.
    static func object(_ json: Data, method: String) throws -> [String: Any] {
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: json) } catch {
            throw PruningError.badConfiguration(method: method, reason: "not valid JSON: \(error.localizedDescription)")
        }
        guard let object = parsed as? [String: Any] else {
            throw PruningError.badConfiguration(method: method, reason: "expected a JSON object")
        }
        return object
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case let .typeMismatch(type, context), let .valueNotFound(type, context):
            return "field '\(path(context))': expected \(type)"
        case let .keyNotFound(key, context):
            return "missing field '\(path(context).isEmpty ? key.stringValue : path(context) + "." + key.stringValue)'"
        case let .dataCorrupted(context):
            return "field '\(path(context))': \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    private static func path(_ context: DecodingError.Context) -> String {
        context.codingPath.map(\.stringValue).joined(separator: ".")
    }
}
