/// A conv or linear layer as a forward pass over one zero example meets it: where it sits, its weight,
/// and at how many output positions per example that weight is applied.
public struct WeightedLayerUse {
    /// The module's dotted path (`features.0`, `fc1`; empty for a root that is itself the layer).
    public let path: String
    /// `"conv2d"` or `"linear"`.
    public let kind: String
    /// The layer's weight (with its mask, if any).
    public let weight: Parameter
    /// Output positions per example: out_h·out_w for a conv, 1 for a linear layer.
    public let positions: Int

    /// Multiply-accumulates per example with every weight present: positions × weight entries, i.e.
    /// `out_h·out_w·out_c·(in_c/groups)·k·k` or `in·out`.
    public var denseMACs: Int { positions * weight.value.count }
}

/// The conv and linear layers of a network in forward order, found by one inference pass over a zero
/// example, so padding, stride, groups and removed channels are what the layers actually compute.
public enum WeightedLayers {
    /// The uses of every Conv2d and Linear below `root` for one input of shape `inputShape` (`[C, H, W]` or `[D]`).
    public static func uses(in root: any Module, inputShape: [Int], threads: Int = 1) -> [WeightedLayerUse] {
        var uses: [WeightedLayerUse] = []
        let observe = { (path: String, module: any Module, output: Tensor) in
            if let use = use(of: module, path: path, output: output) { uses.append(use) }
        }
        let context = ForwardContext(mode: .inference, observer: { event in
            observe(event.path, event.module, event.output)
        }, threads: threads, retainsActivations: false)
        let output = root.forward(Tensor(zeros: [1] + inputShape), context: context)
        observe("", root, output)
        return uses
    }

    /// The use of `module` given its output for one example, if it is a conv or linear layer.
    private static func use(of module: any Module, path: String, output: Tensor) -> WeightedLayerUse? {
        if let conv = module as? Conv2d {
            let positions = output.shape.count == 4 ? output.shape[2] * output.shape[3] : 0
            return WeightedLayerUse(path: path, kind: "conv2d", weight: conv.weight, positions: positions)
        }
        if let linear = module as? Linear {
            return WeightedLayerUse(path: path, kind: "linear", weight: linear.weight, positions: 1)
        }
        return nil
    }
}
