extension Leaderboard {
    /// The two trade-off plots of `section`: mean top-1 after fine-tuning (± sample std over seeds)
    /// against the achieved compression and against the theoretical speedup, one line per method,
    /// the dense control as a dashed reference line (± its std as a band).
    public func plots(in section: LeaderboardSection) -> (compression: LinePlot, speedup: LinePlot) {
        let reference = dense(in: section).map { dense in
            LinePlot.Reference(label: "dense (\(Formatting.fixed(dense[.top1After].mean, 2)) %)",
                               y: dense[.top1After].mean, band: dense[.top1After].std)
        }
        func series(x: Metric) -> [LinePlot.Series] {
            methods(in: section).map { method in
                LinePlot.Series(label: method, points: targets(in: section).compactMap { target in
                    guard let row = row(section, method: method, target: target), row.runs > 0,
                          row[x].count > 0 else { return nil }
                    return LinePlot.Point(x: row[x].mean, y: row[.top1After].mean, error: row[.top1After].std)
                })
            }
        }
        let name = "\(section.dataset) · \(section.model)"
        return (
            LinePlot(title: "\(name): top-1 vs compression", xLabel: "Compression ratio (all / nonzero parameters, log₂ scale)",
                     yLabel: "Test top-1 accuracy (%)", series: series(x: .compression), reference: reference),
            LinePlot(title: "\(name): top-1 vs theoretical speedup", xLabel: "Theoretical speedup (dense / remaining MACs, log₂ scale)",
                     yLabel: "Test top-1 accuracy (%)", series: series(x: .speedup), reference: reference)
        )
    }

    /// File-name stem of `section`'s plots: dataset and model with anything but letters, digits,
    /// `-`, `_` and `.` replaced by `_` (`fashion-mnist_lenet5`).
    public static func fileStem(_ section: LeaderboardSection) -> String {
        func clean(_ text: String) -> String {
            String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) ? $0 : "_" })
        }
        return "\(clean(section.dataset))_\(clean(section.model))"
    }
}
