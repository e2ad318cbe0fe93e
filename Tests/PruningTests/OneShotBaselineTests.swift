import NN
import Pruning
import Testing

/// ShrinkBench's magnitude and activation baselines through `run` (card `shrinkbench-baselines.md`), against
/// scores computed naively here: a global method keeps the highest scores over all prunable tensors (weights
/// and biases), a layer method the highest of each tensor, each to within one entry of f × size.
@Suite struct OneShotBaselineTests {
    /// |θ| of every prunable entry.
    private static func magnitudes(_ session: Session) -> [String: [Float]] {
        Dictionary(uniqueKeysWithValues: session.prunable.map { ($0.name, $0.parameter.value.values.map(abs)) })
    }

    /// ShrinkBench's activation scores from the layer inputs of the seeded scoring batch in training mode:
    /// n_c = mean over positions of |batch mean of x_c|; |W·n_in| per weight, |b·mean(n)| per bias.
    private static func activationScores(_ session: Session) throws -> [String: [Float]] {
        let inputs = session.layerInputs(on: try session.scoringBatch(size: 128), mode: .training)
        var scores: [String: [Float]] = [:]
        for entry in session.prunable {
            let x = try #require(inputs[entry.modulePath])
            let batch = x.shape[0], channels = x.shape[1], positions = x.count / (batch * channels)
            let norms = (0..<channels).map { c in
                var sum: Float = 0
                for p in 0..<positions {
                    var mean: Float = 0
                    for b in 0..<batch { mean += x[flat: (b * channels + c) * positions + p] }
                    sum += abs(mean / Float(batch))
                }
                return sum / Float(positions)
            }
            let value = entry.parameter.value
            if entry.role == .weight {
                let perInput = value.count / (value.shape[0] * channels)
                scores[entry.name] = (0..<value.count).map { abs(value[flat: $0] * norms[($0 / perInput) % channels]) }
            } else {
                let meanNorm = norms.reduce(0, +) / Float(channels)
                scores[entry.name] = value.values.map { abs($0 * meanNorm) }
            }
        }
        return scores
    }

    /// The masks keep the top of `scores` per threshold scope: kept count within one entry of f × size and
    /// no pruned entry scoring above a kept one.
    private static func expectTop(_ session: Session, _ scores: [String: [Float]], global: Bool) throws {
        let f = try session.keepFraction
        let masks = session.masks
        let scopes = global ? [masks.map(\.name)] : masks.map { [$0.name] }
        for scope in scopes {
            var kept: [Float] = [], pruned: [Float] = []
            for (name, mask) in masks where scope.contains(name) {
                let s = try #require(scores[name])
                for i in 0..<mask.count { if mask[flat: i] != 0 { kept.append(s[i]) } else { pruned.append(s[i]) } }
            }
            let size = Double(kept.count + pruned.count)
            #expect(abs(Double(kept.count) - f * size) <= 1, "\(scope): kept \(kept.count) of \(size), f = \(f)")
            let lowest = kept.min() ?? .infinity, highest = pruned.max() ?? 0
            #expect(lowest >= highest * (1 - 1e-6), "\(scope): a pruned score \(highest) above a kept \(lowest)")
        }
        // On this fixture one global threshold and per-tensor thresholds give different masks.
        let perTensorAtF = masks.allSatisfy { abs(Double(Mask.keptCount($0.mask)) - f * Double($0.mask.count)) <= 1 }
        #expect(perTensorAtF != global, "the fixture cannot tell global from layer-wise thresholds apart")
    }

    @Test(arguments: ["global-magnitude", "layer-magnitude"])
    func magnitudeBaselinesKeepTheLargestMagnitudes(name: String) throws {
        let session = try Fixtures.session(MethodRegistry.method(named: name), compression: 4)
        #expect(session.prunable.map(\.name) == ["0.weight", "0.bias", "5.weight", "5.bias"])
        let scores = Self.magnitudes(session)
        try session.method.run(session)
        try Self.expectTop(session, scores, global: name.hasPrefix("global"))
    }

    @Test(arguments: ["global-activation", "layer-activation"])
    func activationBaselinesKeepTheLargestWeightTimesActivation(name: String) throws {
        let session = try Fixtures.session(MethodRegistry.method(named: name), compression: 4)
        let scores = try Self.activationScores(session)
        try session.method.run(session)
        try Self.expectTop(session, scores, global: name.hasPrefix("global"))
    }
}
