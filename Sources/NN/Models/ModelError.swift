/// Why a model could not be built, fed or loaded.
public enum ModelError: Error, Equatable, CustomStringConvertible {
    /// The architecture asks for something impossible (unknown name, bad hyperparameter, a layer that
    /// does not fit its input); the text says which model, which layer and what was expected.
    case invalidArchitecture(String)
    /// Architecture JSON that does not decode.
    case invalidJSON(String)
    /// An input tensor whose shape the model does not accept.
    case invalidInput(String)
    /// A state dict that does not match the model, every bad key named in full.
    case stateDictMismatch(StateDictMismatch)
    /// A tensor given to the model holds NaN or an infinity (the first such entry).
    case nonFiniteValue(tensor: String, index: Int, value: Float)

    public var description: String {
        switch self {
        case .invalidArchitecture(let text): "invalid architecture: \(text)"
        case .invalidJSON(let text): "invalid JSON: \(text)"
        case .invalidInput(let text): "invalid input: \(text)"
        case .stateDictMismatch(let mismatch): mismatch.description
        case .nonFiniteValue(let tensor, let index, let value):
            "tensor \"\(tensor)\" holds \(value) at flat index \(index); a model's weights and buffers must be finite"
        }
    }
}

/// The keys of a state dict that do not fit a model: missing, unexpected and mis-shaped ones.
public struct StateDictMismatch: Equatable, Sendable, CustomStringConvertible {
    /// A key present in both whose shapes differ.
    public struct Misshaped: Equatable, Sendable {
        public let name: String
        public let expected: [Int]
        public let found: [Int]
    }

    /// The model's name for the architecture (e.g. "resnet20").
    public let model: String
    /// Keys the model has and the state dict lacks, in `state_dict` order.
    public let missing: [String]
    /// Keys the state dict has and the model lacks, sorted.
    public let unexpected: [String]
    /// Keys whose shapes differ, in `state_dict` order.
    public let misshaped: [Misshaped]

    /// True when nothing is wrong.
    public var isEmpty: Bool { missing.isEmpty && unexpected.isEmpty && misshaped.isEmpty }

    public var description: String {
        var lines = ["state dict does not match model \(model):"]
        if !missing.isEmpty { lines.append("  missing keys: " + missing.joined(separator: ", ")) }
        if !unexpected.isEmpty { lines.append("  unexpected keys: " + unexpected.joined(separator: ", ")) }
        for item in misshaped {
            lines.append("  \(item.name): expected shape \(item.expected), found \(item.found)")
        }
        return lines.joined(separator: "\n")
    }
}
