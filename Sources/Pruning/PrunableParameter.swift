import NN

/// One parameter a method may mask: its state-dict name, the module it belongs to and its role there.
public struct PrunableParameter: @unchecked Sendable {
    /// What the parameter is to its layer.
    public enum Role: String, Sendable {
        case weight, bias
        case batchNormWeight = "batch-norm weight"
        case batchNormBias = "batch-norm bias"
    }

    /// The full state-dict name, e.g. `features.0.weight`.
    public let name: String
    /// The dotted path of the owning module, e.g. `features.0`.
    public let modulePath: String
    /// The owning module (a `Conv2d`, `Linear`, `BatchNorm2d` or `BatchNorm1d`).
    public let module: any Module
    /// What the parameter is to its module.
    public let role: Role
    /// The parameter itself (value, gradient, mask).
    public let parameter: Parameter

    /// The number of entries.
    public var count: Int { parameter.value.count }
}

extension PrunableParameter {
    /// The prunable parameters of `model` under `scope`, in state-dict order: weights (and biases when
    /// the scope says so) of every `Conv2d` and `Linear` except the classifier unless included, and
    /// batch-norm weights and biases when the scope includes them.
    public static func list(in model: Model, scope: PrunableScope) -> [PrunableParameter] {
        var result: [PrunableParameter] = []
        for (path, module) in model.modules {
            let isLayer = module is Conv2d || module is Linear
            let isNorm = module is BatchNorm2d || module is BatchNorm1d
            guard (isLayer && (scope.classifier || path != model.classifierPath)) || (isNorm && scope.batchNorm)
            else { continue }
            for (local, parameter) in module.localParameters {
                let role: Role
                switch (isLayer, local) {
                case (true, "weight"): role = .weight
                case (true, "bias") where scope.biases: role = .bias
                case (false, "weight"): role = .batchNormWeight
                case (false, "bias"): role = .batchNormBias
                default: continue
                }
                let name = path.isEmpty ? local : path + "." + local
                result.append(PrunableParameter(name: name, modulePath: path, module: module,
                                                role: role, parameter: parameter))
            }
        }
        return result
    }
}
