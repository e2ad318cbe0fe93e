/// Shape-preserving and reshaping layers without parameters: ReLU, dropout, flatten.

/// The rectifier `max(x, 0)` (PyTorch `nn.ReLU`).
public final class ReLU: Module {
    private(set) var output: Tensor?
    private(set) var threads = 1

    /// A ReLU layer.
    public init() {}

    /// `max(x, 0)` elementwise.
    public func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        let result = Tensor.output(input.shape)
        threads = context.threads
        let (x, y) = (SharedPointer(input.data), SharedPointer(result.data))
        parallelElementwise(count: input.count, threads: threads) { start, n in reluForward(x[start], y[start], count: n) }
        output = context.retainsActivations ? result : nil
        return result
    }

    /// Passes the gradient where the output was positive.
    public func backward(_ gradOutput: Tensor) -> Tensor {
        guard let output else { preconditionFailure("ReLU.backward before forward") }
        precondition(gradOutput.shape == output.shape, "ReLU.backward got \(gradOutput.shape)")
        let gradInput = Tensor.output(output.shape)
        let (y, dy, dx) = (SharedPointer(output.data), SharedPointer(gradOutput.data), SharedPointer(gradInput.data))
        parallelElementwise(count: output.count, threads: threads) { start, n in
            reluBackward(output: y[start], gradOutput: dy[start], gradInput: dx[start], count: n)
        }
        return gradInput
    }
}

/// Inverted dropout (PyTorch `nn.Dropout`): in training, zeroes each element with probability `p`
/// and scales the rest by `1/(1-p)`; in inference, the identity.
public final class Dropout: Module {
    /// The probability of zeroing an element.
    public let probability: Float
    private(set) var mask: Tensor?

    /// A dropout layer with drop probability `probability` in [0, 1].
    public init(probability: Float = 0.5) {
        precondition(probability >= 0 && probability <= 1, "dropout probability \(probability) outside [0, 1]")
        self.probability = probability
    }

    /// Draws a fresh mask from `context.random` in training; returns `input` unchanged in inference.
    public func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        guard context.mode == .training, probability > 0 else {
            mask = nil
            return input
        }
        let newMask = Tensor.output(input.shape)
        dropoutMask(newMask.data, count: input.count, probability: probability, random: &context.random)
        mask = newMask
        let output = Tensor.output(input.shape)
        multiply(input.data, newMask.data, output.data, count: input.count)
        return output
    }

    /// The gradient times the mask of the last training forward pass (the identity otherwise).
    public func backward(_ gradOutput: Tensor) -> Tensor {
        guard let mask else { return gradOutput }
        precondition(gradOutput.shape == mask.shape, "Dropout.backward got \(gradOutput.shape)")
        let gradInput = Tensor.output(mask.shape)
        multiply(gradOutput.data, mask.data, gradInput.data, count: mask.count)
        return gradInput
    }
}

/// Flattens `[n, ...]` to `[n, product of the rest]` (PyTorch `nn.Flatten`); a view, no copy.
public final class Flatten: Module {
    private(set) var inputShape: [Int] = []

    /// A flatten layer.
    public init() {}

    /// The input viewed as `[n, rest]`.
    public func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        precondition(!input.shape.isEmpty, "Flatten needs a batch dimension")
        inputShape = input.shape
        return input.reshaped([input.shape[0], input.count / max(input.shape[0], 1)])
    }

    /// The gradient viewed in the input's shape.
    public func backward(_ gradOutput: Tensor) -> Tensor { gradOutput.reshaped(inputShape) }
}
