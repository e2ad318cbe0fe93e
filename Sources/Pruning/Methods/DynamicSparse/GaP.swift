import NN
import Training

/// S-GaP, scheduled grow-and-prune (Ma et al., ICLR 2022; card `gap.md`): from a random sparse mask at
/// initialisation, the κ layer partitions take turns being fully dense for T steps, each pruned back to
/// the target sparsity by layer-wise magnitude when its turn ends; after κ·R such steps every partition
/// is sparse and training goes on with the masks fixed.
///
/// Budget: the session's budget B is the whole training from initialisation (`startingPoint =
/// .initialisation`). `run` spends all of it in one `Session.train` call (one optimizer, the recipe's
/// schedule laid once over B, as "the same optimizer and LR schedule as dense training, spanning the
/// whole run"): κ·R grow–prune steps of T optimizer steps, then the final fine-tune F = B − κ·R·T with
/// masks fixed. Grow and prune happen in `afterStep` at every multiple of T. The harness's fine-tuning
/// phase gets 0 steps; "before fine-tuning" metrics are therefore of the finished model.
///
/// Choices where the card is uncertain:
/// - κ = `partitions`, default min(4, prunable tensors) (card: 4; for an MLP the hidden layers);
///   partitions are contiguous runs of prunable tensors with about equal parameter counts (`GaPPlan`).
/// - T = ⌊(1 − `finalFraction`)·B/(κ·R)⌋ unless `stepLength` is given (card's 2 epochs are not
///   expressible in a step budget shared across suites); R = 3, F ≥ 25 % of B (all flooring remainder).
/// - Distribution (`distribution`, a `SparsityDistribution` as for RigL): `erdos-renyi-kernel` (ERK) by
///   default (the card's reasonable choice for the non-uniform rows, which are the paper's best; it also
///   spares small first convs, which uniform 90 % sparsity cripples); also `erdos-renyi` and `uniform`
///   (the first conv is pruned too; the card's "first conv dense" variant is not offered). Per-tensor
///   targets are `SparsityDistribution.keptCounts`: exactly round(f·N) in total, each tensor within one
///   weight of density_l·N_l (largest remainder), not the code's ⌊s·N_l⌋ zeros per tensor. f is the
///   session's keep fraction; the classifier stays dense (outside the scope) unless `pruneClassifier`.
/// - Initial mask: a uniformly random set of exactly the target count per tensor (stream `"masks"`).
/// - Grown weights start at exactly 0 (the code's `zero` init) and their optimizer state (momentum,
///   Adam moments) is reset, as the card's edge case suggests.
/// - Magnitude pruning is layer-wise: the largest |w| per tensor, ties broken by flat index.
/// - Only the previously dense partition is pruned at a step boundary (the others are already at s); with
///   κ = 1 it stays dense until the finish (the code's queue regrows it at once), so S-GaP degenerates to
///   dense training, one-shot layer-wise magnitude pruning and fine-tuning.
/// S-GaP only: P-GaP and random GaP are not implemented.
public struct GaP: PruningMethod {
    /// GaP's settings.
    public struct Configuration: MethodConfiguration {
        /// κ, the number of partitions; nil = min(4, number of prunable tensors).
        public var partitions: Int?
        /// R, rounds: every partition is grown once per round.
        public var rounds = 3
        /// T in optimizer steps; nil = derived from the budget and `finalFraction`.
        public var stepLength: Int?
        /// The least share of the budget left for the final fine-tune with fixed masks (card: 25 %).
        public var finalFraction = 0.25
        /// Also prune (and grow) the classifier's weights.
        public var pruneClassifier = false
        /// How the kept weights are spread over the tensors (card: uniform, or non-uniform → ERK).
        public var distribution = SparsityDistribution.erdosRenyiKernel

        public init() {}
    }

    public static let name = "gap"
    public static let category = MethodCategory.dynamicSparse
    public static let card = "gap.md"
    public static let summary = """
        S-GaP (scheduled grow-and-prune): random mask at the target sparsity (ERK layer densities by \
        default) at initialisation; the layers, \
        cut into κ contiguous partitions, take turns being fully dense (grown weights start at 0 with reset \
        optimizer state) for T steps and are then pruned back by layer-wise magnitude; after κ·R steps the \
        masks stay fixed for the rest of the budget. One training run with one schedule spans the budget.
        """
    public static let startingPoint = StartingPoint.initialisation
    public static let targetTolerance = TargetTolerance.entriesPerTensor(1)

    public let configuration: Configuration

    public init(configuration: Configuration) { self.configuration = configuration }

    public var scope: PrunableScope { PrunableScope(classifier: configuration.pruneClassifier) }

    /// The plan this configuration gives for `session` (its prunable tensors and remaining budget).
    public func plan(for session: Session) throws -> GaPPlan {
        let sizes = session.prunable.map(\.count)
        return try GaPPlan(sizes: sizes, partitions: configuration.partitions ?? min(4, sizes.count),
                           rounds: configuration.rounds, stepLength: configuration.stepLength,
                           finalFraction: configuration.finalFraction, budget: session.budget.remaining,
                           method: Self.name)
    }

    public func run(_ session: Session) throws {
        let plan = try plan(for: session)
        session.report("gap: \(plan.partitions.count) partitions, \(plan.rounds) rounds, T = \(plan.stepLength), "
            + "final \(plan.finalSteps) steps")
        let targets = try DynamicSparseTraining.setInitialMasks(session, distribution: configuration.distribution)
        try grow(session, plan: plan, step: 1)
        var failure: (any Error)?
        let hooks = TrainingHooks(afterStep: { info in
            let done = info.step + 1
            guard failure == nil, done % plan.stepLength == 0 else { return }
            let k = done / plan.stepLength
            guard k <= plan.growSteps else { return }
            // The same partition grown again (κ = 1) stays dense: the code's queue never prunes it.
            if k < plan.growSteps, plan.grownPartition(step: k + 1) == plan.grownPartition(step: k) { return }
            do {
                try prune(session, plan: plan, step: k, targets: targets)
                if k < plan.growSteps { try grow(session, plan: plan, step: k + 1) }
            } catch { failure = error }
        }, shouldStop: { _ in failure != nil })
        try session.train(steps: plan.totalSteps, hooks: hooks, phase: "gap")
        if let failure { throw failure }
    }

    /// Grow–prune step `k` begins: every tensor of its partition becomes dense. Newly grown weights are
    /// exactly 0 (they were masked) and their optimizer state is zeroed.
    private func grow(_ session: Session, plan: GaPPlan, step k: Int) throws {
        let g = plan.grownPartition(step: k)
        for index in plan.partitions[g] {
            let entry = session.prunable[index]
            let dense = Mask.ones(entry.parameter.value.shape)
            let grown = entry.parameter.mask.map { DropGrow.grown(old: $0, new: dense) } ?? dense
            try session.setMask(dense, for: entry.name)
            try session.currentTrainer?.optimizer.resetState(for: entry.name, elements: grown)
        }
        session.report("gap grew partition \(g + 1) for step \(k)")
    }

    /// Grow–prune step `k` ends: its partition goes back to the target by layer-wise magnitude.
    private func prune(_ session: Session, plan: GaPPlan, step k: Int, targets: [Int]) throws {
        let g = plan.grownPartition(step: k)
        session.report("gap pruning partition \(g + 1) after step \(k)")
        for index in plan.partitions[g] {
            let entry = session.prunable[index]
            let scores = entry.parameter.value.copy()
            let s = scores.data
            for i in 0..<scores.count { s[i] = abs(s[i]) }
            try session.setMasks(Mask.keepingTop([(entry.name, scores)], count: targets[index]))
        }
        session.report("gap pruned partition \(g + 1) after step \(k)")
    }
}
