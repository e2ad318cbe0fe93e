import NN

extension Batch {
    /// The examples `range` of this batch, in order (copies).
    public func examples(_ range: Range<Int>) -> Batch {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "examples \(range) of a batch of \(count)")
        let perExample = inputs.shape.dropFirst().reduce(1, *)
        let part = Tensor(shape: [range.count] + Array(inputs.shape.dropFirst()),
                          values: Array(inputs.values[range.lowerBound * perExample..<range.upperBound * perExample]))
        return Batch(inputs: part, labels: Array(labels[range]))
    }
}
