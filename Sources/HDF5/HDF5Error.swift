/// A failed HDF5 operation: what was attempted, on which file and object, and HDF5's own message.
public struct HDF5Error: Error, CustomStringConvertible, Sendable {
    /// The operation, e.g. "open dataset" or "read".
    public let operation: String
    /// The file's path.
    public let file: String
    /// The object's path inside the file ("/" for the file itself).
    public let object: String
    /// HDF5's error-stack message, or our own explanation when the failure is ours.
    public let message: String

    public init(operation: String, file: String, object: String, message: String) {
        self.operation = operation
        self.file = file
        self.object = object
        self.message = message
    }

    public var description: String {
        "\(file): \(object): cannot \(operation): \(message)"
    }
}
