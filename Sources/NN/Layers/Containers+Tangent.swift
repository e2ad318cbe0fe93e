/// The R-operators of the containers: the chain rule over their children's tangent passes.

extension Sequential: TangentModule {
    /// Each child's forward tangent in order.
    public func forwardTangent(_ inputTangent: Tensor, context: TangentContext) throws -> Tensor {
        var tangent = inputTangent
        for child in children {
            tangent = try context.tangentModule(child.module, path: child.name).forwardTangent(tangent, context: context)
        }
        return tangent
    }

    /// Each child's backward tangent in reverse order.
    public func backwardTangent(_ gradOutput: Tensor, _ gradOutputTangent: Tensor,
                                context: TangentContext) throws -> (gradient: Tensor, tangent: Tensor) {
        var pair = (gradient: gradOutput, tangent: gradOutputTangent)
        for child in children.reversed() {
            pair = try context.tangentModule(child.module, path: child.name)
                .backwardTangent(pair.gradient, pair.tangent, context: context)
        }
        return pair
    }
}

extension Residual: TangentModule {
    /// R{y} = (R{main(x)} + R{shortcut(x)}) where y > 0 (everywhere without the final ReLU).
    public func forwardTangent(_ inputTangent: Tensor, context: TangentContext) throws -> Tensor {
        guard let output else { preconditionFailure("Residual.forwardTangent before forward") }
        var tangent = inputTangent
        for child in main {
            tangent = try context.tangentModule(child.module, path: child.name).forwardTangent(tangent, context: context)
        }
        let skip = try shortcut.map {
            try context.tangentModule($0.module, path: $0.name).forwardTangent(inputTangent, context: context)
        } ?? inputTangent
        let sum = Tensor.output(tangent.shape)
        withExtendedLifetime((tangent, skip)) { addForward(tangent.data, skip.data, sum.data, count: sum.count) }
        if activation { reluBackwardInPlace(output: output.data, gradient: sum.data, count: sum.count) }
        return sum
    }

    /// Back through the final ReLU's active set, then both paths; their input gradients and tangents are summed.
    public func backwardTangent(_ gradOutput: Tensor, _ gradOutputTangent: Tensor,
                                context: TangentContext) throws -> (gradient: Tensor, tangent: Tensor) {
        guard let output else { preconditionFailure("Residual.backwardTangent before forward") }
        let g = gradOutput.copy(), t = gradOutputTangent.copy()
        if activation {
            reluBackwardInPlace(output: output.data, gradient: g.data, count: g.count)
            reluBackwardInPlace(output: output.data, gradient: t.data, count: t.count)
        }
        var mainPair = (gradient: g, tangent: t)
        for child in main.reversed() {
            mainPair = try context.tangentModule(child.module, path: child.name)
                .backwardTangent(mainPair.gradient, mainPair.tangent, context: context)
        }
        let skipPair = try shortcut.map {
            try context.tangentModule($0.module, path: $0.name).backwardTangent(g, t, context: context)
        } ?? (gradient: g, tangent: t)
        let gradient = Tensor.output(mainPair.gradient.shape), tangent = Tensor.output(mainPair.tangent.shape)
        withExtendedLifetime((mainPair, skipPair)) {
            addForward(mainPair.gradient.data, skipPair.gradient.data, gradient.data, count: gradient.count)
            addForward(mainPair.tangent.data, skipPair.tangent.data, tangent.data, count: tangent.count)
        }
        return (gradient, tangent)
    }
}
