/// The parameter-free ResNet shortcut "option A" (He et al. 2016, §4.2): keeps every `stride`-th row and
/// column and zero-pads the channels, `lower = (out − in) / 2` before and the rest after — PyTorch's
/// `F.pad(x[:, :, ::s, ::s], (0, 0, 0, 0, lower, upper))` as in akamaster's CIFAR ResNet.
public final class ChannelPadShortcut: Module {
    public let inChannels: Int
    public let outChannels: Int
    public let stride: Int
    private var inputShape: [Int] = []

    /// A shortcut from `inChannels` to `outChannels ≥ inChannels` channels, subsampling by `stride`.
    public init(inChannels: Int, outChannels: Int, stride: Int) {
        precondition(inChannels > 0 && outChannels >= inChannels && stride > 0,
                     "ChannelPadShortcut: \(inChannels) -> \(outChannels) channels, stride \(stride)")
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.stride = stride
    }

    private var lower: Int { (outChannels - inChannels) / 2 }

    /// `[N, in, H, W] -> [N, out, ceil(H / s), ceil(W / s)]`.
    public func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        precondition(input.shape.count == 4 && input.shape[1] == inChannels,
                     "ChannelPadShortcut expects [N, \(inChannels), H, W], got \(input.shape)")
        inputShape = input.shape
        return subsampledAndPadded(input)
    }

    /// `[N, out, H', W'] -> [N, in, H, W]`: the kept pixels get their gradient, the skipped ones zero.
    public func backward(_ gradOutput: Tensor) -> Tensor { scattered(gradOutput) }

    /// The shortcut applied to `x` `[N, in, H, W]` (the shape of the last forward input).
    func subsampledAndPadded(_ x: Tensor) -> Tensor {
        precondition(x.shape == inputShape, "ChannelPadShortcut got \(x.shape) after a forward pass on \(inputShape)")
        let (n, h, w) = (inputShape[0], inputShape[2], inputShape[3])
        let oh = (h + stride - 1) / stride, ow = (w + stride - 1) / stride
        let output = Tensor(zeros: [n, outChannels, oh, ow])
        let xp = x.data, y = output.data
        for b in 0..<n {
            for c in 0..<inChannels {
                let src = xp + (b * inChannels + c) * h * w
                let dst = y + (b * outChannels + c + lower) * oh * ow
                for i in 0..<oh {
                    for j in 0..<ow { dst[i * ow + j] = src[i * stride * w + j * stride] }
                }
            }
        }
        return output
    }

    /// The transpose of `subsampledAndPadded`: `[N, out, H', W'] -> [N, in, H, W]`.
    func scattered(_ gradOutput: Tensor) -> Tensor {
        let (n, h, w) = (inputShape[0], inputShape[2], inputShape[3])
        let oh = gradOutput.shape[2], ow = gradOutput.shape[3]
        let gradInput = Tensor(zeros: inputShape)
        let gy = gradOutput.data, gx = gradInput.data
        for b in 0..<n {
            for c in 0..<inChannels {
                let src = gy + (b * outChannels + c + lower) * oh * ow
                let dst = gx + (b * inChannels + c) * h * w
                for i in 0..<oh {
                    for j in 0..<ow { dst[i * stride * w + j * stride] = src[i * ow + j] }
                }
            }
        }
        return gradInput
    }
}

/// The shortcut is linear and parameter-free: its tangents go through the same maps as its values.
extension ChannelPadShortcut: TangentModule {
    /// R{y}: R{x} subsampled and zero-padded.
    public func forwardTangent(_ inputTangent: Tensor, context: TangentContext) throws -> Tensor {
        subsampledAndPadded(inputTangent)
    }

    /// R{dL/dx}: R{dy} scattered back, as `backward` scatters dy.
    public func backwardTangent(_ gradOutput: Tensor, _ gradOutputTangent: Tensor,
                                context: TangentContext) throws -> (gradient: Tensor, tangent: Tensor) {
        (scattered(gradOutput), scattered(gradOutputTangent))
    }
}
