import NN

/// A method's settings: `Codable` (suites and run descriptions carry it as JSON), and `init()` gives the card's defaults.
public protocol MethodConfiguration: Codable, Sendable, Equatable {
    /// The defaults of the method's card.
    init()
}

/// A pruning method: one struct per method in `Sources/Pruning/Methods/<Family>/`, listed once in `MethodRegistry`.
///
/// The contract: `run(_:)` prunes by setting masks through the session (`Session.setMask(_:for:)`; only
/// the parameters of `scope` are accepted) and may train through it (`Session.train(steps:recipe:hooks:)`,
/// charged to the run's budget before it starts). When `run` returns, the masks are frozen, the caller
/// records the "before fine-tuning" metrics, and the session spends whatever budget remains fine-tuning
/// with the masks fixed (`Session.execute(fineTuningHooks:beforeFineTuning:)`). A method sees the model
/// and its masks, the training split and the validation split it may select on (the session holds no
/// test split), per-step hooks, the budget meter, and random streams derived from the run's seed
/// (`Session.random(_:)`). Masks are applied to the weights when set, the optimizer masks gradients
/// and re-masks weights at every step, and the session re-applies them after every step, so pruned
/// weights stay exactly zero.
///
/// How each category of method (issue 4) maps onto this one shape:
/// - **One-shot** (ShrinkBench baselines, L1-filter): score the trained model (magnitudes, or
///   `Session.scoringBatch()` with `gradients(on:)` / `layerInputs(on:)`), `setMask` every prunable
///   tensor and return without training; the whole budget is fine-tuning.
/// - **Iterative with rewinding** (IMP / lottery tickets, SLR, NNrelief; Renda's FT, WR, LRR): optionally
///   `train(steps: k)` and keep `snapshot()` as the rewind point θ_k; then per round `train` a share of
///   `budget.remaining`, prune the survivors (`setMask`), and `restore(_:keepingMasks: true)` to rewind
///   weights and buffers while keeping the new mask (LRR keeps the weights and replays the schedule with
///   a fresh `train` call); the last round's retraining may be left to the fine-tuning phase. Every
///   round's training is charged, so the cycles divide one budget.
/// - **At initialisation** (SNIP, GraSP, SynFlow): `startingPoint = .initialisation`, so the session's
///   model is the architecture re-initialised from the run's seed (stream `"init"`); score at init, set
///   masks and return; fine-tuning is then the training of the masked network (such suites give a full
///   training budget).
/// - **Dynamic sparse** (SET, RigL, GaP, PLATON, SCL, sparse double descent; network slimming's sparsity
///   training): set the initial mask, then `train` with hooks: `afterBackward` sees the dense gradient of
///   the effective weights before the optimizer masks it (RigL's growth score) and may add regularisers
///   (slimming's λ·sign(γ)); `afterStep` drops and grows connections with `setMask` and resets the
///   optimizer state of grown weights through `Session.currentTrainer?.optimizer`. The mask is frozen
///   when `run` returns.
/// - **Structured** (L1-filter, DropNet, i-SpaSP, Hessian-guided, early-bird, slimming's channel pruning):
///   masks of whole rows/filters (`Mask.outputs`), the matching batch-norm channels (scope `batchNorm`)
///   and the next layer's input slices (`Mask.inputs`); metrics read the removed structure from the masks.
/// - **Low-rank** (LRPET): `train` with an `afterEpoch` or `afterStep` hook that projects each compressed
///   weight onto rank k (weights keep their shapes; no masks); the factorised parameter and MAC counts
///   follow from the ranks.
/// - **Modifiers** (SILO, AP, ToST, Scratch-E/B): the configuration names a base method and its
///   configuration JSON; `run` builds it with `MethodRegistry.method(named:configuration:)` (its `scope`
///   is the base's) and either runs it and then acts (Scratch-E/B: re-initialise keeping the masks and
///   train from scratch inside `run`, forfeiting the rest of the budget; ToST: after its base, install
///   `recipeAdjustment` (label smoothing) and `trainingAdjustment` (ghost neurons annealed away) for the
///   fine-tuning phase), or first sets `Session.recipeAdjustment` so every `train` call of the base gets a
///   modified recipe (SILO's per-cycle peak LR from `TrainingCall.density`), or drives the base's rounds
///   with its own selection step (AP on IMP; the SILO Oracle's per-cycle grid).
/// - **Controls** (`dense`): no masks; the whole budget is fine-tuning.
public protocol PruningMethod: Sendable {
    /// The method's settings with the card's defaults.
    associatedtype Configuration: MethodConfiguration

    /// The registry name, e.g. `global-magnitude`.
    static var name: String { get }
    /// The kind of method.
    static var category: MethodCategory { get }
    /// The method card's file name in `shared/methods/`, e.g. `shrinkbench-baselines.md`.
    static var card: String { get }
    /// One paragraph: what the method does, after its card.
    static var summary: String { get }
    /// Where the session's model starts (default: the trained checkpoint).
    static var startingPoint: StartingPoint { get }
    /// The tracks (protocols) the method competes in; default: `Track.default(for: startingPoint)`.
    static var tracks: [Track] { get }
    /// How closely the method's masks meet the compression target (see `TargetTolerance`).
    static var targetTolerance: TargetTolerance { get }
    /// The kinds of target the method can aim at (default: compression only).
    static var targetKinds: [TargetKind] { get }
    /// Why the method cannot prune `model` (it needs batch norms, or a plain chain of layers); `nil` when it
    /// can (the default). Suites skip the models a method does not apply to and say so.
    static func notApplicable(to model: Model) -> String?

    /// The settings this instance runs with.
    var configuration: Configuration { get }
    /// The parameters this instance may mask (default: weights of conv and linear layers but the classifier).
    var scope: PrunableScope { get }

    /// The kinds of target this instance can aim at (default: `targetKinds`; a modifier: its base's).
    var supportedTargetKinds: [TargetKind] { get }
    /// Why this instance cannot prune `model` (default: `notApplicable(to:)`; a modifier: its base's reason).
    func reasonNotApplicable(to model: Model) -> String?

    /// A method with these settings.
    init(configuration: Configuration)

    /// Prunes (and possibly trains) through `session`; the harness fine-tunes afterwards.
    func run(_ session: Session) throws
}

extension PruningMethod {
    public static var startingPoint: StartingPoint { .trained }
    public static var tracks: [Track] { [Track.default(for: startingPoint)] }
    public static var targetKinds: [TargetKind] { [.compression] }
    public static func notApplicable(to model: Model) -> String? { nil }
    public var scope: PrunableScope { .weights }
    public var supportedTargetKinds: [TargetKind] { Self.targetKinds }
    public func reasonNotApplicable(to model: Model) -> String? { Self.notApplicable(to: model) }

    /// A method with the card's default settings.
    public init() { self.init(configuration: Configuration()) }
}
