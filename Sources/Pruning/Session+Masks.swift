import NN

/// Setting, reading and counting the masks of the session's prunable parameters.
extension Session {
    /// The prunable parameter named `name`, or `notPrunable`.
    public func prunableParameter(_ name: String) throws -> PrunableParameter {
        guard let index = prunableIndex[name] else {
            throw PruningError.notPrunable(parameter: name, prunable: prunable.map(\.name))
        }
        return prunable[index]
    }

    /// Sets the mask (0/1, the parameter's shape) of prunable parameter `name` and zeroes its pruned weights.
    /// Throws for a name outside the prunable set, a bad mask, or once the method has returned.
    public func setMask(_ mask: Tensor, for name: String) throws {
        guard !masksFrozen else { throw PruningError.masksFrozen(parameter: name) }
        let entry = try prunableParameter(name)
        try Mask.validate(mask, shape: entry.parameter.value.shape, parameter: name)
        entry.parameter.mask = mask.copy()
        entry.parameter.applyMask()
    }

    /// Sets several masks, in order.
    public func setMasks(_ masks: [(name: String, mask: Tensor)]) throws {
        for (name, mask) in masks { try setMask(mask, for: name) }
    }

    /// The masks set so far, in state-dict order (parameters without a mask are dense).
    public var masks: [(name: String, mask: Tensor)] {
        prunable.compactMap { entry in entry.parameter.mask.map { (entry.name, $0) } }
    }

    /// Entries of the prunable parameters that are not pruned by a mask.
    public var keptCount: Int {
        prunable.reduce(0) { $0 + ($1.parameter.mask.map(Mask.keptCount) ?? $1.count) }
    }

    /// The kept fraction of the prunable entries (1 when nothing is masked).
    public var density: Double {
        let total = prunableCount
        return total == 0 ? 1 : Double(keptCount) / Double(total)
    }
}
