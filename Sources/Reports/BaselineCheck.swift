import Bench
import Foundation

/// The rule that decides whether a new mean top-1 moved against a baseline.
///
/// With baseline mean m_b, sample std s_b over n_b seeds and new mean m_n over n_n seeds, the entry fails when
///     |m_n − m_b| > tol,   tol = min(cap, max(floor, k · s_b · sqrt(1/n_b + 1/n_n))).
/// s_b · sqrt(1/n_b + 1/n_n) is the standard error of the difference of the two means if the new runs
/// scatter as the baseline's did. The new runs' own spread never enters: a method that a bug made erratic
/// cannot widen its own tolerance. k = 3 keeps false alarms rare over tens of cells (two-sided normal
/// tail 0.27 % per cell); the floor (0.3 points) absorbs summation-order jitter from a changed BLAS or
/// compiler where the seeds agree (the engine is deterministic on one machine, so the same seeds rerun
/// bit-identically); the cap (2 points) keeps a cell whose seeds scatter widely (a collapsed seed) from
/// tolerating anything. A baseline entry with one seed gets the floor. Both directions fail: a rise means
/// the method changed, and the baseline is refreshed deliberately (`check --update`).
/// The achieved compression must match: |c_n / c_b − 1| ≤ 1 % (methods meet their target within
/// one weight; a change of the pruning rule moves it by far more).
public struct ToleranceRule: Hashable, Sendable {
    /// The smallest tolerance, in points of top-1 (%).
    public var floor = 0.3
    /// The largest tolerance, in points of top-1 (%).
    public var cap = 2.0
    /// Standard errors of the difference allowed.
    public var k = 3.0
    /// Allowed relative difference of the achieved compression.
    public var compression = 0.01

    public init() {}

    /// The tolerance for a baseline of std `baselineStd` over `baselineRuns` seeds against `newRuns` new seeds, in points.
    public func tolerance(baselineStd: Double?, baselineRuns: Int, newRuns: Int) -> Double {
        guard baselineRuns > 1, let spread = baselineStd else { return floor }
        let error = spread * (1 / Double(baselineRuns) + 1 / Double(Swift.max(newRuns, 1))).squareRoot()
        return Swift.min(cap, Swift.max(floor, k * error))
    }
}

/// The outcome of checking one baseline entry.
public struct CheckVerdict: Hashable, Sendable {
    /// What was found.
    public enum Status: String, Hashable, Sendable {
        /// Within tolerance.
        case pass
        /// Mean top-1 fell by more than the tolerance.
        case regressed
        /// Mean top-1 rose by more than the tolerance: the method changed (refresh the baseline deliberately).
        case improved
        /// The achieved compression differs from the baseline's.
        case compressionMismatch = "compression"
        /// Runs of this entry failed (more than in the baseline), or none completed.
        case failed
        /// Fewer completed seeds than the baseline's.
        case fewerSeeds = "fewer-seeds"
        /// A completed run's top-1 is not a finite number.
        case invalid
        /// No run of this entry is in the results.
        case missing
    }

    public var key: Baseline.Key
    public var status: Status
    public var baseline: Baseline.Entry
    /// The new results' entry (`nil` when missing).
    public var current: Baseline.Entry?
    /// New mean minus baseline mean, in points (when both have completed runs).
    public var delta: Double?
    public var tolerance: Double?

    /// Whether this verdict fails the check.
    public var fails: Bool { status != .pass }
}

/// A comparison of results with a baseline: a verdict per baseline entry, the entries the baseline
/// lacks and the failed runs.
public struct BaselineCheck: Sendable {
    public var verdicts: [CheckVerdict]
    /// Entries in the results but not in the baseline (not a failure: refresh the baseline to add them).
    public var newEntries: [Baseline.Entry]
    /// Every failed run among the results checked.
    public var failedRuns: [RunRecord]
    public var rule: ToleranceRule

    /// Checks the records of `table` against `baseline` under `rule`, in sections by `track`.
    public init(baseline: Baseline, table: ResultsTable, rule: ToleranceRule = ToleranceRule(),
                track: @escaping @Sendable (RunRecord) -> String = Leaderboard.recordTrack) {
        let current = Baseline(Leaderboard(records: table.records, track: track))
        let byKey = Dictionary(current.entries.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let baselineKeys = Set(baseline.entries.map(\.key))
        verdicts = baseline.entries.map { BaselineCheck.verdict($0, current: byKey[$0.key], rule: rule) }
        newEntries = current.entries.filter { !baselineKeys.contains($0.key) }
        failedRuns = table.failed
        self.rule = rule
    }

    /// Whether every baseline entry passed.
    public var passed: Bool { !verdicts.contains(where: \.fails) }

    /// The verdict on one baseline entry: missing, invalid, failed and fewer seeds first (their numbers
    /// cannot be compared), then a move of the mean beyond tolerance either way, then the compression.
    static func verdict(_ baseline: Baseline.Entry, current: Baseline.Entry?, rule: ToleranceRule) -> CheckVerdict {
        var verdict = CheckVerdict(key: baseline.key, status: .pass, baseline: baseline, current: current, delta: nil, tolerance: nil)
        guard let current else { verdict.status = .missing; return verdict }
        if current.nonFiniteTop1 > 0 { verdict.status = .invalid; return verdict }
        guard let newMean = current.top1Mean, current.runs > 0 else { verdict.status = .failed; return verdict }
        if current.failed > baseline.failed {
            verdict.status = .failed
        } else if current.runs < baseline.runs {
            verdict.status = .fewerSeeds
        }
        guard let oldMean = baseline.top1Mean else { return verdict }
        let tolerance = rule.tolerance(baselineStd: baseline.top1Std, baselineRuns: baseline.runs, newRuns: current.runs)
        verdict.delta = newMean - oldMean
        verdict.tolerance = tolerance
        guard verdict.status == .pass else { return verdict }
        if newMean < oldMean - tolerance {
            verdict.status = .regressed
        } else if newMean > oldMean + tolerance {
            verdict.status = .improved
        } else if let old = baseline.compression, let new = current.compression, old > 0,
                  abs(new / old - 1) > rule.compression {
            verdict.status = .compressionMismatch
        }
        return verdict
    }
}
