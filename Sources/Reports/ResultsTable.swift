import Bench
import Foundation

/// The runs a report is made from: records read from one or several results directories
/// (shards), one per digest, sorted by dataset, model, method, target, seed and digest.
public struct ResultsTable: Sendable {
    /// The records, one per digest.
    public var records: [RunRecord]
    /// Problems met while reading (unreadable files, conflicting duplicates), one line each.
    public var warnings: [String]

    /// A table of `records`, deduplicated by digest (a completed copy wins over a failed one,
    /// otherwise the first copy wins).
    public init(records: [RunRecord], warnings: [String] = []) {
        var chosen: [String: RunRecord] = [:]
        var warnings = warnings
        for record in records {
            guard let existing = chosen[record.digest] else { chosen[record.digest] = record; continue }
            if existing.status == .failed && record.status == .completed {
                chosen[record.digest] = record
            } else if existing.status == .completed && record.status == .completed
                        && existing.summary != record.summary {
                warnings.append("run \(record.digest.prefix(12)) is stored twice with different metrics; "
                    + "the first copy is used")
            }
        }
        self.records = chosen.values.sorted(by: ResultsTable.precedes)
        self.warnings = warnings
    }

    /// Reads every `<digest>.json` record in `directories` (which must exist).
    public static func load(directories: [String]) throws -> ResultsTable {
        var records: [RunRecord] = []
        var warnings: [String] = []
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        for directory in directories {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ReportsError.io(file: directory, message: "the results directory does not exist")
            }
            let names: [String]
            do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
                throw ReportsError.io(file: directory, message: "cannot list the results directory: \(error.localizedDescription)")
            }
            for name in names.sorted() where name.hasSuffix(".json") && !name.hasPrefix(".") {
                let path = URL(fileURLWithPath: directory).appendingPathComponent(name).path
                do {
                    let record = try decoder.decode(RunRecord.self, from: try Data(contentsOf: URL(fileURLWithPath: path)))
                    guard "\(record.digest).json" == name else {
                        warnings.append("\(path): skipped, the record's digest \(record.digest) does not match its file name")
                        continue
                    }
                    records.append(record)
                } catch {
                    warnings.append("\(path): skipped, not a readable run record (\(error))")
                }
            }
        }
        return ResultsTable(records: records, warnings: warnings)
    }

    /// The records that `filter` selects.
    public func filtered(_ filter: RunFilter) -> ResultsTable {
        var copy = self
        copy.records = records.filter(filter.includes)
        return copy
    }

    /// The completed records.
    public var completed: [RunRecord] { records.filter { $0.status == .completed } }
    /// The failed records.
    public var failed: [RunRecord] { records.filter { $0.status == .failed } }

    /// Report order: dataset, model, dense control first, method, target, seed, digest.
    static func precedes(_ a: RunRecord, _ b: RunRecord) -> Bool {
        let left = (a.labels.dataset, a.labels.model, controlRank(a.labels.method), a.labels.method)
        let right = (b.labels.dataset, b.labels.model, controlRank(b.labels.method), b.labels.method)
        if left != right { return left < right }
        return (a.spec.compression, a.spec.seed, a.digest) < (b.spec.compression, b.spec.seed, b.digest)
    }

    /// 0 for the dense control (listed first), 1 for every other method.
    static func controlRank(_ method: String) -> Int { Leaderboard.isControl(method) ? 0 : 1 }
}
