import Bench
import Foundation

/// A committed baseline (`baselines/*.csv`): per dataset × model × method × target, the mean,
/// spread and count of test top-1 after fine-tuning and the achieved compression.
///
/// The file is a subset of `leaderboard.csv`'s columns, so a `leaderboard.csv` also reads as a baseline.
public struct Baseline: Hashable, Sendable {
    /// The cell a baseline entry describes.
    public struct Key: Hashable, Comparable, Sendable {
        public var dataset: String
        public var model: String
        public var method: String
        public var target: Double

        public init(dataset: String, model: String, method: String, target: Double) {
            self.dataset = dataset
            self.model = model
            self.method = method
            self.target = target
        }

        public static func < (a: Key, b: Key) -> Bool {
            (a.dataset, a.model, ResultsTable.controlRank(a.method), a.method, a.target)
                < (b.dataset, b.model, ResultsTable.controlRank(b.method), b.method, b.target)
        }
    }

    /// One baseline cell.
    public struct Entry: Hashable, Sendable {
        public var key: Key
        /// Completed runs (seeds) behind the numbers, and runs that failed.
        public var runs: Int
        public var failed: Int
        /// Mean and sample std of test top-1 (%) after fine-tuning (`nil`: no completed run / one run).
        public var top1Mean: Double?
        public var top1Std: Double?
        /// Mean achieved compression.
        public var compression: Double?

        public init(key: Key, runs: Int, failed: Int, top1Mean: Double?, top1Std: Double?, compression: Double?) {
            self.key = key
            self.runs = runs
            self.failed = failed
            self.top1Mean = top1Mean
            self.top1Std = top1Std
            self.compression = compression
        }

        /// The entry of a leaderboard row.
        public init(_ row: LeaderboardRow) {
            self.init(key: Key(dataset: row.dataset, model: row.model, method: row.method, target: row.target),
                      runs: row.runs, failed: row.failed, top1Mean: row.runs > 0 ? row[.top1After].mean : nil,
                      top1Std: row[.top1After].std, compression: row.runs > 0 ? row[.compression].mean : nil)
        }
    }

    /// The entries, sorted by key.
    public var entries: [Entry]

    public init(entries: [Entry]) { self.entries = entries.sorted { $0.key < $1.key } }

    /// The baseline of `leaderboard`: one entry per row.
    public init(_ leaderboard: Leaderboard) { self.init(entries: leaderboard.rows.map(Entry.init)) }

    /// The columns written (all of them are read back).
    public static let header = ["dataset", "model", "method", "target_compression", "runs", "failed",
                                "top1_after_mean", "top1_after_std", "compression_mean"]

    /// The baseline as CSV.
    public func csvTable() -> CSVTable {
        CSVTable(header: Baseline.header, rows: entries.map { entry in
            [entry.key.dataset, entry.key.model, entry.key.method, Formatting.target(entry.key.target),
             "\(entry.runs)", "\(entry.failed)", Formatting.csv(entry.top1Mean), Formatting.csv(entry.top1Std),
             Formatting.csv(entry.compression)]
        })
    }

    /// Reads the baseline CSV at `path`; errors name the file, row and column.
    public static func read(path: String) throws -> Baseline {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ReportsError.io(file: path, message: "cannot read the baseline: \(error.localizedDescription)")
        }
        let table = try CSVTable.parse(text, file: path)
        // `runs` may be spelled `top1_after_n` (a leaderboard.csv); `failed` may be absent.
        let runsColumn = try table.header.firstIndex(of: "runs").map { $0 } ?? table.column("top1_after_n", file: path)
        let columns = try ["dataset", "model", "method", "target_compression", "top1_after_mean", "top1_after_std",
                           "compression_mean"].map { try table.column($0, file: path) }
        let failedColumn = table.header.firstIndex(of: "failed")
        var entries: [Entry] = []
        var seen = Set<Key>()
        for (index, row) in table.rows.enumerated() {
            let line = index + 2
            func number(_ column: Int, _ name: String) throws -> Double? {
                let text = row[column].trimmingCharacters(in: .whitespaces)
                if text.isEmpty { return nil }
                guard let value = Double(text), value.isFinite else {
                    throw ReportsError.csv(file: path, row: line, column: name, message: "expected a number, found '\(text)'")
                }
                return value
            }
            func count(_ column: Int, _ name: String) throws -> Int {
                guard let value = Int(row[column].trimmingCharacters(in: .whitespaces)), value >= 0 else {
                    throw ReportsError.csv(file: path, row: line, column: name,
                                           message: "expected a count (0 or more), found '\(row[column])'")
                }
                return value
            }
            guard let target = try number(columns[3], "target_compression"), target >= 1 else {
                throw ReportsError.csv(file: path, row: line, column: "target_compression",
                                       message: "expected a compression target ≥ 1, found '\(row[columns[3]])'")
            }
            let key = Key(dataset: row[columns[0]], model: row[columns[1]], method: row[columns[2]], target: target)
            guard seen.insert(key).inserted else {
                throw ReportsError.csv(file: path, row: line, column: "(row)", message: "duplicate entry for "
                    + "\(key.dataset) · \(key.model) · \(key.method) at \(Formatting.target(target))×")
            }
            let entry = Entry(key: key, runs: try count(runsColumn, table.header[runsColumn]),
                              failed: try failedColumn.map { try count($0, "failed") } ?? 0,
                              top1Mean: try number(columns[4], "top1_after_mean"), top1Std: try number(columns[5], "top1_after_std"),
                              compression: try number(columns[6], "compression_mean"))
            if entry.runs > 0 && (entry.top1Mean == nil || entry.compression == nil) {
                throw ReportsError.csv(file: path, row: line, column: entry.top1Mean == nil ? "top1_after_mean" : "compression_mean",
                                       message: "expected a number for an entry with \(entry.runs) completed runs, found none")
            }
            entries.append(entry)
        }
        return Baseline(entries: entries)
    }

    /// Writes the baseline to `path` atomically (temporary file + rename), creating its directory.
    public func write(path: String) throws {
        let url = URL(fileURLWithPath: path)
        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        } catch {
            throw ReportsError.io(file: path, message: "cannot create the baseline's directory: \(error.localizedDescription)")
        }
        try writeAtomically(Data(try csvTable().text(file: path).utf8), to: url)
    }
}
