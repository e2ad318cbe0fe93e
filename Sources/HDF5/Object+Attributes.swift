import CHDF5
import Foundation

extension Object {
    /// The names of this object's attributes, in name order.
    public func attributeNames() throws -> [String] {
        let collector = NameCollector()
        let context = Unmanaged.passUnretained(collector).toOpaque()
        var index: hsize_t = 0
        try Library.status("list attributes", site) {
            H5Aiterate2(handle.id, H5_INDEX_NAME, H5_ITER_INC, &index, { _, name, _, context in
                guard let name, let context else { return 0 }
                Unmanaged<NameCollector>.fromOpaque(context).takeUnretainedValue().names.append(String(cString: name))
                return 0
            }, context)
        }
        return collector.names
    }

    /// True when the object has an attribute called `name`.
    public func hasAttribute(_ name: String) throws -> Bool {
        try Library.status("look up attribute \"\(name)\"", site) { H5Aexists(handle.id, name) } > 0
    }

    /// What the attribute stores and its shape (`[]` for a scalar).
    public func attributeInfo(_ name: String) throws -> (type: StoredType, shape: [Int]) {
        let attribute = try openAttribute(name)
        return (try attribute.storedType(), try attribute.shape())
    }

    /// Reads a string attribute holding exactly one string (fixed or variable length).
    public func stringAttribute(_ name: String) throws -> String {
        let strings = try stringArrayAttribute(name)
        guard strings.count == 1, let string = strings.first else {
            throw attributeSite(name).error("read attribute", "holds \(strings.count) strings, expected one")
        }
        return string
    }

    /// Reads a string attribute of any shape (fixed or variable length), row-major.
    public func stringArrayAttribute(_ name: String) throws -> [String] {
        try openAttribute(name).readStrings()
    }

    /// Reads a numeric attribute of any shape as `T`, converting from the stored numeric type.
    public func numericAttribute<T: HDF5Element>(_ name: String, as type: T.Type = T.self) throws -> [T] {
        try openAttribute(name).readNumbers()
    }

    /// Reads a numeric attribute holding exactly one value as `T`.
    public func scalarAttribute<T: HDF5Element>(_ name: String, as type: T.Type = T.self) throws -> T {
        let values: [T] = try numericAttribute(name)
        guard values.count == 1, let value = values.first else {
            throw attributeSite(name).error("read attribute", "holds \(values.count) values, expected one")
        }
        return value
    }

    /// Decodes a JSON document stored as a string attribute.
    public func jsonAttribute<T: Decodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        let text = try stringAttribute(name)
        do {
            return try JSONDecoder().decode(T.self, from: Data(text.utf8))
        } catch {
            throw attributeSite(name).error("decode JSON attribute", "expected JSON for \(T.self): \(describe(error))")
        }
    }

    /// The attribute's value in a form for display and generic inspection.
    public func attributeValue(_ name: String) throws -> AttributeValue {
        let attribute = try openAttribute(name)
        let shape = try attribute.shape()
        switch try attribute.storedType() {
        case .string: return .strings(try attribute.readStrings(), shape: shape)
        case .numeric(let type) where type.isInteger: return .integers(try attribute.readNumbers(), shape: shape)
        case .numeric(.float32): return .floats(try attribute.readNumbers(), shape: shape)
        case .numeric: return .reals(try attribute.readNumbers(), shape: shape)
        case .enumeration(let base): return .unsupported("enum of \(base.rawValue)")
        case .other(let description): return .unsupported(description)
        }
    }

    /// Opens the attribute `name`, with a clear error when it is missing.
    func openAttribute(_ name: String) throws -> Attribute {
        let at = attributeSite(name)
        guard try hasAttribute(name) else { throw at.error("read attribute", "no such attribute") }
        let id = try Library.id("open attribute", at) { H5Aopen(handle.id, name, hid_t(H5P_DEFAULT)) }
        return Attribute(Handle(id, .attribute), site: at)
    }

    /// The site naming attribute `name` of this object, e.g. "/train@labels".
    func attributeSite(_ name: String) -> Site {
        Site(file: site.file, object: "\(site.object) attribute \"\(name)\"")
    }
}

/// A generic attribute value, as read for display.
public enum AttributeValue: Sendable, Equatable, CustomStringConvertible {
    case strings([String], shape: [Int])
    case integers([Int64], shape: [Int])
    case reals([Double], shape: [Int])
    case floats([Float], shape: [Int])
    case unsupported(String)

    public var description: String {
        switch self {
        case .strings(let values, let shape): AttributeValue.format(values.map { quoted($0) }, shape)
        case .integers(let values, let shape): AttributeValue.format(values.map { "\($0)" }, shape)
        case .reals(let values, let shape): AttributeValue.format(values.map { "\($0)" }, shape)
        case .floats(let values, let shape): AttributeValue.format(values.map { "\($0)" }, shape)
        case .unsupported(let type): "<\(type)>"
        }
    }

    private static func format(_ items: [String], _ shape: [Int]) -> String {
        if shape.isEmpty, let item = items.first { return item }
        let limit = 12
        let shown = items.prefix(limit).joined(separator: ", ")
        return "[" + shown + (items.count > limit ? ", … (\(items.count) values)" : "") + "]"
    }
}

/// A JSON-style quoted string for display.
private func quoted(_ text: String) -> String {
    let escaped = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        .replacingOccurrences(of: "\n", with: "\\n")
    let limit = 200
    return "\"" + (escaped.count > limit ? escaped.prefix(limit) + "…" : escaped) + "\""
}

/// A one-line description of any error.
func describe(_ error: any Error) -> String {
    String(describing: error).replacingOccurrences(of: "\n", with: " ")
}

/// Accumulates attribute names during `H5Aiterate2`.
private final class NameCollector {
    var names: [String] = []
}
