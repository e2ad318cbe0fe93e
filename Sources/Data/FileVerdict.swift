import HDF5

/// Whether an HDF5 file is a valid PruneBench dataset or checkpoint, and if not, why.
public struct FileVerdict: Sendable, CustomStringConvertible {
    /// What the file is, or claims to be.
    public enum Kind: String, Sendable { case dataset, checkpoint, unknown }

    public let kind: Kind
    public let isValid: Bool
    /// A one-line summary (valid) or reason (invalid).
    public let detail: String

    public var description: String {
        switch (kind, isValid) {
        case (.unknown, _): "not a PruneBench dataset or checkpoint: \(detail)"
        case (_, true): "valid PruneBench \(kind.rawValue): \(detail)"
        case (_, false): "not a valid PruneBench \(kind.rawValue): \(detail)"
        }
    }

    /// Classifies the file at `path` by its `format` attribute or, without one, by its layout
    /// (`train`/`test` groups: a dataset; datasets at the root: a state_dict checkpoint), then
    /// reads it fully with the matching reader. Errors opening the file itself are thrown.
    public static func check(path: String) throws -> FileVerdict {
        let root = try File.open(path).root
        let format = try root.hasAttribute("format") ? try root.stringAttribute("format") : nil
        let children = try root.children()
        let kind: Kind
        switch format {
        case DatasetFile.formatName?: kind = .dataset
        case Checkpoint.formatName?: kind = .checkpoint
        case let other?:
            return FileVerdict(kind: .unknown, isValid: false,
                               detail: "root attribute \"format\" is \"\(other)\"; expected \"\(DatasetFile.formatName)\" or \"\(Checkpoint.formatName)\"")
        case nil:
            if children.contains(where: { ["train", "test"].contains($0.name) && $0.kind == .group }) {
                kind = .dataset
            } else if children.contains(where: { $0.kind == .dataset }) {
                kind = .checkpoint
            } else {
                return FileVerdict(kind: .unknown, isValid: false,
                                   detail: "no \"format\" attribute, no train/test groups (dataset) and no datasets at the root (checkpoint)")
            }
        }
        do {
            guard kind == .checkpoint else {
                return FileVerdict(kind: kind, isValid: true, detail: summary(try DatasetFile.read(path: path), root: root))
            }
            let checkpoint = try Checkpoint.read(path: path)
            if checkpoint.architecture != nil {
                _ = try checkpoint.model(file: path)  // the loader's verdict: builds, loads and masks as every command does
            } else {
                try checkFinite(checkpoint, file: path)
            }
            return FileVerdict(kind: kind, isValid: true, detail: summary(checkpoint))
        } catch {
            return FileVerdict(kind: kind, isValid: false, detail: String(describing: error))
        }
    }

    /// A plain state_dict cannot be loaded without an architecture, but NaN or infinite values make it unusable.
    private static func checkFinite(_ checkpoint: Checkpoint, file: String) throws {
        for (name, tensor) in checkpoint.tensors {
            if let index = tensor.firstNonFiniteIndex {
                throw DataFileError(file: file, object: "/\(name)", message: "holds \(tensor.data[index]) at flat index \(index); "
                    + "weights and buffers must be finite")
            }
        }
    }

    private static func summary(_ dataset: ImageDataset, root: Group) -> String {
        var parts = ["\"\(dataset.name)\"", "\(dataset.classCount) classes", "images \(dataset.train.imageShape)",
                     "train \(dataset.train.count)", "test \(dataset.test.count)"]
        if let validation = dataset.validation { parts.append("val \(validation.count)") }
        return parts.joined(separator: ", ")
    }

    private static func summary(_ checkpoint: Checkpoint) -> String {
        let parameters = checkpoint.tensors.filter { !Checkpoint.isCounter($0.name) }.reduce(0) { $0 + $1.tensor.count }
        var parts = ["\(checkpoint.tensors.count) tensors (\(parameters) values)", "\(checkpoint.masks.count) masks"]
        parts.append(checkpoint.architecture == nil ? "no architecture (plain state_dict)" : "architecture \(checkpoint.architecture ?? "")")
        if let dataset = checkpoint.dataset { parts.append("dataset \"\(dataset)\"") }
        switch Result(catching: { try checkpoint.validationHoldout() }) {
        case .success(let holdout?): parts.append("validation holdout of \(holdout.count) of \(holdout.splitCount) training examples")
        case .success(nil): parts.append("no validation holdout")
        case .failure(let error): parts.append("unreadable validation holdout (\(error))")
        }
        return parts.joined(separator: ", ")
    }
}
