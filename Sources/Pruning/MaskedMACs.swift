import NN

/// Multiply-accumulates per example of a model's conv and linear layers, dense and under the masks.
///
/// conv = out_h·out_w·(kept weights), linear = kept weights, with output sizes from a real inference
/// pass over one zero example (so padding, stride and groups are the layers' own); biases, batch norm and
/// pooling are not counted (Liu et al.'s Scratch-B rule: "count only the non-zero weights").
public enum MaskedMACs {
    /// (dense, remaining) MACs of `model` for one example; kept weights are the mask's ones (all when unmasked).
    public static func count(_ model: Model) -> (dense: Int, remaining: Int) {
        var dense = 0, remaining = 0
        let context = ForwardContext(mode: .inference, observer: { event in
            let weight: Parameter, positions: Int
            if let conv = event.module as? Conv2d {
                weight = conv.weight
                positions = event.output.shape.count == 4 ? event.output.shape[2] * event.output.shape[3] : 0
            } else if let linear = event.module as? Linear {
                weight = linear.weight
                positions = 1
            } else {
                return
            }
            dense += positions * weight.value.count
            remaining += positions * (weight.mask.map(Mask.keptCount) ?? weight.value.count)
        })
        _ = model.forward(Tensor(zeros: [1] + model.exampleShape), context: context)
        return (dense, remaining)
    }
}
