/// A dataset's on-disk layout: its chunk shape and filter pipeline (compression).
public struct StorageLayout: Sendable, Equatable, CustomStringConvertible {
    /// One filter of the pipeline, e.g. deflate (gzip) with its level.
    public struct Filter: Sendable, Equatable, CustomStringConvertible {
        /// HDF5's filter id (1 = deflate, 2 = shuffle, 3 = Fletcher-32, 4 = szip, 32000 = lzf).
        public let id: Int
        /// The filter's client parameters (deflate: the level).
        public let parameters: [Int]
        /// The name the file records.
        public let name: String

        public var description: String {
            switch id {
            case 1: "gzip(\(parameters.first ?? 0))"
            case 2: "shuffle"
            case 3: "fletcher32"
            case 4: "szip"
            case 32000: "lzf"
            default: name.isEmpty ? "filter \(id)" : name
            }
        }
    }

    /// The chunk shape, or nil for contiguous (or compact) storage.
    public let chunks: [Int]?
    public let filters: [Filter]

    public var description: String {
        var parts = [chunks.map { "chunks \($0)" } ?? "contiguous"]
        parts += filters.map(\.description)
        return parts.joined(separator: ", ")
    }
}
