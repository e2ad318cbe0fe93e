import NN

/// Counts the multiply-accumulates of a network's conv and linear layers from one forward pass.
public enum MACCounter {
    /// MACs per sample of every Conv2d and Linear below `root`, for one input of shape `[C, H, W]`
    /// (or `[D]`), in forward order.
    ///
    /// The output shapes come from a real inference pass over one zero sample, so padding, stride,
    /// groups and any physically removed channels are what the layers actually compute:
    /// conv = `out_h·out_w·out_c·(in_c/groups)·k·k`, linear = `in·out`. Remaining MACs scale each
    /// layer's dense MACs by its weight density (nonzero weights / weights), which for a conv is
    /// `out_h·out_w·(nonzero weights)`: unstructured masks and zeroed filters or rows count exactly.
    public static func count(_ root: any Module, inputShape: [Int], threads: Int = 1) -> MACCounts {
        MACCounts(layers: WeightedLayers.uses(in: root, inputShape: inputShape, threads: threads).map { use in
            LayerMACs(path: use.path, kind: use.kind, dense: use.denseMACs,
                      remaining: Double(use.denseMACs) * density(use.weight.value))
        })
    }

    /// Nonzero entries of `tensor` / its size.
    static func density(_ tensor: Tensor) -> Double {
        guard tensor.count > 0 else { return 0 }
        return Double(nonzeroCount(tensor)) / Double(tensor.count)
    }
}

/// How many entries of `tensor` are not zero.
func nonzeroCount(_ tensor: Tensor) -> Int {
    let data = tensor.data
    var count = 0
    for index in 0..<tensor.count where data[index] != 0 { count += 1 }
    return count
}

extension ParameterCounts {
    /// Counts over `parameters` (name, parameter); `prunable` names the ones a method may prune.
    public init(parameters: [(name: String, parameter: Parameter)], prunable: Set<String>) {
        var total = 0, nonzero = 0, prunableTotal = 0, prunableNonzero = 0
        for (name, parameter) in parameters {
            let size = parameter.value.count, alive = nonzeroCount(parameter.value)
            total += size
            nonzero += alive
            if prunable.contains(name) {
                prunableTotal += size
                prunableNonzero += alive
            }
        }
        self.init(total: total, nonzero: nonzero, prunable: prunableTotal, prunableNonzero: prunableNonzero)
    }
}
