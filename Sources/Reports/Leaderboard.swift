import Bench
import Pruning
import Foundation

/// Mean, sample standard deviation, median, minimum, maximum and count of one metric over seeds.
public struct Aggregate: Hashable, Sendable {
    /// The values aggregated, in seed order.
    public var values: [Double]
    public var mean: Double
    /// Sample standard deviation (divisor n − 1); `nil` for fewer than two values.
    public var std: Double?
    public var min: Double
    public var max: Double
    public var count: Int

    /// The middle value (mean of the middle two for an even count; 0 for none).
    public var median: Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted(), middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    /// Half-width of the 95 % confidence interval of the mean, t_{0.975, n−1} · s / √n (`nil` below two values).
    public var confidence95: Double? {
        std.map { StudentT.quantile(0.975, degreesOfFreedom: Double(count - 1)) * $0 / Double(count).squareRoot() }
    }

    /// The aggregate of `values` (mean, min and max 0 for none).
    public init(_ values: [Double]) {
        self.values = values
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

/// One leaderboard row: a dataset × model × track × method × compression target, aggregated over seeds.
public struct LeaderboardRow: Hashable, Sendable {
    public var dataset: String
    public var model: String
    /// The track (protocol) the runs competed under; empty when the runs declare none.
    public var track: String
    public var method: String
    public var target: Double
    /// Whether `target` is a compression or a speedup (the runs' `spec.target`).
    public var targetKind: TargetKind = .compression
    /// Completed runs aggregated (one per seed).
    public var runs: Int
    /// Runs of this cell recorded as failed.
    public var failed: Int
    /// Completed runs whose final test top-1 is at chance or not a number (`CollapseRule`).
    public var collapsed: Int
    /// Completed runs whose final test top-1 is not a finite number (also counted in `collapsed`).
    public var nonFiniteTop1: Int
    /// Every metric over the completed runs (a metric no run measured is absent; non-finite values left out).
    public var metrics: [Metric: Aggregate]
    /// Mean test top-1 after fine-tuning minus the dense control's, in percentage points.
    public var deltaFromDense: Double?
    /// How each completed run trained (peak learning rate, schedules), in seed order.
    public var recipes: [RunRecipe]
    /// Weight density of each conv and linear layer over the completed runs, in forward order.
    public var layerDensities: [LayerDensity]

    /// The aggregate of `metric` (an empty aggregate when no run measured it).
    public subscript(metric: Metric) -> Aggregate { metrics[metric] ?? Aggregate([]) }

    /// The metric the target is measured by: the achieved compression, or for a speedup target the speedup
    /// of the model after physical removal.
    public var achievedMetric: Metric { targetKind == .speedup ? .structuredSpeedup : .compression }

    /// Whether the mean achieved compression (or speedup) misses the target by more than `tolerance` (relative).
    public func missesTarget(by tolerance: Double = Leaderboard.compressionTolerance) -> Bool {
        guard runs > 0, self[achievedMetric].count > 0, target > 0 else { return false }
        return abs(self[achievedMetric].mean / target - 1) > tolerance
    }
}

/// One conv or linear layer's weight density (nonzero weights / weights) over a cell's seeds.
public struct LayerDensity: Hashable, Sendable {
    /// The module's dotted path (`features.0`, `fc1`).
    public var path: String
    public var density: Aggregate
}

/// A dataset × model × track: one section of a report, with its own dense control and ranking.
public struct LeaderboardSection: Hashable, Sendable {
    public var dataset: String
    public var model: String
    /// The track (protocol); empty when the runs declare none.
    public var track: String

    public init(dataset: String, model: String, track: String = "") {
        self.dataset = dataset
        self.model = model
        self.track = track
    }

    /// `fashion-mnist · lenet5`, with ` · <track>` when there is one.
    public var title: String { [dataset, model, track].filter { !$0.isEmpty }.joined(separator: " · ") }
}

/// The leaderboard of a set of run records: rows sorted by dataset, model, track, method (dense first) and target.
public struct Leaderboard: Sendable {
    /// The method label of the control that fine-tunes without pruning.
    public static let denseMethod = "dense"
    /// The controls, one per track: `dense` (post-training) and `dense-scratch` (from initialisation).
    public static let controlMethods: Set<String> = [denseMethod, "dense-scratch"]

    /// Whether `method` is a track's control (a reference row, not a ranked method).
    public static func isControl(_ method: String) -> Bool { controlMethods.contains(method) }

    /// The track a record's labels name ("" for records from before tracks): the default grouping key.
    @Sendable public static func recordTrack(_ record: RunRecord) -> String { record.labels.track ?? "" }
    /// The relative miss of the achieved compression beyond which a cell is flagged (1 %).
    public static let compressionTolerance = 0.01
    public var rows: [LeaderboardRow]
    /// The track of a run record (the grouping key beside dataset and model).
    public let track: @Sendable (RunRecord) -> String

    /// Aggregates `records` over seeds, in sections by dataset, model and `track` (one track, "", by default).
    public init(records: [RunRecord], track: @escaping @Sendable (RunRecord) -> String = Leaderboard.recordTrack) {
        self.track = track
        struct Key: Hashable { var dataset, model, track, method: String; var target: Double }
        let groups = Dictionary(grouping: records) {
            Key(dataset: $0.labels.dataset, model: $0.labels.model, track: track($0), method: $0.labels.method,
                target: $0.spec.compression)
        }
        var rows: [LeaderboardRow] = groups.map { key, group in
            let done = group.filter { $0.status == .completed && $0.metrics != nil }.sorted { $0.spec.seed < $1.spec.seed }
            var metrics: [Metric: Aggregate] = [:]
            for metric in Metric.allCases {
                let values = done.compactMap { metric.value(in: $0) }.filter(\.isFinite)
                if !values.isEmpty { metrics[metric] = Aggregate(values) }
            }
            let top1 = done.map { Metric.top1After.value(in: $0) ?? .nan }
            return LeaderboardRow(
                dataset: key.dataset, model: key.model, track: key.track, method: key.method, target: key.target,
                targetKind: group.first?.spec.target ?? .compression, runs: done.count, failed: group.count - done.count,
                collapsed: zip(done, top1).filter { CollapseRule.isCollapsed(top1: $1, classes: $0.metrics?.classes) }.count,
                nonFiniteTop1: top1.filter { !$0.isFinite }.count, metrics: metrics, deltaFromDense: nil,
                recipes: done.map(RunRecipe.init), layerDensities: Leaderboard.layerDensities(done))
        }
        for index in rows.indices where rows[index].runs > 0 && rows[index][.top1After].count > 0 {
            let row = rows[index]
            let dense = rows.first {
                $0.dataset == row.dataset && $0.model == row.model && $0.track == row.track
                    && Leaderboard.isControl($0.method) && $0[.top1After].count > 0
            }
            if let dense { rows[index].deltaFromDense = row[.top1After].mean - dense[.top1After].mean }
        }
        self.rows = rows.sorted {
            ($0.dataset, $0.model, $0.track, ResultsTable.controlRank($0.method), $0.method, $0.target)
                < ($1.dataset, $1.model, $1.track, ResultsTable.controlRank($1.method), $1.method, $1.target)
        }
    }

    /// Per conv/linear layer (forward order of the first run), the density over `runs`: remaining / dense
    /// multiply-accumulates, which the MAC counter defines as the layer's nonzero weights / weights.
    static func layerDensities(_ runs: [RunRecord]) -> [LayerDensity] {
        guard let layers = runs.first?.metrics?.macs.layers else { return [] }
        return layers.map { layer in
            let values = runs.compactMap { run -> Double? in
                guard let match = run.metrics?.macs.layers.first(where: { $0.path == layer.path }), match.dense > 0 else { return nil }
                return match.remaining / Double(match.dense)
            }
            return LayerDensity(path: layer.path, density: Aggregate(values))
        }
    }

    /// The section `record` belongs to.
    public func section(of record: RunRecord) -> LeaderboardSection {
        LeaderboardSection(dataset: record.labels.dataset, model: record.labels.model, track: track(record))
    }

    /// The dataset × model × track sections in row order.
    public var sections: [LeaderboardSection] {
        var sections: [LeaderboardSection] = []
        for row in rows where sections.last != LeaderboardSection(dataset: row.dataset, model: row.model, track: row.track) {
            sections.append(LeaderboardSection(dataset: row.dataset, model: row.model, track: row.track))
        }
        return sections
    }

    /// The rows of `section`.
    public func rows(in section: LeaderboardSection) -> [LeaderboardRow] {
        rows.filter { $0.dataset == section.dataset && $0.model == section.model && $0.track == section.track }
    }

    /// The dense control's row of `section` with at least one completed run, if any.
    public func dense(in section: LeaderboardSection) -> LeaderboardRow? {
        rows(in: section).first { Leaderboard.isControl($0.method) && $0.runs > 0 }
    }

    /// The pruning methods of `section` (every method but the dense control), in row order.
    public func methods(in section: LeaderboardSection) -> [String] {
        var methods: [String] = []
        for row in rows(in: section) where !Leaderboard.isControl(row.method) && !methods.contains(row.method) {
            methods.append(row.method)
        }
        return methods
    }

    /// The compression targets of the pruning methods of `section`, ascending.
    public func targets(in section: LeaderboardSection) -> [Double] {
        Set(rows(in: section).filter { !Leaderboard.isControl($0.method) }.map(\.target)).sorted()
    }

    /// The row of `method` at `target` in `section`.
    public func row(_ section: LeaderboardSection, method: String, target: Double) -> LeaderboardRow? {
        rows.first {
            $0.dataset == section.dataset && $0.model == section.model && $0.track == section.track
                && $0.method == method && $0.target == target
        }
    }
}
