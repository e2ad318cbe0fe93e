import Data
import NN

/// Trains a network on a split by a recipe: batches, forward, loss, backward, hooks, optimizer.
///
/// Deterministic: the data order, augmentation and dropout streams derive from the root
/// generator (the recipe's seed unless one is given), and the kernels are bit-identical for a
/// given thread count, so the same seed and threads give bit-identical weights. The trainer
/// keeps its position: `run(steps:)` continues where the last call stopped (same schedule and
/// data order), so a method that trains in cycles can call it repeatedly.
public final class Trainer {
    /// The network being trained.
    public let network: any Network
    /// The recipe this trainer follows.
    public let recipe: TrainingRecipe
    /// Serves the training batches (seeded order and augmentation).
    public let loader: BatchLoader
    /// Updates the parameters (state per parameter; reset it for regrown weights).
    public let optimizer: any Optimizer
    /// The learning rate per step; replace it to change the schedule (e.g. a pruning modifier).
    public var schedule: any LearningRateSchedule
    /// Callbacks into every step and epoch.
    public var hooks = TrainingHooks()
    /// Draws a progress bar when set (and stderr is a terminal).
    public var progress: ProgressReporter?
    /// Cores the kernels may use.
    public let threads: Int
    /// Optimizer steps the recipe plans.
    public let totalSteps: Int
    /// Steps taken so far.
    public private(set) var step = 0
    private var dropout: SeededGenerator
    private let loss: SoftmaxCrossEntropy
    private var tally = EpochTally()
    /// Every parameter of the network (gradients are zeroed for all, updated for the optimizer's).
    private let allParameters: [Parameter]

    /// A trainer for `network` on `train` (normalised by `normalization`). `parameters` restricts
    /// the optimizer (default: all of the network's); `random` overrides `recipe.seed` as the root.
    /// Switches off the network's input gradient (`computesInputGradient`), which training never uses.
    public init(network: any Network, train: ImageSplit, normalization: Normalization, recipe: TrainingRecipe,
                random: SeededGenerator? = nil, parameters: [(name: String, parameter: Parameter)]? = nil,
                threads: Int = 1) throws {
        try recipe.validate()
        let root = random ?? SeededGenerator(seed: recipe.seed)
        self.network = network
        self.recipe = recipe
        self.threads = max(1, threads)
        loader = try BatchLoader(split: train, normalization: normalization, batchSize: recipe.batchSize,
                                 dropLast: recipe.dropLast, augmentation: recipe.augmentation, random: root)
        totalSteps = recipe.totalSteps(examples: train.count)
        optimizer = try makeOptimizer(recipe.optimizer, parameters: parameters ?? network.parameters)
        schedule = try Schedule(recipe.schedule, baseLR: recipe.optimizer.learningRate,
                                totalSteps: totalSteps, stepsPerEpoch: loader.batchesPerEpoch)
        allParameters = network.parameters.map(\.parameter)
        network.computesInputGradient = false
        dropout = root.derived("dropout")
        loss = SoftmaxCrossEntropy(labelSmoothing: recipe.labelSmoothing)
    }

    /// The epoch the next step belongs to.
    public var epoch: Int { step / loader.batchesPerEpoch }

    /// Trains until the recipe's planned steps are done (or a hook stops it).
    @discardableResult
    public func run() throws -> TrainingSummary {
        try run(steps: max(totalSteps - step, 0))
    }

    /// Trains `steps` more steps, continuing the data order and schedule.
    @discardableResult
    public func run(steps count: Int) throws -> TrainingSummary {
        let start = ContinuousClock.now
        for (_, p) in optimizer.parameters { p.applyMask() }
        var taken = 0, images = 0, last: StepInfo?, stopped = false
        while taken < count {
            let info = try trainStep()
            taken += 1
            images += info.batchSize
            last = info
            if hooks.shouldStop?(info) == true && taken < count { stopped = true; break }
        }
        progress?.finish()
        let wall = seconds(ContinuousClock.now - start)
        return TrainingSummary(
            steps: taken, epochs: Double(step) / Double(loader.batchesPerEpoch),
            finalTrainLoss: tally.examples > 0 ? tally.meanLoss : nil, lastStepLoss: last.map { Double($0.loss) },
            wallSeconds: wall, imagesPerSecond: wall > 0 ? Double(images) / wall : 0, stoppedEarly: stopped)
    }

    /// One optimizer step on the next batch; throws when the loss is not finite.
    @discardableResult
    public func trainStep() throws -> StepInfo {
        let (epoch, index) = (self.epoch, step % loader.batchesPerEpoch)
        if index == 0 || tally.epoch != epoch { tally = EpochTally(epoch: epoch) }
        let batch = loader.batch(epoch: epoch, index: index)
        for p in allParameters { p.zeroGradient() }
        let pass = try accumulateGradients(network: network, batch: batch, loss: loss, random: &dropout,
                                           observer: hooks.forwardObserver, threads: threads)
        guard pass.loss.isFinite else {
            throw TrainingError("training diverged: loss \(pass.loss) at step \(step) (epoch \(epoch), batch \(index))")
        }
        tally.add(loss: pass.loss, examples: batch.count, correct: pass.correct)
        let lr = schedule.learningRate(atStep: step)
        let info = StepInfo(step: step, epoch: epoch, batch: index, loss: pass.loss, learningRate: lr,
                            batchSize: batch.count)
        hooks.afterBackward?(info)
        optimizer.step(lr: lr)
        step += 1
        hooks.afterStep?(info)
        progress?.update(step: step, epoch: epoch, loss: pass.loss, batchSize: batch.count)
        if index == loader.batchesPerEpoch - 1 { hooks.afterEpoch?(tally.summary(learningRate: lr)) }
        return info
    }
}

/// Running sums of one epoch's training loss and accuracy.
struct EpochTally {
    var epoch = 0
    var steps = 0
    var examples = 0
    var correct = 0
    var lossSum = 0.0
    let start = ContinuousClock.now

    init(epoch: Int = 0) { self.epoch = epoch }

    mutating func add(loss: Float, examples count: Int, correct right: Int) {
        steps += 1
        examples += count
        correct += right
        lossSum += Double(loss) * Double(count)
    }

    var meanLoss: Double { examples > 0 ? lossSum / Double(examples) : .nan }

    func summary(learningRate: Float) -> EpochInfo {
        let wall = seconds(ContinuousClock.now - start)
        return EpochInfo(epoch: epoch, steps: steps, meanLoss: meanLoss,
                         trainAccuracy: examples > 0 ? Double(correct) / Double(examples) : 0,
                         learningRate: learningRate, seconds: wall,
                         imagesPerSecond: wall > 0 ? Double(examples) / wall : 0)
    }
}
