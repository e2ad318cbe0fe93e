extension ModelZoo {
    /// A user-described stack of layers (`Architecture.layers`); the classifier is the last linear layer,
    /// whose output size defaults to `classes`, and the network must end in `[classes]` features.
    static func sequential(_ a: Architecture, random: inout SeededGenerator) throws -> Built {
        guard let specs = a.layers, !specs.isEmpty else {
            throw ModelError.invalidArchitecture("sequential: needs a non-empty \"layers\" list")
        }
        guard let classifierIndex = specs.lastIndex(where: { $0.type == .linear }) else {
            throw ModelError.invalidArchitecture("sequential: needs a linear layer as its classifier")
        }
        var b = try LayerBuilder(a)
        for (index, spec) in specs.enumerated() {
            let name = spec.name ?? "\(index)"
            try checkFields(spec, name: name, model: a.name)
            let out = spec.out ?? (index == classifierIndex ? a.classes : nil)
            switch spec.type {
            case .linear:
                guard let out else { throw b.error(name, "(linear) needs \"out\"") }
                try b.linear(name, out: out, bias: spec.bias ?? true, random: &random)
            case .conv2d:
                guard let out, let kernel = spec.kernel else {
                    throw b.error(name, "(conv2d) needs \"out\" and \"kernel\"")
                }
                try b.conv(name, out: out, kernel: kernel, stride: spec.stride ?? 1, padding: spec.padding ?? 0,
                           groups: spec.groups ?? 1, bias: spec.bias ?? true, random: &random)
            case .maxpool, .avgpool:
                try b.pool(name, kernel: spec.kernel ?? 2, stride: spec.stride, average: spec.type == .avgpool)
            case .globalavgpool: try b.globalAvgPool(name)
            case .batchnorm: try b.batchNorm(name)
            case .relu: try b.relu(name)
            case .dropout: try b.dropout(name, probability: spec.probability ?? 0.5)
            case .flatten: try b.flatten(name)
            }
        }
        guard b.shape == .flat(a.classes) else {
            throw ModelError.invalidArchitecture(
                "sequential: the network must end in [\(a.classes)] features (classes), but ends in \(b.shape)")
        }
        return (b.sequential(), specs[classifierIndex].name ?? "\(classifierIndex)")
    }

    /// Rejects fields a layer kind does not read (e.g. `kernel` on a linear layer).
    static func checkFields(_ spec: LayerSpec, name: String, model: String) throws {
        let allowed: Set<String> = switch spec.type {
        case .linear: ["out", "bias"]
        case .conv2d: ["out", "kernel", "stride", "padding", "groups", "bias"]
        case .maxpool, .avgpool: ["kernel", "stride"]
        case .dropout: ["probability"]
        case .relu, .globalavgpool, .batchnorm, .flatten: []
        }
        let given: [(String, Bool)] = [
            ("out", spec.out != nil), ("kernel", spec.kernel != nil), ("stride", spec.stride != nil),
            ("padding", spec.padding != nil), ("groups", spec.groups != nil), ("bias", spec.bias != nil),
            ("probability", spec.probability != nil),
        ]
        let extra = given.filter { $0.1 && !allowed.contains($0.0) }.map(\.0)
        guard extra.isEmpty else {
            throw ModelError.invalidArchitecture(
                "\(model): layer \"\(name)\" (\(spec.type.rawValue)) does not take \(extra.joined(separator: ", "))")
        }
    }
}
