/// Counts the optimizer steps a run spends after the dense checkpoint against its fixed budget.
///
/// Every run gets the same budget; a method that trains in cycles divides it. `charge` is
/// called before training starts, so a method that would overspend fails before it trains.
public final class BudgetMeter {
    /// The run's training budget in optimizer steps.
    public let total: Int
    /// Steps charged so far.
    public private(set) var used: Int = 0

    /// A meter for a budget of `total` optimizer steps (≥ 0).
    public init(total: Int) {
        precondition(total >= 0, "negative budget \(total)")
        self.total = total
    }

    /// Steps given up for good (`forfeit`): never spent, and not counted in `used`.
    public private(set) var forfeited: Int = 0

    /// Steps not yet spent (nor forfeited).
    public var remaining: Int { total - used - forfeited }

    /// Records `steps` optimizer steps, or throws `budgetExceeded` without recording anything.
    public func charge(_ steps: Int) throws {
        precondition(steps >= 0, "negative step count \(steps)")
        guard steps <= remaining else {
            throw PruningError.budgetExceeded(requested: steps, remaining: remaining, total: total)
        }
        used += steps
    }

    /// Leaves `steps` of the remaining budget unspent for good: `remaining` drops by `steps`, `used`
    /// does not change, so the run records only what it trained (e.g. IMP's `finalTrainingSteps` cap).
    public func forfeit(_ steps: Int) {
        precondition(steps >= 0 && steps <= remaining, "forfeit of \(steps) with \(remaining) remaining")
        forfeited += steps
    }

    /// Gives back steps charged but not taken (a training call stopped early by a hook).
    func refund(_ steps: Int) {
        precondition(steps >= 0 && steps <= used, "refund of \(steps) with \(used) used")
        used -= steps
    }
}
