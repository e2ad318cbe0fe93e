/// The training loss: softmax cross-entropy over logits, with optional label smoothing.
///
/// PyTorch's `nn.CrossEntropyLoss(label_smoothing: ε)`:
/// `loss = mean_i [(1-ε)·(-log p_{i,y_i}) + ε·mean_c(-log p_{i,c})]`.
public struct SoftmaxCrossEntropy: Sendable {
    /// The smoothing weight ε in [0, 1].
    public let labelSmoothing: Float

    /// A loss with smoothing `labelSmoothing` (0 = plain cross-entropy).
    public init(labelSmoothing: Float = 0) {
        precondition(labelSmoothing >= 0 && labelSmoothing <= 1, "label smoothing \(labelSmoothing) outside [0, 1]")
        self.labelSmoothing = labelSmoothing
    }

    /// The mean loss over the batch and its gradient with respect to `logits` `[n, classes]`.
    public func callAsFunction(logits: Tensor, labels: [Int32]) -> (loss: Float, gradient: Tensor) {
        precondition(logits.shape.count == 2 && logits.shape[0] == labels.count,
                     "logits \(logits.shape) for \(labels.count) labels")
        let gradient = Tensor(zeros: logits.shape)
        let loss = softmaxCrossEntropy(logits: logits.data, labels: labels, classes: logits.shape[1],
                                       labelSmoothing: labelSmoothing, gradient: gradient.data)
        return (loss, gradient)
    }
}

/// The number of examples whose label is among the `topK` largest logits (`logits` `[n, classes]`).
///
/// Ties go to the lower class index. Labels outside `0..<classes` count as wrong.
public func accuracy(logits: Tensor, labels: [Int32], topK: Int = 1) -> Int {
    precondition(logits.shape.count == 2 && logits.shape[0] == labels.count,
                 "logits \(logits.shape) for \(labels.count) labels")
    return topKCorrect(logits: logits.data, labels: labels, classes: logits.shape[1], topK: topK)
}
