import CKernels

/// 2-D convolution kernels, parallel over the batch: direct AVX-512 kernels where `directConvolution` finds
/// one (stride 1, or stride 2 with 16·n output channels; `conv2dDirectForward`); otherwise, with AVX-512,
/// im2col of several samples side by side + one GEMM (`conv2dBatchedForward`), and without it im2col + one
/// GEMM per sample and group.

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
    if GEMMBackend.avx512Available && !g.isPointwise {
        // Bit-identical to the per-sample path below (the AVX-512 GEMM's sums depend on K only), and faster
        // where per-sample GEMMs are narrow (ResNet's stride-2 layers, before they ran channels-last: 1.1–1.5×).
        conv2dBatchedForward(g, input: x, weight: w, bias: b, output: y, workspace: workspace, threads: threads)
        return
    }
    conv2dPerSampleForward(g, input: x, weight: w, bias: b, output: y, workspace: workspace, threads: threads)
}

/// Conv forward as im2col + one GEMM per sample and group (1×1 stride-1 layers skip im2col).
package func conv2dPerSampleForward(_ g: ConvGeometry, input x: UnsafePointer<Float>, weight w: UnsafePointer<Float>,
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
/// writes `col2im(W_gᵀ · dy_g)` to gradInput `[N, C, H, W]` when given. Layers the direct kernel
/// handles compute both without im2col (dx as a convolution of dy with the flipped kernel); the
/// others batch up to `columnBudget` columns of several samples into one GEMM. The batch is cut
/// into `reductionChunkCount(N)` fixed chunks whose partial sums are added in order: results do not
/// depend on `threads`.
package func conv2dBackward(_ g: ConvGeometry, input x: UnsafePointer<Float>, weight w: UnsafePointer<Float>,
                            gradOutput dy: UnsafePointer<Float>, gradInput dx: UnsafeMutablePointer<Float>?,
                            gradWeight dw: UnsafeMutablePointer<Float>, gradBias db: UnsafeMutablePointer<Float>?,
                            workspace: Workspace<Float>, threads: Int) {
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
    // A direct weight gradient (all samples of a chunk in one call) needs dx to be done already.
    let direct = gemmGradInput == nil ? directWeightGradient(g) : nil
    let (ocg, rows, cols) = (g.groupOutChannels, g.colRows, g.colColumns)
    let weightCount = g.outChannels * rows
    let chunks = reductionChunkCount(g.batch)
    let partialSize = weightCount + g.outChannels
    let perChunk = (g.batch + chunks - 1) / chunks
    let samplesPerGEMM = max(1, min(perChunk, columnBudget / cols))
    let width = samplesPerGEMM * cols
    let scratchPerWorker = direct.map { directWeightGradientScratch(g, $0) }
        ?? (rows + ocg) * width + (gemmGradInput == nil ? 0 : rows * width)
    let base = workspace.pointer(count: chunks * partialSize + threads * scratchPerWorker)
    let (partials, scratch) = (SharedPointer(base), SharedPointer(base + chunks * partialSize))
    let (px, pw, pdy) = (SharedPointer(x), SharedPointer(w), SharedPointer(dy))
    let pdx = gemmGradInput.map { SharedPointer($0) }
    let groupInput = g.groupInChannels * g.height * g.width
    parallelFor(chunks: chunks, threads: threads) { chunk, worker in
        let dwPart = partials[chunk * partialSize], dbPart = dwPart + weightCount
        dwPart.update(repeating: 0, count: partialSize)
        let col = scratch[worker * scratchPerWorker], dyBatch = col + rows * width, dcol = dyBatch + ocg * width
        let range = chunkRange(chunk, of: chunks, count: g.batch)
        for group in 0..<g.groups {
            var first = range.lowerBound
            if let direct {
                let start = range.lowerBound
                let (xs, dys) = (px[start * g.inputSampleCount + group * groupInput],
                                 pdy[start * g.outputSampleCount + group * ocg * cols])
                let (c, h, wd, oc, k, p) = (Int32(g.groupInChannels), Int32(g.height), Int32(g.width), Int32(ocg),
                                            Int32(g.kernel), Int32(g.padding))
                switch direct {
                case .channelsLast:
                    pb_conv2d_s1_weight_grad_cl(Int32(range.count), g.inputSampleCount, g.outputSampleCount, c, h, wd,
                                                oc, k, p, xs, dys, dwPart + group * ocg * rows, col)
                case .spatialTiles:
                    pb_conv2d_s1_weight_grad(Int32(range.count), g.inputSampleCount, g.outputSampleCount, c, h, wd,
                                             oc, k, p, xs, dys, dwPart + group * ocg * rows)
                }
                for n in range {
                    addRowSums(pdy[n * g.outputSampleCount + group * ocg * cols], rows: ocg, columns: cols,
                               into: dbPart + group * ocg)
                }
                continue
            }
            while first < range.upperBound {
                let count = min(samplesPerGEMM, range.upperBound - first)
                let ld = count * cols
                for t in 0..<count {
                    let n = first + t
                    let xs = px[n * g.inputSampleCount + group * groupInput]
                    let dys = pdy[n * g.outputSampleCount + group * ocg * cols]
                    addRowSums(dys, rows: ocg, columns: cols, into: dbPart + group * ocg)
                    im2col(g, input: xs, col: col + t * cols, rowStride: ld)
                    for oc in 0..<ocg { (dyBatch + oc * ld + t * cols).update(from: dys + oc * cols, count: cols) }
                }
                // dW_g [OCg, rows] += dyBatch [OCg, ld] · colᵀ [ld, rows]
                gemm(transB: true, m: ocg, n: rows, k: ld, a: dyBatch, lda: ld, b: col, ldb: ld,
                     beta: 1, c: dwPart + group * ocg * rows, ldc: rows)
                if let pdx {
                    // dcol [rows, ld] = W_gᵀ [rows, OCg] · dyBatch [OCg, ld], then col2im per sample.
                    gemm(transA: true, m: rows, n: ld, k: ocg, a: pw[group * ocg * rows], lda: rows, b: dyBatch,
                         ldb: ld, beta: 0, c: dcol, ldc: ld)
                    for t in 0..<count {
                        let dxs = pdx[(first + t) * g.inputSampleCount + group * groupInput]
                        dxs.update(repeating: 0, count: groupInput)
                        col2im(g, col: dcol + t * cols, gradInput: dxs, rowStride: ld)
                    }
                }
                first += count
            }
        }
    }
    reducePartials(base, chunks: chunks, stride: partialSize, count: weightCount, into: dw)
    if let db { reducePartials(base + weightCount, chunks: chunks, stride: partialSize, count: g.outChannels, into: db) }
}

/// The most im2col columns (samples × OH·OW) one backward GEMM gathers, bounding per-worker scratch.
package let columnBudget = 1024

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

/// Conv forward as batched-sample GEMMs: per chunk of the batch, up to `columnBudget` columns of
/// several samples' im2col matrices side by side, one GEMM `W_g · col`, then each sample's block
/// copied out. Used with AVX-512 for every layer no direct kernel takes (pointwise ones excepted).
/// Each output element is one GEMM dot product over K (order independent of M, N): results do not
/// depend on `threads`.
package func conv2dBatchedForward(_ g: ConvGeometry, input x: UnsafePointer<Float>, weight w: UnsafePointer<Float>,
                                  bias b: UnsafePointer<Float>?, output y: UnsafeMutablePointer<Float>,
                                  workspace: Workspace<Float>, threads: Int) {
    let (ocg, rows, cols) = (g.groupOutChannels, g.colRows, g.colColumns)
    let chunks = reductionChunkCount(g.batch)
    let perChunk = (g.batch + chunks - 1) / chunks
    let samplesPerGEMM = max(1, min(perChunk, columnBudget / cols))
    let width = samplesPerGEMM * cols
    let scratchPerWorker = (rows + ocg) * width
    let workers = max(1, min(threads, chunks))
    let scratch = SharedPointer(workspace.pointer(count: workers * scratchPerWorker))
    let (px, pw, py) = (SharedPointer(x), SharedPointer(w), SharedPointer(y))
    let pb = b.map { SharedPointer($0) }
    let groupInput = g.groupInChannels * g.height * g.width
    parallelFor(chunks: chunks, threads: threads) { chunk, worker in
        let col = scratch[worker * scratchPerWorker], out = col + rows * width
        let range = chunkRange(chunk, of: chunks, count: g.batch)
        for group in 0..<g.groups {
            var first = range.lowerBound
            while first < range.upperBound {
                let count = min(samplesPerGEMM, range.upperBound - first)
                let ld = count * cols
                for t in 0..<count {
                    im2col(g, input: px[(first + t) * g.inputSampleCount + group * groupInput], col: col + t * cols,
                           rowStride: ld)
                }
                // The bias goes in first (beta 1), as in the per-sample path: with K split into blocks the GEMM
                // adds each block's sum to C in turn, so adding the bias last would round differently.
                if let pb {
                    for oc in 0..<ocg { (out + oc * ld).update(repeating: pb.base[group * ocg + oc], count: ld) }
                }
                gemm(m: ocg, n: ld, k: rows, a: pw[group * ocg * rows], lda: rows, b: col, ldb: ld,
                     beta: pb == nil ? 0 : 1, c: out, ldc: ld)
                for t in 0..<count {
                    let ys = py[(first + t) * g.outputSampleCount + group * ocg * cols]
                    for oc in 0..<ocg { (ys + oc * cols).update(from: out + oc * ld + t * cols, count: cols) }
                }
                first += count
            }
        }
    }
}
