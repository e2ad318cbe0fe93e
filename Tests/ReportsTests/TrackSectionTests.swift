import Testing
@testable import Bench
@testable import Reports

/// Leaderboards rank within a track: a section per dataset × model × track, each anchored by its own control.
@Suite struct TrackSectionTests {
    /// The fixture records split into two tracks; the from-initialisation copy's control is `dense-scratch`.
    static func twoTracks() throws -> [RunRecord] {
        let records = try Fixtures.records()
        let post = records.map { record -> RunRecord in
            var record = record
            record.labels.track = "post-training"
            return record
        }
        let scratch = records.map { record -> RunRecord in
            var record = record
            record.labels.track = "from-initialisation"
            record.digest = "s" + record.digest
            if record.labels.method == Leaderboard.denseMethod { record.labels.method = "dense-scratch" }
            return record
        }
        return post + scratch
    }

    @Test func eachTrackIsASectionWithItsOwnControl() throws {
        let board = Leaderboard(records: try Self.twoTracks())
        let tracks = Set(board.sections.map(\.track))
        #expect(tracks == ["post-training", "from-initialisation"])
        for section in board.sections {
            let control = try #require(board.dense(in: section), "\(section.title)")
            #expect(control.method == (section.track == "post-training" ? "dense" : "dense-scratch"))
            #expect(!board.methods(in: section).contains { Leaderboard.isControl($0) })
            #expect(board.rows(in: section).allSatisfy { $0.track == section.track })
        }
        #expect(board.sections.count == 2 * Leaderboard(records: try Fixtures.records()).sections.count)
    }

    /// The cross-track view puts every method of both tracks at its steps from initialisation: a
    /// post-training run at the checkpoint's steps plus its own, a from-initialisation run at its own.
    @Test func crossTrackViewPlacesRunsAtTheirStepsFromInitialisation() throws {
        let records = try Self.twoTracks().map { record -> RunRecord in
            var record = record
            record.metrics?.budget.startingSteps = record.labels.track == "post-training" ? 4300 : 0
            return record
        }
        let board = Leaderboard(records: records)
        let views = board.crossTrackViews
        #expect(views.map(\.model) == Array(Set(board.sections.map(\.model))).sorted())
        let view = try #require(views.first { $0.model == "lenet5" })
        let section = try #require(board.sections.first { $0.model == "lenet5" && $0.track == "post-training" })
        #expect(view.plots.map(\.target) == board.targets(in: section))
        let (target, plot) = try #require(view.plots.first)
        let methods = board.methods(in: section).filter { board.row(section, method: $0, target: target)?.runs ?? 0 > 0 }
        #expect(plot.series.count == 2 * (methods.count + 1))  // each method and the control, in both tracks
        for series in plot.series {
            let point = try #require(series.points.first)
            #expect(series.points.count == 1)
            #expect(point.x == (series.label.hasSuffix("· post-training") ? 4400 : 100), "\(series.label)")
        }
        let magnitude = try #require(plot.series.first { $0.label == "\(methods[0]) · post-training" }?.points.first)
        #expect(magnitude.y == board.row(section, method: methods[0], target: target)?[.top1After].mean)
        #expect(!Leaderboard(records: try Fixtures.records()).crossTrackViews.contains { !$0.plots.isEmpty })
    }
}
