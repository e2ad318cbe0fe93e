import NN
import Training

/// The pruned model with its removed channels physically gone (`ChannelSurgery.compact`): its real size and
/// MACs, and its measured speed next to the unpruned architecture's.
///
/// For an unstructured mask nothing (or only an accidentally dead channel) is removed, so the smaller model
/// is the dense one and the measured speedup stays near 1 whatever the theoretical speedup says.
public struct StructureMetrics: Codable, Hashable, Sendable {
    /// Channels (filters, neurons) physically removed over all layers.
    public var removedChannels: Int
    /// Parameters of the smaller model, counted from its real shapes.
    public var parameters: Int
    /// The smaller model's nonzero parameters (an unstructured mask may remain inside the kept channels).
    public var nonzeroParameters: Int
    /// The smaller model's conv and linear MACs per sample, every weight of its real shapes counted.
    public var macs: Int
    /// Measured latency of the unpruned architecture and of the smaller model, per batch size.
    public var latency: [LatencyComparison]

    /// A value from its parts.
    public init(removedChannels: Int, parameters: Int, nonzeroParameters: Int, macs: Int, latency: [LatencyComparison]) {
        self.removedChannels = removedChannels
        self.parameters = parameters
        self.nonzeroParameters = nonzeroParameters
        self.macs = macs
        self.latency = latency
    }

    /// The measured comparison at `batchSize`, if it was measured.
    public func latency(batchSize: Int) -> LatencyComparison? { latency.first { $0.batchSize == batchSize } }

    /// The measured speedup at `batchSize`; `nil` when no channel was removed: the smaller model is then the
    /// unpruned one, and a ratio of two timings of the same network measures only the machine's load (records
    /// from before this rule carry such timings).
    public func measuredSpeedup(batchSize: Int) -> Double? {
        removedChannels > 0 ? latency(batchSize: batchSize)?.speedup : nil
    }
}

/// Median latencies of two networks on the same batches, timed alternately so that load on the machine
/// slows both alike.
public struct LatencyComparison: Codable, Hashable, Sendable {
    public var batchSize: Int
    /// The unpruned architecture (dense kernels on the full shapes).
    public var dense: LatencyMetrics
    /// The model after physical removal.
    public var pruned: LatencyMetrics

    /// A value from its parts.
    public init(batchSize: Int, dense: LatencyMetrics, pruned: LatencyMetrics) {
        self.batchSize = batchSize
        self.dense = dense
        self.pruned = pruned
    }

    /// Measured speedup = dense median / pruned median.
    public var speedup: Double {
        pruned.medianSeconds > 0 ? dense.medianSeconds / pruned.medianSeconds : 0
    }
}

/// Builds `StructureMetrics` for a pruned model.
public enum StructureMeter {
    /// Batch sizes timed, with the number of timed passes of each (after one untimed warm-up pass).
    public static let batches: [(size: Int, repeats: Int)] = [(1, 25), (128, 7)]

    /// Removes what the masks removed, counts the smaller model and times both at every batch size (nothing
    /// is timed when no channel was removed: the smaller model is the unpruned one).
    public static func measure(_ model: Model, threads: Int = 1) throws -> StructureMetrics {
        let result = try ChannelSurgery.compact(model)
        let smaller = result.model
        let counts = ParameterCounts(parameters: smaller.parameters, prunable: [])
        let latency = result.removedChannels == 0 ? [] : batches.map { batch in
            LatencyMeter.compare(model, smaller, inputShape: model.exampleShape, batchSize: batch.size,
                                 repeats: batch.repeats, threads: threads)
        }
        return StructureMetrics(
            removedChannels: result.removedChannels, parameters: counts.total, nonzeroParameters: counts.nonzero,
            macs: MACCounter.count(smaller.root, inputShape: smaller.exampleShape, threads: threads).dense,
            latency: latency)
    }
}
