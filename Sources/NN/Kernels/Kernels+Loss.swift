import Foundation

/// Softmax cross-entropy with label smoothing, and top-k accuracy counting.

/// Softmax cross-entropy forward and backward in one pass. logits `[n, classes]`, labels `[n]`.
///
/// Per example, with `p = softmax(z)` and smoothing `ε` (PyTorch's definition):
/// `loss = (1-ε)·(-log p_y) + ε·mean_c(-log p_c)`; the result is the mean over the batch.
/// Writes `dL/dz = (p - q) / n` with `q_c = (1-ε)·[c = y] + ε/classes` into `gradient` `[n, classes]`.
package func softmaxCrossEntropy(logits z: UnsafePointer<Float>, labels: [Int32], classes: Int,
                                 labelSmoothing eps: Float, gradient g: UnsafeMutablePointer<Float>) -> Float {
    let n = labels.count
    guard n > 0 else { return 0 }
    let invN = 1 / Float(n), uniform = eps / Float(classes)
    var total = 0.0
    for row in 0..<n {
        let zr = z + row * classes, gr = g + row * classes
        var maxValue = -Float.infinity
        for c in 0..<classes { maxValue = max(maxValue, zr[c]) }
        var sumExp = 0.0, sumShifted = 0.0
        for c in 0..<classes {
            let shifted = Double(zr[c] - maxValue)
            sumExp += exp(shifted)
            sumShifted += shifted
        }
        let logSum = log(sumExp)
        let y = Int(labels[row])
        precondition(y >= 0 && y < classes, "label \(y) outside 0..<\(classes)")
        let nll = logSum - Double(zr[y] - maxValue)
        let meanNegLog = logSum - sumShifted / Double(classes)
        total += (1 - Double(eps)) * nll + Double(eps) * meanNegLog
        for c in 0..<classes {
            let p = Float(exp(Double(zr[c] - maxValue) - logSum))
            let q = (c == y ? 1 - eps : 0) + uniform
            gr[c] = (p - q) * invN
        }
    }
    return Float(total / Double(n))
}

/// Counts examples whose label is among the `topK` highest logits. logits `[n, classes]`, labels `[n]`.
///
/// The label's rank is the number of classes with a higher logit, or an equal logit and a
/// lower index (ties go to the lower class index, a deterministic stand-in for `torch.topk`).
package func topKCorrect(logits z: UnsafePointer<Float>, labels: [Int32], classes: Int, topK: Int) -> Int {
    var correct = 0
    for (row, label) in labels.enumerated() {
        let zr = z + row * classes, y = Int(label)
        guard y >= 0 && y < classes else { continue }
        let target = zr[y]
        var rank = 0
        for c in 0..<classes where zr[c] > target || (zr[c] == target && c < y) { rank += 1 }
        if rank < topK { correct += 1 }
    }
    return correct
}

/// Softmax cross-entropy gradient tangent: the derivative of `dL/dz` along a logit tangent `R{z}`.
///
/// With `p = softmax(z)` per example, `R{dL/dz} = p ⊙ (R{z} − ⟨p, R{z}⟩) / n`, the loss's Hessian in z times
/// R{z}; label smoothing does not enter (q is constant). logits, R{z}, result `[n, classes]`.
package func softmaxCrossEntropyTangent(logits z: UnsafePointer<Float>, logitsTangent rz: UnsafePointer<Float>,
                                        batch n: Int, classes: Int, gradientTangent rg: UnsafeMutablePointer<Float>) {
    guard n > 0 else { return }
    let invN = 1 / Double(n)
    var p = [Double](repeating: 0, count: classes)
    for row in 0..<n {
        let zr = z + row * classes, rzr = rz + row * classes, rgr = rg + row * classes
        var maxValue = -Float.infinity
        for c in 0..<classes { maxValue = max(maxValue, zr[c]) }
        var sumExp = 0.0
        for c in 0..<classes {
            p[c] = exp(Double(zr[c] - maxValue))
            sumExp += p[c]
        }
        var mean = 0.0
        for c in 0..<classes {
            p[c] /= sumExp
            mean += p[c] * Double(rzr[c])
        }
        for c in 0..<classes { rgr[c] = Float(p[c] * (Double(rzr[c]) - mean) * invN) }
    }
}
