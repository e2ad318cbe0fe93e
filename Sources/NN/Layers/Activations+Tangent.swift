/// The R-operators of ReLU, dropout and flatten: each is linear in its input once the forward pass has fixed
/// its pattern (ReLU's active set, dropout's mask), so both tangent passes apply that same linear map.

extension ReLU: TangentModule {
    /// R{y} = R{x} where y > 0, else 0 (the active set of the forward pass).
    public func forwardTangent(_ inputTangent: Tensor, context: TangentContext) throws -> Tensor {
        guard let output else { preconditionFailure("ReLU.forwardTangent before forward") }
        return masked(inputTangent, by: output)
    }

    /// R{dL/dx} = R{dy} where y > 0 (ReLU'' = 0 almost everywhere).
    public func backwardTangent(_ gradOutput: Tensor, _ gradOutputTangent: Tensor,
                                context: TangentContext) throws -> (gradient: Tensor, tangent: Tensor) {
        guard let output else { preconditionFailure("ReLU.backwardTangent before forward") }
        return (backward(gradOutput), masked(gradOutputTangent, by: output))
    }

    /// `t` where `output > 0`, else 0.
    private func masked(_ t: Tensor, by output: Tensor) -> Tensor {
        precondition(t.shape == output.shape, "ReLU tangent \(t.shape) for output \(output.shape)")
        let result = Tensor.output(t.shape)
        let (y, dt, r) = (SharedPointer(output.data), SharedPointer(t.data), SharedPointer(result.data))
        parallelElementwise(count: t.count, threads: threads) { start, n in
            reluBackward(output: y[start], gradOutput: dt[start], gradInput: r[start], count: n)
        }
        return result
    }
}

extension Dropout: TangentModule {
    /// R{y} = R{x} ⊙ mask (the mask of the forward pass; the identity in inference).
    public func forwardTangent(_ inputTangent: Tensor, context: TangentContext) throws -> Tensor {
        masked(inputTangent)
    }

    /// R{dL/dx} = R{dy} ⊙ mask.
    public func backwardTangent(_ gradOutput: Tensor, _ gradOutputTangent: Tensor,
                                context: TangentContext) throws -> (gradient: Tensor, tangent: Tensor) {
        (backward(gradOutput), masked(gradOutputTangent))
    }

    private func masked(_ t: Tensor) -> Tensor {
        guard let mask else { return t }
        precondition(t.shape == mask.shape, "Dropout tangent \(t.shape) for mask \(mask.shape)")
        let result = Tensor.output(t.shape)
        multiply(t.data, mask.data, result.data, count: t.count)
        return result
    }
}

extension Flatten: TangentModule {
    /// R{x} viewed as `[n, rest]`.
    public func forwardTangent(_ inputTangent: Tensor, context: TangentContext) throws -> Tensor {
        precondition(inputTangent.shape == inputShape, "Flatten.forwardTangent got \(inputTangent.shape)")
        return inputTangent.reshaped([inputShape[0], inputTangent.count / max(inputShape[0], 1)])
    }

    /// R{dy} viewed in the input's shape.
    public func backwardTangent(_ gradOutput: Tensor, _ gradOutputTangent: Tensor,
                                context: TangentContext) throws -> (gradient: Tensor, tangent: Tensor) {
        (backward(gradOutput), gradOutputTangent.reshaped(inputShape))
    }
}
