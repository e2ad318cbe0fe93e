/// Exact Hessian–vector products Hv of the mean softmax cross-entropy over a batch, by the R-operator
/// (Pearlmutter 1994): Hv = R{∇_θ L} = d/dr ∇_θ L(θ + r·v) at r = 0, forward-over-reverse.
///
/// One forward pass, its R-operator (R{y} per layer), the loss's (R{dL/dz} = (p ⊙ (R{z} − ⟨p, R{z}⟩))/n),
/// then the backward pass and its R-operator together (R{dL/dθ} per layer). Exact up to float rounding,
/// with ReLU's active set, max-pool's arg-maxima and dropout's mask held fixed as autograd holds them, so
/// it equals PyTorch's double backward (`grad` of `g·v` with `create_graph=True`). Costs about three gradients.
public enum HessianVectorProduct {
    /// Hv for the parameters `parameters` (v = `vector`, one tensor per parameter; every other parameter is
    /// held fixed) of the mean loss of `logits / temperature` on `inputs` and `labels`, with the modules
    /// below `root` run in `context`'s mode (batch norm on batch statistics in training, its running
    /// statistics in inference; dropout draws one mask from `context.random` in training and keeps it).
    ///
    /// Throws `TangentError` when a module below `root` has no R-operator. Parameter gradients below
    /// `root` are zero afterwards; in training mode batch norm updates its running statistics once, as a
    /// training forward pass does. Masks are not applied: mask v and the result where that is wanted.
    public static func compute(root: any Module, inputs: Tensor, labels: [Int32], parameters: [Parameter],
                               vector: [Tensor], context: ForwardContext, temperature: Float = 1,
                               loss: SoftmaxCrossEntropy = SoftmaxCrossEntropy()) throws -> [Tensor] {
        precondition(parameters.count == vector.count, "\(vector.count) direction tensors for \(parameters.count) parameters")
        precondition(temperature > 0, "temperature \(temperature) must be positive")
        precondition(context.retainsActivations, "a Hessian–vector product needs the forward pass's activations")
        let network = try validated(root)
        let tangents = TangentContext(directions: Array(zip(parameters, vector)), products: parameters)
        defer { for (_, parameter) in root.namedParameters() { parameter.zeroGradient() } }

        let logits = network.forward(inputs, context: context)
        let logitsTangent = try network.forwardTangent(Tensor(zeros: inputs.shape), context: tangents)
        let scaled = scaledCopy(logits, 1 / temperature)
        let gradient = scaledCopy(loss(logits: scaled, labels: labels).gradient, 1 / temperature)
        let gradientTangent = scaledCopy(
            loss.gradientTangent(logits: scaled, logitsTangent: scaledCopy(logitsTangent, 1 / temperature)),
            1 / temperature)
        _ = try network.backwardTangent(gradient, gradientTangent, context: tangents)
        return parameters.map { tangents.product(of: $0) }
    }

    /// `root` as a `TangentModule` once every module below it is one; the error names the first that is not.
    static func validated(_ root: any Module) throws -> any TangentModule {
        for (path, module) in root.namedModules() where !(module is any TangentModule) {
            throw TangentError.unsupportedModule(path: path, type: String(describing: type(of: module)))
        }
        guard let network = root as? any TangentModule else { preconditionFailure("validated root") }
        return network
    }

    /// `x · a` as a new tensor.
    private static func scaledCopy(_ x: Tensor, _ a: Float) -> Tensor {
        let y = Tensor.output(x.shape)
        let xp = x.data, yp = y.data
        for i in 0..<x.count { yp[i] = xp[i] * a }
        return y
    }
}
