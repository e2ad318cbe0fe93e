import Data
import NN
import Training

/// A scoring method's per-weight scores on given weights and scoring examples, and the masks its `run`
/// sets at a compression: what `prunebench scores` writes (docs/scores.md).
///
/// The method works in a session whose model keeps the given weights (for a method that starts from
/// initialisation they are the initial weights), whose only data are `examples`, and whose
/// `scoringExamples` are `examples`: every scoring batch is exactly those examples, whole and in order,
/// normalised with `normalization`. The scores are `ScoringMethod.scores(_:)` on the given weights; the
/// masks are what the method's `run` then sets in the same session (for a one-shot method the threshold
/// of exactly these scores; SynFlow re-scores the masked network every round). Nothing trains.
public struct ScoreExport: @unchecked Sendable {
    /// The method's registry name.
    public let method: String
    /// Which end of the scores the method keeps.
    public let ranking: ScoreRanking
    /// Scores of every prunable parameter, in state-dict order.
    public let scores: [(name: String, scores: Tensor)]
    /// The masks `run` sets at `compression` (ones for a parameter it leaves dense); empty without one.
    public let masks: [(name: String, mask: Tensor)]
    /// The requested compression, if any.
    public let compression: Double?
    /// The keep fraction f of the prunable entries at `compression`.
    public let keepFraction: Double?

    /// The registry names of the methods that have per-weight scores.
    public static func scoringMethods() throws -> [String] {
        try MethodRegistry.all.filter { try $0.method() is any ScoringMethod }.map(\.name)
    }

    /// Scores `method` on `model`'s weights and `examples`; with `compression`, also runs it to get its
    /// masks (which zero `model`'s pruned weights). `seed` roots the method's random streams (tie-breaking,
    /// GraSP's re-initialisation). Throws `noScores` for a method without per-weight scores.
    public static func compute(method: any PruningMethod, model: Model, examples: ImageSplit,
                               normalization: Normalization, compression: Double? = nil, seed: UInt64 = 0,
                               threads: Int = 1) throws -> ScoreExport {
        let name = type(of: method).name
        guard let scoring = method as? any ScoringMethod else {
            throw PruningError.noScores(method: name, scoring: try scoringMethods())
        }
        let data = SessionData(training: examples, validation: examples, normalization: normalization)
        let session = try Session(method: method, model: model, data: data, compression: compression ?? 1,
                                  seed: seed, budget: 0, recipe: TrainingRecipe(), keepingWeights: true)
        session.threads = threads
        session.scoringExamples = examples
        let scores = try scoring.scores(session)
        guard let compression else {
            return ScoreExport(method: name, ranking: type(of: scoring).ranking, scores: scores, masks: [],
                               compression: nil, keepFraction: nil)
        }
        let keepFraction = try session.keepFraction
        try method.run(session)
        let masks = session.prunable.map { entry in
            (name: entry.name, mask: entry.parameter.mask?.copy() ?? Mask.ones(entry.parameter.value.shape))
        }
        return ScoreExport(method: name, ranking: type(of: scoring).ranking, scores: scores, masks: masks,
                           compression: compression, keepFraction: keepFraction)
    }
}
