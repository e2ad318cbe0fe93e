import Foundation
import Data
import Testing

@Suite struct IDXImporterTests {
    /// Writes a gzipped IDX train/test pair of `count` 2×3 images each; returns the file pairs.
    private func writePairs(_ directory: TemporaryDirectory, count: Int = 4) throws -> (IDXImporter.Pair, IDXImporter.Pair) {
        for (prefix, offset) in [("train", 0), ("test", 50)] {
            let pixels = (0..<(count * 6)).map { UInt8(($0 + offset) * 9 % 256) }
            try writeGzip(idxBytes(dimensions: [count, 2, 3], data: pixels), to: directory.path("\(prefix)-images.gz"))
            let labels = (0..<count).map { UInt8(($0 + offset) % 3) }
            try writeGzip(idxBytes(dimensions: [count], data: labels), to: directory.path("\(prefix)-labels.gz"))
        }
        return (.init(images: directory.path("train-images.gz"), labels: directory.path("train-labels.gz")),
                .init(images: directory.path("test-images.gz"), labels: directory.path("test-labels.gz")))
    }

    @Test func importsPixelsAndLabelsExactly() throws {
        let directory = try TemporaryDirectory()
        let (train, test) = try writePairs(directory)
        let dataset = try IDXImporter.load(train: train, test: test, name: "digits")
        #expect(dataset.train.images.shape == [4, 1, 2, 3])
        let trainPixels: [Float] = (0..<24).map { (index: Int) -> Float in Float(index * 9 % 256) }
        #expect(dataset.train.images.values == trainPixels)
        let testPixels: [Float] = (0..<24).map { (index: Int) -> Float in Float((index + 50) * 9 % 256) }
        #expect(dataset.test.images.values == testPixels)
        #expect(dataset.train.labels == [0, 1, 2, 0])
        #expect(dataset.test.labels == [2, 0, 1, 2])
        #expect(dataset.classNames == ["0", "1", "2"])
        // Mean and population std of the training pixels / 255, computed directly.
        let pixels = (0..<24).map { Double($0 * 9 % 256) / 255 }
        let mean = pixels.reduce(0, +) / 24
        let std = (pixels.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 24).squareRoot()
        #expect(abs(Double(dataset.normalization.mean[0]) - mean) < 1e-6)
        #expect(abs(Double(dataset.normalization.std[0]) - std) < 1e-6)
    }

    @Test func truncatedGzip() throws {
        let directory = try TemporaryDirectory()
        let (train, test) = try writePairs(directory, count: 400)
        let bytes = try Foundation.Data(contentsOf: URL(fileURLWithPath: train.images))
        try bytes.prefix(bytes.count - 20).write(to: URL(fileURLWithPath: train.images))
        let error = try #require(throws: DataFileError.self) { try IDXImporter.load(train: train, test: test, name: "x") }
        #expect(error.file == train.images)
        #expect(error.object == "gzip stream")
        #expect(error.message == "truncated gzip stream (unexpected end of file)")
    }

    @Test func gzipTrailerCutOff() throws {
        let directory = try TemporaryDirectory()
        let (train, test) = try writePairs(directory)
        let bytes = try Foundation.Data(contentsOf: URL(fileURLWithPath: test.labels))
        try bytes.prefix(bytes.count - 3).write(to: URL(fileURLWithPath: test.labels))
        let error = try #require(throws: DataFileError.self) { try IDXImporter.load(train: train, test: test, name: "x") }
        #expect(error.file == test.labels)
        #expect(error.message == "truncated gzip stream (unexpected end of file)")
    }

    @Test func wrongIDXMagic() throws {
        let directory = try TemporaryDirectory()
        let (train, test) = try writePairs(directory)
        let swapped = IDXImporter.Pair(images: train.labels, labels: train.images)
        let error = try #require(throws: DataFileError.self) { try IDXImporter.load(train: swapped, test: test, name: "x") }
        #expect(error.file == train.labels)
        #expect(error.object == "IDX header")
        #expect(error.message == "magic number 0x00000801; expected 0x00000803 (unsigned bytes, 3 dimensions)")
    }

    @Test func truncatedIDXData() throws {
        let directory = try TemporaryDirectory()
        let (train, test) = try writePairs(directory)
        try writeGzip(idxBytes(dimensions: [4, 2, 3], data: Array(repeating: 1, count: 20)), to: train.images)
        let error = try #require(throws: DataFileError.self) { try IDXImporter.load(train: train, test: test, name: "x") }
        #expect(error.file == train.images)
        #expect(error.object == "IDX data")
        #expect(error.message.contains("truncated: 20 data bytes; expected 24"))
    }

    @Test func labelCountMismatch() throws {
        let directory = try TemporaryDirectory()
        let (train, test) = try writePairs(directory)
        try writeGzip(idxBytes(dimensions: [3], data: [0, 1, 2]), to: test.labels)
        let error = try #require(throws: DataFileError.self) { try IDXImporter.load(train: train, test: test, name: "x") }
        #expect(error.file == test.labels)
        #expect(error.message.contains("has 3 labels but"))
    }

    @Test func labelsOutsideGivenClasses() throws {
        let directory = try TemporaryDirectory()
        let (train, test) = try writePairs(directory)
        let error = try #require(throws: DataFileError.self) {
            try IDXImporter.load(train: train, test: test, name: "x", classNames: ["a", "b"])
        }
        #expect(error.file == train.labels)
        #expect(error.object == "label 2")
        #expect(error.message == "is 2; expected 0..<2 (2 classes)")
    }

    @Test func missingFile() throws {
        let directory = try TemporaryDirectory()
        let (train, _) = try writePairs(directory)
        let test = IDXImporter.Pair(images: directory.path("nope.gz"), labels: train.labels)
        let error = try #require(throws: DataFileError.self) { try IDXImporter.load(train: train, test: test, name: "x") }
        #expect(error.file == directory.path("nope.gz"))
        #expect(error.message == "no such file")
    }
}

@Suite struct CIFAR10Tests {
    /// Pixel byte of record `record`, channel `channel`, flat position `position` in the test's batches.
    private static func pixel(_ file: Int, _ record: Int, _ channel: Int, _ position: Int) -> UInt8 {
        UInt8((file * 31 + record * 17 + channel * 5 + position * 3) % 256)
    }

    /// Writes six batch files of `records` records each in the CIFAR-10 binary layout.
    private func writeBatches(_ directory: TemporaryDirectory, records: Int = 2) throws {
        let names = CIFAR10.trainFiles + [CIFAR10.testFile]
        for (file, name) in names.enumerated() {
            var bytes: [UInt8] = []
            for record in 0..<records {
                bytes.append(UInt8((file + record) % 10))
                for channel in 0..<3 {
                    for position in 0..<1024 { bytes.append(Self.pixel(file, record, channel, position)) }
                }
            }
            try Foundation.Data(bytes).write(to: URL(fileURLWithPath: directory.path(name)))
        }
    }

    @Test func importsRecordsChannelsFirst() throws {
        let directory = try TemporaryDirectory()
        try writeBatches(directory)
        let dataset = try CIFAR10.load(from: directory.url.path)
        #expect(dataset.train.images.shape == [10, 3, 32, 32])
        #expect(dataset.test.images.shape == [2, 3, 32, 32])
        #expect(dataset.train.labels == [0, 1, 1, 2, 2, 3, 3, 4, 4, 5])
        #expect(dataset.test.labels == [5, 6])
        #expect(dataset.classNames == ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"])
        // Train image 7 is record 1 of data_batch_4 (file index 3); check a few pixels at (c, y, x).
        let images = dataset.train.images
        for (channel, y, x) in [(0, 0, 0), (1, 5, 9), (2, 31, 31)] {
            let index = ((7 * 3 + channel) * 32 + y) * 32 + x
            #expect(images[flat: index] == Float(Self.pixel(3, 1, channel, y * 32 + x)))
        }
        #expect(dataset.test.images[flat: 3 * 1024 + 2 * 1024 + 100] == Float(Self.pixel(5, 1, 2, 100)))
        #expect(dataset.normalization.mean.count == 3)
    }

    @Test func classNamesFromMetaFile() throws {
        let directory = try TemporaryDirectory()
        try writeBatches(directory)
        let names = (0..<10).map { "class\($0)" }
        try (names.joined(separator: "\n") + "\n\n").write(toFile: directory.path("batches.meta.txt"), atomically: true, encoding: .utf8)
        #expect(try CIFAR10.load(from: directory.url.path).classNames == names)
    }

    @Test func truncatedBatch() throws {
        let directory = try TemporaryDirectory()
        try writeBatches(directory)
        let path = directory.path("data_batch_2.bin")
        let bytes = try Foundation.Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count - 100).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: DataFileError.self) { try CIFAR10.load(from: directory.url.path) }
        #expect(error.file == path)
        #expect(error.object == "record 1")
        #expect(error.message.contains("not a whole number of 3073-byte records"))
    }

    @Test func labelOutOfRange() throws {
        let directory = try TemporaryDirectory()
        try writeBatches(directory)
        let path = directory.path("test_batch.bin")
        var bytes = [UInt8](try Foundation.Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[CIFAR10.recordSize] = 10
        try Foundation.Data(bytes).write(to: URL(fileURLWithPath: path))
        let error = try #require(throws: DataFileError.self) { try CIFAR10.load(from: directory.url.path) }
        #expect(error.file == path)
        #expect(error.object == "record 1")
        #expect(error.message == "label 10 is outside 0..<10")
    }

    @Test func missingBatch() throws {
        let directory = try TemporaryDirectory()
        try writeBatches(directory)
        try FileManager.default.removeItem(atPath: directory.path("test_batch.bin"))
        let error = try #require(throws: DataFileError.self) { try CIFAR10.load(from: directory.url.path) }
        #expect(error.file == directory.path("test_batch.bin"))
    }
}
