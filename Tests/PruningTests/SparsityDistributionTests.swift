import Foundation
import NN
import Pruning
import Testing

/// ER/ERK densities against the RigL card's hand-computed vectors and the exactness of the initial mask.
@Suite struct SparsityDistributionTests {
    @Test func erkOnAnMLPMakesTheLastLayerDense() throws {
        // 784-300-100-10 at S = 0.9: r = 1084/235200, 400/30000, 110/1000. All sparse: ε = 26620/1594 = 16.70,
        // ε·0.11 > 1, so the last layer is dense and ε = (26620 − 1000)/(1084 + 400) = 17.264 (card).
        let shapes = [[300, 784], [100, 300], [10, 100]]
        let (densities, epsilon) = try SparsityDistribution.erdosRenyiKernel.densities(shapes: shapes, keepFraction: 0.1)
        #expect(abs(epsilon - 25620.0 / 1484) < 1e-9)
        #expect(abs((1 - densities[0]) - 0.9204) < 5e-5)
        #expect(abs((1 - densities[1]) - 0.7698) < 5e-5)
        #expect(densities[2] == 1)
        let counts = try SparsityDistribution.erdosRenyiKernel.keptCounts(shapes: shapes, keepFraction: 0.1)
        #expect(counts.reduce(0, +) == 26620) // overall density exactly 0.1
        #expect(counts[2] == 1000)
    }

    @Test func erkOnLeNet5MatchesTheCard() throws {
        // PyTorch shapes of (5,5,1,6), (5,5,6,16), 400×120, 120×84, 84×10; Σ r_l N_l = 17 + 32 + 520 + 204 + 94 = 867,
        // ε = 6147/867 ≈ 7.09; sparsities ≈ (0.1965, 0.9055, 0.9232, 0.8565, 0.2066).
        let shapes = [[6, 1, 5, 5], [16, 6, 5, 5], [120, 400], [84, 120], [10, 84]]
        let (densities, epsilon) = try SparsityDistribution.erdosRenyiKernel.densities(shapes: shapes, keepFraction: 0.1)
        #expect(abs(epsilon - 6147.0 / 867) < 1e-9)
        let expected = [0.1965, 0.9055, 0.9232, 0.8565, 0.2066]
        for (density, sparsity) in zip(densities, expected) { #expect(abs((1 - density) - sparsity) < 5e-5) }
    }

    @Test func erIgnoresTheKernelAndCountsAreExact() throws {
        // The fixture's conv [4,1,3,3] (36) and linear [12,36] (432) at f = 0.2: target 93.6 → 94 kept.
        // ER: r = 5/4 and 48/432; ε = 93.6/93 makes the conv's density 1.26 → dense (36); then
        //     ε = (93.6 − 36)/48 = 1.2, linear density 1.2·48/432 = 0.1333 → 57.6 → 58 (largest remainder).
        // ERK: r = 11/36 and 48/432; ε = 93.6/59; conv 17.45, linear 76.15 → floors 17 + 76, the conv gets the 94th.
        let shapes = [[4, 1, 3, 3], [12, 36]]
        #expect(try SparsityDistribution.erdosRenyi.keptCounts(shapes: shapes, keepFraction: 0.2) == [36, 58])
        #expect(try SparsityDistribution.erdosRenyiKernel.keptCounts(shapes: shapes, keepFraction: 0.2) == [18, 76])
        #expect(try SparsityDistribution.uniform.keptCounts(shapes: shapes, keepFraction: 0.2) == [7, 87])
        #expect(throws: PruningError.self) { try SparsityDistribution.erdosRenyi.keptCounts(shapes: shapes, keepFraction: 0) }
    }

    /// Small ERK/uniform cases by hand (moved from GaP's former `LayerDensity`). Two 16-entry tensors [4, 4]
    /// (raw (4+4)/16 = ½) and [2, 8] (raw 10/16) at f = ½: ε = 16/18, ideal 7.11 and 8.89 → floors 7 + 8, the
    /// 16th to the larger remainder. A [1, 2] tensor (raw 3/2) beside a [10, 10] one (raw 0.2) at f = ½:
    /// ε = 51/23 would give the small one density 3.3, so it is dense (2) and the other keeps the remaining
    /// 49. Uniform [10, 10] and [3, 3] at f = ¼: ideal 25 and 2.25, total 27.25 → 27, so [25, 2] (the old
    /// per-tensor N − ⌊(1 − f)N⌋ gave [25, 3]).
    @Test func smallTensorsByHand() throws {
        #expect(try SparsityDistribution.erdosRenyiKernel.keptCounts(shapes: [[4, 4], [2, 8]], keepFraction: 0.5) == [7, 9])
        #expect(try SparsityDistribution.erdosRenyiKernel.keptCounts(shapes: [[1, 2], [10, 10]], keepFraction: 0.5) == [2, 49])
        #expect(try SparsityDistribution.uniform.keptCounts(shapes: [[10, 10], [3, 3]], keepFraction: 0.25) == [25, 2])
    }

    @Test(arguments: [2.0, 4.0, 8.0])
    func initialMaskMeetsTheTarget(compression: Double) throws {
        for method in [RigL() as any PruningMethod, SET(), SupTickets()] {
            let session = try Fixtures.session(method, compression: compression, budget: 0)
            try session.execute()
            let target = try session.keepFraction * Double(session.prunableCount)
            #expect(session.keptCount == Int(target.rounded()), "\(type(of: method).name) at \(compression)")
            // Per layer within one weight of density_l · N_l (ERK for RigL, ER for SET, hand formula).
            let shapes = session.prunable.map(\.parameter.value.shape)
            let kind: SparsityDistribution = method is SET ? .erdosRenyi : .erdosRenyiKernel
            let (densities, _) = try kind.densities(shapes: shapes, keepFraction: session.keepFraction)
            for (entry, density) in zip(session.prunable, densities) {
                let kept = Mask.keptCount(try #require(entry.parameter.mask))
                #expect(abs(Double(kept) - density * Double(entry.count)) < 1)
            }
        }
    }
}
