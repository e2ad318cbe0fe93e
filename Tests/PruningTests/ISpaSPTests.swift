import Data
import Foundation
import NN
import Testing
@testable import Pruning
import Training

/// The card tests of `ispasp.md` (through `ISpaSP.run` and the search it runs), one iteration traced by hand, and
/// the sizes it shares with l1-filter.
@Suite struct ISpaSPTests {
    /// A linear next layer with the given weights (rows = outputs) and no bias.
    static func linear(_ rows: [[Float]]) -> Linear {
        var random = SeededGenerator(seed: 0)
        let layer = Linear(inFeatures: rows[0].count, outFeatures: rows.count, bias: false, random: &random)
        layer.weight.value.assign(from: Tensor(shape: [rows.count, rows[0].count], values: rows.flatMap { $0 }))
        return layer
    }

    @Test func oneIterationTracedByHand() {
        // H = [1, 5, 6], W2 columns (1, 0, 0), (−0.9, 0.4359, 0), (0, 0, 0.5): Y = V = [−3.5, 2.1795, 3] (S = ∅),
        // G = V·W2 = [−3.5, 4.10, 1.5]. The 2s = 2 largest signed u are units 1 and 2; of those, unit 2 has the
        // largest activation (6). (|u| would take units 1 and 0, then unit 1; ranking by u instead of a, unit 1.)
        let next = Self.linear([[1, -0.9, 0], [0, 0.4359, 0], [0, 0, 0.5]])
        let search = ISpaSP.SupportSearch(next: next, input: Tensor(shape: [1, 3], values: [1, 5, 6]), channels: 3, threads: 1)
        let g = search.perChannel(search.proxy(residual: Tensor(shape: [1, 3], values: [-3.5, 2.1795, 3])), absolute: false)
        let errors: [Double] = [abs(g[0] + 3.5), abs(g[1] - 4.1), abs(g[2] - 1.5)]
        #expect(errors.allSatisfy { $0 < 1e-3 }, "\(g)")
        #expect(search.run(size: 1, iterations: 1) == [2])
    }

    @Test func cardTest4ProxyIsResidualTimesWeights() {
        var random = SeededGenerator(seed: 7)
        let rows = (0..<6).map { _ in (0..<5).map { _ in random.nextUniform(-1, 1) } }
        let input = Tensor(shape: [4, 5], values: (0..<20).map { _ in random.nextUniform(0, 2) })
        let residual = Tensor(shape: [4, 6], values: (0..<24).map { _ in random.nextUniform(-1, 1) })
        let search = ISpaSP.SupportSearch(next: Self.linear(rows), input: input, channels: 5, threads: 1)
        let g = search.proxy(residual: residual)
        for b in 0..<4 {
            for i in 0..<5 {
                let expected = (0..<6).reduce(Float(0)) { $0 + residual[flat: b * 6 + $1] * rows[$1][i] }
                #expect(abs(g[flat: b * 5 + i] - expected) < 1e-5)
            }
        }
    }

    @Test func cardTest1ExactRecoveryOfTheLiveUnits() throws {
        // 20 inputs → 50 hidden ReLU units → 10 outputs; every unit outside S* (10 units) has a bias of −1000, so
        // it is dead on every input and Y = Y_S*. Compression 1560/320 = 4.875 is exactly 10 hidden units.
        let architecture = Architecture(name: "sequential", classes: 10, inputChannels: 1, inputSize: [4, 5],
                                        layers: [LayerSpec(.flatten), LayerSpec(.linear, out: 50), LayerSpec(.relu), LayerSpec(.linear)])
        var random = SeededGenerator(seed: 11)
        let model = try Model(architecture, random: &random)
        func split(_ count: Int) -> ImageSplit {
            ImageSplit(images: Tensor(shape: [count, 1, 4, 5], values: (0..<(count * 20)).map { _ in random.nextUniform(0, 255).rounded() }),
                       labels: (0..<count).map { _ in Int32(random.nextIndex(below: 10)) })
        }
        let data = SessionData(training: split(64), validation: split(16),
                               normalization: Normalization(scale: 1 / 255, mean: [0.4], std: [0.3]))
        let live = Set(stride(from: 3, to: 50, by: 5))
        let session = try Session(method: ISpaSP(), model: model, data: data, compression: 4.875, seed: 1, budget: 0,
                                  recipe: Fixtures.recipe)
        let bias = try session.prunableParameter("1.bias").parameter.value
        for unit in 0..<50 where !live.contains(unit) { bias[flat: unit] = -1000 }
        try session.method.run(session)
        let mask = try #require(Dictionary(uniqueKeysWithValues: session.masks)["1.bias"])
        #expect(Set((0..<50).filter { mask[flat: $0] != 0 }) == live)
    }

    @Test func sizesAreL1FiltersSoTheyCompareAtEqualSize() throws {
        for kind in [TargetKind.compression, .speedup] {
            var kept: [String: [String: Int]] = [:]
            for name in ["ispasp", "l1-filter"] {
                var random = SeededGenerator(seed: 5)
                let model = try Model(DropNetTests.lenet, random: &random)
                let session = try Session(method: try MethodRegistry.method(named: name), model: model,
                                          data: L1FilterTests.data(size: 12), compression: 3, seed: 2, budget: 0,
                                          recipe: Fixtures.recipe)
                session.targetKind = kind
                try session.method.run(session)
                let masks = Dictionary(uniqueKeysWithValues: session.masks)
                kept[name] = try Dictionary(uniqueKeysWithValues: ["conv1", "conv2", "fc1", "fc2"].map { layer in
                    (layer, try #require(masks[layer + ".bias"]).values.filter { $0 != 0 }.count)
                })
            }
            #expect(kept["ispasp"] == kept["l1-filter"], "\(kind): \(kept)")
            let total: Int = kept["ispasp"]!.values.reduce(0, +), dense: Int = 6 + 16 + 120 + 84
            #expect(total < dense)
        }
    }
}
