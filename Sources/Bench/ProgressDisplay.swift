import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A one-line progress display on stderr: run i of n, the method, its phase and the time left.
///
/// Draws only when stderr is a terminal (`isatty`); otherwise it prints nothing, so CI logs stay
/// quiet. Time left = mean wall time of the runs finished in this invocation × runs still to do.
public final class ProgressDisplay {
    private let enabled: Bool
    private var total = 0
    private var index = 0
    private var remaining = 0
    private var current = ""
    private var finishedSeconds: [Double] = []
    private var runStart = Date()
    private var lastDraw = Date.distantPast

    /// A display that draws when `enabled` (by default: when stderr is a terminal).
    public init(enabled: Bool = isatty(STDERR_FILENO) == 1) { self.enabled = enabled }

    func start(total: Int, skipped: Int) {
        self.total = total
        if skipped > 0 { line("\(skipped) of \(total) runs already stored, skipped") }
    }

    func beginRun(index: Int, remaining: Int, labels: RunLabels, compression: Double, seed: UInt64) {
        self.index = index
        self.remaining = remaining
        current = "\(labels.model) \(labels.method) ×\(JSONValue.canonicalNumber(compression)) seed \(seed)"
        runStart = Date()
        draw(phase: "starting", force: true)
    }

    func phase(_ phase: String) { draw(phase: phase, force: false) }

    func endRun(_ record: RunRecord) {
        finishedSeconds.append(record.timings.wallSeconds)
        if record.status == .failed { line("run \(index)/\(total) \(current) failed: \(record.failure ?? "")") }
    }

    func finish(_ summary: GridSummary) {
        guard enabled else { return }
        clear()
        FileHandle.standardError.write(Data(
            "\(summary.executed) runs done (\(summary.failed) failed), \(summary.skipped) skipped\n".utf8))
    }

    private func draw(phase: String, force: Bool) {
        guard enabled, force || Date().timeIntervalSince(lastDraw) > 0.2 else { return }
        lastDraw = Date()
        var text = "run \(index)/\(total) \(current) — \(phase)"
        if !finishedSeconds.isEmpty {
            let mean = finishedSeconds.reduce(0, +) / Double(finishedSeconds.count)
            let left = max(0, mean * Double(remaining) - Date().timeIntervalSince(runStart))
            text += " — \(formatDuration(left)) left"
        }
        let columns = 120
        if text.count > columns { text = String(text.prefix(columns)) }
        FileHandle.standardError.write(Data(("\r\u{1B}[2K" + text).utf8))
    }

    private func clear() { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }

    private func line(_ text: String) {
        guard enabled else { return }
        clear()
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }
}

/// `seconds` as `1h02m`, `3m05s` or `12s`.
func formatDuration(_ seconds: Double) -> String {
    let total = Int(seconds.rounded())
    if total >= 3600 { return String(format: "%dh%02dm", total / 3600, total % 3600 / 60) }
    if total >= 60 { return String(format: "%dm%02ds", total / 60, total % 60) }
    return "\(total)s"
}
