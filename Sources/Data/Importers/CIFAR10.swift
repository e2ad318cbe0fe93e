import Foundation
import NN

/// CIFAR-10 (Krizhevsky 2009) from its binary batches: each record is 1 label byte then
/// 3,072 pixel bytes (1,024 red, 1,024 green, 1,024 blue; 32×32, row-major, channels first).
public enum CIFAR10 {
    /// Bytes per record.
    public static let recordSize = 1 + 3 * 32 * 32
    /// The ten classes, in label order (used when the directory has no `batches.meta.txt`).
    public static let classNames = ["airplane", "automobile", "bird", "cat", "deer",
                                    "dog", "frog", "horse", "ship", "truck"]
    /// The training batches, in order, and the test batch.
    public static let trainFiles = (1...5).map { "data_batch_\($0).bin" }
    public static let testFile = "test_batch.bin"

    /// Reads the five training batches and the test batch from `directory`; the normalisation is the
    /// per-channel mean/std of the training pixels scaled to 0…1.
    public static func load(from directory: String) throws -> ImageDataset {
        let base = URL(fileURLWithPath: directory)
        let names = try classNames(in: base)
        let train = try split(trainFiles.map { base.appendingPathComponent($0).path }, classes: names.count)
        let test = try split([base.appendingPathComponent(testFile).path], classes: names.count)
        return ImageDataset(name: "cifar10", classNames: names,
                            normalization: PixelStatistics.normalization(of: train.images, scale: 1 / 255),
                            source: "CIFAR-10 binary batches in \(directory)", train: train, test: test)
    }

    /// Reads and concatenates the records of `files`.
    static func split(_ files: [String], classes: Int) throws -> ImageSplit {
        var contents: [[UInt8]] = []
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw DataFileError(file: file, object: "/", message: "no such file (or unreadable); expected a CIFAR-10 binary batch")
            }
            guard data.count % recordSize == 0 else {
                throw DataFileError(file: file, object: "record \(data.count / recordSize)",
                                    message: "file has \(data.count) bytes, not a whole number of \(recordSize)-byte records (truncated?)")
            }
            contents.append([UInt8](data))
        }
        let count = contents.reduce(0) { $0 + $1.count / recordSize }
        let images = Tensor(zeros: [count, 3, 32, 32])
        var labels = [Int32](repeating: 0, count: count)
        let pixels = images.buffer
        var record = 0
        for (file, bytes) in zip(files, contents) {
            for offset in stride(from: 0, to: bytes.count, by: recordSize) {
                let label = bytes[offset]
                guard Int(label) < classes else {
                    throw DataFileError(file: file, object: "record \(offset / recordSize)",
                                        message: "label \(label) is outside 0..<\(classes)")
                }
                labels[record] = Int32(label)
                let base = record * (recordSize - 1)
                for index in 0..<(recordSize - 1) { pixels[base + index] = Float(bytes[offset + 1 + index]) }
                record += 1
            }
        }
        return ImageSplit(images: images, labels: labels)
    }

    /// Class names from `batches.meta.txt` (one per line) when present, else the standard ten.
    private static func classNames(in directory: URL) throws -> [String] {
        let meta = directory.appendingPathComponent("batches.meta.txt")
        guard let data = FileManager.default.contents(atPath: meta.path) else { return classNames }
        let names = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard names.count == 10 else {
            throw DataFileError(file: meta.path, object: "/", message: "has \(names.count) class names; expected 10")
        }
        return names
    }
}
