/// The R-operator of batch norm, in both modes. With x̂ = (x − μ)·s, s = 1/√(σ² + ε) and y = γ·x̂ + β:
/// on running statistics (inference) μ and s are constants; on batch statistics (training) they depend on
/// the batch, R{μ} = mean(R{x}) and R{s} = −s·κ with κ = s·mean(x̂·R{x}), so
/// R{x̂} = s·(R{x} − mean(R{x})) − κ·x̂ (means per channel over N and the spatial positions).

extension BatchNorm2d: TangentModule {
    /// R{y} = γ·R{x̂} + R{γ}·x̂ + R{β}.
    public func forwardTangent(_ inputTangent: Tensor, context: TangentContext) throws -> Tensor {
        core.forwardTangent(inputTangent, context: context, owner: self)
    }

    /// R{dL/dx}, R{dL/dγ}, R{dL/dβ} (see `batchNormBackwardTangent`).
    public func backwardTangent(_ gradOutput: Tensor, _ gradOutputTangent: Tensor,
                                context: TangentContext) throws -> (gradient: Tensor, tangent: Tensor) {
        core.backwardTangent(gradOutput, gradOutputTangent, context: context, owner: self)
    }
}

extension BatchNorm1d: TangentModule {
    /// R{y} = γ·R{x̂} + R{γ}·x̂ + R{β}.
    public func forwardTangent(_ inputTangent: Tensor, context: TangentContext) throws -> Tensor {
        core.forwardTangent(inputTangent, context: context, owner: self)
    }

    /// R{dL/dx}, R{dL/dγ}, R{dL/dβ} (see `batchNormBackwardTangent`).
    public func backwardTangent(_ gradOutput: Tensor, _ gradOutputTangent: Tensor,
                                context: TangentContext) throws -> (gradient: Tensor, tangent: Tensor) {
        core.backwardTangent(gradOutput, gradOutputTangent, context: context, owner: self)
    }
}

extension BatchNormCore {
    /// R{y}; keeps R{x̂} and κ for the backward tangent pass under `owner`.
    func forwardTangent(_ inputTangent: Tensor, context: TangentContext, owner: AnyObject) -> Tensor {
        guard let input else { preconditionFailure("BatchNorm.forwardTangent before forward") }
        precondition(inputTangent.shape == input.shape, "BatchNorm.forwardTangent got \(inputTangent.shape)")
        let (n, s) = extents(input.shape)
        let normalizedTangent = Tensor.output(input.shape), kappa = Tensor(zeros: [features])
        let tangent = Tensor.output(input.shape)
        batchNormForwardTangent(
            input: input.data, inputTangent: inputTangent.data, normalizedTangent: normalizedTangent.data,
            kappa: kappa.data, outputTangent: tangent.data, batch: n, channels: features, size: s,
            mean: savedMean.data, invStd: savedInvStd.data, weight: weight.value.data,
            weightDirection: context.direction(of: weight)?.data, biasDirection: context.direction(of: bias)?.data,
            batchStatistics: usedBatchStatistics, threads: threads)
        context.save([normalizedTangent, kappa], for: owner)
        return tangent
    }

    /// The backward pass with its R-operator.
    func backwardTangent(_ gradOutput: Tensor, _ gradOutputTangent: Tensor, context: TangentContext,
                         owner: AnyObject) -> (gradient: Tensor, tangent: Tensor) {
        let gradInput = backward(gradOutput)
        guard let input else { preconditionFailure("BatchNorm.backwardTangent before forward") }
        precondition(gradOutputTangent.shape == input.shape, "BatchNorm.backwardTangent got \(gradOutputTangent.shape)")
        let saved = context.saved(for: owner)
        let (n, s) = extents(input.shape)
        let tangent = Tensor.output(input.shape)
        batchNormBackwardTangent(
            input: input.data, normalizedTangent: saved[0].data, kappa: saved[1].data, gradOutput: gradOutput.data,
            gradOutputTangent: gradOutputTangent.data, gradInput: gradInput.data, gradInputTangent: tangent.data,
            batch: n, channels: features, size: s, mean: savedMean.data, invStd: savedInvStd.data,
            weight: weight.value.data, weightDirection: context.direction(of: weight)?.data,
            weightProduct: context.product(of: weight).data, biasProduct: context.product(of: bias).data,
            batchStatistics: usedBatchStatistics, threads: threads)
        return (gradInput, tangent)
    }
}
