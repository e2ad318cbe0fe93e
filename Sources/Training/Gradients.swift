import Data
import NN

/// One training-mode forward and backward pass over `batch`, ADDING parameter gradients
/// (zero them first for a fresh gradient). Returns the batch's mean loss and the number of
/// examples whose top-1 prediction was right. Dropout draws from `random`, which advances.
///
/// Pruning methods that score weights by gradients (SNIP, GraSP, …) call this directly.
public func accumulateGradients(network: any Network, batch: Batch, loss: SoftmaxCrossEntropy = SoftmaxCrossEntropy(),
                                random: inout SeededGenerator, observer: ((ForwardEvent) -> Void)? = nil,
                                threads: Int = 1) throws -> (loss: Float, correct: Int) {
    let context = ForwardContext(mode: .training, random: random, observer: observer, threads: max(1, threads))
    let logits = network.forward(batch.inputs, context: context)
    random = context.random
    try checkLabels(batch.labels, logits: logits)
    let (value, gradient) = loss(logits: logits, labels: batch.labels)
    let correct = accuracy(logits: logits, labels: batch.labels)
    _ = network.backward(gradient)
    return (value, correct)
}

/// Throws unless the logits are `[batch, classes]` and every label is a class index.
func checkLabels(_ labels: [Int32], logits: Tensor) throws {
    guard logits.shape.count == 2, logits.shape[0] == labels.count else {
        throw TrainingError("the network returned logits \(logits.shape) for a batch of \(labels.count)")
    }
    let classes = logits.shape[1]
    if let bad = labels.first(where: { $0 < 0 || Int($0) >= classes }) {
        throw TrainingError("label \(bad) outside the network's \(classes) classes")
    }
}
