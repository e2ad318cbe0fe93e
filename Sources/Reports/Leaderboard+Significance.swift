import Foundation

/// The methods of one leaderboard column that cannot be told apart from its best at the 95 % level.
public struct ColumnGroup: Hashable, Sendable {
    /// The method with the highest mean (ties: the first in row order); `nil` for an empty column.
    public var best: String?
    /// The best method and every method not significantly worse than it (the bold entries).
    public var members: Set<String>
    /// Welch's test of the best method's seeds against each other method's, where it applies.
    public var tests: [String: WelchTest]
}

extension Leaderboard {
    /// The confidence level of the group marks.
    public static let groupLevel = 0.95

    /// The top group of `metric` at `target` in `section`.
    ///
    /// The best method is the one with the highest mean over its completed seeds (collapsed seeds
    /// included: a collapse is an outcome of the method). Every other method is compared with it by
    /// Welch's two-sided t-test over the seeds; it joins the group unless the 95 % confidence interval
    /// of the difference of means excludes 0 (|t| > t_{0.975, ν}). When the test does not apply — a side
    /// with one seed, or neither side varying — a method joins only if its mean equals the best's to two
    /// decimals, as printed.
    public func topGroup(in section: LeaderboardSection, target: Double, metric: Metric = .top1After) -> ColumnGroup {
        let candidates = methods(in: section).compactMap { method -> (method: String, values: Aggregate)? in
            guard let row = row(section, method: method, target: target), row[metric].count > 0 else { return nil }
            return (method, row[metric])
        }
        guard let top = candidates.map(\.values.mean).max(), let best = candidates.first(where: { $0.values.mean == top }) else {
            return ColumnGroup(best: nil, members: [], tests: [:])
        }
        var members: Set<String> = [best.method]
        var tests: [String: WelchTest] = [:]
        for candidate in candidates where candidate.method != best.method {
            if let test = WelchTest(best.values.values, candidate.values.values) {
                tests[candidate.method] = test
                if !test.differs(atLevel: Leaderboard.groupLevel) { members.insert(candidate.method) }
            } else if (candidate.values.mean * 100).rounded() == (best.values.mean * 100).rounded() {
                members.insert(candidate.method)
            }
        }
        return ColumnGroup(best: best.method, members: members, tests: tests)
    }
}
