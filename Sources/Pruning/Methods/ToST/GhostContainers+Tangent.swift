import NN

/// The R-operators of the ghost containers while no ghost component is active (λ = 0 or soft activations
/// off, α = 0 or no skip paths): then they run the original children, minus any dropout left out, and
/// their tangents are those of `Sequential` and `Residual`. Active ghosts have no R-operator and throw.

extension GhostSequential: TangentModule {
    func forwardTangent(_ inputTangent: Tensor, context: TangentContext) throws -> Tensor {
        try requirePlain()
        var tangent = inputTangent
        for (child, module) in zip(chain, ran) {
            guard let module else { continue }
            tangent = try context.tangentModule(module, path: child.name).forwardTangent(tangent, context: context)
        }
        return tangent
    }

    func backwardTangent(_ gradOutput: Tensor, _ gradOutputTangent: Tensor,
                         context: TangentContext) throws -> (gradient: Tensor, tangent: Tensor) {
        try requirePlain()
        var pair = (gradient: gradOutput, tangent: gradOutputTangent)
        for (child, module) in zip(chain, ran).reversed() {
            guard let module else { continue }
            pair = try context.tangentModule(module, path: child.name).backwardTangent(pair.gradient, pair.tangent,
                                                                                       context: context)
        }
        return pair
    }

    private func requirePlain() throws {
        if pathsRan { throw TangentError.unsupportedState("ghost skip paths are active (α > 0)") }
    }
}

extension GhostResidual: TangentModule {
    func forwardTangent(_ inputTangent: Tensor, context: TangentContext) throws -> Tensor {
        try requirePlain()
        guard let output else { preconditionFailure("GhostResidual.forwardTangent before forward") }
        var tangent = inputTangent
        for (child, module) in zip(main, ran) {
            tangent = try context.tangentModule(module, path: child.name).forwardTangent(tangent, context: context)
        }
        let skip = try shortcut.map {
            try context.tangentModule($0.module, path: $0.name).forwardTangent(inputTangent, context: context)
        } ?? inputTangent
        let sum = ghostSum(tangent, skip)
        if activation { reluBackwardInPlace(output: output.data, gradient: sum.data, count: sum.count) }
        return sum
    }

    func backwardTangent(_ gradOutput: Tensor, _ gradOutputTangent: Tensor,
                         context: TangentContext) throws -> (gradient: Tensor, tangent: Tensor) {
        try requirePlain()
        guard let output else { preconditionFailure("GhostResidual.backwardTangent before forward") }
        let g = gradOutput.copy(), t = gradOutputTangent.copy()
        if activation {
            reluBackwardInPlace(output: output.data, gradient: g.data, count: g.count)
            reluBackwardInPlace(output: output.data, gradient: t.data, count: t.count)
        }
        var mainPair = (gradient: g, tangent: t)
        for (child, module) in zip(main, ran).reversed() {
            mainPair = try context.tangentModule(module, path: child.name)
                .backwardTangent(mainPair.gradient, mainPair.tangent, context: context)
        }
        let skipPair = try shortcut.map {
            try context.tangentModule($0.module, path: $0.name).backwardTangent(g, t, context: context)
        } ?? (gradient: g, tangent: t)
        return (ghostSum(mainPair.gradient, skipPair.gradient), ghostSum(mainPair.tangent, skipPair.tangent))
    }

    private func requirePlain() throws {
        if jumpsRan { throw TangentError.unsupportedState("ghost skip paths are active (α > 0)") }
        if blended != nil { throw TangentError.unsupportedState("ghost soft activations are active (λ > 0)") }
    }
}
