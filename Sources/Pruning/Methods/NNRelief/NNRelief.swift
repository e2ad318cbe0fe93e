import Data
import Foundation
import NN
import Training

/// NNrelief (Dekhovich, Tax, Sluiter & Bessa, arXiv:2109.10795; Machine Learning 2024): iterative
/// prune → retrain with an activity-based importance score and per-neuron retention (card
/// `importance-score-iterative.md`, after the official code).
///
/// One iteration scores every unit of the chain's layers on a fixed scoring batch (`ReliefScores`: linear
/// s_ij = |W_ij|·mean|x_j|, bias |b_i|; conv one score per kernel slice, L2 or sum of the contribution
/// map) and applies the per-neuron rule: each unit keeps the smallest set of its largest scores reaching
/// α·S_i (α = `alphaConv` / `alphaLinear`); ties with the first excluded score and the smallest score
/// are pruned. Units whose output reaching the next layer is zero on every example (dead), and hidden
/// units left with no incoming or no outgoing weights, are removed with all their connections and bias.
///
/// Choices where the card is uncertain or the harness differs:
/// - **Target.** The official method is budget-free (compression emerges from α). Here iteration r keeps
///   round(N·f^(r/R)) of the N prunable entries, the last landing on the run's target f·N exactly. The
///   count is met by scaling every layer's 1 − α by one common factor t (α_l(t) = 1 − t(1 − α_l); t = 1
///   is the card's α): an entry of a unit is kept iff its retention level ρ < α_l(t) (`ReliefScores.
///   retentionLevels`), i.e. the top entries by q = (1 − ρ)/(1 − α_l) over all layers. Entries the rule
///   prunes at every α (the smallest tie group) rank last, ties by state-dict position; so a kernel slice
///   can be split at the boundary. Dead units are removed first; after selection, disconnected units are
///   removed and the freed count refilled from the ranking until no unit is disconnected. When the dead
///   and disconnected units leave fewer live entries than the target (a dead conv filter takes its
///   outgoing weights in every row of the next layer with it), all live entries are kept and the rest is
///   filled with the dead and disconnected units' next-ranked entries, so every iteration meets its count
///   (reported as `… entries of dead or disconnected units filled in`). A target above the entries still
///   unpruned (masks set before the run) fails with `PruningError.targetUnreachable`.
/// - **Forward order.** All layers are scored from one forward pass with the masks of the previous
///   iteration (the official code re-runs each layer on inputs pruned earlier in the same iteration).
/// - **Scope.** Weights and biases (card: biases are ranked and pruned; `pruneBiases`) of every conv and
///   linear layer; the classifier only with `pruneClassifier` (harness convention; the card prunes it
///   with α_fc). Batch-norm γ/β of a removed filter are not masked: its outgoing weights are, so the
///   channel no longer reaches the output (they still count as parameters). Plain chains only (mlp,
///   LeNet, conv-k, VGG, sequential); a residual model is rejected with `badConfiguration`.
/// - **Retraining** keeps the pruned trained weights (the VGG/ResNet variant) with a fresh optimizer and
///   the session's recipe laid over each cycle; the LeNet variant's reset to the saved θ_0 needs the
///   checkpoint's initialisation, which it does not carry. The official loop keeps the epoch with the best
///   *test* accuracy; here (`selectOnValidation`) each retraining cycle keeps its best state on the
///   **validation** split (after every epoch and at the cycle's end). The last iteration's retraining is
///   the harness's fine-tuning, measured after its last step.
/// - **Budget** (B = the session's budget): R iterations, R − 1 retraining cycles between them and the
///   final fine-tuning, cycle = ⌊B/R⌋ (`cycleSteps` fixes it). When B < R·cycle the iterations are capped
///   at what B affords (`fitIterationsToBudget`); otherwise the run fails before training.
/// - Defaults: α_conv 0.9 and α_fc 0.95 (LeNet-5), 5 iterations (argparse default), a scoring batch of
///   1000 training examples (stream `"nnrelief"`, normalised, no augmentation), L2 aggregation.
public struct NNRelief: PruningMethod {
    /// NNrelief's settings.
    public struct Configuration: MethodConfiguration {
        /// α of conv layers: the fraction of a filter's importance its kept slices must cover.
        public var alphaConv = 0.9
        /// α of linear layers.
        public var alphaLinear = 0.95
        /// R: prune–retrain iterations.
        public var iterations = 5
        /// Examples in the fixed scoring batch.
        public var batchSize = 1000
        /// How a conv slice's contribution map becomes one score.
        public var aggregation = ReliefAggregation.l2
        /// Rank and prune biases (card: yes).
        public var pruneBiases = true
        /// Also prune the classifier layer (the card does, with α_fc).
        public var pruneClassifier = false
        /// Optimizer steps of one retraining cycle; nil = ⌊B/R⌋.
        public var cycleSteps: Int?
        /// Cap the iterations at what the budget affords instead of failing.
        public var fitIterationsToBudget = true
        /// Keep each retraining cycle's best state on the validation split (the official code: test split).
        public var selectOnValidation = true

        public init() {}
    }

    public static let name = "nnrelief"
    public static let category = MethodCategory.iterative
    public static let card = "importance-score-iterative.md"
    public static let summary = """
        NNrelief: iterative prune–retrain; on a fixed scoring batch each neuron keeps the smallest set of \
        incoming connections (and bias) whose activity scores |w·x| cover a fraction α of its total, dead and \
        disconnected units are removed; the iterations' counts follow N·f^(r/R) by one common scale of 1 − α.
        """
    public static let targetTolerance = TargetTolerance.entries(1)

    public let configuration: Configuration

    public init(configuration: Configuration) { self.configuration = configuration }

    public static func notApplicable(to model: Model) -> String? {
        do {
            _ = try LayerChain(model: model, method: name)
            return nil
        } catch PruningError.badConfiguration(_, let reason) {
            return reason
        } catch {
            return "\(error)"
        }
    }

    public var scope: PrunableScope {
        PrunableScope(biases: configuration.pruneBiases, classifier: configuration.pruneClassifier)
    }

    /// R and the retraining cycle for a budget of `budget` steps; throws when they do not fit.
    public func plan(budget: Int) throws -> (iterations: Int, cycle: Int) {
        try validate()
        let wanted = configuration.iterations
        let iterations: Int
        if let cycle = configuration.cycleSteps {
            iterations = configuration.fitIterationsToBudget ? min(wanted, budget / cycle) : wanted
            guard iterations >= 1, iterations * cycle <= budget else {
                throw IterativePruningError.budget(method: Self.name, needed: max(wanted, 1) * cycle, total: budget,
                                                   detail: "(\(wanted - 1) retrainings + final training) × cycle \(cycle)")
            }
            return (iterations, cycle)
        }
        iterations = configuration.fitIterationsToBudget ? max(1, min(wanted, budget)) : wanted
        guard iterations == 1 || budget >= iterations else {
            throw IterativePruningError.budget(method: Self.name, needed: iterations, total: budget,
                                               detail: "\(iterations - 1) retrainings + final training, ≥ 1 step each")
        }
        return (iterations, budget / iterations)
    }

    private func validate() throws {
        let c = configuration
        for (field, alpha) in [("alphaConv", c.alphaConv), ("alphaLinear", c.alphaLinear)] where !(alpha > 0 && alpha < 1) {
            throw PruningError.badConfiguration(method: Self.name, reason: "\(field) must be in (0, 1), got \(alpha)")
        }
        for (field, value) in [("iterations", c.iterations), ("batchSize", c.batchSize), ("cycleSteps", c.cycleSteps ?? 1)]
        where value < 1 {
            throw PruningError.badConfiguration(method: Self.name, reason: "\(field) must be ≥ 1, got \(value)")
        }
    }

    public func run(_ session: Session) throws {
        let (iterations, cycle) = try plan(budget: session.budget.remaining)
        let chain = try LayerChain(model: session.model, method: Self.name)
        let batch = try session.scoringBatch(size: configuration.batchSize, purpose: "nnrelief")
        session.report("nnrelief: \(iterations) iterations, cycle \(cycle) steps")
        for entry in session.prunable where entry.parameter.mask == nil {
            try session.setMask(Mask.ones(entry.parameter.value.shape), for: entry.name)
        }
        let total = Double(session.prunableCount), f = try session.keepFraction
        for r in 1...iterations {
            if r > 1 { try retrain(session, steps: cycle, phase: "nnrelief retraining \(r - 1)/\(iterations - 1)") }
            let fraction = r == iterations ? f : pow(f, Double(r) / Double(iterations))
            let target = Int((fraction * total).rounded())
            guard target <= session.keptCount else {
                throw PruningError.targetUnreachable(method: Self.name, target: target, available: session.keptCount,
                                                     reason: "iteration \(r) can keep only entries that are not pruned yet")
            }
            let selection = try ReliefSelection(session: session, chain: chain, batch: batch,
                                                alphaConv: configuration.alphaConv,
                                                alphaLinear: configuration.alphaLinear,
                                                aggregation: configuration.aggregation, method: Self.name)
            let (scale, filled) = try selection.apply(keeping: target, to: session)
            session.report("nnrelief iteration \(r)/\(iterations): kept \(session.keptCount) of \(Int(total)), "
                + "α scale t = \(scale)" + (filled > 0 ? ", \(filled) entries of dead or disconnected units "
                + "filled in to meet the target" : ""))
        }
    }

    /// Trains one cycle; with `selectOnValidation`, restores the cycle's best validation state (masks kept).
    private func retrain(_ session: Session, steps: Int, phase: String) throws {
        guard configuration.selectOnValidation, steps > 0 else {
            try session.train(steps: steps, phase: phase)
            return
        }
        var best: (accuracy: Double, state: SessionSnapshot)?
        var failure: (any Error)?
        let hooks = TrainingHooks(afterEpoch: { _ in
            do {
                let accuracy = try session.evaluate(on: .validation).top1
                if best.map({ accuracy > $0.accuracy }) ?? true { best = (accuracy, session.snapshot()) }
            } catch {
                failure = failure ?? error
            }
        })
        try session.train(steps: steps, hooks: hooks, phase: phase)
        if let failure { throw failure }
        let final = try session.evaluate(on: .validation).top1
        if let best, best.accuracy > final { try session.restore(best.state, keepingMasks: true) }
    }
}
