import Foundation
import Data
import HDF5
import Testing

/// Each kind of bad dataset file gives an error naming the file, the object and what was expected.
@Suite struct DatasetValidationTests {
    /// One array to write: element type, shape and values (converted by HDF5 on write).
    struct Array_ {
        var type: ElementType
        var shape: [Int]
        var values: [Double]
    }

    /// A split's images and labels; nil leaves the dataset out.
    struct Split {
        var images: Array_? = Array_(type: .uint8, shape: [3, 2, 2], values: (0..<12).map { Double($0 * 20) })
        var labels: Array_? = Array_(type: .int64, shape: [3], values: [0, 1, 2])
    }

    /// Writes a dataset file with the given splits (nil leaves the group out) and class names.
    private func write(_ path: String, train: Split? = Split(), test: Split? = Split(),
                       classNames: [String]? = ["a", "b", "c"]) throws {
        let root = try File.create(path).root
        if let classNames { try root.setAttribute("class_names", classNames) }
        try root.setAttribute("mean", [Float(0.5)])
        try root.setAttribute("std", [Float(0.5)])
        for (name, split) in [("train", train), ("test", test)] {
            guard let split else { continue }
            let group = try root.createGroup(name)
            for (key, array) in [("images", split.images), ("labels", split.labels)] {
                guard let array else { continue }
                try group.createDataset(key, type: array.type, shape: array.shape).write(array.values)
            }
        }
    }

    private func expectError(_ path: String, object: String, contains text: String) throws {
        let error = try #require(throws: DataFileError.self) { try DatasetFile.read(path: path) }
        #expect(error.file == path)
        #expect(error.object == object)
        #expect(error.message.contains(text), "message: \(error.message)")
        #expect(!error.description.contains("\n"))
    }

    @Test func validFileReads() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ok.h5")
        try write(path)
        let dataset = try DatasetFile.read(path: path)
        #expect(dataset.train.images.shape == [3, 1, 2, 2])
        #expect(dataset.train.images.values == (0..<12).map { Float($0 * 20) })
    }

    @Test func nonexistentPath() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("absent.h5")
        let error = try #require(throws: HDF5Error.self) { try DatasetFile.read(path: path) }
        #expect(error.file == path && error.object == "/" && error.message == "no such file")
    }

    @Test func notHDF5() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("text.h5")
        try Foundation.Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: HDF5Error.self) { try DatasetFile.read(path: path) }
        #expect(error.file == path && error.message.contains("not an HDF5 file"))
    }

    @Test func truncatedHDF5() throws {
        let directory = try TemporaryDirectory()
        let whole = directory.path("whole.h5")
        try DatasetFile.write(smallDataset(), to: whole, compression: nil)
        let bytes = try Foundation.Data(contentsOf: URL(fileURLWithPath: whole))
        let path = directory.path("truncated.h5")
        try bytes.prefix(bytes.count * 2 / 3).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: HDF5Error.self) { try DatasetFile.read(path: path) }
        #expect(error.file == path)
        #expect(error.message.contains("truncated"), "message: \(error.message)")
    }

    @Test func missingGroup() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("f.h5")
        try write(path, test: nil)
        try expectError(path, object: "/test", contains: "missing group")
    }

    @Test func missingDataset() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("f.h5")
        try write(path, train: Split(labels: nil))
        try expectError(path, object: "/train/labels", contains: "missing dataset; expected integer labels")
    }

    @Test func wrongImageElementType() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("f.h5")
        try write(path, train: Split(images: .init(type: .int32, shape: [3, 2, 2], values: Array(repeating: 1, count: 12))))
        try expectError(path, object: "/train/images", contains: "stored type is int32; expected uint8 or float32")
    }

    @Test func wrongLabelElementType() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("f.h5")
        try write(path, test: Split(labels: .init(type: .float32, shape: [3], values: [0, 1, 2])))
        try expectError(path, object: "/test/labels", contains: "stored type is float32; expected an integer type")
    }

    @Test func lengthMismatch() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("f.h5")
        try write(path, train: Split(labels: .init(type: .int64, shape: [2], values: [0, 1])))
        try expectError(path, object: "/train/labels", contains: "has 2 labels but /train/images has 3 images")
    }

    @Test func labelOutOfRange() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("f.h5")
        try write(path, test: Split(labels: .init(type: .int32, shape: [3], values: [0, 3, 1])))
        try expectError(path, object: "/test/labels", contains: "label 3 at index 1 is outside 0..<3")
    }

    @Test func negativeLabel() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("f.h5")
        try write(path, train: Split(labels: .init(type: .int8, shape: [3], values: [0, 1, -1])))
        try expectError(path, object: "/train/labels", contains: "label -1 at index 2 is outside 0..<3")
    }

    @Test func nanInFloatImages() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("f.h5")
        var values = [Double](repeating: 0.5, count: 12)
        values[7] = .nan
        try write(path, train: Split(images: .init(type: .float32, shape: [3, 2, 2], values: values)))
        try expectError(path, object: "/train/images", contains: "pixel 7 is nan")
    }

    @Test func mismatchedImageShapes() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("f.h5")
        try write(path, test: Split(images: .init(type: .uint8, shape: [3, 1, 4], values: Array(repeating: 1, count: 12))))
        try expectError(path, object: "/test/images", contains: "expected [1, 2, 2] like /train/images")
    }

    @Test func missingClassNames() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("f.h5")
        try write(path, classNames: nil)
        try expectError(path, object: "/ attribute \"class_names\"", contains: "missing")
    }
}
