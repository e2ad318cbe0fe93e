import Foundation
import NN

/// Builds an `ImageDataset` from IDX image/label file pairs (MNIST, Fashion-MNIST, KMNIST, ...).
public enum IDXImporter {
    /// An images file (`[N, H, W]` unsigned bytes, magic 0x803) and its labels file (`[N]`, magic 0x801).
    public struct Pair: Sendable {
        public var images: String
        public var labels: String

        public init(images: String, labels: String) {
            self.images = images
            self.labels = labels
        }
    }

    /// Reads a train and a test pair. Without `classNames` the classes are "0", "1", … up to the
    /// largest label; without `normalization` the per-channel mean/std of the training pixels
    /// (scaled to 0…1) are used.
    public static func load(train: Pair, test: Pair, name: String, classNames: [String]? = nil,
                            normalization: Normalization? = nil, source: String? = nil) throws -> ImageDataset {
        let trainSplit = try split(train)
        let testSplit = try split(test)
        if trainSplit.imageShape != testSplit.imageShape {
            throw DataFileError(file: test.images, object: "IDX header",
                                message: "images are \(testSplit.imageShape); expected \(trainSplit.imageShape) like \(train.images)")
        }
        let names = classNames ?? defaultClassNames(trainSplit.labels + testSplit.labels)
        for (pair, split) in [(train, trainSplit), (test, testSplit)] {
            if let index = split.labels.firstIndex(where: { Int($0) >= names.count }) {
                throw DataFileError(file: pair.labels, object: "label \(index)",
                                    message: "is \(split.labels[index]); expected 0..<\(names.count) (\(names.count) classes)")
            }
        }
        let stats = normalization ?? PixelStatistics.normalization(of: trainSplit.images, scale: 1 / 255)
        let files = [train.images, train.labels, test.images, test.labels]
            .map { URL(fileURLWithPath: $0).lastPathComponent }.joined(separator: ", ")
        return ImageDataset(name: name, classNames: names, normalization: stats, source: source ?? "IDX files: \(files)",
                            train: trainSplit, test: testSplit)
    }

    /// Reads one images/labels pair into a split of `[N, 1, H, W]` images.
    public static func split(_ pair: Pair) throws -> ImageSplit {
        let images = try IDXFile.read(path: pair.images, rank: 3)
        let labels = try IDXFile.read(path: pair.labels, rank: 1)
        let count = images.dimensions[0]
        guard labels.dimensions[0] == count else {
            throw DataFileError(file: pair.labels, object: "IDX header",
                                message: "has \(labels.dimensions[0]) labels but \(pair.images) has \(count) images; expected one label per image")
        }
        let tensor = Tensor(zeros: [count, 1, images.dimensions[1], images.dimensions[2]])
        PixelStatistics.copy(images.bytes, into: tensor)
        return ImageSplit(images: tensor, labels: labels.bytes.map { Int32($0) })
    }

    private static func defaultClassNames(_ labels: [Int32]) -> [String] {
        let count = Int(labels.max() ?? 0) + 1
        return (0..<count).map { String($0) }
    }
}
