import Bench

extension Leaderboard {
    /// The statistics written for every metric, in column order.
    static let csvStatistics = ["mean", "std", "median", "min", "max", "n"]

    /// The header of `leaderboard.csv`: the cell's keys and facts, then the statistics of every metric.
    public static var csvHeader: [String] {
        ["dataset", "model", "track", "method", "target_compression", "runs", "failed", "collapsed", "delta_dense",
         "top_group", "p_vs_best", "off_target", "peak_lr_min", "peak_lr_max", "schedules", "top1_after_ci95"]
            + Metric.allCases.flatMap { metric in csvStatistics.map { "\(metric.rawValue)_\($0)" } }
    }

    /// `leaderboard.csv`: one row per dataset × model × track × method × target (empty fields where no run
    /// measured). `top_group` is 1 for the bold entries of the top-1 table (`topGroup`), `p_vs_best` the
    /// two-sided Welch p-value against the column's best, `off_target` 1 when the achieved compression
    /// misses the target by more than 1 %.
    public func csvTable() -> CSVTable {
        var groups: [LeaderboardSection: [Double: ColumnGroup]] = [:]
        for section in sections {
            groups[section] = Dictionary(uniqueKeysWithValues: targets(in: section).map { ($0, topGroup(in: section, target: $0)) })
        }
        return CSVTable(header: Leaderboard.csvHeader, rows: rows.map { row in
            let group = groups[LeaderboardSection(dataset: row.dataset, model: row.model, track: row.track)]?[row.target]
            let isControl = Leaderboard.isControl(row.method) || group?.best == nil || row[.top1After].count == 0
            let rates = row.recipes.compactMap(\.peakLearningRate)
            var schedules: [String] = []
            for recipe in row.recipes where !schedules.contains(recipe.scheduleText) { schedules.append(recipe.scheduleText) }
            var fields = [row.dataset, row.model, row.track, row.method, Formatting.target(row.target), "\(row.runs)",
                          "\(row.failed)", "\(row.collapsed)", Formatting.csv(row.deltaFromDense),
                          isControl ? "" : (group?.members.contains(row.method) == true ? "1" : "0"),
                          Formatting.csv(group?.tests[row.method]?.p), row.runs > 0 ? (row.missesTarget() ? "1" : "0") : "",
                          Formatting.csv(rates.min()), Formatting.csv(rates.max()), schedules.joined(separator: " / "),
                          Formatting.csv(row[.top1After].confidence95)]
            for metric in Metric.allCases {
                if let value = row.metrics[metric] {
                    fields += [Formatting.csv(value.mean), Formatting.csv(value.std), Formatting.csv(value.median),
                               Formatting.csv(value.min), Formatting.csv(value.max), "\(value.count)"]
                } else {
                    fields += ["", "", "", "", "", "0"]
                }
            }
            return fields
        })
    }
}

extension ResultsTable {
    /// The header of `runs.csv`.
    public static var csvHeader: [String] {
        ["digest", "dataset", "model", "method", "method_name", "configuration", "target_compression", "seed",
         "status", "failure"] + Metric.allCases.map(\.rawValue)
            + ["engine", "checkpoint", "checkpoint_sha256", "dataset_file", "dataset_sha256", "budget", "fine_tuning",
               "events"]
    }

    /// `runs.csv`: one row per run with every metric, its digest and what it ran on.
    public func csvTable() -> CSVTable {
        CSVTable(header: ResultsTable.csvHeader, rows: records.map { record in
            let spec = record.spec
            let budget = spec.budget.steps.map { "\($0) steps" } ?? spec.budget.epochs.map { "\(Formatting.csv($0)) epochs" } ?? ""
            return [record.digest, record.labels.dataset, record.labels.model, record.labels.method, spec.method,
                    spec.configuration.canonical, Formatting.target(spec.compression), "\(spec.seed)",
                    record.status.rawValue, record.failure ?? ""]
                + Metric.allCases.map { Formatting.csv($0.value(in: record)) }
                + [spec.engine, spec.checkpoint.path, spec.checkpoint.sha256, spec.dataset.path, spec.dataset.sha256,
                   budget, spec.fineTuning.canonical,
                   (record.metrics?.events ?? []).map(\.description).joined(separator: "; ")]
        })
    }
}
