import Data
import Foundation
import HDF5
import NN
import Pruning

/// The PyTorch fixtures of tools/score_fixtures.py: a scoring batch, checkpoints, and per method the
/// reference scores and masks at compression 8 (see the script's docstring and docs/scores.md).
enum ScoreFixture {
    /// The fixture models; `lenet5.h5` is a plain state_dict (no architecture attribute).
    static let models = ["lenet5", "resnet20", "mlp"]
    /// The methods the fixtures cover besides GraSP.
    static let methods = ["global-magnitude", "layer-magnitude", "global-gradient", "layer-gradient",
                          "global-activation", "layer-activation", "snip", "magnitude-init", "synflow"]
    static let compression = 8.0
    /// GraSP's fixture groups per model: its configurations with re-initialisation off (`grasp`: the
    /// official code's halves and normalisation in inference mode; `grasp-one-pass`: one pass, T = 1, no
    /// normalisation; `grasp-training-mode`: the official training mode, where batch norm exists).
    static let graspCases = [("lenet5", "grasp"), ("lenet5", "grasp-one-pass"), ("mlp", "grasp"), ("mlp", "grasp-one-pass"),
                             ("resnet20", "grasp"), ("resnet20", "grasp-training-mode"), ("resnet20", "grasp-one-pass")]

    static func path(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)").path
    }

    /// The scoring batch file (its training split is the batch; its attributes hold the normalisation).
    static func batch() throws -> ImageDataset { try DatasetFile.read(path: path("batch.h5")) }

    /// A fresh model holding the checkpoint's weights (`--model lenet5` for the plain state_dict).
    static func model(_ name: String) throws -> Model {
        let checkpoint = try Checkpoint.read(path: path("\(name).h5"))
        let architecture = try checkpoint.decodeArchitecture(as: Architecture.self)
            ?? Architecture(name: name, classes: 10, inputChannels: 1, inputSize: [28, 28])
        var random = SeededGenerator(seed: 0)
        let model = try Model(architecture, random: &random)
        try model.load(stateDict: checkpoint.stateDict)
        return model
    }

    /// The reference of one fixture group on a model: the method's configuration JSON, scores and masks
    /// by parameter name, and f.
    struct Reference {
        let configuration: String
        let scores: [String: [Float]]
        let masks: [String: [Float]]
        let keepFraction: Double
    }

    /// The fixture group `group` (a method's name, or `grasp-…` for GraSP under another configuration).
    static func reference(model: String, method group: String) throws -> Reference {
        let file = try File.open(path("\(model)-scores.h5"))
        let group = try file.group(group)
        func tensors(_ name: String) throws -> [String: [Float]] {
            let inner = try group.openGroup(name)
            var result: [String: [Float]] = [:]
            for child in try inner.children() { result[child.name] = try inner.openDataset(child.name).read(as: Float.self) }
            return result
        }
        return Reference(configuration: try group.stringAttribute("configuration"),
                         scores: try tensors("scores"), masks: try tensors("masks"),
                         keepFraction: try group.scalarAttribute("keep_fraction", as: Double.self))
    }

    /// max |ours − reference| / max |reference| over one tensor.
    static func relativeError(_ ours: [Float], _ reference: [Float]) -> Double {
        precondition(ours.count == reference.count, "\(ours.count) vs \(reference.count) entries")
        var difference = 0.0, scale = 0.0
        for (a, b) in zip(ours, reference) {
            difference = max(difference, abs(Double(a) - Double(b)))
            scale = max(scale, abs(Double(b)))
        }
        return scale > 0 ? difference / scale : difference
    }

    /// Flat indices (over `names` in order) where the masks disagree and the reference score is not
    /// within `tolerance` · max |reference| of the reference's keep boundary (the band between its
    /// largest pruned and smallest kept score, negated scores for a method that keeps the lowest):
    /// disagreements there are ties up to rounding.
    static func unexcusedMaskDifferences(ours: [String: [Float]], reference: Reference, names: [String],
                                         tolerance: Double, ranking: ScoreRanking = .keepHighest) -> [Int] {
        let sign = ranking == .keepHighest ? 1.0 : -1.0
        let scores = names.flatMap { reference.scores[$0] ?? [] }.map { sign * Double($0) }
        let keep = names.flatMap { reference.masks[$0] ?? [] }
        let mine = names.flatMap { ours[$0] ?? [] }
        precondition(scores.count == keep.count && keep.count == mine.count, "mask sizes differ")
        let kept = zip(scores, keep).filter { $1 == 1 }.map(\.0)
        let pruned = zip(scores, keep).filter { $1 == 0 }.map(\.0)
        let scale = scores.map(abs).max() ?? 0
        let low = (pruned.max() ?? kept.min() ?? 0) - tolerance * scale
        let high = (kept.min() ?? pruned.max() ?? 0) + tolerance * scale
        return mine.indices.filter { i in mine[i] != keep[i] && !(scores[i] >= low && scores[i] <= high) }
    }
}
