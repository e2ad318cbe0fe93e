import CHDF5

extension Dataset {
    /// Elements in one leading-dimension row (1 for a scalar or 1-D dataset).
    public var rowSize: Int { shape.dropFirst().reduce(1, *) }

    /// Reads the whole dataset as `T`, converting from the stored numeric type when they differ.
    public func read<T: HDF5Element>(as type: T.Type = T.self) throws -> [T] {
        try readArray(rows: nil)
    }

    /// Reads the leading-dimension rows `rows` (a hyperslab) as `T`, row-major.
    public func read<T: HDF5Element>(rows: Range<Int>, as type: T.Type = T.self) throws -> [T] {
        try readArray(rows: rows)
    }

    /// Writes the whole dataset from `values` (row-major), converting to the stored type.
    public func write<T: HDF5Element>(_ values: [T]) throws {
        try values.withUnsafeBufferPointer { try write(from: $0, rows: nil) }
    }

    /// Writes the leading-dimension rows `rows` (a hyperslab) from `values` (row-major).
    public func write<T: HDF5Element>(_ values: [T], rows: Range<Int>) throws {
        try values.withUnsafeBufferPointer { try write(from: $0, rows: rows) }
    }

    /// Reads the whole dataset, or the rows `rows`, into `buffer`, whose size must match exactly.
    package func read<T: HDF5Element>(into buffer: UnsafeMutableBufferPointer<T>, rows: Range<Int>? = nil) throws {
        try requireNumeric(T.self, "read")
        let expected = try elementCount(rows: rows, "read")
        guard buffer.count == expected else {
            throw site.error("read", "buffer of \(buffer.count) elements for \(expected) selected elements")
        }
        guard expected > 0, let address = buffer.baseAddress else { return }
        let (memory, fileSpace) = try selection(rows: rows, "read")
        if case .enumeration(let base) = storedType {
            return try readEnumeration(base: base, into: buffer, memory: memory, fileSpace: fileSpace)
        }
        try Library.status("read", site) {
            H5Dread(handle.id, T.elementType.nativeType, memory?.id ?? pb_H5S_ALL(), fileSpace?.id ?? pb_H5S_ALL(),
                    hid_t(H5P_DEFAULT), address)
        }
    }

    /// Writes the whole dataset, or the rows `rows`, from `buffer`, whose size must match exactly.
    package func write<T: HDF5Element>(from buffer: UnsafeBufferPointer<T>, rows: Range<Int>? = nil) throws {
        try requireNumeric(T.self, "write")
        let expected = try elementCount(rows: rows, "write")
        guard buffer.count == expected else {
            throw site.error("write", "\(buffer.count) values for \(expected) selected elements of shape \(shape)")
        }
        guard expected > 0, let address = buffer.baseAddress else { return }
        let (memory, fileSpace) = try selection(rows: rows, "write")
        try Library.status("write", site) {
            H5Dwrite(handle.id, T.elementType.nativeType, memory?.id ?? pb_H5S_ALL(), fileSpace?.id ?? pb_H5S_ALL(),
                     hid_t(H5P_DEFAULT), address)
        }
    }

    /// Reads enumeration values as their integers: HDF5 converts enums only to enums, so the values
    /// are read in the native enum type, then converted from the base integer type to `T`.
    private func readEnumeration<T: HDF5Element>(base: ElementType, into buffer: UnsafeMutableBufferPointer<T>,
                                                 memory: Handle?, fileSpace: Handle?) throws {
        let fileType = Handle(try Library.id("read", site) { H5Dget_type(handle.id) }, .datatype)
        let nativeType = Handle(try Library.id("read", site) { H5Tget_native_type(fileType.id, H5T_DIR_DEFAULT) },
                                .datatype)
        let count = buffer.count
        var scratch = [UInt8](repeating: 0, count: count * max(base.size, MemoryLayout<T>.stride))
        try scratch.withUnsafeMutableBytes { bytes in
            try Library.status("read", site) {
                H5Dread(handle.id, nativeType.id, memory?.id ?? pb_H5S_ALL(), fileSpace?.id ?? pb_H5S_ALL(),
                        hid_t(H5P_DEFAULT), bytes.baseAddress)
            }
            try Library.status("convert enum values", site) {
                H5Tconvert(base.nativeType, T.elementType.nativeType, count, bytes.baseAddress, nil, hid_t(H5P_DEFAULT))
            }
            if let source = bytes.baseAddress, let target = buffer.baseAddress {
                UnsafeMutableRawPointer(target).copyMemory(from: source, byteCount: count * MemoryLayout<T>.stride)
            }
        }
    }

    private func readArray<T: HDF5Element>(rows: Range<Int>?) throws -> [T] {
        let count = try elementCount(rows: rows, "read")
        return try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            buffer.initialize(repeating: T.zero)
            try read(into: buffer, rows: rows)
            initialized = count
        }
    }

    /// The number of elements selected by `rows` (all when nil), checking the range.
    private func elementCount(rows: Range<Int>?, _ operation: String) throws -> Int {
        guard let rows else { return count }
        guard let first = shape.first else {
            throw site.error(operation, "a scalar dataset has no rows")
        }
        guard rows.lowerBound >= 0, rows.upperBound <= first else {
            throw site.error(operation, "rows \(rows.lowerBound)..<\(rows.upperBound) outside 0..<\(first)")
        }
        return rows.count * rowSize
    }

    /// Memory and file dataspaces selecting `rows`, or nil (meaning all) for both.
    private func selection(rows: Range<Int>?, _ operation: String) throws -> (Handle?, Handle?) {
        guard let rows else { return (nil, nil) }
        var start = [hsize_t](repeating: 0, count: shape.count)
        var extent = shape.map { hsize_t($0) }
        start[0] = hsize_t(rows.lowerBound)
        extent[0] = hsize_t(rows.count)
        let fileSpace = Handle(try Library.id(operation, site) { H5Dget_space(handle.id) }, .dataspace)
        try Library.status(operation, site) {
            H5Sselect_hyperslab(fileSpace.id, H5S_SELECT_SET, start, nil, extent, nil)
        }
        let memory = try Dataspace.create(shape: extent.map { Int($0) }, site)
        return (memory, fileSpace)
    }
}
