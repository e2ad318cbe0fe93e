import Foundation
import NN

/// Formats `prunebench bench engine` rows, with ratios to a reference report when one is given.
enum EngineTable {
    static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
    }

    static func number(_ value: Double) -> String {
        value >= 100 ? String(format: "%.0f", value) : String(format: "%.1f", value)
    }

    static func ratio(_ ours: Double, _ theirs: Double?) -> String {
        guard let theirs, theirs > 0 else { return "-" }
        return String(format: "%.2f×", ours / theirs)
    }

    static func modelHeader(withReference: Bool) -> String {
        var line = "model".padding(toLength: 10, withPad: " ", startingAt: 0) + pad("threads", 8)
            + pad("train img/s", 13) + pad("infer img/s", 13)
        if withReference {
            line += pad("torch train", 13) + pad("torch infer", 13) + pad("train ratio", 13) + pad("infer ratio", 13)
        }
        return "\n" + line
    }

    static func row(_ result: EngineBenchmark.ModelResult, reference: EngineBenchmark.Report?) -> String {
        var line = result.model.padding(toLength: 10, withPad: " ", startingAt: 0) + pad("\(result.threads)", 8)
            + pad(number(result.train), 13) + pad(number(result.infer), 13)
        if let reference {
            let match = reference.models.first {
                $0.model == result.model && $0.threads == result.threads && $0.batch == result.batch
            }
            line += pad(match.map { number($0.train) } ?? "-", 13) + pad(match.map { number($0.infer) } ?? "-", 13)
            line += pad(ratio(result.train, match?.train), 13) + pad(ratio(result.infer, match?.infer), 13)
        }
        return line
    }

    static func gemmHeader(withReference: Bool) -> String {
        var line = "GEMM (m×n×k)".padding(toLength: 42, withPad: " ", startingAt: 0) + pad("threads", 8)
            + pad("GFLOP/s", 10)
        if withReference { line += pad("torch", 10) + pad("ratio", 9) }
        return "\n" + line
    }

    static func row(_ result: EngineBenchmark.GEMMResult, reference: EngineBenchmark.Report?) -> String {
        let label = "\(result.label) \(result.m)×\(result.n)×\(result.k)"
        var line = label.padding(toLength: 42, withPad: " ", startingAt: 0) + pad("\(result.threads)", 8)
            + pad(number(result.gflops), 10)
        if let reference {
            let match = reference.gemm.first {
                $0.m == result.m && $0.n == result.n && $0.k == result.k && $0.threads == result.threads
            }
            line += pad(match.map { number($0.gflops) } ?? "-", 10) + pad(ratio(result.gflops, match?.gflops), 9)
        }
        return line
    }
}
