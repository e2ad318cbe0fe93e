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
        /// The track (protocol); empty when the runs declare none.
        public var track: String
        public var method: String
        public var target: Double

        public init(dataset: String, model: String, track: String = "", method: String, target: Double) {
            self.dataset = dataset
            self.model = model
            self.track = track
            self.method = method
            self.target = target
        }

        public static func < (a: Key, b: Key) -> Bool {
            (a.dataset, a.model, a.track, ResultsTable.controlRank(a.method), a.method, a.target)
                < (b.dataset, b.model, b.track, ResultsTable.controlRank(b.method), b.method, b.target)
        }

        /// `fashion-mnist · lenet5 · snip at 4×` (with the track when there is one).
        public var description: String {
            [dataset, model, track, method].filter { !$0.isEmpty }.joined(separator: " · ") + " at \(Formatting.target(target))×"
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
        /// Completed runs whose top-1 is not a finite number (left out of the mean; never in a baseline file).
        public var nonFiniteTop1: Int

        public init(key: Key, runs: Int, failed: Int, top1Mean: Double?, top1Std: Double?, compression: Double?,
                    nonFiniteTop1: Int = 0) {
            self.key = key
            self.runs = runs
            self.failed = failed
            self.top1Mean = top1Mean
            self.top1Std = top1Std
            self.compression = compression
            self.nonFiniteTop1 = nonFiniteTop1
        }

        /// The entry of a leaderboard row.
        public init(_ row: LeaderboardRow) {
            let top1 = row[.top1After]
            self.init(key: Key(dataset: row.dataset, model: row.model, track: row.track, method: row.method, target: row.target),
                      runs: row.runs, failed: row.failed, top1Mean: top1.count > 0 ? top1.mean : nil, top1Std: top1.std,
                      compression: row[.compression].count > 0 ? row[.compression].mean : nil, nonFiniteTop1: row.nonFiniteTop1)
        }
    }

    /// The entries, sorted by key.
    public var entries: [Entry]

    public init(entries: [Entry]) { self.entries = entries.sorted { $0.key < $1.key } }

    /// The baseline of `leaderboard`: one entry per row.
    public init(_ leaderboard: Leaderboard) { self.init(entries: leaderboard.rows.map(Entry.init)) }

    /// The baseline of `leaderboard` for writing: throws when a completed run has no finite top-1 or
    /// compression (a baseline must not enshrine a broken run) or when there is no entry at all.
    public init(validating leaderboard: Leaderboard) throws {
        self.init(leaderboard)
        guard !entries.isEmpty else { throw ReportsError.selection(message: "no runs selected: refusing to write an empty baseline") }
        for entry in entries where entry.nonFiniteTop1 > 0 || (entry.runs > 0 && entry.compression == nil) {
            throw ReportsError.selection(message: "\(entry.key.description): \(entry.nonFiniteTop1) of \(entry.runs) completed "
                + "runs have a top-1 or compression that is not a number; refusing to write it into a baseline")
        }
    }

    /// The columns written (all of them are read back); `track` only when some entry has one.
    public static let header = ["dataset", "model", "method", "target_compression", "runs", "failed",
                                "top1_after_mean", "top1_after_std", "compression_mean"]

    /// The baseline as CSV.
    public func csvTable() -> CSVTable {
        let tracks = entries.contains { !$0.key.track.isEmpty }
        return CSVTable(header: tracks ? ["track"] + Baseline.header : Baseline.header, rows: entries.map { entry in
            (tracks ? [entry.key.track] : [])
                + [entry.key.dataset, entry.key.model, entry.key.method, Formatting.target(entry.key.target),
                   "\(entry.runs)", "\(entry.failed)", Formatting.csv(entry.top1Mean), Formatting.csv(entry.top1Std),
                   Formatting.csv(entry.compression)]
        })
    }

    /// Reads the baseline CSV at `path`; errors name the file, row and column.
    ///
    /// Every entry is checked: top-1 mean a finite number in [0, 100], std finite, ≥ 0, at most the largest
    /// sample std that n values in [0, 100] can have (50·sqrt(n/(n − 1))), present exactly when runs ≥ 2;
    /// compression ≥ 1; numbers present exactly when runs > 0; no duplicate cells; at least one entry.
    public static func read(path: String) throws -> Baseline {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw ReportsError.io(file: path, message: "cannot read the baseline: \(error.localizedDescription)")
        }
        let table = try CSVTable.parse(text, file: path)
        guard !table.rows.isEmpty else {
            throw ReportsError.csv(file: path, row: 2, column: "(row)", message: "the baseline has a header but no "
                + "entries: it would pass anything; write it with `prunebench check --update`")
        }
        var entries: [Entry] = []
        var seen = Set<Key>()
        let reader = try BaselineRowReader(table: table, path: path)
        for index in table.rows.indices {
            let entry = try reader.entry(index)
            guard seen.insert(entry.key).inserted else {
                throw ReportsError.csv(file: path, row: index + 2, column: "(row)", message: "duplicate entry for \(entry.key.description)")
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
