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
        var layers: [LayerMACs] = []
        let observe = { (path: String, module: any Module, output: Tensor) in
            if let layer = measure(module, path: path, output: output) { layers.append(layer) }
        }
        let context = ForwardContext(mode: .inference, observer: { event in
            observe(event.path, event.module, event.output)
        }, threads: threads)
        let output = root.forward(Tensor(zeros: [1] + inputShape), context: context)
        observe("", root, output)
        return MACCounts(layers: layers)
    }

    /// The MACs of `module` given its output for one sample, if it is a conv or linear layer.
    static func measure(_ module: any Module, path: String, output: Tensor) -> LayerMACs? {
        if let conv = module as? Conv2d {
            let positions = output.shape.count == 4 ? output.shape[2] * output.shape[3] : 0
            let perPosition = conv.outChannels * (conv.inChannels / conv.groups) * conv.kernelSize * conv.kernelSize
            return LayerMACs(path: path, kind: "conv2d", dense: positions * perPosition,
                             remaining: Double(positions * perPosition) * density(conv.weight.value))
        }
        if let linear = module as? Linear {
            let dense = linear.inFeatures * linear.outFeatures
            return LayerMACs(path: path, kind: "linear", dense: dense,
                             remaining: Double(dense) * density(linear.weight.value))
        }
        return nil
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
