import Foundation

/// Writes files atomically: into a temporary file beside the target, renamed over it only on success; and
/// removes the temporary files of writes whose process was killed.
///
/// Temporary names carry the writing process's id: `.<name>.<pid>.tmp-<UUID>` (HDF5 files) and
/// `.<name>.<pid>.partial` (records, reports, baselines; `temporaryURL(for:)`). A leftover is a temporary file
/// whose process no longer runs on this machine; files of live processes are never touched. (Temporary names
/// without a process id, from older versions, count as leftovers after an hour.)
public enum AtomicWrite {
    /// Calls `body` with a temporary path in the target's directory and renames it to `path` when
    /// `body` returns; if `body` throws, the temporary file is removed and `path` is left untouched.
    public static func write(to path: String, _ body: (String) throws -> Void) throws {
        let target = URL(fileURLWithPath: path)
        let directory = target.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw DataFileError(file: path, object: "/", message: "cannot create directory \(directory.path): \(error.localizedDescription)")
        }
        let temporary = directory.appendingPathComponent(
            ".\(target.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp-\(UUID().uuidString)").path
        do {
            try body(temporary)
        } catch {
            _ = unlink(temporary)  // best effort: the original failure is what gets reported
            throw error
        }
        if rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            _ = unlink(temporary)  // best effort: the original failure is what gets reported
            throw DataFileError(file: path, object: "/", message: "cannot move the finished file into place: \(reason)")
        }
    }

    /// The temporary file beside `url` that a whole-file write of this process goes through.
    public static func temporaryURL(for url: URL) -> URL {
        url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).partial")
    }

    /// The leftover temporary files directly in `directory` (full paths, sorted); none when it cannot be listed.
    public static func leftovers(in directory: String, now: Date = Date()) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.sorted().compactMap { name in
            let path = (directory as NSString).appendingPathComponent(name)
            guard let writer = writer(ofTemporary: name) else { return nil }
            switch writer {
            case .process(let pid): return isRunning(pid) ? nil : path
            case .unknown:
                let modified = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate]) as? Date
                return modified.map { now.timeIntervalSince($0) > 3600 } == true ? path : nil
            }
        }
    }

    /// Removes the leftovers in each of `directories`; returns the paths removed.
    @discardableResult
    public static func removeLeftovers(in directories: [String]) -> [String] {
        directories.flatMap { leftovers(in: $0) }.filter { unlink($0) == 0 }
    }

    /// Who wrote a temporary file, judged by its name; nil when `name` is no temporary file of ours.
    enum Writer: Equatable { case process(Int32), unknown }

    static func writer(ofTemporary name: String) -> Writer? {
        guard name.hasPrefix(".") else { return nil }
        var stem = Substring(name)
        if stem.hasSuffix(".partial") {
            stem = stem.dropLast(".partial".count)
        } else if let range = stem.range(of: ".tmp-", options: .backwards),
                  UUID(uuidString: String(stem[range.upperBound...])) != nil {
            stem = stem[..<range.lowerBound]
        } else {
            return nil
        }
        guard let dot = stem.lastIndex(of: "."), let pid = Int32(stem[stem.index(after: dot)...]), pid > 0 else {
            return .unknown
        }
        return .process(pid)
    }

    /// Whether process `pid` runs on this machine (a process of another user counts as running).
    static func isRunning(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }
}
