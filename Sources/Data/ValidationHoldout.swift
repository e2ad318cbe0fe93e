import Crypto
import Foundation
import NN

/// The validation examples a checkpoint was trained without, as its `training` attribute records them.
///
/// A fixed choice from the dataset's training split that depends on nothing but the split's labels:
/// `count` examples drawn by `ImageSplit.carveValidation`'s stratified rule from stream `stream` of
/// `SeededGenerator(seed: seed)` (`"validation holdout"` of seed 0). `sha256` fingerprints the chosen
/// examples themselves (indices, labels and pixels), so whoever reads the record can check that the
/// examples it would validate on are exactly the ones the checkpoint never trained on. See docs/training.md.
public struct ValidationHoldout: Codable, Hashable, Sendable {
    /// How the examples are chosen; `"stratified"` is the only rule.
    public var rule: String
    /// The root seed of the stream the examples are drawn from.
    public var seed: UInt64
    /// The name of the stream (`SeededGenerator(seed:).derived(stream)`).
    public var stream: String
    /// Examples held out.
    public var count: Int
    /// Examples in the training split they were chosen from.
    public var splitCount: Int
    /// Lowercase hex SHA-256 over the held-out examples in increasing index order: per example its
    /// index and label as little-endian int64, then its pixels as little-endian float32 in stored scale.
    public var sha256: String

    /// The rule this build draws holdouts by.
    public static let rule = "stratified"
    /// The stream holdouts are drawn from, of `SeededGenerator(seed: 0)`.
    public static let stream = "validation holdout"
    /// The count `prunebench train` and suites hold out unless told otherwise (capped by `defaultCount(for:)`).
    public static let standardCount = 5000

    /// 5000 examples, or a tenth of `split` when that is fewer.
    public static func defaultCount(for split: ImageSplit) -> Int { min(standardCount, split.count / 10) }

    /// Holds `count` examples of `split` out by the standard rule and stream.
    public static func choose(count: Int, from split: ImageSplit) throws(ValidationHoldoutError) -> ValidationHoldout {
        guard count > 0 && count < split.count else {
            throw ValidationHoldoutError("a holdout of \(count) examples from a training split of \(split.count); "
                + "expected between 1 and \(split.count - 1)")
        }
        var holdout = ValidationHoldout(rule: rule, seed: 0, stream: stream, count: count, splitCount: split.count, sha256: "")
        holdout.sha256 = ValidationHoldout.digest(of: holdout.draw(from: split), in: split)
        return holdout
    }

    /// The held-out indices of `split`, increasing: drawn again by the recorded rule and checked against
    /// the recorded count, split size and digest (throws, naming what differs, when any does not match).
    public func indices(in split: ImageSplit) throws(ValidationHoldoutError) -> [Int] {
        guard rule == ValidationHoldout.rule else {
            throw ValidationHoldoutError("holdout rule '\(rule)' is unknown (this build draws '\(ValidationHoldout.rule)')")
        }
        guard splitCount == split.count, count > 0, count < split.count else {
            throw ValidationHoldoutError("the holdout of \(count) examples was drawn from a training split of "
                + "\(splitCount) examples; this dataset's training split has \(split.count)")
        }
        let indices = draw(from: split)
        let digest = ValidationHoldout.digest(of: indices, in: split)
        guard digest == sha256 else {
            throw ValidationHoldoutError("the \(count) held-out examples drawn from this dataset have SHA-256 \(digest); "
                + "the checkpoint recorded \(sha256) (a different dataset, or other labels or pixels)")
        }
        return indices
    }

    /// `split` without the held-out examples (what the checkpoint trained on) and the held-out examples,
    /// both in their original order; checked as `indices(in:)` checks.
    public func separate(_ split: ImageSplit) throws(ValidationHoldoutError) -> (training: ImageSplit, validation: ImageSplit) {
        let held = try indices(in: split)
        return (split.subset(split.complement(of: held)), split.subset(held))
    }

    /// The stratified draw of `count` indices from the recorded stream, increasing.
    private func draw(from split: ImageSplit) -> [Int] {
        var random = SeededGenerator(seed: seed).derived(stream)
        return split.validationIndices(count: count, stratified: true, random: &random)
    }

    /// The SHA-256 of the examples at `indices` (see `sha256`; pixels are hashed in memory order,
    /// which is little-endian on every platform PruneBench builds for).
    static func digest(of indices: [Int], in split: ImageSplit) -> String {
        var hasher = SHA256()
        let size = split.imageShape.reduce(1, *)
        for index in indices {
            withUnsafeBytes(of: Int64(index).littleEndian) { hasher.update(bufferPointer: $0) }
            withUnsafeBytes(of: Int64(split.labels[index]).littleEndian) { hasher.update(bufferPointer: $0) }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(start: split.images.data + index * size,
                                                                count: size * MemoryLayout<Float>.size))
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}

#if !_endian(little)
#error("ValidationHoldout.digest hashes float32 pixels in memory order, which must be little-endian")
#endif

extension Checkpoint {
    /// The validation holdout recorded in the `training` attribute, or nil when there is none (no
    /// attribute, or a record without `validationHoldout`: the model may have trained on every example).
    public func validationHoldout() throws -> ValidationHoldout? {
        struct Fields: Decodable { var validationHoldout: ValidationHoldout? }
        return try decodeTraining(as: Fields.self)?.validationHoldout
    }
}

/// A validation holdout that cannot be drawn or does not match the data it is checked against.
public struct ValidationHoldoutError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}
