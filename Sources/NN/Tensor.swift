/// A dense, row-major (PyTorch-contiguous) array of `Float` with a shape.
///
/// `Tensor` has reference semantics: layers, optimizers and masks share and update
/// tensors in place. `reshaped(_:)` returns a view over the same storage; `copy()`
/// makes an independent tensor. The raw storage is visible to the package's own
/// modules (for kernels over pointers) and never to users of the library.
public final class Tensor: @unchecked Sendable {
    /// The extent of each dimension, outermost first. `[]` is a scalar.
    public let shape: [Int]
    /// The number of elements (product of `shape`).
    public let count: Int
    private let storage: TensorStorage

    /// A zero-filled tensor of the given shape.
    public init(zeros shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        self.shape = shape
        self.count = shape.reduce(1, *)
        self.storage = TensorStorage(count: count)
    }

    /// A tensor filled with `value`.
    public convenience init(shape: [Int], repeating value: Float) {
        self.init(zeros: shape)
        if value != 0 { data.update(repeating: value, count: count) }
    }

    /// A tensor holding `values` in row-major order; `values.count` must equal the shape's product.
    public convenience init(shape: [Int], values: [Float]) {
        self.init(zeros: shape)
        precondition(values.count == count, "\(values.count) values for shape \(shape)")
        values.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: count) }
    }

    /// A tensor whose elements are left uninitialised, for kernel outputs that overwrite every element.
    package init(uninitialized shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        self.shape = shape
        self.count = shape.reduce(1, *)
        self.storage = TensorStorage(uninitialized: count)
    }

    private init(shape: [Int], storage: TensorStorage) {
        self.shape = shape
        self.count = shape.reduce(1, *)
        self.storage = storage
    }

    /// The first element's address; valid while the tensor (or any view of it) is alive.
    package var data: UnsafeMutablePointer<Float> { storage.pointer }

    /// The elements as a buffer, for loops over raw memory inside the package.
    package var buffer: UnsafeMutableBufferPointer<Float> {
        UnsafeMutableBufferPointer(start: storage.pointer, count: count)
    }

    /// The elements in row-major order.
    public var values: [Float] { Array(UnsafeBufferPointer(start: data, count: count)) }

    /// The element at a flat (row-major) index.
    public subscript(flat index: Int) -> Float {
        get { precondition(index >= 0 && index < count); return data[index] }
        set { precondition(index >= 0 && index < count); data[index] = newValue }
    }

    /// A view with another shape over the same elements.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        precondition(newShape.reduce(1, *) == count, "cannot reshape \(shape) to \(newShape)")
        return Tensor(shape: newShape, storage: storage)
    }

    /// An independent copy.
    public func copy() -> Tensor {
        let result = Tensor(zeros: shape)
        result.data.update(from: data, count: count)
        return result
    }

    /// Overwrites this tensor's elements with `other`'s; the element counts must match.
    public func assign(from other: Tensor) {
        precondition(other.count == count, "assign: \(other.shape) into \(shape)")
        data.update(from: other.data, count: count)
    }

    /// Sets every element to `value`.
    public func fill(_ value: Float) { data.update(repeating: value, count: count) }

    /// True when both tensors have the same shape and bit-identical elements.
    public func isBitwiseEqual(to other: Tensor) -> Bool {
        guard shape == other.shape else { return false }
        for i in 0..<count where data[i].bitPattern != other.data[i].bitPattern { return false }
        return true
    }
}

/// Owns one allocation of `Float`s, zero-initialised.
private final class TensorStorage: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Float>

    init(count: Int) {
        tuneAllocator()
        pointer = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
        pointer.initialize(repeating: 0, count: max(count, 1))
    }

    /// Storage whose contents are undefined until written (`Float` is trivial, so reads are still safe).
    init(uninitialized count: Int) {
        tuneAllocator()
        pointer = UnsafeMutablePointer<Float>.allocate(capacity: max(count, 1))
    }

    deinit { pointer.deallocate() }
}
