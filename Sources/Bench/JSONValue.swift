import Foundation

/// A JSON document as a value: what method configurations and recipes are stored as, and what run
/// descriptions are canonicalised through.
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    /// Every number is held as a `Double`; integral values print without a fraction (see `canonical`).
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The members of an object, or `nil` for any other kind of value.
    public var objectValue: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// A short name of this value's kind for error messages ("a number", "an object", …).
    public var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "a list"
        case .object: "a mapping"
        }
    }
}

extension JSONValue: Codable {
    /// Decodes any JSON (or YAML, through Yams) value.
    public init(from decoder: any Decoder) throws {
        if var list = try? decoder.unkeyedContainer() {
            var items: [JSONValue] = []
            while !list.isAtEnd { items.append(try list.decode(JSONValue.self)) }
            self = .array(items)
            return
        }
        if let keyed = try? decoder.container(keyedBy: AnyKey.self) {
            var members: [String: JSONValue] = [:]
            for key in keyed.allKeys { members[key.stringValue] = try keyed.decode(JSONValue.self, forKey: key) }
            self = .object(members)
            return
        }
        let single = try decoder.singleValueContainer()
        if single.decodeNil() {
            self = .null
        } else if let value = try? single.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? single.decode(Int64.self) {
            self = .number(Double(value))
        } else if let value = try? single.decode(Double.self) {
            self = .number(value)
        } else {
            self = .string(try single.decode(String.self))
        }
    }

    /// Encodes the value; integral numbers are encoded as integers.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var single = encoder.singleValueContainer()
            try single.encodeNil()
        case .bool(let value):
            var single = encoder.singleValueContainer()
            try single.encode(value)
        case .number(let value):
            var single = encoder.singleValueContainer()
            if let integer = JSONValue.exactInteger(value) { try single.encode(integer) } else { try single.encode(value) }
        case .string(let value):
            var single = encoder.singleValueContainer()
            try single.encode(value)
        case .array(let items):
            var list = encoder.unkeyedContainer()
            for item in items { try list.encode(item) }
        case .object(let members):
            var keyed = encoder.container(keyedBy: AnyKey.self)
            for key in members.keys.sorted() { try keyed.encode(members[key], forKey: AnyKey(key)) }
        }
    }

    /// `value` as an `Int64` when it is integral and exactly representable (|v| ≤ 2^53).
    static func exactInteger(_ value: Double) -> Int64? {
        guard value.isFinite, value == value.rounded(), abs(value) <= 9_007_199_254_740_992 else { return nil }
        return Int64(value)
    }
}

extension JSONValue {
    /// The value of any `Encodable` as JSON (through `JSONEncoder`).
    public init(encoding value: some Encodable) throws {
        let data = try JSONEncoder().encode(value)
        self = try JSONDecoder().decode(JSONValue.self, from: data)
    }

    /// The key path (`tracks[0].recipe.optimizer.lr`) and value of the first NaN or infinite number, in key order.
    public func firstNonFiniteNumber(at path: String = "") -> (String, Double)? {
        switch self {
        case .number(let value): return value.isFinite ? nil : (path, value)
        case .array(let items):
            for (index, item) in items.enumerated() {
                if let found = item.firstNonFiniteNumber(at: "\(path)[\(index)]") { return found }
            }
            return nil
        case .object(let members):
            for key in members.keys.sorted() {
                if let found = members[key]!.firstNonFiniteNumber(at: path.isEmpty ? key : "\(path).\(key)") { return found }
            }
            return nil
        case .null, .bool, .string: return nil
        }
    }

    /// Decodes a `Decodable` type from this value (through `JSONDecoder`).
    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(type, from: Data(canonical.utf8))
    }

    /// This object with `other`'s members laid over it, recursively for nested objects.
    public func merging(_ other: JSONValue) -> JSONValue {
        guard case .object(var base) = self, case .object(let top) = other else { return other }
        for (key, value) in top { base[key] = base[key].map { $0.merging(value) } ?? value }
        return .object(base)
    }

    /// This value without the object members that equal the member of `defaults` at the same place.
    ///
    /// Nested objects are compared member by member; lists and scalars must be equal as a whole.
    /// A member absent from `defaults` is always kept.
    public func omittingDefaults(_ defaults: JSONValue) -> JSONValue {
        guard case .object(let members) = self, case .object(let base) = defaults else { return self }
        var kept: [String: JSONValue] = [:]
        for (key, value) in members {
            guard let defaultValue = base[key] else { kept[key] = value; continue }
            if value == defaultValue { continue }
            let reduced = value.omittingDefaults(defaultValue)
            if case .object(let rest) = reduced, rest.isEmpty, case .object = defaultValue { continue }
            kept[key] = reduced
        }
        return .object(kept)
    }
}

/// A coding key made from any string.
struct AnyKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(_ string: String) { stringValue = string }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { stringValue = String(intValue) }
}
