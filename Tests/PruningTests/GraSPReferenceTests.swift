import Data
import Foundation
import HDF5
import NN
import Pruning
import Testing

/// GraSP against the official code's conventions run in PyTorch (tools/hvp_fixtures.py, group `grasp` of
/// Tests/ModelTests/Fixtures/hvp-lenet5.h5): LeNet-5 at the fixture's weights, its 100 Fashion-MNIST images
/// (10 per class) as the scoring batch, T = 200, no Linear re-initialisation, 12.5 % of the prunable weights kept.
@Suite struct GraSPReferenceTests {
    /// The fixture file, shared with the HVP fixture tests of ModelTests.
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../ModelTests/Fixtures/hvp-lenet5.h5").standardized.path

    static func tensors(_ file: File, _ group: String) throws -> [String: Tensor] {
        Dictionary(uniqueKeysWithValues: try file.group(group).children().map { child in
            let dataset = try file.dataset("\(group)/\(child.name)")
            return (child.name, Tensor(shape: dataset.shape, values: try dataset.read(as: Float.self)))
        })
    }

    /// A GraSP session on the fixture's model and batch (the session's training split is the batch, so
    /// `samplesPerClass` = 10 takes all of it) at the compression that keeps 12.5 % of the prunable weights.
    static func session(_ file: File) throws -> (session: Session, method: GraSP) {
        var random = SeededGenerator(seed: 0)
        let model = try Model(try Architecture(json: try file.root.stringAttribute("architecture")), random: &random)
        let state = try tensors(file, "state_dict")
        let images = try file.dataset("batch/images")
        let split = ImageSplit(images: Tensor(shape: images.shape, values: try images.read(as: Float.self)),
                               labels: try file.dataset("batch/labels").read(as: Int64.self).map { Int32($0) })
        var configuration = GraSP.Configuration()
        configuration.reinitialiseLinear = false
        configuration.temperature = Float(try file.group("grasp").scalarAttribute("temperature", as: Double.self))
        let density = try file.group("grasp").scalarAttribute("density", as: Double.self)
        let probe = PrunableParameter.list(in: model, scope: GraSP(configuration: configuration).scope)
        let prunable = Double(probe.reduce(0) { $0 + $1.count }), total = Double(model.parameterCount)
        let method = GraSP(configuration: configuration)
        let session = try Session(method: method, model: model,
                                  data: SessionData(training: split, validation: split, normalization: FashionMNIST.normalization),
                                  compression: total / (total - prunable + density * prunable), seed: 0, budget: 0,
                                  recipe: Fixtures.recipe)
        try model.load(stateDict: state)  // after the session's re-initialisation of an at-init method
        return (session, method)
    }

    /// The scores `run` ranks (`GraSP.scores`: S = −θ ⊙ Hg on the session's batch, summed over its two
    /// halves and divided by |Σ S|, as the official code) against the official code's, for every prunable
    /// weight (the classifier is not prunable by default): both scaled to unit norm over those weights,
    /// relative error ≤ 1e-4.
    @Test func scoresMatchTheOfficialCode() throws {
        let file = try File.open(Self.path)
        let (session, method) = try Self.session(file)
        let scores = try method.scores(session)
        let reference = try Self.tensors(file, "grasp/scores")
        #expect(Set(scores.map(\.name)).isSubset(of: Set(reference.keys)) && scores.count == reference.count - 1)
        let norm = { (tensors: [Tensor]) in tensors.reduce(0.0) { $0 + $1.values.reduce(0.0) { $0 + Double($1) * Double($1) } }.squareRoot() }
        let ours = norm(scores.map(\.scores)), theirs = norm(try scores.map { try #require(reference[$0.name]) })
        var difference = 0.0
        for (name, s) in scores {
            let r = try #require(reference[name])
            for i in 0..<s.count {
                let d = Double(s[flat: i]) / ours - Double(r[flat: i]) / theirs
                difference += d * d
            }
        }
        print("GraSP LeNet-5 scores against the official code: relative error \(difference.squareRoot())")
        #expect(difference.squareRoot() <= 1e-4)
    }

    /// The kept set of `GraSP.run` overlaps the reference's by ≥ 99 % (exact products agree to float rounding;
    /// only near-ties at the threshold may swap).
    @Test func keptSetMatchesTheOfficialCode() throws {
        let file = try File.open(Self.path)
        let (session, method) = try Self.session(file)
        let reference = try Self.tensors(file, "grasp/kept")
        let kept = try file.group("grasp").scalarAttribute("kept", as: Int64.self)
        try method.run(session)
        var common = 0, count = 0
        for (name, mask) in session.masks {
            let expected = try #require(reference[name], "no reference mask for \(name)")
            count += mask.values.reduce(0) { $0 + Int($1) }
            common += zip(mask.values, expected.values).reduce(0) { $0 + ($1.0 == 1 && $1.1 == 1 ? 1 : 0) }
        }
        #expect(Int64(count) == kept)
        let overlap = Double(common) / Double(kept)
        print("GraSP LeNet-5 at 12.5 %: kept-set overlap with the PyTorch reference \(common)/\(kept) = \(overlap)")
        #expect(overlap >= 0.99, "overlap \(overlap)")
    }
}
