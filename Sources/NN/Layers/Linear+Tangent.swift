/// The R-operator of `y = x Wᵀ + b`: bilinear in (x, W), so each tangent pass is two calls of the layer's
/// own kernels, one per factor.
extension Linear: TangentModule {
    /// R{y} = R{x} Wᵀ + x Vᵀ + R{b}, with V and R{b} the directions of the weight and bias.
    public func forwardTangent(_ inputTangent: Tensor, context: TangentContext) throws -> Tensor {
        guard let input else { preconditionFailure("Linear.forwardTangent before forward") }
        precondition(inputTangent.shape == input.shape, "Linear.forwardTangent got \(inputTangent.shape)")
        let n = input.shape[0]
        let tangent = Tensor.output([n, outFeatures])
        linearForward(input: inputTangent.data, weight: weight.value.data,
                      bias: bias.flatMap { context.direction(of: $0) }?.data, output: tangent.data,
                      batch: n, inFeatures: inFeatures, outFeatures: outFeatures, threads: threads)
        if let direction = context.direction(of: weight) {
            let term = Tensor.output([n, outFeatures])
            linearForward(input: input.data, weight: direction.data, bias: nil, output: term.data,
                          batch: n, inFeatures: inFeatures, outFeatures: outFeatures, threads: threads)
            withExtendedLifetime(term) { addInPlace(term.data, into: tangent.data, count: tangent.count) }
        }
        context.save([inputTangent], for: self)
        return tangent
    }

    /// dL/dx = dy W; R{dL/dx} = R{dy} W + dy V, R{dL/dW} = R{dy}ᵀ x + dyᵀ R{x}, R{dL/db} = Σ R{dy}.
    public func backwardTangent(_ gradOutput: Tensor, _ gradOutputTangent: Tensor,
                                context: TangentContext) throws -> (gradient: Tensor, tangent: Tensor) {
        let gradInput = backward(gradOutput)
        guard let input else { preconditionFailure("Linear.backwardTangent before forward") }
        precondition(gradOutputTangent.shape == gradOutput.shape, "Linear.backwardTangent got \(gradOutputTangent.shape)")
        let inputTangent = context.saved(for: self)[0]
        let direction = context.direction(of: weight)
        let weightProduct = context.product(of: weight)
        let n = input.shape[0]
        let tangent = computesInputGradient ? Tensor.output(input.shape) : Tensor(zeros: input.shape)
        linearBackward(gradOutput: gradOutputTangent.data, input: input.data, weight: weight.value.data,
                       gradInput: computesInputGradient ? tangent.data : nil, gradWeight: weightProduct.data,
                       gradBias: bias.map { context.product(of: $0) }?.data, batch: n, inFeatures: inFeatures,
                       outFeatures: outFeatures, threads: threads)
        let term = computesInputGradient && direction != nil ? Tensor.output(input.shape) : nil
        linearBackward(gradOutput: gradOutput.data, input: inputTangent.data, weight: (direction ?? weight.value).data,
                       gradInput: term?.data, gradWeight: weightProduct.data, gradBias: nil, batch: n,
                       inFeatures: inFeatures, outFeatures: outFeatures, threads: threads)
        if let term { withExtendedLifetime(term) { addInPlace(term.data, into: tangent.data, count: tangent.count) } }
        return (gradInput, tangent)
    }
}
