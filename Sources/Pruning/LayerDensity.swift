/// How a sparse-training method spreads the kept weights over the prunable tensors.
public enum LayerDensity: String, Codable, Sendable, CaseIterable {
    /// Every tensor keeps N − ⌊(1 − f)·N⌋ (gap.md: n_zero = floor(s·N_l)).
    case uniform
    /// Erdős–Rényi-Kernel (RigL, Evci et al. 2020): density_l = ε·(Σ dims)/(Π dims) of the tensor's shape,
    /// ε chosen so the total keeps f of all entries; a tensor whose density would exceed 1 is kept dense
    /// and ε is solved again over the rest (RigL's `sparse_utils.get_sparsities`).
    case erk

    /// Kept entries per tensor of `shapes` at overall keep fraction `keepFraction`. ERK counts are
    /// rounded to the nearest integer per tensor (within half a weight of its share).
    public func keptCounts(shapes: [[Int]], keepFraction f: Double) -> [Int] {
        let sizes = shapes.map { $0.reduce(1, *) }
        switch self {
        case .uniform:
            return sizes.map { $0 - Int(((1 - f) * Double($0)).rounded(.down)) }
        case .erk:
            let raw = shapes.map { shape in Double(shape.reduce(0, +)) / Double(max(shape.reduce(1, *), 1)) }
            let target = f * Double(sizes.reduce(0, +))
            var dense = Set<Int>()
            while true {
                let denseCount = dense.reduce(0.0) { $0 + Double(sizes[$1]) }
                let weighted = sizes.indices.filter { !dense.contains($0) }.reduce(0.0) { $0 + raw[$1] * Double(sizes[$1]) }
                let epsilon = weighted > 0 ? max(target - denseCount, 0) / weighted : 0
                let saturated = sizes.indices.filter { !dense.contains($0) && epsilon * raw[$0] > 1 }
                if saturated.isEmpty {
                    return sizes.indices.map { i in
                        dense.contains(i) ? sizes[i] : min(sizes[i], Int((epsilon * raw[i] * Double(sizes[i])).rounded()))
                    }
                }
                dense.formUnion(saturated)
            }
        }
    }
}
