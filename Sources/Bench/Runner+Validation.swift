import Data
import Foundation
import NN
import Pruning

/// The session data of a run: which examples a method trains on and which it may select on.
extension Runner {
    /// The session's training and validation splits for `spec` (the last ones built are reused).
    ///
    /// `.holdout` (the default): the validation split is the holdout the checkpoint records, drawn again
    /// from the dataset and checked against the recorded digest, and the training split is the rest: the
    /// examples the checkpoint was trained on. A checkpoint without a holdout is refused. `.carve`:
    /// `validationCount` examples (at most a tenth of the split), stratified, carved from the whole
    /// training split with stream `"validation"` of the run's seed; they may overlap the checkpoint's
    /// training data, which is why a suite must ask for it.
    func sessionData(_ dataset: ImageDataset, spec: RunSpec) throws -> SessionData {
        switch spec.validation ?? .holdout {
        case .holdout: return try holdoutData(dataset, spec: spec)
        case .carve: return try carvedData(dataset, path: spec.dataset.path, seed: spec.seed)
        }
    }

    /// The checkpoint's recorded holdout as the validation split, the rest as the training split.
    func holdoutData(_ dataset: ImageDataset, spec: RunSpec) throws -> SessionData {
        let key = "holdout \(spec.dataset.path)#\(spec.checkpoint.path)"
        if let lastSessionData, lastSessionData.key == key { return lastSessionData.data }
        let file = spec.checkpoint.path
        guard let holdout = try loadCheckpoint(spec.checkpoint).validationHoldout() else {
            throw BenchError.run(Runner.missingHoldout(checkpoint: file))
        }
        let parts: (training: ImageSplit, validation: ImageSplit)
        do { parts = try holdout.separate(dataset.train) } catch {
            throw BenchError.io(file: file, message: "its validation holdout does not match the training split of "
                + "\(spec.dataset.path): \(error)")
        }
        let data = SessionData(training: parts.training, validation: parts.validation, normalization: dataset.normalization)
        lastSessionData = (key, data)
        return data
    }

    /// A validation split carved per seed from the whole training split (`validation: carve`).
    func carvedData(_ dataset: ImageDataset, path: String, seed: UInt64) throws -> SessionData {
        let key = "carve \(path)#\(seed)"
        if let lastSessionData, lastSessionData.key == key { return lastSessionData.data }
        var random = SeededGenerator(seed: seed).derived("validation")
        let count = min(validationCount, dataset.train.count / 10)
        let (train, validation) = try dataset.train.carveValidation(count: count, random: &random)
        let data = SessionData(training: train, validation: validation, normalization: dataset.normalization)
        lastSessionData = (key, data)
        return data
    }

    /// The checkpoint at `reference.path`, read once per process and checked against its digest.
    func loadCheckpoint(_ reference: FileReference) throws -> Checkpoint {
        if let cached = checkpoints[reference.path] { return cached }
        try verify(reference, what: "checkpoint")
        let checkpoint = try Checkpoint.read(path: reference.path)
        checkpoints[reference.path] = checkpoint
        return checkpoint
    }

    /// Why a checkpoint without a recorded holdout is refused, and the two ways out.
    static func missingHoldout(checkpoint path: String) -> String {
        "checkpoint \(path) records no validation holdout (its `training` attribute has no `validationHoldout`), "
            + "so it may have been trained on every training example and a validation split would select on "
            + "examples it memorised. Retrain it with `prunebench train` (which holds 5000 examples out and records "
            + "them), or add `validation: carve` to its `checkpoints` entry to carve each run's validation split "
            + "from the whole training split, overlapping its training data (the run ids record the choice)"
    }
}
