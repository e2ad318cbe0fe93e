import Foundation
import Testing
@testable import Data
import NN

/// `inspect`'s verdict on a checkpoint is the loader's (issue 18): a file that cannot become a model is not valid,
/// and a model with a NaN weight, a transposed, missing or extra tensor or an impossible architecture is refused
/// with the file and object named, never approved, never a crash.
@Suite struct CheckpointVerdictTests {
    static let architecture = Architecture(name: "mlp", classes: 3, inputChannels: 1, inputSize: [2, 2], widths: [5])

    /// A valid checkpoint of `architecture`, with `edit` applied to its tensors before writing.
    static func write(_ directory: TemporaryDirectory, _ name: String, architecture: Architecture = architecture,
                      edit: (inout [(name: String, tensor: Tensor)]) -> Void = { _ in }) throws -> String {
        var random = SeededGenerator(seed: 1)
        let model = try Model(Self.architecture, random: &random)
        var tensors = model.stateDict().map { (name: $0.name, tensor: $0.tensor.copy()) }
        edit(&tensors)
        var checkpoint = Checkpoint(tensors: tensors)
        try checkpoint.setArchitecture(architecture)
        let path = directory.path(name)
        try checkpoint.write(to: path)
        return path
    }

    @Test func aValidCheckpointLoadsAndPasses() throws {
        let directory = try TemporaryDirectory()
        let path = try Self.write(directory, "ok.h5")
        #expect(try FileVerdict.check(path: path).isValid)
        #expect(try Checkpoint.read(path: path).model(file: path).architecture == Self.architecture)
    }

    @Test(arguments: ["nan", "inf", "transposed", "missing", "extra", "architecture", "huge"])
    func checkpointsThatCannotLoadAreRefused(defect: String) throws {
        let directory = try TemporaryDirectory()
        var architecture = Self.architecture
        if defect == "architecture" { architecture.widths = [7] }
        if defect == "huge" { architecture.widths = [1_000_000_000_000] }
        let path = try Self.write(directory, "\(defect).h5", architecture: architecture) { tensors in
            let index = tensors.firstIndex { $0.name.hasSuffix("weight") }!
            switch defect {
            case "nan": tensors[index].tensor[flat: 3] = .nan
            case "inf": tensors[index].tensor[flat: 0] = -.infinity
            case "transposed":
                let shape = tensors[index].tensor.shape
                tensors[index].tensor = Tensor(shape: [shape[1], shape[0]], repeating: 0.5)
            case "missing": tensors.remove(at: index)
            case "extra": tensors.append((name: "extra.weight", tensor: Tensor(shape: [2], repeating: 1)))
            default: break
            }
        }
        let verdict = try FileVerdict.check(path: path)
        #expect(!verdict.isValid && verdict.kind == .checkpoint, "\(verdict)")
        #expect(verdict.detail.contains(path), "\(verdict)")
        let expected = ["nan": "nan", "inf": "inf", "transposed": "shape", "missing": "missing", "extra": "extra.weight",
                        "architecture": "shape", "huge": "limit"][defect]!
        #expect(verdict.detail.contains(expected), "\(defect): \(verdict)")
        #expect(throws: DataFileError.self) { try Checkpoint.read(path: path).model(file: path) }
    }

    @Test func aPlainStateDictWithANaNIsRefusedToo() throws {
        let directory = try TemporaryDirectory()
        var random = SeededGenerator(seed: 1)
        let model = try Model(Self.architecture, random: &random)
        let tensors = model.stateDict().map { (name: $0.name, tensor: $0.tensor.copy()) }
        tensors[0].tensor[flat: 0] = .nan
        let path = directory.path("plain.h5")
        try Checkpoint(tensors: tensors).write(to: path)
        let verdict = try FileVerdict.check(path: path)
        #expect(!verdict.isValid && verdict.detail.contains("/\(tensors[0].name)"), "\(verdict)")
    }
}
