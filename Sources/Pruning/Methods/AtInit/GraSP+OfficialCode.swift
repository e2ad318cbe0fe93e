import Data
import NN

/// The parts of GraSP that follow the official code (`alecwangcq/GraSP` `pruner/GraSP.py`), each switchable.
extension GraSP {
    /// S = −θ ⊙ Hg of every conv and linear weight, by state-dict name: Linear weights re-drawn first when
    /// `reinitialiseLinear` (the caller restores the model), g = Σ ∇L_part and Hg = Σ H_part g over the
    /// scoring parts, divided by |Σ S| + 1e-10 when `normalise`.
    func layerScores(_ session: Session, batch: Batch) throws -> [(name: String, scores: Tensor)] {
        let weights = InitialisationScoring.layerWeights(of: session.model)
        if configuration.reinitialiseLinear {
            var random = session.random("grasp-reinit")
            Self.reinitialiseLinear(session.model, random: &random)
        }
        let parameters = weights.map(\.parameter)
        let parts = try scoringParts(batch)
        let g = Self.sum(parts.map { gradient(session, parameters: parameters, part: $0) })
        let hg = Self.sum(try parts.map { try hessianVectorProduct(session, parameters: parameters, part: $0, vector: g) })
        let scores = zip(weights, hg).map { weight, product in
            (name: weight.name, scores: Self.removalScores(weights: weight.parameter.value, hessianGradient: product))
        }
        return configuration.normalise ? Self.normalised(scores) : scores
    }

    /// The batch's two halves — the first ⌊N/2⌋ examples, then the rest — when `halves`, else the batch.
    func scoringParts(_ batch: Batch) throws -> [Batch] {
        guard configuration.halves else { return [batch] }
        guard batch.count >= 2 else {
            throw PruningError.badConfiguration(method: Self.name, reason: "halves need a batch of at least 2 examples, got \(batch.count)")
        }
        return [batch.examples(0..<batch.count / 2), batch.examples(batch.count / 2..<batch.count)]
    }

    /// The keep masks of `scores` at keep fraction `keepFraction`: the official rule when
    /// `officialThreshold`, else exactly round(f·N) smallest scores kept.
    func masks(_ scores: [(name: String, scores: Tensor)], keepFraction: Double) -> [(name: String, mask: Tensor)] {
        let total = scores.reduce(0) { $0 + $1.scores.count }
        if configuration.officialThreshold {
            return Self.officialMasks(removalScores: scores, removing: Int((1 - keepFraction) * Double(total)))
        }
        return Self.masks(removalScores: scores, keeping: Int((keepFraction * Double(total)).rounded()))
    }

    /// The official keep rule: t = the `count`-th largest S (`torch.topk(all_scores, count)[0][-1]`), keep
    /// S ≤ t, so the boundary entry and its ties stay; nothing is removed when `count` is 0.
    public static func officialMasks(removalScores: [(name: String, scores: Tensor)], removing count: Int)
        -> [(name: String, mask: Tensor)] {
        let sorted = removalScores.flatMap(\.scores.values).sorted(by: >)
        let threshold = count > 0 && count <= sorted.count ? sorted[count - 1] : .infinity
        return removalScores.map { entry in
            let mask = Tensor(zeros: entry.scores.shape)
            let s = entry.scores.data, m = mask.data
            for i in 0..<mask.count where s[i] <= threshold { m[i] = 1 }
            return (entry.name, mask)
        }
    }

    /// S / (|Σ S| + 1e-10), the sum over every entry of every tensor (in Double).
    static func normalised(_ scores: [(name: String, scores: Tensor)]) -> [(name: String, scores: Tensor)] {
        let sum = scores.reduce(0.0) { total, entry in entry.scores.values.reduce(total) { $0 + Double($1) } }
        let denominator = abs(sum) + 1e-10
        return scores.map { entry in
            let result = entry.scores.copy()
            let r = result.data
            for i in 0..<result.count { r[i] = Float(Double(r[i]) / denominator) }
            return (entry.name, result)
        }
    }

    /// Xavier-normal weights for every Linear layer of `model`, std = √(2 / (fan_in + fan_out))
    /// (`nn.init.xavier_normal`), drawn from `random` in module order.
    public static func reinitialiseLinear(_ model: Model, random: inout SeededGenerator) {
        for (_, module) in model.modules {
            guard let linear = module as? Linear else { continue }
            let std = (2 / Float(linear.inFeatures + linear.outFeatures)).squareRoot()
            let w = linear.weight.value.data
            for i in 0..<linear.weight.value.count { w[i] = std * random.nextNormal() }
        }
    }

    /// The entrywise sum of per-part tensor lists.
    static func sum(_ parts: [[Tensor]]) -> [Tensor] {
        guard let first = parts.first else { return [] }
        return first.indices.map { index in
            let total = first[index].copy()
            let t = total.data
            for part in parts.dropFirst() {
                let p = part[index].data
                for i in 0..<total.count { t[i] += p[i] }
            }
            return total
        }
    }
}
