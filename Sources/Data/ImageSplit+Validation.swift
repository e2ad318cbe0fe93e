import NN

extension ImageSplit {
    /// The examples at `indices`, in that order (images copied).
    public func subset(_ indices: [Int]) -> ImageSplit {
        let shape = imageShape
        let size = shape.reduce(1, *)
        let result = Tensor(zeros: [indices.count] + shape)
        let source = images.data, target = result.data
        for (i, index) in indices.enumerated() {
            precondition(index >= 0 && index < count, "subset index \(index) of \(count)")
            (target + i * size).update(from: source + index * size, count: size)
        }
        return ImageSplit(images: result, labels: indices.map { labels[$0] })
    }

    /// Splits off `count` examples as a validation set; returns both parts in original order.
    ///
    /// Deterministic given `random` (pass a stream derived for this purpose, e.g.
    /// `root.derived("validation")`). Simple: a permutation of all examples, whose first `count`
    /// become validation. Stratified: `count` is shared among classes in proportion to their
    /// sizes (largest remainder, ties to the lower label), then each class, in label order,
    /// draws its share from a permutation of its own examples. The two parts are disjoint and
    /// together hold every example once.
    public func carveValidation(count validationCount: Int, stratified: Bool = true,
                                random: inout SeededGenerator) throws(BatchingError)
        -> (train: ImageSplit, validation: ImageSplit) {
        guard validationCount > 0 && validationCount < count else {
            throw BatchingError("validation split: \(validationCount) examples requested from a split of \(count); "
                + "expected between 1 and \(count - 1)")
        }
        let validation = validationIndices(count: validationCount, stratified: stratified, random: &random)
        return (subset(complement(of: validation)), subset(validation))
    }

    /// The indices `carveValidation` puts in the validation part, in increasing order (`count` must be valid).
    func validationIndices(count validationCount: Int, stratified: Bool, random: inout SeededGenerator) -> [Int] {
        let chosen = stratified ? stratifiedChoice(validationCount, random: &random)
                                : Array(random.permutation(count).prefix(validationCount))
        return chosen.sorted()
    }

    /// The indices of this split not in `indices` (which must be increasing and in range), in order.
    func complement(of indices: [Int]) -> [Int] {
        var isExcluded = [Bool](repeating: false, count: count)
        for index in indices { isExcluded[index] = true }
        return (0..<count).filter { !isExcluded[$0] }
    }

    /// Splits off `fraction` of the examples (rounded to the nearest count) as a validation set.
    public func carveValidation(fraction: Double, stratified: Bool = true,
                                random: inout SeededGenerator) throws(BatchingError)
        -> (train: ImageSplit, validation: ImageSplit) {
        guard fraction > 0 && fraction < 1 else {
            throw BatchingError("validation split: fraction must be in (0, 1), got \(fraction)")
        }
        let n = Int((fraction * Double(count)).rounded())
        return try carveValidation(count: n, stratified: stratified, random: &random)
    }

    /// Indices drawn per class with shares proportional to class sizes.
    private func stratifiedChoice(_ total: Int, random: inout SeededGenerator) -> [Int] {
        var byClass: [Int32: [Int]] = [:]
        for (i, label) in labels.enumerated() { byClass[label, default: []].append(i) }
        let groups = byClass.keys.sorted().map { byClass[$0] ?? [] }
        var shares = groups.map { total * $0.count / count }
        let remainders = groups.map { (total * $0.count) % count }
        let order = groups.indices.sorted { (remainders[$0], -$0) > (remainders[$1], -$1) }
        for k in 0..<(total - shares.reduce(0, +)) { shares[order[k % order.count]] += 1 }
        var chosen: [Int] = []
        for (members, share) in zip(groups, shares) {
            chosen += random.permutation(members.count).prefix(share).map { members[$0] }
        }
        return chosen
    }
}
