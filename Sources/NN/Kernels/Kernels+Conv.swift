/// 2-D convolution kernels: im2col + one OpenBLAS GEMM per sample and group, parallel over the batch.

/// Conv forward. x `[N, C, H, W]`, weight `[OC, C/groups, k, k]`, bias `[OC]` or nil -> y `[N, OC, OH, OW]`.
///
/// Per sample and group: `y_g [OCg, OH·OW] = W_g [OCg, colRows] · im2col(x_g) [colRows, OH·OW] (+ b)`.
/// Samples are independent, so the result does not depend on `threads`.
package func conv2dForward(_ g: ConvGeometry, input x: UnsafePointer<Float>, weight w: UnsafePointer<Float>,
                           bias b: UnsafePointer<Float>?, output y: UnsafeMutablePointer<Float>,
                           workspace: Workspace<Float>, threads: Int) {
    let colSize = g.colRows * g.colColumns
    let scratch = SharedPointer(workspace.pointer(count: g.isPointwise ? 1 : threads * colSize))
    let (px, pw, py) = (SharedPointer(x), SharedPointer(w), SharedPointer(y))
    let pb = b.map { SharedPointer($0) }
    let (ocg, rows, cols) = (g.groupOutChannels, g.colRows, g.colColumns)
    parallelFor(chunks: g.batch, threads: threads) { n, worker in
        for group in 0..<g.groups {
            let xs = px[n * g.inputSampleCount + group * g.groupInChannels * g.height * g.width]
            let ys = py[n * g.outputSampleCount + group * ocg * cols]
            var col = xs
            if !g.isPointwise {
                col = scratch[worker * colSize]
                im2col(g, input: xs, col: col)
            }
            if let pb {
                for oc in 0..<ocg { (ys + oc * cols).update(repeating: pb.base[group * ocg + oc], count: cols) }
            }
            gemm(m: ocg, n: cols, k: rows, a: pw[group * ocg * rows], lda: rows, b: col, ldb: cols,
                 beta: pb == nil ? 0 : 1, c: ys, ldc: cols)
        }
    }
}

/// Conv backward. x `[N, C, H, W]`, weight `[OC, C/groups, k, k]`, dy `[N, OC, OH, OW]`.
///
/// Adds `Σ_n dy_g · im2col(x_g)ᵀ` to gradWeight `[OC, C/groups, k, k]` and `Σ_{n,p} dy` to gradBias `[OC]`;
/// writes `col2im(W_gᵀ · dy_g)` to gradInput `[N, C, H, W]` when given. The batch is cut into
/// `reductionChunkCount(N)` fixed chunks whose partial sums are added in order: results do not
/// depend on `threads`.
package func conv2dBackward(_ g: ConvGeometry, input x: UnsafePointer<Float>, weight w: UnsafePointer<Float>,
                            gradOutput dy: UnsafePointer<Float>, gradInput dx: UnsafeMutablePointer<Float>?,
                            gradWeight dw: UnsafeMutablePointer<Float>, gradBias db: UnsafeMutablePointer<Float>?,
                            workspace: Workspace<Float>, threads: Int) {
    let (ocg, rows, cols) = (g.groupOutChannels, g.colRows, g.colColumns)
    let colSize = rows * cols, weightCount = g.outChannels * rows
    let chunks = reductionChunkCount(g.batch)
    let partialSize = weightCount + g.outChannels
    let scratchPerWorker = g.isPointwise ? 0 : 2 * colSize
    let base = workspace.pointer(count: chunks * partialSize + threads * scratchPerWorker)
    let (partials, scratch) = (SharedPointer(base), SharedPointer(base + chunks * partialSize))
    let (px, pw, pdy) = (SharedPointer(x), SharedPointer(w), SharedPointer(dy))
    let pdx = dx.map { SharedPointer($0) }
    parallelFor(chunks: chunks, threads: threads) { chunk, worker in
        let dwPart = partials[chunk * partialSize], dbPart = dwPart + weightCount
        dwPart.update(repeating: 0, count: partialSize)
        let col = scratch[worker * scratchPerWorker], dcol = col + colSize
        for n in chunkRange(chunk, of: chunks, count: g.batch) {
            for group in 0..<g.groups {
                let xOffset = n * g.inputSampleCount + group * g.groupInChannels * g.height * g.width
                let dys = pdy[n * g.outputSampleCount + group * ocg * cols]
                let wg = pw[group * ocg * rows]
                var source = px[xOffset]
                if !g.isPointwise {
                    im2col(g, input: source, col: col)
                    source = col
                }
                gemm(transB: true, m: ocg, n: rows, k: cols, a: dys, lda: cols, b: source, ldb: cols,
                     beta: 1, c: dwPart + group * ocg * rows, ldc: rows)
                addRowSums(dys, rows: ocg, columns: cols, into: dbPart + group * ocg)
                guard let pdx else { continue }
                let dxs = pdx[xOffset]
                if g.isPointwise {
                    gemm(transA: true, m: rows, n: cols, k: ocg, a: wg, lda: rows, b: dys, ldb: cols,
                         beta: 0, c: dxs, ldc: cols)
                } else {
                    gemm(transA: true, m: rows, n: cols, k: ocg, a: wg, lda: rows, b: dys, ldb: cols,
                         beta: 0, c: dcol, ldc: cols)
                    dxs.update(repeating: 0, count: g.groupInChannels * g.height * g.width)
                    col2im(g, col: dcol, gradInput: dxs)
                }
            }
        }
    }
    reducePartials(base, chunks: chunks, stride: partialSize, count: weightCount, into: dw)
    if let db { reducePartials(base + weightCount, chunks: chunks, stride: partialSize, count: g.outChannels, into: db) }
}

/// Adds the sum of each row of a `[rows, columns]` matrix to `sums[row]`.
package func addRowSums(_ m: UnsafePointer<Float>, rows: Int, columns: Int, into sums: UnsafeMutablePointer<Float>) {
    for r in 0..<rows { sums[r] += sumOf(m + r * columns, count: columns) }
}

/// Adds `Σ_chunk partials[chunk·stride + i]` (chunks in order) to `target[i]` for `i < count`.
package func reducePartials(_ partials: UnsafePointer<Float>, chunks: Int, stride: Int, count: Int,
                            into target: UnsafeMutablePointer<Float>) {
    for i in 0..<count {
        var sum: Float = 0
        for chunk in 0..<chunks { sum += partials[chunk * stride + i] }
        target[i] += sum
    }
}
