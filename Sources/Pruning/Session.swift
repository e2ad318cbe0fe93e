import Data
import NN
import Training

/// One run of one pruning method: the model and its masks, the data a method may use (the training
/// split and the checkpoint's validation holdout — never the test split), the budget, seeds and
/// fine-tuning recipe.
///
/// Build it, call `execute(beforeFineTuning:)`: the method prunes (and may train) through the session,
/// the caller measures the pruned model, then the session fine-tunes with the masks fixed for whatever
/// budget remains. Everything random comes from `random(_:)`, streams derived from the run's seed.
public final class Session {
    /// The method this session runs.
    public let method: any PruningMethod
    /// The network being pruned; its parameters carry the masks.
    public let model: Model
    /// Training and validation data (no test split exists here).
    public let data: SessionData
    /// The requested compression c = all parameters / remaining parameters (the target number; with
    /// `targetKind` `.speedup` it is the requested speedup instead).
    public let compression: Double
    /// What the target number means; `.speedup` only for methods that list it in `targetKinds`.
    public var targetKind = TargetKind.compression
    /// The parameters the method may mask, in state-dict order.
    public let prunable: [PrunableParameter]
    /// Optimizer steps the run may spend after the starting checkpoint.
    public let budget: BudgetMeter
    /// The fine-tuning recipe (optimizer, schedule, batch size); also the default for `train`.
    public let recipe: TrainingRecipe
    /// Rewrites the recipe of every `train` call (modifiers such as SILO install one before running a base).
    public var recipeAdjustment: ((TrainingRecipe, TrainingCall) -> TrainingRecipe)?
    /// Replaces the network (and adds a per-step callback) of a `train` call; nil keeps the model (ToST's ghosts).
    public var trainingAdjustment: ((TrainingCall) throws -> TrainingAdjustment?)?
    /// Replaces the per-step learning rates of a `train` call, given its final recipe (after
    /// `recipeAdjustment`); nil, or a nil result, lays the recipe's schedule over the call (LR rewinding
    /// replays the last rates of the original run instead).
    public var scheduleAdjustment: ((TrainingRecipe, TrainingCall) -> (any LearningRateSchedule)?)?
    /// The dense training run that produced the starting checkpoint, when the checkpoint records it (the
    /// runner sets it from the checkpoint's training record); nil for a checkpoint without one (a PyTorch
    /// export). Retraining rules that replay the original schedule read it (IMP's FT, LRW, SLR, …).
    public var originalTraining: OriginalRun?
    /// Receives progress ("scoring", "fine-tuning 3/780").
    public var reporter: ((SessionProgress) -> Void)?
    /// Cores the forward and backward passes may use (results are bit-identical for a given count).
    public var threads = 1
    /// How a from-initialisation run scales its masked layers' initial weights (`rescaled`: by √(N_l/n_l)
    /// before the first optimizer step after an initialisation; see `InitialisationScale`).
    public var initialisationScale = InitialisationScale.dense
    /// True while the weights are a fresh initialisation no optimizer step has touched yet.
    var weightsAreInitial = false
    /// When set, every scoring batch is exactly these examples, whole and in order (normalised with
    /// `data.normalization`), instead of the method's own sampling (`scoringBatch`,
    /// `InitialisationScoring.classBalancedBatch`): `prunebench scores --batch`.
    public var scoringExamples: ImageSplit?
    /// True once the method has returned: masks can no longer change.
    public private(set) var masksFrozen = false
    /// The trainer of the `train` call in progress, for hooks (e.g. to reset optimizer state).
    public internal(set) var currentTrainer: Trainer?
    /// Every `train` call so far: its phase, the steps it took and the recipe it really used (after `recipeAdjustment`).
    public internal(set) var trainingLog: [(phase: String, steps: Int, recipe: TrainingRecipe)] = []
    /// The decisions the method recorded (`record(_:)`), in order.
    public internal(set) var events: [MethodEvent] = []
    let root: SeededGenerator
    var trainingCalls = 0
    let prunableIndex: [String: Int]

    /// A session for `method` on `model` (the dense checkpoint; re-initialised from the run's seed
    /// when the method starts from initialisation, unless `keepingWeights`: then `model`'s weights are
    /// the initial weights) with `budget` optimizer steps.
    public init(method: any PruningMethod, model: Model, data: SessionData, compression: Double,
                seed: UInt64, budget: Int, recipe: TrainingRecipe, keepingWeights: Bool = false,
                reporter: ((SessionProgress) -> Void)? = nil) throws {
        guard budget >= 0 else { throw PruningError.data(reason: "negative training budget \(budget)") }
        self.method = method
        self.model = model
        self.data = data
        self.compression = compression
        self.budget = BudgetMeter(total: budget)
        self.recipe = recipe
        self.reporter = reporter
        self.root = SeededGenerator(seed: seed)
        self.prunable = PrunableParameter.list(in: model, scope: method.scope)
        self.prunableIndex = Dictionary(uniqueKeysWithValues: prunable.enumerated().map { ($1.name, $0) })
        try data.validate(for: model)
        if type(of: method).startingPoint == .initialisation, !keepingWeights { try reinitialise() }
    }

    /// The random stream for `purpose` (e.g. `"masks"`, `"scoring"`), derived from the run's seed.
    public func random(_ purpose: String) -> SeededGenerator { root.derived(purpose) }

    /// All learnable parameters of the model.
    public var totalParameterCount: Int { model.parameterCount }

    /// Entries of the prunable parameters.
    public var prunableCount: Int { prunable.reduce(0) { $0 + $1.count } }

    /// ShrinkBench's keep fraction f = (total/c − nonprunable)/prunable for this session's compression;
    /// throws `infeasibleCompression` unless f is in (0, 1].
    public var keepFraction: Double {
        get throws {
            try Compression.keepFraction(compression: compression, total: totalParameterCount,
                                         prunable: prunableCount)
        }
    }

    /// Reports a phase to the progress display.
    public func report(_ phase: String, step: Int? = nil, of steps: Int? = nil) {
        reporter?(SessionProgress(phase: phase, step: step, steps: steps))
    }

    /// Runs the method, lets `beforeFineTuning` measure the pruned model, then fine-tunes with the
    /// masks fixed for the rest of the budget, calling `fineTuningHooks` (e.g. activation meters).
    public func execute(fineTuningHooks: TrainingHooks = TrainingHooks(),
                        beforeFineTuning: (Session) throws -> Void = { _ in }) throws {
        report("pruning")
        try method.run(self)
        masksFrozen = true
        model.applyMasks()
        try beforeFineTuning(self)
        try fineTune(hooks: fineTuningHooks)
    }
}

/// A progress report: a phase name and, while training, the step within it.
public struct SessionProgress: Sendable, Equatable, CustomStringConvertible {
    /// What the session is doing: `"pruning"`, `"scoring"`, `"training"`, `"fine-tuning"`, …
    public let phase: String
    /// The step just finished (1-based) while training.
    public let step: Int?
    /// The steps of the current training call.
    public let steps: Int?

    public var description: String {
        guard let step, let steps else { return phase }
        return "\(phase) \(step)/\(steps)"
    }
}
