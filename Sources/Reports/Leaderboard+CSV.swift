import Bench

extension Leaderboard {
    /// The header of `leaderboard.csv`: the cell's keys, then mean, std, min, max and n of every metric.
    public static var csvHeader: [String] {
        ["dataset", "model", "method", "target_compression", "runs", "failed", "delta_dense"]
            + Metric.allCases.flatMap { metric in ["mean", "std", "min", "max", "n"].map { "\(metric.rawValue)_\($0)" } }
    }

    /// `leaderboard.csv`: one row per dataset × model × method × target (empty fields where no run measured).
    public func csvTable() -> CSVTable {
        CSVTable(header: Leaderboard.csvHeader, rows: rows.map { row in
            var fields = [row.dataset, row.model, row.method, Formatting.target(row.target), "\(row.runs)", "\(row.failed)",
                          Formatting.csv(row.deltaFromDense)]
            for metric in Metric.allCases {
                if let value = row.metrics[metric] {
                    fields += [Formatting.csv(value.mean), Formatting.csv(value.std), Formatting.csv(value.min),
                               Formatting.csv(value.max), "\(value.count)"]
                } else {
                    fields += ["", "", "", "", "0"]
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
            + ["engine", "checkpoint", "checkpoint_sha256", "dataset_file", "dataset_sha256", "budget", "fine_tuning"]
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
                   budget, spec.fineTuning.canonical]
        })
    }
}
