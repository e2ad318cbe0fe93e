import NN
import Training

/// The mask-update rule of a dynamic-sparse method: how connections are dropped and grown, how many, and when.
public struct DropGrowRule: Sendable, Equatable {
    /// Which active connections are dropped.
    public enum Drop: String, Sendable, Equatable {
        /// The k = ⌊f·n⌋ smallest |w| of the layer's n active connections (RigL).
        case smallestMagnitude
        /// Per sign, round(f·n₋) negatives and round(f·n₊) positives closest to zero (SET).
        case perSign
    }

    /// Which inactive connections are grown (as many as were dropped).
    public enum Growth: String, Codable, Sendable, Equatable {
        /// Uniformly random among the inactive positions (SET).
        case random
        /// Largest |∂L/∂W| of the dense gradient on the current mini-batch (RigL).
        case gradient
    }

    public var drop: Drop
    public var growth: Growth
    /// The drop fraction at step 0 (RigL α, SET ζ).
    public var fraction: Double
    /// How the drop fraction changes with the step.
    public var schedule: DropSchedule
    /// ΔT: the mask is updated after every `interval`-th optimizer step.
    public var interval: Int
    /// T_end: no update after this step (counted from the start of the training call).
    public var endStep: Int

    /// A rule; see the fields.
    public init(drop: Drop, growth: Growth, fraction: Double, schedule: DropSchedule, interval: Int, endStep: Int) {
        self.drop = drop
        self.growth = growth
        self.fraction = fraction
        self.schedule = schedule
        self.interval = interval
        self.endStep = endStep
    }

    /// True when a mask update follows optimizer step `completed` (1-based) of a call of `steps` steps:
    /// every ΔT steps, up to T_end, and never after the call's last step (nothing would train the growth).
    public func updates(after completed: Int, of steps: Int) -> Bool {
        completed > 0 && completed % interval == 0 && completed <= endStep && completed < steps
    }

    /// Throws `badConfiguration` for `method` unless fraction ∈ [0, 1] and ΔT ≥ 1.
    public func validate(method: String) throws {
        guard fraction >= 0, fraction <= 1 else {
            throw PruningError.badConfiguration(method: method, reason: "drop fraction must be in [0, 1], got \(fraction)")
        }
        guard interval >= 1 else {
            throw PruningError.badConfiguration(method: method, reason: "updateInterval must be ≥ 1, got \(interval)")
        }
    }
}

/// What one mask update did, for progress reports and tests.
public struct MaskUpdate {
    /// The optimizer steps completed in the training call when the update ran (1-based).
    public let step: Int
    /// The drop fraction used.
    public let fraction: Double
    /// Per updated layer: the name, active connections before and after, and the grown entries (1 where grown).
    public let layers: [(name: String, activeBefore: Int, activeAfter: Int, dropped: Int, grown: Tensor)]
}

/// The drop/grow training loop shared by SET, RigL and Sup-tickets: one `Session.train` call whose hooks
/// keep the dense gradient of update steps (`afterBackward`) and update the masks after the optimizer
/// step (`afterStep`, the "reasonable choice" of the RigL card: the step uses the old mask).
///
/// At an update every layer with 0 < n < N active connections (layers made dense by ER/ERK and empty
/// layers are skipped) drops by the rule, grows as many inactive connections (inactive after the drop:
/// a just-dropped connection may come back and then keeps its value and optimizer state), sets grown
/// weights to exactly 0 and zeroes their optimizer state (`Optimizer.resetState(for:elements:)`, the
/// momentum buffer of SGD). The number of active connections per layer never changes.
public final class DynamicSparseTraining {
    /// The session whose masks are updated.
    public let session: Session
    /// The update rule.
    public let rule: DropGrowRule
    /// Called after every mask update (inside the training hook: the trainer is `session.currentTrainer`).
    public var onUpdate: ((MaskUpdate) -> Void)?
    private var random: SeededGenerator
    private var gradients: [String: Tensor] = [:]

    /// An engine for `session` with `rule`; random growth draws from stream `purpose` of the run's seed.
    public init(session: Session, rule: DropGrowRule, purpose: String = "growth") {
        self.session = session
        self.rule = rule
        self.random = session.random(purpose)
    }

    /// Sets the initial masks: per-layer counts from `distribution` at the session's keep fraction,
    /// uniformly random positions (stream `"masks"`). Returns the kept counts.
    @discardableResult
    public static func setInitialMasks(_ session: Session, distribution: SparsityDistribution) throws -> [Int] {
        let shapes = session.prunable.map(\.parameter.value.shape)
        let counts = try distribution.keptCounts(shapes: shapes, keepFraction: session.keepFraction)
        var random = session.random("masks")
        let masks = SparsityDistribution.randomMasks(shapes: shapes, counts: counts, random: &random)
        try session.setMasks(zip(session.prunable, masks).map { ($0.name, $1) })
        return counts
    }

    /// Batches in one epoch of the session's recipe over its training split.
    public static func epochSteps(_ session: Session) -> Int {
        session.recipe.batchesPerEpoch(examples: session.data.training.count)
    }

    /// Trains `steps` optimizer steps (charged to the budget) with `recipe` (default: the session's),
    /// updating the masks by the rule.
    public func train(steps: Int, recipe: TrainingRecipe? = nil, phase: String) throws {
        guard steps > 0 else { return }
        var failure: (any Error)?
        let needsGradient = rule.growth == .gradient
        let hooks = TrainingHooks(
            afterBackward: { [self] info in
                guard needsGradient, rule.updates(after: info.step + 1, of: steps) else { return }
                for entry in session.prunable { gradients[entry.name] = entry.parameter.gradient.copy() }
            },
            afterStep: { [self] info in
                guard failure == nil, rule.updates(after: info.step + 1, of: steps) else { return }
                do { try update(step: info.step + 1) } catch { failure = error }
            },
            shouldStop: { _ in failure != nil })
        try session.train(steps: steps, recipe: recipe, hooks: hooks, phase: phase)
        if let failure { throw failure }
    }

    /// One mask update of every layer at `step` (the drop fraction follows the rule's schedule); gradient
    /// growth scores with `gradients` when given, else with those kept by the training hook.
    @discardableResult
    public func update(step: Int, gradients given: [String: Tensor]? = nil) throws -> MaskUpdate {
        if let given { gradients = given }
        let fraction = rule.schedule.fraction(step: step, initial: rule.fraction, endStep: rule.endStep)
        var layers: [(name: String, activeBefore: Int, activeAfter: Int, dropped: Int, grown: Tensor)] = []
        for entry in session.prunable {
            guard let mask = entry.parameter.mask else { continue }
            let active = Mask.keptCount(mask)
            guard active > 0, active < mask.count else { continue }
            let weight = entry.parameter.value
            let (afterDrop, dropped) = rule.drop == .perSign
                ? DropGrow.dropPerSign(weight: weight, mask: mask, fraction: fraction)
                : DropGrow.dropSmallest(weight: weight, mask: mask, count: Int((fraction * Double(active)).rounded(.down)))
            guard dropped > 0 else { continue }
            let newMask: Tensor
            switch rule.growth {
            case .random:
                newMask = DropGrow.growRandomly(mask: afterDrop, count: dropped, random: &random)
            case .gradient:
                guard let gradient = gradients[entry.name] else {
                    throw PruningError.data(reason: "dynamic sparse training: no gradient kept for '\(entry.name)'")
                }
                newMask = DropGrow.growLargest(mask: afterDrop, scores: gradient, count: dropped)
            }
            let grown = DropGrow.grown(old: mask, new: newMask)
            try session.setMask(newMask, for: entry.name)
            let w = weight.data, g = grown.data
            for i in 0..<grown.count where g[i] != 0 { w[i] = 0 }
            if let optimizer = session.currentTrainer?.optimizer {
                try optimizer.resetState(for: entry.name, elements: grown)
            }
            layers.append((entry.name, active, Mask.keptCount(newMask), dropped, grown))
        }
        gradients = [:]
        let record = MaskUpdate(step: step, fraction: fraction, layers: layers)
        onUpdate?(record)
        return record
    }
}
