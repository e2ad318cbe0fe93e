import Foundation
import HDF5
import Testing

@Suite struct DatasetTests {
    /// Writes `values` as a [3, 4] dataset of their own type and reads them back unchanged.
    private func roundTrip<T: HDF5Element & Equatable>(_ values: [T]) throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("round-trip.h5")
        do {
            let file = try File.create(path)
            try file.root.createDataset("values", values: values, shape: [3, 4])
        }
        let dataset = try File.open(path).dataset("values")
        #expect(dataset.shape == [3, 4])
        #expect(dataset.elementType == T.elementType)
        #expect(try dataset.read(as: T.self) == values)
    }

    @Test(arguments: ElementType.allCases)
    func everyElementTypeRoundTrips(_ type: ElementType) throws {
        let small: [Int] = [0, 1, 2, 3, 4, 5, 6, 7, 100, 101, 126, 127]
        switch type {
        case .float32: try roundTrip(small.map { Float($0) * -0.37 } + [])
        case .float64: try roundTrip(small.map { Double($0) * 1e-300 })
        case .int8: try roundTrip(small.map { Int8($0) * -1 })
        case .uint8: try roundTrip(small.map { UInt8($0 * 2) })
        case .int16: try roundTrip(small.map { Int16($0) * -250 })
        case .uint16: try roundTrip(small.map { UInt16($0) * 500 })
        case .int32: try roundTrip(small.map { Int32($0) * -16_000_000 })
        case .uint32: try roundTrip(small.map { UInt32($0) * 33_000_000 })
        case .int64: try roundTrip(small.map { Int64($0) * -70_000_000_000_000_000 })
        case .uint64: try roundTrip(small.map { UInt64($0) * 140_000_000_000_000_000 })
        }
    }

    @Test func scalarDatasetHasEmptyShape() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("scalar.h5")
        try File.create(path).root.createDataset("steps", values: [Int64(938)], shape: [])
        let dataset = try File.open(path).dataset("steps")
        #expect(dataset.shape == [])
        #expect(try dataset.read(as: Int64.self) == [938])
    }

    @Test func hyperslabRowsReadAndWrite() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("rows.h5")
        let file = try File.create(path)
        let dataset = try file.root.createDataset("grid", type: .int32, shape: [5, 3])
        try dataset.write([Int32](repeating: -1, count: 15))
        try dataset.write([10, 11, 12, 20, 21, 22] as [Int32], rows: 2..<4)
        #expect(try dataset.read(rows: 1..<4, as: Int32.self) == [-1, -1, -1, 10, 11, 12, 20, 21, 22])
        #expect(try dataset.read(rows: 4..<5, as: Int32.self) == [-1, -1, -1])
        #expect(try dataset.read(rows: 3..<3, as: Int32.self) == [])
        #expect(throws: HDF5Error.self) { try dataset.read(rows: 4..<6, as: Int32.self) }
        #expect(throws: HDF5Error.self) { try dataset.write([1, 2] as [Int32], rows: 0..<1) }
    }

    @Test func chunkedDeflatedDatasetReportsLayoutAndRoundTrips() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("chunked.h5")
        let values = (0..<(100 * 28)).map { UInt8($0 % 251) }
        try File.create(path).root.createDataset("images", values: values, shape: [100, 28], chunks: [16, 28], deflate: 4)
        let dataset = try File.open(path).dataset("images")
        let layout = try dataset.storage()
        #expect(layout.chunks == [16, 28])
        #expect(layout.filters.map(\.description) == ["gzip(4)"])
        #expect(try dataset.read(as: UInt8.self) == values)
        #expect(try dataset.read(rows: 15..<17, as: UInt8.self) == Array(values[(15 * 28)..<(17 * 28)]))
    }

    @Test func deflateWithoutChunksPicksRowChunks() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("auto.h5")
        let values = [Float](repeating: 0.5, count: 10 * 1000)
        try File.create(path).root.createDataset("x", values: values, shape: [10, 1000], deflate: 1)
        let layout = try File.open(path).dataset("x").storage()
        #expect(layout.chunks == [10, 1000])
        #expect(layout.filters.first?.id == 1)
    }

    @Test func readingAsAnotherNumericTypeConverts() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("convert.h5")
        do {
            let root = try File.create(path).root
            try root.createDataset("bytes", values: [0, 1, 127, 255] as [UInt8], shape: [4])
            try root.createDataset("doubles", values: [0.5, -1.25, 3e3] as [Double], shape: [3])
            try root.createDataset("longs", values: [-7, 0, 1 << 40] as [Int64], shape: [3])
        }
        let file = try File.open(path)
        #expect(try file.dataset("bytes").read(as: Float.self) == [0, 1, 127, 255])
        #expect(try file.dataset("bytes").read(as: Int64.self) == [0, 1, 127, 255])
        #expect(try file.dataset("doubles").read(as: Float.self) == [0.5, -1.25, 3000])
        #expect(try file.dataset("longs").read(as: Double.self) == [-7, 0, 1_099_511_627_776])
        #expect(try file.dataset("bytes").elementType == .uint8)
        #expect(try file.dataset("doubles").storedType == .numeric(.float64))
    }

    @Test func groupsListChildrenInCreationOrder() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("groups.h5")
        do {
            let root = try File.create(path).root
            let train = try root.createGroup("train")
            try train.createDataset("labels", values: [1, 2] as [Int32], shape: [2])
            try train.createDataset("images", values: [Float](repeating: 0, count: 8), shape: [2, 4])
            _ = try root.createGroup("a/b/c")
            try root.createDataset("zeta", values: [1] as [Int8], shape: [1])
        }
        let file = try File.open(path)
        #expect(try file.root.children() == [Child(name: "train", kind: .group), Child(name: "a", kind: .group),
                                             Child(name: "zeta", kind: .dataset)])
        #expect(try file.group("train").children().map(\.name) == ["labels", "images"])
        #expect(try file.root.contains("a/b/c"))
        #expect(try !file.root.contains("a/x/c"))
        #expect(try file.root.kind(of: "/train/images") == .dataset)
        #expect(try file.group("a/b").path == "/a/b")
        #expect(try file.dataset("/train/labels").read(as: Int32.self) == [1, 2])
    }
}
