import Foundation
@testable import Data
import HDF5
import NN
import Testing

@Suite struct DatasetFileTests {
    @Test func byteImagesRoundTripExactly() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("tiny.h5")
        let original = smallDataset(channels: 2)
        try DatasetFile.write(original, to: path)
        let read = try DatasetFile.read(path: path)
        #expect(read.name == "tiny")
        #expect(read.classNames == ["zero", "one", "two"])
        #expect(read.normalization == original.normalization)
        #expect(read.source == "made by the tests")
        #expect(read.train.images.isBitwiseEqual(to: original.train.images))
        #expect(read.test.images.isBitwiseEqual(to: original.test.images))
        #expect(read.validation?.images.isBitwiseEqual(to: original.validation?.images ?? Tensor(zeros: [0])) == true)
        #expect(read.train.labels == original.train.labels)
        #expect(read.validation?.labels == original.validation?.labels)
        let file = try File.open(path)
        #expect(try file.dataset("train/images").elementType == .uint8)
        #expect(try file.dataset("train/images").shape == [5, 2, 3, 2])
        #expect(try file.dataset("test/labels").elementType?.isInteger == true)
        #expect(try file.root.stringAttribute("format") == "prunebench-dataset")
        #expect(try file.root.numericAttribute("image_shape", as: Int64.self) == [2, 3, 2])
        #expect(try directory.contents() == ["tiny.h5"])
    }

    @Test func fractionalPixelsAreStoredAsFloat32() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("float.h5")
        let split = ImageSplit(images: Tensor(shape: [2, 1, 1, 2], values: [0.5, -1.25, 3, 1e-3]), labels: [0, 1])
        let dataset = ImageDataset(name: "f", classNames: ["a", "b"],
                                   normalization: Normalization(scale: 1, mean: [0.1], std: [2]),
                                   source: "", train: split, test: split)
        try DatasetFile.write(dataset, to: path, compression: nil)
        #expect(try File.open(path).dataset("train/images").elementType == .float32)
        let read = try DatasetFile.read(path: path)
        #expect(read.train.images.values == [0.5, -1.25, 3, 1e-3])
        #expect(read.normalization == Normalization(scale: 1, mean: [0.1], std: [2]))
        #expect(read.validation == nil)
    }

    @Test func h5pyWrittenThreeDimensionalImagesRead() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("h5py.h5")
        let script = """
        import sys, h5py, numpy as np
        with h5py.File(sys.argv[1], "w") as f:
            f.attrs["class_names"] = ["a", "b", "c", "d"]
            f.attrs["mean"] = [0.5]
            f.attrs["std"] = [0.25]
            for name, n in [("train", 4), ("test", 2)]:
                g = f.create_group(name)
                g.create_dataset("images", data=(np.arange(n * 6) * 11 % 256).astype(np.uint8).reshape(n, 2, 3),
                                 compression="gzip")
                g["labels"] = np.arange(n, dtype=np.int64) % 4
        """
        let result = try run("/usr/bin/env", ["python3", "-c", script, path])
        #expect(result.status == 0, "python3: \(result.error)")
        let read = try DatasetFile.read(path: path)
        #expect(read.train.images.shape == [4, 1, 2, 3])
        #expect(read.train.images.values == (0..<24).map { Float($0 * 11 % 256) })
        #expect(read.test.labels == [0, 1])
        #expect(read.name == "h5py")
        #expect(read.normalization.scale == Float(1) / 255)
    }

    @Test func writeRejectsInvalidDatasetAndLeavesNoFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("bad.h5")
        var dataset = smallDataset()
        dataset.classNames = ["only", "two"]   // label 2 exists
        let error = try #require(throws: DataFileError.self) { try DatasetFile.write(dataset, to: path) }
        #expect(error.file == path)
        #expect(error.object == "/train/labels")
        #expect(try directory.contents().isEmpty)
    }

    @Test func atomicWriteRemovesTemporaryOnFailure() throws {
        struct Boom: Error {}
        let directory = try TemporaryDirectory()
        let path = directory.path("out.h5")
        try Foundation.Data("old".utf8).write(to: URL(fileURLWithPath: path))
        #expect(throws: Boom.self) {
            try AtomicWrite.write(to: path) { temporary in
                try Foundation.Data("partial".utf8).write(to: URL(fileURLWithPath: temporary))
                throw Boom()
            }
        }
        #expect(try directory.contents() == ["out.h5"])
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old")
    }
}
