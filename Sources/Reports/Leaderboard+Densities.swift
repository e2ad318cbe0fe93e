extension Leaderboard {
    /// The conv and linear layers of `section` in forward order (from its first row that has them).
    public func layers(in section: LeaderboardSection) -> [String] {
        rows(in: section).first { !$0.layerDensities.isEmpty }?.layerDensities.map(\.path) ?? []
    }

    /// Per method and target of `section`, the weight density (%) of every conv and linear layer, mean over
    /// seeds, and of all prunable weights together.
    public func densityTable(in section: LeaderboardSection) -> TextTable {
        let layers = layers(in: section)
        let rows: [[TextTable.Cell]] = rows(in: section).filter { !Leaderboard.isControl($0.method) && $0.runs > 0 }.map { row in
            let byPath = Dictionary(row.layerDensities.map { ($0.path, $0.density) }, uniquingKeysWith: { first, _ in first })
            let prunable = row[.prunableSparsity]
            return [TextTable.Cell(row.method), TextTable.Cell(Formatting.target(row.target) + "×")]
                + layers.map { TextTable.Cell(byPath[$0].flatMap { $0.count > 0 ? Formatting.percent($0.mean) : nil } ?? "–") }
                + [TextTable.Cell(prunable.count > 0 ? Formatting.percent(1 - prunable.mean) : "–")]
        }
        return TextTable(title: "Weight density per layer (% of the layer's weights kept, mean over seeds)",
                         header: ["Method", "Target"] + layers + ["All prunable"],
                         alignments: [.left, .right] + layers.map { _ in .right } + [.right], rows: rows)
    }

    /// The per-layer densities as a document: one table per section.
    public func densityDocument(title: String) -> ReportDocument {
        ReportDocument(title: title, notes: [Leaderboard.densityNote], sections: sections.map { section in
            ReportDocument.Section(section: section, summary: "Layers in forward order.", tables: [densityTable(in: section)],
                                   failures: [])
        })
    }

    /// How the density tables are made.
    static let densityNote = "Density = nonzero weights / weights of each conv and linear layer after fine-tuning (the run "
        + "record's per-layer multiply-accumulate counts: remaining / dense), mean over completed seeds; \"All prunable\" "
        + "= 1 − the prunable sparsity. Biases and batch-norm parameters are not counted."

    /// The header of `layer-densities.csv`.
    public static let densityCSVHeader = ["dataset", "model", "track", "method", "target_compression", "layer",
                                          "density_mean", "density_std", "n"]

    /// `layer-densities.csv`: one row per dataset × model × track × method × target × layer.
    public func densityCSV() -> CSVTable {
        CSVTable(header: Leaderboard.densityCSVHeader, rows: rows.filter { $0.runs > 0 }.flatMap { row in
            row.layerDensities.map { layer in
                [row.dataset, row.model, row.track, row.method, Formatting.target(row.target), layer.path,
                 Formatting.csv(layer.density.count > 0 ? layer.density.mean : nil), Formatting.csv(layer.density.std),
                 "\(layer.density.count)"]
            }
        })
    }
}
