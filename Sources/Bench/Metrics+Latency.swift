import Foundation
import NN
import Training

/// Measures inference latency of a network on batches of synthetic inputs.
public enum LatencyMeter {
    /// Times `repeats` inference passes over a batch of `batchSize` inputs of shape `inputShape`
    /// after one untimed warm-up pass. The values of the inputs do not matter to dense kernels;
    /// they are drawn from a fixed stream so runs are comparable.
    public static func measure(_ network: any Network, inputShape: [Int], batchSize: Int = 128, repeats: Int = 5,
                               threads: Int = 1) -> LatencyMetrics {
        var random = SeededGenerator(seed: 0).derived("latency")
        let count = batchSize * inputShape.reduce(1, *)
        let input = Tensor(shape: [batchSize] + inputShape, values: (0..<count).map { _ in random.nextNormal() })
        var samples: [Double] = []
        for repeatIndex in 0...repeats {
            let context = ForwardContext(mode: .inference, threads: threads)
            let start = ContinuousClock.now
            _ = network.forward(input, context: context)
            let elapsed = ContinuousClock.now - start
            if repeatIndex > 0 {
                samples.append(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
            }
        }
        return LatencyMetrics(batchSize: batchSize, samples: samples, threads: threads)
    }

    /// Times `first` and `second` alternately (`repeats` passes each after one untimed warm-up pass of each)
    /// on the same synthetic batch, so that other load on the machine slows both alike.
    public static func compare(_ first: any Network, _ second: any Network, inputShape: [Int], batchSize: Int,
                               repeats: Int, threads: Int = 1) -> LatencyComparison {
        var random = SeededGenerator(seed: 0).derived("latency")
        let count = batchSize * inputShape.reduce(1, *)
        let input = Tensor(shape: [batchSize] + inputShape, values: (0..<count).map { _ in random.nextNormal() })
        var samples: ([Double], [Double]) = ([], [])
        for repeatIndex in 0...repeats {
            let a = time(first, input, threads), b = time(second, input, threads)
            if repeatIndex > 0 {
                samples.0.append(a)
                samples.1.append(b)
            }
        }
        return LatencyComparison(
            batchSize: batchSize,
            dense: LatencyMetrics(batchSize: batchSize, samples: samples.0, threads: threads),
            pruned: LatencyMetrics(batchSize: batchSize, samples: samples.1, threads: threads))
    }

    /// Seconds of one inference pass that keeps no activations.
    static func time(_ network: any Network, _ input: Tensor, _ threads: Int) -> Double {
        let context = ForwardContext(mode: .inference, threads: threads, retainsActivations: false)
        let start = ContinuousClock.now
        _ = network.forward(input, context: context)
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }
}
