/// Bad input in a data or checkpoint file: which file, which object inside it, and what was expected.
public struct DataFileError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file's path.
    public let file: String
    /// The object inside the file (an HDF5 path such as "/train/labels", or "IDX header", "record 7").
    public let object: String
    /// What is wrong and what was expected.
    public let message: String

    public init(file: String, object: String, message: String) {
        self.file = file
        self.object = object
        self.message = message
    }

    public var description: String { "\(file): \(object): \(message)" }
}
