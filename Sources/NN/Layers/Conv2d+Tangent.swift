/// The R-operator of a convolution: bilinear in (x, W), so each tangent pass is two calls of the layer's
/// own kernels (any stride, padding and groups), one per factor.
extension Conv2d: TangentModule {
    /// R{y} = conv(R{x}, W) + conv(x, V) + R{b}, with V and R{b} the directions of the weight and bias.
    public func forwardTangent(_ inputTangent: Tensor, context: TangentContext) throws -> Tensor {
        guard let input else { preconditionFailure("Conv2d.forwardTangent before forward") }
        precondition(inputTangent.shape == input.shape, "Conv2d.forwardTangent got \(inputTangent.shape)")
        let g = geometry(for: input.shape)
        let tangent = Tensor.output(g.outputShape)
        conv2dForward(g, input: inputTangent.data, weight: weight.value.data,
                      bias: bias.flatMap { context.direction(of: $0) }?.data, output: tangent.data,
                      workspace: workspace, threads: threads)
        if let direction = context.direction(of: weight) {
            let term = Tensor.output(g.outputShape)
            conv2dForward(g, input: input.data, weight: direction.data, bias: nil, output: term.data,
                          workspace: workspace, threads: threads)
            withExtendedLifetime(term) { addInPlace(term.data, into: tangent.data, count: tangent.count) }
        }
        context.save([inputTangent], for: self)
        return tangent
    }

    /// R{dL/dx} = convᵀ(R{dy}, W) + convᵀ(dy, V); R{dL/dW} = R{dy} ⋆ x + dy ⋆ R{x}; R{dL/db} = Σ R{dy}.
    public func backwardTangent(_ gradOutput: Tensor, _ gradOutputTangent: Tensor,
                                context: TangentContext) throws -> (gradient: Tensor, tangent: Tensor) {
        let gradInput = backward(gradOutput)
        guard let input else { preconditionFailure("Conv2d.backwardTangent before forward") }
        precondition(gradOutputTangent.shape == gradOutput.shape, "Conv2d.backwardTangent got \(gradOutputTangent.shape)")
        let g = geometry(for: input.shape)
        let inputTangent = context.saved(for: self)[0]
        let direction = context.direction(of: weight)
        let weightProduct = context.product(of: weight)
        let tangent = computesInputGradient ? Tensor.output(input.shape) : Tensor(zeros: input.shape)
        conv2dBackward(g, input: input.data, weight: weight.value.data, gradOutput: gradOutputTangent.data,
                       gradInput: computesInputGradient ? tangent.data : nil, gradWeight: weightProduct.data,
                       gradBias: bias.map { context.product(of: $0) }?.data, workspace: workspace, threads: threads)
        let term = computesInputGradient && direction != nil ? Tensor.output(input.shape) : nil
        conv2dBackward(g, input: inputTangent.data, weight: (direction ?? weight.value).data, gradOutput: gradOutput.data,
                       gradInput: term?.data, gradWeight: weightProduct.data, gradBias: nil, workspace: workspace,
                       threads: threads)
        if let term { withExtendedLifetime(term) { addInPlace(term.data, into: tangent.data, count: tangent.count) } }
        return (gradInput, tangent)
    }
}
