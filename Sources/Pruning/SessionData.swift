import Data
import NN

/// The data a pruning method may use: the training split and a validation split held out of it.
///
/// In a benchmark run the validation split is the checkpoint's validation holdout, examples the dense
/// checkpoint was never trained on, and the training split is the rest (docs/training.md). There is
/// deliberately no test split: a method can neither select on nor even read test data.
public struct SessionData: Sendable {
    /// Training examples (the dataset's training split minus the validation examples).
    public let training: ImageSplit
    /// Held-out training examples, the only data a method may select or tune on.
    public let validation: ImageSplit
    /// How stored pixels become network inputs.
    public let normalization: Normalization

    /// Data for a session; hold `validation` out of the training split first (e.g. with
    /// `ValidationHoldout.separate(_:)`, as the benchmark runner does).
    public init(training: ImageSplit, validation: ImageSplit, normalization: Normalization) {
        self.training = training
        self.validation = validation
        self.normalization = normalization
    }

    /// Throws unless both splits are non-empty, hold the model's example shape and labels in range.
    func validate(for model: Model) throws {
        for (name, split) in [("training", training), ("validation", validation)] {
            guard split.count > 0 else { throw PruningError.data(reason: "the \(name) split is empty") }
            guard split.imageShape == model.exampleShape else {
                throw PruningError.data(reason: "the \(name) split holds examples \(split.imageShape); "
                    + "model \(model.architecture.name) expects \(model.exampleShape)")
            }
            if let label = split.labels.first(where: { $0 < 0 || Int($0) >= model.architecture.classes }) {
                throw PruningError.data(reason: "the \(name) split has label \(label); "
                    + "model \(model.architecture.name) has \(model.architecture.classes) classes")
            }
        }
        guard normalization.mean.count == model.architecture.inputChannels,
              normalization.std.count == model.architecture.inputChannels else {
            throw PruningError.data(reason: "normalisation has \(normalization.mean.count) means and "
                + "\(normalization.std.count) stds for \(model.architecture.inputChannels) input channels")
        }
    }
}
