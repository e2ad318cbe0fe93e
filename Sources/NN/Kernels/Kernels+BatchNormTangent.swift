/// Batch-norm R-operator kernels over `[N, C, S]`, parallel over channels: the derivatives of
/// `batchNormApply` and `batchNormBackward` along a direction (R{x}, R{γ}, R{β}). Notation: x̂ = (x − μ)·s
/// with s = `invStd`, M = N·S, means per channel (sums in Double); R{γ}, R{β} nil where the direction is zero.

/// Forward tangent: R{x̂} = s·(R{x} − mean(R{x})) − κ·x̂ with κ = s·mean(x̂·R{x}) on batch statistics
/// (`batchStatistics`), R{x̂} = s·R{x} and κ = 0 on running ones; R{y} = γ·R{x̂} + R{γ}·x̂ + R{β}.
/// Writes R{x̂} and κ `[C]` (the backward tangent reads both) and R{y}.
package func batchNormForwardTangent(
    input x: UnsafePointer<Float>, inputTangent rx: UnsafePointer<Float>,
    normalizedTangent rxhat: UnsafeMutablePointer<Float>, kappa: UnsafeMutablePointer<Float>,
    outputTangent ry: UnsafeMutablePointer<Float>, batch n: Int, channels: Int, size s: Int,
    mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    weightDirection: UnsafePointer<Float>?, biasDirection: UnsafePointer<Float>?, batchStatistics: Bool, threads: Int
) {
    let (px, prx, prxhat, pry) = (SharedPointer(x), SharedPointer(rx), SharedPointer(rxhat), SharedPointer(ry))
    let (pm, pi, pw, pk) = (SharedPointer(mean), SharedPointer(invStd), SharedPointer(weight), SharedPointer(kappa))
    let (prw, prb) = (weightDirection.map { SharedPointer($0) }, biasDirection.map { SharedPointer($0) })
    let count = Float(n * s)
    parallelFor(chunks: channels, threads: threads) { c, _ in
        let mu = pm.base[c], inv = pi.base[c]
        var meanTangent: Float = 0, k: Float = 0
        if batchStatistics {
            var sum = 0.0, centered = 0.0
            for i in 0..<n {
                let offset = (i * channels + c) * s
                let (xp, rxp) = (px[offset], prx[offset])
                for j in 0..<s {
                    sum += Double(rxp[j])
                    centered += Double(rxp[j]) * Double(xp[j] - mu)
                }
            }
            meanTangent = Float(sum / Double(count))
            k = Float(Double(inv) * Double(inv) * centered / Double(count))
        }
        pk.base[c] = k
        let gamma = pw.base[c], gammaTangent = prw?.base[c] ?? 0, betaTangent = prb?.base[c] ?? 0
        for i in 0..<n {
            let offset = (i * channels + c) * s
            let (xp, rxp, rhp, ryp) = (px[offset], prx[offset], prxhat[offset], pry[offset])
            for j in 0..<s {
                let xhat = (xp[j] - mu) * inv
                let r = inv * (rxp[j] - meanTangent) - k * xhat
                rhp[j] = r
                ryp[j] = gamma * r + gammaTangent * xhat + betaTangent
            }
        }
    }
}

/// Backward tangent, given dy, R{dy}, the backward pass's dx and the forward tangent's R{x̂} and κ.
/// With g = γ·dy and R{g} = γ·R{dy} + R{γ}·dy: adds Σ R{dy} to R{dL/dβ} and Σ (R{dy}·x̂ + dy·R{x̂}) to
/// R{dL/dγ}; writes R{dx} = −κ·dx + s·(R{g} − mean(R{g}) − R{x̂}·mean(g·x̂) − x̂·mean(R{g}·x̂ + g·R{x̂}))
/// on batch statistics, R{dx} = s·R{g} on running ones.
package func batchNormBackwardTangent(
    input x: UnsafePointer<Float>, normalizedTangent rxhat: UnsafePointer<Float>, kappa: UnsafePointer<Float>,
    gradOutput dy: UnsafePointer<Float>, gradOutputTangent rdy: UnsafePointer<Float>, gradInput dx: UnsafePointer<Float>,
    gradInputTangent rdx: UnsafeMutablePointer<Float>, batch n: Int, channels: Int, size s: Int,
    mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>, weight: UnsafePointer<Float>,
    weightDirection: UnsafePointer<Float>?, weightProduct: UnsafeMutablePointer<Float>,
    biasProduct: UnsafeMutablePointer<Float>, batchStatistics: Bool, threads: Int
) {
    let (px, prxhat, pdy, prdy) = (SharedPointer(x), SharedPointer(rxhat), SharedPointer(dy), SharedPointer(rdy))
    let (pdx, prdx, pk) = (SharedPointer(dx), SharedPointer(rdx), SharedPointer(kappa))
    let (pm, pi, pw) = (SharedPointer(mean), SharedPointer(invStd), SharedPointer(weight))
    let (pwp, pbp) = (SharedPointer(weightProduct), SharedPointer(biasProduct))
    let prw = weightDirection.map { SharedPointer($0) }
    let count = Float(n * s)
    parallelFor(chunks: channels, threads: threads) { c, _ in
        let mu = pm.base[c], inv = pi.base[c], k = pk.base[c]
        let gamma = pw.base[c], gammaTangent = prw?.base[c] ?? 0
        var sums = SIMD8<Double>()  // Σ dy, Σ R{dy}, Σ dy·x̂, Σ R{dy}·x̂, Σ dy·R{x̂}
        for i in 0..<n {
            let offset = (i * channels + c) * s
            let (xp, dyp, rdyp, rhp) = (px[offset], pdy[offset], prdy[offset], prxhat[offset])
            for j in 0..<s {
                let xhat = Double((xp[j] - mu) * inv), dyj = Double(dyp[j]), rdyj = Double(rdyp[j])
                sums += SIMD8(dyj, rdyj, dyj * xhat, rdyj * xhat, dyj * Double(rhp[j]), 0, 0, 0)
            }
        }
        let (sumDy, sumTangent, dyXhat, tangentXhat, dyRxhat) = (Float(sums[0]), Float(sums[1]), Float(sums[2]),
                                                                   Float(sums[3]), Float(sums[4]))
        pbp.base[c] += sumTangent
        pwp.base[c] += tangentXhat + dyRxhat
        let b = batchStatistics ? gamma * dyXhat / count : 0
        let meanRg = batchStatistics ? (gamma * sumTangent + gammaTangent * sumDy) / count : 0
        let rb = batchStatistics ? (gamma * tangentXhat + gammaTangent * dyXhat + gamma * dyRxhat) / count : 0
        let decay = batchStatistics ? k : 0
        for i in 0..<n {
            let offset = (i * channels + c) * s
            let (xp, rhp, dyp, rdyp, dxp, rdxp) = (px[offset], prxhat[offset], pdy[offset], prdy[offset], pdx[offset],
                                                   prdx[offset])
            for j in 0..<s {
                let xhat = (xp[j] - mu) * inv
                let rg = gamma * rdyp[j] + gammaTangent * dyp[j]
                rdxp[j] = -decay * dxp[j] + inv * (rg - meanRg - rhp[j] * b - xhat * rb)
            }
        }
    }
}
