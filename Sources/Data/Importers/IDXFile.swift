/// An IDX file (the MNIST format): a big-endian header with magic `0x0000TTDD` (type, dimension count),
/// the dimensions as 32-bit integers, then the elements. Only unsigned-byte data (type 0x08) is read.
public struct IDXFile: Sendable {
    /// The dimensions from the header, outermost first.
    public let dimensions: [Int]
    /// The elements, row-major.
    public let bytes: [UInt8]

    /// Reads an IDX file of unsigned bytes with `rank` dimensions (gzip-compressed or plain).
    public static func read(path: String, rank: Int) throws -> IDXFile {
        try parse(GzipFile.read(path), path: path, rank: rank)
    }

    /// Parses decompressed IDX content, checking the magic number, the header and the exact length.
    static func parse(_ content: [UInt8], path: String, rank: Int) throws -> IDXFile {
        let expectedMagic = 0x0800 | UInt32(rank)
        func fail(_ message: String) -> DataFileError {
            DataFileError(file: path, object: "IDX header", message: message)
        }
        guard content.count >= 4 else {
            throw fail("file has \(content.count) bytes; expected at least a 4-byte magic number")
        }
        let magic = bigEndian(content, at: 0)
        guard magic == expectedMagic else {
            throw fail("magic number \(hex(magic)); expected \(hex(expectedMagic)) (unsigned bytes, \(rank) dimensions)")
        }
        let headerSize = 4 + 4 * rank
        guard content.count >= headerSize else {
            throw fail("file has \(content.count) bytes; expected a \(headerSize)-byte header")
        }
        let dimensions = (0..<rank).map { Int(bigEndian(content, at: 4 + 4 * $0)) }
        var expected = 1
        for dimension in dimensions {
            let (product, overflow) = expected.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw fail("dimensions \(dimensions) describe more elements than any file can hold") }
            expected = product
        }
        let found = content.count - headerSize
        guard found == expected else {
            throw DataFileError(file: path, object: "IDX data", message: found < expected
                ? "truncated: \(found) data bytes; expected \(expected) for dimensions \(dimensions)"
                : "\(found - expected) bytes past the \(expected) expected for dimensions \(dimensions)")
        }
        return IDXFile(dimensions: dimensions, bytes: Array(content[headerSize...]))
    }

    private static func bigEndian(_ bytes: [UInt8], at offset: Int) -> UInt32 {
        (0..<4).reduce(UInt32(0)) { $0 << 8 | UInt32(bytes[offset + $1]) }
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }
}
