import NN

/// Settings of the data-free ShrinkBench baselines (random, magnitude).
public struct ShrinkBenchConfiguration: MethodConfiguration {
    /// Mask only the weights; ShrinkBench (the default, `false`) masks the biases of prunable layers too.
    public var weightsOnly = false
    /// Also prune the classifier layer (ShrinkBench's `prune_classifier`, default off).
    public var pruneClassifier = false

    public init() {}
}

/// Settings of the ShrinkBench baselines that score on one training batch (gradient, activation).
public struct ShrinkBenchBatchConfiguration: MethodConfiguration {
    /// Mask only the weights; ShrinkBench (the default, `false`) masks the biases of prunable layers too.
    public var weightsOnly = false
    /// Also prune the classifier layer (ShrinkBench's `prune_classifier`, default off).
    public var pruneClassifier = false
    /// Examples in the scoring batch: the first batch of a seeded order of the training split (card: 128).
    public var batchSize = 128

    public init() {}
}

/// Scores and thresholding shared by the ShrinkBench baselines (`shrinkbench-baselines.md`).
///
/// Compared with ShrinkBench's code, the scoring batch and random masks come from the run's seed
/// (streams `"scoring"` and `"masks"`, dropout in the probes from `"scoring-dropout"`), and the
/// batch-norm running statistics that its training-mode probes update are restored. Thresholds are
/// interpolated and compared in `Double`. The kept count is approximate, as in ShrinkBench: the
/// interpolated quantile keeps within one entry of f × size per threshold scope when scores are
/// distinct; where ties at the threshold would overshoot that (many zero scores), the tied entries
/// are thinned to the target count in an order drawn from the stream `"tie-breaking"`.
enum ShrinkBench {
    static let card = "shrinkbench-baselines.md"

    /// Weights and biases of conv/linear layers (biases unless weights-only), classifier as configured.
    static func scope(weightsOnly: Bool, pruneClassifier: Bool) -> PrunableScope {
        PrunableScope(biases: !weightsOnly, classifier: pruneClassifier)
    }

    /// Threshold `scores` at the session's keep fraction and set the masks.
    static func prune(_ session: Session, scores: [(name: String, scores: Tensor)], scope: ThresholdScope) throws {
        let keepFraction = try session.keepFraction
        session.report("thresholding")
        var tieBreaking = session.random("tie-breaking")
        let masks = Mask.thresholded(scores, keepFraction: keepFraction, scope: scope, tieBreaking: &tieBreaking)
        try session.setMasks(masks)
    }

    /// |θ| of every prunable parameter.
    static func magnitudeScores(_ session: Session) -> [(name: String, scores: Tensor)] {
        session.prunable.map { entry in
            let scores = entry.parameter.value.copy()
            let s = scores.data
            for i in 0..<scores.count { s[i] = abs(s[i]) }
            return (entry.name, scores)
        }
    }

    /// |θ · dL/dθ| on the scoring batch (training mode, mean cross-entropy, one backward).
    static func gradientScores(_ session: Session, batchSize: Int) throws -> [(name: String, scores: Tensor)] {
        session.report("scoring")
        let batch = try session.scoringBatch(size: batchSize)
        let gradients = session.gradients(on: batch)
        return session.prunable.map { entry in
            let scores = entry.parameter.value.copy()
            let s = scores.data
            if let g = gradients[entry.name]?.data {
                for i in 0..<scores.count { s[i] = abs(s[i] * g[i]) }
            }
            return (entry.name, scores)
        }
    }

    /// |θ · n(input)| on the scoring batch, see `ActivationScores`. The forward pass runs in training
    /// mode, as ShrinkBench's does (its model is still in PyTorch's default training mode when the
    /// strategy records activations): batch statistics, seeded dropout, running statistics restored.
    static func activationScores(_ session: Session, batchSize: Int) throws -> [(name: String, scores: Tensor)] {
        session.report("scoring")
        let batch = try session.scoringBatch(size: batchSize)
        let inputs = session.layerInputs(on: batch, mode: .training)
        return try session.prunable.map { entry in
            guard let input = inputs[entry.modulePath] else {
                throw PruningError.data(reason: "no input was recorded for layer '\(entry.modulePath)'")
            }
            let norms = ActivationScores.inputNorms(input)
            let weight = entry.parameter.value
            switch entry.role {
            case .weight:
                let groups = (entry.module as? Conv2d)?.groups ?? 1
                return (entry.name, ActivationScores.weightScores(weight, norms: norms, groups: groups))
            case .bias, .batchNormWeight, .batchNormBias:
                return (entry.name, ActivationScores.biasScores(weight, norms: norms))
            }
        }
    }
}
