import CHDF5

/// An HDF5 group: a directory of named groups and datasets, with attributes.
public final class Group: Object {
    /// Creates a child group (and any missing intermediate groups in `name`).
    public func createGroup(_ name: String) throws -> Group {
        let child = site.child(name)
        let lcpl = try Group.intermediateGroupsList(child)
        let gcpl = Handle(try Library.id("create group", child) { H5Pcreate(pb_H5P_GROUP_CREATE()) }, .propertyList)
        let order = UInt32(H5P_CRT_ORDER_TRACKED | H5P_CRT_ORDER_INDEXED)
        try Library.status("create group", child) { H5Pset_link_creation_order(gcpl.id, order) }
        try Library.status("create group", child) { H5Pset_obj_track_times(gcpl.id, false) }
        let id = try Library.id("create group", child) {
            H5Gcreate2(handle.id, name, lcpl.id, gcpl.id, hid_t(H5P_DEFAULT))
        }
        return Group(Handle(id, .group), site: child, file: file)
    }

    /// Opens the group at `name` (a path relative to this group, or absolute).
    public func openGroup(_ name: String) throws -> Group {
        let child = site.child(name)
        try expect(name, is: .group, child)
        let id = try Library.id("open group", child) { H5Gopen2(handle.id, name, hid_t(H5P_DEFAULT)) }
        return Group(Handle(id, .group), site: child, file: file)
    }

    /// Opens the dataset at `name` (a path relative to this group, or absolute).
    public func openDataset(_ name: String) throws -> Dataset {
        let child = site.child(name)
        try expect(name, is: .dataset, child)
        let id = try Library.id("open dataset", child) { H5Dopen2(handle.id, name, hid_t(H5P_DEFAULT)) }
        return try Dataset(opening: Handle(id, .dataset), site: child, file: file)
    }

    /// True when a link exists at the path `name`, checking each component in turn.
    public func contains(_ name: String) throws -> Bool {
        var prefix = name.hasPrefix("/") ? "/" : ""
        for component in name.split(separator: "/") {
            prefix += (prefix.isEmpty || prefix == "/" ? "" : "/") + component
            let path = prefix
            let exists = try Library.status("look up", site.child(path)) {
                H5Lexists(handle.id, path, hid_t(H5P_DEFAULT))
            }
            if exists == 0 { return false }
        }
        return true
    }

    /// The kind of object at `name`, or nil when nothing is there.
    public func kind(of name: String) throws -> ObjectKind? {
        guard try contains(name) else { return nil }
        let child = site.child(name)
        let object = Handle(try Library.id("open object", child) { H5Oopen(handle.id, name, hid_t(H5P_DEFAULT)) },
                            .object)
        switch H5Iget_type(object.id) {
        case H5I_GROUP: return .group
        case H5I_DATASET: return .dataset
        case H5I_DATATYPE: return .namedDatatype
        default: return .other
        }
    }

    /// The group's direct children, in creation order when the file tracks it, else by name.
    public func children() throws -> [Child] {
        var info = H5G_info_t()
        try Library.status("list group", site) { H5Gget_info(handle.id, &info) }
        let index = try tracksCreationOrder() ? H5_INDEX_CRT_ORDER : H5_INDEX_NAME
        var result: [Child] = []
        for position in 0..<info.nlinks {
            let name = try linkName(at: position, index: index)
            result.append(Child(name: name, kind: try kind(of: name) ?? .other))
        }
        return result
    }

    /// Creates a dataset of `shape` holding `type`; with `chunks` (or `deflate`, which needs chunks and
    /// picks about 1 MiB of leading rows per chunk when none are given) the data are stored chunked.
    public func createDataset(_ name: String, type: ElementType, shape: [Int], chunks: [Int]? = nil,
                              deflate level: Int? = nil) throws -> Dataset {
        let child = site.child(name)
        guard shape.allSatisfy({ $0 >= 0 }) else { throw child.error("create dataset", "negative extent in \(shape)") }
        let space = try Dataspace.create(shape: shape, child)
        let dcpl = Handle(try Library.id("create dataset", child) { H5Pcreate(pb_H5P_DATASET_CREATE()) },
                          .propertyList)
        try Library.status("create dataset", child) { H5Pset_obj_track_times(dcpl.id, false) }
        if let chunk = try Group.chunkShape(shape: shape, type: type, chunks: chunks, deflate: level, child) {
            let dims = chunk.map { hsize_t($0) }
            try Library.status("set chunking", child) { H5Pset_chunk(dcpl.id, Int32(dims.count), dims) }
            if let level {
                guard (0...9).contains(level) else { throw child.error("create dataset", "deflate level \(level) not in 0...9") }
                try Library.status("set deflate", child) { H5Pset_deflate(dcpl.id, UInt32(level)) }
            }
        }
        let lcpl = try Group.intermediateGroupsList(child)
        let id = try Library.id("create dataset", child) {
            H5Dcreate2(handle.id, name, type.nativeType, space.id, lcpl.id, dcpl.id, hid_t(H5P_DEFAULT))
        }
        return try Dataset(opening: Handle(id, .dataset), site: child, file: file)
    }

    /// Creates a dataset of `shape` and writes `values` (row-major) into it.
    @discardableResult
    public func createDataset<T: HDF5Element>(_ name: String, values: [T], shape: [Int], chunks: [Int]? = nil,
                                              deflate level: Int? = nil) throws -> Dataset {
        guard shape.reduce(1, *) == values.count else {
            throw site.child(name).error("create dataset", "\(values.count) values for shape \(shape)")
        }
        let dataset = try createDataset(name, type: T.elementType, shape: shape, chunks: chunks, deflate: level)
        try dataset.write(values)
        return dataset
    }

    // MARK: - Helpers

    /// Throws a clear error when nothing, or the wrong kind of object, is at `name`.
    private func expect(_ name: String, is expected: ObjectKind, _ child: Site) throws {
        guard let found = try kind(of: name) else {
            throw child.error("open \(expected.rawValue)", "no such object; expected a \(expected.rawValue)")
        }
        if found != expected {
            throw child.error("open \(expected.rawValue)", "is a \(found.rawValue), expected a \(expected.rawValue)")
        }
    }

    private func tracksCreationOrder() throws -> Bool {
        let gcpl = Handle(try Library.id("list group", site) { H5Gget_create_plist(handle.id) }, .propertyList)
        var flags: UInt32 = 0
        try Library.status("list group", site) { H5Pget_link_creation_order(gcpl.id, &flags) }
        return flags & UInt32(H5P_CRT_ORDER_INDEXED) != 0
    }

    private func linkName(at position: hsize_t, index: H5_index_t) throws -> String {
        let length = try Library.status("list group", site) {
            H5Lget_name_by_idx(handle.id, ".", index, H5_ITER_INC, position, nil, 0, hid_t(H5P_DEFAULT))
        }
        var buffer = [CChar](repeating: 0, count: Int(length) + 1)
        try Library.status("list group", site) {
            H5Lget_name_by_idx(handle.id, ".", index, H5_ITER_INC, position, &buffer, buffer.count,
                               hid_t(H5P_DEFAULT))
        }
        return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A link-creation property list that creates missing intermediate groups.
    private static func intermediateGroupsList(_ site: Site) throws -> Handle {
        let lcpl = Handle(try Library.id("create link", site) { H5Pcreate(pb_H5P_LINK_CREATE()) }, .propertyList)
        try Library.status("create link", site) { H5Pset_create_intermediate_group(lcpl.id, 1) }
        return lcpl
    }

    /// The chunk shape to use, or nil for contiguous storage.
    private static func chunkShape(shape: [Int], type: ElementType, chunks: [Int]?, deflate: Int?,
                                   _ site: Site) throws -> [Int]? {
        if let chunks {
            guard chunks.count == shape.count, chunks.allSatisfy({ $0 > 0 }) else {
                throw site.error("create dataset", "chunk shape \(chunks) does not fit shape \(shape)")
            }
            guard !shape.contains(0) else { return nil }
            return zip(chunks, shape).map { min($0, $1) }
        }
        guard deflate != nil, !shape.isEmpty, !shape.contains(0) else { return nil }
        let rowBytes = shape.dropFirst().reduce(type.size, *)
        let rows = max(1, min(shape[0], (1 << 20) / max(rowBytes, 1)))
        return [rows] + shape.dropFirst()
    }
}
