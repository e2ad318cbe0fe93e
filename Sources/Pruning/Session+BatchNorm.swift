import Data
import NN

/// Batch-norm recalibration: running statistics recomputed for the current weights without training.
extension Session {
    /// Recomputes the running mean and variance of every batch-norm layer as the equal-weight average of
    /// the per-batch statistics (mean, unbiased variance) over one pass of the training split, as
    /// `torch.optim.swa_utils.update_bn` does (momentum `None`); `num_batches_tracked` becomes the number of
    /// batches. Forward passes run in training mode (batch statistics; dropout from stream
    /// `"<purpose> dropout"`), with no backward pass and no optimizer step, so nothing is charged to the
    /// budget and parameters are untouched. Batches: the recipe's batch size over a seeded shuffle (stream
    /// `purpose`), no augmentation, at most `batches` of them (nil: the whole split). Returns the number of
    /// batches run (0 when the model has no batch norm).
    @discardableResult
    public func recalibrateBatchNorm(batches limit: Int? = nil, purpose: String = "batchnorm") throws -> Int {
        var layers: [ObjectIdentifier: BatchNormAccumulator] = [:]
        for (_, module) in model.modules {
            if let bn = module as? BatchNorm2d {
                layers[ObjectIdentifier(bn)] = BatchNormAccumulator(bn.runningMean, bn.runningVar, bn.numBatchesTracked)
            } else if let bn = module as? BatchNorm1d {
                layers[ObjectIdentifier(bn)] = BatchNormAccumulator(bn.runningMean, bn.runningVar, bn.numBatchesTracked)
            }
        }
        guard !layers.isEmpty else { return 0 }
        let loader = try BatchLoader(split: data.training, normalization: data.normalization,
                                     batchSize: min(recipe.batchSize, data.training.count), shuffle: true,
                                     random: random(purpose))
        let count = min(limit ?? loader.batchesPerEpoch, loader.batchesPerEpoch)
        guard count > 0 else { return 0 }
        let context = ForwardContext(mode: .training, random: random(purpose + " dropout"), threads: threads)
        context.observer = { event in layers[ObjectIdentifier(event.module)]?.add(event.input) }
        for index in 0..<count { _ = model.forward(loader.batch(epoch: 0, index: index).inputs, context: context) }
        for accumulator in layers.values { accumulator.store() }
        return count
    }
}

/// Sums of per-batch channel statistics of one batch-norm layer, written back as its running statistics.
private final class BatchNormAccumulator {
    let mean: Tensor, variance: Tensor, tracked: Tensor
    var meanSum: [Double], varianceSum: [Double]
    var batches = 0

    init(_ mean: Tensor, _ variance: Tensor, _ tracked: Tensor) {
        (self.mean, self.variance, self.tracked) = (mean, variance, tracked)
        meanSum = Array(repeating: 0, count: mean.count)
        varianceSum = Array(repeating: 0, count: mean.count)
    }

    /// Adds the channel means and unbiased variances of `input` (`[N, C, …]`).
    func add(_ input: Tensor) {
        let n = input.shape[0], channels = input.shape[1]
        let inner = input.shape.dropFirst(2).reduce(1, *)
        let x = input.data, m = Double(n * inner)
        for c in 0..<channels {
            var sum = 0.0
            for b in 0..<n {
                let base = (b * channels + c) * inner
                for i in 0..<inner { sum += Double(x[base + i]) }
            }
            let mu = sum / m
            var squares = 0.0
            for b in 0..<n {
                let base = (b * channels + c) * inner
                for i in 0..<inner { let d = Double(x[base + i]) - mu; squares += d * d }
            }
            meanSum[c] += mu
            varianceSum[c] += m > 1 ? squares / (m - 1) : 0
        }
        batches += 1
    }

    /// Writes the averages into the running statistics.
    func store() {
        guard batches > 0 else { return }
        for c in 0..<mean.count {
            mean.data[c] = Float(meanSum[c] / Double(batches))
            variance.data[c] = Float(varianceSum[c] / Double(batches))
        }
        tracked.fill(Float(batches))
    }
}
