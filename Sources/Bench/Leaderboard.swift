import Foundation

/// Mean, sample standard deviation and count of one metric over seeds.
public struct Aggregate: Hashable, Sendable {
    public var mean: Double
    /// Sample standard deviation (divisor n − 1); `nil` for fewer than two values.
    public var std: Double?
    public var count: Int

    /// The aggregate of `values` (mean 0 for none).
    public init(_ values: [Double]) {
        count = values.count
        mean = values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
        if values.count > 1 {
            let squares = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) }
            std = (squares / Double(values.count - 1)).squareRoot()
        } else {
            std = nil
        }
    }
}

/// One leaderboard row: a dataset × model × method × compression target, aggregated over seeds.
public struct LeaderboardRow: Hashable, Sendable {
    public var dataset: String
    public var model: String
    public var method: String
    public var target: Double
    /// Completed runs aggregated (one per seed).
    public var runs: Int
    /// Runs of this cell recorded as failed.
    public var failed: Int
    /// Test top-1 in percent, before and after fine-tuning.
    public var top1Before: Aggregate
    public var top1After: Aggregate
    public var compression: Aggregate
    public var speedup: Aggregate
    /// Mean test top-1 after fine-tuning minus the dense control's, in percentage points.
    public var deltaFromDense: Double?
}

/// The leaderboard of a set of run records: rows sorted by dataset, model, method and target.
public struct Leaderboard: Sendable {
    /// The method label of the control that fine-tunes without pruning.
    public static let denseMethod = "dense"
    public var rows: [LeaderboardRow]

    /// Aggregates `records` over seeds.
    public init(records: [RunRecord]) {
        struct Key: Hashable { var dataset, model, method: String; var target: Double }
        let groups = Dictionary(grouping: records) {
            Key(dataset: $0.labels.dataset, model: $0.labels.model, method: $0.labels.method, target: $0.spec.compression)
        }
        var rows: [LeaderboardRow] = groups.map { key, group in
            let done = group.compactMap(\.summary)
            return LeaderboardRow(
                dataset: key.dataset, model: key.model, method: key.method, target: key.target,
                runs: done.count, failed: group.count - done.count,
                top1Before: Aggregate(done.map { $0.top1Before * 100 }),
                top1After: Aggregate(done.map { $0.top1After * 100 }),
                compression: Aggregate(done.map(\.compression)), speedup: Aggregate(done.map(\.speedup)),
                deltaFromDense: nil)
        }
        for index in rows.indices {
            let row = rows[index]
            let dense = rows.first {
                $0.dataset == row.dataset && $0.model == row.model && $0.method == Leaderboard.denseMethod && $0.runs > 0
            }
            if let dense, row.runs > 0 { rows[index].deltaFromDense = row.top1After.mean - dense.top1After.mean }
        }
        self.rows = rows.sorted {
            ($0.dataset, $0.model, $0.method == Leaderboard.denseMethod ? 0 : 1, $0.method, $0.target)
                < ($1.dataset, $1.model, $1.method == Leaderboard.denseMethod ? 0 : 1, $1.method, $1.target)
        }
    }
}
