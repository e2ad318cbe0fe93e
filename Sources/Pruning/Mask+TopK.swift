import NN

extension Mask {
    /// Keeps exactly `count` entries over all tensors together: the largest scores, ties broken by
    /// position (earlier tensor in the list, then lower flat index, kept first). NaN scores rank lowest.
    /// Returns masks in the order of `scores`. `count` is clamped to [0, total entries].
    public static func keepingTop(_ scores: [(name: String, scores: Tensor)], count: Int) -> [(name: String, mask: Tensor)] {
        var flat: [Float] = []
        flat.reserveCapacity(scores.reduce(0) { $0 + $1.scores.count })
        for entry in scores { flat += entry.scores.values.map { $0.isNaN ? -.infinity : $0 } }
        let kept = max(0, min(count, flat.count))
        let order = flat.indices.sorted { flat[$0] > flat[$1] || (flat[$0] == flat[$1] && $0 < $1) }
        var keep = [Bool](repeating: false, count: flat.count)
        for index in order.prefix(kept) { keep[index] = true }
        var offset = 0
        return scores.map { entry in
            let mask = Tensor(zeros: entry.scores.shape)
            let m = mask.data
            for i in 0..<mask.count where keep[offset + i] { m[i] = 1 }
            offset += mask.count
            return (entry.name, mask)
        }
    }
}
