import Foundation
import HDF5
import NN

/// A model checkpoint in HDF5: the `state_dict` tensors as root-level datasets (float32, with
/// `*.num_batches_tracked` as int64), optional pruning masks as uint8 datasets in `/masks`, and root
/// attributes `format`, `format_version`, `architecture` (JSON), `dataset` and `training` (JSON).
/// A plain PyTorch `state_dict` saved with h5py (keys at the root, no attributes) reads too. See docs/formats.md.
public struct Checkpoint: Sendable {
    /// The value of the root `format` attribute.
    public static let formatName = "prunebench-checkpoint"
    /// The layout version this code writes (and the newest it reads).
    public static let formatVersion: Int64 = 1
    /// The group holding masks.
    public static let masksGroup = "masks"

    /// Parameters and buffers in `state_dict` order and naming (e.g. "conv1.weight", "bn1.running_mean").
    public var tensors: [(name: String, tensor: Tensor)]
    /// Pruning masks (1 keeps a weight, 0 prunes it), named like the parameter they mask.
    public var masks: [(name: String, tensor: Tensor)]
    /// The model's architecture description as JSON text, or nil (e.g. a plain PyTorch state_dict).
    public var architecture: String?
    /// The dataset the model was trained on (its name or path), or nil.
    public var dataset: String?
    /// How the model was trained (seed, epochs, schedule, final accuracy, ...) as JSON text, or nil.
    public var training: String?
    /// The file this checkpoint was read from (nil when built in memory).
    public internal(set) var origin: String?

    public init(tensors: [(name: String, tensor: Tensor)], masks: [(name: String, tensor: Tensor)] = [],
                architecture: String? = nil, dataset: String? = nil, training: String? = nil) {
        self.tensors = tensors
        self.masks = masks
        self.architecture = architecture
        self.dataset = dataset
        self.training = training
    }

    /// The tensors keyed by name, as `Model.load(stateDict:)` takes them.
    public var stateDict: [String: Tensor] {
        Dictionary(tensors.map { ($0.name, $0.tensor) }, uniquingKeysWith: { first, _ in first })
    }

    /// The masks keyed by parameter name.
    public var maskDict: [String: Tensor] {
        Dictionary(masks.map { ($0.name, $0.tensor) }, uniquingKeysWith: { first, _ in first })
    }

    /// Stores `value` as the architecture JSON (sorted keys).
    public mutating func setArchitecture<T: Encodable>(_ value: T) throws {
        architecture = try Checkpoint.json(value)
    }

    /// Stores `value` as the training summary JSON (sorted keys).
    public mutating func setTraining<T: Encodable>(_ value: T) throws {
        training = try Checkpoint.json(value)
    }

    /// Decodes the architecture JSON as `T`, or returns nil when the checkpoint has none.
    public func decodeArchitecture<T: Decodable>(as type: T.Type) throws -> T? {
        try architecture.map { try decode(T.self, from: $0, attribute: "architecture") }
    }

    /// Decodes the training JSON as `T`, or returns nil when the checkpoint has none.
    public func decodeTraining<T: Decodable>(as type: T.Type) throws -> T? {
        try training.map { try decode(T.self, from: $0, attribute: "training") }
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    private func decode<T: Decodable>(_ type: T.Type, from text: String, attribute: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Foundation.Data(text.utf8))
        } catch {
            throw DataFileError(file: origin ?? "checkpoint", object: "/ attribute \"\(attribute)\"",
                                message: "cannot decode as \(T.self): \(String(describing: error).replacingOccurrences(of: "\n", with: " "))")
        }
    }
}
