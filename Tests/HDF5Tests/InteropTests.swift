import Foundation
import HDF5
import Testing

/// Files written by h5py read here, and files written here read in h5py.
@Suite struct InteropTests {
    @Test func readsTheH5pyFixture() throws {
        let file = try File.open(fixturePath("h5py_fixture.h5"))
        let root = file.root
        #expect(try root.stringAttribute("title") == "made by h5py")
        #expect(try root.stringAttribute("fixed") == "fixed-bytes")
        #expect(try root.attributeInfo("fixed").type == .string(variableLength: false))
        #expect(try root.scalarAttribute("count", as: Int64.self) == 42)
        #expect(try root.scalarAttribute("scale", as: Double.self) == 0.5)
        #expect(try root.numericAttribute("mean", as: Float.self) == [0.25, 0.5, 0.75])
        #expect(try root.stringArrayAttribute("names") == ["alpha", "beta", "gamma"])
        struct Config: Decodable, Equatable { let depth: Int; let name: String }
        #expect(try root.jsonAttribute("config", as: Config.self) == Config(depth: 3, name: "tiny"))

        let images = try file.dataset("group/images")
        #expect(images.shape == [2, 3, 4, 5])
        #expect(images.elementType == .uint8)
        #expect(try images.storage().chunks == [1, 3, 4, 5])
        #expect(try images.storage().filters.first?.id == 1)
        #expect(try images.read(as: UInt8.self) == (0..<120).map { UInt8($0) })
        #expect(try images.read(rows: 1..<2, as: Float.self) == (60..<120).map { Float($0) })
        #expect(try file.dataset("group/labels").read(as: Int64.self) == [3, -1, 7])
        #expect(try file.dataset("doubles").read(as: Double.self) == [1.5, -2.25, 1e300])
        #expect(try file.dataset("int32").read(as: Int32.self) == Array(-5..<5))
        #expect(try file.root.children().map(\.name) == ["doubles", "group", "int32", "mask"])
        let mask = try file.dataset("mask")
        #expect(mask.storedType == .enumeration(.int8))
        #expect(try mask.read(as: UInt8.self) == [1, 0, 0, 1, 1, 1])
        #expect(try mask.read(rows: 1..<3, as: Float.self) == [0, 1, 1, 1])
        #expect(try mask.read(as: Int64.self) == [1, 0, 0, 1, 1, 1])
    }

    @Test func h5pyReadsOurFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("ours.h5")
        do {
            let root = try File.create(path).root
            try root.setAttribute("name", "ours")
            try root.setAttribute("fixed", "fx", fixedLength: true)
            try root.setAttribute("classes", ["cat", "dog"])
            try root.setAttribute("std", [Float(0.5), 0.25])
            try root.setAttribute("version", Int64(3))
            let group = try root.createGroup("train")
            try group.createDataset("images", values: (0..<24).map { UInt8($0 * 10) }, shape: [2, 3, 4],
                                    chunks: [1, 3, 4], deflate: 4)
            try group.createDataset("labels", values: [1, 0] as [Int64], shape: [2])
            try root.createDataset("w", values: [0.5, -0.25, 8] as [Float], shape: [3])
            try root.createDataset("n", values: [Int64(17)], shape: [])
        }
        let script = """
        import sys, json, h5py, numpy as np
        f = h5py.File(sys.argv[1], "r")
        img = f["train/images"]
        out = {
          "name": f.attrs["name"], "fixed": f.attrs["fixed"].decode(), "classes": list(f.attrs["classes"]),
          "std": [float(x) for x in f.attrs["std"]], "version": int(f.attrs["version"]),
          "images_ok": bool((img[()] == (np.arange(24, dtype=np.uint8) * 10).reshape(2, 3, 4)).all()),
          "images_dtype": str(img.dtype), "chunks": list(img.chunks), "compression": img.compression,
          "labels": [int(x) for x in f["train/labels"][()]], "labels_dtype": str(f["train/labels"].dtype),
          "w": [float(x) for x in f["w"][()]], "n": int(f["n"][()]), "n_shape": list(f["n"].shape),
          "keys": list(f.keys()),
        }
        print(json.dumps(out, sort_keys=True))
        """
        let (output, status) = try runPython(script, [path])
        #expect(status == 0, "python3 failed: \(output)")
        let expected = #"{"chunks": [1, 3, 4], "classes": ["cat", "dog"], "compression": "gzip", "fixed": "fx", "# +
            #""images_dtype": "uint8", "images_ok": true, "keys": ["train", "w", "n"], "labels": [1, 0], "# +
            #""labels_dtype": "int64", "n": 17, "n_shape": [], "name": "ours", "std": [0.5, 0.25], "# +
            #""version": 3, "w": [0.5, -0.25, 8.0]}"#
        #expect(output.trimmingCharacters(in: .whitespacesAndNewlines) == expected)
    }
}
