import Bench
import Foundation

/// Mean, sample standard deviation, minimum, maximum and count of one metric over seeds.
public struct Aggregate: Hashable, Sendable {
    public var mean: Double
    /// Sample standard deviation (divisor n − 1); `nil` for fewer than two values.
    public var std: Double?
    public var min: Double
    public var max: Double
    public var count: Int

    /// The aggregate of `values` (mean, min and max 0 for none).
    public init(_ values: [Double]) {
        count = values.count
        mean = values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count)
        min = values.min() ?? 0
        max = values.max() ?? 0
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
    /// Every metric over the completed runs (a metric no run measured is absent).
    public var metrics: [Metric: Aggregate]
    /// Mean test top-1 after fine-tuning minus the dense control's, in percentage points.
    public var deltaFromDense: Double?

    /// The aggregate of `metric` (an empty aggregate when no run measured it).
    public subscript(metric: Metric) -> Aggregate { metrics[metric] ?? Aggregate([]) }
}

/// A dataset × model pair: one section of a report.
public struct LeaderboardSection: Hashable, Sendable {
    public var dataset: String
    public var model: String
}

/// The leaderboard of a set of run records: rows sorted by dataset, model, method (dense first) and target.
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
            let done = group.filter { $0.status == .completed && $0.metrics != nil }
            var metrics: [Metric: Aggregate] = [:]
            for metric in Metric.allCases {
                let values = done.compactMap { metric.value(in: $0) }
                if !values.isEmpty { metrics[metric] = Aggregate(values) }
            }
            return LeaderboardRow(dataset: key.dataset, model: key.model, method: key.method, target: key.target,
                                  runs: done.count, failed: group.count - done.count, metrics: metrics, deltaFromDense: nil)
        }
        for index in rows.indices where rows[index].runs > 0 {
            let row = rows[index]
            let dense = rows.first {
                $0.dataset == row.dataset && $0.model == row.model && $0.method == Leaderboard.denseMethod && $0.runs > 0
            }
            if let dense { rows[index].deltaFromDense = row[.top1After].mean - dense[.top1After].mean }
        }
        self.rows = rows.sorted {
            ($0.dataset, $0.model, ResultsTable.controlRank($0.method), $0.method, $0.target)
                < ($1.dataset, $1.model, ResultsTable.controlRank($1.method), $1.method, $1.target)
        }
    }

    /// The dataset × model sections in row order.
    public var sections: [LeaderboardSection] {
        var sections: [LeaderboardSection] = []
        for row in rows where sections.last != LeaderboardSection(dataset: row.dataset, model: row.model) {
            sections.append(LeaderboardSection(dataset: row.dataset, model: row.model))
        }
        return sections
    }

    /// The rows of `section`.
    public func rows(in section: LeaderboardSection) -> [LeaderboardRow] {
        rows.filter { $0.dataset == section.dataset && $0.model == section.model }
    }

    /// The dense control's row of `section` with at least one completed run, if any.
    public func dense(in section: LeaderboardSection) -> LeaderboardRow? {
        rows(in: section).first { $0.method == Leaderboard.denseMethod && $0.runs > 0 }
    }

    /// The pruning methods of `section` (every method but the dense control), in row order.
    public func methods(in section: LeaderboardSection) -> [String] {
        var methods: [String] = []
        for row in rows(in: section) where row.method != Leaderboard.denseMethod && !methods.contains(row.method) {
            methods.append(row.method)
        }
        return methods
    }

    /// The compression targets of the pruning methods of `section`, ascending.
    public func targets(in section: LeaderboardSection) -> [Double] {
        Set(rows(in: section).filter { $0.method != Leaderboard.denseMethod }.map(\.target)).sorted()
    }

    /// The row of `method` at `target` in `section`.
    public func row(_ section: LeaderboardSection, method: String, target: Double) -> LeaderboardRow? {
        rows.first { $0.dataset == section.dataset && $0.model == section.model && $0.method == method && $0.target == target }
    }
}
