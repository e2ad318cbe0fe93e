/// A 2-D convolution (PyTorch `nn.Conv2d`, square kernel), input `[N, C, H, W]`, output `[N, OC, OH, OW]`.
public final class Conv2d: Module {
    /// Input channels.
    public let inChannels: Int
    /// Output channels.
    public let outChannels: Int
    /// Kernel height and width.
    public let kernelSize: Int
    /// Step between output positions.
    public let stride: Int
    /// Zero padding added on every side.
    public let padding: Int
    /// Channel groups (inputs and outputs are split into this many independent convolutions).
    public let groups: Int
    /// The weights `[out, in/groups, k, k]`.
    public var weight: Parameter
    /// The bias `[out]`, or nil.
    public var bias: Parameter?
    /// When false, `backward` skips dL/dinput and returns zeros (for a network's first layer).
    public var computesInputGradient = true
    private(set) var input: Tensor?
    private(set) var threads = 1
    let workspace = Workspace<Float>()

    /// A layer initialised like PyTorch: weight and bias ~ U(-1/√fan_in, 1/√fan_in), fan_in = in/groups·k².
    public init(inChannels: Int, outChannels: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0,
                groups: Int = 1, bias: Bool = true, random: inout SeededGenerator) {
        precondition(inChannels > 0 && outChannels > 0 && kernelSize > 0 && stride > 0 && padding >= 0,
                     "Conv2d(\(inChannels), \(outChannels), k \(kernelSize), s \(stride), p \(padding))")
        precondition(groups > 0 && inChannels % groups == 0 && outChannels % groups == 0,
                     "Conv2d channels \(inChannels)->\(outChannels) not divisible by groups \(groups)")
        (self.inChannels, self.outChannels, self.kernelSize) = (inChannels, outChannels, kernelSize)
        (self.stride, self.padding, self.groups) = (stride, padding, groups)
        let fanIn = inChannels / groups * kernelSize * kernelSize
        let bound = 1 / Float(fanIn).squareRoot()
        weight = Parameter(uniformTensor([outChannels, inChannels / groups, kernelSize, kernelSize],
                                         bound: bound, random: &random))
        self.bias = bias ? Parameter(uniformTensor([outChannels], bound: bound, random: &random)) : nil
    }

    /// The geometry of this layer applied to an input of `shape` `[N, C, H, W]`.
    public func geometry(for shape: [Int]) -> ConvGeometry {
        precondition(shape.count == 4 && shape[1] == inChannels, "Conv2d(\(inChannels), …) got input \(shape)")
        return ConvGeometry(batch: shape[0], inChannels: inChannels, height: shape[2], width: shape[3],
                            outChannels: outChannels, kernel: kernelSize, stride: stride, padding: padding,
                            groups: groups)
    }

    /// The convolution of `input` `[N, C, H, W]`.
    public func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        let g = geometry(for: input.shape)
        self.input = context.retainsActivations ? input : nil
        threads = context.threads
        let output = Tensor.output(g.outputShape)
        conv2dForward(g, input: input.data, weight: weight.value.data, bias: bias?.value.data,
                      output: output.data, workspace: workspace, threads: threads)
        return output
    }

    /// Adds dL/dW and dL/db; returns dL/dx `[N, C, H, W]`.
    public func backward(_ gradOutput: Tensor) -> Tensor {
        guard let input else { preconditionFailure("Conv2d.backward before forward") }
        let g = geometry(for: input.shape)
        precondition(gradOutput.shape == g.outputShape, "Conv2d.backward got \(gradOutput.shape)")
        let gradInput = computesInputGradient ? Tensor.output(input.shape) : Tensor(zeros: input.shape)
        conv2dBackward(g, input: input.data, weight: weight.value.data, gradOutput: gradOutput.data,
                       gradInput: computesInputGradient ? gradInput.data : nil, gradWeight: weight.gradient.data,
                       gradBias: bias?.gradient.data, workspace: workspace, threads: threads)
        return gradInput
    }

    /// `weight`, then `bias` if present.
    public var localParameters: [(name: String, parameter: Parameter)] {
        var result: [(name: String, parameter: Parameter)] = [("weight", weight)]
        if let bias { result.append(("bias", bias)) }
        return result
    }
}
