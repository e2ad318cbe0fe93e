import Foundation

/// Reads and checks the rows of a baseline CSV, naming the file, row and column of anything wrong.
struct BaselineRowReader {
    let table: CSVTable
    let path: String
    /// Column indices; `runs` may be spelled `top1_after_n` (a leaderboard.csv), `failed` and `track` may be absent.
    let dataset, model, method, target, runs, mean, std, compression: Int
    let failed: Int?
    let track: Int?

    init(table: CSVTable, path: String) throws {
        self.table = table
        self.path = path
        runs = try table.header.firstIndex(of: "runs") ?? table.column("top1_after_n", file: path)
        let columns = try ["dataset", "model", "method", "target_compression", "top1_after_mean", "top1_after_std",
                           "compression_mean"].map { try table.column($0, file: path) }
        (dataset, model, method, target, mean, std, compression) = (columns[0], columns[1], columns[2], columns[3],
                                                                    columns[4], columns[5], columns[6])
        failed = table.header.firstIndex(of: "failed")
        track = table.header.firstIndex(of: "track")
    }

    /// The checked entry of data row `index` (0-based; file row `index + 2`).
    func entry(_ index: Int) throws -> Baseline.Entry {
        let row = table.rows[index], line = index + 2
        func fail(_ column: String, _ message: String) -> ReportsError {
            ReportsError.csv(file: path, row: line, column: column, message: message)
        }
        func field(_ column: Int) -> String { row[column].trimmingCharacters(in: .whitespaces) }
        func number(_ column: Int) throws -> Double? {
            let text = field(column)
            if text.isEmpty { return nil }
            guard let value = Double(text), value.isFinite else {
                throw fail(table.header[column], "expected a finite number, found '\(text)'")
            }
            return value
        }
        func count(_ column: Int) throws -> Int {
            guard let value = Int(field(column)), value >= 0 else {
                throw fail(table.header[column], "expected a count (0 or more), found '\(row[column])'")
            }
            return value
        }
        guard let goal = try number(target), goal >= 1 else {
            throw fail("target_compression", "expected a compression target ≥ 1, found '\(row[target])'")
        }
        let key = Baseline.Key(dataset: row[dataset], model: row[model], track: track.map { row[$0] } ?? "",
                               method: row[method], target: goal)
        let entry = Baseline.Entry(key: key, runs: try count(runs), failed: try failed.map(count) ?? 0,
                                   top1Mean: try number(mean), top1Std: try number(std), compression: try number(compression))
        try check(entry, fail: fail)
        return entry
    }

    /// Throws unless `entry`'s numbers are consistent with its run count and possible for accuracies.
    private func check(_ entry: Baseline.Entry, fail: (String, String) -> ReportsError) throws {
        let runs = entry.runs
        if runs == 0 {
            if entry.top1Mean != nil || entry.top1Std != nil || entry.compression != nil {
                throw fail("runs", "an entry with 0 completed runs cannot have a top-1 or compression")
            }
            return
        }
        guard let mean = entry.top1Mean else { throw fail("top1_after_mean", "expected a number for an entry with \(runs) completed runs, found none") }
        guard (0...100).contains(mean) else { throw fail("top1_after_mean", "expected a top-1 in [0, 100] %, found \(mean)") }
        guard let compression = entry.compression else {
            throw fail("compression_mean", "expected a number for an entry with \(runs) completed runs, found none")
        }
        guard compression >= 1 - 1e-9 else { throw fail("compression_mean", "expected a compression ≥ 1, found \(compression)") }
        guard runs >= 2 else {
            if entry.top1Std != nil { throw fail("top1_after_std", "a standard deviation needs 2 or more runs; this entry has 1") }
            return
        }
        guard let std = entry.top1Std else { throw fail("top1_after_std", "expected the std of \(runs) runs, found none") }
        let largest = 50 * (Double(runs) / Double(runs - 1)).squareRoot()
        guard std >= 0, std <= largest else {
            throw fail("top1_after_std", "expected a std in [0, \(Formatting.fixed(largest, 2))] (the largest \(runs) accuracies "
                + "in [0, 100] can have), found \(std)")
        }
    }
}
