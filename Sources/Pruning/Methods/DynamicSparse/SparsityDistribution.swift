import NN

/// How a dynamic-sparse method spreads the overall keep fraction over the prunable layers (RigL
/// `sparse_utils.py`; Mocanu et al. 2018 for ER).
///
/// - `uniform`: every layer keeps f.
/// - `erdosRenyi` (ER): layer l keeps density min(1, ε·(n_in + n_out)/(n_in·n_out)), n_in and n_out the
///   input and output channels (a conv kernel's spatial size is ignored: "per kernel slice", the usual
///   extension of SET's ER to conv layers).
/// - `erdosRenyiKernel` (ERK): density min(1, ε·Σ shape / Π shape) over all kernel dimensions (for a linear
///   layer the same as ER).
///
/// ε is solved so the kept entries total f·N over the layers. A layer whose density ε·r_l would exceed 1
/// is made dense and counted in the budget, and ε is solved again (RigL marks the layer with the largest
/// r_l dense per round; repeat until every density ≤ 1). Dense layers take no part in drop/grow.
public enum SparsityDistribution: String, Codable, Sendable, CaseIterable {
    case uniform
    case erdosRenyi = "erdos-renyi"
    case erdosRenyiKernel = "erdos-renyi-kernel"

    /// The raw ER/ERK score r_l of a weight of PyTorch shape `[out, in, kh, kw]` or `[out, in]` (1 for uniform).
    public func raw(shape: [Int]) -> Double {
        let n = Double(shape.reduce(1, *))
        switch self {
        case .uniform:
            return 1
        case .erdosRenyi:
            guard shape.count >= 2 else { return Double(shape.reduce(0, +)) / n }
            let out = Double(shape[0]), inputs = Double(shape[1])
            return (inputs + out) / (inputs * out)
        case .erdosRenyiKernel:
            return Double(shape.reduce(0, +)) / n
        }
    }

    /// The per-layer densities and ε for weights of `shapes` at overall keep fraction `keepFraction`
    /// (uniform: ε = f, every density f). Throws unless f is in (0, 1].
    public func densities(shapes: [[Int]], keepFraction: Double) throws -> (densities: [Double], epsilon: Double) {
        guard keepFraction > 0, keepFraction <= 1 else {
            throw PruningError.data(reason: "sparsity distribution \(rawValue): keep fraction \(keepFraction) not in (0, 1]")
        }
        let sizes = shapes.map { Double($0.reduce(1, *)) }
        let raws = shapes.map { raw(shape: $0) }
        if self == .uniform { return (Array(repeating: keepFraction, count: shapes.count), keepFraction) }
        let target = keepFraction * sizes.reduce(0, +)
        var dense = Set<Int>()
        while true {
            let sparse = shapes.indices.filter { !dense.contains($0) }
            let denseCount = dense.reduce(0.0) { $0 + sizes[$1] }
            let denominator = sparse.reduce(0.0) { $0 + raws[$1] * sizes[$1] }
            guard denominator > 0 else { return (shapes.indices.map { _ in 1 }, .infinity) }
            let epsilon = (target - denseCount) / denominator
            let largest = sparse.max { raws[$0] < raws[$1] }
            if let largest, epsilon * raws[largest] > 1 {
                for l in sparse where raws[l] == raws[largest] { dense.insert(l) }
                continue
            }
            return (shapes.indices.map { dense.contains($0) ? 1 : min(1, epsilon * raws[$0]) }, epsilon)
        }
    }

    /// Kept entries per layer: exactly round(f·N) in total, each layer within one entry of density_l·N_l
    /// (floors, then one more entry to the layers with the largest fractional parts, earlier layer first
    /// on ties). Dense layers keep everything.
    public func keptCounts(shapes: [[Int]], keepFraction: Double) throws -> [Int] {
        let sizes = shapes.map { $0.reduce(1, *) }
        let ideal = try zip(densities(shapes: shapes, keepFraction: keepFraction).densities, sizes)
            .map { min(Double($1), $0 * Double($1)) }
        var counts = ideal.map { Int($0.rounded(.down)) }
        let total = Int((keepFraction * Double(sizes.reduce(0, +))).rounded())
        let order = ideal.indices.sorted {
            let a = ideal[$0] - Double(counts[$0]), b = ideal[$1] - Double(counts[$1])
            return a > b || (a == b && $0 < $1)
        }
        var missing = total - counts.reduce(0, +)
        for l in order where missing > 0 && counts[l] < sizes[l] {
            counts[l] += 1
            missing -= 1
        }
        return counts
    }

    /// Uniformly random masks with exactly `counts[l]` kept entries per tensor of `shapes` (one
    /// permutation per tensor from `random`).
    public static func randomMasks(shapes: [[Int]], counts: [Int], random: inout SeededGenerator) -> [Tensor] {
        zip(shapes, counts).map { shape, count in
            let mask = Tensor(zeros: shape)
            let m = mask.data
            for index in random.permutation(mask.count).prefix(count) { m[index] = 1 }
            return mask
        }
    }
}
