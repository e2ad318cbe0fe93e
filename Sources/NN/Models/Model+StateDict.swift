extension Module {
    /// Parameters and buffers in PyTorch `state_dict` order: per module its own parameters, its own
    /// buffers, then each child's entries, depth first.
    func stateEntries(prefix: String = "") -> [(name: String, tensor: Tensor)] {
        var result = localParameters.map { (name: prefix + $0.name, tensor: $0.parameter.value) }
        result += localBuffers.map { (name: prefix + $0.name, tensor: $0.tensor) }
        for child in children {
            result += child.module.stateEntries(prefix: prefix + child.name + ".")
        }
        return result
    }
}

extension Model {
    /// Every parameter and buffer by full name, in exactly PyTorch's `state_dict()` order.
    ///
    /// The tensors are the model's own storage (not copies): writing them changes the model.
    public func stateDict() -> [(name: String, tensor: Tensor)] {
        root.stateEntries()
    }

    /// Compares a state dict with this model's keys and shapes without changing anything.
    ///
    /// A one-element tensor of shape `[]` or `[1]` matches a scalar buffer of either shape
    /// (`num_batches_tracked` is a 0-d tensor in PyTorch; some writers store it as `[1]`).
    public func mismatch(of stateDict: [String: Tensor]) -> StateDictMismatch {
        let expected = self.stateDict()
        var missing: [String] = []
        var misshaped: [StateDictMismatch.Misshaped] = []
        for (name, tensor) in expected {
            guard let given = stateDict[name] else {
                missing.append(name)
                continue
            }
            if !Self.shapesMatch(tensor.shape, given.shape) {
                misshaped.append(.init(name: name, expected: tensor.shape, found: given.shape))
            }
        }
        let known = Set(expected.map(\.name))
        let unexpected = stateDict.keys.filter { !known.contains($0) }.sorted()
        return StateDictMismatch(model: architecture.name, missing: missing, unexpected: unexpected,
                                 misshaped: misshaped)
    }

    /// Copies every parameter and buffer from `stateDict`, keyed by full PyTorch name.
    ///
    /// Checks every key first and changes nothing unless all match: throws
    /// `ModelError.stateDictMismatch` listing every missing, unexpected and mis-shaped key in full.
    public func load(stateDict: [String: Tensor]) throws {
        let problems = mismatch(of: stateDict)
        guard problems.isEmpty else { throw ModelError.stateDictMismatch(problems) }
        for name in stateDict.keys.sorted() {
            let tensor = stateDict[name]!
            if let index = tensor.firstNonFiniteIndex {
                throw ModelError.nonFiniteValue(tensor: name, index: index, value: tensor.data[index])
            }
        }
        for (name, tensor) in self.stateDict() {
            if let given = stateDict[name] { tensor.assign(from: given) }
        }
    }

    /// Loads an ordered state dict (as a checkpoint reader returns it); duplicate names are unexpected.
    public func load(stateDict entries: [(name: String, tensor: Tensor)]) throws {
        var dictionary: [String: Tensor] = [:]
        var duplicates: [String] = []
        for (name, tensor) in entries {
            if dictionary.updateValue(tensor, forKey: name) != nil { duplicates.append(name + " (duplicate)") }
        }
        let problems = mismatch(of: dictionary)
        guard problems.isEmpty, duplicates.isEmpty else {
            throw ModelError.stateDictMismatch(StateDictMismatch(
                model: problems.model, missing: problems.missing,
                unexpected: (problems.unexpected + duplicates).sorted(), misshaped: problems.misshaped))
        }
        try load(stateDict: dictionary)
    }

    static func shapesMatch(_ a: [Int], _ b: [Int]) -> Bool {
        if a == b { return true }
        return a.count <= 1 && b.count <= 1 && a.reduce(1, *) == 1 && b.reduce(1, *) == 1
    }
}
