import NN
import Pruning
import Testing

/// The tiny-network tests of grasp.md (test 2, Hg against PyTorch's double backward on LeNet-300-100 and
/// LeNet-5, is in Tests/ModelTests/HessianVectorProductFixtureTests; GraSP's scores and kept set against
/// the official code in GraSPReferenceTests).
@Suite struct GraSPTests {
    /// Card test 1: L(θ) = ½ θᵀAθ, A = diag(2, 1), θ = (1, 1): g = Aθ = (2, 1), Hg = Ag = (4, 1),
    /// S = −θ ⊙ Hg = (−4, −1); at 50 % the largest S (θ₂'s) is removed.
    @Test func quadraticToyRemovesTheLargestScore() {
        let scores = GraSP.removalScores(weights: Tensor(shape: [2], values: [1, 1]),
                                         hessianGradient: Tensor(shape: [2], values: [4, 1]))
        #expect(scores.values == [-4, -1])
        let masks = GraSP.masks(removalScores: [("theta", scores)], keeping: 1)
        #expect(masks[0].mask.values == [1, 0])
    }

    /// On the fixture network: exact count, and the trained network keeps its own initialisation
    /// (the Xavier re-draw of Linear weights only touches the scoring pass).
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
