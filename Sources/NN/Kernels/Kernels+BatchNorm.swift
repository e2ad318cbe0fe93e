/// Batch-normalisation kernels over `[N, C, S]` (S = H·W for 2-D, 1 or L for 1-D), parallel over channels.

/// Batch statistics: mean `[C]` and biased variance `[C]` of x `[N, C, S]` over N and S (two passes).
package func batchNormStatistics(_ x: UnsafePointer<Float>, batch n: Int, channels: Int, size s: Int,
                                 mean: UnsafeMutablePointer<Float>, variance: UnsafeMutablePointer<Float>,
                                 threads: Int) {
    let (px, pm, pv) = (SharedPointer(x), SharedPointer(mean), SharedPointer(variance))
    let count = Float(n * s)
    parallelFor(chunks: channels, threads: threads) { c, _ in
        var sum: Float = 0
        for i in 0..<n { sum += sumOf(px[(i * channels + c) * s], count: s) }
        let mu = sum / count
        var squares: Float = 0
        for i in 0..<n { squares += centeredSquaresOf(px[(i * channels + c) * s], center: mu, count: s) }
        pm.base[c] = mu
        pv.base[c] = squares / count
    }
}

/// Normalise: `y = (x - mean[c]) · invStd[c] · weight[c] + bias[c]` for x, y `[N, C, S]`.
package func batchNormApply(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch n: Int,
                            channels: Int, size s: Int, mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>,
                            weight: UnsafePointer<Float>, bias: UnsafePointer<Float>, threads: Int) {
    let (px, py) = (SharedPointer(x), SharedPointer(y))
    let (pm, pi, pw, pb) = (SharedPointer(mean), SharedPointer(invStd), SharedPointer(weight), SharedPointer(bias))
    let chunks = reductionChunkCount(n)
    parallelFor(chunks: chunks, threads: threads) { chunk, _ in
        for i in chunkRange(chunk, of: chunks, count: n) {
            for c in 0..<channels {
                let scale = pi.base[c] * pw.base[c]
                let shift = pb.base[c] - pm.base[c] * scale
                let xp = px[(i * channels + c) * s], yp = py[(i * channels + c) * s]
                for j in 0..<s { yp[j] = xp[j] * scale + shift }
            }
        }
    }
}

/// Batch-norm backward for x, dy, dx `[N, C, S]` given the `mean` and `invStd` used in the forward pass.
///
/// With `x̂ = (x - mean)·invStd`: adds `Σ dy·x̂` to gradWeight and `Σ dy` to gradBias. When the
/// statistics came from the batch (`batchStatistics`), `dx = w·invStd·(dy - Σdy/M - x̂·Σdy·x̂/M)`
/// with `M = N·S`; with running statistics (inference), `dx = w·invStd·dy`.
package func batchNormBackward(input x: UnsafePointer<Float>, gradOutput dy: UnsafePointer<Float>,
                               gradInput dx: UnsafeMutablePointer<Float>, batch n: Int, channels: Int, size s: Int,
                               mean: UnsafePointer<Float>, invStd: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                               gradWeight: UnsafeMutablePointer<Float>, gradBias: UnsafeMutablePointer<Float>,
                               batchStatistics: Bool, threads: Int) {
    let (px, pdy, pdx) = (SharedPointer(x), SharedPointer(dy), SharedPointer(dx))
    let (pm, pi, pw) = (SharedPointer(mean), SharedPointer(invStd), SharedPointer(weight))
    let (pgw, pgb) = (SharedPointer(gradWeight), SharedPointer(gradBias))
    let count = Float(n * s)
    parallelFor(chunks: channels, threads: threads) { c, _ in
        let mu = pm.base[c], inv = pi.base[c]
        var sumDy: Float = 0, sumDyCentered: Float = 0
        for i in 0..<n {
            let offset = (i * channels + c) * s
            sumDy += sumOf(pdy[offset], count: s)
            sumDyCentered += centeredDotOf(pdy[offset], px[offset], center: mu, count: s)
        }
        let sumDyXhat = inv * sumDyCentered
        pgw.base[c] += sumDyXhat
        pgb.base[c] += sumDy
        let scale = pw.base[c] * inv
        let meanDy = batchStatistics ? sumDy / count : 0
        let meanDyXhat = batchStatistics ? sumDyXhat / count : 0
        for i in 0..<n {
            let offset = (i * channels + c) * s
            let (xp, dyp, dxp) = (px[offset], pdy[offset], pdx[offset])
            for j in 0..<s {
                let xhat = (xp[j] - mu) * inv
                dxp[j] = scale * (dyp[j] - meanDy - xhat * meanDyXhat)
            }
        }
    }
}
