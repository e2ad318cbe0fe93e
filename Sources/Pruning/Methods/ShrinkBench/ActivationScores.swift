import NN

/// ShrinkBench's weight × input-activation scores (`strategies/utils.py::activation_importance`).
public enum ActivationScores {
    /// Per-input-unit norms of a layer input `[B, D]` (linear) or `[B, C, H, W]` (conv): the batch mean
    /// ā (signed), then n_j = |ā_j| for a linear input and n_c = Σ_{h,w} |ā_{c,h,w}| / (H·W) for a conv input.
    public static func inputNorms(_ input: Tensor) -> [Float] {
        precondition(input.shape.count >= 2 && input.shape[0] > 0, "layer input \(input.shape)")
        let batch = input.shape[0]
        let units = input.shape[1]
        let spatial = input.shape.dropFirst(2).reduce(1, *)
        let perExample = units * spatial
        var mean = [Float](repeating: 0, count: perExample)
        let x = input.data
        for b in 0..<batch {
            for i in 0..<perExample { mean[i] += x[b * perExample + i] }
        }
        for i in 0..<perExample { mean[i] /= Float(batch) }
        return (0..<units).map { unit in
            var sum: Float = 0
            for s in 0..<spatial { sum += abs(mean[unit * spatial + s]) }
            return sum / Float(spatial)
        }
    }

    /// |W · n| with the input unit's norm broadcast over the kernel: weight `[out, in/groups, ...]`,
    /// `norms` of length `in`; for grouped convs input unit = group(o)·(in/groups) + c.
    public static func weightScores(_ weight: Tensor, norms: [Float], groups: Int = 1) -> Tensor {
        let out = weight.shape[0], perGroupIn = weight.shape[1]
        precondition(perGroupIn * groups == norms.count && out % groups == 0,
                     "weight \(weight.shape) with \(groups) groups for \(norms.count) input norms")
        let inner = weight.shape.dropFirst(2).reduce(1, *)
        let outPerGroup = out / groups
        let scores = Tensor(zeros: weight.shape)
        let w = weight.data, s = scores.data
        for o in 0..<out {
            let firstUnit = (o / outPerGroup) * perGroupIn
            for c in 0..<perGroupIn {
                let norm = norms[firstUnit + c]
                let base = (o * perGroupIn + c) * inner
                for k in 0..<inner { s[base + k] = abs(w[base + k] * norm) }
            }
        }
        return scores
    }

    /// |b · mean(n)|: the bias times the average of all input norms.
    public static func biasScores(_ bias: Tensor, norms: [Float]) -> Tensor {
        let meanNorm = norms.isEmpty ? 0 : norms.reduce(0, +) / Float(norms.count)
        let scores = Tensor(zeros: bias.shape)
        let b = bias.data, s = scores.data
        for i in 0..<bias.count { s[i] = abs(b[i] * meanNorm) }
        return scores
    }
}
