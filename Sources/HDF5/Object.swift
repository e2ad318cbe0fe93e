import CHDF5

/// A group or dataset in an open file: owns its HDF5 handle and carries attributes.
public class Object {
    /// The path of the file the object lives in.
    public var fileName: String { site.file }
    /// The object's absolute path inside the file, e.g. "/train/images".
    public var path: String { site.object }

    let handle: Handle
    let site: Site
    /// Keeps the file open for as long as any of its objects is alive.
    let file: Handle

    init(_ handle: Handle, site: Site, file: Handle) {
        self.handle = handle
        self.site = site
        self.file = file
    }
}

/// What kind of object a link in a group points to.
public enum ObjectKind: String, Sendable {
    case group, dataset, namedDatatype = "named datatype", other
}

/// One entry of a group's listing.
public struct Child: Sendable, Equatable {
    public let name: String
    public let kind: ObjectKind

    public init(name: String, kind: ObjectKind) {
        self.name = name
        self.kind = kind
    }
}
