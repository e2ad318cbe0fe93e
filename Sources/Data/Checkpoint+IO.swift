import Foundation
import HDF5
import NN

extension Checkpoint {
    /// True for the `state_dict` keys stored as int64 (batch norm's step counters).
    public static func isCounter(_ name: String) -> Bool { name.hasSuffix("num_batches_tracked") }

    /// Writes the checkpoint atomically to `path` (temporary file renamed into place).
    public func write(to path: String) throws {
        try validate(path: path)
        try AtomicWrite.write(to: path) { temporary in
            let file = try File.create(temporary)
            let root = file.root
            try root.setAttribute("format", Checkpoint.formatName)
            try root.setAttribute("format_version", Checkpoint.formatVersion)
            if let architecture { try root.setAttribute("architecture", architecture) }
            if let dataset { try root.setAttribute("dataset", dataset) }
            if let training { try root.setAttribute("training", training) }
            for (name, tensor) in tensors {
                if Checkpoint.isCounter(name) {
                    try root.createDataset(name, values: tensor.values.map { Int64($0.rounded()) }, shape: tensor.shape)
                } else {
                    try root.createDataset(name, values: tensor.values, shape: tensor.shape)
                }
            }
            if !masks.isEmpty {
                let group = try root.createGroup(Checkpoint.masksGroup)
                for (name, mask) in masks {
                    try group.createDataset(name, values: mask.values.map { $0 != 0 ? UInt8(1) : 0 }, shape: mask.shape)
                }
            }
            try file.flush()
        }
    }

    /// Reads a PruneBench checkpoint or a plain h5py-saved PyTorch `state_dict`.
    public static func read(path: String) throws -> Checkpoint {
        let file = try File.open(path)
        let root = file.root
        func fail(_ object: String, _ message: String) -> DataFileError {
            DataFileError(file: path, object: object, message: message)
        }
        try checkFormat(root, fail)
        var checkpoint = Checkpoint(tensors: [])
        checkpoint.origin = path
        checkpoint.architecture = try jsonAttribute("architecture", root, fail)
        checkpoint.training = try jsonAttribute("training", root, fail)
        checkpoint.dataset = try root.hasAttribute("dataset") ? try root.stringAttribute("dataset") : nil
        for child in try root.children() {
            switch (child.kind, child.name) {
            case (.dataset, _):
                checkpoint.tensors.append((child.name, try tensor(try root.openDataset(child.name), fail)))
            case (.group, masksGroup):
                let group = try root.openGroup(child.name)
                for entry in try group.children() {
                    guard entry.kind == .dataset else {
                        throw fail("/masks/\(entry.name)", "is a \(entry.kind.rawValue); expected a uint8 mask dataset")
                    }
                    checkpoint.masks.append((entry.name, try tensor(try group.openDataset(entry.name), fail)))
                }
            default:
                throw fail("/\(child.name)", "unexpected \(child.kind.rawValue); expected state_dict datasets at the root and masks in /masks")
            }
        }
        guard !checkpoint.tensors.isEmpty else {
            throw fail("/", "no datasets at the root; expected one dataset per state_dict key")
        }
        try checkpoint.validate(path: path)
        return checkpoint
    }

    /// Checks names, mask shapes and mask values, naming the offending object.
    func validate(path: String) throws {
        func fail(_ object: String, _ message: String) -> DataFileError {
            DataFileError(file: path, object: object, message: message)
        }
        var shapes: [String: [Int]] = [:]
        for (name, tensor) in tensors {
            guard !name.isEmpty, !name.contains("/"), name != Checkpoint.masksGroup else {
                throw fail("/\(name)", "invalid tensor name; expected a state_dict key without \"/\"")
            }
            guard shapes.updateValue(tensor.shape, forKey: name) == nil else { throw fail("/\(name)", "duplicate tensor name") }
        }
        var seen: Set<String> = []
        for (name, mask) in masks {
            let object = "/masks/\(name)"
            guard seen.insert(name).inserted else { throw fail(object, "duplicate mask") }
            guard let shape = shapes[name] else { throw fail(object, "masks no tensor; expected a mask named after a parameter") }
            guard mask.shape == shape else { throw fail(object, "has shape \(mask.shape); expected \(shape) like /\(name)") }
            if let index = mask.buffer.firstIndex(where: { $0 != 0 && $0 != 1 }) {
                throw fail(object, "value \(mask.buffer[index]) at index \(index); expected only 0 and 1")
            }
        }
    }

    private static func checkFormat(_ root: Group, _ fail: (String, String) -> DataFileError) throws {
        if try root.hasAttribute("format") {
            let format = try root.stringAttribute("format")
            guard format == formatName else {
                throw fail("/ attribute \"format\"", "is \"\(format)\"; expected \"\(formatName)\"")
            }
        }
        if try root.hasAttribute("format_version") {
            let version = try root.scalarAttribute("format_version", as: Int64.self)
            guard (1...formatVersion).contains(version) else {
                throw fail("/ attribute \"format_version\"", "is \(version); this PruneBench reads versions 1...\(formatVersion)")
            }
        }
    }

    /// A string attribute that must hold valid JSON, or nil when absent.
    private static func jsonAttribute(_ name: String, _ root: Group,
                                      _ fail: (String, String) -> DataFileError) throws -> String? {
        guard try root.hasAttribute(name) else { return nil }
        let text = try root.stringAttribute(name)
        do {
            _ = try JSONSerialization.jsonObject(with: Foundation.Data(text.utf8))
        } catch {
            throw fail("/ attribute \"\(name)\"", "is not valid JSON; expected a JSON description")
        }
        return text
    }

    /// Reads a numeric dataset of any element type as a float tensor of its shape.
    private static func tensor(_ dataset: Dataset, _ fail: (String, String) -> DataFileError) throws -> Tensor {
        guard dataset.elementType != nil else {
            throw fail(dataset.path, "stored type is \(dataset.storedType); expected a numeric tensor")
        }
        let tensor = Tensor(zeros: dataset.shape)
        try dataset.read(into: tensor.buffer)
        return tensor
    }
}
