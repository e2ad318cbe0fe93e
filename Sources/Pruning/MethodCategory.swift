/// The kind of pruning method, after issue 4's taxonomy; decides nothing by itself, documents the shape.
public enum MethodCategory: String, Codable, Sendable, CaseIterable {
    /// Prune a trained model once, then fine-tune (ShrinkBench baselines, L1-filter one-shot).
    case oneShot = "one-shot"
    /// Prune–retrain cycles, optionally rewinding weights or the LR schedule (IMP, lottery tickets, SLR).
    case iterative
    /// Choose the mask at initialisation, then train the masked network (SNIP, GraSP, SynFlow).
    case atInitialisation = "at-initialisation"
    /// The mask changes during training (SET, RigL, GaP, network slimming's sparsity training).
    case dynamicSparse = "dynamic-sparse"
    /// Removes whole neurons or filters (L1-filter, DropNet, network slimming, early-bird).
    case structured
    /// Replaces weights by low-rank factors (LRPET).
    case lowRank = "low-rank"
    /// Wraps another registered method (SILO, AP, ToST, Scratch-E/B).
    case modifier
    /// A reference run that does not prune (the dense control).
    case control
}

/// Where a method's model starts: the run's dense checkpoint or a fresh initialisation.
public enum StartingPoint: String, Codable, Sendable {
    /// The trained dense checkpoint the run names.
    case trained
    /// The checkpoint's architecture re-initialised from the run's seed (stream `"init"`).
    case initialisation
}

/// Which parameters a method may mask, beyond the weights of every Conv2d and Linear layer but the classifier.
public struct PrunableScope: Codable, Sendable, Equatable, Hashable {
    /// Also mask the biases of those layers (ShrinkBench does; most methods do not).
    public var biases: Bool
    /// Also include the classifier layer (the model's `classifierPath`).
    public var classifier: Bool
    /// Also mask batch-norm weights and biases (channel pruning: network slimming, L1-filter).
    public var batchNorm: Bool

    /// A scope; all extensions are off by default.
    public init(biases: Bool = false, classifier: Bool = false, batchNorm: Bool = false) {
        self.biases = biases
        self.classifier = classifier
        self.batchNorm = batchNorm
    }

    /// Weights of every Conv2d and Linear layer except the classifier.
    public static let weights = PrunableScope()
}

/// How closely a method's masks meet the requested compression, checked by the conformance test.
public enum TargetTolerance: Sendable, Equatable {
    /// Kept prunable entries within `n` of f × prunable.
    case entries(Int)
    /// Kept entries within `n` per masked tensor of f × prunable (layerwise thresholds).
    case entriesPerTensor(Int)
    /// Bernoulli masks: kept entries within `k` binomial standard deviations of f × prunable.
    case binomial(standardDeviations: Double)
    /// The method does not aim at the compression target (the dense control).
    case notApplicable
    /// Whole channels: the achieved compression or speedup (as the session's `targetKind` says) reaches the
    /// target, overshooting by what one channel more per pruned layer would remove.
    case wholeChannels
}

/// What a run's target number means: the compression (all parameters / nonzero parameters) or the speedup
/// (dense MACs / MACs of the model with its removed channels physically gone), which only methods that remove
/// whole channels can aim at.
public enum TargetKind: String, Codable, Sendable, CaseIterable {
    case compression
    case speedup
}

/// The protocol a method competes under; leaderboards rank methods only within a track.
///
/// The references keep these apart: ShrinkBench prunes a trained model and fine-tunes it; OpenLTH and the
/// SNIP/GraSP/SynFlow papers train every mask from initialisation on the full schedule; RigL and BIMP
/// compare at equal total training from initialisation.
public enum Track: String, Codable, Sendable, CaseIterable, Comparable {
    /// Prune a trained checkpoint, then spend a fine-tuning budget (ShrinkBench's protocol); the control
    /// is `dense`, the checkpoint fine-tuned for the same steps.
    case postTraining = "post-training"
    /// Train for the same total number of steps from initialisation with the dense recipe; the control is
    /// `dense-scratch`, the dense network trained from initialisation for those steps.
    case fromInitialisation = "from-initialisation"

    /// The track a method belongs to by default: post-training when it starts from the trained
    /// checkpoint, from-initialisation when it starts from a fresh initialisation.
    public static func `default`(for startingPoint: StartingPoint) -> Track {
        startingPoint == .trained ? .postTraining : .fromInitialisation
    }

    public static func < (lhs: Track, rhs: Track) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// How a from-initialisation run scales the initial weights of its masked layers.
///
/// At 1–2 % density a masked layer that keeps the dense initialisation's scale passes a signal about
/// √(n_l/N_l) as strong, and deep stacks of such layers reach the logits ~10⁴-fold weakened. `rescaled`
/// multiplies each masked layer's initial weights by √(N_l/n_l) (all weights of the layer / kept weights)
/// before the first optimizer step from an initialisation, restoring the dense layer's output variance.
public enum InitialisationScale: String, Codable, Sendable, CaseIterable {
    /// Keep the dense initialisation (the papers' default).
    case dense
    /// Rescale every masked layer's initial weights by √(N_l/n_l).
    case rescaled
}
