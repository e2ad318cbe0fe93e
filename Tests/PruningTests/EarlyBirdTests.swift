import Data
import Foundation
import NN
import Testing
@testable import Pruning
import Training

/// The card tests of `early-bird-spline.md` part A (the detector `EarlyBird.run` feeds, the global threshold it
/// cuts with) and whole runs on a small VGG.
@Suite struct EarlyBirdTests {
    @Test func cardTest1MaskDistance() {
        let m = [true, false, true, true, false, false, true, false, true, true]
        #expect(EarlyBird.Detector.distance(m, m) == 0)
        #expect(EarlyBird.Detector.distance(m, m.map { !$0 }) == 1)
        var one = m, two = m
        one[3].toggle()
        two[3].toggle()
        two[8].toggle()
        #expect(EarlyBird.Detector.distance(m, one) == 0.1)
        #expect(EarlyBird.Detector.distance(m, two) == 0.2)
        // 0.1 still passes (the code rejects only distances above ε); 0.2 rejects.
        var passes = EarlyBird.Detector(window: 2, distance: 0.1), rejects = EarlyBird.Detector(window: 2, distance: 0.1)
        _ = passes.add(m)
        _ = rejects.add(m)
        let accepted = passes.add(one), rejected = !rejects.add(two)
        #expect(accepted)
        #expect(rejected)
    }

    @Test func cardTest2DetectionFiresWhenTheFIFOHoldsFiveStableMasks() {
        // The top set stops changing at epoch 7; earlier masks differ from it (and from each other) in 2 of 10 places.
        let final = [true, true, true, false, false, false, false, false, false, false]
        var detector = EarlyBird.Detector(window: 5, distance: 0.1)
        var fired: [Int] = []
        for epoch in 0...14 {
            var mask = final
            if epoch <= 6 {
                mask[0] = false
                mask[3 + epoch] = true
            }
            if detector.add(mask) { fired.append(epoch) }
        }
        #expect(fired.first == 11, "fired at \(fired)")
    }

    @Test func cardTest3GlobalThreshold() {
        // γ = [0.1, 0.5, 0.2 | 0.05, 0.9], p = 0.4: threshold 0.2, keep |γ| > 0.2 → [0, 1, 0 | 0, 1] (3 channels go).
        let order = NetworkSlimming.removalOrder([("a", [0.1, 0.5, 0.2]), ("b", [0.05, 0.9])])
        #expect(NetworkSlimming.keptAfterRemoving(3, order: order, channels: ["a": 3, "b": 2])
                == ["a": [false, true, false], "b": [false, true]])
    }

    static func session(configuration: String, budget: Int, target: Double = 2) throws -> Session {
        var random = SeededGenerator(seed: 3)
        let model = try Model(NetworkSlimmingTests.vgg, random: &random)
        let method = try MethodRegistry.method(named: "early-bird", configuration: Data(configuration.utf8))
        return try Session(method: method, model: model, data: L1FilterTests.data(size: 8), compression: target,
                           seed: 4, budget: budget, recipe: Fixtures.recipe)
    }

    @Test func aStableMaskIsPrunedAtItsTicketAndTrainingContinues() throws {
        // ε = 1 accepts any mask: the ticket is the 5th check (step 4 with a check every step), well before the limit.
        let session = try Self.session(configuration: #"{"checkEvery": 1, "distance": 1}"#, budget: 20)
        try session.method.run(session)
        #expect(session.budget.used == 20 && session.budget.remaining == 0)
        #expect(session.trainingLog.map(\.phase) == ["early-bird search and training"])
        let masks = Dictionary(uniqueKeysWithValues: session.masks)
        let gamma = try #require(masks["features.1.weight"])
        #expect(gamma.values.contains(0))
        // The removed channels' γ are exactly zero after training continued with the masks.
        let value = try session.prunableParameter("features.1.weight").parameter.value
        for c in 0..<gamma.count where gamma[flat: c] == 0 { #expect(value[flat: c] == 0) }
    }

    @Test func withoutATicketItPrunesAtTheSearchLimit() throws {
        // ε = 0 needs five identical masks; a check every 2 steps over a limit of 6 steps gives only 4 checks.
        var reports: [String] = []
        var random = SeededGenerator(seed: 3)
        let model = try Model(NetworkSlimmingTests.vgg, random: &random)
        let method = try MethodRegistry.method(named: "early-bird", configuration: Data(#"{"checkEvery": 2, "distance": 0, "searchLimit": 0.5}"#.utf8))
        let session = try Session(method: method, model: model, data: L1FilterTests.data(size: 8), compression: 2,
                                  seed: 4, budget: 12, recipe: Fixtures.recipe) { reports.append($0.phase) }
        try session.method.run(session)
        #expect(session.events == [MethodEvent(kind: "early-bird-search-limit", step: 6,
                                               detail: "no ticket by step 6 of 12: pruned with the current mask")])
        #expect(reports.contains(session.events[0].description), "\(reports.filter { !$0.hasPrefix("early-bird search") })")
        #expect(session.masks.contains { $0.mask.values.contains(0) })
    }

    @Test func theTicketComesEarlyWhenTheMaskSettles() throws {
        var reports: [String] = []
        var random = SeededGenerator(seed: 3)
        let model = try Model(NetworkSlimmingTests.vgg, random: &random)
        let method = try MethodRegistry.method(named: "early-bird", configuration: Data(#"{"checkEvery": 1, "distance": 1}"#.utf8))
        let session = try Session(method: method, model: model, data: L1FilterTests.data(size: 8), compression: 2,
                                  seed: 4, budget: 20, recipe: Fixtures.recipe) { reports.append($0.phase) }
        try session.method.run(session)
        // Checks at steps 0, 1, 2, 3, 4: the FIFO of 5 is full at step 4.
        #expect(session.events.map(\.kind) == ["early-bird-ticket"] && session.events.map(\.step) == [4], "\(session.events)")
        #expect(reports.contains("early-bird-ticket@4: ticket found at step 4 of 20"), "\(reports.filter { !$0.hasPrefix("early-bird search") })")
    }

    @Test func needsBatchNorm() throws {
        var random = SeededGenerator(seed: 0)
        #expect(EarlyBird.notApplicable(to: try Model(DropNetTests.lenet, random: &random)) != nil)
    }

    @Test func theSearchCarriesNetworkSlimmingsPenalty() throws {
        // Compression 1 removes nothing: the batch-norm scales after training show the penalty alone.
        func totalScale(lambda: Double) throws -> Double {
            let session = try Self.session(configuration: #"{"lambda": \#(lambda), "checkEvery": 1}"#, budget: 12, target: 1)
            try session.method.run(session)
            return NetworkSlimming.batchNormScales(session.model).reduce(0.0) { sum, gamma in
                sum + gamma.value.values.reduce(0.0) { $0 + Double(abs($1)) }
            }
        }
        let plain = try totalScale(lambda: 0), penalised = try totalScale(lambda: 0.5)
        #expect(penalised < plain - 1, "Σ|γ| \(penalised) with λ = 0.5, \(plain) without")
    }
}
