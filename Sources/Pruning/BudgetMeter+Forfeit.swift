/// Giving up budget a method chooses not to train.
extension BudgetMeter {
    /// Records `steps` optimizer steps as used without training them (a method that trains for a fixed
    /// share of the budget by its own rule, e.g. Scratch-E, leaves the rest unspent so the harness's
    /// fine-tuning cannot take it). Throws `budgetExceeded` when more than the remaining budget.
    public func forfeit(_ steps: Int) throws {
        try charge(steps)
    }
}
