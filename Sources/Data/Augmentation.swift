import NN

/// Training-time augmentation of image batches: random crop with zero padding, horizontal flip.
///
/// As torchvision's `RandomCrop(size, padding)` then `RandomHorizontalFlip()` applied before
/// `ToTensor`/`Normalize`: the padding is black in stored scale (pixel 0), so after normalisation
/// it reads `-mean/std`. Off by default. Encoding writes only fields that differ from the default.
public struct Augmentation: Codable, Hashable, Sendable {
    /// Pixels of zero padding on each side before cropping back to the original size (0: no crop).
    public var cropPadding: Int
    /// Flip each image left–right with probability 1/2.
    public var horizontalFlip: Bool

    public init(cropPadding: Int = 0, horizontalFlip: Bool = false) {
        self.cropPadding = cropPadding
        self.horizontalFlip = horizontalFlip
    }

    /// No augmentation.
    public static let none = Augmentation()
    /// The CIFAR standard: random crop with 4 pixels of padding and horizontal flips.
    public static let cifar = Augmentation(cropPadding: 4, horizontalFlip: true)

    /// True when any augmentation is on.
    public var isEnabled: Bool { cropPadding > 0 || horizontalFlip }

    enum CodingKeys: String, CodingKey, CaseIterable { case cropPadding, horizontalFlip }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        cropPadding = try c.decodeIfPresent(Int.self, forKey: .cropPadding) ?? 0
        horizontalFlip = try c.decodeIfPresent(Bool.self, forKey: .horizontalFlip) ?? false
        guard cropPadding >= 0 else {
            throw DecodingError.dataCorruptedError(forKey: .cropPadding, in: c,
                                                   debugDescription: "cropPadding must be >= 0, got \(cropPadding)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if cropPadding != 0 { try c.encode(cropPadding, forKey: .cropPadding) }
        if horizontalFlip { try c.encode(horizontalFlip, forKey: .horizontalFlip) }
    }
}

/// The random choices for one image: crop offsets in `0...2·padding` and whether to flip.
struct AugmentationDraw {
    var dy = 0
    var dx = 0
    var flip = false

    /// Draws in torchvision's order (crop row, crop column, then flip) from `random`.
    init(_ augmentation: Augmentation, random: inout SeededGenerator) {
        if augmentation.cropPadding > 0 {
            dy = random.nextIndex(below: 2 * augmentation.cropPadding + 1)
            dx = random.nextIndex(below: 2 * augmentation.cropPadding + 1)
        }
        if augmentation.horizontalFlip { flip = random.nextUnitFloat() < 0.5 }
    }

    init() {}
}
