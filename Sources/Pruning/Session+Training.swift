import Data
import NN
import Training

/// What a modifier's `recipeAdjustment` learns about a `train` call.
public struct TrainingCall: Sendable, Equatable {
    /// 0-based index of the call within the session.
    public let index: Int
    /// Optimizer steps the call takes.
    public let steps: Int
    /// Kept fraction of the prunable entries when the call starts.
    public let density: Double
    /// The phase label (`"training"`, `"fine-tuning"`, or a method's own).
    public let phase: String
}

/// Which data `Session.evaluate(on:)` measures; the test split is not among them.
public enum EvaluationSplit: Sendable, Equatable {
    /// The validation split: examples held out of the training data (the checkpoint's holdout in a run).
    case validation
    /// The first `count` training examples (all when `count` exceeds the split).
    case training(count: Int)
}

/// Training through the session: every optimizer step is charged to the budget.
extension Session {
    /// Trains for `steps` optimizer steps with `recipe` (default: the session's fine-tuning recipe),
    /// after charging them to the budget: throws `budgetExceeded` before any training when they do
    /// not fit. Each call runs a fresh `Trainer` (fresh optimizer state, as open_lth after a rewind;
    /// the recipe's schedule laid over these `steps`) on the training split; data order, augmentation
    /// and dropout come from stream `"training <call index>"` of the run's seed. Masks are re-applied
    /// after every step, before `hooks.afterStep`; a `scheduleAdjustment` may replace the call's learning
    /// rates (after `recipeAdjustment`); `currentTrainer` is the running trainer while the
    /// hooks run (e.g. to reset the optimizer state of regrown weights). Steps a `shouldStop` hook
    /// skips are refunded. A `trainingAdjustment` may swap the network driven (sharing the model's
    /// parameters) and add a per-step callback. The first call after an initialisation first rescales
    /// the masked layers when `initialisationScale` is `rescaled`. Returns `nil` for `steps == 0`.
    @discardableResult
    public func train(steps: Int, recipe: TrainingRecipe? = nil, hooks: TrainingHooks = TrainingHooks(),
                      phase: String = "training") throws -> TrainingSummary? {
        guard steps > 0 else { return nil }
        try budget.charge(steps)
        if weightsAreInitial {
            weightsAreInitial = false
            if initialisationScale == .rescaled { rescaleMaskedInitialisation() }
        }
        let call = TrainingCall(index: trainingCalls, steps: steps, density: density, phase: phase)
        trainingCalls += 1
        var recipe = recipe ?? self.recipe
        if let recipeAdjustment { recipe = recipeAdjustment(recipe, call) }
        recipe.steps = steps
        let adjustment = try trainingAdjustment?(call)
        let trainer = try Trainer(network: adjustment?.network ?? model, train: data.training, normalization: data.normalization,
                                  recipe: recipe, random: random("training \(call.index)"), threads: threads)
        if let schedule = scheduleAdjustment?(recipe, call) { trainer.schedule = schedule }
        var wrapped = hooks
        let model = self.model
        wrapped.afterStep = { [weak self] info in
            model.applyMasks()
            adjustment?.afterStep?(info)
            hooks.afterStep?(info)
            self?.report(phase, step: info.step + 1, of: steps)
        }
        trainer.hooks = wrapped
        currentTrainer = trainer
        defer { currentTrainer = nil }
        let summary = try trainer.run()
        budget.refund(steps - summary.steps)
        trainingLog.append((phase, summary.steps, recipe))
        return summary
    }

    /// Spends the remaining budget fine-tuning with the session's recipe (masks fixed by the caller).
    public func fineTune(hooks: TrainingHooks = TrainingHooks()) throws {
        try train(steps: budget.remaining, hooks: hooks, phase: "fine-tuning")
    }

    /// Top-1/top-5 accuracy and loss of the model on `split` (inference mode).
    public func evaluate(on split: EvaluationSplit) throws -> Evaluation {
        let examples: ImageSplit
        switch split {
        case .validation:
            examples = data.validation
        case .training(let count):
            let n = min(max(count, 1), data.training.count)
            examples = data.training.subset(Array(0..<n))
        }
        return try Training.evaluate(model: model, split: examples, normalization: data.normalization,
                                     threads: threads)
    }
}
