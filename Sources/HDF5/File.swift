import CHDF5
import Foundation

/// An open HDF5 file; closes itself when the last reference to it (or to any of its objects) goes away.
public final class File {
    /// How to open an existing file.
    public enum Mode: Sendable { case readOnly, readWrite }

    /// The file's path as given.
    public let path: String
    /// The root group "/", which also holds the file's own attributes.
    public let root: Group
    private let handle: Handle

    private init(path: String, handle: Handle) throws {
        self.path = path
        self.handle = handle
        let site = Site(file: path, object: "/")
        let rootID = try Library.id("open root group", site) { H5Gopen2(handle.id, "/", hid_t(H5P_DEFAULT)) }
        self.root = Group(Handle(rootID, .group), site: site, file: handle)
    }

    /// Opens an existing file; a missing path, a file that is not HDF5 or a damaged file all throw.
    public static func open(_ path: String, mode: Mode = .readOnly) throws -> File {
        let site = Site(file: path, object: "/")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw site.error("open file", "no such file")
        }
        if isDirectory.boolValue { throw site.error("open file", "is a directory, expected an HDF5 file") }
        let isHDF5 = try Library.status("open file", site) { H5Fis_hdf5(path) }
        if isHDF5 == 0 { throw site.error("open file", "not an HDF5 file (no HDF5 signature found)") }
        let flags = mode == .readOnly ? pb_H5F_ACC_RDONLY() : pb_H5F_ACC_RDWR()
        let fapl = try accessList(site)
        let id = try Library.id("open file", site) { H5Fopen(path, flags, fapl.id) }
        return try File(path: path, handle: Handle(id, .file))
    }

    /// Creates a file for writing; an existing file is truncated, or, with `overwrite: false`, is an error.
    /// Links in every group are tracked in creation order, so children list in the order written.
    public static func create(_ path: String, overwrite: Bool = true) throws -> File {
        let site = Site(file: path, object: "/")
        let fcpl = Handle(try Library.id("create file", site) { H5Pcreate(pb_H5P_FILE_CREATE()) }, .propertyList)
        let order = UInt32(H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED)
        try Library.status("create file", site) { H5Pset_link_creation_order(fcpl.id, order) }
        let flags = overwrite ? pb_H5F_ACC_TRUNC() : pb_H5F_ACC_EXCL()
        let fapl = try accessList(site)
        let id = try Library.id("create file", site) { H5Fcreate(path, flags, fcpl.id, fapl.id) }
        return try File(path: path, handle: Handle(id, .file))
    }

    /// File access properties: HDF5's advisory file locks off. PruneBench never writes a file in place
    /// while others read it (writes go to a temporary file that is renamed), and HDF5 opens files without
    /// close-on-exec, so a lock inherited by any child process spawned meanwhile made reopening fail.
    private static func accessList(_ site: Site) throws -> Handle {
        let fapl = Handle(try Library.id("open file", site) { H5Pcreate(pb_H5P_FILE_ACCESS()) }, .propertyList)
        try Library.status("open file", site) { H5Pset_file_locking(fapl.id, false, true) }
        return fapl
    }

    /// Writes everything buffered to disk.
    public func flush() throws {
        try Library.status("flush", Site(file: path, object: "/")) { H5Fflush(handle.id, H5F_SCOPE_GLOBAL) }
    }

    /// Opens the group at `path` (absolute or relative to the root).
    public func group(_ path: String) throws -> Group { try root.openGroup(path) }

    /// Opens the dataset at `path` (absolute or relative to the root).
    public func dataset(_ path: String) throws -> Dataset { try root.openDataset(path) }
}
