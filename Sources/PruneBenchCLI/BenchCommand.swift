import ArgumentParser
import Foundation
import NN

/// `prunebench bench`: speed measurements of the engine.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure the speed of the engine.",
        subcommands: [EngineBenchCommand.self])
}

/// `prunebench bench engine`: training/inference images/s of zoo models and GEMM GFLOP/s, optionally as
/// ratios to a PyTorch reference measured in the same sitting (`benchmarks/pytorch_reference.py`).
struct EngineBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Training and inference images/s of zoo models and GEMM GFLOP/s.",
        discussion: """
            Run the PyTorch reference first and pass its JSON with --reference to print ratios \
            (engine / PyTorch; above 1 means the engine is faster). benchmarks/compare_engine.sh does both.
            """)

    @Option(help: "Comma-separated zoo models.")
    var models = "mlp,lenet5,resnet20"
    @Option(help: "Comma-separated thread counts.")
    var threads = "1,2"
    @Option(help: "Images per batch.")
    var batch = 128
    @Option(help: "Input channels.")
    var channels = 1
    @Option(help: "Input height and width.")
    var size = 28
    @Option(help: "Seconds to time each measurement.")
    var seconds = 2.0
    @Flag(help: "Skip the GEMM measurements.")
    var skipGEMM = false
    @Flag(help: "Skip the model measurements.")
    var skipModels = false
    @Option(help: "A PyTorch reference report (JSON) to print ratios against.")
    var reference: String?
    @Option(help: "Write this sitting's report as JSON to this file.")
    var json: String?

    func run() throws {
        let threadCounts = try parseList(threads, "threads").map { (text: String) -> Int in
            guard let value = Int(text), value > 0 else { throw ValidationError("bad thread count \"\(text)\"") }
            return value
        }
        let names = try parseList(models, "models")
        let referenceReport = try reference.map(Self.readReport)
        print("OpenBLAS core: \(blasCoreName())"
              + (referenceReport.map { "   reference: \($0.engine), BLAS \($0.blas)" } ?? ""))
        var report = EngineBenchmark.Report(engine: "prunebench", blas: blasCoreName(), models: [], gemm: [])
        let architectures = names.map {
            Architecture(name: $0, classes: 10, inputChannels: channels, inputSize: [size, size])
        }
        if !skipModels {
            print(EngineTable.modelHeader(withReference: referenceReport != nil))
            for architecture in architectures {
                for count in threadCounts {
                    let result = try EngineBenchmark.measure(architecture, batch: batch, threads: count,
                                                             seconds: seconds)
                    report.models.append(result)
                    print(EngineTable.row(result, reference: referenceReport))
                }
            }
        }
        if !skipGEMM {
            print(EngineTable.gemmHeader(withReference: referenceReport != nil))
            var shapes: [(label: String, m: Int, n: Int, k: Int)] = [("square 2048", 2048, 2048, 2048)]
            for architecture in architectures {
                var random = SeededGenerator(seed: 0)
                shapes += EngineBenchmark.layerShapes(of: try Model(architecture, random: &random), batch: batch)
            }
            for shape in shapes {
                for count in threadCounts {
                    let result = EngineBenchmark.measureGEMM(label: shape.label, m: shape.m, n: shape.n, k: shape.k,
                                                             threads: count, seconds: min(seconds, 1))
                    report.gemm.append(result)
                    print(EngineTable.row(result, reference: referenceReport))
                }
            }
        }
        if let json { try Self.write(report, to: json) }
    }

    func parseList(_ text: String, _ what: String) throws -> [String] {
        let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !items.isEmpty else { throw ValidationError("--\(what) needs at least one value") }
        return items
    }

    static func readReport(_ path: String) throws -> EngineBenchmark.Report {
        do {
            return try JSONDecoder().decode(EngineBenchmark.Report.self,
                                            from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw ValidationError("cannot read reference report \(path): expected the JSON written by "
                                  + "benchmarks/pytorch_reference.py (\(error))")
        }
    }

    /// Writes the report atomically (temp file + rename).
    static func write(_ report: EngineBenchmark.Report, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(report).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
