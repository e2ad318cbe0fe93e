import CKernels

/// 2-D convolution kernels, parallel over the batch: a direct AVX-512 kernel for stride-1 layers with
/// rows up to 32 wide (`conv2dDirectForward`), otherwise im2col + one GEMM per sample and group.

/// Conv forward. x `[N, C, H, W]`, weight `[OC, C/groups, k, k]`, bias `[OC]` or nil -> y `[N, OC, OH, OW]`.
///
/// Per sample and group: `y_g [OCg, OH·OW] = W_g [OCg, colRows] · im2col(x_g) [colRows, OH·OW] (+ b)`.
/// Samples are independent, so the result does not depend on `threads`.
package func conv2dForward(_ g: ConvGeometry, input x: UnsafePointer<Float>, weight w: UnsafePointer<Float>,
                           bias b: UnsafePointer<Float>?, output y: UnsafeMutablePointer<Float>,
                           workspace: Workspace<Float>, threads: Int) {
    if usesDirectConvolution(g) {
        conv2dDirectForward(g, input: x, weight: w, bias: b, output: y, workspace: workspace, threads: threads)
        return
    }
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
/// writes `col2im(W_gᵀ · dy_g)` to gradInput `[N, C, H, W]` when given. Stride-1 layers the direct
/// kernel handles compute both without im2col (dx as a convolution of dy with the flipped kernel).
/// The batch is cut into
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
    let (px, pw, pdy) = (SharedPointer(x), SharedPointer(w), SharedPointer(dy))
    var gemmGradInput = dx
    if let dx, let transposed = g.transposedForInputGradient, usesDirectConvolution(transposed) {
        // Stride 1: dL/dx is the correlation of dy with the flipped, transposed kernel.
        let flipped = Workspace<Float>()
        let wt = flipped.pointer(count: g.outChannels * g.colRows)
        flipTransposeWeights(g, weight: w, into: wt)
        conv2dDirectForward(transposed, input: dy, weight: wt, bias: nil, output: dx, workspace: workspace,
                            threads: threads)
        gemmGradInput = nil
    }
    let pdx = gemmGradInput.map { SharedPointer($0) }
    // The direct weight gradient needs no im2col; narrow rows (< 10) waste lanes, so they use GEMM.
    let direct = usesDirectConvolution(g) && g.outWidth >= 10 && gemmGradInput == nil
    let scratchPerWorker = g.isPointwise || direct ? 0 : 2 * colSize
    let base = workspace.pointer(count: chunks * partialSize + threads * scratchPerWorker)
    let (partials, scratch) = (SharedPointer(base), SharedPointer(base + chunks * partialSize))
    parallelFor(chunks: chunks, threads: threads) { chunk, worker in
        let dwPart = partials[chunk * partialSize], dbPart = dwPart + weightCount
        dwPart.update(repeating: 0, count: partialSize)
        let col = scratch[worker * scratchPerWorker], dcol = col + colSize
        for n in chunkRange(chunk, of: chunks, count: g.batch) {
            for group in 0..<g.groups {
                let xOffset = n * g.inputSampleCount + group * g.groupInChannels * g.height * g.width
                let dys = pdy[n * g.outputSampleCount + group * ocg * cols]
                let wg = pw[group * ocg * rows]
                if direct {
                    pb_conv2d_s1_weight_grad(Int32(g.groupInChannels), Int32(g.height), Int32(g.width), Int32(ocg),
                                             Int32(g.kernel), Int32(g.padding), px[xOffset], dys,
                                             dwPart + group * ocg * rows)
                    addRowSums(dys, rows: ocg, columns: cols, into: dbPart + group * ocg)
                    continue
                }
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
