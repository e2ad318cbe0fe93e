import NN

/// What training and evaluation need from a network: a forward pass to logits `[N, classes]`,
/// the matching backward pass, and its named parameters (`Model` conforms).
public protocol Network: AnyObject {
    /// Logits `[N, classes]` for inputs `[N, C, H, W]`.
    func forward(_ input: Tensor, context: ForwardContext) -> Tensor
    /// Adds parameter gradients for the last training forward pass; returns dL/dinput.
    func backward(_ gradOutput: Tensor) -> Tensor
    /// Every learnable parameter with its `state_dict` name.
    var parameters: [(name: String, parameter: Parameter)] { get }
    /// Whether `backward` computes dL/dinput; training never needs it and switches it off.
    var computesInputGradient: Bool { get set }
}

extension Network {
    /// Networks without the switch always compute the input gradient.
    public var computesInputGradient: Bool {
        get { true }
        set {}
    }
}

extension Model: Network {}
