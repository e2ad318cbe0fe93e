import CHDF5

/// An open attribute: reads its shape, type and value (numeric, fixed- or variable-length strings).
struct Attribute {
    let handle: Handle
    let site: Site

    init(_ handle: Handle, site: Site) {
        self.handle = handle
        self.site = site
    }

    func shape() throws -> [Int] {
        let space = Handle(try Library.id("read attribute shape", site) { H5Aget_space(handle.id) }, .dataspace)
        return try Dataspace.shape(of: space.id, site)
    }

    func fileType() throws -> Handle {
        Handle(try Library.id("read attribute type", site) { H5Aget_type(handle.id) }, .datatype)
    }

    func storedType() throws -> StoredType {
        let type = try fileType()
        return withExtendedLifetime(type) { StoredType.of(datatype: type.id) }
    }

    /// All elements as `T`, converted from the stored numeric type.
    func readNumbers<T: HDF5Element>() throws -> [T] {
        let stored = try storedType()
        guard case .numeric = stored else {
            throw site.error("read attribute", "stored type is \(stored), expected a number (read as \(T.elementType.rawValue))")
        }
        let count = try shape().reduce(1, *)
        var values = [T](repeating: T.zero, count: count)
        guard count > 0 else { return values }
        try values.withUnsafeMutableBytes { bytes in
            _ = try Library.status("read attribute", site) {
                H5Aread(handle.id, T.elementType.nativeType, bytes.baseAddress)
            }
        }
        return values
    }

    /// All elements as strings, from fixed- or variable-length storage.
    func readStrings() throws -> [String] {
        let type = try fileType()
        guard H5Tget_class(type.id) == H5T_STRING else {
            throw site.error("read attribute", "stored type is \(StoredType.of(datatype: type.id)), expected a string")
        }
        let count = try shape().reduce(1, *)
        guard count > 0 else { return [] }
        return H5Tis_variable_str(type.id) > 0
            ? try readVariableLength(count: count, fileType: type)
            : try readFixedLength(count: count, fileType: type)
    }

    private func readVariableLength(count: Int, fileType: Handle) throws -> [String] {
        let memory = Handle(try Library.id("read attribute", site) { H5Tcopy(pb_H5T_C_S1()) }, .datatype)
        try Library.status("read attribute", site) { H5Tset_size(memory.id, pb_H5T_VARIABLE()) }
        try Library.status("read attribute", site) { H5Tset_cset(memory.id, H5Tget_cset(fileType.id)) }
        var pointers = [UnsafeMutablePointer<CChar>?](repeating: nil, count: count)
        try Library.status("read attribute", site) { H5Aread(handle.id, memory.id, &pointers) }
        defer { for pointer in pointers where pointer != nil { H5free_memory(pointer) } }
        return pointers.map { $0.map { String(cString: $0) } ?? "" }
    }

    private func readFixedLength(count: Int, fileType: Handle) throws -> [String] {
        let size = H5Tget_size(fileType.id)
        guard size > 0 else { throw site.error("read attribute", "string type of size 0") }
        let spacePadded = H5Tget_strpad(fileType.id) == H5T_STR_SPACEPAD
        var bytes = [UInt8](repeating: 0, count: size * count)
        try Library.status("read attribute", site) { H5Aread(handle.id, fileType.id, &bytes) }
        return (0..<count).map { index in
            var field = bytes[index * size ..< (index + 1) * size]
            if let end = field.firstIndex(of: 0) { field = field[..<end] }
            if spacePadded { while field.last == 0x20 { field = field.dropLast() } }
            return String(decoding: field, as: UTF8.self)
        }
    }
}
