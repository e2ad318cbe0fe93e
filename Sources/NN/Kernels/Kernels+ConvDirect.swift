import CKernels

/// The direct (im2col-free) stride-1 convolution path, on CPUs with AVX-512.

/// True when `g` runs on the direct kernel: AVX-512, stride 1, output rows 3…32 wide, kernel ≤ 16.
package func usesDirectConvolution(_ g: ConvGeometry) -> Bool {
    GEMMBackend.avx512Available && g.stride == 1 && g.kernel <= 16 && g.outWidth >= 3 && g.outWidth <= 32
}

/// Direct conv forward. x `[N, C, H, W]`, weight `[OC, C/groups, k, k]`, bias `[OC]` or nil -> y `[N, OC, OH, OW]`.
///
/// Weights are packed once per call into 8-channel blocks per group; samples run in parallel.
package func conv2dDirectForward(_ g: ConvGeometry, input x: UnsafePointer<Float>, weight w: UnsafePointer<Float>,
                                 bias b: UnsafePointer<Float>?, output y: UnsafeMutablePointer<Float>,
                                 workspace: Workspace<Float>, threads: Int) {
    let (ocg, rows) = (g.groupOutChannels, g.colRows)
    let packedPerGroup = Int(pb_conv_packed_weight_count(Int32(ocg), Int32(rows)))
    let packed = workspace.pointer(count: packedPerGroup * g.groups)
    for group in 0..<g.groups {
        pb_conv_pack_weights(Int32(ocg), Int32(rows), w + group * ocg * rows, packed + group * packedPerGroup)
    }
    let (px, py, pp) = (SharedPointer(x), SharedPointer(y), SharedPointer(packed))
    let pb = b.map { SharedPointer($0) }
    let groupInput = g.groupInChannels * g.height * g.width, groupOutput = ocg * g.colColumns
    parallelFor(chunks: g.batch, threads: threads) { n, _ in
        for group in 0..<g.groups {
            pb_conv2d_s1(Int32(g.groupInChannels), Int32(g.height), Int32(g.width), Int32(ocg), Int32(g.kernel),
                         Int32(g.padding), px[n * g.inputSampleCount + group * groupInput],
                         pp[group * packedPerGroup], pb.map { $0[group * ocg] },
                         py[n * g.outputSampleCount + group * groupOutput])
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
