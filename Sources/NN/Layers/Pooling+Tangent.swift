/// The R-operators of the pooling layers: average pools are linear, and max-pooling is linear once the
/// forward pass has fixed each window's arg-maximum, so both tangent passes reuse the layers' kernels.

extension MaxPool2d: TangentModule {
    /// R{y} = R{x} at each window's recorded maximum.
    public func forwardTangent(_ inputTangent: Tensor, context: TangentContext) throws -> Tensor {
        precondition(inputTangent.shape == inputShape, "MaxPool2d.forwardTangent got \(inputTangent.shape)")
        let shape = pooledShape(inputShape, kernel: kernelSize, stride: stride, layer: "MaxPool2d")
        let tangent = Tensor.output(shape)
        maxPool2dGather(inputTangent.data, indices: indices.pointer(count: tangent.count), tangent.data,
                        planes: shape[0] * shape[1], height: inputShape[2], width: inputShape[3],
                        outHeight: shape[2], outWidth: shape[3], threads: threads)
        return tangent
    }

    /// R{dL/dx}: R{dy} routed to the recorded maxima, as `backward` routes dy.
    public func backwardTangent(_ gradOutput: Tensor, _ gradOutputTangent: Tensor,
                                context: TangentContext) throws -> (gradient: Tensor, tangent: Tensor) {
        (backward(gradOutput), backward(gradOutputTangent))
    }
}

extension AvgPool2d: TangentModule {
    /// R{y}: the window means of R{x}.
    public func forwardTangent(_ inputTangent: Tensor, context: TangentContext) throws -> Tensor {
        precondition(inputTangent.shape == inputShape, "AvgPool2d.forwardTangent got \(inputTangent.shape)")
        let shape = pooledShape(inputShape, kernel: kernelSize, stride: stride, layer: "AvgPool2d")
        let tangent = Tensor.output(shape)
        avgPool2dForward(inputTangent.data, tangent.data, planes: shape[0] * shape[1], height: inputShape[2],
                         width: inputShape[3], kernel: kernelSize, stride: stride, threads: threads)
        return tangent
    }

    /// R{dL/dx}: R{dy} spread over the windows, as `backward` spreads dy.
    public func backwardTangent(_ gradOutput: Tensor, _ gradOutputTangent: Tensor,
                                context: TangentContext) throws -> (gradient: Tensor, tangent: Tensor) {
        (backward(gradOutput), backward(gradOutputTangent))
    }
}

extension GlobalAvgPool2d: TangentModule {
    /// R{y}: the plane means of R{x}.
    public func forwardTangent(_ inputTangent: Tensor, context: TangentContext) throws -> Tensor {
        precondition(inputTangent.shape == inputShape, "GlobalAvgPool2d.forwardTangent got \(inputTangent.shape)")
        let tangent = Tensor.output(Array(inputShape.prefix(2)))
        globalAvgPoolForward(inputTangent.data, tangent.data, planes: tangent.count, size: inputShape[2] * inputShape[3])
        return tangent
    }

    /// R{dL/dx}: R{dy} / (H·W) over each plane, as `backward` spreads dy.
    public func backwardTangent(_ gradOutput: Tensor, _ gradOutputTangent: Tensor,
                                context: TangentContext) throws -> (gradient: Tensor, tangent: Tensor) {
        (backward(gradOutput), backward(gradOutputTangent))
    }
}
