import NN

/// How NNrelief aggregates a conv kernel slice's contribution map over the output positions.
public enum ReliefAggregation: String, Codable, Sendable {
    /// Frobenius (L2) norm over the positions: the official VGG and ResNet code (card default).
    case l2
    /// Sum over the positions: the official LeNet-5 code.
    case sum
}

/// NNrelief's importance scores and per-neuron retention rule (Dekhovich et al., arXiv:2109.10795).
///
/// Linear: s_ij = mean_n |W_ij x_nj| = |W_ij| · mean_n |x_nj|, bias s_ib = |b_i|. Conv: the contribution
/// map e_oc(u, v) = Σ_offsets mean_n |x_n,c at that offset| · |K_o,c at that offset| (zero padding), one
/// score per kernel slice s_oc = ‖e_oc‖₂ (or Σ e_oc), bias |b_o|·√P (or |b_o|·P) over P output positions.
public enum ReliefScores {
    /// The batch mean of |x| per input entry: `[B, D]` gives D values, `[B, C, H, W]` gives C·H·W.
    public static func meanAbsolute(_ input: Tensor) -> [Float] {
        precondition(input.shape.count >= 2 && input.shape[0] > 0, "layer input \(input.shape)")
        let batch = input.shape[0]
        let size = input.count / batch
        var mean = [Float](repeating: 0, count: size)
        let x = input.data
        mean.withUnsafeMutableBufferPointer { m in
            for b in 0..<batch {
                let row = x + b * size
                for i in 0..<size { m[i] += abs(row[i]) }
            }
            for i in 0..<size { m[i] /= Float(batch) }
        }
        return mean
    }

    /// Linear weight scores `[out, in]`: |W_ij| · meanAbs_j.
    public static func linearScores(weight: Tensor, meanAbsInput: [Float]) -> Tensor {
        let out = weight.shape[0], inputs = weight.shape[1]
        precondition(meanAbsInput.count == inputs, "\(meanAbsInput.count) input means for weight \(weight.shape)")
        let scores = Tensor(zeros: weight.shape)
        let w = weight.data, s = scores.data
        meanAbsInput.withUnsafeBufferPointer { m in
            for o in 0..<out {
                for j in 0..<inputs { s[o * inputs + j] = abs(w[o * inputs + j]) * m[j] }
            }
        }
        return scores
    }

    /// Conv kernel-slice scores `[out · in]` (row-major over (o, c)) for a weight `[out, in, k, k]` (groups 1)
    /// applied with `stride` and zero `padding` to an input whose batch-mean |x| is `meanAbsInput` (`[in, H, W]`);
    /// also returns the number of output positions P.
    public static func convSliceScores(weight: Tensor, meanAbsInput: [Float], height: Int, width: Int,
                                       stride: Int, padding: Int,
                                       aggregation: ReliefAggregation) -> (scores: [Float], positions: Int) {
        let out = weight.shape[0], channels = weight.shape[1], k = weight.shape[2]
        precondition(weight.shape.count == 4 && weight.shape[3] == k, "conv weight \(weight.shape)")
        precondition(meanAbsInput.count == channels * height * width, "input means for [\(channels), \(height), \(width)]")
        let outH = (height + 2 * padding - k) / stride + 1, outW = (width + 2 * padding - k) / stride + 1
        var scores = [Float](repeating: 0, count: out * channels)
        let w = weight.data
        meanAbsInput.withUnsafeBufferPointer { m in
            guard let means = m.baseAddress else { return }
            for o in 0..<out {
                for c in 0..<channels {
                    let kernel = w + (o * channels + c) * k * k
                    let plane = means + c * height * width
                    var total: Double = 0
                    for u in 0..<outH {
                        for v in 0..<outW {
                            var e: Float = 0
                            for i in 0..<k {
                                let y = u * stride - padding + i
                                guard y >= 0 && y < height else { continue }
                                for j in 0..<k {
                                    let x = v * stride - padding + j
                                    guard x >= 0 && x < width else { continue }
                                    e += plane[y * width + x] * abs(kernel[i * k + j])
                                }
                            }
                            total += aggregation == .l2 ? Double(e) * Double(e) : Double(e)
                        }
                    }
                    scores[o * channels + c] = Float(aggregation == .l2 ? total.squareRoot() : total)
                }
            }
        }
        return (scores, outH * outW)
    }

    /// A bias score: |b| for a linear unit (P = 1); |b|·√P (L2) or |b|·P (sum) for a conv filter.
    public static func biasScore(_ bias: Float, positions: Int, aggregation: ReliefAggregation) -> Float {
        let p = Float(positions)
        return abs(bias) * (aggregation == .l2 ? p.squareRoot() : p)
    }

    /// Retention levels of one neuron's scores (its connections and bias): entries ranked by score
    /// (descending, stable), ρ = (sum of the scores ranked before the *last* member of the entry's tie
    /// group) / S with S the neuron's total. The official rule keeps an entry exactly when ρ < α
    /// (pivot = #(cumsum < αS) + 1, threshold = sorted[pivot], prune every score ≤ threshold, so a tie
    /// group goes together). `nil` marks entries the rule prunes at every α: the smallest tie group (the
    /// `<=` quirk) and every entry of a neuron with S = 0.
    public static func retentionLevels(_ scores: [Float]) -> [Double?] {
        let total = scores.reduce(0.0) { $0 + Double($1) }
        var levels = [Double?](repeating: nil, count: scores.count)
        guard total > 0 else { return levels }
        let order = scores.indices.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
        var start = 0
        var before: Double = 0
        while start < order.count {
            var end = start + 1
            while end < order.count && scores[order[end]] == scores[order[start]] { end += 1 }
            guard end < order.count else { break }  // the smallest group: always pruned
            let level = (before + Double(scores[order[start]]) * Double(end - start - 1)) / total
            for position in start..<end { levels[order[position]] = level }
            for position in start..<end { before += Double(scores[order[position]]) }
            start = end
        }
        return levels
    }

    /// The card's rule for one neuron at retention fraction `alpha`: keep the smallest set of its largest
    /// scores whose sum reaches α·S (ties with the first excluded score pruned, the smallest always pruned).
    public static func retained(_ scores: [Float], alpha: Double) -> [Bool] {
        retentionLevels(scores).map { level in level.map { $0 < alpha } ?? false }
    }
}
