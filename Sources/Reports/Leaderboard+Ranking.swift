import Foundation

/// A method's place in a section's ranking by area under its accuracy–compression curve.
public struct RankingEntry: Hashable, Sendable {
    /// 1-based rank among methods that cover every target of the section; `nil` when incomplete.
    public var rank: Int?
    public var method: String
    /// ∫ top-1 (%) d log₂(target) by the trapezoid rule over the targets the method has.
    public var area: Double
    /// `area` divided by the log₂ span of the targets (the top-1 itself for a single target).
    public var meanTop1: Double
    /// Targets with at least one completed run, and the section's target count.
    public var covered: Int
    public var targets: Int
}

extension Leaderboard {
    /// The pruning methods of `section` ranked by area under mean top-1 (after fine-tuning) against
    /// log₂ of the compression target. x is the target, not the achieved compression, so every method
    /// is integrated over the same interval (achieved compression is reported and checked separately).
    /// Methods missing a target are listed after the ranked ones, unranked.
    public func ranking(in section: LeaderboardSection) -> [RankingEntry] {
        let targets = targets(in: section)
        var entries: [RankingEntry] = methods(in: section).map { method in
            let points = targets.compactMap { target -> (x: Double, y: Double)? in
                guard let row = row(section, method: method, target: target), row.runs > 0 else { return nil }
                return (log2(target), row[.top1After].mean)
            }
            var area = 0.0
            for (left, right) in zip(points, points.dropFirst()) { area += (right.x - left.x) * (left.y + right.y) / 2 }
            let span = (points.last?.x ?? 0) - (points.first?.x ?? 0)
            let mean = span > 0 ? area / span : (points.first?.y ?? 0)
            return RankingEntry(rank: nil, method: method, area: area, meanTop1: mean, covered: points.count, targets: targets.count)
        }
        entries.sort { a, b in
            let aComplete = a.covered == a.targets, bComplete = b.covered == b.targets
            if aComplete != bComplete { return aComplete }
            if a.meanTop1 != b.meanTop1 { return a.meanTop1 > b.meanTop1 }
            return a.method < b.method
        }
        var rank = 0
        for index in entries.indices where entries[index].covered == entries[index].targets && entries[index].covered > 0 {
            rank += 1
            entries[index].rank = rank
        }
        return entries
    }
}
