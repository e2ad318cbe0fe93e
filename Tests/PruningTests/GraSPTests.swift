import NN
import Pruning
import Testing

/// The tiny-network tests of grasp.md (test 2, the HVP against an exact Hessian, is in HessianVectorProductTests).
@Suite struct GraSPTests {
    /// Scores of L(θ) = (c/2) θᵀAθ: g = cAθ, Hg by the finite-difference helper, S = −θ ⊙ Hg.
    static func quadraticScores(_ a: [[Float]], theta: [Float], c: Float = 1) -> Tensor {
        let parameter = Parameter(Tensor(shape: [theta.count], values: theta))
        let gradient = {
            [Tensor(shape: [theta.count], values: a.map { row in c * zip(row, parameter.value.values).reduce(0) { $0 + $1.0 * $1.1 } })]
        }
        let g = gradient()
        let hg = HessianVectorProduct.centralDifference(parameters: [parameter], vector: g, gradient: gradient)[0]
        return GraSP.removalScores(weights: parameter.value, hessianGradient: hg)
    }

    /// Card test 1: A = diag(2, 1), θ = (1, 1): g = (2, 1), Hg = (4, 1), S = (−4, −1); at 50 % remove θ₂.
    @Test func quadraticToyRemovesTheLargestScore() {
        let scores = Self.quadraticScores([[2, 0], [0, 1]], theta: [1, 1])
        #expect(abs(scores[flat: 0] + 4) < 1e-3 && abs(scores[flat: 1] + 1) < 1e-3, "\(scores.values)")
        let masks = GraSP.masks(removalScores: [("theta", scores)], keeping: 1)
        #expect(masks[0].mask.values == [1, 0])
    }

    /// Card test 3: scaling the loss by c scales every score by c², so the mask does not change.
    @Test func lossScaleScalesScoresByCSquared() {
        var random = SeededGenerator(seed: 8)
        let b = (0..<6).map { _ in (0..<6).map { _ in random.nextNormal() } }
        let a = (0..<6).map { i in (0..<6).map { j in (0..<6).reduce(Float(0)) { $0 + b[$1][i] * b[$1][j] } } }  // BᵀB
        let theta = (0..<6).map { _ in random.nextNormal() }
        let base = Self.quadraticScores(a, theta: theta)
        let baseMask = GraSP.masks(removalScores: [("t", base)], keeping: 3)[0].mask
        for c: Float in [0.1, 10] {
            let scaled = Self.quadraticScores(a, theta: theta, c: c)
            #expect(zip(scaled.values, base.values).allSatisfy { abs($0 - c * c * $1) <= 1e-2 * max(1, abs(c * c * $1)) })
            #expect(GraSP.masks(removalScores: [("t", scaled)], keeping: 3)[0].mask.isBitwiseEqual(to: baseMask))
        }
    }

    /// On the fixture network: exact count, and the trained network keeps its own initialisation
    /// (the Xavier re-draw of Linear weights and the HVP perturbations only touch the scoring pass).
    @Test func keepsTheOriginalInitialisationAndTheExactCount() throws {
        let session = try Fixtures.session(GraSP(), compression: 3)
        let initial = session.snapshot()
        try session.execute { pruned in
            let target = try InitialisationScoring.keptCount(pruned)
            #expect(pruned.keptCount == target)
            let masks = Dictionary(uniqueKeysWithValues: pruned.masks.map { ($0.name, $0.mask) })
            for ((name, now), (_, before)) in zip(pruned.model.stateDict(), initial.state) {
                let mask = masks[name]
                let unchanged = (0..<now.count).allSatisfy { i in
                    mask.map { $0[flat: i] == 0 } == true ? now[flat: i] == 0 : now[flat: i].bitPattern == before[flat: i].bitPattern
                }
                #expect(unchanged, "\(name) differs from the initialisation")
            }
        }
    }
}
