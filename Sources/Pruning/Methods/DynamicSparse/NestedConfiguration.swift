/// Decoding helpers for configurations that are nested inside another method's (Sup-tickets carries its
/// base's): a missing field keeps its default and an unknown field throws, as at the top level
/// (`ConfigurationJSON` overlays only top-level fields on the defaults).
enum NestedConfiguration {
    /// Any string key, to list the keys a JSON object really holds.
    struct AnyKey: CodingKey {
        let stringValue: String
        init(stringValue: String) { self.stringValue = stringValue }
        var intValue: Int? { nil }
        init?(intValue: Int) { nil }
    }

    /// Throws a `DecodingError` naming the first key of the decoder's object that is not in `known`.
    static func rejectUnknownKeys(_ decoder: any Decoder, known: [String]) throws {
        let keys = try decoder.container(keyedBy: AnyKey.self).allKeys.map(\.stringValue).sorted()
        if let unknown = keys.first(where: { !known.contains($0) }) {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "unknown field '\(unknown)'; fields: " + known.sorted().joined(separator: ", ")))
        }
    }
}

extension KeyedDecodingContainer {
    /// Overwrites `field` with the value under `key` when the object holds one.
    func fill<T: Decodable>(_ field: inout T, _ key: Key) throws {
        if let value = try decodeIfPresent(T.self, forKey: key) { field = value }
    }
}
