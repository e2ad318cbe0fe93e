import NN

/// A bit-exact copy of a session's model state (parameters, buffers) and masks, for rewinding.
public struct SessionSnapshot: @unchecked Sendable {
    /// Copies of every parameter and buffer, by state-dict name.
    public let state: [(name: String, tensor: Tensor)]
    /// Copies of the masks set at the time, by parameter name.
    public let masks: [String: Tensor]
}

/// Snapshots, rewinding and re-initialisation.
extension Session {
    /// Copies every parameter, buffer and mask (e.g. θ_k for lottery-ticket rewinding).
    public func snapshot() -> SessionSnapshot {
        var masks: [String: Tensor] = [:]
        for (name, mask) in self.masks { masks[name] = mask.copy() }
        return SessionSnapshot(state: model.stateDict().map { ($0.name, $0.tensor.copy()) }, masks: masks)
    }

    /// Restores parameters and buffers bit-exactly from `snapshot`; masks are restored too unless
    /// `keepingMasks`, in which case the current masks stay and are applied to the restored weights.
    public func restore(_ snapshot: SessionSnapshot, keepingMasks: Bool = false) throws {
        let current = model.stateDict()
        guard current.map(\.name) == snapshot.state.map(\.name) else {
            throw PruningError.snapshotMismatch(reason: "state names differ")
        }
        for (target, source) in zip(current, snapshot.state) {
            guard target.tensor.shape == source.tensor.shape else {
                throw PruningError.snapshotMismatch(
                    reason: "'\(target.name)' has shape \(target.tensor.shape), snapshot \(source.tensor.shape)")
            }
            target.tensor.assign(from: source.tensor)
        }
        if !keepingMasks {
            guard !masksFrozen else { throw PruningError.masksFrozen(parameter: "restore") }
            for entry in prunable { entry.parameter.mask = snapshot.masks[entry.name]?.copy() }
        }
        model.applyMasks()
    }

    /// Re-initialises every parameter and buffer from the architecture with the stream `purpose` of
    /// the run's seed (a fresh `Model` built with it), keeping the masks and applying them. The next
    /// `train` call starts from an initialisation (see `initialisationScale`).
    public func reinitialise(purpose: String = "init") throws {
        var random = random(purpose)
        let fresh = try Model(model.architecture, random: &random)
        let state = fresh.stateDict()
        let current = model.stateDict()
        guard current.map(\.name) == state.map(\.name) else {
            throw PruningError.snapshotMismatch(reason: "re-initialised model has other state names")
        }
        for (target, source) in zip(current, state) { target.tensor.assign(from: source.tensor) }
        model.applyMasks()
        weightsAreInitial = true
    }

    /// Multiplies the weights of every masked conv/linear weight tensor by √(N_l/n_l), N_l its entries and
    /// n_l its kept entries (no change for a dense or empty mask): the initialisation-scale correction of
    /// sparse-from-scratch training (`InitialisationScale.rescaled`).
    public func rescaleMaskedInitialisation() {
        for entry in prunable where entry.role == .weight {
            guard let mask = entry.parameter.mask else { continue }
            let m = mask.data
            var kept = 0
            for i in 0..<mask.count where m[i] != 0 { kept += 1 }
            guard kept > 0, kept < mask.count else { continue }
            let factor = Float((Double(mask.count) / Double(kept)).squareRoot())
            let w = entry.parameter.value.data
            for i in 0..<entry.parameter.value.count { w[i] *= factor }
        }
    }
}
