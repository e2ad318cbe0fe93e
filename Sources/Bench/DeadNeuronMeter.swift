import NN

/// The dynamic dead-neuron rate of ReLU layers (ap.md): for each training step t,
/// `DNR_t = (1 / (|B_t|·N)) Σ_x Σ_j [z_j(x) ≤ 0]` over the step's batch and all N ReLU units (every
/// output element of a ReLU counts as a unit; `z ≤ 0` exactly when the ReLU's output is 0), and
/// the dynamic DNR is the mean of `DNR_t` over the steps observed.
///
/// Feed it every forward event of a step (`observe`) and close the step with `endStep()`.
/// Only `ReLU` modules count (a `Residual` block's built-in activation is not a module and is not
/// seen).
public final class DeadNeuronMeter {
    private var dead = 0
    private var units = 0
    private var rates: [Double] = []

    /// An empty meter.
    public init() {}

    /// Counts the zero outputs of `event` if it comes from a ReLU.
    public func observe(_ event: ForwardEvent) {
        guard event.module is ReLU else { return }
        dead += event.output.count - nonzeroCount(event.output)
        units += event.output.count
    }

    /// Closes the current step: records its rate if any ReLU output was seen.
    public func endStep() {
        if units > 0 { rates.append(Double(dead) / Double(units)) }
        dead = 0
        units = 0
    }

    /// How many steps have been recorded.
    public var steps: Int { rates.count }

    /// The mean of the recorded steps' rates, or `nil` when none was recorded.
    public var rate: Double? { rates.isEmpty ? nil : rates.reduce(0, +) / Double(rates.count) }
}
