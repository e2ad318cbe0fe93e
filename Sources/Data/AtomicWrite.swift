import Foundation

/// Writes files atomically: into a temporary file beside the target, renamed over it only on success.
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
        let temporary = directory.appendingPathComponent(".\(target.lastPathComponent).tmp-\(UUID().uuidString)").path
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
}
