import CZlib
import Foundation

/// Reads a whole gzip-compressed (or plain) file through zlib, detecting truncated streams.
enum GzipFile {
    /// The most decompressed bytes read (a gzip bomb stops here instead of exhausting memory).
    static let maximumBytes = 2 << 30

    /// The decompressed bytes of `path`; a missing file, a corrupt or truncated stream throws.
    static func read(_ path: String) throws -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw DataFileError(file: path, object: "/", message: "no such file")
        }
        guard let stream = gzopen(path, "rb") else {
            throw DataFileError(file: path, object: "/", message: "cannot open: \(String(cString: strerror(errno)))")
        }
        defer { gzclose(stream) }
        _ = gzbuffer(stream, 1 << 18)
        var result: [UInt8] = []
        let chunk = 1 << 20
        while true {
            let start = result.count
            result.reserveCapacity(start + chunk)
            var got: Int32 = 0
            result.append(contentsOf: repeatElement(0, count: chunk))
            result.withUnsafeMutableBufferPointer { buffer in
                got = gzread(stream, buffer.baseAddress.map { $0 + start }, UInt32(chunk))
            }
            if got < 0 { throw streamError(stream, path) }
            result.removeLast(chunk - Int(got))
            if got == 0 { break }
            guard result.count <= maximumBytes else {
                throw DataFileError(file: path, object: "gzip stream",
                                    message: "decompresses to more than \(maximumBytes >> 30) GiB; not an image file this tool reads")
            }
        }
        var code: Int32 = 0
        _ = gzerror(stream, &code)
        if code != Z_OK { throw streamError(stream, path) }
        return result
    }

    private static func streamError(_ stream: gzFile, _ path: String) -> DataFileError {
        var code: Int32 = 0
        var message = gzerror(stream, &code).map { String(cString: $0) } ?? "unknown zlib error"
        if message.hasPrefix(path + ": ") { message.removeFirst(path.count + 2) }  // zlib prefixes the path
        let hint = code == Z_BUF_ERROR ? "truncated gzip stream (\(message))" : "corrupt gzip stream (\(message))"
        return DataFileError(file: path, object: "gzip stream", message: hint)
    }
}
