import Pruning

/// Top-1/top-5 accuracy (fractions in [0, 1]) and mean loss over one whole split.
public struct AccuracyMetrics: Codable, Hashable, Sendable {
    public var top1: Double
    public var top5: Double
    public var loss: Double
    /// How many examples were evaluated (the divisor of the accuracies).
    public var count: Int

    /// A value from its parts.
    public init(top1: Double, top5: Double, loss: Double, count: Int) {
        self.top1 = top1
        self.top5 = top5
        self.loss = loss
        self.count = count
    }
}

/// Accuracy on the test split and on the validation split (the checkpoint's validation holdout).
public struct EvaluationMetrics: Codable, Hashable, Sendable {
    public var test: AccuracyMetrics
    public var validation: AccuracyMetrics?

    /// A value from its parts.
    public init(test: AccuracyMetrics, validation: AccuracyMetrics?) {
        self.test = test
        self.validation = validation
    }
}

/// Parameter counts and the compression they give (ShrinkBench's definitions).
public struct ParameterCounts: Codable, Hashable, Sendable {
    /// Every learnable parameter of the model (buffers such as running statistics excluded).
    public var total: Int
    /// Parameters whose value is not zero.
    public var nonzero: Int
    /// Parameters the method may prune.
    public var prunable: Int
    /// Prunable parameters whose value is not zero.
    public var prunableNonzero: Int

    /// A value from its parts.
    public init(total: Int, nonzero: Int, prunable: Int, prunableNonzero: Int) {
        self.total = total
        self.nonzero = nonzero
        self.prunable = prunable
        self.prunableNonzero = prunableNonzero
    }

    /// Compression ratio = total / nonzero.
    public var compression: Double { nonzero == 0 ? .infinity : Double(total) / Double(nonzero) }
    /// Fraction of the prunable parameters that are zero.
    public var prunableSparsity: Double { prunable == 0 ? 0 : 1 - Double(prunableNonzero) / Double(prunable) }
}

/// Multiply-accumulates of one conv or linear layer for one input sample.
public struct LayerMACs: Codable, Hashable, Sendable {
    /// The module's dotted path (`features.0`, `fc1`).
    public var path: String
    /// "conv2d" or "linear".
    public var kind: String
    /// MACs with every weight present: `out_h·out_w·out_c·(in_c/groups)·k·k` or `in·out`.
    public var dense: Int
    /// Dense MACs scaled by the layer's weight density (nonzero weights / weights).
    public var remaining: Double

    /// A value from its parts.
    public init(path: String, kind: String, dense: Int, remaining: Double) {
        self.path = path
        self.kind = kind
        self.dense = dense
        self.remaining = remaining
    }
}

/// Multiply-accumulates of the conv and linear layers per sample, dense and after pruning.
public struct MACCounts: Codable, Hashable, Sendable {
    public var layers: [LayerMACs]

    /// A value from its parts.
    public init(layers: [LayerMACs]) { self.layers = layers }

    /// Sum of the layers' dense MACs.
    public var dense: Int { layers.reduce(0) { $0 + $1.dense } }
    /// Sum of the layers' remaining MACs.
    public var remaining: Double { layers.reduce(0) { $0 + $1.remaining } }
    /// Theoretical speedup = dense / remaining.
    public var speedup: Double { remaining == 0 ? .infinity : Double(dense) / remaining }
}

/// Median wall time of a few timed inference batches of the pruned model.
public struct LatencyMetrics: Codable, Hashable, Sendable {
    public var batchSize: Int
    /// Seconds per batch, one entry per timed batch (after one untimed warm-up batch).
    public var samples: [Double]
    public var threads: Int

    /// A value from its parts.
    public init(batchSize: Int, samples: [Double], threads: Int) {
        self.batchSize = batchSize
        self.samples = samples
        self.threads = threads
    }

    /// The median of `samples` (mean of the middle two for an even count).
    public var medianSeconds: Double { median(samples) }
    /// Images per second at the median batch time.
    public var imagesPerSecond: Double { medianSeconds > 0 ? Double(batchSize) / medianSeconds : 0 }
}

/// One training call of a run as it was carried out, after any method's own rule rewrote the recipe.
public struct TrainingCallUsage: Codable, Hashable, Sendable {
    /// The phase label (`"fine-tuning"`, `"imp cycle 2/5"`, …).
    public var phase: String
    /// Optimizer steps taken.
    public var steps: Int
    /// The optimizer's base learning rate, the schedule's peak (warm-up and decay scale it down).
    public var learningRate: Double
    /// The schedule's shape (`constant`, `cosine`, `step`, `multiStep`, `linear`, `oneCycle`).
    public var schedule: String

    /// A value from its parts.
    public init(phase: String, steps: Int, learningRate: Double, schedule: String) {
        self.phase = phase
        self.steps = steps
        self.learningRate = learningRate
        self.schedule = schedule
    }
}

/// The training a run spent after the dense checkpoint.
public struct BudgetUsage: Codable, Hashable, Sendable {
    /// Optimizer steps taken (pruning-time training and fine-tuning together).
    public var steps: Int
    /// The budget it was given, in optimizer steps.
    public var limit: Int
    /// Steps of one epoch over the training split (minus validation) at the recipe's batch size.
    public var stepsPerEpoch: Int
    /// Optimizer steps the starting weights had been trained from initialisation before the run: the
    /// checkpoint's recorded steps for a method that starts from it, 0 for one that starts from an
    /// initialisation; `nil` when the checkpoint records none.
    public var startingSteps: Int?
    /// Every training call in order, with the learning rate and schedule it really used
    /// (`nil` in records written before this was recorded).
    public var calls: [TrainingCallUsage]?

    /// A value from its parts.
    public init(steps: Int, limit: Int, stepsPerEpoch: Int, startingSteps: Int? = nil, calls: [TrainingCallUsage]? = nil) {
        self.steps = steps
        self.limit = limit
        self.stepsPerEpoch = stepsPerEpoch
        self.startingSteps = startingSteps
        self.calls = calls
    }

    /// Total optimizer steps from initialisation to the final model (`startingSteps` + `steps`), the
    /// cross-track cost of "train dense, then prune" against "train sparse from the start".
    public var stepsFromInitialisation: Int? { startingSteps.map { $0 + steps } }

    /// `steps` in epochs.
    public var epochs: Double { stepsPerEpoch == 0 ? 0 : Double(steps) / Double(stepsPerEpoch) }
}

/// Everything measured about one finished run.
public struct RunMetrics: Codable, Hashable, Sendable {
    public var beforeFineTuning: EvaluationMetrics
    public var afterFineTuning: EvaluationMetrics
    public var parameters: ParameterCounts
    public var macs: MACCounts
    /// Dynamic dead-neuron rate: mean over fine-tuning steps of the fraction of ReLU outputs that
    /// are zero on that step's training batch (ap.md); `nil` when there was no fine-tuning step.
    public var deadNeuronRate: Double?
    public var latency: LatencyMetrics
    public var budget: BudgetUsage
    /// The dataset's number of classes (chance top-1 = 1/classes); `nil` in records written before it was recorded.
    public var classes: Int?
    /// The model with removed channels physically gone, and its measured speed (`nil` in records before it was measured).
    public var structure: StructureMetrics?
    /// The decisions the method recorded during the run (Early-Bird's ticket step, HSR-NP's events); `nil` when
    /// it recorded none.
    public var events: [MethodEvent]?

    /// A value from its parts.
    public init(beforeFineTuning: EvaluationMetrics, afterFineTuning: EvaluationMetrics,
                parameters: ParameterCounts, macs: MACCounts, deadNeuronRate: Double?,
                latency: LatencyMetrics, budget: BudgetUsage, classes: Int? = nil, structure: StructureMetrics? = nil,
                events: [MethodEvent]? = nil) {
        self.beforeFineTuning = beforeFineTuning
        self.afterFineTuning = afterFineTuning
        self.parameters = parameters
        self.macs = macs
        self.deadNeuronRate = deadNeuronRate
        self.latency = latency
        self.budget = budget
        self.classes = classes
        self.structure = structure
        self.events = events
    }
}

/// The median of `values` (0 for none).
func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
