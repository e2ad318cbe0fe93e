import Foundation
import Testing
@testable import Reports

/// The writers' output on the fixture table, byte for byte against the committed golden files
/// (read and checked by hand when made; on a difference the new output is left beside for `diff`).
@Suite struct GoldenTests {
    static let goldenFiles = ["leaderboard.md", "leaderboard.tex", "leaderboard.csv", "runs.csv",
                              "layer-densities.md", "layer-densities.csv",
                              "plots/fmnist_lenet5-compression.svg", "plots/fmnist_lenet5-speedup.svg",
                              "plots/fmnist_lenet5-macs.svg", "plots/fmnist_mlp-compression.svg", "index.html"]

    @Test func writersMatchGoldenFiles() throws {
        let directory = Fixtures.temporaryDirectory()
        var writer = ReportWriter(title: "PruneBench leaderboard: fixture")
        writer.formats = [.markdown, .latex]
        writer.sources = ["results"]
        let written = try writer.write(try Fixtures.table(), to: directory)
        #expect(Set(GoldenTests.goldenFiles).isSubset(of: Set(written)))
        var same = true
        for name in GoldenTests.goldenFiles {
            let expected = try String(contentsOf: Fixtures.goldenDirectory.appendingPathComponent(name), encoding: .utf8)
            let actual = try String(contentsOfFile: "\(directory)/\(name)", encoding: .utf8)
            if actual != expected { same = false }
            #expect(actual == expected, "\(name) differs from the golden file; new output: \(directory)/\(name)")
        }
        if same { try? FileManager.default.removeItem(atPath: directory) }
    }
}
