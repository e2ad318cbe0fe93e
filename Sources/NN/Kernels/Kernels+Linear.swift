/// Fully connected layer kernels: `y = x Wᵀ + b` and its gradients.

/// Linear forward. x `[n, in]`, weight `[out, in]`, bias `[out]` or nil -> y `[n, out]`.
package func linearForward(input x: UnsafePointer<Float>, weight w: UnsafePointer<Float>,
                           bias b: UnsafePointer<Float>?, output y: UnsafeMutablePointer<Float>,
                           batch n: Int, inFeatures: Int, outFeatures: Int, threads: Int) {
    if let b {
        for row in 0..<n { (y + row * outFeatures).update(from: b, count: outFeatures) }
    }
    parallelGEMM(transB: true, m: n, n: outFeatures, k: inFeatures, a: x, lda: inFeatures,
                 b: w, ldb: inFeatures, beta: b == nil ? 0 : 1, c: y, ldc: outFeatures, threads: threads)
}

/// Linear backward. dy `[n, out]`, x `[n, in]`, weight `[out, in]`.
///
/// Adds `dyᵀ x` to gradWeight `[out, in]` and the column sums of dy to gradBias `[out]`;
/// writes `dy W` to gradInput `[n, in]` when it is given.
package func linearBackward(gradOutput dy: UnsafePointer<Float>, input x: UnsafePointer<Float>,
                            weight w: UnsafePointer<Float>, gradInput dx: UnsafeMutablePointer<Float>?,
                            gradWeight dw: UnsafeMutablePointer<Float>, gradBias db: UnsafeMutablePointer<Float>?,
                            batch n: Int, inFeatures: Int, outFeatures: Int, threads: Int) {
    parallelGEMM(transA: true, m: outFeatures, n: inFeatures, k: n, a: dy, lda: outFeatures,
                 b: x, ldb: inFeatures, beta: 1, c: dw, ldc: inFeatures, threads: threads)
    if let db { addColumnSums(dy, rows: n, columns: outFeatures, into: db) }
    if let dx {
        parallelGEMM(m: n, n: inFeatures, k: outFeatures, a: dy, lda: outFeatures,
                     b: w, ldb: inFeatures, beta: 0, c: dx, ldc: inFeatures, threads: threads)
    }
}

/// Adds the sums over rows of a `[rows, columns]` matrix to `sums` `[columns]` (rows in order).
package func addColumnSums(_ m: UnsafePointer<Float>, rows: Int, columns: Int,
                           into sums: UnsafeMutablePointer<Float>) {
    for r in 0..<rows {
        let row = m + r * columns
        for c in 0..<columns { sums[c] += row[c] }
    }
}
