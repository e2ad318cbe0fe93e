import Foundation
import HDF5
import Testing

/// `prunebench scores` end to end: the written file against the PyTorch fixtures of
/// tools/score_fixtures.py (Tests/ScoreTests/Fixtures), and its errors.
@Suite struct ScoresCommandTests {
    static func fixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("ScoreTests/Fixtures/\(name)").path
    }

    /// Name → values of every dataset in `group` of `file`.
    static func tensors(_ file: File, _ group: String) throws -> [String: [Float]] {
        let inner = try file.group(group)
        var result: [String: [Float]] = [:]
        for child in try inner.children() { result[child.name] = try inner.openDataset(child.name).read(as: Float.self) }
        return result
    }

    /// Runs `scores` on a fixture checkpoint and compares the file with the fixture of `method`.
    func expectMatchesFixture(method: String, model: String, extra: [String]) throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("out/\(method).h5").path
        let batch = Self.fixture("batch.h5")
        let result = try runPrunebench(["scores", method, "--checkpoint", Self.fixture("\(model).h5"), "--dataset", batch,
                                        "--batch", batch, "--compression", "8", "-o", output] + extra)
        #expect(result.status == 0, "stderr: \(result.error)")
        #expect(result.output.hasPrefix("wrote \(output): \(method) scores of "), "\(result.output)")
        let file = try File.open(output)
        let expected = try File.open(Self.fixture("\(model)-scores.h5"))
        let scores = try Self.tensors(file, "scores"), reference = try Self.tensors(expected, "\(method)/scores")
        #expect(Set(scores.keys) == Set(reference.keys))
        for (name, values) in reference {
            let ours = scores[name] ?? []
            let scale = values.map(abs).max() ?? 0
            let difference = zip(ours, values).map { abs($0 - $1) }.max() ?? .infinity
            #expect(ours.count == values.count && difference <= 1e-4 * scale, "\(model) \(method) \(name)")
        }
        #expect(try Self.tensors(file, "masks") == Self.tensors(expected, "\(method)/masks"), "\(model) \(method) masks")
        let root = file.root
        #expect(try root.stringAttribute("format") == "prunebench-scores")
        #expect(try root.stringAttribute("method") == method)
        #expect(try root.stringAttribute("configuration") == "{}")
        #expect(try root.stringAttribute("keep") == "highest")
        #expect(try root.scalarAttribute("compression", as: Double.self) == 8)
        #expect(try root.scalarAttribute("examples", as: Int64.self) == 40)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("out").path)
        #expect(leftovers == ["\(method).h5"])
    }

    /// A plain PyTorch state_dict with `--model`, ShrinkBench's quantile masks over weights and biases.
    @Test func stateDictWithModelMatchesPyTorch() throws {
        try expectMatchesFixture(method: "global-gradient", model: "lenet5", extra: ["--model", "lenet5"])
    }

    /// The checkpoint's recorded architecture (a narrow batch-norm ResNet-20), SynFlow's 100 rounds.
    @Test func recordedArchitectureMatchesPyTorch() throws {
        try expectMatchesFixture(method: "synflow", model: "resnet20", extra: [])
    }

    /// Without --compression: scores only, no /masks; the configuration is recorded in canonical form.
    @Test func scoresWithoutMasks() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("snip.h5").path
        let batch = Self.fixture("batch.h5")
        let result = try runPrunebench(["scores", "snip", "--checkpoint", Self.fixture("resnet20.h5"), "--dataset", batch,
                                        "--batch", batch, "--configuration", #"{"pruneClassifier": true}"#, "-o", output])
        #expect(result.status == 0, "stderr: \(result.error)")
        let file = try File.open(output)
        #expect(try !file.root.contains("masks"))
        #expect(try file.root.stringAttribute("configuration") == #"{"pruneClassifier":true}"#)
        #expect(try Self.tensors(file, "scores").keys.contains("linear.weight"))
    }

    /// Each failure prints one line naming what is wrong and leaves no output file behind.
    @Test(arguments: [
        (["nope"], "unknown pruning method 'nope'"),
        (["rigl"], "method 'rigl' has no per-weight scores to export; methods with scores: global-magnitude"),
        (["snip", "--compression", "1000"], "compression 1000.0 is infeasible"),
        (["snip", "--configuration", #"{"batchsize": 3}"#], "unknown field 'batchsize'"),
        (["snip", "--checkpoint-from", "missing"], "missing.h5"),
    ])
    func failuresAreClear(arguments: [String], message: String) throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("out.h5").path
        let batch = Self.fixture("batch.h5")
        var checkpoint = Self.fixture("resnet20.h5")
        var rest = Array(arguments.dropFirst())
        if rest.first == "--checkpoint-from" {
            checkpoint = directory.appendingPathComponent("\(rest[1]).h5").path
            rest.removeFirst(2)
        }
        let result = try runPrunebench(["scores", arguments[0], "--checkpoint", checkpoint, "--dataset", batch,
                                        "--batch", batch, "-o", output] + rest)
        #expect(result.status != 0)
        #expect(result.error.contains(message), "stderr: \(result.error)")
        #expect(result.error.split(separator: "\n").count == 1, "stderr: \(result.error)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    /// A plain state_dict needs --model, which must fit its keys; a batch of other images is refused
    /// before any scoring.
    @Test func architectureAndBatchMustFit() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("out.h5").path
        let batch = Self.fixture("batch.h5")
        let plain = try runPrunebench(["scores", "snip", "--checkpoint", Self.fixture("lenet5.h5"), "--dataset", batch,
                                       "--batch", batch, "-o", output])
        #expect(plain.status != 0 && plain.error.contains("give --model NAME or --architecture-file FILE"), "\(plain.error)")
        let wrong = try runPrunebench(["scores", "snip", "--checkpoint", Self.fixture("lenet5.h5"), "--model", "mlp",
                                       "--dataset", batch, "--batch", batch, "-o", output])
        #expect(wrong.status != 0 && wrong.error.hasPrefix("Error: \(Self.fixture("lenet5.h5")): /: the tensors do not load into mlp: "
                + "state dict does not match model mlp:"), "\(wrong.error)")
        #expect(wrong.error.contains("fc1.weight: expected shape [300, 784], found [120, 400]"))
        let small = directory.appendingPathComponent("small.h5").path
        let script = """
        import sys, h5py, numpy as np
        with h5py.File(sys.argv[1], "w") as f:
            f.attrs["class_names"] = [str(i) for i in range(10)]; f.attrs["mean"] = [0.5]; f.attrs["std"] = [0.5]
            for name in ["train", "test"]:
                f[name + "/images"] = np.zeros((2, 5, 5), dtype=np.uint8)
                f[name + "/labels"] = np.array([0, 1])
        """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, small]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let mismatched = try runPrunebench(["scores", "snip", "--checkpoint", Self.fixture("resnet20.h5"), "--dataset", batch,
                                            "--batch", small, "-o", output])
        #expect(mismatched.status != 0)
        #expect(mismatched.error.contains("--batch \(small): images are [1, 5, 5]; model resnet20 expects [1, 28, 28]"),
                "\(mismatched.error)")
        #expect(!FileManager.default.fileExists(atPath: output))
    }
}
