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
}
