import CHDF5

/// Creating dataspaces and reading their extents.
enum Dataspace {
    /// A simple dataspace of `shape`, or a scalar one for `[]`.
    static func create(shape: [Int], _ site: Site) throws -> Handle {
        if shape.isEmpty {
            return Handle(try Library.id("create dataspace", site) { H5Screate(H5S_SCALAR) }, .dataspace)
        }
        let dims = shape.map { hsize_t($0) }
        let id = try Library.id("create dataspace", site) { H5Screate_simple(Int32(dims.count), dims, nil) }
        return Handle(id, .dataspace)
    }

    /// The current extent of a dataspace (`[]` for a scalar).
    static func shape(of space: hid_t, _ site: Site) throws -> [Int] {
        let rank = try Library.status("read shape", site) { H5Sget_simple_extent_ndims(space) }
        guard rank > 0 else { return [] }
        var dims = [hsize_t](repeating: 0, count: Int(rank))
        try Library.status("read shape", site) { H5Sget_simple_extent_dims(space, &dims, nil) }
        return dims.map { Int($0) }
    }
}
