extension Leaderboard {
    /// The trade-off plots of one section.
    public struct SectionPlots: Sendable {
        /// Mean top-1 vs achieved compression (log₂).
        public var compression: LinePlot
        /// Mean top-1 vs theoretical speedup (log₂).
        public var speedup: LinePlot
        /// Mean top-1 vs remaining multiply-accumulates per image (log₁₀), with the Pareto front.
        public var macs: LinePlot

        /// The plots with their file-name suffixes, in page order.
        public var named: [(suffix: String, plot: LinePlot)] { [("compression", compression), ("speedup", speedup), ("macs", macs)] }
    }

    /// The trade-off plots of `section`: mean top-1 after fine-tuning (± sample std over seeds) against the
    /// achieved compression, the theoretical speedup and the remaining MACs, one line per method, the dense
    /// control as a dashed reference line (± its std as a band).
    public func plots(in section: LeaderboardSection) -> SectionPlots {
        let reference = dense(in: section).flatMap { dense -> LinePlot.Reference? in
            guard dense[.top1After].count > 0 else { return nil }
            return LinePlot.Reference(label: "dense (\(Formatting.fixed(dense[.top1After].mean, 2)) %)",
                                      y: dense[.top1After].mean, band: dense[.top1After].std)
        }
        func series(x: Metric) -> [LinePlot.Series] {
            methods(in: section).map { method in
                LinePlot.Series(label: method, points: targets(in: section).compactMap { target in
                    guard let row = row(section, method: method, target: target) else { return nil }
                    return point(row, x: x)
                })
            }
        }
        let macs = series(x: .remainingMACs)
        let denseMACs = dense(in: section).flatMap { point($0, x: .remainingMACs) }
        var denseAtMACs = reference
        denseAtMACs?.x = denseMACs?.x
        let name = section.title
        let yLabel = "Test top-1 accuracy (%)"
        return SectionPlots(
            compression: LinePlot(title: "\(name): top-1 vs compression", xLabel: "Compression ratio (all / nonzero parameters, log₂ scale)",
                                  yLabel: yLabel, series: series(x: .compression), reference: reference, yBounds: 0...100),
            speedup: LinePlot(title: "\(name): top-1 vs theoretical speedup", xLabel: "Theoretical speedup (dense / remaining MACs, log₂ scale)",
                              yLabel: yLabel, series: series(x: .speedup), reference: reference, yBounds: 0...100),
            macs: LinePlot(title: "\(name): top-1 vs remaining MACs", xLabel: "Remaining multiply-accumulates per image (log scale)",
                           yLabel: yLabel, series: macs, reference: denseAtMACs, xScale: .log10,
                           front: Leaderboard.paretoFront(macs.flatMap(\.points) + (denseMACs.map { [$0] } ?? [])), yBounds: 0...100))
    }

    /// The point of `row` against metric `x` (mean top-1 ± its std), if it has completed runs measuring both.
    private func point(_ row: LeaderboardRow, x: Metric) -> LinePlot.Point? {
        guard row.runs > 0, row[x].count > 0, row[.top1After].count > 0 else { return nil }
        return LinePlot.Point(x: row[x].mean, y: row[.top1After].mean, error: row[.top1After].std)
    }

    /// The points no other point dominates (another point with x ≤ and y ≥, one of them strictly),
    /// in ascending x: the best accuracy reachable at each cost.
    static func paretoFront(_ points: [LinePlot.Point]) -> [LinePlot.Point] {
        let sorted = points.filter { $0.x.isFinite && $0.y.isFinite }.sorted { ($0.x, -$0.y) < ($1.x, -$1.y) }
        var front: [LinePlot.Point] = []
        for point in sorted where point.y > (front.last?.y ?? -.infinity) { front.append(point) }
        return front
    }

    /// File-name stem of `section`'s plots: dataset, model and track (when set) with anything but letters,
    /// digits, `-`, `_` and `.` replaced by `_` (`fashion-mnist_lenet5`).
    public static func fileStem(_ section: LeaderboardSection) -> String {
        func clean(_ text: String) -> String {
            String(text.map { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) ? $0 : "_" })
        }
        return [section.dataset, section.model, section.track].filter { !$0.isEmpty }.map(clean).joined(separator: "_")
    }
}
