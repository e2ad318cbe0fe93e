import HDF5
import NN

/// The file `prunebench scores` writes: per-weight scores and optional masks of a model's prunable
/// parameters, by PyTorch `state_dict` name, with root attributes saying how they were computed.
///
/// Layout (docs/scores.md): `/scores/<name>` float32 of the parameter's shape, `/masks/<name>` uint8
/// (1 keeps, 0 prunes), root attributes `format` = `"prunebench-scores"`, `format_version` = 1, and the
/// string, integer and floating-point attributes given.
public struct ScoresFile: Sendable {
    /// The value of the root `format` attribute.
    public static let formatName = "prunebench-scores"
    /// The layout version this code writes.
    public static let formatVersion: Int64 = 1

    /// Scores by parameter name, in state-dict order.
    public var scores: [(name: String, tensor: Tensor)]
    /// Masks by parameter name (empty: no `/masks` group).
    public var masks: [(name: String, tensor: Tensor)]
    /// String root attributes.
    public var strings: [(name: String, value: String)]
    /// Integer root attributes.
    public var integers: [(name: String, value: Int64)]
    /// Floating-point root attributes.
    public var reals: [(name: String, value: Double)]

    public init(scores: [(name: String, tensor: Tensor)], masks: [(name: String, tensor: Tensor)] = [],
                strings: [(name: String, value: String)] = [], integers: [(name: String, value: Int64)] = [],
                reals: [(name: String, value: Double)] = []) {
        self.scores = scores
        self.masks = masks
        self.strings = strings
        self.integers = integers
        self.reals = reals
    }

    /// Writes the file atomically to `path` (temporary file renamed into place).
    public func write(to path: String) throws {
        try AtomicWrite.write(to: path) { temporary in
            let file = try File.create(temporary)
            let root = file.root
            try root.setAttribute("format", Self.formatName)
            try root.setAttribute("format_version", Self.formatVersion)
            for (name, value) in strings { try root.setAttribute(name, value) }
            for (name, value) in integers { try root.setAttribute(name, value) }
            for (name, value) in reals { try root.setAttribute(name, value) }
            let scoresGroup = try root.createGroup("scores")
            for (name, tensor) in scores {
                try scoresGroup.createDataset(name, values: tensor.values, shape: tensor.shape)
            }
            if !masks.isEmpty {
                let masksGroup = try root.createGroup("masks")
                for (name, mask) in masks {
                    try masksGroup.createDataset(name, values: mask.values.map { $0 != 0 ? UInt8(1) : 0 }, shape: mask.shape)
                }
            }
            try file.flush()
        }
    }
}
