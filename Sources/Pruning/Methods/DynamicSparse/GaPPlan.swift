/// The schedule of S-GaP (gap.md) over a budget: contiguous layer partitions, step length, phase lengths.
///
/// Partitions are contiguous runs of the prunable tensors (state-dict order) with about equal parameter
/// counts: boundary j is placed where the running count is closest to j·total/κ, every partition
/// non-empty. The grow–prune phase is κ·R steps of T optimizer steps each; the final fine-tune with
/// all masks fixed takes every step left in the budget.
public struct GaPPlan: Sendable, Equatable {
    /// The prunable-tensor indices of each partition, in cyclic (growing) order.
    public let partitions: [[Int]]
    /// R: rounds; every partition is grown once per round.
    public let rounds: Int
    /// T: optimizer steps of one grow–prune step.
    public let stepLength: Int
    /// Optimizer steps after the last prune (masks fixed): the budget minus κ·R·T.
    public let finalSteps: Int

    /// κ·R, the number of grow–prune steps.
    public var growSteps: Int { partitions.count * rounds }
    /// κ·R·T, the optimizer steps of the grow–prune phase.
    public var growPhaseSteps: Int { growSteps * stepLength }
    /// All optimizer steps: the grow–prune phase and the final fine-tune.
    public var totalSteps: Int { growPhaseSteps + finalSteps }

    /// The 0-based partition grown in grow–prune step `k` (1-based): g = (k − 1) mod κ.
    public func grownPartition(step k: Int) -> Int { (k - 1) % partitions.count }

    /// A plan for tensors of `sizes` with `partitions` κ groups (≤ the tensor count), `rounds` R and a
    /// budget of `budget` steps. `stepLength` T when given, else ⌊(1 − finalFraction)·budget / (κ·R)⌋.
    /// Throws naming `method` when the budget cannot give every grow–prune step at least one step.
    public init(sizes: [Int], partitions: Int, rounds: Int, stepLength: Int?, finalFraction: Double,
                budget: Int, method: String) throws {
        guard !sizes.isEmpty else {
            throw PruningError.badConfiguration(method: method, reason: "the model has no prunable tensors")
        }
        guard partitions >= 1, partitions <= sizes.count else {
            throw PruningError.badConfiguration(
                method: method, reason: "field 'partitions': expected 1...\(sizes.count) (the prunable tensors), got \(partitions)")
        }
        guard rounds >= 1 else {
            throw PruningError.badConfiguration(method: method, reason: "field 'rounds': expected ≥ 1, got \(rounds)")
        }
        guard finalFraction >= 0, finalFraction < 1 else {
            throw PruningError.badConfiguration(
                method: method, reason: "field 'finalFraction': expected a value in [0, 1), got \(finalFraction)")
        }
        let growSteps = partitions * rounds
        let length: Int
        if let stepLength {
            guard stepLength >= 1 else {
                throw PruningError.badConfiguration(method: method, reason: "field 'stepLength': expected ≥ 1, got \(stepLength)")
            }
            length = stepLength
        } else {
            length = Int((1 - finalFraction) * Double(budget)) / growSteps
        }
        guard length >= 1, growSteps * length <= budget else {
            throw PruningError.badConfiguration(
                method: method, reason: "budget of \(budget) optimizer steps cannot hold κ·R = \(growSteps) grow–prune "
                    + "steps of \(max(length, 1)) step(s) each (\(growSteps * max(length, 1)) steps); lower "
                    + "'partitions', 'rounds' or 'stepLength', or give a larger budget")
        }
        self.partitions = Self.contiguous(sizes: sizes, groups: partitions)
        self.rounds = rounds
        self.stepLength = length
        self.finalSteps = budget - growSteps * length
    }

    /// κ contiguous groups of tensor indices with about equal total size (see the type's comment).
    public static func contiguous(sizes: [Int], groups: Int) -> [[Int]] {
        let total = Double(sizes.reduce(0, +))
        var cumulative = [0]
        for size in sizes { cumulative.append(cumulative[cumulative.count - 1] + size) }
        var bounds = [0]
        for j in 1..<max(groups, 1) {
            let target = Double(j) * total / Double(groups)
            let low = bounds[bounds.count - 1] + 1, high = sizes.count - (groups - j)
            var best = low
            for i in low...high where abs(Double(cumulative[i]) - target) < abs(Double(cumulative[best]) - target) {
                best = i
            }
            bounds.append(best)
        }
        bounds.append(sizes.count)
        return (0..<groups).map { Array(bounds[$0]..<bounds[$0 + 1]) }
    }
}
