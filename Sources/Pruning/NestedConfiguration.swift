import Foundation

/// A JSON value held inside a method's configuration: a modifier's base-method configuration
/// (ToST's `baseConfiguration`), passed on as JSON to `MethodRegistry.method(named:configuration:)`.
public indirect enum NestedConfiguration: Codable, Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([NestedConfiguration])
    case object([String: NestedConfiguration])

    /// The empty object `{}` (the base's defaults).
    public static let defaults = NestedConfiguration.object([:])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([NestedConfiguration].self) { self = .array(value) }
        else { self = .object(try container.decode([String: NestedConfiguration].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }

    /// The value as JSON text (sorted keys).
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
