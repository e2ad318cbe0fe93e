import Data
import NN

/// Shared pieces of the pruning-at-initialisation methods (SNIP, GraSP, SynFlow and their controls).
///
/// All scoring passes run in inference mode (PyTorch eval mode, Synaptic-Flow's default
/// `prune_train_mode = False`): batch norm uses its running statistics (identity at init), dropout is
/// off, and nothing in the model's buffers changes.
public enum InitialisationScoring {
    /// The prunable set of these methods: weights of conv and linear layers (no biases, no batch norm),
    /// the classifier only when asked (the harness convention; the papers' code includes it).
    public static func scope(pruneClassifier: Bool) -> PrunableScope { PrunableScope(classifier: pruneClassifier) }

    /// The number of prunable entries to keep: round(f × prunable), f the session's keep fraction.
    public static func keptCount(_ session: Session) throws -> Int {
        Int((try session.keepFraction * Double(session.prunableCount)).rounded())
    }

    /// Keeps the `keptCount` highest scores over all prunable tensors (global top-k) and sets the masks.
    static func pruneGlobally(_ session: Session, scores: [(name: String, scores: Tensor)]) throws {
        session.report("thresholding")
        try session.setMasks(Mask.keepingTop(scores, count: keptCount(session)))
    }

    /// The weights of every Conv2d and Linear layer (classifier included), by state-dict name.
    public static func layerWeights(of model: Model) -> [(name: String, parameter: Parameter)] {
        model.modules.compactMap { path, module in
            let weight: Parameter
            if let linear = module as? Linear { weight = linear.weight }
            else if let conv = module as? Conv2d { weight = conv.weight }
            else { return nil }
            return (path.isEmpty ? "weight" : path + ".weight", weight)
        }
    }

    /// dL/dθ of `parameters` for the mean cross-entropy of logits/`temperature` on `batch`, in inference
    /// mode unless `mode` says otherwise (training: batch statistics, dropout from `random`; running
    /// statistics are updated) (copies). Every parameter gradient of the model is zero before and after.
    public static func lossGradients(model: Model, parameters: [Parameter], batch: Batch, temperature: Float = 1,
                                     mode: ForwardMode = .inference, random: SeededGenerator = SeededGenerator(seed: 0),
                                     threads: Int = 1) -> [Tensor] {
        precondition(temperature > 0, "temperature \(temperature) must be positive")
        model.zeroGradients()
        let context = ForwardContext(mode: mode, random: random, threads: threads)
        let logits = model.forward(batch.inputs, context: context)
        let scaled = logits.copy()
        let s = scaled.data
        for i in 0..<scaled.count { s[i] /= temperature }
        let gradient = SoftmaxCrossEntropy()(logits: scaled, labels: batch.labels).gradient
        let g = gradient.data
        for i in 0..<gradient.count { g[i] /= temperature }
        model.backward(gradient)
        let result = parameters.map { $0.gradient.copy() }
        model.zeroGradients()
        return result
    }

    /// `perClass` training examples of every class (fewer when a class has fewer), drawn from a
    /// permutation of the training split on stream `purpose`, ordered by class then draw, normalised;
    /// `Session.scoringExamples` instead, whole and in order, when set.
    public static func classBalancedBatch(_ session: Session, perClass: Int, purpose: String = "scoring") throws -> Batch {
        if let given = try session.scoringExamplesBatch() { return given }
        let split = session.data.training
        var random = session.random(purpose)
        let classes = session.model.architecture.classes
        var chosen = [[Int]](repeating: [], count: classes)
        for index in random.permutation(split.count) {
            let label = Int(split.labels[index])
            if chosen[label].count < perClass { chosen[label].append(index) }
        }
        let subset = split.subset(chosen.flatMap { $0 })
        let loader = try BatchLoader(split: subset, normalization: session.data.normalization,
                                     batchSize: subset.count, shuffle: false, random: random)
        return loader.batch(epoch: 0, index: 0)
    }

    /// `transform(θ_i, s_i)` for every entry of every prunable parameter, s the tensor of the same name in
    /// `values` (0 where `values` has none), in state-dict and row-major order.
    static func elementwise(_ session: Session, _ values: [String: Tensor],
                            _ transform: (Float, Float) -> Float) -> [(name: String, scores: Tensor)] {
        session.prunable.map { entry in
            let scores = entry.parameter.value.copy()
            let s = scores.data
            let v = values[entry.name]?.data
            for i in 0..<scores.count { s[i] = transform(s[i], v?[i] ?? 0) }
            return (entry.name, scores)
        }
    }
}
