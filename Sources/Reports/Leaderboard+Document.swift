import Bench
import Foundation

extension Leaderboard {
    /// The explanation printed under the title of every report.
    static let notes = [
        "Test top-1 accuracy (%) after the last fine-tuning step, as mean ± sample standard deviation over seeds, "
            + "with the number of seeds in parentheses. When some seeds collapsed (final top-1 within half the chance "
            + "level of chance, at most 5 points above it — ≤ 15 % with 10 classes — or not a number), the cell shows the "
            + "median over seeds and \"k of n collapsed\" instead, since a mean ± std would hide the collapse.",
        "Bold marks the column's top group: the method with the highest mean and every method that Welch's t-test over "
            + "seeds cannot tell apart from it at the 95 % level (two-sided; a method with one seed, or a pair without "
            + "spread, joins only if its mean equals the best's to two decimals). Several bold entries mean the seeds "
            + "cannot rank them; with two seeds the test has little power (its critical t can reach 12.7), so run three or more.",
        "Every row says how it was trained: peak learning rate (the highest base rate of any training call, after the "
            + "method's own rule), schedule shapes and the range of its cells' mean steps (* = the suite's declared recipe, "
            + "for records that do not log their calls). † marks a cell whose achieved compression (shown) misses its "
            + "column's target by more than 1 %.",
        "Compression = all parameters / nonzero parameters; theoretical speedup = dense / remaining multiply-accumulates "
            + "of the conv and linear layers. Measured speedup = median inference latency of the unpruned architecture / "
            + "of the model with its removed channels physically gone, batch 128, same threads, timed alternately: "
            + "the cell shows the median over seeds, and nothing where no channel was removed (an unstructured mask: "
            + "its speedup stays theoretical). Δ dense = top-1 (mean, or median where marked) minus the dense "
            + "control's mean, in points; the dense control trains the unpruned model under the same budget.",
        "Training steps used = optimizer steps a run trained after the dense checkpoint (or from initialisation), "
            + "pruning-time training and fine-tuning together, mean over seeds; a method may leave part of the budget "
            + "unspent (see docs/budgets.md).",
        "The ranking integrates each method's mean top-1 over log₂ of the compression target (trapezoid rule); "
            + "methods that miss a target are listed unranked.",
    ]

    /// The report's text: per section (dataset × model × track), the accuracy, change, before-fine-tuning,
    /// compression, steps and ranking tables, and the failed runs of `failedRuns`.
    public func document(title: String, failedRuns: [RunRecord] = []) -> ReportDocument {
        let sections = sections.map { section -> ReportDocument.Section in
            let targets = targets(in: section)
            let after = targets.map { topGroup(in: section, target: $0).members }
            let before = targets.map { topGroup(in: section, target: $0, metric: .top1Before).members }
            let denseMean = dense(in: section).flatMap { $0[.top1After].count > 0 ? $0[.top1After].mean : nil }
            let tables = [
                matrix(section, targets, title: "Top-1 after fine-tuning (%)", marks: after,
                       trailing: ("Trained with (peak lr · schedule · steps)", { self.recipeText(section, method: $0) }),
                       cell: Leaderboard.top1Text),
                matrix(section, targets, title: "Change from dense (points)", marks: after) { row in
                    guard let denseMean, row[.top1After].count > 0 else { return "–" }
                    return row.collapsed > 0 ? Formatting.signed(row[.top1After].median - denseMean) + " (median)"
                        : Formatting.signed(row[.top1After].mean - denseMean)
                },
                matrix(section, targets, title: "Top-1 before fine-tuning (%)", marks: before) {
                    Formatting.meanStd($0[.top1Before]) + Leaderboard.count($0)
                },
                matrix(section, targets, title: "Achieved compression · theoretical speedup · measured speedup (bold: fastest in theory)",
                       marks: fastest(section, targets)) { row in
                    guard row.runs > 0 else { return "–" }
                    let measured = row[.measuredSpeedup].count > 0 ? " · " + Formatting.ratio(row[.measuredSpeedup].median) + " measured" : ""
                    return Leaderboard.compressionText(row) + " · " + Formatting.ratio(row[.speedup].mean) + " theoretical" + measured
                },
                matrix(section, targets, title: "Training steps used (mean over seeds)", marks: nil) {
                    $0[.budgetSteps].count > 0 ? Formatting.steps($0[.budgetSteps].mean) : "–"
                },
                rankingTable(section, targets),
            ]
            let failures = failedRuns.filter { self.section(of: $0) == section }.map { "\($0.labels.method) at \(Formatting.target($0.spec.compression))×, seed \($0.spec.seed): "
                    + ($0.failure ?? "no reason recorded") }
            return ReportDocument.Section(section: section, summary: denseSummary(section), tables: tables, failures: failures)
        }
        return ReportDocument(title: title, notes: Leaderboard.notes, sections: sections)
    }

    /// A top-1 cell: `89.40 ± 0.40 (3)`; with collapsed seeds `89.10 (median; 1 of 3 collapsed)`;
    /// `· 45.0×†` appended when the achieved compression misses the target by more than 1 %.
    static func top1Text(_ row: LeaderboardRow) -> String {
        var text: String
        if row.collapsed > 0 {
            let median = row[.top1After].count > 0 ? Formatting.fixed(row[.top1After].median, 2) : "–"
            let failed = row.failed > 0 ? ", \(row.failed) failed" : ""
            text = "\(median) (median; \(row.collapsed) of \(row.runs) collapsed\(failed))"
        } else {
            text = Formatting.meanStd(row[.top1After]) + count(row)
        }
        if row.missesTarget() { text += " · " + compressionText(row, digits: 1) }
        return text
    }

    /// The achieved compression, `45.00×` (for a speedup target the achieved speedup, `2.10× speedup`), with
    /// `†` when it misses the target by more than 1 %.
    static func compressionText(_ row: LeaderboardRow, digits: Int = 2) -> String {
        let value = Formatting.fixed(row[row.achievedMetric].mean, digits) + "×" + (row.missesTarget() ? "†" : "")
        return row.targetKind == .speedup ? value + " speedup" : value
    }

    /// ` (3)`, or ` (2, 1 failed)` when some runs failed.
    static func count(_ row: LeaderboardRow) -> String {
        guard row.runs > 0 || row.failed > 0 else { return "" }
        return row.failed > 0 ? " (\(row.runs), \(row.failed) failed)" : " (\(row.runs))"
    }

    /// `lr 0.001 · constant · 100 steps` for `method`'s row of `section`: the peak learning rates of its runs
    /// (a range when they differ), their schedules, and the range of its cells' mean steps. A `*` marks
    /// a recipe read from the suite's declaration because the records do not log their training calls.
    func recipeText(_ section: LeaderboardSection, method: String) -> String {
        let cells = rows(in: section).filter { $0.method == method && $0.runs > 0 }
        let recipes = cells.flatMap(\.recipes)
        guard !recipes.isEmpty else { return "–" }
        let rates = recipes.compactMap(\.peakLearningRate)
        var schedules: [String] = []
        for recipe in recipes where !schedules.contains(recipe.scheduleText) { schedules.append(recipe.scheduleText) }
        let steps = cells.filter { $0[.budgetSteps].count > 0 }.map { $0[.budgetSteps].mean }
        func range(_ values: [Double], _ format: (Double) -> String) -> String {
            guard let low = values.min(), let high = values.max() else { return "–" }
            return low == high ? format(low) : format(low) + "–" + format(high)
        }
        let declared = recipes.contains(where: \.declared) ? "*" : ""
        return "lr \(range(rates, Formatting.rate))\(declared) · \(schedules.joined(separator: " / ")) · "
            + "\(range(steps, Formatting.steps)) steps"
    }

    /// Per target, the methods whose mean speedup is the column's largest at two decimals.
    private func fastest(_ section: LeaderboardSection, _ targets: [Double]) -> [Set<String>] {
        targets.map { target in
            let speeds = methods(in: section).compactMap { method -> (String, Double)? in
                guard let row = row(section, method: method, target: target), row.runs > 0, row[.speedup].count > 0 else { return nil }
                return (method, (row[.speedup].mean * 100).rounded())
            }
            guard let top = speeds.map(\.1).max() else { return [] }
            return Set(speeds.filter { $0.1 == top }.map(\.0))
        }
    }

    /// A methods × targets table of `cell` texts ("–" where a method has no row), the methods of
    /// `marks[column]` in bold (none when `marks` is nil or the section has one method), and an
    /// optional last column per method.
    private func matrix(_ section: LeaderboardSection, _ targets: [Double], title: String, marks: [Set<String>]?,
                        trailing: (header: String, text: (String) -> String)? = nil,
                        cell: (LeaderboardRow) -> String) -> TextTable {
        let methods = methods(in: section)
        let header = ["Method"] + targets.map { Formatting.target($0) + "×" } + (trailing.map { [$0.header] } ?? [])
        let alignments: [TextTable.Alignment] = [.left] + targets.map { _ in .right } + (trailing.map { _ in [.left] } ?? [])
        let rows: [[TextTable.Cell]] = methods.map { method in
            [TextTable.Cell(method)] + targets.indices.map { column in
                let text = row(section, method: method, target: targets[column]).map(cell) ?? "–"
                let bold = methods.count > 1 && (marks?[column].contains(method) ?? false)
                return TextTable.Cell(text, best: bold)
            } + (trailing.map { [TextTable.Cell($0.text(method))] } ?? [])
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
        return text + "; trained with " + recipeText(section, method: dense.method) + "."
    }
}
