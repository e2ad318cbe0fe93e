extension Tensor {
    /// The flat index of the first NaN or infinite entry, or nil when every entry is finite (loaders refuse such
    /// tensors: `Model.load(stateDict:)`, `FileVerdict`).
    public var firstNonFiniteIndex: Int? { (0..<count).first { !data[$0].isFinite } }
}
