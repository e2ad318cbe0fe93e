import Bench
import Foundation

/// The rule that decides whether a new mean top-1 regressed against a baseline.
///
/// With baseline mean m_b, sample std s_b over n_b seeds and new m_n, s_n, n_n, the entry regresses when
///     m_n < m_b − tol,   tol = max(floor, k · sqrt(s_b²/n_b + s_n²/n_n)).
/// sqrt(s_b²/n_b + s_n²/n_n) is the standard error of the difference of the two means (Welch);
/// k = 3 keeps false alarms rare even with few seeds and many cells (one-sided normal tail 0.13 %
/// per cell) while a real loss of several standard errors still fails. A side with a single seed
/// has no std of its own and borrows the other side's; with no spread on either side (single seeds,
/// or identical results, as the deterministic engine gives on one machine) the floor applies:
/// 0.3 points, above the jitter of a changed summation order yet far below any real regression.
/// The achieved compression must match: |c_n / c_b − 1| ≤ 1 % (methods meet their target within
/// one weight; a change of the pruning rule moves it by far more).
public struct ToleranceRule: Hashable, Sendable {
    /// The smallest tolerance, in points of top-1 (%).
    public var floor = 0.3
    /// Standard errors of the difference allowed.
    public var k = 3.0
    /// Allowed relative difference of the achieved compression.
    public var compression = 0.01

    public init() {}

    /// The tolerance for a baseline (mean, std, n) against new (mean, std, n), in points.
    public func tolerance(baselineStd: Double?, baselineRuns: Int, newStd: Double?, newRuns: Int) -> Double {
        let ownBaseline = baselineRuns > 1 ? baselineStd : nil
        let ownNew = newRuns > 1 ? newStd : nil
        let sb = ownBaseline ?? ownNew ?? 0, sn = ownNew ?? ownBaseline ?? 0
        let error = (sb * sb / Double(max(baselineRuns, 1)) + sn * sn / Double(max(newRuns, 1))).squareRoot()
        return max(floor, k * error)
    }
}

/// The outcome of checking one baseline entry.
public struct CheckVerdict: Hashable, Sendable {
    /// What was found.
    public enum Status: String, Hashable, Sendable {
        /// Within tolerance (or better).
        case pass
        /// Mean top-1 fell by more than the tolerance.
        case regressed
        /// The achieved compression differs from the baseline's.
        case compressionMismatch = "compression"
        /// Runs of this entry failed (more than in the baseline), or none completed.
        case failed
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

    /// Checks the records of `table` against `baseline` under `rule`.
    public init(baseline: Baseline, table: ResultsTable, rule: ToleranceRule = ToleranceRule()) {
        let current = Baseline(Leaderboard(records: table.records))
        let byKey = Dictionary(current.entries.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let baselineKeys = Set(baseline.entries.map(\.key))
        verdicts = baseline.entries.map { BaselineCheck.verdict($0, current: byKey[$0.key], rule: rule) }
        newEntries = current.entries.filter { !baselineKeys.contains($0.key) }
        failedRuns = table.failed
        self.rule = rule
    }

    /// Whether every baseline entry passed.
    public var passed: Bool { !verdicts.contains(where: \.fails) }

    /// The verdict on one baseline entry.
    static func verdict(_ baseline: Baseline.Entry, current: Baseline.Entry?, rule: ToleranceRule) -> CheckVerdict {
        var verdict = CheckVerdict(key: baseline.key, status: .pass, baseline: baseline, current: current, delta: nil, tolerance: nil)
        guard let current else { verdict.status = .missing; return verdict }
        guard let newMean = current.top1Mean, current.runs > 0 else { verdict.status = .failed; return verdict }
        if current.failed > baseline.failed { verdict.status = .failed }
        guard let oldMean = baseline.top1Mean else { return verdict }
        let tolerance = rule.tolerance(baselineStd: baseline.top1Std, baselineRuns: baseline.runs,
                                       newStd: current.top1Std, newRuns: current.runs)
        verdict.delta = newMean - oldMean
        verdict.tolerance = tolerance
        guard verdict.status == .pass else { return verdict }
        if newMean < oldMean - tolerance {
            verdict.status = .regressed
        } else if let old = baseline.compression, let new = current.compression, old > 0,
                  abs(new / old - 1) > rule.compression {
            verdict.status = .compressionMismatch
        }
        return verdict
    }
}
