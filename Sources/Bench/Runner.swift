import Data
import Foundation
import NN
import Pruning
import Training

/// Carries out one planned run: loads the dataset and the dense checkpoint, builds the `Session`,
/// runs the method, measures before and after fine-tuning, and saves the pruned model with its masks.
///
/// Data preparation per run (`sessionData(_:spec:)`): the validation split is the holdout the
/// checkpoint records (the examples it was trained without; a checkpoint without one is refused),
/// or, when the run asks for `validation: carve`, `validationCount` examples carved from the whole
/// training split with stream `"validation"` of the run's seed; the rest is the session's training
/// split. The budget in epochs converts to steps with the fine-tuning batch size
/// over that training split. Fine-tuning runs through `Session.train` with a forward observer that
/// measures the dynamic dead-neuron rate.
public final class Runner {
    /// Kernel threads per run.
    public var threads: Int
    /// Examples carved from the training split as the validation split under `validation: carve` (at most a tenth of it).
    public var validationCount = 5000
    /// Batches timed for the latency measurement.
    public var latencyRepeats = 5
    private let store: ResultStore
    private var datasets: [String: ImageDataset] = [:]
    /// Checkpoints read so far, by path (`loadCheckpoint`).
    var checkpoints: [String: Checkpoint] = [:]
    /// The session data built last and its key (`sessionData(_:spec:)`).
    var lastSessionData: (key: String, data: SessionData)?

    /// A runner that writes masks into `store`; `datasets` may hold already-loaded datasets by path.
    public init(store: ResultStore, threads: Int = 1, datasets: [String: ImageDataset] = [:]) {
        self.store = store
        self.threads = max(1, threads)
        self.datasets = datasets
    }

    /// Executes `run`, reporting phases to `phase`; throws when the run cannot be carried out.
    public func execute(_ run: PlannedRun, phase: @escaping (String) -> Void) throws -> RunOutcome {
        let spec = run.spec
        guard spec.engine == PruneBenchVersion.engine else {
            throw BenchError.run("run \(run.digest) was planned for engine \(spec.engine); this is \(PruneBenchVersion.engine)")
        }
        var clock = PhaseClock()
        phase("loading")
        let dataset = try loadDataset(spec.dataset)
        let model = try loadModel(spec.checkpoint, seed: spec.seed)
        let data = try sessionData(dataset, spec: spec)
        let recipe = try spec.fineTuning.decode(TrainingRecipe.self)
        let stepsPerEpoch = recipe.batchesPerEpoch(examples: data.training.count)
        let budget = spec.budget.steps(perEpoch: stepsPerEpoch)
        let entry = try MethodRegistry.entry(named: spec.method)
        let method = try entry.method(configuration: Data(spec.configuration.canonical.utf8))
        let session = try Session(method: method, model: model, data: data, compression: spec.compression,
                                  seed: spec.seed, budget: budget, recipe: recipe) { phase($0.description) }
        session.threads = threads
        session.initialisationScale = spec.initialisation ?? .dense
        session.targetKind = spec.target ?? .compression
        guard method.supportedTargetKinds.contains(session.targetKind) || spec.compression == 1 else {
            throw PruningError.unsupportedTarget(method: spec.method, kind: session.targetKind)
        }
        let startingSteps = type(of: method).startingPoint == .trained ? try recordedSteps(spec.checkpoint) : 0
        session.originalTraining = try checkpoints[spec.checkpoint.path]?.originalRun()  // the recorded dense run
        clock.lap("load")

        var before: EvaluationMetrics?
        let deadNeurons = DeadNeuronMeter()
        try session.execute { session in
            clock.lap("prune")
            phase("measuring")
            before = try self.evaluate(session, test: dataset.test)
            clock.lap("measure")
            let hooks = TrainingHooks(afterStep: { _ in deadNeurons.endStep() }, forwardObserver: deadNeurons.observe)
            try session.train(steps: session.budget.remaining, hooks: hooks, phase: "fine-tuning")
            clock.lap("fine-tune")
        }
        phase("measuring")
        let after = try evaluate(session, test: dataset.test)
        guard after.test.loss.isFinite, let before else {
            throw BenchError.run("the model diverged: test loss \(after.test.loss) after fine-tuning")
        }
        let metrics = RunMetrics(
            beforeFineTuning: before, afterFineTuning: after,
            parameters: ParameterCounts(parameters: model.parameters, prunable: Set(session.prunable.map(\.name))),
            macs: MACCounter.count(model.root, inputShape: model.exampleShape, threads: threads),
            deadNeuronRate: deadNeurons.rate,
            latency: LatencyMeter.measure(model, inputShape: model.exampleShape, repeats: latencyRepeats, threads: threads),
            budget: BudgetUsage(steps: session.budget.used, limit: budget, stepsPerEpoch: stepsPerEpoch,
                                startingSteps: startingSteps,
                                calls: session.trainingLog.map { TrainingCallUsage(phase: $0.phase, steps: $0.steps, recipe: $0.recipe) }),
            classes: dataset.classCount,
            structure: try StructureMeter.measure(model, threads: threads),
            events: session.events.isEmpty ? nil : session.events)
        let masks = try saveModel(model, masks: session.masks, dataset: dataset.name, digest: run.digest)
        clock.lap("measure")
        return RunOutcome(metrics: metrics, masks: masks, phases: clock.phases)
    }

    /// Test and validation accuracy of the session's model.
    func evaluate(_ session: Session, test: ImageSplit) throws -> EvaluationMetrics {
        let testResult = try Training.evaluate(model: session.model, split: test, normalization: session.data.normalization,
                                               threads: threads)
        let validation = try session.evaluate(on: .validation)
        return EvaluationMetrics(test: AccuracyMetrics(testResult), validation: AccuracyMetrics(validation))
    }

    /// The dataset at `reference.path`, loaded once per process and checked against its digest.
    func loadDataset(_ reference: FileReference) throws -> ImageDataset {
        if let dataset = datasets[reference.path] { return dataset }
        try verify(reference, what: "dataset")
        let dataset = try DatasetFile.read(path: reference.path)
        datasets[reference.path] = dataset
        return dataset
    }

    /// A fresh model holding the checkpoint's weights (the checkpoint file is read once per process).
    func loadModel(_ reference: FileReference, seed: UInt64) throws -> Model {
        let checkpoint: Checkpoint
        if let cached = checkpoints[reference.path] { checkpoint = cached } else {
            try verify(reference, what: "checkpoint")
            checkpoint = try Checkpoint.read(path: reference.path)
            checkpoints[reference.path] = checkpoint
        }
        return try checkpoint.model(file: reference.path, seed: seed)
    }

    /// The optimizer steps the checkpoint's `training` record says it was trained for, if it records them.
    func recordedSteps(_ reference: FileReference) throws -> Int? {
        struct RecordedSteps: Decodable { var steps: Int? }
        guard let checkpoint = checkpoints[reference.path] else { return nil }
        return try checkpoint.decodeTraining(as: RecordedSteps.self)?.steps
    }

    /// Throws unless the file at `reference.path` still has the digest the run was planned with.
    func verify(_ reference: FileReference, what: String) throws {
        let digest = try sha256Hex(ofFile: reference.path)
        guard digest == reference.sha256 else {
            throw BenchError.io(file: reference.path, message: "the \(what) changed since the run was planned "
                + "(SHA-256 \(digest), expected \(reference.sha256))")
        }
    }

    /// Writes the pruned, fine-tuned model and its masks to `masks/<digest>.h5`; returns the relative path.
    func saveModel(_ model: Model, masks: [(name: String, mask: Tensor)], dataset: String, digest: String) throws -> String {
        var checkpoint = Checkpoint(tensors: model.stateDict(), masks: masks.map { (name: $0.name, tensor: $0.mask) })
        try checkpoint.setArchitecture(model.architecture)
        checkpoint.dataset = dataset
        let location = store.masksURL(digest)
        try checkpoint.write(to: location.url.path)
        return location.relative
    }
}

extension TrainingCallUsage {
    /// The usage of a training call that took `steps` steps with `recipe`; the rate as written
    /// (0.001), not its Float's binary expansion (0.0010000000475).
    init(phase: String, steps: Int, recipe: TrainingRecipe) {
        let rate = recipe.optimizer.learningRate
        self.init(phase: phase, steps: steps, learningRate: Double("\(rate)") ?? Double(rate),
                  schedule: recipe.schedule.kind.rawValue)
    }
}

extension AccuracyMetrics {
    /// The metrics of a `Training.Evaluation`.
    init(_ evaluation: Evaluation) {
        self.init(top1: evaluation.top1, top5: evaluation.top5, loss: evaluation.loss, count: evaluation.count)
    }
}

/// Wall time per phase of a run.
struct PhaseClock {
    private var last = ContinuousClock.now
    private(set) var phases: [String: Double] = [:]

    /// Adds the time since the previous lap to `phase`.
    mutating func lap(_ phase: String) {
        let now = ContinuousClock.now
        let elapsed = now - last
        phases[phase, default: 0] += Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        last = now
    }
}
