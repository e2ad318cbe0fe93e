import Bench
import Foundation

extension Leaderboard {
    /// The explanation printed under the title of every report.
    static let notes = [
        "Test top-1 accuracy (%) after the last fine-tuning step, as mean ± sample standard deviation over seeds, "
            + "with the number of seeds in parentheses. Bold marks the best entry of each column.",
        "Compression = all parameters / nonzero parameters; speedup = dense / remaining multiply-accumulates of the "
            + "conv and linear layers (theoretical). Δ dense = mean top-1 minus the dense control's, in points; the dense "
            + "control fine-tunes the unpruned model under the same budget.",
        "Training steps used = optimizer steps a run trained after the dense checkpoint (or from initialisation), "
            + "pruning-time training and fine-tuning together, mean over seeds; a method may leave part of the budget "
            + "unspent (see docs/budgets.md).",
        "The ranking integrates each method's mean top-1 over log₂ of the compression target (trapezoid rule); "
            + "methods that miss a target are listed unranked.",
    ]

    /// The report's text: per dataset × model, the accuracy, change, before-fine-tuning, compression
    /// and ranking tables, and the failed runs of `table` (the records this leaderboard was made from).
    public func document(title: String, failedRuns: [RunRecord] = []) -> ReportDocument {
        let sections = sections.map { section -> ReportDocument.Section in
            let targets = targets(in: section)
            let header = ["Method"] + targets.map { Formatting.target($0) + "×" }
            let alignments: [TextTable.Alignment] = [.left] + targets.map { _ in .right }
            let tables = [
                matrix(section, targets, title: "Top-1 after fine-tuning (%)", header: header, alignments: alignments) {
                    ($0.runs > 0 ? $0[.top1After].mean : nil, Formatting.meanStd($0[.top1After]) + count($0))
                },
                matrix(section, targets, title: "Change from dense (points)", header: header, alignments: alignments) {
                    ($0.deltaFromDense, $0.deltaFromDense.map { Formatting.signed($0) } ?? "–")
                },
                matrix(section, targets, title: "Top-1 before fine-tuning (%)", header: header, alignments: alignments) {
                    ($0.runs > 0 ? $0[.top1Before].mean : nil, Formatting.meanStd($0[.top1Before]) + count($0))
                },
                matrix(section, targets, title: "Achieved compression · theoretical speedup (bold: fastest)",
                       header: header, alignments: alignments) {
                    ($0.runs > 0 ? $0[.speedup].mean : nil,
                     $0.runs > 0 ? Formatting.ratio($0[.compression].mean) + " · " + Formatting.ratio($0[.speedup].mean) : "–")
                },
                matrix(section, targets, title: "Training steps used (mean over seeds)", header: header,
                       alignments: alignments, marksBest: false) {
                    (nil, $0[.budgetSteps].count > 0 ? Formatting.steps($0[.budgetSteps].mean) : "–")
                },
                rankingTable(section, targets),
            ]
            let failures = failedRuns.filter { $0.labels.dataset == section.dataset && $0.labels.model == section.model }
                .map { "\($0.labels.method) at \(Formatting.target($0.spec.compression))×, seed \($0.spec.seed): "
                    + ($0.failure ?? "no reason recorded") }
            return ReportDocument.Section(section: section, summary: denseSummary(section), tables: tables, failures: failures)
        }
        return ReportDocument(title: title, notes: Leaderboard.notes, sections: sections)
    }

    /// ` (3)`, or ` (2, 1 failed)` when some runs failed.
    private func count(_ row: LeaderboardRow) -> String {
        guard row.runs > 0 || row.failed > 0 else { return "" }
        return row.failed > 0 ? " (\(row.runs), \(row.failed) failed)" : " (\(row.runs))"
    }

    /// A methods × targets table whose cells `cell` gives as (value to compare, text); the largest
    /// value of each column (at two decimals) is marked best unless `marksBest` is false.
    private func matrix(_ section: LeaderboardSection, _ targets: [Double], title: String, header: [String],
                        alignments: [TextTable.Alignment], marksBest: Bool = true,
                        cell: (LeaderboardRow) -> (value: Double?, text: String)) -> TextTable {
        let methods = methods(in: section)
        let values: [[(value: Double?, text: String)]] = methods.map { method in
            targets.map { target in row(section, method: method, target: target).map(cell) ?? (nil, "–") }
        }
        let best: [Double?] = targets.indices.map { column in
            values.compactMap { $0[column].value.map { ($0 * 100).rounded() } }.max()
        }
        let rows: [[TextTable.Cell]] = methods.indices.map { index in
            [TextTable.Cell(methods[index])] + targets.indices.map { column in
                let (value, text) = values[index][column]
                let isBest = value.map { ($0 * 100).rounded() == best[column] } ?? false
                return TextTable.Cell(text, best: marksBest && isBest && methods.count > 1)
            }
        }
        return TextTable(title: title, header: header, alignments: alignments, rows: rows)
    }

    /// The ranking of `section` as a table.
    private func rankingTable(_ section: LeaderboardSection, _ targets: [Double]) -> TextTable {
        let range = targets.count > 1
            ? "\(Formatting.target(targets[0]))×–\(Formatting.target(targets[targets.count - 1]))×"
            : targets.first.map { Formatting.target($0) + "×" } ?? "–"
        let rows: [[TextTable.Cell]] = ranking(in: section).map { entry in
            [TextTable.Cell(entry.rank.map(String.init) ?? "–", best: entry.rank == 1), TextTable.Cell(entry.method),
             TextTable.Cell(Formatting.fixed(entry.area, 2)), TextTable.Cell(Formatting.fixed(entry.meanTop1, 2)),
             TextTable.Cell("\(entry.covered)/\(entry.targets)")]
        }
        return TextTable(title: "Ranking by area under top-1 vs log₂(compression)",
                         header: ["Rank", "Method", "Area (% · log₂)", "Mean top-1 over \(range) (%)", "Targets"],
                         alignments: [.right, .left, .right, .right, .right], rows: rows)
    }

    /// One sentence on the dense control of `section`.
    private func denseSummary(_ section: LeaderboardSection) -> String {
        guard let dense = dense(in: section) else {
            return "No completed dense control: Δ dense is not available."
        }
        let seeds = dense[.top1After].count
        var text = "Dense control: top-1 \(Formatting.meanStd(dense[.top1After])) % over \(seeds) seed\(seeds == 1 ? "" : "s")"
        if dense[.totalParameters].count > 0 {
            text += "; \(Int(dense[.totalParameters].mean)) parameters"
        }
        if dense[.denseMACs].count > 0 {
            text += "; \(Int(dense[.denseMACs].mean)) multiply-accumulates per image"
        }
        return text + "."
    }
}
