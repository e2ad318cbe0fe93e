extension SoftmaxCrossEntropy {
    /// R{dL/dz}: the derivative of the mean loss's logit gradient along `logitsTangent` R{z} `[n, classes]`,
    /// `p ⊙ (R{z} − ⟨p, R{z}⟩) / n` with p = softmax(z) per example (the same with label smoothing).
    public func gradientTangent(logits: Tensor, logitsTangent: Tensor) -> Tensor {
        precondition(logits.shape.count == 2 && logitsTangent.shape == logits.shape,
                     "logits \(logits.shape) with tangent \(logitsTangent.shape)")
        let result = Tensor.output(logits.shape)
        softmaxCrossEntropyTangent(logits: logits.data, logitsTangent: logitsTangent.data, batch: logits.shape[0],
                                   classes: logits.shape[1], gradientTangent: result.data)
        return result
    }
}
