import Foundation
import Testing

/// `prunebench check` end to end: `--update` writes a baseline that the same results pass, a rise beyond
/// the tolerance fails, and broken inputs fail with a message naming the problem.
@Suite struct CheckCommandTests {
    private static let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        .deletingLastPathComponent().appendingPathComponent("prunebench").path

    private func prunebench(_ arguments: [String]) throws -> (output: String, error: String, status: Int32) {
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
        return (String(decoding: out, as: UTF8.self), String(decoding: err, as: UTF8.self), process.terminationStatus)
    }

    /// A stored run record of `random` at 4× on a 10-class dataset with test top-1 `top1` (a fraction).
    private func record(seed: Int, top1: Double) -> (digest: String, json: String) {
        let digest = String(repeating: "\(seed)", count: 64)
        // Records store a NaN as the string "NaN" (the results store's non-conforming float strategy).
        let value = top1.isNaN ? "\"NaN\"" : "\(top1)"
        let evaluation = "{\"test\": {\"count\": 10000, \"loss\": 0.4, \"top1\": \(value), \"top5\": 0.99}}"
        let json = """
            {"digest": "\(digest)", "environment": {}, "labels": {"dataset": "fmnist", "method": "random", "model": "mlp"},
             "metrics": {"afterFineTuning": \(evaluation), "beforeFineTuning": \(evaluation),
                         "budget": {"calls": [{"learningRate": 0.001, "phase": "fine-tuning", "schedule": "constant", "steps": 100}],
                                    "limit": 100, "steps": 100, "stepsPerEpoch": 430}, "classes": 10,
                         "latency": {"batchSize": 128, "samples": [0.001], "threads": 1},
                         "macs": {"layers": [{"dense": 1000, "kind": "linear", "path": "fc1", "remaining": 250}]},
                         "parameters": {"nonzero": 250, "prunable": 1000, "prunableNonzero": 250, "total": 1000}},
             "spec": {"budget": {"steps": 100}, "checkpoint": {"path": "c.h5", "sha256": "c"}, "compression": 4,
                      "configuration": {}, "dataset": {"path": "d.h5", "sha256": "d"}, "engine": "0.3.0", "fineTuning": {},
                      "method": "random", "seed": \(seed), "version": 1},
             "status": "completed", "timings": {"finished": "", "phases": {}, "started": "", "wallSeconds": 1}}
            """
        return (digest, json)
    }

    private func store(_ results: URL, _ runs: [(seed: Int, top1: Double)]) throws {
        try FileManager.default.createDirectory(at: results, withIntermediateDirectories: true)
        for run in runs {
            let (digest, json) = record(seed: run.seed, top1: run.top1)
            try Data(json.utf8).write(to: results.appendingPathComponent("\(digest).json"))
        }
    }

    private func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("pb-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func updateThenCheckPassesAndARiseFails() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let results = directory.appendingPathComponent("results"), baseline = directory.appendingPathComponent("b.csv").path
        try store(results, [(0, 0.80), (1, 0.81)])
        let update = try prunebench(["check", "--baseline", baseline, "--results", results.path, "--update"])
        #expect(update.status == 0, "stderr: \(update.error)")
        #expect(update.output.contains("wrote \(baseline): 1 entries from 2 runs"))
        let same = try prunebench(["check", "--baseline", baseline, "--results", results.path])
        #expect(same.status == 0, "\(same.output)\(same.error)")
        // Baseline 80.50 ± 0.71 over 2 seeds → tol = min(2, max(0.3, 3 · 0.71 · 1)) = 2; both seeds +3 points.
        try store(results, [(0, 0.83), (1, 0.84)])
        let rose = try prunebench(["check", "--baseline", baseline, "--results", results.path])
        #expect(rose.status == 1)
        #expect(rose.output.contains("ROSE by 3.00 points (1.00 beyond tolerance): the method changed"), "\(rose.output)")
        // --update shows what moved before rewriting.
        let refresh = try prunebench(["check", "--baseline", baseline, "--results", results.path, "--update"])
        #expect(refresh.status == 0 && refresh.output.contains("ROSE by 3.00 points"))
        #expect(try prunebench(["check", "--baseline", baseline, "--results", results.path]).status == 0)
    }

    @Test func brokenInputsFailWithAClearMessage() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let results = directory.appendingPathComponent("results"), baseline = directory.appendingPathComponent("b.csv")
        try store(results, [(0, 0.80)])
        let header = "dataset,model,method,target_compression,runs,failed,top1_after_mean,top1_after_std,compression_mean\r\n"
        try Data(header.utf8).write(to: baseline)
        let empty = try prunebench(["check", "--baseline", baseline.path, "--results", results.path])
        #expect(empty.status != 0)
        #expect(empty.error.contains("the baseline has a header but no entries"), "\(empty.error)")
        try Data((header + "fmnist,mlp,random,4,2,0,80,-1,4\r\n").utf8).write(to: baseline)
        let negative = try prunebench(["check", "--baseline", baseline.path, "--results", results.path])
        #expect(negative.status != 0 && negative.error.contains("column 'top1_after_std': expected a std in [0, 70.71]"))
        // One seed where the baseline had two.
        try Data((header + "fmnist,mlp,random,4,2,0,80,0.5,4\r\n").utf8).write(to: baseline)
        let fewer = try prunebench(["check", "--baseline", baseline.path, "--results", results.path])
        #expect(fewer.status == 1 && fewer.output.contains("FEWER SEEDS: 1 completed, the baseline has 2"), "\(fewer.output)")
        // A NaN top-1 can neither pass nor be written into a baseline.
        try store(results, [(0, .nan)])
        let invalid = try prunebench(["check", "--baseline", baseline.path, "--results", results.path])
        #expect(invalid.status == 1 && invalid.output.contains("INVALID: top-1 is not a number in 1 of 1 runs"), "\(invalid.output)")
        let refused = try prunebench(["check", "--baseline", baseline.path, "--results", results.path, "--update"])
        #expect(refused.status != 0 && refused.error.contains("refusing to write it into a baseline"), "\(refused.error)")
        let empties = directory.appendingPathComponent("none")
        try FileManager.default.createDirectory(at: empties, withIntermediateDirectories: true)
        let nothing = try prunebench(["check", "--baseline", baseline.path, "--results", empties.path, "--update"])
        #expect(nothing.status != 0 && nothing.error.contains("refusing to write an empty baseline"))
    }
}
