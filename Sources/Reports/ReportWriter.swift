import Data
import Bench
import Foundation

/// Writes every report file of a results table into one directory, each atomically: `leaderboard.md`
/// (or `.tex`), `leaderboard.csv`, `runs.csv`, `layer-densities.md`/`.csv`, `plots/*.svg` and `index.html`.
/// SVG files in `plots/` that this write did not produce (plots of an earlier layout or of sections that
/// are gone) are removed, so the folder always matches `index.html`.
public struct ReportWriter: Sendable {
    /// The text format of the leaderboard tables.
    public enum TableFormat: String, CaseIterable, Sendable {
        case markdown, latex
    }

    /// The report's title (first heading).
    public var title: String
    /// Which leaderboard text files to write (`leaderboard.md`, `leaderboard.tex`).
    public var formats: [TableFormat] = [.markdown]
    /// The results directories the table was read from (named in `index.html`).
    public var sources: [String] = []
    /// The track of a run: the grouping key beside dataset and model (one track by default).
    public var track: @Sendable (RunRecord) -> String = Leaderboard.recordTrack

    public init(title: String) { self.title = title }

    /// Writes the reports of `table` into `directory` (created if needed); returns the files written,
    /// relative to `directory`, in writing order.
    @discardableResult
    public func write(_ table: ResultsTable, to directory: String) throws -> [String] {
        let root = URL(fileURLWithPath: directory, isDirectory: true)
        let plotsFolder = root.appendingPathComponent("plots", isDirectory: true)
        do { try FileManager.default.createDirectory(at: plotsFolder, withIntermediateDirectories: true) } catch {
            throw ReportsError.io(file: directory, message: "cannot create the report directory: \(error.localizedDescription)")
        }
        let leaderboard = Leaderboard(records: table.records, track: track)
        let document = leaderboard.document(title: title, failedRuns: table.failed)
        var files: [(String, String)] = []
        if formats.contains(.markdown) { files.append(("leaderboard.md", document.markdown())) }
        if formats.contains(.latex) { files.append(("leaderboard.tex", document.latex())) }
        files.append(("leaderboard.csv", try leaderboard.csvTable().text(file: "leaderboard.csv")))
        files.append(("runs.csv", try table.csvTable().text(file: "runs.csv")))
        files.append(("layer-densities.md", leaderboard.densityDocument(title: title + " — per-layer density").markdown()))
        files.append(("layer-densities.csv", try leaderboard.densityCSV().text(file: "layer-densities.csv")))
        var svgs: [LeaderboardSection: [String]] = [:]
        for section in leaderboard.sections {
            let stem = Leaderboard.fileStem(section)
            for (suffix, plot) in leaderboard.plots(in: section).named {
                let svg = plot.svg()
                svgs[section, default: []].append(svg)
                files.append(("plots/\(stem)-\(suffix).svg", svg))
            }
        }
        var crossTrack: [(title: String, svgs: [String])] = []
        for view in leaderboard.crossTrackViews {
            let rendered = view.plots.map { (name: "plots/\(view.fileStem)-\(Formatting.target($0.target))x.svg", svg: $0.plot.svg()) }
            files += rendered.map { ($0.name, $0.svg) }
            crossTrack.append((view.title, rendered.map(\.svg)))
        }
        let details = Dictionary(uniqueKeysWithValues: leaderboard.sections.map { ($0, [leaderboard.densityTable(in: $0)]) })
        files.append(("index.html", document.html(plots: svgs, sources: sources, details: details, crossTrack: crossTrack)))
        AtomicWrite.removeLeftovers(in: [root.path, plotsFolder.path])  // of writers killed before
        for (name, text) in files {
            try writeAtomically(Data(text.utf8), to: root.appendingPathComponent(name))
        }
        try removeStalePlots(in: plotsFolder, keeping: Set(files.map(\.0)))
        return files.map(\.0)
    }
}

extension ReportWriter {
    /// Removes the `.svg` files of `folder` whose report-relative name (`plots/<file>`) is not in `written`.
    func removeStalePlots(in folder: URL, keeping written: Set<String>) throws {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: folder.path) } catch {
            throw ReportsError.io(file: folder.path, message: "cannot list the plots: \(error.localizedDescription)")
        }
        for name in names where name.hasSuffix(".svg") && !written.contains("plots/\(name)") {
            do { try FileManager.default.removeItem(at: folder.appendingPathComponent(name)) } catch {
                throw ReportsError.io(file: folder.appendingPathComponent(name).path,
                                      message: "cannot remove a stale plot: \(error.localizedDescription)")
            }
        }
    }
}
