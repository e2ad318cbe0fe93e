import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A one-line progress display on stderr: run i of n, the method, its phase and the time left.
///
/// Draws only when stderr is a terminal (`isatty`); otherwise it prints nothing, so CI logs stay
/// quiet. Time left = mean wall time of the runs finished in this invocation × runs still to do ÷ runs in
/// flight. Safe to call from several workers at once: each run in flight has a slot, the line shows the
/// newest event and how many other runs are in flight.
public final class ProgressDisplay: @unchecked Sendable {
    private let enabled: Bool
    private let lock = NSLock()
    private var total = 0
    private var done = 0
    private var nextSlot = 0
    private var running: [Int: (index: Int, description: String, start: Date)] = [:]
    private var finishedSeconds: [Double] = []
    private var lastDraw = Date.distantPast

    /// A display that draws when `enabled` (by default: when stderr is a terminal).
    public init(enabled: Bool = isatty(STDERR_FILENO) == 1) { self.enabled = enabled }

    func start(total: Int, skipped: Int) {
        lock.withLock {
            self.total = total
            done = skipped
            if skipped > 0 { line("\(skipped) of \(total) runs already stored, skipped") }
        }
    }

    /// Marks run `index` (1-based in the grid) as started; returns its slot for `phase` and `endRun`.
    func beginRun(index: Int, remaining: Int, labels: RunLabels, compression: Double, seed: UInt64) -> Int {
        lock.withLock {
            let slot = nextSlot
            nextSlot += 1
            let track = labels.track.map { " [\($0)]" } ?? ""
            let description = "\(labels.model) \(labels.method)\(track) ×\(JSONValue.canonicalNumber(compression)) seed \(seed)"
            running[slot] = (index, description, Date())
            draw(slot: slot, phase: "starting", force: true)
            return slot
        }
    }

    func phase(_ phase: String, slot: Int) { lock.withLock { draw(slot: slot, phase: phase, force: false) } }

    func endRun(_ record: RunRecord, slot: Int) {
        lock.withLock {
            finishedSeconds.append(record.timings.wallSeconds)
            done += 1
            if record.status == .failed, let run = running[slot] {
                line("run \(run.index)/\(total) \(run.description) failed: \(record.failure ?? "")")
            }
            running[slot] = nil
        }
    }

    func finish(_ summary: GridSummary) {
        guard enabled else { return }
        lock.withLock {
            clear()
            FileHandle.standardError.write(Data(
                "\(summary.executed) runs done (\(summary.failed) failed), \(summary.skipped) skipped\n".utf8))
        }
    }

    private func draw(slot: Int, phase: String, force: Bool) {
        guard enabled, let run = running[slot], force || Date().timeIntervalSince(lastDraw) > 0.2 else { return }
        lastDraw = Date()
        var text = "run \(run.index)/\(total) \(run.description) — \(phase)"
        if running.count > 1 { text += " (+\(running.count - 1) running)" }
        if !finishedSeconds.isEmpty {
            let mean = finishedSeconds.reduce(0, +) / Double(finishedSeconds.count)
            let left = max(0, mean * Double(total - done) / Double(max(running.count, 1)) - Date().timeIntervalSince(run.start))
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
