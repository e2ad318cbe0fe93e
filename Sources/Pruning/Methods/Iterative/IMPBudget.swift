import Foundation

/// How an IMP run divides its budget: the pruning plan, k steps to the rewind point and the length
/// of one cycle (the rule is documented on `IterativeMagnitude`).
struct IMPBudget {
    /// The rounds and their kept counts.
    let plan: IterativePlan
    /// k: dense steps before θ_k is saved (0 unless rewinding).
    let rewindSteps: Int
    /// Optimizer steps of one retraining cycle.
    let cycleSteps: Int

    /// Plans the rounds for groups of `sizes` entries pruned at `rates` and divides the session's
    /// budget over them, or throws `IterativePruningError.budget` when the configuration needs more
    /// than the budget (checked before any training).
    init<V: IMPVariant>(session: Session, configuration: IMPConfiguration<V>, sizes: [Int], rates: [Double],
                        method: String, total: Int? = nil) throws {
        let total = total ?? session.budget.remaining
        if let cycle = configuration.cycleSteps, cycle < 1 {
            throw IterativePruningError.configuration("cycleSteps must be ≥ 1, got \(cycle)")
        }
        if let k = configuration.rewindSteps, k < 0 {
            throw IterativePruningError.configuration("rewindSteps must be ≥ 0, got \(k)")
        }
        if let final = configuration.finalTrainingSteps, final < 0 {
            throw IterativePruningError.configuration("finalTrainingSteps must be ≥ 0, got \(final)")
        }
        let final = configuration.finalTrainingSteps
        if let phases = configuration.phases, phases < 1 {
            throw IterativePruningError.configuration("phases must be ≥ 1, got \(phases)")
        }
        let keepFraction = try session.keepFraction
        // J phases: global scope prunes q = 1 − f^(1/J) of the survivors per phase (Zimmer et al.).
        let planRates = configuration.phases.map { J in
            configuration.scope == .global && keepFraction < 1 ? [1 - pow(keepFraction, 1 / Double(J))] : rates
        } ?? rates
        let maxRounds = V.oneShot ? 1 : configuration.phases
        var plan = try IterativePlan(sizes: sizes, rates: planRates, keepFraction: keepFraction,
                                     maxRounds: maxRounds)
        let rewinding = V.retraining == .rewind
        // Trainings: rewinding, R cycles before the R prunings plus the final one; otherwise R − 1
        // cycles between the prunings plus the final one.
        let extra = rewinding ? 1 : 0
        let k = !rewinding || plan.rounds == 0 ? 0 : configuration.rewindSteps
            ?? max(1, Int((0.02 * Double(total) / Double(plan.rounds + 1)).rounded()))
        // With a fixed final training F, the cycles before it share B − k − F; otherwise the final
        // training counts as one more cycle.
        let slots = final == nil ? extra : extra - 1
        let affordable = max(total - k - (final ?? 0), 0) / (configuration.cycleSteps ?? 1)
        if configuration.fitRoundsToBudget, plan.rounds + slots > affordable, affordable > slots {
            plan = try IterativePlan(sizes: sizes, rates: planRates, keepFraction: keepFraction,
                                     maxRounds: min(affordable - slots, maxRounds ?? .max))
        }
        self.plan = plan
        guard plan.rounds > 0 else {
            if let final, final > total {
                throw IterativePruningError.budget(method: method, needed: final, total: total,
                                                   detail: "final training \(final), no pruning round")
            }
            rewindSteps = 0; cycleSteps = 0; return
        }
        let cycles = plan.rounds + extra
        let cycle = configuration.cycleSteps ?? max(total - k, 0) / cycles
        let needed = k + (final.map { (cycles - 1) * max(cycle, 1) + $0 } ?? cycles * max(cycle, 1))
        guard cycle >= 1, needed <= total else {
            let before = rewinding ? "\(plan.rounds) rounds" : "\(plan.rounds - 1) retrainings"
            let trainings = final.map { "\(before) × cycle \(max(cycle, 1)) + final training \($0)" }
                ?? "(\(before) + final training) × cycle \(max(cycle, 1))"
            throw IterativePruningError.budget(method: method, needed: needed, total: total,
                                               detail: rewinding ? "rewind k = \(k) + \(trainings)" : trainings)
        }
        rewindSteps = k
        cycleSteps = cycle
    }
}
