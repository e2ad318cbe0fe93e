import CSV
import Foundation

extension Leaderboard {
    /// The leaderboard as GitHub-flavoured Markdown: one table per dataset × model.
    public func markdown(title: String) -> String {
        var lines = ["# \(title)", "",
                     "Test top-1 accuracy (%) as mean ± sample std over seeds (n = seeds); Δ dense = mean top-1 "
                        + "after fine-tuning minus the dense control's. Compression = all parameters / nonzero; "
                        + "speedup = dense / remaining multiply-accumulates."]
        var sections: [(String, String)] = []
        for row in rows where sections.last.map({ $0 != (row.dataset, row.model) }) ?? true {
            sections.append((row.dataset, row.model))
        }
        for (dataset, model) in sections {
            lines += ["", "## \(escapeMarkdown(dataset)) · \(escapeMarkdown(model))", "",
                      "| Method | Target | n | Top-1 before FT | Top-1 after FT | Δ dense | Compression | Speedup | Failed |",
                      "|:--|--:|--:|--:|--:|--:|--:|--:|--:|"]
            for row in rows where row.dataset == dataset && row.model == model {
                let cells = [
                    escapeMarkdown(row.method), "\(formatTarget(row.target))×", "\(row.runs)",
                    formatAggregate(row.top1Before), formatAggregate(row.top1After),
                    row.deltaFromDense.map { String(format: "%+.2f", $0) } ?? "–",
                    row.runs > 0 ? String(format: "%.2f×", row.compression.mean) : "–",
                    row.runs > 0 ? String(format: "%.2f×", row.speedup.mean) : "–",
                    "\(row.failed)",
                ]
                lines.append("| " + cells.joined(separator: " | ") + " |")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The CSV header: one column per aggregated value.
    public static let csvHeader = [
        "dataset", "model", "method", "target_compression", "n", "failed",
        "top1_before_mean", "top1_before_std", "top1_after_mean", "top1_after_std", "delta_dense",
        "compression_mean", "compression_std", "speedup_mean", "speedup_std",
    ]

    /// The leaderboard as RFC 4180 CSV (CRLF line ends), one row per dataset × model × method × target.
    public func csv() throws -> String {
        let stream = OutputStream(toMemory: ())
        let writer = try CSVWriter(stream: stream, newline: .crlf)
        try writer.write(row: Leaderboard.csvHeader)
        for row in rows {
            try writer.write(row: [
                row.dataset, row.model, row.method, formatTarget(row.target), "\(row.runs)", "\(row.failed)",
                csvNumber(row.top1Before.mean, row.runs), csvNumber(row.top1Before.std),
                csvNumber(row.top1After.mean, row.runs), csvNumber(row.top1After.std), csvNumber(row.deltaFromDense),
                csvNumber(row.compression.mean, row.runs), csvNumber(row.compression.std),
                csvNumber(row.speedup.mean, row.runs), csvNumber(row.speedup.std),
            ])
        }
        writer.stream.close()
        guard let data = stream.property(forKey: .dataWrittenToMemoryStreamKey) as? Data,
              let text = String(data: data, encoding: .utf8) else {
            throw BenchError.io(file: "leaderboard.csv", message: "the CSV writer produced no UTF-8 text")
        }
        return text + "\r\n"
    }

    /// Writes `leaderboard.md` and `leaderboard.csv` into `directory` (atomically, creating it).
    public func write(to directory: String, title: String) throws {
        let url = URL(fileURLWithPath: directory, isDirectory: true)
        do { try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true) } catch {
            throw BenchError.io(file: directory, message: "cannot create the report directory: \(error)")
        }
        try writeAtomically(Data(markdown(title: title).utf8), to: url.appendingPathComponent("leaderboard.md"))
        try writeAtomically(Data(try csv().utf8), to: url.appendingPathComponent("leaderboard.csv"))
    }
}

/// `88.12 ± 0.31`, `88.12` for one value, `–` for none.
func formatAggregate(_ aggregate: Aggregate) -> String {
    guard aggregate.count > 0 else { return "–" }
    let mean = String(format: "%.2f", aggregate.mean)
    return aggregate.std.map { mean + String(format: " ± %.2f", $0) } ?? mean
}

/// A compression target without a trailing `.0` (`8`, `2.5`).
func formatTarget(_ target: Double) -> String { JSONValue.canonicalNumber(target) }

/// A number for CSV with 6 significant decimals, empty when absent (or when `count` is 0).
func csvNumber(_ value: Double?, _ count: Int = 1) -> String {
    guard let value, count > 0, value.isFinite else { return "" }
    return String(format: "%.6g", value)
}

/// `text` with the characters that break a Markdown table cell escaped.
func escapeMarkdown(_ text: String) -> String {
    text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
}
