/// Something a method decided during a run that its result depends on, kept in the run's record: Early-Bird's
/// ticket step, each HSR-NP pruning event. `step` counts the run's optimizer steps before the decision.
public struct MethodEvent: Codable, Hashable, Sendable, CustomStringConvertible {
    /// What happened, as a stable identifier (`early-bird-ticket`, `early-bird-search-limit`, `hsr-np-event`).
    public var kind: String
    /// Optimizer steps of the run before the event.
    public var step: Int
    /// The method's own words on it (shown in `runs.csv`).
    public var detail: String

    /// A value from its parts.
    public init(kind: String, step: Int, detail: String = "") {
        self.kind = kind
        self.step = step
        self.detail = detail
    }

    public var description: String { detail.isEmpty ? "\(kind)@\(step)" : "\(kind)@\(step): \(detail)" }
}

extension Session {
    /// Keeps `event` for the run's record and shows it on the progress display.
    public func record(_ event: MethodEvent) {
        events.append(event)
        report(event.description)
    }
}
