/// Decoding that refuses what it does not know: hand-written `init(from:)` of configuration types call
/// `rejectUnknownKeys` so that a misspelled key (`learningRate:` for `lr:`) is an error naming it, not a default.
extension Decoder {
    /// Throws `DecodingError.dataCorrupted` at the first key (in sorted order) of the current object that is not
    /// one of `Keys`' cases, listing the keys it expected.
    public func rejectUnknownKeys<Keys: CodingKey & CaseIterable>(_: Keys.Type) throws {
        let container = try self.container(keyedBy: AnyCodingKey.self)
        let known = Set(Keys.allCases.map(\.stringValue))
        guard let unknown = container.allKeys.map(\.stringValue).sorted().first(where: { !known.contains($0) }) else { return }
        throw DecodingError.dataCorrupted(.init(
            codingPath: codingPath + [AnyCodingKey(stringValue: unknown)],
            debugDescription: "unknown key '\(unknown)' (expected one of: \(known.sorted().joined(separator: ", ")))"))
    }
}

/// A coding key of any name, for looking at the keys an object really has.
public struct AnyCodingKey: CodingKey, Sendable {
    public let stringValue: String
    public let intValue: Int?

    public init(stringValue: String) {
        self.stringValue = stringValue
        intValue = nil
    }

    public init?(intValue: Int) {
        stringValue = "\(intValue)"
        self.intValue = intValue
    }
}
