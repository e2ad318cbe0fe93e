import NN

/// One mini-batch: normalised inputs `[B, C, H, W]` and their labels.
public struct Batch: @unchecked Sendable {
    public let inputs: Tensor
    public let labels: [Int32]
    public var count: Int { labels.count }
}

/// A bad batching request (batch size, split size), naming what was expected.
public struct BatchingError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Cuts a split into normalised (optionally augmented) mini-batches in a seeded order.
///
/// Randomness comes from two streams derived from the generator given at creation:
/// `"data-order"` (one permutation per epoch, from `derived("epoch E")`) and `"augment"` (one
/// stream per batch, `derived("epoch E batch B")`), so any batch can be rebuilt on its own and
/// turning augmentation on never changes the order. Without shuffling the order is `0..<N`.
public final class BatchLoader: @unchecked Sendable {
    public let split: ImageSplit
    public let normalization: Normalization
    public let batchSize: Int
    public let shuffle: Bool
    /// Drop the last batch of an epoch when it is smaller than `batchSize`.
    public let dropLast: Bool
    public let augmentation: Augmentation
    private let orderStream: SeededGenerator
    private let augmentStream: SeededGenerator
    private var cachedOrder: (epoch: Int, order: [Int])?

    public init(split: ImageSplit, normalization: Normalization, batchSize: Int, shuffle: Bool = true,
                dropLast: Bool = false, augmentation: Augmentation = .none,
                random: SeededGenerator) throws(BatchingError) {
        guard batchSize > 0 else { throw BatchingError("batch loader: batch size must be > 0, got \(batchSize)") }
        guard split.count > 0, !dropLast || split.count >= batchSize else {
            throw BatchingError("batch loader: \(split.count) examples cannot fill a batch of \(batchSize)")
        }
        let channels = split.images.shape[1]
        guard normalization.mean.count == channels, normalization.std.count == channels,
              normalization.std.allSatisfy({ $0 != 0 }) else {
            throw BatchingError("batch loader: normalisation needs \(channels) means and nonzero stds, got "
                + "\(normalization.mean.count) means and stds \(normalization.std)")
        }
        self.split = split
        self.normalization = normalization
        self.batchSize = batchSize
        self.shuffle = shuffle
        self.dropLast = dropLast
        self.augmentation = augmentation
        self.orderStream = random.derived("data-order")
        self.augmentStream = random.derived("augment")
    }

    /// Batches in one epoch.
    public var batchesPerEpoch: Int {
        dropLast ? split.count / batchSize : (split.count + batchSize - 1) / batchSize
    }

    /// The example indices of `epoch` in the order they are served.
    public func order(epoch: Int) -> [Int] {
        if let cachedOrder, cachedOrder.epoch == epoch { return cachedOrder.order }
        var random = orderStream.derived("epoch \(epoch)")
        let order = shuffle ? random.permutation(split.count) : Array(0..<split.count)
        cachedOrder = (epoch, order)
        return order
    }

    /// Batch `index` of `epoch` (`index < batchesPerEpoch`).
    public func batch(epoch: Int, index: Int) -> Batch {
        precondition(index >= 0 && index < batchesPerEpoch, "batch \(index) of \(batchesPerEpoch)")
        let order = order(epoch: epoch)
        let start = index * batchSize, end = min(start + batchSize, order.count)
        let indices = Array(order[start..<end])
        var draws = Array(repeating: AugmentationDraw(), count: indices.count)
        if augmentation.isEnabled {
            var random = augmentStream.derived("epoch \(epoch) batch \(index)")
            for i in draws.indices { draws[i] = AugmentationDraw(augmentation, random: &random) }
        }
        return assemble(indices, draws: draws)
    }

    /// Every batch of `epoch`, in order.
    public func batches(epoch: Int) -> [Batch] {
        (0..<batchesPerEpoch).map { batch(epoch: epoch, index: $0) }
    }
}
