import Foundation
import HDF5
import NN

extension DatasetFile {
    /// Reads and validates a dataset file; any problem throws an error naming the file and object.
    public static func read(path: String) throws -> ImageDataset {
        let file = try File.open(path)
        let root = file.root
        let reader = SplitReader(path: path)
        try reader.checkFormat(root)
        let classNames = try reader.classNames(root)
        let train = try reader.split("train", in: root, classes: classNames.count)
        let test = try reader.split("test", in: root, classes: classNames.count, like: train)
        let validation = try root.contains("val")
            ? try reader.split("val", in: root, classes: classNames.count, like: train) : nil
        let normalization = try reader.normalization(root, channels: train.images.shape[1],
                                                     storedAsBytes: reader.storedAsBytes)
        if try root.hasAttribute("image_shape") {
            let declared = try root.numericAttribute("image_shape", as: Int64.self).map { Int($0) }
            guard declared == train.imageShape else {
                throw reader.fail("/ attribute \"image_shape\"", "is \(declared) but the images are \(train.imageShape)")
            }
        }
        let name = try root.hasAttribute("name") ? try root.stringAttribute("name")
            : URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let source = try root.hasAttribute("source") ? try root.stringAttribute("source") : ""
        return ImageDataset(name: name, classNames: classNames, normalization: normalization, source: source,
                            train: train, test: test, validation: validation)
    }
}

/// Reads and checks the parts of one dataset file.
private final class SplitReader {
    let path: String
    /// Whether every split read so far stores its images as uint8.
    var storedAsBytes = true

    init(path: String) { self.path = path }

    func fail(_ object: String, _ message: String) -> DataFileError {
        DataFileError(file: path, object: object, message: message)
    }

    func checkFormat(_ root: Group) throws {
        guard try root.hasAttribute("format") else { return }
        let format = try root.stringAttribute("format")
        guard format == DatasetFile.formatName else {
            throw fail("/ attribute \"format\"", "is \"\(format)\", expected \"\(DatasetFile.formatName)\"")
        }
    }

    func classNames(_ root: Group) throws -> [String] {
        guard try root.hasAttribute("class_names") else {
            throw fail("/ attribute \"class_names\"", "missing; expected the list of class names")
        }
        let names = try root.stringArrayAttribute("class_names")
        guard !names.isEmpty else { throw fail("/ attribute \"class_names\"", "is empty; expected at least one class") }
        return names
    }

    func normalization(_ root: Group, channels: Int, storedAsBytes: Bool) throws -> Normalization {
        var values: [String: [Float]] = [:]
        for key in ["mean", "std"] {
            guard try root.hasAttribute(key) else {
                throw fail("/ attribute \"\(key)\"", "missing; expected \(channels) per-channel value(s)")
            }
            let numbers = try root.numericAttribute(key, as: Float.self)
            guard numbers.count == channels, numbers.allSatisfy({ $0.isFinite }) else {
                throw fail("/ attribute \"\(key)\"", "is \(numbers); expected \(channels) finite per-channel value(s)")
            }
            values[key] = numbers
        }
        let std = values["std"] ?? []
        guard std.allSatisfy({ $0 > 0 }) else { throw fail("/ attribute \"std\"", "is \(std); expected positive values") }
        let scale = try root.hasAttribute("pixel_scale") ? try root.scalarAttribute("pixel_scale", as: Float.self)
            : (storedAsBytes ? 1 / 255 : 1)
        return Normalization(scale: scale, mean: values["mean"] ?? [], std: std)
    }

    /// Reads `/name/images` and `/name/labels`, checking types, shapes, lengths, label range and NaNs.
    func split(_ name: String, in root: Group, classes: Int, like reference: ImageSplit? = nil) throws -> ImageSplit {
        guard try root.kind(of: name) == .group else {
            throw fail("/\(name)", "missing group; expected a group with datasets \"images\" and \"labels\"")
        }
        let group = try root.openGroup(name)
        let images = try imagesDataset(group)
        let labels = try labelsDataset(group)
        let count = images.shape[0]
        guard labels.shape[0] == count else {
            throw fail(labels.path, "has \(labels.shape[0]) labels but \(images.path) has \(count) images; expected one label per image")
        }
        let shape = images.shape.count == 4 ? images.shape : [count, 1, images.shape[1], images.shape[2]]
        if let reference, Array(shape.dropFirst()) != reference.imageShape {
            throw fail(images.path, "images of shape \(Array(shape.dropFirst())); expected \(reference.imageShape) like /train/images")
        }
        let tensor = Tensor(zeros: shape)
        try images.read(into: tensor.buffer)
        if images.elementType == .float32 {
            storedAsBytes = false
            if let index = tensor.buffer.firstIndex(where: { !$0.isFinite }) {
                throw fail(images.path, "pixel \(index) is \(tensor.buffer[index]); expected finite values (no NaN or infinity)")
            }
        }
        let values = try labels.read(as: Int64.self)
        if let index = values.firstIndex(where: { $0 < 0 || $0 >= Int64(classes) }) {
            throw fail(labels.path, "label \(values[index]) at index \(index) is outside 0..<\(classes) (\(classes) class names)")
        }
        return ImageSplit(images: tensor, labels: values.map { Int32($0) })
    }

    private func imagesDataset(_ group: Group) throws -> Dataset {
        let path = group.path + "/images"
        guard try group.kind(of: "images") == .dataset else {
            throw fail(path, "missing dataset; expected uint8 or float32 images [N, C, H, W] or [N, H, W]")
        }
        let images = try group.openDataset("images")
        guard images.elementType == .uint8 || images.elementType == .float32 else {
            throw fail(path, "stored type is \(images.storedType); expected uint8 or float32")
        }
        guard images.shape.count == 3 || images.shape.count == 4, images.shape.dropFirst().allSatisfy({ $0 > 0 }) else {
            throw fail(path, "has shape \(images.shape); expected [N, C, H, W] or [N, H, W]")
        }
        return images
    }

    private func labelsDataset(_ group: Group) throws -> Dataset {
        let path = group.path + "/labels"
        guard try group.kind(of: "labels") == .dataset else {
            throw fail(path, "missing dataset; expected integer labels [N]")
        }
        let labels = try group.openDataset("labels")
        guard let type = labels.elementType, type.isInteger else {
            throw fail(path, "stored type is \(labels.storedType); expected an integer type")
        }
        guard labels.shape.count == 1 else { throw fail(path, "has shape \(labels.shape); expected [N]") }
        return labels
    }
}
