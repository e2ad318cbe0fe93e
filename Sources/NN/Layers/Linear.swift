/// A fully connected layer `y = x Wᵀ + b` (PyTorch `nn.Linear`), input `[n, in]`, output `[n, out]`.
public final class Linear: Module {
    /// The number of input features.
    public let inFeatures: Int
    /// The number of output features.
    public let outFeatures: Int
    /// The weights `[out, in]`.
    public var weight: Parameter
    /// The bias `[out]`, or nil.
    public var bias: Parameter?
    /// When false, `backward` skips dL/dinput and returns zeros (for a network's first layer).
    public var computesInputGradient = true
    private(set) var input: Tensor?
    private(set) var threads = 1

    /// A layer initialised like PyTorch: weight and bias ~ U(-1/√in, 1/√in).
    public init(inFeatures: Int, outFeatures: Int, bias: Bool = true, random: inout SeededGenerator) {
        precondition(inFeatures > 0 && outFeatures > 0, "Linear(\(inFeatures), \(outFeatures))")
        self.inFeatures = inFeatures
        self.outFeatures = outFeatures
        let bound = 1 / Float(inFeatures).squareRoot()
        weight = Parameter(uniformTensor([outFeatures, inFeatures], bound: bound, random: &random))
        self.bias = bias ? Parameter(uniformTensor([outFeatures], bound: bound, random: &random)) : nil
    }

    /// `y = x Wᵀ + b` for `x` `[n, in]`.
    public func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        precondition(input.shape.count == 2 && input.shape[1] == inFeatures,
                     "Linear(\(inFeatures), \(outFeatures)) got input \(input.shape)")
        self.input = context.retainsActivations ? input : nil
        threads = context.threads
        let n = input.shape[0]
        let output = Tensor.output([n, outFeatures])
        linearForward(input: input.data, weight: weight.value.data, bias: bias?.value.data, output: output.data,
                      batch: n, inFeatures: inFeatures, outFeatures: outFeatures, threads: threads)
        return output
    }

    /// Adds dL/dW and dL/db; returns dL/dx `[n, in]`.
    public func backward(_ gradOutput: Tensor) -> Tensor {
        guard let input else { preconditionFailure("Linear.backward before forward") }
        let n = input.shape[0]
        precondition(gradOutput.shape == [n, outFeatures], "Linear.backward got \(gradOutput.shape)")
        let gradInput = computesInputGradient ? Tensor.output(input.shape) : Tensor(zeros: input.shape)
        linearBackward(gradOutput: gradOutput.data, input: input.data, weight: weight.value.data,
                       gradInput: computesInputGradient ? gradInput.data : nil, gradWeight: weight.gradient.data,
                       gradBias: bias?.gradient.data, batch: n, inFeatures: inFeatures,
                       outFeatures: outFeatures, threads: threads)
        return gradInput
    }

    /// `weight`, then `bias` if present.
    public var localParameters: [(name: String, parameter: Parameter)] {
        var result: [(name: String, parameter: Parameter)] = [("weight", weight)]
        if let bias { result.append(("bias", bias)) }
        return result
    }
}

/// A tensor of `shape` with entries drawn from U(-bound, bound) in row-major order.
func uniformTensor(_ shape: [Int], bound: Float, random: inout SeededGenerator) -> Tensor {
    let tensor = Tensor(zeros: shape)
    for i in 0..<tensor.count { tensor.data[i] = random.nextUniform(-bound, bound) }
    return tensor
}
