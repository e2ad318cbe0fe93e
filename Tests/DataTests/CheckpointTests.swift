import Foundation
import Data
import HDF5
import NN
import Testing

@Suite struct CheckpointTests {
    private struct Architecture: Codable, Equatable {
        var name: String
        var classes: Int
    }

    private func sample() throws -> Checkpoint {
        var checkpoint = Checkpoint(
            tensors: [("conv1.weight", Tensor(shape: [2, 1, 2, 2], values: (0..<8).map { Float($0) * 0.5 - 1 })),
                      ("bn1.running_var", Tensor(shape: [2], values: [1, 2])),
                      ("bn1.num_batches_tracked", Tensor(shape: [], values: [469])),
                      ("fc.weight", Tensor(shape: [3, 2], values: [0, 1, 0, -2, 0, 3]))],
            masks: [("fc.weight", Tensor(shape: [3, 2], values: [0, 1, 0, 1, 0, 1]))],
            dataset: "fashion-mnist")
        try checkpoint.setArchitecture(Architecture(name: "lenet5", classes: 10))
        try checkpoint.setTraining(["epochs": 10, "seed": 0])
        return checkpoint
    }

    @Test func roundTripKeepsOrderTypesAndAttributes() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("model.h5")
        let original = try sample()
        try original.write(to: path)
        let read = try Checkpoint.read(path: path)
        #expect(read.tensors.map(\.name) == ["conv1.weight", "bn1.running_var", "bn1.num_batches_tracked", "fc.weight"])
        for (a, b) in zip(read.tensors, original.tensors) { #expect(a.tensor.isBitwiseEqual(to: b.tensor), "\(a.name)") }
        #expect(read.masks.map(\.name) == ["fc.weight"])
        #expect(read.masks[0].tensor.values == [0, 1, 0, 1, 0, 1])
        #expect(try read.decodeArchitecture(as: Architecture.self) == Architecture(name: "lenet5", classes: 10))
        #expect(read.architecture == #"{"classes":10,"name":"lenet5"}"#)
        #expect(read.training == #"{"epochs":10,"seed":0}"#)
        #expect(read.dataset == "fashion-mnist")
        #expect(read.origin == path)

        let file = try File.open(path)
        #expect(try file.dataset("conv1.weight").elementType == .float32)
        #expect(try file.dataset("bn1.num_batches_tracked").elementType == .int64)
        #expect(try file.dataset("bn1.num_batches_tracked").shape == [])
        #expect(try file.dataset("masks/fc.weight").elementType == .uint8)
        #expect(try file.root.stringAttribute("format") == "prunebench-checkpoint")
        #expect(try directory.contents() == ["model.h5"])
    }

    @Test func readsAnH5pyStateDict() throws {
        let checkpoint = try Checkpoint.read(path: fixturePath("state_dict.h5"))
        #expect(checkpoint.architecture == nil && checkpoint.masks.isEmpty)
        #expect(Set(checkpoint.tensors.map(\.name)) == ["conv1.weight", "conv1.bias", "bn1.weight", "bn1.bias",
                                                         "bn1.running_mean", "bn1.running_var",
                                                         "bn1.num_batches_tracked", "fc.weight", "fc.bias"])
        let state = checkpoint.stateDict
        #expect(state["conv1.weight"]?.shape == [4, 1, 3, 3])
        #expect(state["conv1.weight"]?.values == (0..<36).map { Float($0) / 100 })
        #expect(state["bn1.num_batches_tracked"]?.shape == [])
        #expect(state["bn1.num_batches_tracked"]?.values == [938])
        #expect(state["fc.weight"]?.values == [Float](repeating: -0.125, count: 40))
        #expect(state["bn1.running_var"]?.values == [1, 2, 3, 4])
    }

    @Test func h5pyReadsOurCheckpoint() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("model.h5")
        try sample().write(to: path)
        let script = """
        import sys, json, h5py
        f = h5py.File(sys.argv[1], "r")
        print(json.dumps({
          "keys": [k for k in f.keys()], "masks": list(f["masks"].keys()),
          "nbt": [str(f["bn1.num_batches_tracked"].dtype), int(f["bn1.num_batches_tracked"][()])],
          "w": [str(f["conv1.weight"].dtype), list(f["conv1.weight"].shape), float(f["conv1.weight"][1, 0, 1, 1])],
          "arch": json.loads(f.attrs["architecture"]), "format": f.attrs["format"],
        }, sort_keys=True))
        """
        let result = try run("/usr/bin/env", ["python3", "-c", script, path])
        #expect(result.status == 0, "python3: \(result.error)")
        let expected = #"{"arch": {"classes": 10, "name": "lenet5"}, "format": "prunebench-checkpoint", "# +
            #""keys": ["conv1.weight", "bn1.running_var", "bn1.num_batches_tracked", "fc.weight", "masks"], "# +
            #""masks": ["fc.weight"], "nbt": ["int64", 469], "w": ["float32", [2, 1, 2, 2], 2.5]}"#
        #expect(String(decoding: result.output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) == expected)
    }

    @Test func readsH5pyBoolMasks() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("masked.h5")
        let script = """
        import sys, h5py, numpy as np
        with h5py.File(sys.argv[1], "w") as f:
            f["fc.weight"] = np.array([[0.0, 2.0], [3.0, 0.0]], dtype=np.float32)
            f["masks/fc.weight"] = np.array([[False, True], [True, False]])
        """
        let result = try run("/usr/bin/env", ["python3", "-c", script, path])
        #expect(result.status == 0, "python3: \(result.error)")
        let checkpoint = try Checkpoint.read(path: path)
        #expect(checkpoint.maskDict["fc.weight"]?.values == [0, 1, 1, 0])
    }

    /// Writes a checkpoint-like file with h5py-style raw content via the HDF5 module.
    private func badFile(_ path: String, _ build: (Group) throws -> Void) throws {
        let root = try File.create(path).root
        try root.createDataset("fc.weight", values: [Float](repeating: 1, count: 6), shape: [3, 2])
        try build(root)
    }

    @Test(arguments: [
        ("mask shape", "/masks/fc.weight", "has shape [2, 3]; expected [3, 2]"),
        ("mask for nothing", "/masks/fc.bias", "masks no tensor"),
        ("mask values", "/masks/fc.weight", "value 2.0 at index 0; expected only 0 and 1"),
        ("string tensor", "/note", "stored type is string (variable length); expected a numeric tensor"),
        ("stray group", "/extra", "unexpected group"),
        ("format", "/ attribute \"format\"", "expected \"prunebench-checkpoint\""),
        ("architecture", "/ attribute \"architecture\"", "is not valid JSON"),
    ])
    func badCheckpointsNameTheObject(_ name: String, _ object: String, _ message: String) throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("bad.h5")
        try badFile(path) { root in
            switch name {
            case "mask shape": try root.createDataset("masks/fc.weight", values: [UInt8](repeating: 1, count: 6), shape: [2, 3])
            case "mask for nothing": try root.createDataset("masks/fc.bias", values: [UInt8](repeating: 1, count: 3), shape: [3])
            case "mask values": try root.createDataset("masks/fc.weight", values: [UInt8](repeating: 2, count: 6), shape: [3, 2])
            case "string tensor": try root.createDataset("note", values: [Int8(0)], shape: [1]).setAttribute("x", "y")
            case "stray group": _ = try root.createGroup("extra")
            case "format": try root.setAttribute("format", "something-else")
            default: try root.setAttribute("architecture", "{not json")
            }
        }
        if name == "string tensor" {
            // The HDF5 module writes numbers only; make the string dataset with h5py.
            let result = try run("/usr/bin/env", ["python3", "-c",
                "import sys, h5py; f = h5py.File(sys.argv[1], 'a'); del f['note']; f['note'] = 'text'", path])
            #expect(result.status == 0, "python3: \(result.error)")
        }
        let error = try #require(throws: DataFileError.self) { try Checkpoint.read(path: path) }
        #expect(error.file == path)
        #expect(error.object == object)
        #expect(error.message.contains(message), "message: \(error.message)")
    }

    @Test func writeRejectsBadMaskAndLeavesNoFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("model.h5")
        var checkpoint = try sample()
        checkpoint.masks = [("conv1.weight", Tensor(zeros: [3]))]
        let error = try #require(throws: DataFileError.self) { try checkpoint.write(to: path) }
        #expect(error.object == "/masks/conv1.weight")
        #expect(try directory.contents().isEmpty)
    }
}
