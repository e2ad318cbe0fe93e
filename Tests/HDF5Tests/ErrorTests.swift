import Foundation
import HDF5
import Testing

/// Every failure throws an `HDF5Error` naming the file, the object and what went wrong.
@Suite struct ErrorTests {
    @Test func nonexistentPath() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("missing.h5")
        let error = try #require(throws: HDF5Error.self) { try File.open(path) }
        #expect(error.file == path)
        #expect(error.object == "/")
        #expect(error.message == "no such file")
        #expect(error.description == "\(path): /: cannot open file: no such file")
    }

    @Test func fileThatIsNotHDF5() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("text.h5")
        try Data("just some text, not HDF5\n".utf8).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: HDF5Error.self) { try File.open(path) }
        #expect(error.file == path)
        #expect(error.message.contains("not an HDF5 file"))
    }

    @Test func truncatedHDF5File() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("whole.h5")
        try File.create(path).root.createDataset("x", values: [Float](repeating: 1, count: 10_000), shape: [10_000])
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let truncated = directory.path("truncated.h5")
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: truncated))
        let error = try #require(throws: HDF5Error.self) {
            let file = try File.open(truncated)
            _ = try file.dataset("x").read(as: Float.self)
        }
        #expect(error.file == truncated)
        #expect(error.message.contains("truncated"), "message: \(error.message)")
    }

    @Test func missingGroupAndDatasetAndWrongKind() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("objects.h5")
        do {
            let root = try File.create(path).root
            try root.createGroup("train").createDataset("labels", values: [1] as [Int32], shape: [1])
        }
        let file = try File.open(path)
        let missingGroup = try #require(throws: HDF5Error.self) { try file.group("test") }
        #expect(missingGroup.object == "/test")
        #expect(missingGroup.message == "no such object; expected a group")
        let missingDataset = try #require(throws: HDF5Error.self) { try file.dataset("train/images") }
        #expect(missingDataset.object == "/train/images")
        #expect(missingDataset.message == "no such object; expected a dataset")
        let wrongKind = try #require(throws: HDF5Error.self) { try file.dataset("train") }
        #expect(wrongKind.message == "is a group, expected a dataset")
    }

    @Test func writingToAReadOnlyFileCarriesHDF5sStack() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ro.h5")
        _ = try File.create(path)
        let file = try File.open(path, mode: .readOnly)
        let error = try #require(throws: HDF5Error.self) { try file.root.createGroup("g") }
        #expect(error.object == "/g")
        #expect(error.operation == "create group")
        #expect(!error.message.isEmpty && error.message != "unknown HDF5 error")
    }

    @Test func createWithoutOverwriteRefusesExistingFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("exists.h5")
        _ = try File.create(path)
        let error = try #require(throws: HDF5Error.self) { try File.create(path, overwrite: false) }
        #expect(error.operation == "create file")
        #expect(error.file == path)
    }
}
