import NN

/// Hessian–vector products Hv of a loss by central finite differences of its gradient:
/// Hv ≈ (∇L(θ + h·v̂) − ∇L(θ − h·v̂)) / (2h) · ‖v‖ with v̂ = v/‖v‖ (GraSP card's alternative to double backprop).
///
/// Chosen over a second backward pass because the engine's layers have hand-written first-order
/// backward passes only; differentiating through them would mean a second derivative for every kernel.
/// The truncation error is O(h²) (zero for a quadratic loss); the rounding error of Float gradients
/// grows like ε_Float·‖∇L‖/h, so the step is relative to the parameters: h = `relativeStep` · max(‖θ‖, 1)
/// (‖·‖ over all given parameters, in Double). With ReLU networks a perturbation may cross a kink, where
/// the difference sees a slightly different linear region than an autodiff HVP would.
public enum HessianVectorProduct {
    /// Hv for the loss whose gradient `gradient()` returns (one tensor per parameter, the parameters'
    /// shapes) at the parameters' current values. The parameters are moved to θ ± h·v̂ for the two calls
    /// and restored bit-exactly afterwards. A zero `vector` gives zeros without calling `gradient`.
    public static func centralDifference(parameters: [Parameter], vector: [Tensor], relativeStep: Double = 1e-3,
                                         gradient: () throws -> [Tensor]) rethrows -> [Tensor] {
        precondition(parameters.count == vector.count, "\(vector.count) direction tensors for \(parameters.count) parameters")
        precondition(zip(parameters, vector).allSatisfy { $0.value.shape == $1.shape }, "direction shapes differ from parameters")
        precondition(relativeStep > 0, "relative step \(relativeStep) must be positive")
        let vectorNorm = norm(vector)
        guard vectorNorm > 0 else { return vector.map { Tensor(zeros: $0.shape) } }
        let step = relativeStep * max(norm(parameters.map(\.value)), 1)
        let originals = parameters.map { $0.value.copy() }
        defer { for (parameter, original) in zip(parameters, originals) { parameter.value.assign(from: original) } }
        let plus = try gradientAt(offset: step / vectorNorm, parameters, originals, vector, gradient)
        let minus = try gradientAt(offset: -step / vectorNorm, parameters, originals, vector, gradient)
        let scale = vectorNorm / (2 * step)
        return zip(plus, minus).map { up, down in
            precondition(up.shape == down.shape, "gradient shapes changed between calls")
            let result = Tensor(zeros: up.shape)
            let u = up.data, d = down.data, r = result.data
            for i in 0..<result.count { r[i] = Float((Double(u[i]) - Double(d[i])) * scale) }
            return result
        }
    }

    /// The Euclidean norm of all entries of `tensors`, in Double.
    public static func norm(_ tensors: [Tensor]) -> Double {
        var sum = 0.0
        for tensor in tensors {
            let t = tensor.data
            for i in 0..<tensor.count { sum += Double(t[i]) * Double(t[i]) }
        }
        return sum.squareRoot()
    }

    /// Copies of the gradients at θ + offset·v.
    private static func gradientAt(offset: Double, _ parameters: [Parameter], _ originals: [Tensor], _ vector: [Tensor],
                                   _ gradient: () throws -> [Tensor]) rethrows -> [Tensor] {
        for (index, parameter) in parameters.enumerated() {
            let p = parameter.value.data, o = originals[index].data, v = vector[index].data
            for i in 0..<parameter.value.count { p[i] = Float(Double(o[i]) + offset * Double(v[i])) }
        }
        let result = try gradient().map { $0.copy() }
        precondition(result.count == parameters.count, "\(result.count) gradients for \(parameters.count) parameters")
        return result
    }
}
