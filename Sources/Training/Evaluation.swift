import Data
import NN

/// Accuracy and loss of a network on a split: correct / the true number of examples.
public struct Evaluation: Codable, Hashable, Sendable {
    /// Fraction of examples whose label has the largest logit (ties to the lower class).
    public var top1: Double
    /// Fraction whose label is among the five largest logits (all classes when fewer than five).
    public var top5: Double
    /// Mean cross-entropy (no label smoothing) over the examples.
    public var loss: Double
    /// Examples evaluated (the whole split).
    public var count: Int

    public init(top1: Double, top5: Double, loss: Double, count: Int) {
        self.top1 = top1
        self.top5 = top5
        self.loss = loss
        self.count = count
    }
}

/// Evaluates `model` in inference mode on every example of `split`, in order.
///
/// The passes keep no activations for a backward pass (`retainsActivations: false`), so memory
/// holds a few activations of one batch rather than every layer's. The default batch of 250 keeps each
/// activation of the zoo's models on 28×28 or 32×32 inputs under the 32 MB above which glibc maps blocks
/// afresh (the most `mallopt` allows; the engine sets it when it allocates its first tensor), so every
/// batch reuses heap memory instead of faulting in fresh pages (ResNet-20 at 1000 per batch spent a fifth
/// of its evaluation time in page faults).
public func evaluate(model: any Network, split: ImageSplit, normalization: Normalization,
                     batchSize: Int = 250, threads: Int = 1) throws -> Evaluation {
    let loader = try BatchLoader(split: split, normalization: normalization, batchSize: batchSize,
                                 shuffle: false, random: SeededGenerator(seed: 0))
    let crossEntropy = SoftmaxCrossEntropy()
    var correct1 = 0, correct5 = 0, lossSum = 0.0
    for index in 0..<loader.batchesPerEpoch {
        let batch = loader.batch(epoch: 0, index: index)
        let context = ForwardContext(mode: .inference, threads: max(1, threads), retainsActivations: false)
        let logits = model.forward(batch.inputs, context: context)
        try checkLabels(batch.labels, logits: logits)
        let classes = logits.shape[1]
        lossSum += Double(crossEntropy(logits: logits, labels: batch.labels).loss) * Double(batch.count)
        correct1 += accuracy(logits: logits, labels: batch.labels, topK: 1)
        correct5 += accuracy(logits: logits, labels: batch.labels, topK: min(5, classes))
    }
    let n = Double(split.count)
    return Evaluation(top1: Double(correct1) / n, top5: Double(correct5) / n, loss: lossSum / n,
                      count: split.count)
}
