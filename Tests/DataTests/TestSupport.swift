import Foundation
@testable import Data
import NN

/// A fresh temporary directory, removed when the value goes away.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("pb-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    /// The path of `name` inside the directory.
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// The names of the files in the directory (hidden temporaries included).
    func contents() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
    }

    deinit { try? FileManager.default.removeItem(at: url) }
}

/// The path of a committed fixture of the HDF5 tests.
func fixturePath(_ name: String) -> String {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("HDF5Tests/Fixtures/\(name)").path
}

/// Runs a program and returns its standard output (as bytes), standard error and exit status.
func run(_ executable: String, _ arguments: [String]) throws -> (output: Foundation.Data, error: String, status: Int32) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe(), error = Pipe()
    process.standardOutput = output
    process.standardError = error
    try process.run()
    let outData = output.fileHandleForReading.readDataToEndOfFile()
    let errData = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (outData, String(decoding: errData, as: UTF8.self), process.terminationStatus)
}

/// Compresses `bytes` into the gzip file `path` with the system's gzip.
func writeGzip(_ bytes: [UInt8], to path: String) throws {
    let raw = path + ".raw"
    try Foundation.Data(bytes).write(to: URL(fileURLWithPath: raw))
    let result = try run("/usr/bin/env", ["gzip", "-c", "-n", raw])
    try result.output.write(to: URL(fileURLWithPath: path))
    try FileManager.default.removeItem(atPath: raw)
}

/// An IDX file's bytes: magic 0x0000_08_rank, big-endian dimensions, then `data`.
func idxBytes(dimensions: [Int], data: [UInt8]) -> [UInt8] {
    var bytes: [UInt8] = [0, 0, 0x08, UInt8(dimensions.count)]
    for dimension in dimensions { bytes += withUnsafeBytes(of: UInt32(dimension).bigEndian, Array.init) }
    return bytes + data
}

/// A small in-memory dataset: `count` images of `[channels, 3, 2]` with pixel values i*7+13 mod 256.
func smallSplit(count: Int, channels: Int = 1, classes: Int = 3, offset: Int = 0) -> ImageSplit {
    let size = channels * 3 * 2
    let values = (0..<(count * size)).map { Float(($0 + offset) * 7 % 256) }
    let labels = (0..<count).map { Int32(($0 + offset) % classes) }
    return ImageSplit(images: Tensor(shape: [count, channels, 3, 2], values: values), labels: labels)
}

/// A small dataset with three splits and three classes.
func smallDataset(channels: Int = 1) -> ImageDataset {
    ImageDataset(name: "tiny", classNames: ["zero", "one", "two"],
                 normalization: Normalization(scale: 1 / 255, mean: Array(repeating: 0.5, count: channels),
                                              std: Array(repeating: 0.25, count: channels)),
                 source: "made by the tests", train: smallSplit(count: 5, channels: channels),
                 test: smallSplit(count: 3, channels: channels, offset: 100),
                 validation: smallSplit(count: 2, channels: channels, offset: 200))
}
