import NN
import Training

/// Zimmer et al.'s retraining schedules in the IMP driver: the restarting rule and BIMP's dense phase.
extension IterativeMagnitude {
    /// BIMP: the dense training's steps B − round(`retrainingFraction`·B), checked before any training;
    /// 0 for the other variants.
    func denseSteps(_ session: Session) throws -> Int {
        guard Variant.trainsDenseFirst else { return 0 }
        let fraction = configuration.retrainingFraction
        guard fraction > 0, fraction < 1 else {
            throw IterativePruningError.configuration("\(Self.name): retrainingFraction must be in (0, 1), got \(fraction)")
        }
        let total = session.budget.remaining
        let dense = total - Int((fraction * Double(total)).rounded())
        guard dense >= 1 else {
            throw IterativePruningError.budget(method: Self.name, needed: total + 1, total: total,
                                               detail: "dense training \(dense) steps + retraining")
        }
        return dense
    }

    /// BIMP: trains the dense network for `steps` with the original run's rate and schedule laid over those steps.
    func trainDense(_ session: Session, steps: Int) throws {
        guard steps > 0 else { return }
        let original = try originalRun(session)
        var recipe = session.recipe
        recipe.optimizer.learningRate = original.baseLR
        recipe.schedule = original.schedule
        try session.train(steps: steps, recipe: recipe, phase: "dense training")
    }

    /// Installs the restarting schedule of `Variant.retraining` (slr, clr, llr, allr) for every later
    /// `train` call (the rounds' retrainings and the final one); returns the record ALLR's η_0 reads. The
    /// original run is `originalRun(_:)`'s (BIMP: its own dense phase of `denseSteps`, L = B − T_r).
    func installRestartingRule(_ session: Session, denseSteps: Int) throws -> PruningSteps? {
        guard let kind = Variant.retraining.restartSchedule else { return nil }
        let stepsPerEpoch = session.recipe.batchesPerEpoch(examples: session.data.training.count)
        var original = try originalRun(session)
        if Variant.trainsDenseFirst {
            original = try OriginalRun(baseLR: original.baseLR, schedule: original.schedule, steps: denseSteps,
                                       stepsPerEpoch: stepsPerEpoch)
        }
        let schedule = try RetrainingSchedule(original: original)
        let originalEpochs = original.epochs
        let steps = PruningSteps()
        let previous = session.recipeAdjustment
        session.recipeAdjustment = { recipe, call in
            let start = steps.last.map {
                RetrainingSchedule.allrStart(maxLR: schedule.maxLR, normDrop: $0.normDrop,
                                             prunedFraction: $0.prunedFraction,
                                             retrainingEpochs: Double(call.steps) / Double(stepsPerEpoch),
                                             originalEpochs: originalEpochs)
            } ?? schedule.maxLR
            let adjusted = schedule.recipe(recipe, kind: kind, steps: call.steps, allrStart: start)
            return previous?(adjusted, call) ?? adjusted
        }
        return steps
    }
}

/// The most recent pruning step of a run, for ALLR.
final class PruningSteps {
    /// d and s of the last pruning step.
    var last: PruningStep?
}

/// What one pruning step removed: d = ‖removed weights‖₂ / ‖all parameters before‖₂ (weights and biases,
/// batch norm included) and s = removed / surviving-before (Zimmer et al.'s ALLR inputs).
struct PruningStep: Equatable {
    /// d, the relative norm drop.
    let normDrop: Double
    /// s, the fraction of the surviving prunable weights removed.
    let prunedFraction: Double

    /// The prunable weights and masks before a pruning step, and the squared norm of all parameters.
    struct State {
        let weights: [Tensor]
        let masks: [Tensor?]
        let totalSquared: Double

        /// Copies the session's prunable weights and masks and sums the squares of every parameter.
        init(_ session: Session) {
            weights = session.prunable.map { $0.parameter.value.copy() }
            masks = session.prunable.map { $0.parameter.mask?.copy() }
            totalSquared = session.model.parameters.reduce(0) { $0 + Self.squaredNorm($1.parameter.value) }
        }

        /// d and s of the step from this state to the session's current masks.
        func step(_ session: Session) -> PruningStep {
            var removedSquared = 0.0, removed = 0, alive = 0
            for (index, entry) in session.prunable.enumerated() {
                let w = weights[index].data, count = weights[index].count
                let now = entry.parameter.mask?.data
                let old = masks[index]?.data
                for i in 0..<count where old.map({ $0[i] != 0 }) ?? true {
                    alive += 1
                    if let now, now[i] == 0 {
                        removed += 1
                        removedSquared += Double(w[i]) * Double(w[i])
                    }
                }
            }
            return PruningStep(normDrop: totalSquared > 0 ? (removedSquared / totalSquared).squareRoot() : 0,
                               prunedFraction: alive > 0 ? Double(removed) / Double(alive) : 0)
        }

        static func squaredNorm(_ tensor: Tensor) -> Double {
            let p = tensor.data
            var sum = 0.0
            for i in 0..<tensor.count { sum += Double(p[i]) * Double(p[i]) }
            return sum
        }
    }
}
