import NN
import Pruning
import Testing

/// The tiny-network tests of snip.md.
@Suite struct SNIPTests {
    /// Card test 1 through `run`, on a linear classifier instead of the card's squared-error neuron (the harness
    /// loss is cross-entropy): s = |θ ⊙ dL/dθ| from the closed-form gradient, at init weights set by hand.
    /// Compression 2.5 with the 3 biases unprunable keeps round(12·(15/2.5 − 3)/12) = 3 of the 12 weights.
    /// (Card test 2, "scaling the loss keeps the mask", is not a test of the code: the ranking of s is invariant
    /// under any common factor by construction, and `run` has no loss scale to vary.)
    @Test func cardExampleKeepsTheLargestWeightTimesGradient() throws {
        var configuration = SNIP.Configuration()
        configuration.pruneClassifier = true
        let session = try TinyLinear.session(SNIP(configuration: configuration), compression: 2.5)
        try session.method.run(session)
        let (gW, _) = TinyLinear.gradients()
        let w = TinyLinear.weight
        let expected = TinyLinear.top(zip(w, gW).map { abs($0 * $1) }, 3)
        #expect(expected != TinyLinear.top(w.map(abs), 3), "the case must tell |θ ⊙ g| from |θ|")
        #expect(expected != TinyLinear.top(gW.map(abs), 3), "the case must tell |θ ⊙ g| from |g|")
        let masks = Dictionary(uniqueKeysWithValues: session.masks)
        #expect(masks.keys.sorted() == ["1.weight"])
        #expect(TinyLinear.kept(masks["1.weight"]) == expected)
        #expect(expected == [2, 5, 10]) // PyTorch's autograd on the same numbers
    }

    /// Card test 3 and the at-init invariants: exactly round(f × prunable) kept, the model starts from
    /// the run's seeded initialisation (not the checkpoint), and the kept weights are the most sensitive.
    @Test func exactCountFromSeededInitialisation() throws {
        let session = try Fixtures.session(SNIP(), compression: 3)
        let checkpoint = try Fixtures.model()
        #expect(!session.model.parameters[0].parameter.value.isBitwiseEqual(to: checkpoint.parameters[0].parameter.value))
        let batch = try session.scoringBatch(size: 128)
        let parameters = session.prunable.map(\.parameter)
        let gradients = InitialisationScoring.lossGradients(model: session.model, parameters: parameters, batch: batch)
        let scores = zip(parameters, gradients).flatMap { p, g in zip(p.value.values, g.values).map { abs($0 * $1) } }
        try session.execute { pruned in
            let target = try InitialisationScoring.keptCount(pruned)
            #expect(pruned.keptCount == target)
        }
        let kept = try InitialisationScoring.keptCount(session)
        let keepFraction = try session.keepFraction
        #expect(abs(Double(kept) - keepFraction * Double(session.prunableCount)) <= 0.5)
        // Same seed, same mask; another seed, another initialisation and mask.
        let same = try Fixtures.session(SNIP(), compression: 3)
        try same.execute()
        #expect(zip(session.masks, same.masks).allSatisfy { $0.mask.isBitwiseEqual(to: $1.mask) })
        let other = try Fixtures.session(SNIP(), compression: 3, seed: 4)
        try other.execute()
        #expect(!zip(session.masks, other.masks).allSatisfy { $0.mask.isBitwiseEqual(to: $1.mask) })
        // Every kept connection is at least as sensitive as every pruned one.
        let keep = session.masks.flatMap { $0.mask.values }
        let keptScores = zip(scores, keep).filter { $1 == 1 }.map(\.0)
        let prunedScores = zip(scores, keep).filter { $1 == 0 }.map(\.0)
        #expect((keptScores.min() ?? 0) >= (prunedScores.max() ?? 0))
        #expect(prunedScores.count > 0 && keptScores.count > 0)
    }
}
