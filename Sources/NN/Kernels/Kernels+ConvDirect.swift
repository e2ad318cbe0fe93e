import CKernels

/// The direct (im2col-free) convolution paths, on CPUs with AVX-512.

/// How a convolution runs without im2col.
package enum DirectConvolution {
    /// `pb_conv2d_s1`: 32 output positions of one to four rows in vector lanes; stride 1, rows 3…32 wide,
    /// kernel ≤ 16.
    case spatialTiles
    /// `pb_conv2d_cl`: output channels in vector lanes; stride 1 or 2, any row width, 16·n output channels per
    /// group, kernel ≤ 7, at least 4 input channels per group (with fewer, padding and transposing cost more
    /// than the sums).
    case channelsLast
}

/// The direct kernel for `g` (AVX-512), or nil for im2col + GEMM. Stride 2 takes channels-last when it can.
/// Stride 1 takes channels-last where spatial tiles would leave more than a fifth of the lanes idle (7×7 maps:
/// 23 %; rows of 9–12) or cannot run (rows over 32), spatial tiles elsewhere (faster on wide rows with 16
/// output channels).
package func directConvolution(_ g: ConvGeometry) -> DirectConvolution? {
    guard GEMMBackend.avx512Available else { return nil }
    let channelsLast = g.groupInChannels >= 4
        && pb_conv2d_cl_supported(Int32(g.groupOutChannels), Int32(g.kernel), Int32(g.stride)) != 0
    guard g.stride == 1 else { return channelsLast ? .channelsLast : nil }
    let spatial = spatialTilesFit(g) && g.outWidth >= 3
    if channelsLast && (!spatial || spatialTileLaneUse(g) < 0.8) { return .channelsLast }
    return spatial ? .spatialTiles : nil
}

/// True when `g` runs on a direct kernel.
package func usesDirectConvolution(_ g: ConvGeometry) -> Bool { directConvolution(g) != nil }

/// Whether the spatial-tile kernels' limits admit stride-1 `g`: kernel ≤ 16, output rows ≤ 32 wide.
private func spatialTilesFit(_ g: ConvGeometry) -> Bool { g.kernel <= 16 && g.outWidth <= 32 }

/// The fraction of `pb_conv2d_s1`'s vector lanes that hold an output position for `g`: rows of `lanes` lanes
/// (32, 16 or 8), 32 / `lanes` rows per tile.
package func spatialTileLaneUse(_ g: ConvGeometry) -> Double {
    let lanes = g.outWidth > 16 ? 32 : (g.outWidth > 8 ? 16 : 8), rowsPerTile = 32 / lanes
    let tiles = (g.outHeight + rowsPerTile - 1) / rowsPerTile
    return Double(g.outWidth * g.outHeight) / Double(lanes * rowsPerTile * tiles)
}

/// How a stride-1 weight gradient is computed without im2col.
package enum DirectWeightGradient {
    /// `pb_conv2d_s1_weight_grad_cl`: output channels in vector lanes; any map size, 16·n channels per group, 3×3 or 5×5,
    /// at least 4 input channels per group (with fewer, transposing dy costs more than the sums).
    case channelsLast
    /// `pb_conv2d_s1_weight_grad`: spatial tiles in vector lanes; rows 9…32 wide.
    case spatialTiles
}

/// The direct weight-gradient kernel for `g`, or nil when im2col + GEMM is the better (or only) way. Only
/// layers whose input gradient is a direct convolution qualify: for the others the GEMM that gives dx gives dW too.
package func directWeightGradient(_ g: ConvGeometry) -> DirectWeightGradient? {
    guard GEMMBackend.avx512Available, let transposed = g.transposedForInputGradient,
          usesDirectConvolution(transposed) else { return nil }
    if g.groupInChannels >= 4, pb_conv2d_s1_weight_grad_cl_supported(Int32(g.groupOutChannels), Int32(g.kernel)) != 0 {
        return .channelsLast
    }
    // For rows of 8 or fewer (e.g. 7×7 maps) the batched GEMM is about twice as fast as the spatial tiles.
    return spatialTilesFit(g) && g.outWidth > 8 ? .spatialTiles : nil
}

/// Floats of per-worker scratch `kind` needs for `g`.
package func directWeightGradientScratch(_ g: ConvGeometry, _ kind: DirectWeightGradient) -> Int {
    guard kind == .channelsLast else { return 0 }
    return Int(pb_conv2d_s1_weight_grad_cl_scratch(Int32(g.groupInChannels), Int32(g.height), Int32(g.width),
                                                    Int32(g.groupOutChannels), Int32(g.kernel), Int32(g.padding)))
}

/// Direct conv forward. x `[N, C, H, W]`, weight `[OC, C/groups, k, k]`, bias `[OC]` or nil -> y `[N, OC, OH, OW]`.
///
/// Weights are packed once per call for `kind` (default: `directConvolution(g)`); samples run in parallel.
/// Both kinds sum the same products in the same order, so they give the same bits for finite inputs.
package func conv2dDirectForward(_ g: ConvGeometry, input x: UnsafePointer<Float>, weight w: UnsafePointer<Float>,
                                 bias b: UnsafePointer<Float>?, output y: UnsafeMutablePointer<Float>,
                                 workspace: Workspace<Float>, threads: Int, kind: DirectConvolution? = nil) {
    let kind = kind ?? directConvolution(g) ?? .spatialTiles
    let (ocg, rows, cg) = (g.groupOutChannels, g.colRows, g.groupInChannels)
    let (c, h, wd, oc, k, p) = (Int32(cg), Int32(g.height), Int32(g.width), Int32(ocg), Int32(g.kernel),
                                Int32(g.padding))
    let st = Int32(g.stride)
    let packedPerGroup = kind == .channelsLast ? ocg * rows : Int(pb_conv_packed_weight_count(oc, Int32(rows)))
    let groupInput = cg * g.height * g.width, groupOutput = ocg * g.colColumns
    // Spatial tiles read 3–16 rows of every input plane at once; copying the sample into a per-worker buffer
    // first streams it in order (ResNet-20 training, back to back: 2–4 % faster at one thread, the same at two).
    let scratchPerWorker = kind == .channelsLast ? Int(pb_conv2d_cl_scratch(c, h, wd, oc, k, st, p)) : groupInput
    let workers = max(1, min(threads, g.batch))
    let packed = workspace.pointer(count: packedPerGroup * g.groups + workers * scratchPerWorker)
    for group in 0..<g.groups {
        let source = w + group * ocg * rows, destination = packed + group * packedPerGroup
        switch kind {
        case .channelsLast: pb_conv2d_cl_pack_weights(oc, c, k, source, destination)
        case .spatialTiles: pb_conv_pack_weights(oc, Int32(rows), source, destination)
        }
    }
    let (px, py, pp) = (SharedPointer(x), SharedPointer(y), SharedPointer(packed))
    let scratch = SharedPointer(packed + packedPerGroup * g.groups)
    let pb = b.map { SharedPointer($0) }
    parallelFor(chunks: g.batch, threads: threads) { n, worker in
        for group in 0..<g.groups {
            let (xs, ws) = (px[n * g.inputSampleCount + group * groupInput], pp[group * packedPerGroup])
            let (bs, ys) = (pb.map { $0[group * ocg] }, py[n * g.outputSampleCount + group * groupOutput])
            switch kind {
            case .channelsLast:
                pb_conv2d_cl(c, h, wd, oc, k, st, p, xs, ws, bs, ys, scratch[worker * scratchPerWorker])
            case .spatialTiles:
                let staged = scratch[worker * scratchPerWorker]
                staged.update(from: xs, count: groupInput)
                pb_conv2d_s1(c, h, wd, oc, k, p, staged, ws, bs, ys)
            }
        }
    }
}

extension ConvGeometry {
    /// For stride 1, the convolution mapping dy `[N, OC, OH, OW]` to dx `[N, C, H, W]` (kernel flipped,
    /// channels transposed, padding `k - 1 - p`); nil when the stride is not 1 or `p > k - 1`.
    package var transposedForInputGradient: ConvGeometry? {
        guard stride == 1, padding <= kernel - 1 else { return nil }
        return ConvGeometry(batch: batch, inChannels: outChannels, height: outHeight, width: outWidth,
                            outChannels: inChannels, kernel: kernel, stride: 1, padding: kernel - 1 - padding,
                            groups: groups)
    }
}

/// Writes `w'[g][c][oc][k-1-ki][k-1-kj] = w[g·OCg + oc][c][ki][kj]`: per group, `[C/groups, OC/groups, k, k]`.
package func flipTransposeWeights(_ g: ConvGeometry, weight w: UnsafePointer<Float>,
                                  into wt: UnsafeMutablePointer<Float>) {
    let (k, ocg, cg) = (g.kernel, g.groupOutChannels, g.groupInChannels)
    let kk = k * k
    for group in 0..<g.groups {
        let src = w + group * ocg * cg * kk, dst = wt + group * ocg * cg * kk
        for oc in 0..<ocg {
            for c in 0..<cg {
                for t in 0..<kk { dst[(c * ocg + oc) * kk + (kk - 1 - t)] = src[(oc * cg + c) * kk + t] }
            }
        }
    }
}
