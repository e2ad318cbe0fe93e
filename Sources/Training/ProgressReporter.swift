import Foundation

/// A one-line progress bar on stderr (epoch, step, loss, images/s, time left), drawn only when
/// stderr is a terminal; silent otherwise (CI logs, pipes). Redraws at most ten times a second.
public final class ProgressReporter {
    /// Whether anything is drawn.
    public let isEnabled: Bool
    private let totalSteps: Int
    private let totalEpochs: Int
    private let label: String
    private let start = ContinuousClock.now
    private var lastDraw: ContinuousClock.Instant?
    private var images = 0
    private var drawn = false

    /// A reporter for a run of `totalSteps` steps over `totalEpochs` epochs; `enabled` overrides
    /// the terminal check (tests).
    public init(totalSteps: Int, totalEpochs: Int, label: String = "train", enabled: Bool? = nil) {
        self.totalSteps = max(totalSteps, 1)
        self.totalEpochs = max(totalEpochs, 1)
        self.label = label
        self.isEnabled = enabled ?? (isatty(STDERR_FILENO) == 1)
    }

    /// Records a finished step of `batchSize` images and redraws if due.
    public func update(step: Int, epoch: Int, loss: Float, batchSize: Int) {
        images += batchSize
        guard isEnabled else { return }
        let now = ContinuousClock.now
        if let lastDraw, now - lastDraw < .milliseconds(100), step < totalSteps { return }
        lastDraw = now
        write("\r\u{1B}[2K" + line(step: step, epoch: epoch, loss: loss, now: now))
        drawn = true
    }

    /// Prints `text` on its own line (e.g. an epoch summary) above the bar, on stdout.
    public func message(_ text: String) {
        clear()
        FileHandle.standardOutput.write(Foundation.Data((text + "\n").utf8))
    }

    /// Removes the bar.
    public func finish() { clear() }

    /// The bar's text at `now` (visible for tests).
    func line(step: Int, epoch: Int, loss: Float, now: ContinuousClock.Instant) -> String {
        let elapsed = seconds(now - start)
        let fraction = Double(step) / Double(totalSteps)
        let width = 20, filled = min(width, Int(fraction * Double(width)))
        let bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        let rate = elapsed > 0 ? Double(images) / elapsed : 0
        let left = step > 0 ? elapsed * Double(totalSteps - step) / Double(step) : 0
        return "\(label) epoch \(epoch + 1)/\(totalEpochs) \(bar) step \(step)/\(totalSteps)"
            + " loss \(String(format: "%.4f", loss)) \(Int(rate)) img/s left \(formatDuration(left))"
    }

    private func clear() {
        guard drawn else { return }
        write("\r\u{1B}[2K")
        drawn = false
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Foundation.Data(text.utf8))
    }
}

/// Seconds in a `Duration`.
func seconds(_ duration: Duration) -> Double {
    let (s, atto) = duration.components
    return Double(s) + Double(atto) * 1e-18
}

/// `m:ss` or `h:mm:ss`.
public func formatDuration(_ seconds: Double) -> String {
    let total = Int(seconds.rounded())
    let (h, m, s) = (total / 3600, total / 60 % 60, total % 60)
    return h > 0 ? String(format: "%d:%02d:%02d", h, m, s) : String(format: "%d:%02d", m, s)
}
