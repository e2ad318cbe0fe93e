extension Leaderboard {
    /// The cross-track view of one dataset and model: at each compression target, every method of every
    /// track (and each track's control) as one point, mean test top-1 against the optimizer steps it took
    /// from initialisation to the final model — so "train dense, then prune" (the checkpoint's steps plus
    /// fine-tuning) stands beside "train sparse from the start" at its real cost.
    public struct CrossTrackView: Sendable {
        public var dataset: String
        public var model: String
        /// One plot per target, ascending.
        public var plots: [(target: Double, plot: LinePlot)]
    }

    /// The cross-track views of every dataset × model whose runs span two or more tracks and record their
    /// steps from initialisation (records from before tracks do not).
    public var crossTrackViews: [CrossTrackView] {
        var pairs: [(dataset: String, model: String)] = []
        for section in sections where !pairs.contains(where: { $0 == (section.dataset, section.model) }) {
            pairs.append((section.dataset, section.model))
        }
        return pairs.compactMap { pair -> CrossTrackView? in
            let tracks = sections.filter { $0.dataset == pair.dataset && $0.model == pair.model }
            guard tracks.count > 1 else { return nil }
            let allTargets = Set(tracks.flatMap { targets(in: $0) }).sorted()
            let plots = allTargets.compactMap { target -> (target: Double, plot: LinePlot)? in
                let plot = crossTrackPlot(dataset: pair.dataset, model: pair.model, tracks: tracks, target: target)
                return plot.series.isEmpty ? nil : (target, plot)
            }
            return plots.isEmpty ? nil : CrossTrackView(dataset: pair.dataset, model: pair.model, plots: plots)
        }
    }

    /// The plot at `target`: a one-point series per method and track (`method · track`), the controls included.
    func crossTrackPlot(dataset: String, model: String, tracks: [LeaderboardSection], target: Double) -> LinePlot {
        var series: [LinePlot.Series] = []
        for section in tracks {
            let rows = [dense(in: section)].compactMap { $0 } + methods(in: section).compactMap { row(section, method: $0, target: target) }
            for row in rows where row.runs > 0 && row[.top1After].count > 0 && row[.stepsFromInitialisation].count > 0 {
                series.append(LinePlot.Series(label: "\(row.method) · \(section.track)", points: [LinePlot.Point(
                    x: row[.stepsFromInitialisation].mean, y: row[.top1After].mean, error: row[.top1After].std)]))
            }
        }
        let title = [dataset, model].joined(separator: " · ") + " at \(Formatting.target(target))×: top-1 vs training from initialisation"
        return LinePlot(title: title, xLabel: "Optimizer steps from initialisation to the final model (log scale)",
                        yLabel: "Test top-1 accuracy (%)", series: series, reference: nil, xScale: .log10, yBounds: 0...100)
    }
}

extension Leaderboard.CrossTrackView {
    /// The HTML section title and file-name stem (`fashion-mnist_lenet5_cross-track`).
    public var title: String { "\(dataset) · \(model) · across tracks" }
    public var fileStem: String {
        Leaderboard.fileStem(LeaderboardSection(dataset: dataset, model: model, track: "cross-track"))
    }
}
