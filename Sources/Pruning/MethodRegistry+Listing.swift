import Foundation

/// Human-readable listings for `prunebench methods`.
extension MethodRegistry {
    /// One line per registered method: name, category, tracks and card, in aligned columns.
    public static func listing() -> String {
        let rows = [["NAME", "CATEGORY", "TRACK", "CARD"]] + all.map {
            [$0.name, $0.category.rawValue, $0.tracks.map(\.rawValue).joined(separator: ","), $0.card]
        }
        let widths = (0..<3).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            (0..<3).map { row[$0].padding(toLength: widths[$0] + 2, withPad: " ", startingAt: 0) }.joined() + row[3]
        }.joined(separator: "\n")
    }

    /// The card summary and configuration fields (with defaults) of method `name`; throws
    /// `unknownMethod` listing the registered names.
    public static func description(of name: String) throws -> String {
        let entry = try entry(named: name)
        let defaults = try ConfigurationJSON.object(entry.defaultConfiguration(), method: name)
        var lines = [
            "\(entry.name) — \(entry.category.rawValue)",
            "card: \(entry.card)",
            "starts from: " + (entry.startingPoint == .trained ? "the trained checkpoint" : "a fresh initialisation"),
            "track: " + entry.tracks.map(\.rawValue).joined(separator: ", "),
            "target: " + entry.targetKinds.map(\.rawValue).joined(separator: " or ") + "; " + entry.targetTolerance.summary,
            "",
            wrap(entry.summary, width: 100),
            "",
        ]
        if defaults.isEmpty {
            lines.append("configuration: none")
        } else {
            lines.append("configuration (defaults):")
            let width = defaults.keys.map(\.count).max() ?? 0
            for key in defaults.keys.sorted() {
                let value = try render(defaults[key] as Any)
                lines.append("  " + key.padding(toLength: width + 2, withPad: " ", startingAt: 0) + value)
            }
        }
        lines.append("as JSON: " + String(decoding: try entry.defaultConfiguration(), as: UTF8.self))
        return lines.joined(separator: "\n")
    }

    /// `text` broken into lines of at most `width` characters at spaces.
    static func wrap(_ text: String, width: Int) -> String {
        var lines: [String] = [], line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > width {
                lines.append(line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(line) }
        return lines.joined(separator: "\n")
    }

    /// A JSON fragment for one value.
    private static func render(_ value: Any) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }
}

extension TargetTolerance {
    /// How the method meets the compression target, in words.
    public var summary: String {
        switch self {
        case .entries(let n):
            return "kept entries within \(n) of f × prunable (ties at the threshold are all kept)"
        case .entriesPerTensor(let n):
            return "kept entries within \(n) per tensor of f × prunable (ties at a threshold are all kept)"
        case .binomial(let k):
            return "kept entries Binomial(prunable, f): within \(k) standard deviations of f × prunable"
        case .notApplicable:
            return "does not prune"
        case .wholeChannels:
            return "whole channels: the achieved compression or speedup reaches the target (one channel per layer of overshoot)"
        }
    }
}
