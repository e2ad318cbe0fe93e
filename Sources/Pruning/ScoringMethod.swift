import NN

/// Which end of a method's scores it keeps.
public enum ScoreRanking: String, Codable, Sendable {
    /// The largest scores are kept (magnitude, SNIP, SynFlow, …).
    case keepHighest = "highest"
    /// The largest scores are removed (GraSP's S = −θ ⊙ Hg).
    case keepLowest = "lowest"
}

/// A pruning method that ranks weights by a per-weight score, with that score available on its own.
///
/// `scores(_:)` computes the scores of the session's prunable parameters (state-dict order, each of
/// its parameter's shape) on the model as it stands, from the session's scoring data — the method's
/// own sampling, or `Session.scoringExamples` when set — and leaves weights, buffers, gradients and
/// masks as it found them. The method's `run` ranks what `scores(_:)` returns (an iterative method such
/// as SynFlow calls it once per round), so `prunebench scores` exports exactly what a run ranks.
public protocol ScoringMethod: PruningMethod {
    /// Which end of the scores `run` keeps (default: the highest).
    static var ranking: ScoreRanking { get }

    /// The per-weight scores of every prunable parameter, as `run` ranks them.
    func scores(_ session: Session) throws -> [(name: String, scores: Tensor)]
}

extension ScoringMethod {
    public static var ranking: ScoreRanking { .keepHighest }
}
