/// Why a pruning run cannot go on: every case names the method, parameter or setting at fault.
public enum PruningError: Error, Equatable, CustomStringConvertible {
    /// The requested compression cannot be reached by masking the prunable parameters alone.
    case infeasibleCompression(compression: Double, keepFraction: Double, total: Int, prunable: Int)
    /// A method asked for more optimizer steps than the run's budget has left.
    case budgetExceeded(requested: Int, remaining: Int, total: Int)
    /// A mask was given for a parameter outside the session's prunable set.
    case notPrunable(parameter: String, prunable: [String])
    /// A method tried to change a mask after it returned (fine-tuning keeps masks fixed).
    case masksFrozen(parameter: String)
    /// A mask's shape differs from its parameter's shape.
    case maskShape(parameter: String, expected: [Int], got: [Int])
    /// A mask holds something other than 0 and 1.
    case maskValue(parameter: String, index: Int, value: Float)
    /// No method is registered under this name.
    case unknownMethod(name: String, known: [String])
    /// The method ranks by no per-weight score that could be exported (`ScoringMethod`).
    case noScores(method: String, scoring: [String])
    /// A method's configuration JSON could not be read.
    case badConfiguration(method: String, reason: String)
    /// A snapshot does not belong to this session's model.
    case snapshotMismatch(reason: String)
    /// A split or batch request cannot be served by the session's data.
    case data(reason: String)
    /// A method cannot keep its target count of entries: only `available` are left to choose from.
    case targetUnreachable(method: String, target: Int, available: Int, reason: String)
    /// Removing channels cannot reach the target: `best` is what keeping one channel per pruned layer gives.
    case channelTargetUnreachable(method: String, kind: TargetKind, target: Double, best: Double)
    /// The method cannot aim at this kind of target.
    case unsupportedTarget(method: String, kind: TargetKind)

    public var description: String {
        switch self {
        case let .infeasibleCompression(c, f, total, prunable):
            return "compression \(c) is infeasible: keep fraction f = (total/c - nonprunable)/prunable = \(f) "
                + "is not in (0, 1] (total \(total) parameters, prunable \(prunable))"
        case let .budgetExceeded(requested, remaining, total):
            return "training budget exceeded: \(requested) optimizer steps requested, "
                + "\(remaining) of \(total) left"
        case let .notPrunable(parameter, prunable):
            return "parameter '\(parameter)' is not prunable in this session; prunable: "
                + prunable.joined(separator: ", ")
        case let .masksFrozen(parameter):
            return "mask of '\(parameter)' cannot change after the method has returned"
        case let .maskShape(parameter, expected, got):
            return "mask for '\(parameter)' has shape \(got), expected \(expected)"
        case let .maskValue(parameter, index, value):
            return "mask for '\(parameter)' holds \(value) at flat index \(index); expected 0 or 1"
        case let .unknownMethod(name, known):
            return "unknown pruning method '\(name)'; registered: " + known.joined(separator: ", ")
        case let .noScores(method, scoring):
            return "method '\(method)' has no per-weight scores to export; methods with scores: "
                + scoring.joined(separator: ", ")
        case let .badConfiguration(method, reason):
            return "configuration of method '\(method)': \(reason)"
        case let .snapshotMismatch(reason):
            return "snapshot does not match the session's model: \(reason)"
        case let .data(reason):
            return "session data: \(reason)"
        case let .targetUnreachable(method, target, available, reason):
            return "method '\(method)' cannot meet its target of \(target) kept entries: \(available) are available (\(reason))"
        case let .channelTargetUnreachable(method, kind, target, best):
            return "method '\(method)' cannot reach \(kind.rawValue) \(target) by removing channels: one channel per "
                + "pruned layer gives \(best)"
        case let .unsupportedTarget(method, kind):
            return "method '\(method)' cannot aim at a \(kind.rawValue) target (it removes no whole channels)"
        }
    }
}
