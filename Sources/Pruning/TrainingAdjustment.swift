import NN
import Training

/// What a modifier changes in one `Session.train` call beyond its recipe: the network the trainer drives
/// and a per-step callback (ToST's ghost neurons and skip paths, annealed away during the call).
///
/// The network must hold every parameter of the session's model under the model's state-dict names
/// (it may add its own, e.g. ghost modules); masks, budget and determinism work unchanged. `afterStep`
/// runs after the masks are re-applied and before the caller's own `afterStep`.
public struct TrainingAdjustment {
    /// The network trained in place of the session's model (sharing the model's parameters).
    public var network: any Network
    /// Called after every optimizer step of the call.
    public var afterStep: ((StepInfo) -> Void)?

    /// An adjustment driving `network`, calling `afterStep` after every step.
    public init(network: any Network, afterStep: ((StepInfo) -> Void)? = nil) {
        self.network = network
        self.afterStep = afterStep
    }
}
