import NN

/// Structured masks: whole output units (rows of a linear weight, filters of a conv) or whole input slices.
extension Mask {
    /// Keeps the output units `keep[o] == true` of a parameter whose first dimension is the
    /// output (`[out, in]`, `[out, in, kh, kw]`, or a bias/BN vector `[out]`); other units are zero.
    public static func outputs(keeping keep: [Bool], shape: [Int]) -> Tensor {
        precondition(!shape.isEmpty && shape[0] == keep.count, "\(keep.count) units for shape \(shape)")
        let mask = Tensor(zeros: shape)
        let rowSize = shape.dropFirst().reduce(1, *)
        let m = mask.data
        for (unit, kept) in keep.enumerated() where kept {
            (m + unit * rowSize).update(repeating: 1, count: rowSize)
        }
        return mask
    }

    /// Keeps the input slices `keep[c] == true` of a weight `[out, in, ...]` (the next layer's
    /// side of a removed filter). `featuresPerInput` > 1 covers a linear layer after a flatten,
    /// where channel c owns the `featuresPerInput` consecutive input features `c·k ..< (c+1)·k`.
    public static func inputs(keeping keep: [Bool], shape: [Int], featuresPerInput: Int = 1) -> Tensor {
        precondition(shape.count >= 2 && shape[1] == keep.count * featuresPerInput,
                     "\(keep.count)×\(featuresPerInput) inputs for shape \(shape)")
        let mask = Tensor(zeros: shape)
        let inner = shape.dropFirst(2).reduce(1, *)
        let rowSize = shape[1] * inner
        let sliceSize = featuresPerInput * inner
        let m = mask.data
        for unit in 0..<shape[0] {
            for (channel, kept) in keep.enumerated() where kept {
                (m + unit * rowSize + channel * sliceSize).update(repeating: 1, count: sliceSize)
            }
        }
        return mask
    }

    /// Which output units of a mask `[out, ...]` keep at least one entry.
    public static func aliveOutputs(_ mask: Tensor) -> [Bool] {
        precondition(!mask.shape.isEmpty, "scalar mask")
        let units = mask.shape[0]
        let rowSize = units == 0 ? 0 : mask.count / units
        let m = mask.data
        return (0..<units).map { unit in
            (0..<rowSize).contains { m[unit * rowSize + $0] != 0 }
        }
    }
}
