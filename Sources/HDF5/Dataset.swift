import CHDF5

/// An HDF5 dataset: an n-dimensional array of one element type, read and written whole or by rows.
public final class Dataset: Object {
    /// The extent of each dimension (`[]` for a scalar dataset).
    public let shape: [Int]
    /// What the file stores: a numeric element type, strings or another class.
    public let storedType: StoredType

    init(opening handle: Handle, site: Site, file: Handle) throws {
        let space = Handle(try Library.id("read shape", site) { H5Dget_space(handle.id) }, .dataspace)
        shape = try Dataspace.shape(of: space.id, site)
        let type = Handle(try Library.id("read type", site) { H5Dget_type(handle.id) }, .datatype)
        storedType = StoredType.of(datatype: type.id)
        super.init(handle, site: site, file: file)
    }

    /// The number of elements.
    public var count: Int { shape.reduce(1, *) }

    /// The stored numeric element type, or nil when the dataset holds strings or another class.
    public var elementType: ElementType? { storedType.elementType }

    /// How the dataset is laid out on disk: chunk shape (nil when contiguous or compact) and filters.
    public func storage() throws -> StorageLayout {
        let dcpl = Handle(try Library.id("read storage layout", site) { H5Dget_create_plist(handle.id) },
                          .propertyList)
        var chunks: [Int]? = nil
        if H5Pget_layout(dcpl.id) == H5D_CHUNKED {
            var dims = [hsize_t](repeating: 0, count: max(shape.count, 1))
            let rank = try Library.status("read chunking", site) {
                H5Pget_chunk(dcpl.id, Int32(dims.count), &dims)
            }
            chunks = dims.prefix(Int(rank)).map { Int($0) }
        }
        let filterCount = try Library.status("read filters", site) { H5Pget_nfilters(dcpl.id) }
        var filters: [StorageLayout.Filter] = []
        for index in 0..<UInt32(filterCount) {
            var flags: UInt32 = 0
            var valueCount = 8
            var values = [UInt32](repeating: 0, count: valueCount)
            var name = [CChar](repeating: 0, count: 64)
            var config: UInt32 = 0
            let id = try Library.status("read filters", site) {
                H5Pget_filter2(dcpl.id, index, &flags, &valueCount, &values, name.count, &name, &config)
            }
            filters.append(StorageLayout.Filter(id: Int(id), parameters: values.prefix(min(valueCount, 8)).map { Int($0) },
                                                 name: String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)))
        }
        return StorageLayout(chunks: chunks, filters: filters)
    }

    /// Checks that `T` is a numeric type HDF5 can convert the stored elements to.
    func requireNumeric<T: HDF5Element>(_ type: T.Type, _ operation: String) throws {
        guard storedType.elementType != nil else {
            throw site.error(operation, "stored type is \(storedType), expected a numeric type (read as \(T.elementType.rawValue))")
        }
    }
}
