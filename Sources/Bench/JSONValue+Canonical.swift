import Crypto
import Foundation

/// Canonical JSON: the one text a value hashes as.
///
/// Rules: no whitespace; object keys sorted by their UTF-8 bytes; numbers that are integral and
/// at most 2^53 in magnitude print as integers (`2`, not `2.0`), other finite numbers print in
/// Swift's shortest round-trip form (`0.1`, `1e-05`), non-finite numbers print as `null`; strings
/// escape `"` and `\`, use `\b \f \n \r \t`, `\u00XX` for other control characters, and keep
/// every other character as raw UTF-8. This matches Python's
/// `json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False)` for ASCII keys and
/// integral or short decimal numbers, which is how the pinned digests in the tests were derived.
extension JSONValue {
    /// The canonical JSON text of this value.
    public var canonical: String {
        var output = ""
        writeCanonical(into: &output)
        return output
    }

    /// The lowercase hex SHA-256 of the canonical text's UTF-8 bytes.
    public var canonicalDigest: String { sha256Hex(Data(canonical.utf8)) }

    private func writeCanonical(into output: inout String) {
        switch self {
        case .null: output += "null"
        case .bool(let value): output += value ? "true" : "false"
        case .number(let value): output += JSONValue.canonicalNumber(value)
        case .string(let value): JSONValue.writeString(value, into: &output)
        case .array(let items):
            output += "["
            for (index, item) in items.enumerated() {
                if index > 0 { output += "," }
                item.writeCanonical(into: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            let keys = members.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            for (index, key) in keys.enumerated() {
                if index > 0 { output += "," }
                JSONValue.writeString(key, into: &output)
                output += ":"
                members[key]?.writeCanonical(into: &output)
            }
            output += "}"
        }
    }

    static func canonicalNumber(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if let integer = exactInteger(value) { return String(integer) }
        return value.description
    }

    private static func writeString(_ value: String, into output: inout String) {
        output += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case _ where scalar.value < 0x20:
                output += "\\u" + String(format: "%04x", scalar.value)
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}

/// The lowercase hex SHA-256 of `data`.
public func sha256Hex(_ data: Data) -> String {
    SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
}

/// The lowercase hex SHA-256 of a file's bytes, read in 1 MiB chunks.
public func sha256Hex(ofFile path: String) throws -> String {
    guard let handle = FileHandle(forReadingAtPath: path) else {
        throw BenchError.io(file: path, message: "cannot open the file to compute its SHA-256")
    }
    defer { try? handle.close() }
    var hasher = SHA256()
    while true {
        let chunk = try handle.read(upToCount: 1 << 20) ?? Data()
        if chunk.isEmpty { break }
        hasher.update(data: chunk)
    }
    return hasher.finalize().map { String(format: "%02x", $0) }.joined()
}
