import NN

/// Multiply-accumulates per example of a model's conv and linear layers, dense and under the masks.
///
/// conv = out_h·out_w·(kept weights), linear = kept weights, over the layers `WeightedLayers` finds (so
/// padding, stride and groups are the layers' own); biases, batch norm and pooling are not counted
/// (Liu et al.'s Scratch-B rule: "count only the non-zero weights").
public enum MaskedMACs {
    /// (dense, remaining) MACs of `model` for one example; kept weights are the mask's ones (all when unmasked).
    public static func count(_ model: Model) -> (dense: Int, remaining: Int) {
        WeightedLayers.uses(in: model.root, inputShape: model.exampleShape).reduce(into: (dense: 0, remaining: 0)) { sum, use in
            sum.dense += use.denseMACs
            sum.remaining += use.positions * (use.weight.mask.map(Mask.keptCount) ?? use.weight.value.count)
        }
    }
}
