/// Pooling layers over `[N, C, H, W]` inputs (no padding, floor output size, as PyTorch's defaults).

/// Max pooling over k×k windows (PyTorch `nn.MaxPool2d(k, stride)`); stride defaults to the kernel size.
public final class MaxPool2d: Module {
    /// The window size.
    public let kernelSize: Int
    /// The step between windows.
    public let stride: Int
    private(set) var inputShape: [Int] = []
    let indices = Workspace<Int32>()
    private(set) var threads = 1

    /// A max-pool layer with `k×k` windows every `stride` (default `kernelSize`) positions.
    public init(kernelSize: Int, stride: Int? = nil) {
        precondition(kernelSize > 0 && (stride ?? 1) > 0, "MaxPool2d(\(kernelSize), stride \(stride ?? kernelSize))")
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
    }

    /// The maximum of each window; `[N, C, OH, OW]`.
    public func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        let shape = pooledShape(input.shape, kernel: kernelSize, stride: stride, layer: "MaxPool2d")
        inputShape = input.shape
        threads = context.threads
        let output = Tensor.output(shape)
        // A pass that keeps nothing for backward needs no argmax positions; the 2×2 kernel then skips them.
        let skipsIndices = !context.retainsActivations && kernelSize == 2 && stride == 2
        maxPool2dForward(input.data, output.data, indices: skipsIndices ? nil : indices.pointer(count: output.count),
                         planes: shape[0] * shape[1], height: input.shape[2], width: input.shape[3],
                         kernel: kernelSize, stride: stride, threads: threads)
        return output
    }

    /// Routes each output gradient to its window's maximum.
    public func backward(_ gradOutput: Tensor) -> Tensor {
        precondition(gradOutput.shape == pooledShape(inputShape, kernel: kernelSize, stride: stride, layer: "MaxPool2d"),
                     "MaxPool2d.backward got \(gradOutput.shape)")
        let gradInput = Tensor.output(inputShape)
        maxPool2dBackward(gradOutput.data, indices: indices.pointer(count: gradOutput.count), gradInput.data,
                          planes: inputShape[0] * inputShape[1], height: inputShape[2], width: inputShape[3],
                          outHeight: gradOutput.shape[2], outWidth: gradOutput.shape[3], threads: threads)
        return gradInput
    }
}

/// Average pooling over k×k windows (PyTorch `nn.AvgPool2d(k, stride)`); stride defaults to the kernel size.
public final class AvgPool2d: Module {
    /// The window size.
    public let kernelSize: Int
    /// The step between windows.
    public let stride: Int
    private(set) var inputShape: [Int] = []
    private(set) var threads = 1

    /// An average-pool layer with `k×k` windows every `stride` (default `kernelSize`) positions.
    public init(kernelSize: Int, stride: Int? = nil) {
        precondition(kernelSize > 0 && (stride ?? 1) > 0, "AvgPool2d(\(kernelSize), stride \(stride ?? kernelSize))")
        self.kernelSize = kernelSize
        self.stride = stride ?? kernelSize
    }

    /// The mean of each window; `[N, C, OH, OW]`.
    public func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        let shape = pooledShape(input.shape, kernel: kernelSize, stride: stride, layer: "AvgPool2d")
        inputShape = input.shape
        threads = context.threads
        let output = Tensor.output(shape)
        avgPool2dForward(input.data, output.data, planes: shape[0] * shape[1], height: input.shape[2],
                         width: input.shape[3], kernel: kernelSize, stride: stride, threads: threads)
        return output
    }

    /// Spreads each output gradient evenly over its window.
    public func backward(_ gradOutput: Tensor) -> Tensor {
        precondition(gradOutput.shape == pooledShape(inputShape, kernel: kernelSize, stride: stride, layer: "AvgPool2d"),
                     "AvgPool2d.backward got \(gradOutput.shape)")
        let gradInput = Tensor.output(inputShape)
        avgPool2dBackward(gradOutput.data, gradInput.data, planes: inputShape[0] * inputShape[1],
                          height: inputShape[2], width: inputShape[3], kernel: kernelSize, stride: stride,
                          threads: threads)
        return gradInput
    }
}

/// Global average pooling `[N, C, H, W] -> [N, C]` (PyTorch `AdaptiveAvgPool2d(1)` followed by flatten).
public final class GlobalAvgPool2d: Module {
    private(set) var inputShape: [Int] = []

    /// A global average-pool layer.
    public init() {}

    /// The mean of each channel plane.
    public func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        precondition(input.shape.count == 4, "GlobalAvgPool2d needs [N, C, H, W], got \(input.shape)")
        inputShape = input.shape
        let output = Tensor.output([input.shape[0], input.shape[1]])
        globalAvgPoolForward(input.data, output.data, planes: output.count, size: input.shape[2] * input.shape[3])
        return output
    }

    /// Each plane receives its output gradient divided by H·W.
    public func backward(_ gradOutput: Tensor) -> Tensor {
        precondition(gradOutput.shape == Array(inputShape.prefix(2)), "GlobalAvgPool2d.backward got \(gradOutput.shape)")
        let gradInput = Tensor.output(inputShape)
        globalAvgPoolBackward(gradOutput.data, gradInput.data, planes: gradOutput.count,
                              size: inputShape[2] * inputShape[3])
        return gradInput
    }
}

/// The output shape of a k×k / stride pooling of a `[N, C, H, W]` input.
func pooledShape(_ shape: [Int], kernel: Int, stride: Int, layer: String) -> [Int] {
    precondition(shape.count == 4, "\(layer) needs [N, C, H, W], got \(shape)")
    precondition(shape[2] >= kernel && shape[3] >= kernel, "\(layer)(\(kernel)) input \(shape) too small")
    return [shape[0], shape[1], pooledSize(shape[2], kernel: kernel, stride: stride),
            pooledSize(shape[3], kernel: kernel, stride: stride)]
}
