import CHDF5
import Foundation

extension Object {
    /// Stores a string attribute: variable-length UTF-8 like h5py's `str`, or fixed-length when asked.
    public func setAttribute(_ name: String, _ value: String, fixedLength: Bool = false) throws {
        if fixedLength {
            try writeFixedLengthString(name, value)
        } else {
            try writeVariableLengthStrings(name, [value], shape: [])
        }
    }

    /// Stores a 1-D array of variable-length UTF-8 strings (h5py reads it as a list of `str`).
    public func setAttribute(_ name: String, _ values: [String]) throws {
        try writeVariableLengthStrings(name, values, shape: [values.count])
    }

    /// Stores a numeric scalar attribute.
    public func setAttribute<T: HDF5Element>(_ name: String, _ value: T) throws {
        try writeNumbers(name, [value], shape: [])
    }

    /// Stores a 1-D numeric array attribute.
    public func setAttribute<T: HDF5Element>(_ name: String, _ values: [T]) throws {
        try writeNumbers(name, values, shape: [values.count])
    }

    /// Stores `value` as a JSON string attribute (sorted keys, so equal values give equal text).
    public func setJSONAttribute<T: Encodable>(_ name: String, _ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data: Data
        do {
            data = try encoder.encode(value)
        } catch {
            throw attributeSite(name).error("encode JSON attribute", describe(error))
        }
        try setAttribute(name, String(decoding: data, as: UTF8.self))
    }

    /// Removes the attribute `name` if present.
    public func deleteAttribute(_ name: String) throws {
        guard try hasAttribute(name) else { return }
        try Library.status("delete attribute", attributeSite(name)) { H5Adelete(handle.id, name) }
    }

    private func writeNumbers<T: HDF5Element>(_ name: String, _ values: [T], shape: [Int]) throws {
        let attribute = try createAttribute(name, type: T.elementType.nativeType, shape: shape)
        try values.withUnsafeBytes { bytes in
            _ = try Library.status("write attribute", attributeSite(name)) {
                H5Awrite(attribute.id, T.elementType.nativeType, bytes.baseAddress)
            }
        }
    }

    private func writeVariableLengthStrings(_ name: String, _ values: [String], shape: [Int]) throws {
        let at = attributeSite(name)
        let type = Handle(try Library.id("write attribute", at) { H5Tcopy(pb_H5T_C_S1()) }, .datatype)
        try Library.status("write attribute", at) { H5Tset_size(type.id, pb_H5T_VARIABLE()) }
        try Library.status("write attribute", at) { H5Tset_cset(type.id, H5T_CSET_UTF8) }
        let attribute = try createAttribute(name, type: type.id, shape: shape)
        let copies = values.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        var pointers: [UnsafePointer<CChar>?] = copies.map { $0.map { UnsafePointer($0) } }
        try Library.status("write attribute", at) { H5Awrite(attribute.id, type.id, &pointers) }
    }

    private func writeFixedLengthString(_ name: String, _ value: String) throws {
        let at = attributeSite(name)
        var bytes = Array(value.utf8)
        if bytes.isEmpty { bytes = [0] }
        let type = Handle(try Library.id("write attribute", at) { H5Tcopy(pb_H5T_C_S1()) }, .datatype)
        try Library.status("write attribute", at) { H5Tset_size(type.id, bytes.count) }
        try Library.status("write attribute", at) { H5Tset_strpad(type.id, H5T_STR_NULLPAD) }
        try Library.status("write attribute", at) { H5Tset_cset(type.id, H5T_CSET_UTF8) }
        let attribute = try createAttribute(name, type: type.id, shape: [])
        try Library.status("write attribute", at) { H5Awrite(attribute.id, type.id, bytes) }
    }

    /// Creates (replacing any existing) attribute `name` of `type` and `shape`.
    private func createAttribute(_ name: String, type: hid_t, shape: [Int]) throws -> Handle {
        try deleteAttribute(name)
        let at = attributeSite(name)
        let space = try Dataspace.create(shape: shape, at)
        let id = try Library.id("create attribute", at) {
            H5Acreate2(handle.id, name, type, space.id, hid_t(H5P_DEFAULT), hid_t(H5P_DEFAULT))
        }
        return Handle(id, .attribute)
    }
}
