import ArgumentParser
import Data
import Foundation

/// `prunebench import`: converts a dataset into PruneBench's HDF5 layout.
struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import a dataset into PruneBench's HDF5 dataset format.",
        subcommands: [ImportFashionMNIST.self, ImportIDX.self, ImportCIFAR10.self])
}

/// `prunebench import fashion-mnist`.
struct ImportFashionMNIST: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fashion-mnist",
        abstract: "Import Fashion-MNIST from the gzipped IDX files of Debian's dataset-fashion-mnist.")

    @OptionGroup var storage: StorageOptions

    @Option(help: "Directory with the four *-ubyte.gz files.")
    var from: String = FashionMNIST.defaultDirectory

    @Option(name: .shortAndLong, help: "Output HDF5 file.")
    var output: String = "data/fashion-mnist.h5"

    func run() throws {
        let clock = ContinuousClock.now
        let dataset = try FashionMNIST.load(from: from)
        try DatasetFile.write(dataset, to: output, compression: storage.level)
        printWritten(dataset, output, since: clock)
    }
}

/// `prunebench import idx`.
struct ImportIDX: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "idx",
        abstract: "Import an IDX image/label pair (MNIST and its variants), plain or gzipped.")

    @OptionGroup var storage: StorageOptions
    @Option(help: "Training images (IDX, magic 0x803).") var images: String
    @Option(help: "Training labels (IDX, magic 0x801).") var labels: String
    @Option(help: "Test images (IDX, magic 0x803).") var testImages: String
    @Option(help: "Test labels (IDX, magic 0x801).") var testLabels: String
    @Option(help: "Dataset name.") var name: String = "idx"
    @Option(help: "Comma-separated class names in label order (default: 0, 1, ...).") var classNames: String?
    @Option(name: .shortAndLong, help: "Output HDF5 file (default: data/NAME.h5).") var output: String?

    func run() throws {
        let clock = ContinuousClock.now
        let names = classNames.map { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } }
        let dataset = try IDXImporter.load(train: .init(images: images, labels: labels),
                                           test: .init(images: testImages, labels: testLabels),
                                           name: name, classNames: names)
        let path = output ?? "data/\(name).h5"
        try DatasetFile.write(dataset, to: path, compression: storage.level)
        printWritten(dataset, path, since: clock)
    }
}

/// `prunebench import cifar10`.
struct ImportCIFAR10: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cifar10",
        abstract: "Import CIFAR-10 from its binary batches (data_batch_1.bin ... data_batch_5.bin, test_batch.bin).")

    @OptionGroup var storage: StorageOptions
    @Argument(help: "Directory with the binary batches.") var directory: String
    @Option(name: .shortAndLong, help: "Output HDF5 file.") var output: String = "data/cifar10.h5"

    func run() throws {
        let clock = ContinuousClock.now
        let dataset = try CIFAR10.load(from: directory)
        try DatasetFile.write(dataset, to: output, compression: storage.level)
        printWritten(dataset, output, since: clock)
    }
}

/// How an import stores its arrays.
struct StorageOptions: ParsableArguments {
    @Option(help: "gzip level 1-9 for images and labels, 0 for uncompressed.")
    var compression: Int = 1

    /// The deflate level, or nil for uncompressed storage.
    var level: Int? { compression == 0 ? nil : compression }

    func validate() throws {
        guard (0...9).contains(compression) else { throw ValidationError("--compression must be in 0...9") }
    }
}

/// Prints what an import wrote.
private func printWritten(_ dataset: ImageDataset, _ path: String, since start: ContinuousClock.Instant) {
    let seconds = (ContinuousClock.now - start) / .seconds(1)
    var splits = "train \(dataset.train.count), test \(dataset.test.count)"
    if let validation = dataset.validation { splits += ", val \(validation.count)" }
    print("wrote \(path): \(dataset.name), \(dataset.classCount) classes, images \(dataset.train.imageShape), "
          + "\(splits) (\(String(format: "%.2f", seconds)) s)")
}
