import Foundation
import NN
import Training

/// ToST, the sparse training toolkit (Jaiswal et al., ICML 2022; card `tost.md`): a training recipe for
/// any mask chosen at initialisation. The base method (`base`, default `snip`, configured by
/// `baseConfiguration`) picks the mask; ToST then re-scales the masked initialisation (LRsI, GradInit),
/// trains with ghost soft neurons and ghost skip paths annealed away, and uses label smoothing.
///
/// Budget: the session's budget B is the whole training from initialisation. The base runs first (an
/// at-initialisation base spends nothing; a lottery-ticket base spends its rounds); ToST then installs
/// `Session.recipeAdjustment` (label smoothing) and `Session.trainingAdjustment` (the `GhostNetwork` and
/// its per-step annealing), so the harness's fine-tuning phase, which trains the masked network for the
/// rest of B, is ToST's training. The ghosts' clock is that call's steps S: λ = α = 1 for the first
/// E = ⌊`ghostFraction`·S⌋ steps, then linearly to 0 at step 2E; from then on the trainer runs the
/// model's own modules, and the ghosts (parameters and batch-norm statistics) are never part of the
/// model, which stays the plain architecture (tested bit for bit).
///
/// Choices where the card is uncertain (its schedules are marked unverified):
/// - One clock for both ghosts, E_g = 10 % of the training steps, linear decay over E_g (card's proposal);
///   "keep Swish to the end" is not offered, since the evaluated model must be the plain architecture.
/// - Ghost activation Swish x·σ(βx), β = `swishBeta` (1: SiLU), blended with ReLU by λ.
/// - Ghost skip paths (1×1 conv at 1e-4 + BN, dense, never masked): two per residual block as in
///   `resnet_modified`; in plain chains one around every conv that keeps the spatial size, ending after
///   its batch norm (the pre-activation). Linear layers get none (card: conv layers only).
/// - Label smoothing in ToST's form (1 − ε on the true class, ε/(C − 1) on the others), ε = 0.1 for the
///   whole training, realised as the engine's ε' = ε·C/(C − 1); the option to anneal ε is not offered.
/// - LRsI after the mask (paper's intent), with the README's GradInit settings (`LayerRescaledInit`);
///   the code order (GradInit on the dense init, then the mask) is not offered. The classifier keeps its
///   initialisation unless `gradInit.rescaleClassifier` (harness rule: untouched unless asked).
/// - The base must start from initialisation (`startingPoint = .initialisation`); its masks are
///   ToST's (same seed, same mask). The target tolerance is per tensor, to hold for layer-wise bases.
public struct ToST: PruningMethod {
    /// ToST's settings.
    public struct Configuration: MethodConfiguration {
        /// The registered method that picks the mask (must start from initialisation).
        public var base = "snip"
        /// The base's configuration JSON (`{}`: its defaults).
        public var baseConfiguration = EmbeddedJSON.empty
        /// Ghost soft neurons (trick 1).
        public var softActivations = true
        /// Ghost skip paths (trick 2).
        public var skipPaths = true
        /// β of the ghost Swish.
        public var swishBeta: Float = 1
        /// E_g as a fraction of the training steps: ghosts at full strength for E_g, gone at 2·E_g.
        public var ghostFraction = 0.1
        /// ε of ToST's label smoothing (0: plain cross-entropy).
        public var labelSmoothing = 0.1
        /// Run LRsI (trick 3) on the masked initialisation.
        public var rescaleInitialisation = true
        /// LRsI's GradInit settings.
        public var gradInit = GradInitSettings()

        public init() {}
    }

    public static let name = "tost"
    public static let category = MethodCategory.modifier
    public static let card = "tost.md"
    public static let summary = """
        ToST: a base method (default snip) picks the mask at initialisation; ToST re-scales each masked \
        tensor by GradInit (LRsI), then the masked network trains with ghost Swish neurons and ghost 1×1 \
        skip paths annealed to zero over the first 20 % of the steps (then removed: the model is the plain \
        architecture) and label smoothing ε = 0.1.
        """
    public static let startingPoint = StartingPoint.initialisation
    public static let targetTolerance = TargetTolerance.entriesPerTensor(1)

    public let configuration: Configuration
    private let base: Result<any PruningMethod, PruningError>

    public init(configuration: Configuration) {
        self.configuration = configuration
        base = Result { () throws(PruningError) -> any PruningMethod in try Self.base(configuration) }
    }

    /// The base's scope (weights only when the base cannot be built; `run` then throws).
    public var scope: PrunableScope {
        if case .success(let method) = base { return method.scope }
        return .weights
    }

    /// The base method configured by `configuration`, or an error naming ToST and the field.
    static func base(_ configuration: Configuration) throws(PruningError) -> any PruningMethod {
        guard configuration.base != name else {
            throw PruningError.badConfiguration(method: name, reason: "field 'base': ToST cannot wrap itself")
        }
        let method: any PruningMethod
        do {
            method = try MethodRegistry.method(named: configuration.base, configuration: configuration.baseConfiguration.data())
        } catch {
            throw PruningError.badConfiguration(method: name, reason: "field 'base' / 'baseConfiguration': \(error)")
        }
        guard type(of: method).startingPoint == .initialisation else {
            throw PruningError.badConfiguration(
                method: name, reason: "field 'base': expected a method that starts from initialisation; "
                    + "'\(configuration.base)' starts from the trained checkpoint")
        }
        return method
    }

    /// PyTorch's smoothing ε' = ε·C/(C − 1), which gives ToST's targets 1 − ε and ε/(C − 1).
    public static func engineSmoothing(_ epsilon: Double, classes: Int) -> Float {
        classes > 1 ? Float(epsilon * Double(classes) / Double(classes - 1)) : 0
    }

    /// λ = α at step `t` (0-based, the step about to be taken) of a call with ghost length `e`.
    public static func ghostStrength(step t: Int, length e: Int) -> Float {
        if t < e { return 1 }
        if t >= 2 * e { return 0 }
        return Float(1 - Double(t - e) / Double(e))
    }

    public func run(_ session: Session) throws {
        let base = try self.base.get()
        try validate(classes: session.model.architecture.classes)
        try LayerRescaledInit.validate(configuration.gradInit, method: Self.name)
        try base.run(session)
        if configuration.rescaleInitialisation {
            try LayerRescaledInit.run(session, settings: configuration.gradInit, method: Self.name)
        }
        let smoothing = Self.engineSmoothing(configuration.labelSmoothing, classes: session.model.architecture.classes)
        let previousRecipe = session.recipeAdjustment
        session.recipeAdjustment = { recipe, call in
            var recipe = previousRecipe?(recipe, call) ?? recipe
            recipe.labelSmoothing = smoothing
            return recipe
        }
        let options = GhostOptions(softActivations: configuration.softActivations, skipPaths: configuration.skipPaths,
                                   beta: configuration.swishBeta)
        let fraction = configuration.ghostFraction
        // Stored on the session and called only by it: `unowned` avoids a retain cycle.
        session.trainingAdjustment = { [unowned session] call in
            let network = GhostNetwork(model: session.model, options: options)
            let length = Int(fraction * Double(call.steps))
            let start = Self.ghostStrength(step: 0, length: length)
            network.anneal(lambda: start, alpha: start)
            session.report("tost ghosts for \(2 * length) of \(call.steps) steps")
            return TrainingAdjustment(network: network) { info in
                let strength = Self.ghostStrength(step: info.step + 1, length: length)
                network.anneal(lambda: strength, alpha: strength)
                if strength == 0 && info.step + 1 == 2 * length { session.report("tost ghosts removed after step \(info.step + 1)") }
            }
        }
    }

    /// Throws naming the field for settings outside their range.
    private func validate(classes: Int) throws {
        let c = configuration
        let maximum = Double(classes - 1) / Double(classes)
        let checks: [(Bool, String)] = [
            (c.ghostFraction >= 0 && c.ghostFraction <= 0.5, "ghostFraction': expected a value in [0, 0.5], got \(c.ghostFraction)"),
            (c.labelSmoothing >= 0 && c.labelSmoothing <= maximum,
             "labelSmoothing': expected a value in [0, (C − 1)/C = \(maximum)], got \(c.labelSmoothing)"),
            (c.swishBeta > 0, "swishBeta': expected > 0, got \(c.swishBeta)"),
        ]
        if let failed = checks.first(where: { !$0.0 }) {
            throw PruningError.badConfiguration(method: Self.name, reason: "field '\(failed.1)")
        }
    }
}
