import NN

/// One split (train, validation or test) of an image-classification dataset, held in memory.
///
/// Pixels are kept in their stored scale: 0…255 when the file holds `uint8` images, as
/// stored when it holds `float32`. `Normalization` maps them to network inputs.
public struct ImageSplit: @unchecked Sendable {
    /// `[N, C, H, W]` pixels in stored scale.
    public let images: Tensor
    /// `N` class indices in `0..<classCount`.
    public let labels: [Int32]

    public init(images: Tensor, labels: [Int32]) {
        precondition(images.shape.count == 4 && images.shape[0] == labels.count,
                     "images \(images.shape) and \(labels.count) labels")
        self.images = images
        self.labels = labels
    }

    public var count: Int { labels.count }
    /// `[C, H, W]` of one image.
    public var imageShape: [Int] { Array(images.shape.dropFirst()) }
}

/// How stored pixels become network inputs: `(pixel * scale - mean[c]) / std[c]`.
///
/// For `uint8` images `scale` is 1/255, as torchvision's `ToTensor` followed by `Normalize`.
public struct Normalization: Sendable, Equatable, Codable {
    public var scale: Float
    public var mean: [Float]
    public var std: [Float]

    public init(scale: Float, mean: [Float], std: [Float]) {
        self.scale = scale
        self.mean = mean
        self.std = std
    }
}

/// An image-classification dataset: its splits, class names, normalisation and provenance.
public struct ImageDataset: Sendable {
    public var name: String
    public var classNames: [String]
    public var normalization: Normalization
    /// Where the data came from (e.g. the Debian package and file names).
    public var source: String
    public var train: ImageSplit
    public var test: ImageSplit
    public var validation: ImageSplit?

    public init(name: String, classNames: [String], normalization: Normalization, source: String,
                train: ImageSplit, test: ImageSplit, validation: ImageSplit? = nil) {
        self.name = name
        self.classNames = classNames
        self.normalization = normalization
        self.source = source
        self.train = train
        self.test = test
        self.validation = validation
    }

    public var classCount: Int { classNames.count }
}
