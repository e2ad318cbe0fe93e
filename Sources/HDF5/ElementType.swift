import CHDF5

/// A numeric element type that HDF5 datasets and attributes can store.
public enum ElementType: String, Sendable, CaseIterable, Codable {
    case float32, float64, int8, uint8, int16, uint16, int32, uint32, int64, uint64

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .int8, .uint8: 1
        case .int16, .uint16: 2
        case .float32, .int32, .uint32: 4
        case .float64, .int64, .uint64: 8
        }
    }

    /// True for the integer types.
    public var isInteger: Bool { self != .float32 && self != .float64 }

    /// HDF5's native in-memory type for this element type (a library constant; never closed).
    var nativeType: hid_t {
        switch self {
        case .float32: pb_H5T_NATIVE_FLOAT()
        case .float64: pb_H5T_NATIVE_DOUBLE()
        case .int8: pb_H5T_NATIVE_INT8()
        case .uint8: pb_H5T_NATIVE_UINT8()
        case .int16: pb_H5T_NATIVE_INT16()
        case .uint16: pb_H5T_NATIVE_UINT16()
        case .int32: pb_H5T_NATIVE_INT32()
        case .uint32: pb_H5T_NATIVE_UINT32()
        case .int64: pb_H5T_NATIVE_INT64()
        case .uint64: pb_H5T_NATIVE_UINT64()
        }
    }

    /// The numeric type a stored HDF5 datatype holds, or nil when it is not a plain integer or float.
    static func of(datatype: hid_t) -> ElementType? {
        let size = H5Tget_size(datatype)
        switch H5Tget_class(datatype) {
        case H5T_FLOAT:
            return size == 4 ? .float32 : size == 8 ? .float64 : nil
        case H5T_INTEGER:
            let signed = H5Tget_sign(datatype) == H5T_SGN_2
            switch size {
            case 1: return signed ? .int8 : .uint8
            case 2: return signed ? .int16 : .uint16
            case 4: return signed ? .int32 : .uint32
            case 8: return signed ? .int64 : .uint64
            default: return nil
            }
        default:
            return nil
        }
    }
}

/// What a dataset or attribute stores: a numeric element type, strings, or something else.
public enum StoredType: Sendable, Equatable, CustomStringConvertible {
    case numeric(ElementType)
    /// An enumeration over an integer base type, e.g. h5py's `bool` (enum FALSE = 0, TRUE = 1 of int8);
    /// datasets of it read as their integer values.
    case enumeration(ElementType)
    case string(variableLength: Bool)
    /// Any other HDF5 class (compound, enum, opaque, ...), described by name.
    case other(String)

    public var description: String {
        switch self {
        case .numeric(let type): type.rawValue
        case .enumeration(let base): "enum of \(base.rawValue)"
        case .string(let variable): variable ? "string (variable length)" : "string (fixed length)"
        case .other(let name): name
        }
    }

    /// The numeric element type (an enumeration's integer base type), or nil for strings and other classes.
    public var elementType: ElementType? {
        switch self {
        case .numeric(let type), .enumeration(let type): type
        case .string, .other: nil
        }
    }

    /// Classifies an HDF5 datatype.
    static func of(datatype: hid_t) -> StoredType {
        if let numeric = ElementType.of(datatype: datatype) { return .numeric(numeric) }
        switch H5Tget_class(datatype) {
        case H5T_STRING: return .string(variableLength: H5Tis_variable_str(datatype) > 0)
        case H5T_INTEGER: return .other("integer of \(H5Tget_size(datatype)) bytes")
        case H5T_FLOAT: return .other("float of \(H5Tget_size(datatype)) bytes")
        case H5T_COMPOUND: return .other("compound")
        case H5T_ENUM:
            let base = H5Tget_super(datatype)
            guard base >= 0 else { return .other("enum") }
            defer { H5Tclose(base) }
            return ElementType.of(datatype: base).map { .enumeration($0) } ?? .other("enum")
        case H5T_ARRAY: return .other("array")
        case H5T_VLEN: return .other("variable-length sequence")
        case H5T_OPAQUE: return .other("opaque")
        case H5T_BITFIELD: return .other("bitfield")
        case H5T_REFERENCE: return .other("reference")
        case H5T_TIME: return .other("time")
        default: return .other("unknown type")
        }
    }
}

/// A Swift numeric type that maps to one HDF5 element type; reads and writes are generic over it.
public protocol HDF5Element: Sendable {
    /// The HDF5 element type with this type's exact memory layout.
    static var elementType: ElementType { get }
    /// Zero, for allocating read buffers.
    static var zero: Self { get }
}

extension Float: HDF5Element {
    public static var elementType: ElementType { .float32 }
}
extension Double: HDF5Element {
    public static var elementType: ElementType { .float64 }
}
extension Int8: HDF5Element {
    public static var elementType: ElementType { .int8 }
}
extension UInt8: HDF5Element {
    public static var elementType: ElementType { .uint8 }
}
extension Int16: HDF5Element {
    public static var elementType: ElementType { .int16 }
}
extension UInt16: HDF5Element {
    public static var elementType: ElementType { .uint16 }
}
extension Int32: HDF5Element {
    public static var elementType: ElementType { .int32 }
}
extension UInt32: HDF5Element {
    public static var elementType: ElementType { .uint32 }
}
extension Int64: HDF5Element {
    public static var elementType: ElementType { .int64 }
}
extension UInt64: HDF5Element {
    public static var elementType: ElementType { .uint64 }
}
