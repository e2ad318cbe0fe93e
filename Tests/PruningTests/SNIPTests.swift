import NN
import Pruning
import Testing

/// The tiny-network tests of snip.md.
@Suite struct SNIPTests {
    /// Card test 1: y = w1 x1 + w2 x2, L = ½(y − t)², x = (1, 2), w = (0.5, −1), t = 0 gives
    /// dL/dw = (−1.5, −3) by hand, s = (0.2, 0.8): at 50 % sparsity keep w2.
    @Test func cardExampleKeepsTheSecondWeight() {
        let s = SNIP.sensitivities(weights: [0.5, -1], gradients: [-1.5, -3])
        #expect(abs(s[0] - 0.2) < 1e-12 && abs(s[1] - 0.8) < 1e-12)
        let masks = Mask.keepingTop([("w", Tensor(shape: [2], values: s.map(Float.init)))], count: 1)
        #expect(masks[0].mask.values == [0, 1])
    }

    /// Card test 2: scaling the loss by c scales every gradient by c; sensitivities (and so the mask) do not change.
    @Test func lossScaleDoesNotChangeTheMask() {
        var random = SeededGenerator(seed: 4)
        let w = (0..<50).map { _ in random.nextNormal() }
        let g = (0..<50).map { _ in random.nextNormal() }
        let mask = { (s: [Double]) in Mask.keepingTop([("w", Tensor(shape: [50], values: s.map(Float.init)))], count: 17)[0].mask }
        let base = SNIP.sensitivities(weights: w, gradients: g)
        for c: Float in [0.001, 7, 1000] {
            #expect(mask(SNIP.sensitivities(weights: w, gradients: g.map { $0 * c })).isBitwiseEqual(to: mask(base)))
        }
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
