import Foundation
import NN
import Training

/// How long a Scratch modifier trains the pruned architecture (Liu et al., ICLR 2019).
public protocol ScratchRule: Sendable {
    /// The registry name.
    static var name: String { get }
    /// One paragraph after the card.
    static var summary: String { get }
    /// Optimizer steps of the scratch training, given D (the steps standing for the dense model's
    /// training), the dense and pruned MACs per example and the optional cap on the FLOP ratio.
    static func steps(denseSteps: Int, denseMACs: Int, prunedMACs: Int, cap: Double?) -> Int
}

/// Settings of a Scratch modifier; `init()` gives the card's harness defaults.
public struct ScratchConfiguration<Rule: ScratchRule>: MethodConfiguration {
    /// The registered pruning method whose mask is kept.
    public var base = "global-magnitude"
    /// The base's configuration (a JSON object; empty = the base card's defaults).
    public var baseConfiguration: [String: EmbeddedJSON] = [:]
    /// D: optimizer steps standing for "the same number of epochs as the dense training"; nil = ⌊R/cap⌋,
    /// with R the budget left after the base (the largest D for which Scratch-B fits at any FLOP ratio).
    public var denseSteps: Int?
    /// Scratch-B's cap on the FLOP ratio, as a multiple of D (2: the ImageNet scripts' 180 of 90 epochs);
    /// nil = no cap (the CIFAR scripts), which then needs `denseSteps`.
    public var cap: Double? = 2
    /// The scratch training's recipe (the card: the dense training's optimizer and schedule); nil = the
    /// session's fine-tuning recipe. Its length is always the rule's step count.
    public var recipe: TrainingRecipe?

    public init() {}
}

/// Scratch-E / Scratch-B (card `rethinking-scratch.md`): run a base pruning method, keep its mask,
/// re-initialise every parameter from the run's seed (stream `"scratch"`: a fresh initialisation, not the
/// checkpoint's nor the at-initialisation methods' `"init"`; masks kept and applied) and train the masked
/// network from scratch with `recipe` (default: the session's), its schedule laid over the scratch steps (the
/// card's LR decays at 50 % and 75 % of the scaled epochs when the recipe is a step schedule).
///
/// Budget (R = the steps left after the base, D = `denseSteps` or ⌊R/cap⌋): Scratch-E trains D steps,
/// Scratch-B min(⌊D·F_full/F_pruned⌋, ⌊cap·D⌋) with F the conv/linear MACs per example counting only kept
/// weights (`MaskedMACs`). The scratch training runs inside `run` and the rest of R is forfeited
/// (`BudgetMeter.forfeit`), so the harness's fine-tuning phase trains nothing more and E and B differ only
/// by their rule. Steps beyond R throw `IterativePruningError.budget` before the scratch training (after
/// the base, which is where F_pruned becomes known; one-shot bases train nothing before). A base that
/// starts from initialisation gets the `"init"` model it expects, as its own session would give it.
/// No selection on data: accuracy after the last step (the official scripts report the best test epoch).
public struct ScratchTraining<Rule: ScratchRule>: PruningMethod {
    public typealias Configuration = ScratchConfiguration<Rule>
    public static var name: String { Rule.name }
    public static var category: MethodCategory { .modifier }
    public static var card: String { "rethinking-scratch.md" }
    public static var summary: String { Rule.summary }
    /// The default base's (`global-magnitude`): exact count.
    public static var targetTolerance: TargetTolerance { .entries(1) }
    /// The mask comes from the trained checkpoint, but the network trains from a fresh initialisation with
    /// the dense recipe: Liu et al. compare it with training from scratch, so it competes from initialisation.
    public static var tracks: [Track] { [.fromInitialisation] }

    public let configuration: Configuration

    public init(configuration: Configuration) { self.configuration = configuration }

    /// The base's scope (weights but the classifier when the base cannot be built).
    public var scope: PrunableScope { (try? baseMethod())?.scope ?? .weights }
    /// The base's: a structured base aims at speedups too, and Scratch trains its pruned architecture.
    public var supportedTargetKinds: [TargetKind] { (try? baseMethod())?.supportedTargetKinds ?? Self.targetKinds }
    /// The base's reason (network slimming needs batch norms, so Scratch-B over it does too).
    public func reasonNotApplicable(to model: Model) -> String? { (try? baseMethod())?.reasonNotApplicable(to: model) }

    /// The base method built from `base` and `baseConfiguration`.
    public func baseMethod() throws -> any PruningMethod {
        guard configuration.base != ScratchTraining<ScratchE>.name, configuration.base != ScratchTraining<ScratchB>.name
        else {
            throw PruningError.badConfiguration(method: Self.name, reason: "base '\(configuration.base)' is a "
                + "scratch modifier itself; expected a pruning method")
        }
        let json = try EmbeddedJSON.object(configuration.baseConfiguration).data()
        return try MethodRegistry.method(named: configuration.base, configuration: json)
    }

    /// What `prepare` decided.
    public struct Plan: Sendable, Equatable {
        /// D, the steps standing for the dense training.
        public let denseSteps: Int
        /// Dense and pruned MACs per example.
        public let denseMACs: Int, prunedMACs: Int
        /// Steps of the scratch training.
        public let steps: Int
        /// Steps left after the base; `steps` of them are trained, the rest forfeited.
        public let remaining: Int
    }

    /// Runs the base, plans the scratch training and re-initialises (masks kept); trains nothing more.
    public func prepare(_ session: Session) throws -> Plan {
        let base = try baseMethod()
        if let cap = configuration.cap, !(cap >= 1 && cap.isFinite) {
            throw PruningError.badConfiguration(method: Self.name, reason: "cap must be a finite number ≥ 1 or null, got \(cap)")
        }
        if let d = configuration.denseSteps, d < 0 {
            throw PruningError.badConfiguration(method: Self.name, reason: "denseSteps must be ≥ 0, got \(d)")
        }
        if type(of: base).startingPoint == .initialisation { try session.reinitialise() }
        try base.run(session)
        let remaining = session.budget.remaining
        let dense: Int
        if let d = configuration.denseSteps {
            dense = d
        } else if let cap = configuration.cap {
            dense = Int((Double(remaining) / cap).rounded(.down))
        } else {
            throw PruningError.badConfiguration(method: Self.name, reason: "with cap null, set denseSteps (D)")
        }
        let macs = MaskedMACs.count(session.model)
        guard macs.remaining > 0 || configuration.cap != nil else {
            throw PruningError.badConfiguration(method: Self.name, reason: "the base left no conv/linear MACs; "
                + "the FLOP ratio is infinite without a cap")
        }
        let steps = Rule.steps(denseSteps: dense, denseMACs: macs.dense, prunedMACs: macs.remaining,
                               cap: configuration.cap)
        guard steps <= remaining else {
            throw IterativePruningError.budget(
                method: Self.name, needed: steps, total: remaining,
                detail: "scratch training of D = \(dense) steps × FLOP ratio \(macs.dense)/\(macs.remaining), "
                    + "cap \(configuration.cap.map { "\($0)" } ?? "none"), after the base '\(configuration.base)'")
        }
        try session.reinitialise(purpose: "scratch")
        return Plan(denseSteps: dense, denseMACs: macs.dense, prunedMACs: macs.remaining, steps: steps,
                    remaining: remaining)
    }

    public func run(_ session: Session) throws {
        let plan = try prepare(session)
        session.report("\(Self.name): D = \(plan.denseSteps), training \(plan.steps) of \(plan.remaining) steps "
            + "(MACs \(plan.prunedMACs) of \(plan.denseMACs))")
        try session.train(steps: plan.steps, recipe: configuration.recipe, phase: "scratch training")
        session.budget.forfeit(plan.remaining - plan.steps)
    }
}
