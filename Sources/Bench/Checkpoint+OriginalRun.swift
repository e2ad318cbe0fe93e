import Data
import NN
import Pruning
import Training

extension Checkpoint {
    /// The dense training run recorded in the checkpoint's `training` attribute (`Session.originalTraining`),
    /// or nil when the checkpoint has no record (a PyTorch export).
    ///
    /// Reads the harness's `TrainingRecord` (steps and epochs at the top) and the record the suite preparer
    /// wrote before engine 0.4.0 (inside `summary`). L is the number of steps the run trained; its steps
    /// per epoch are L / epochs trained (the trainer counts epochs as steps over the batches per epoch of the
    /// split it trained on), so both are the run's own, whatever split and batch size a pruning run uses.
    func originalRun() throws -> OriginalRun? {
        guard let record = try decodeTraining(as: RecordedRun.self) else { return nil }
        guard let steps = record.steps ?? record.summary?.steps, let epochs = record.epochs ?? record.summary?.epochs,
              steps >= 1, epochs > 0 else {
            throw BenchError.io(file: origin ?? "checkpoint",
                                message: "the training record has no steps and epochs trained (needed for the original run)")
        }
        let stepsPerEpoch = max(1, Int((Double(steps) / epochs).rounded()))
        return try OriginalRun(recipe: record.recipe, steps: steps, stepsPerEpoch: stepsPerEpoch)
    }
}

/// What `originalRun()` reads of a training record (other fields are ignored).
private struct RecordedRun: Decodable {
    /// The length of a training call, as `TrainingSummary` records it.
    struct Length: Decodable {
        var steps: Int
        var epochs: Double
    }

    var recipe: TrainingRecipe
    var steps: Int?
    var epochs: Double?
    var summary: Length?
}
