import Foundation

/// Fashion-MNIST (Xiao, Rasul & Vollgraf 2017): 28×28 grey images of 10 clothing classes,
/// read from the IDX files of Debian's `dataset-fashion-mnist` package.
public enum FashionMNIST {
    /// Where Debian installs the files.
    public static let defaultDirectory = "/usr/share/datasets/fashion-mnist"
    /// The ten classes, in label order.
    public static let classNames = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
    /// The customary normalisation: mean 0.2860, std 0.3530 of pixels scaled to 0…1.
    public static let normalization = Normalization(scale: 1 / 255, mean: [0.2860], std: [0.3530])

    /// Reads `train-images-idx3-ubyte.gz`, `train-labels-idx1-ubyte.gz`, `t10k-images-idx3-ubyte.gz`
    /// and `t10k-labels-idx1-ubyte.gz` from `directory`.
    public static func load(from directory: String = defaultDirectory) throws -> ImageDataset {
        let base = URL(fileURLWithPath: directory)
        func file(_ name: String) -> String { base.appendingPathComponent(name).path }
        let source = directory == defaultDirectory
            ? "Debian package dataset-fashion-mnist (\(directory))" : "Fashion-MNIST IDX files in \(directory)"
        return try IDXImporter.load(
            train: .init(images: file("train-images-idx3-ubyte.gz"), labels: file("train-labels-idx1-ubyte.gz")),
            test: .init(images: file("t10k-images-idx3-ubyte.gz"), labels: file("t10k-labels-idx1-ubyte.gz")),
            name: "fashion-mnist", classNames: classNames, normalization: normalization, source: source)
    }
}
