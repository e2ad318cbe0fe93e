import Bench
import Data
import Foundation
import Reports

/// The readers of untrusted input, each as a function of raw bytes that must return (an error is fine) and never
/// crash, hang or exhaust memory: what `scripts/fuzz.sh` fuzzes and what the fuzz regression tests replay.
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// A suite (YAML), parsed and checked against the registry.
    case suite
    /// A baseline CSV.
    case baseline
    /// A stored run record (JSON) in a results store.
    case record
    /// An IDX file, gzip-compressed or plain (Fashion-MNIST's format).
    case idx
    /// A CIFAR-10 binary batch.
    case cifar
    /// A PruneBench dataset (HDF5).
    case dataset
    /// A checkpoint (HDF5), judged as `inspect` judges it: read, built into a model, loaded and masked.
    case checkpoint

    /// Feeds `bytes` to the reader, inside `scratch` (a directory this process owns); returns whether the input
    /// was accepted.
    @discardableResult
    public func run(_ bytes: [UInt8], scratch: URL) -> Bool {
        do {
            try body(bytes, scratch: scratch)
            return true
        } catch {
            _ = String(describing: error)  // describing an error must not crash either
            return false
        }
    }

    private func body(_ bytes: [UInt8], scratch: URL) throws {
        let data = Foundation.Data(bytes)
        func file(_ name: String) throws -> String {
            let url = scratch.appendingPathComponent(name)
            try data.write(to: url)
            return url.path
        }
        switch self {
        case .suite:
            let suite = try Suite.parse(yaml: String(decoding: bytes, as: UTF8.self), file: "fuzz.yaml", defaultName: "fuzz")
            _ = try suite.methodsByTrack(try MethodCatalogEntry.registry())
        case .baseline:
            _ = try Baseline.read(path: try file("baseline.csv"))
        case .record:
            let store = scratch.appendingPathComponent("results")
            try FileManager.default.createDirectory(at: store, withIntermediateDirectories: true)
            let digest = String(repeating: "ab", count: 32)
            try data.write(to: store.appendingPathComponent("\(digest).json"))
            let results = try ResultStore(path: store.path)
            _ = results.record(digest)
            _ = try results.allRecords()
        case .idx:
            let path = try file("images.idx")
            if (try? IDXFile.read(path: path, rank: 3)) == nil { _ = try IDXFile.read(path: path, rank: 1) }
        case .cifar:
            let directory = scratch.appendingPathComponent("cifar")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            for name in CIFAR10.trainFiles + [CIFAR10.testFile] {
                try data.write(to: directory.appendingPathComponent(name))
            }
            _ = try CIFAR10.load(from: directory.path)
        case .dataset:
            _ = try DatasetFile.read(path: try file("dataset.h5"))
        case .checkpoint:
            let path = try file("checkpoint.h5")
            _ = try FileVerdict.check(path: path)
        }
    }

    /// A fresh scratch directory for this process.
    public static func makeScratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("prunebench-fuzz-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
