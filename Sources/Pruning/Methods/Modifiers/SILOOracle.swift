import Foundation
import NN
import Training

/// The max_lr Oracle of the SILO paper (card `silo.md`): IMP with LR rewinding from the trained checkpoint
/// (global magnitude, rate p) where every retraining cycle grid-searches its peak learning rate, keeping the
/// candidate with the best VALIDATION accuracy (`session.evaluate(on: .validation)`, never test; ties go to
/// the lower loss, then the earlier candidate) and continuing from that candidate's weights.
///
/// Budget (every grid trial is charged): R prunings with R − 1 searched cycles between them and a searched
/// final cycle, G candidates each, then the final training replays the chosen rate in the fine-tuning phase:
/// (R·G + 1) cycles, cycle = ⌊B/(R·G + 1)⌋. When B cannot give each a step, the rounds are capped at
/// ⌊(B − 1)/G⌋ (each round pruning at the higher rate that still reaches the target) or the run fails
/// before training. The final replay trains with a fresh data order (its own training call), so it is not
/// the searched trial itself. Choices where the card is uncertain: grid {0.01, 0.02, …, 0.10} (the card's
/// first suggestion); the schedule shape is the session recipe's, laid over each cycle with the candidate
/// as its base rate (not the original run's last rates that `imp-lr-rewind`, SILO's default base, replays).
public struct SILOOracle: PruningMethod {
    /// The grid and the IMP rate.
    public struct Configuration: MethodConfiguration {
        /// Candidate peak learning rates.
        public var grid: [Double] = (1...10).map { Double($0) / 100 }
        /// p: the fraction of surviving weights each round removes.
        public var rate = 0.2

        public init() {}
    }

    public static let name = "silo-oracle"
    public static let category = MethodCategory.modifier
    public static let card = "silo.md"
    public static let summary = """
        SILO's max_lr Oracle (Liu et al. 2023), a comparison entry: IMP with LR rewinding from the trained \
        checkpoint where every retraining cycle is run once per candidate peak rate (default 0.01, 0.02, …, 0.10) \
        and the candidate with the best validation accuracy is kept; all trials are charged to the budget, \
        which is split into R·G + 1 cycles.
        """
    public static let targetTolerance = TargetTolerance.entriesPerTensor(1)

    public let configuration: Configuration

    public init(configuration: Configuration) { self.configuration = configuration }

    public func run(_ session: Session) throws {
        let grid = configuration.grid
        guard !grid.isEmpty, grid.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw PruningError.badConfiguration(method: Self.name, reason: "grid must hold rates > 0, got \(grid)")
        }
        let total = session.budget.remaining, g = grid.count
        var plan = try IterativePlan(sizes: [session.prunableCount], rates: [configuration.rate],
                                     keepFraction: try session.keepFraction)
        if plan.rounds * g + 1 > total, (total - 1) / g >= 1 {
            plan = try IterativePlan(sizes: [session.prunableCount], rates: [configuration.rate],
                                     keepFraction: try session.keepFraction, maxRounds: (total - 1) / g)
        }
        let cycle = total / (plan.rounds * g + 1)
        guard plan.rounds == 0 || cycle >= 1 else {
            throw IterativePruningError.budget(method: Self.name, needed: plan.rounds * g + 1, total: total,
                                               detail: "(\(plan.rounds) rounds × \(g) candidates + final training) × cycle 1")
        }
        session.report("silo-oracle: \(plan.rounds) rounds, \(g) candidates, cycle \(cycle) steps")
        let entries = session.prunable
        for entry in entries { try session.setMask(Mask.ones(entry.parameter.value.shape), for: entry.name) }
        var chosen: Double?
        for round in stride(from: 1, through: plan.rounds, by: 1) {
            let masks = IterativePruning.pruneSmallest(
                weights: entries.map(\.parameter.value),
                masks: entries.map { $0.parameter.mask ?? Mask.ones($0.parameter.value.shape) },
                keeping: plan.keptCount(group: 0, afterRound: round))
            for (entry, mask) in zip(entries, masks) { try session.setMask(mask, for: entry.name) }
            let (rate, best) = try search(session, steps: cycle, phase: "oracle cycle \(round)/\(plan.rounds)")
            // Continue from the best candidate, except after the last pruning: its rate is replayed in fine-tuning.
            if round < plan.rounds { try session.restore(best, keepingMasks: true) }
            chosen = rate
        }
        guard let chosen else { return }
        session.report("silo-oracle: final max_lr \(chosen)")
        let previous = session.recipeAdjustment
        session.recipeAdjustment = { recipe, call in
            var recipe = previous?(recipe, call) ?? recipe
            recipe.optimizer.learningRate = Float(chosen)
            return recipe
        }
    }

    /// Trains one cycle from the current state per candidate and returns the best candidate's rate and
    /// state; the session is left at the starting state.
    private func search(_ session: Session, steps: Int, phase: String) throws -> (Double, SessionSnapshot) {
        let start = session.snapshot()
        var best: (rate: Double, accuracy: Double, loss: Double, state: SessionSnapshot)?
        for rate in configuration.grid {
            var recipe = session.recipe
            recipe.optimizer.learningRate = Float(rate)
            try session.train(steps: steps, recipe: recipe, phase: "\(phase), max_lr \(rate)")
            let result = try session.evaluate(on: .validation)
            if best.map({ result.top1 > $0.accuracy || (result.top1 == $0.accuracy && result.loss < $0.loss) }) ?? true {
                best = (rate, result.top1, result.loss, session.snapshot())
            }
            try session.restore(start, keepingMasks: true)
        }
        guard let best else { throw PruningError.badConfiguration(method: Self.name, reason: "grid is empty") }
        return (best.rate, best.state)
    }
}
