import Data
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A directory of finished runs: `<digest>.json` per run and `masks/<digest>.h5` for their masks.
///
/// Every file is written to a temporary name in the same directory and renamed into place, so a
/// record is either absent or complete: killing the process at any moment loses at most the run
/// in progress, which the next invocation redoes. Leftover temporaries are removed on open.
public struct ResultStore: Sendable {
    /// The store's directory.
    public let directory: URL

    /// Opens (creating if needed) the store at `path` and removes temporaries of interrupted writes.
    public init(path: String) throws {
        directory = URL(fileURLWithPath: path, isDirectory: true)
        for folder in [directory, directory.appendingPathComponent("masks", isDirectory: true)] {
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            } catch {
                throw BenchError.io(file: folder.path, message: "cannot create the results directory: \(error)")
            }
        }
        try removeTemporaries()
    }

    /// The record file of run `digest`.
    public func recordURL(_ digest: String) -> URL { directory.appendingPathComponent("\(digest).json") }

    /// The masks file of run `digest`, and its path relative to the store.
    public func masksURL(_ digest: String) -> (url: URL, relative: String) {
        let relative = "masks/\(digest).h5"
        return (directory.appendingPathComponent(relative), relative)
    }

    /// The stored record of run `digest`, or `nil` when there is none or it cannot be read
    /// (an unreadable record counts as missing, so the run is redone and the file replaced).
    public func record(_ digest: String) -> RunRecord? {
        guard let data = try? Data(contentsOf: recordURL(digest)),
              let record = try? ResultStore.decoder.decode(RunRecord.self, from: data),
              record.digest == digest else { return nil }
        return record
    }

    /// Reads records as `write` writes them: NaN and infinities as the strings "NaN", "Infinity", "-Infinity".
    static var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        return decoder
    }

    /// Why the record file of run `digest` exists but cannot be used (not JSON, not a record, another run's
    /// record); nil when it is readable or absent.
    public func readProblem(_ digest: String) -> String? {
        guard let data = try? Data(contentsOf: recordURL(digest)) else { return nil }
        do {
            let record = try ResultStore.decoder.decode(RunRecord.self, from: data)
            return record.digest == digest ? nil : "it holds the record of run \(record.digest)"
        } catch let error as DecodingError {
            return "not a run record: \(SuiteReader.describe(error))"
        } catch {
            return "not a run record: \(error)"
        }
    }

    /// Whether run `digest` has a readable record (completed or failed).
    public func contains(_ digest: String) -> Bool { record(digest) != nil }

    /// Writes `record` atomically to `<digest>.json`.
    public func write(_ record: RunRecord) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        let data: Data
        do { data = try encoder.encode(record) } catch {
            throw BenchError.io(file: recordURL(record.digest).path, message: "cannot encode the run record: \(error)")
        }
        try writeAtomically(data, to: recordURL(record.digest))
    }

    /// Every readable record in the store, sorted by digest.
    public func allRecords() throws -> [RunRecord] {
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory.path) } catch {
            throw BenchError.io(file: directory.path, message: "cannot list the results directory: \(error)")
        }
        return names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }.sorted()
            .compactMap { record(String($0.dropLast(5))) }
    }

    /// Deletes the temporary files of writes whose process was killed (never those of a live process).
    func removeTemporaries() throws {
        AtomicWrite.removeLeftovers(in: [directory.path, directory.appendingPathComponent("masks").path])
    }
}

/// Writes `data` to a temporary file beside `url` (`.<name>.<pid>.partial`) and renames it over `url`.
public func writeAtomically(_ data: Data, to url: URL) throws {
    let temporary = AtomicWrite.temporaryURL(for: url)
    do { try data.write(to: temporary) } catch {
        try? FileManager.default.removeItem(at: temporary)
        throw BenchError.io(file: url.path, message: "cannot write the file: \(error)")
    }
    guard rename(temporary.path, url.path) == 0 else {
        let code = errno
        try? FileManager.default.removeItem(at: temporary)
        throw BenchError.io(file: url.path, message: "cannot rename the temporary file into place (errno \(code))")
    }
}
