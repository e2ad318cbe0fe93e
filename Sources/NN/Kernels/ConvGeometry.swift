/// The shapes of one 2-D convolution (square kernel, equal stride and padding on both axes).
///
/// Input `[batch, inChannels, height, width]`, weight `[outChannels, inChannels/groups, kernel, kernel]`,
/// output `[batch, outChannels, outHeight, outWidth]` with `out = (in + 2·padding - kernel) / stride + 1`.
public struct ConvGeometry: Hashable, Sendable {
    public let batch, inChannels, height, width: Int
    public let outChannels, kernel, stride, padding, groups: Int

    /// Geometry for the given sizes; the channel counts must be divisible by `groups`.
    public init(batch: Int, inChannels: Int, height: Int, width: Int, outChannels: Int,
                kernel: Int, stride: Int = 1, padding: Int = 0, groups: Int = 1) {
        precondition(groups >= 1 && inChannels % groups == 0 && outChannels % groups == 0,
                     "channels \(inChannels)->\(outChannels) not divisible into \(groups) groups")
        precondition(kernel >= 1 && stride >= 1 && padding >= 0, "bad conv kernel/stride/padding")
        precondition(height + 2 * padding >= kernel && width + 2 * padding >= kernel,
                     "input \(height)x\(width) (padding \(padding)) smaller than kernel \(kernel)")
        (self.batch, self.inChannels, self.height, self.width) = (batch, inChannels, height, width)
        (self.outChannels, self.kernel, self.stride, self.padding, self.groups) =
            (outChannels, kernel, stride, padding, groups)
    }

    /// Output rows.
    public var outHeight: Int { (height + 2 * padding - kernel) / stride + 1 }
    /// Output columns.
    public var outWidth: Int { (width + 2 * padding - kernel) / stride + 1 }
    /// Input channels per group.
    public var groupInChannels: Int { inChannels / groups }
    /// Output channels per group.
    public var groupOutChannels: Int { outChannels / groups }
    /// Rows of one group's im2col matrix: `groupInChannels · kernel²` (also the weight's row length).
    public var colRows: Int { groupInChannels * kernel * kernel }
    /// Columns of the im2col matrix: `outHeight · outWidth`.
    public var colColumns: Int { outHeight * outWidth }
    /// Elements of one input sample.
    public var inputSampleCount: Int { inChannels * height * width }
    /// Elements of one output sample.
    public var outputSampleCount: Int { outChannels * outHeight * outWidth }
    /// The output shape `[batch, outChannels, outHeight, outWidth]`.
    public var outputShape: [Int] { [batch, outChannels, outHeight, outWidth] }
    /// True for 1×1, stride-1, unpadded convolutions, whose im2col matrix is the input itself.
    public var isPointwise: Bool { kernel == 1 && stride == 1 && padding == 0 }
    /// Multiply-accumulates of the forward pass.
    public var macs: Int { batch * outChannels * colColumns * colRows }
}

/// im2col for one sample and group: x `[groupInChannels, H, W]` -> col `[colRows, OH·OW]` (row stride
/// `rowStride`, default OH·OW, so several samples can sit side by side).
///
/// Row `(c, ki, kj)`, column `(oh, ow)` holds `x[c, oh·s - p + ki, ow·s - p + kj]`, or 0 outside the input.
package func im2col(_ g: ConvGeometry, input x: UnsafePointer<Float>, col: UnsafeMutablePointer<Float>,
                    rowStride: Int? = nil) {
    let stride = rowStride ?? g.colColumns
    let (h, w, k, s, p) = (g.height, g.width, g.kernel, g.stride, g.padding)
    let (oh, ow) = (g.outHeight, g.outWidth)
    var row = col
    for c in 0..<g.groupInChannels {
        let plane = x + c * h * w
        for ki in 0..<k {
            for kj in 0..<k {
                // Output columns whose input column ow·s - p + kj lies inside [0, w).
                let first = min(ow, max(0, (p - kj + s - 1) / s))
                let span = w - 1 + p - kj
                let last = span < 0 ? first : max(first, min(ow, span / s + 1))
                for o in 0..<oh {
                    let out = row + o * ow
                    let ih = o * s - p + ki
                    if ih < 0 || ih >= h {
                        out.update(repeating: 0, count: ow)
                        continue
                    }
                    let src = plane + ih * w - p + kj
                    for j in 0..<first { out[j] = 0 }
                    if s == 1 {
                        (out + first).update(from: src + first, count: last - first)
                    } else {
                        for j in first..<last { out[j] = src[j * s] }
                    }
                    for j in last..<ow { out[j] = 0 }
                }
                row += stride
            }
        }
    }
}

/// col2im, the adjoint of `im2col`: adds col `[colRows, OH·OW]` (row stride `rowStride`) into
/// dx `[groupInChannels, H, W]`.
package func col2im(_ g: ConvGeometry, col: UnsafePointer<Float>, gradInput dx: UnsafeMutablePointer<Float>,
                    rowStride: Int? = nil) {
    let stride = rowStride ?? g.colColumns
    let (h, w, k, s, p) = (g.height, g.width, g.kernel, g.stride, g.padding)
    let (oh, ow) = (g.outHeight, g.outWidth)
    var row = col
    for c in 0..<g.groupInChannels {
        let plane = dx + c * h * w
        for ki in 0..<k {
            for kj in 0..<k {
                let first = min(ow, max(0, (p - kj + s - 1) / s))
                let span = w - 1 + p - kj
                let last = span < 0 ? first : max(first, min(ow, span / s + 1))
                for o in 0..<oh {
                    let ih = o * s - p + ki
                    guard ih >= 0 && ih < h else { continue }
                    let src = row + o * ow
                    let dst = plane + ih * w - p + kj
                    if s == 1 {
                        for j in first..<last { dst[j] += src[j] }
                    } else {
                        for j in first..<last { dst[j * s] += src[j] }
                    }
                }
                row += stride
            }
        }
    }
}
