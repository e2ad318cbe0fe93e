import HDF5
import NN

/// The PruneBench dataset file: an HDF5 file with `train`, `test` and optional `val` groups, each
/// holding `images` (uint8 or float32, `[N, C, H, W]`, or `[N, H, W]` for one channel) and
/// `labels` (integer, `[N]`), plus root attributes describing the dataset. See docs/formats.md.
public enum DatasetFile {
    /// The value of the root `format` attribute.
    public static let formatName = "prunebench-dataset"
    /// The layout version this code writes.
    public static let formatVersion: Int64 = 1
    /// The split groups, in the order they are written.
    public static let splitGroups = ["train", "test", "val"]

    /// How pixels are stored.
    public enum PixelType: String, Sendable {
        /// 0…255 integers (the usual for image datasets); normalisation scale 1/255.
        case uint8
        /// Any finite values; normalisation scale as given.
        case float32
    }

    /// Writes `dataset` atomically to `path`. Pixels are stored as `uint8` when every value is an
    /// integer in 0…255 (unless `pixelType` says otherwise), chunked by rows and gzip-compressed at
    /// `compression` (nil: uncompressed).
    public static func write(_ dataset: ImageDataset, to path: String, pixelType: PixelType? = nil,
                             compression: Int? = 1) throws {
        try validate(dataset, path: path)
        let splits = [("train", dataset.train), ("test", dataset.test)] + (dataset.validation.map { [("val", $0)] } ?? [])
        let type = pixelType ?? (splits.allSatisfy { fitsInBytes($0.1.images) } ? .uint8 : .float32)
        try AtomicWrite.write(to: path) { temporary in
            let file = try File.create(temporary)
            try writeAttributes(dataset, to: file.root)
            for (name, split) in splits {
                try writeSplit(split, named: name, pixelType: type, compression: compression, in: file.root, path: path)
            }
            try file.flush()
        }
    }

    private static func writeAttributes(_ dataset: ImageDataset, to root: Group) throws {
        try root.setAttribute("format", formatName)
        try root.setAttribute("format_version", formatVersion)
        try root.setAttribute("name", dataset.name)
        try root.setAttribute("class_names", dataset.classNames)
        try root.setAttribute("image_shape", dataset.train.imageShape.map { Int64($0) })
        try root.setAttribute("mean", dataset.normalization.mean)
        try root.setAttribute("std", dataset.normalization.std)
        try root.setAttribute("pixel_scale", dataset.normalization.scale)
        try root.setAttribute("source", dataset.source)
    }

    private static func writeSplit(_ split: ImageSplit, named name: String, pixelType: PixelType, compression: Int?,
                                   in root: Group, path: String) throws {
        let group = try root.createGroup(name)
        let shape = split.images.shape
        let images = try group.createDataset("images", type: pixelType == .uint8 ? .uint8 : .float32, shape: shape,
                                             deflate: compression)
        switch pixelType {
        case .float32:
            try images.write(from: UnsafeBufferPointer(split.images.buffer))
        case .uint8:
            guard fitsInBytes(split.images) else {
                throw DataFileError(file: path, object: "/\(name)/images",
                                    message: "pixels are not all integers in 0...255, cannot store them as uint8")
            }
            let pixels = split.images.buffer
            let bytes = [UInt8](unsafeUninitializedCapacity: pixels.count) { buffer, count in
                for index in 0..<pixels.count { buffer[index] = UInt8(pixels[index]) }
                count = pixels.count
            }
            try images.write(bytes)
        }
        try group.createDataset("labels", values: split.labels.map { Int64($0) }, shape: [split.count],
                                deflate: compression)
    }

    /// True when every element is an integer in 0...255.
    static func fitsInBytes(_ tensor: Tensor) -> Bool {
        let values = tensor.buffer
        for value in values where !(value >= 0 && value <= 255 && value == value.rounded()) { return false }
        return true
    }

    /// Checks an in-memory dataset before writing it, naming what is inconsistent.
    static func validate(_ dataset: ImageDataset, path: String) throws {
        func fail(_ object: String, _ message: String) -> DataFileError {
            DataFileError(file: path, object: object, message: message)
        }
        guard !dataset.classNames.isEmpty else { throw fail("/ attribute \"class_names\"", "is empty; expected at least one class") }
        let shape = dataset.train.imageShape
        let channels = shape.first ?? 0
        guard dataset.normalization.mean.count == channels, dataset.normalization.std.count == channels else {
            throw fail("/ attribute \"mean\"", "mean/std have \(dataset.normalization.mean.count)/\(dataset.normalization.std.count) values; expected one per channel (\(channels))")
        }
        let splits = [("train", dataset.train), ("test", dataset.test)] + (dataset.validation.map { [("val", $0)] } ?? [])
        for (name, split) in splits {
            guard split.imageShape == shape else {
                throw fail("/\(name)/images", "images of shape \(split.imageShape); expected \(shape) like /train/images")
            }
            if let index = split.images.buffer.firstIndex(where: { !$0.isFinite }) {
                throw fail("/\(name)/images", "pixel \(index) is \(split.images.buffer[index]); expected finite values")
            }
            if let index = split.labels.firstIndex(where: { $0 < 0 || Int($0) >= dataset.classCount }) {
                throw fail("/\(name)/labels", "label \(split.labels[index]) at index \(index) is outside 0..<\(dataset.classCount)")
            }
        }
    }
}
