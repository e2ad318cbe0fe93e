import Foundation
import NN

/// SynFlow (Tanaka, Kunin, Yamins & Ganguli, NeurIPS 2020): data-free iterative pruning at
/// initialisation by synaptic flow S = |θ ⊙ dR/dθ|, R = Σ outputs of the |θ|-network on an all-ones input.
///
/// Following `Pruners/pruners.py::SynFlow` and `prune.py::prune_loop`: per iteration k = 1…n every
/// parameter and buffer (biases, batch-norm γ/β, running statistics) is replaced by its absolute value,
/// a single all-ones input `[1, C, H, W]` runs forward in inference mode through the masked network,
/// R = Σ outputs is back-propagated, S = |θ ⊙ dR/dθ| is read for the prunable weights, and the state is
/// restored; then the global top d_k × N scores are kept with d_k = f^(k/n) (exponential schedule) or
/// 1 − (1 − f)·k/n (linear). Scores are recomputed from scratch with the current mask each iteration.
///
/// Choices: the state is restored from saved copies (bit-exact, equivalent to multiplying by the saved
/// signs); the scores are computed in Float, not Float64 — a non-finite R or score throws (a network
/// too deep for Float's range) rather than ranking garbage; entries already pruned rank below every live
/// entry, so the mask is monotone even where live scores are zero; each iteration keeps exactly
/// round(d_k × prunable) entries, ties by state-dict position; the classifier is not pruned unless
/// `pruneClassifier` (the paper includes it unless `dense_classifier`).
public struct SynFlow: ScoringMethod {
    /// How the kept fraction falls over the iterations.
    public enum Schedule: String, Codable, Sendable {
        /// d_k = f^(k/n) (the paper's default).
        case exponential
        /// d_k = 1 − (1 − f)·k/n.
        case linear
    }

    /// SynFlow's settings.
    public struct Configuration: MethodConfiguration {
        /// Score–prune rounds n (paper: 100).
        public var iterations = 100
        /// The density schedule over the rounds.
        public var schedule = Schedule.exponential
        /// Also prune the classifier's weights.
        public var pruneClassifier = false

        public init() {}
    }

    public static let name = "synflow"
    public static let category = MethodCategory.atInitialisation
    public static let card = "synflow.md"
    public static let summary = """
        SynFlow: data-free and at initialisation; for n = 100 rounds, make every parameter and buffer \
        non-negative, run an all-ones input, back-propagate R = Σ outputs, score S = |θ ⊙ dR/dθ|, restore \
        the signs, and keep the global top f^(k/n) of the prunable weights; then train the masked network \
        from its initialisation.
        """
    public static let startingPoint = StartingPoint.initialisation
    public static let targetTolerance = TargetTolerance.entries(1)

    public let configuration: Configuration

    public init(configuration: Configuration) { self.configuration = configuration }

    public var scope: PrunableScope { InitialisationScoring.scope(pruneClassifier: configuration.pruneClassifier) }

    /// The kept fraction after round `iteration` (1…`iterations`) for final keep fraction `final`.
    public static func density(iteration: Int, of iterations: Int, final: Double, schedule: Schedule) -> Double {
        let progress = Double(iteration) / Double(iterations)
        switch schedule {
        case .exponential: return pow(final, progress)
        case .linear: return 1 - (1 - final) * progress
        }
    }

    /// S = |θ ⊙ dR/dθ| of `parameters` on the |θ|-linearised `model` (all state made non-negative, all-ones
    /// input of batch 1, inference mode); the model's state and gradients are restored bit-exactly.
    /// Throws when R or a score is not finite.
    public static func scores(model: Model, parameters: [(name: String, parameter: Parameter)],
                              threads: Int = 1) throws -> [(name: String, scores: Tensor)] {
        let state = model.stateDict()
        let saved = state.map { $0.tensor.copy() }
        defer {
            for (entry, original) in zip(state, saved) { entry.tensor.assign(from: original) }
            model.zeroGradients()
        }
        for (_, tensor) in state {
            let t = tensor.data
            for i in 0..<tensor.count { t[i] = abs(t[i]) }
        }
        model.zeroGradients()
        let input = Tensor(shape: [1] + model.exampleShape, repeating: 1)
        let output = model.forward(input, context: ForwardContext(mode: .inference, threads: threads))
        guard output.values.allSatisfy(\.isFinite) else {
            throw PruningError.data(reason: "SynFlow: R = Σ outputs of the |θ| network is not finite in Float "
                + "for model \(model.architecture.name)")
        }
        model.backward(Tensor(shape: output.shape, repeating: 1))
        return try parameters.map { name, parameter in
            let scores = Tensor(zeros: parameter.value.shape)
            let w = parameter.value.data, g = parameter.gradient.data, s = scores.data
            for i in 0..<scores.count {
                s[i] = abs(w[i] * g[i])
                guard s[i].isFinite else { throw PruningError.data(reason: "SynFlow: score of '\(name)' is not finite") }
            }
            return (name, scores)
        }
    }

    /// One round's S = |θ ⊙ dR/dθ| of the prunable weights on the session's model as it stands (masked
    /// weights are zero, so their scores are 0); data-free.
    public func scores(_ session: Session) throws -> [(name: String, scores: Tensor)] {
        try Self.scores(model: session.model, parameters: session.prunable.map { (name: $0.name, parameter: $0.parameter) },
                        threads: session.threads)
    }

    public func run(_ session: Session) throws {
        guard configuration.iterations >= 1 else {
            throw PruningError.badConfiguration(method: Self.name, reason: "iterations must be ≥ 1, got \(configuration.iterations)")
        }
        let keepFraction = try session.keepFraction
        for iteration in 1...configuration.iterations {
            session.report("scoring", step: iteration, of: configuration.iterations)
            let density = Self.density(iteration: iteration, of: configuration.iterations, final: keepFraction,
                                       schedule: configuration.schedule)
            let count = Int((density * Double(session.prunableCount)).rounded())
            try session.setMasks(Self.nextMasks(try scores(session), masks: session.prunable.map(\.parameter.mask), count: count))
        }
    }

    /// One round's masks: the top `count` of `flow`, where entries the current `masks` prune rank below every
    /// live entry (even one whose flow is 0), so a pruned weight never comes back; ties by state-dict position.
    static func nextMasks(_ flow: [(name: String, scores: Tensor)], masks: [Tensor?], count: Int) -> [(name: String, mask: Tensor)] {
        for (entry, mask) in zip(flow, masks) {
            guard let mask else { continue }
            let s = entry.scores.data, m = mask.data
            for i in 0..<mask.count where m[i] == 0 { s[i] = -1 }
        }
        return Mask.keepingTop(flow, count: count)
    }
}
