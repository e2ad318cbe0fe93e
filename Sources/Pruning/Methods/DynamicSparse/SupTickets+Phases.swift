import NN
import Training

/// Sup-tickets' budget split, cyclic schedule, superposition and re-pruning (pure helpers, tested by hand).
extension SupTickets {
    /// How the budget is divided: the base phase, the cycle length C and the number of tickets M.
    public struct Plan: Sendable, Equatable {
        /// Steps of the base dynamic-sparse phase.
        public let baseSteps: Int
        /// C: steps of one cycle.
        public let cycleSteps: Int
        /// M: cycles, i.e. cheap tickets.
        public let tickets: Int

        /// A split of `baseSteps` + `tickets` × `cycleSteps` steps.
        public init(baseSteps: Int, cycleSteps: Int, tickets: Int) {
            self.baseSteps = baseSteps
            self.cycleSteps = cycleSteps
            self.tickets = tickets
        }
    }

    /// The split of a budget of `budget` steps (see the type's doc comment); throws `badConfiguration` for
    /// settings out of range.
    public static func plan(budget: Int, configuration: Configuration) throws -> Plan {
        func require(_ ok: Bool, _ reason: String) throws {
            if !ok { throw PruningError.badConfiguration(method: name, reason: reason) }
        }
        try require(configuration.cycleRate >= 0 && configuration.cycleRate < 1,
                    "cycleRate must be in [0, 1), got \(configuration.cycleRate)")
        try require(configuration.cycleFraction > 0 && configuration.cycleFraction <= 1,
                    "cycleFraction must be in (0, 1], got \(configuration.cycleFraction)")
        try require((configuration.cycleSteps ?? 1) >= 1, "cycleSteps must be ≥ 1, got \(configuration.cycleSteps ?? 0)")
        try require(configuration.exploreFraction >= 0 && configuration.exploreFraction <= 1,
                    "exploreFraction must be in [0, 1], got \(configuration.exploreFraction)")
        try require(configuration.movingAverageFactor > 0 && configuration.movingAverageFactor <= 1,
                    "movingAverageFactor must be in (0, 1], got \(configuration.movingAverageFactor)")
        try require(configuration.lowLRFactor > 0 && configuration.peakLRFactor >= configuration.lowLRFactor,
                    "need 0 < lowLRFactor ≤ peakLRFactor, got \(configuration.lowLRFactor), \(configuration.peakLRFactor)")
        let cycle = configuration.cycleSteps ?? max(1, Int((configuration.cycleFraction * Double(budget)).rounded()))
        let cyclicShare = configuration.cycleRate * Double(budget)
        let tickets = cyclicShare >= Double(cycle) ? Int(cyclicShare / Double(cycle)) : 0
        return Plan(baseSteps: budget - tickets * cycle, cycleSteps: cycle, tickets: tickets)
    }

    /// The recipe of one cycle of `cycleSteps` steps: the session's optimizer at peak rate lr₂ with a
    /// `linear` schedule whose warm-up of ⌊C/2⌋ steps climbs from lr₁ and which then falls back towards lr₁:
    /// lr(t) = lr₁ + (lr₂ − lr₁)·2t/C for t < C/2, lr₂ + (lr₁ − lr₂)·(2t/C − 1) after (C even). Constant lr₁ when C = 1.
    public static func cyclicRecipe(_ base: TrainingRecipe, cycleSteps: Int, configuration: Configuration) -> TrainingRecipe {
        var recipe = base
        let rate = base.optimizer.learningRate
        let low = rate * configuration.lowLRFactor, peak = rate * configuration.peakLRFactor
        let warmup = cycleSteps / 2
        if warmup == 0 || peak == low {
            recipe.optimizer.learningRate = low
            recipe.schedule = .constant
        } else {
            recipe.optimizer.learningRate = peak
            var schedule = ScheduleConfig.linear(finalLR: low, unit: .step, warmup: warmup)
            schedule.warmupStartFactor = low / peak
            recipe.schedule = schedule
        }
        return recipe
    }

    /// The weight f of ticket `cycle` (1-based) in S_c = (1 − f)·S_{c−1} + f·T_c.
    public static func factor(cycle: Int, configuration: Configuration) -> Double {
        let averaged = configuration.includeBaseModel ? cycle + 1 : cycle
        switch configuration.superposition {
        case .cumulative: return 1 / Double(averaged)
        case .movingAverage: return configuration.includeBaseModel || cycle > 1 ? configuration.movingAverageFactor : 1
        }
    }

    /// (1 − f)·a + f·b entry by entry (computed in Float as the PyTorch code).
    public static func superpose(_ a: Tensor, _ b: Tensor, factor f: Float) -> Tensor {
        precondition(a.shape == b.shape, "superposing \(a.shape) and \(b.shape)")
        let result = Tensor(zeros: a.shape)
        let x = a.data, y = b.data, r = result.data
        for i in 0..<result.count { r[i] = (1 - f) * x[i] + f * y[i] }
        return result
    }

    /// `previous` and `ticket` superposed over every state entry (`num_batches_tracked` is the ticket's).
    static func superpose(_ previous: SessionSnapshot, _ ticket: SessionSnapshot, factor: Float) -> SessionSnapshot {
        let state = zip(previous.state, ticket.state).map { a, b in
            (name: b.name, tensor: b.name.hasSuffix("num_batches_tracked") ? b.tensor.copy()
                                                                             : superpose(a.tensor, b.tensor, factor: factor))
        }
        return SessionSnapshot(state: state, masks: ticket.masks)
    }

    /// Global re-pruning: masks keeping the `count` largest |w| over `weights` (ties by position), and the
    /// weights multiplied by them.
    public static func reprune(_ weights: [(name: String, tensor: Tensor)], keeping count: Int)
        -> [(name: String, weight: Tensor, mask: Tensor)] {
        let scores = weights.map { entry in
            let s = entry.tensor.copy()
            for i in 0..<s.count { s.data[i] = abs(s.data[i]) }
            return (name: entry.name, scores: s)
        }
        return zip(weights, Mask.keepingTop(scores, count: count)).map { entry, kept in
            (entry.name, Mask.intersection(entry.tensor, kept.mask), kept.mask)
        }
    }

    /// `snapshot` with its prunable weights re-pruned to `count` kept entries and the matching masks.
    static func reprune(_ snapshot: SessionSnapshot, session: Session, keeping count: Int) -> SessionSnapshot {
        let prunable = Set(session.prunable.map(\.name))
        let pruned = reprune(snapshot.state.filter { prunable.contains($0.name) }, keeping: count)
        var weights: [String: Tensor] = [:], masks: [String: Tensor] = [:]
        for entry in pruned { weights[entry.name] = entry.weight; masks[entry.name] = entry.mask }
        let state = snapshot.state.map { (name: $0.name, tensor: weights[$0.name] ?? $0.tensor) }
        return SessionSnapshot(state: state, masks: masks)
    }
}
