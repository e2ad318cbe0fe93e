/// A module with the R-operator of its forward and backward passes: their derivatives
/// R{·} = d/dr (·)(θ + r·v) at r = 0 along a parameter direction v (Pearlmutter 1994, "Fast exact
/// multiplication by the Hessian"), from which `HessianVectorProduct` builds Hv by forward-over-reverse
/// differentiation.
///
/// Both passes follow a forward pass that kept its activations and use what it recorded: the input,
/// ReLU's active set, max-pool's arg-maxima, dropout's mask and batch norm's statistics. Those choices are
/// held fixed, as autograd holds them (ReLU and max-pool have zero second derivative almost everywhere).
public protocol TangentModule: Module {
    /// R{y} of the last forward pass given R{x} (the input's derivative, shaped like the input).
    func forwardTangent(_ inputTangent: Tensor, context: TangentContext) throws -> Tensor
    /// The backward pass for `gradOutput` (adding dL/dθ as `backward` does) together with its derivative for
    /// R{dL/dy} `gradOutputTangent`: adds R{dL/dθ} into `context.product(of:)` and returns dL/dx and R{dL/dx}.
    func backwardTangent(_ gradOutput: Tensor, _ gradOutputTangent: Tensor,
                         context: TangentContext) throws -> (gradient: Tensor, tangent: Tensor)
}

/// Why an exact Hessian–vector product cannot be computed.
public enum TangentError: Error, Equatable, CustomStringConvertible {
    /// A module on the path has no R-operator (it does not conform to `TangentModule`).
    case unsupportedModule(path: String, type: String)
    /// A module is in a state its R-operator does not cover (e.g. an active ghost component).
    case unsupportedState(String)

    public var description: String {
        switch self {
        case let .unsupportedModule(path, type):
            "no exact Hessian–vector product through \(type) at '\(path.isEmpty ? "<root>" : path)': "
                + "it has no R-operator (TangentModule)"
        case let .unsupportedState(text): "no exact Hessian–vector product: \(text)"
        }
    }
}

/// One Hessian–vector product in progress: the parameter direction v, the products R{dL/dθ} being
/// accumulated, and what modules keep between their forward and backward tangent passes.
public final class TangentContext {
    private let directions: [ObjectIdentifier: Tensor]
    private let products: [ObjectIdentifier: Tensor]
    private var scratch: [ObjectIdentifier: Tensor] = [:]
    private var saved: [ObjectIdentifier: [Tensor]] = [:]

    /// A product along `directions` (v per parameter; parameters not listed have v = 0) that accumulates
    /// R{dL/dθ} for the parameters in `products`.
    public init(directions: [(parameter: Parameter, direction: Tensor)], products: [Parameter]) {
        var byParameter: [ObjectIdentifier: Tensor] = [:]
        for (parameter, direction) in directions {
            precondition(direction.shape == parameter.value.shape,
                         "direction \(direction.shape) for a parameter of shape \(parameter.value.shape)")
            byParameter[ObjectIdentifier(parameter)] = direction
        }
        self.directions = byParameter
        self.products = Dictionary(products.map { (ObjectIdentifier($0), Tensor(zeros: $0.value.shape)) },
                                   uniquingKeysWith: { first, _ in first })
    }

    /// v for `parameter`, or nil where v is zero.
    public func direction(of parameter: Parameter) -> Tensor? { directions[ObjectIdentifier(parameter)] }

    /// Where R{dL/dθ} of `parameter` accumulates: its product when one was asked for, else a scratch tensor
    /// (both live as long as the context, so kernels may write through their pointers).
    public func product(of parameter: Parameter) -> Tensor {
        let key = ObjectIdentifier(parameter)
        if let product = products[key] { return product }
        if let tensor = scratch[key] { return tensor }
        let tensor = Tensor(zeros: parameter.value.shape)
        scratch[key] = tensor
        return tensor
    }

    /// Keeps `tensors` for `module`'s backward tangent pass.
    public func save(_ tensors: [Tensor], for module: AnyObject) { saved[ObjectIdentifier(module)] = tensors }

    /// What `module` kept in its forward tangent pass.
    public func saved(for module: AnyObject) -> [Tensor] {
        guard let tensors = saved[ObjectIdentifier(module)] else {
            preconditionFailure("\(type(of: module)): backward tangent pass before its forward tangent pass")
        }
        return tensors
    }

    /// `module` as a `TangentModule`, or `TangentError.unsupportedModule` naming `path`.
    public func tangentModule(_ module: any Module, path: String) throws -> any TangentModule {
        guard let tangent = module as? any TangentModule else {
            throw TangentError.unsupportedModule(path: path, type: String(describing: type(of: module)))
        }
        return tangent
    }
}
