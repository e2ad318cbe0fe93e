import Data
import NN

/// GraSP (Wang, Zhang & Grosse, ICLR 2020): keep the weights whose removal least reduces gradient flow,
/// scored S = −θ ⊙ Hg at initialisation; the largest S are removed.
///
/// Following the official code (`pruner/GraSP.py`), each of its quirks a setting (docs/scores.md): a
/// class-balanced batch of `samplesPerClass` examples per class, class by class (stream `"scoring"`);
/// logits divided by `temperature` = 200; g and Hg taken over the weights of every Conv2d and Linear
/// layer (classifier included; biases and batch norm not), each summed over the batch's two halves
/// (`halves`: g = ∇L₁ + ∇L₂, Hg = H₁g + H₂g, L_i the mean loss of half i); `reinitialiseLinear`: the
/// Linear weights of the scoring pass re-drawn Xavier-normal (stream `"grasp-reinit"`), the scores using
/// those weights, the trained network keeping its own initialisation (the model is restored bit-exactly);
/// `normalise`: S divided by |Σ S| + 1e-10 (ranking unchanged); `trainingMode`: batch norm on each half's
/// batch statistics, as the official code's copy is never put in eval mode; `officialThreshold`: the
/// official keep rule S ≤ the ⌊(1 − f)·N⌋-th largest S (one removal fewer).
///
/// Hg is exact: the R-operator (`HessianVectorProduct.compute`), which equals the official code's double
/// backward. Choices: scoring in inference mode unless `trainingMode` (see `InitialisationScoring`); in
/// training mode the product draws dropout's mask from the same stream as the gradient pass, so both see
/// one mask (the official code's two forward passes draw two); by default exactly round(f × prunable)
/// weights kept, ties by state-dict position; the classifier is not pruned unless `pruneClassifier`.
public struct GraSP: ScoringMethod {
    /// GraSP's settings.
    public struct Configuration: MethodConfiguration {
        /// Training examples per class in the scoring batch (official CIFAR configs: 10).
        public var samplesPerClass = 10
        /// Logits are divided by T before the cross-entropy (official: 200).
        public var temperature: Float = 200
        /// Re-draw Linear weights Xavier-normal in the scoring copy (official default `reinit=True`).
        public var reinitialiseLinear = true
        /// Sum g and Hg over the batch's two halves, the first ⌊N/2⌋ examples and the rest (official);
        /// false: one pass over the whole batch (Synaptic-Flow's reimplementation).
        public var halves = true
        /// Score in training mode, batch norm on each pass's batch statistics (the official code's copy is
        /// never put in eval mode); false: inference mode (Synaptic-Flow's, the harness's at-init convention).
        public var trainingMode = false
        /// Divide the scores by |Σ S| + 1e-10 over every conv and linear weight (official; ranking unchanged).
        public var normalise = true
        /// Keep S ≤ the ⌊(1 − f)·N⌋-th largest S, as the official code (the boundary entry and its ties
        /// stay); false: keep exactly round(f·N), ties by state-dict position.
        public var officialThreshold = false
        /// Also prune the classifier's weights.
        public var pruneClassifier = false

        public init() {}
    }

    public static let name = "grasp"
    public static let category = MethodCategory.atInitialisation
    public static let card = "grasp.md"
    public static let summary = """
        GraSP: at initialisation, on a class-balanced batch with logits divided by T = 200, compute \
        g = dL/dθ and the exact Hessian–gradient product Hg (double backprop); score \
        S = −θ ⊙ Hg and remove the weights with the largest S (keep the round(f × prunable) smallest, \
        signs kept), then train the masked network from its own initialisation.
        """
    public static let startingPoint = StartingPoint.initialisation
    public static let targetTolerance = TargetTolerance.entries(1)
    public static let ranking = ScoreRanking.keepLowest

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

    /// S = −θ ⊙ Hg of the prunable weights (signed; the largest are removed), on the Linear weights
    /// re-drawn when `reinitialiseLinear`; the model is restored bit-exactly afterwards.
    public func scores(_ session: Session) throws -> [(name: String, scores: Tensor)] {
        session.report("scoring")
        let batch = try InitialisationScoring.classBalancedBatch(session, perClass: configuration.samplesPerClass)
        let original = session.snapshot()
        let all: [(name: String, scores: Tensor)]
        do { all = try layerScores(session, batch: batch) } catch {
            try session.restore(original, keepingMasks: true)
            throw error
        }
        try session.restore(original, keepingMasks: true)
        let byName = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0.scores) })
        return try session.prunable.map { entry in
            guard let scores = byName[entry.name] else {
                throw PruningError.data(reason: "GraSP has no Hessian-gradient product for '\(entry.name)'")
            }
            return (entry.name, scores)
        }
    }

    public func run(_ session: Session) throws {
        let scores = try scores(session)
        session.report("thresholding")
        try session.setMasks(masks(scores, keepFraction: session.keepFraction))
    }

    /// The mode of every scoring pass: training (batch statistics) when `trainingMode`, else inference.
    var scoringMode: ForwardMode { configuration.trainingMode ? .training : .inference }

    /// dL/dθ of `parameters` for the mean loss of `part` (logits / T) in the configured mode.
    func gradient(_ session: Session, parameters: [Parameter], part: Batch) -> [Tensor] {
        InitialisationScoring.lossGradients(model: session.model, parameters: parameters, batch: part,
                                            temperature: configuration.temperature,
                                            mode: scoringMode, random: session.random("scoring-dropout"),
                                            threads: session.threads)
    }

    /// H·`vector` of the mean loss of `part` (logits / T) with respect to `parameters`, in the configured mode.
    func hessianVectorProduct(_ session: Session, parameters: [Parameter], part: Batch, vector: [Tensor]) throws -> [Tensor] {
        let context = ForwardContext(mode: scoringMode, random: session.random("scoring-dropout"), threads: session.threads)
        return try HessianVectorProduct.compute(root: session.model.root, inputs: part.inputs, labels: part.labels,
                                                parameters: parameters, vector: vector, context: context,
                                                temperature: configuration.temperature)
    }
}
