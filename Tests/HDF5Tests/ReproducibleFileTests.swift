import Foundation
import HDF5
import Testing

/// Files are byte-reproducible: the same content written twice gives the same bytes, so a dataset imported
/// or a checkpoint trained on another machine, or another day, has the same SHA-256 (runs are keyed by it).
@Suite struct ReproducibleFileTests {
    static func write(_ path: String) throws {
        let file = try File.create(path)
        let group = try file.root.createGroup("train/deeper")
        try group.setAttribute("note", "x")
        try group.createDataset("labels", values: [Int64](0..<1000), shape: [1000], chunks: [100], deflate: 4)
        try file.root.createDataset("images", values: [Float](repeating: 0.5, count: 64), shape: [4, 4, 4])
    }

    @Test func writingTheSameContentTwiceGivesTheSameBytes() throws {
        let directory = try TemporaryDirectory()
        try Self.write(directory.path("a.h5"))
        Thread.sleep(forTimeInterval: 1.1)  // object modification times, if recorded, are in seconds
        try Self.write(directory.path("b.h5"))
        let a = try Data(contentsOf: URL(fileURLWithPath: directory.path("a.h5")))
        let b = try Data(contentsOf: URL(fileURLWithPath: directory.path("b.h5")))
        #expect(a.count == b.count)
        let differing = zip(a, b).enumerated().filter { $0.element.0 != $0.element.1 }.map(\.offset)
        #expect(differing.isEmpty, "bytes differ at \(differing.prefix(8))")
    }
}
