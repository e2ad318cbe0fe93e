import Foundation
import Testing

/// Runs the built `prunebench` executable (it sits beside the test bundle) and checks its output,
/// its exit status and that failed imports leave no file behind.
@Suite struct CommandTests {
    /// The `prunebench` executable of this build.
    private static let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("prunebench").path

    private struct Outcome {
        let output: String
        let error: String
        let status: Int32
    }

    private func prunebench(_ arguments: String...) throws -> Outcome { try prunebench(arguments) }

    private func prunebench(_ arguments: [String]) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = arguments
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(output: String(decoding: out, as: UTF8.self), error: String(decoding: err, as: UTF8.self),
                       status: process.terminationStatus)
    }

    /// Writes a gzipped IDX file with the system's gzip.
    private func writeIDX(_ path: String, dimensions: [Int], data: [UInt8]) throws {
        var bytes: [UInt8] = [0, 0, 0x08, UInt8(dimensions.count)]
        for dimension in dimensions { bytes += withUnsafeBytes(of: UInt32(dimension).bigEndian, Array.init) }
        try Data(bytes + data).write(to: URL(fileURLWithPath: path + ".raw"))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["gzip", "-f", "-n", path + ".raw"]
        try process.run()
        process.waitUntilExit()
        try FileManager.default.moveItem(atPath: path + ".raw.gz", toPath: path)
    }

    /// A directory with IDX train/test pairs of 500 3×3 images; returns the `import idx` arguments.
    private func idxArguments(_ directory: URL) throws -> [String] {
        var arguments: [String] = []
        for (prefix, option) in [("train", "--"), ("test", "--test-")] {
            let images = directory.appendingPathComponent("\(prefix)-images.gz").path
            let labels = directory.appendingPathComponent("\(prefix)-labels.gz").path
            try writeIDX(images, dimensions: [500, 3, 3], data: (0..<4500).map { UInt8($0 % 256) })
            try writeIDX(labels, dimensions: [500], data: (0..<500).map { UInt8($0 % 4) })
            arguments += ["\(option)images", images, "\(option)labels", labels]
        }
        return arguments
    }

    private func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pb-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func importIDXThenInspect() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("out/digits.h5").path
        let imported = try prunebench(["import", "idx", "--name", "digits", "-o", output]
                                      + (try idxArguments(directory)))
        #expect(imported.status == 0, "stderr: \(imported.error)")
        #expect(imported.output.hasPrefix("wrote \(output): digits, 4 classes, images [1, 3, 3], train 500, test 500"))
        let inspected = try prunebench("inspect", output)
        #expect(inspected.status == 0, "stderr: \(inspected.error)")
        let lines = inspected.output.split(separator: "\n").map(String.init)
        #expect(lines.contains("  @class_names = [\"0\", \"1\", \"2\", \"3\"]"))
        #expect(lines.contains("    images  uint8 [500, 1, 3, 3]  chunks [500, 1, 3, 3], gzip(1)"))
        #expect(lines.contains("valid PruneBench dataset: \"digits\", 4 classes, images [1, 3, 3], train 500, test 500"))
    }

    @Test func truncatedGzipImportFailsCleanly() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let arguments = try idxArguments(directory)
        let images = directory.appendingPathComponent("train-images.gz")
        let bytes = try Data(contentsOf: images)
        try bytes.prefix(bytes.count - 30).write(to: images)
        let output = directory.appendingPathComponent("out.h5").path
        let result = try prunebench(["import", "idx", "-o", output] + arguments)
        #expect(result.status != 0)
        #expect(result.output.isEmpty)
        let lines = result.error.split(separator: "\n")
        #expect(lines.count == 1, "stderr: \(result.error)")
        #expect(result.error.contains(images.path) && result.error.contains("gzip stream: truncated"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { !$0.hasSuffix(".gz") }
        #expect(leftovers.isEmpty)
    }

    @Test func inspectNonexistentAndNonHDF5Files() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = directory.appendingPathComponent("missing.h5").path
        let first = try prunebench("inspect", missing)
        #expect(first.status != 0)
        #expect(first.error == "Error: \(missing): /: cannot open file: no such file\n")
        let text = directory.appendingPathComponent("notes.txt")
        try Data("hello\n".utf8).write(to: text)
        let second = try prunebench("inspect", text.path)
        #expect(second.status != 0)
        #expect(second.error.split(separator: "\n").count == 1 && second.error.contains("not an HDF5 file"))
    }

    @Test func truncatedHDF5PrintsOneLineWithoutHDF5Diagnostics() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let whole = directory.appendingPathComponent("whole.h5").path
        let imported = try prunebench(["import", "idx", "--compression", "0", "-o", whole] + (try idxArguments(directory)))
        #expect(imported.status == 0, "stderr: \(imported.error)")
        let truncated = directory.appendingPathComponent("truncated.h5")
        try Data(contentsOf: URL(fileURLWithPath: whole)).prefix(3000).write(to: truncated)
        let result = try prunebench("inspect", truncated.path)
        #expect(result.status != 0)
        #expect(result.error.hasPrefix("Error: \(truncated.path): /: cannot open file: "))
        #expect(result.error.contains("truncated file"))
        #expect(!result.error.contains("HDF5-DIAG"))
        #expect(result.error.split(separator: "\n").count == 1, "stderr: \(result.error)")
    }

    @Test func inspectReportsWhyAFileIsInvalid() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("bad.h5").path
        let script = """
        import sys, h5py, numpy as np
        with h5py.File(sys.argv[1], "w") as f:
            f.attrs["class_names"] = ["a", "b"]; f.attrs["mean"] = [0.5]; f.attrs["std"] = [0.5]
            for name in ["train", "test"]:
                f[name + "/images"] = np.zeros((2, 4, 4), dtype=np.uint8)
                f[name + "/labels"] = np.array([0, 5])
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, path]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let result = try prunebench("inspect", path)
        #expect(result.status == 1)
        #expect(result.output.contains("not a valid PruneBench dataset: \(path): /train/labels: label 5 at index 1 is outside 0..<2"))
    }

    @Test func inspectAStateDictCheckpoint() throws {
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("HDF5Tests/Fixtures/state_dict.h5").path
        let result = try prunebench("inspect", fixture)
        #expect(result.status == 0, "stderr: \(result.error)")
        #expect(result.output.contains("  bn1.num_batches_tracked  int64 []  contiguous"))
        #expect(result.output.contains("valid PruneBench checkpoint: 9 tensors (106 values), 0 masks, no architecture (plain state_dict)"))
    }

    @Test func importFromMissingDirectoryFailsCleanly() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("fm.h5").path
        let result = try prunebench("import", "fashion-mnist", "--from", directory.appendingPathComponent("none").path,
                                    "-o", output)
        #expect(result.status != 0)
        #expect(result.error.split(separator: "\n").count == 1 && result.error.contains("no such file"))
        #expect(!FileManager.default.fileExists(atPath: output))
    }
}
