import NN

/// GraSP (Wang, Zhang & Grosse, ICLR 2020): keep the weights whose removal least reduces gradient flow,
/// scored S = −θ ⊙ Hg at initialisation; the largest S are removed.
///
/// Following the official code (`pruner/GraSP.py`): a class-balanced batch of `samplesPerClass` examples
/// per class (stream `"scoring"`), logits divided by `temperature` = 200, g and Hg taken over the weights
/// of every Conv2d and Linear layer (classifier included; biases and batch norm not), and — switchable by
/// `reinitialiseLinear` — the Linear weights of the scoring copy re-drawn Xavier-normal (stream
/// `"grasp-reinit"`), the scores using those weights; the trained network keeps its own initialisation
/// (the model is restored bit-exactly after scoring). The official code sums the gradients and HVPs of
/// the batch's two halves; with both halves' mean losses summed that is g and Hg of L₁ + L₂, a constant
/// multiple of the whole batch's loss when the halves are equal, so one pass over the batch is used
/// (the ranking is unchanged).
///
/// Choices: Hg by central finite differences of gradients (`HessianVectorProduct`, relative step
/// `hvpRelativeStep`) instead of double backprop; scoring in inference mode (see `InitialisationScoring`);
/// exactly round(f × prunable) weights kept, ties by state-dict position (the official code keeps the
/// boundary element too); the classifier is not pruned unless `pruneClassifier`.
public struct GraSP: PruningMethod {
    /// GraSP's settings.
    public struct Configuration: MethodConfiguration {
        /// Training examples per class in the scoring batch (official CIFAR configs: 10).
        public var samplesPerClass = 10
        /// Logits are divided by T before the cross-entropy (official: 200).
        public var temperature: Float = 200
        /// Re-draw Linear weights Xavier-normal in the scoring copy (official default `reinit=True`).
        public var reinitialiseLinear = true
        /// Finite-difference step of the Hessian–gradient product, relative to max(‖θ‖, 1).
        public var hvpRelativeStep = 1e-3
        /// Also prune the classifier's weights.
        public var pruneClassifier = false

        public init() {}
    }

    public static let name = "grasp"
    public static let category = MethodCategory.atInitialisation
    public static let card = "grasp.md"
    public static let summary = """
        GraSP: at initialisation, on a class-balanced batch with logits divided by T = 200, compute \
        g = dL/dθ and the Hessian–gradient product Hg (finite differences of gradients); score \
        S = −θ ⊙ Hg and remove the weights with the largest S (keep the round(f × prunable) smallest, \
        signs kept), then train the masked network from its own initialisation.
        """
    public static let startingPoint = StartingPoint.initialisation
    public static let targetTolerance = TargetTolerance.entries(1)

    public let configuration: Configuration

    public init(configuration: Configuration) { self.configuration = configuration }

    public var scope: PrunableScope { InitialisationScoring.scope(pruneClassifier: configuration.pruneClassifier) }

    /// GraSP's removal score S = −θ ⊙ Hg (signed; the largest are removed).
    public static func removalScores(weights: Tensor, hessianGradient: Tensor) -> Tensor {
        precondition(weights.shape == hessianGradient.shape, "weights \(weights.shape), Hg \(hessianGradient.shape)")
        let scores = Tensor(zeros: weights.shape)
        let w = weights.data, h = hessianGradient.data, s = scores.data
        for i in 0..<scores.count { s[i] = -w[i] * h[i] }
        return scores
    }

    /// Keep masks that remove the largest removal scores: the `count` smallest S are kept.
    public static func masks(removalScores: [(name: String, scores: Tensor)], keeping count: Int) -> [(name: String, mask: Tensor)] {
        Mask.keepingTop(removalScores.map { entry in
            let negated = entry.scores.copy()
            let n = negated.data
            for i in 0..<negated.count { n[i] = -n[i] }
            return (entry.name, negated)
        }, count: count)
    }

    public func run(_ session: Session) throws {
        session.report("scoring")
        let batch = try InitialisationScoring.classBalancedBatch(session, perClass: configuration.samplesPerClass)
        let original = session.snapshot()
        let weights = InitialisationScoring.layerWeights(of: session.model)
        if configuration.reinitialiseLinear { reinitialiseLinear(session) }
        let parameters = weights.map(\.parameter)
        let gradient = { InitialisationScoring.lossGradients(model: session.model, parameters: parameters, batch: batch,
                                                             temperature: configuration.temperature, threads: session.threads) }
        let g = gradient()
        let hg = HessianVectorProduct.centralDifference(parameters: parameters, vector: g,
                                                        relativeStep: configuration.hvpRelativeStep, gradient: gradient)
        let hgByName = Dictionary(uniqueKeysWithValues: zip(weights.map(\.name), hg))
        let scores = try session.prunable.map { entry in
            guard let product = hgByName[entry.name] else {
                throw PruningError.data(reason: "GraSP has no Hessian-gradient product for '\(entry.name)'")
            }
            return (name: entry.name, scores: Self.removalScores(weights: entry.parameter.value, hessianGradient: product))
        }
        try session.restore(original, keepingMasks: true)
        session.report("thresholding")
        try session.setMasks(Self.masks(removalScores: scores, keeping: InitialisationScoring.keptCount(session)))
    }

    /// Xavier-normal Linear weights, std = √(2 / (fan_in + fan_out)), from stream `"grasp-reinit"`.
    private func reinitialiseLinear(_ session: Session) {
        var random = session.random("grasp-reinit")
        for (_, module) in session.model.modules {
            guard let linear = module as? Linear else { continue }
            let std = (2 / Float(linear.inFeatures + linear.outFeatures)).squareRoot()
            let w = linear.weight.value.data
            for i in 0..<linear.weight.value.count { w[i] = std * random.nextNormal() }
        }
    }
}
