import Foundation
import Yams

/// Reads a YAML document (a suite) into a `JSONValue` with the YAML 1.2 core schema's plain scalars and bounded
/// work: only `true`/`false` are booleans (not `on`, `yes`), only decimal numbers and `.inf`/`.nan` are numbers
/// (`inf`, `0x1F`, `1:20` stay strings), and quoted scalars are always strings. A document larger than
/// `maximumBytes`, nested deeper than `maximumDepth` or expanding (through aliases) to more than `maximumValues`
/// values is refused before it costs memory or time. Syntax errors name the line and column.
public struct YAMLDocument: Sendable {
    /// The largest document read, in bytes (a suite is a few kilobytes).
    public var maximumBytes = 1 << 20
    /// The deepest nesting of mappings and lists.
    public var maximumDepth = 64
    /// The most values (scalars, mappings, lists) after expanding aliases.
    public var maximumValues = 100_000

    /// The default limits.
    public init() {}

    /// A problem with the document, in one line.
    public struct Problem: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// The document's value; throws a `Problem` for bad syntax, a non-string key or a limit exceeded.
    public func parse(_ text: String) throws -> JSONValue {
        let bytes = text.utf8.count
        guard bytes <= maximumBytes else {
            throw Problem(description: "the document is \(bytes) bytes; the limit is \(maximumBytes)")
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text, .basic)
        } catch {
            throw Problem(description: Self.describe(error))
        }
        guard let node else { return .null }
        var budget = maximumValues
        return try value(node, depth: 0, budget: &budget)
    }

    private func value(_ node: Node, depth: Int, budget: inout Int) throws -> JSONValue {
        budget -= 1
        guard budget >= 0 else {
            throw Problem(description: "the document expands to more than \(maximumValues) values (aliases repeating "
                + "aliases?); a suite needs far fewer")
        }
        guard depth <= maximumDepth else {
            throw Problem(description: "the document nests deeper than \(maximumDepth) levels")
        }
        switch node {
        case .scalar(let scalar):
            return scalar.style == .plain ? Self.plainScalar(scalar.string) : .string(scalar.string)
        case .sequence(let sequence):
            return .array(try sequence.map { try value($0, depth: depth + 1, budget: &budget) })
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
            for (key, item) in mapping {
                guard case .scalar(let name) = key else {
                    throw Problem(description: "a mapping key at line \(key.mark?.line ?? 0) is not a plain name")
                }
                guard members[name.string] == nil else {
                    throw Problem(description: "key '\(name.string)' appears twice in one mapping (line \(key.mark?.line ?? 0))")
                }
                members[name.string] = try value(item, depth: depth + 1, budget: &budget)
            }
            return .object(members)
        case .alias:
            throw Problem(description: "an unresolved alias")
        }
    }

    /// One line: where the parser stopped and why.
    static func describe(_ error: any Error) -> String {
        guard let error = error as? YamlError else { return "invalid YAML: \(error)" }
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _),
             let .composer(context, problem, mark, _):
            let where_ = context.map { " (\($0.text) at line \($0.mark.line))" } ?? ""
            return "invalid YAML at line \(mark.line), column \(mark.column): \(problem)\(where_)"
        case let .duplicatedKeysInMapping(duplicates, context):
            return "key " + duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")
                + " appears twice in one mapping (the mapping at line \(context.mark.line))"
        default:
            return "invalid YAML: " + (String(describing: error).split(separator: "\n").first.map(String.init) ?? "")
        }
    }

    /// A plain scalar under the YAML 1.2 core schema: null, true/false, a decimal number, ±.inf or .nan; else text.
    static func plainScalar(_ text: String) -> JSONValue {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .number(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .number(-.infinity)
        case ".nan", ".NaN", ".NAN": return .number(.nan)
        default: break
        }
        guard text.range(of: #"^[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"#, options: .regularExpression) != nil,
              let number = Double(text) else { return .string(text) }
        return .number(number)
    }
}
