/// Batch normalisation (PyTorch `nn.BatchNorm1d` / `nn.BatchNorm2d`).
///
/// Training: `y = (x - μ_B)/√(σ²_B + ε)·γ + β` with the batch's mean and biased variance per channel,
/// and `running = (1 - momentum)·running + momentum·batch` using the *unbiased* batch variance
/// for `running_var`; `num_batches_tracked` counts the updates. Inference uses the running statistics.

/// Batch norm over channel 1 of `[N, C, H, W]` inputs.
public final class BatchNorm2d: Module {
    /// The shared implementation (parameters, buffers, kernels).
    let core: BatchNormCore

    /// A layer over `features` channels; γ = 1, β = 0, running mean 0, running variance 1.
    public init(features: Int, momentum: Float = 0.1, epsilon: Float = 1e-5) {
        core = BatchNormCore(features: features, momentum: momentum, epsilon: epsilon)
    }

    /// The number of channels.
    public var features: Int { core.features }
    /// The running-statistics update weight.
    public var momentum: Float { core.momentum }
    /// The variance offset ε.
    public var epsilon: Float { core.epsilon }
    /// The scale γ `[C]`.
    public var weight: Parameter { core.weight }
    /// The shift β `[C]`.
    public var bias: Parameter { core.bias }
    /// The running mean `[C]`.
    public var runningMean: Tensor { core.runningMean }
    /// The running (unbiased) variance `[C]`.
    public var runningVar: Tensor { core.runningVar }
    /// The number of training batches seen (shape `[]`).
    public var numBatchesTracked: Tensor { core.numBatchesTracked }

    /// Normalises `[N, C, H, W]` with batch statistics (training) or running statistics (inference).
    public func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        precondition(input.shape.count == 4, "BatchNorm2d needs [N, C, H, W], got \(input.shape)")
        return core.forward(input, context: context)
    }

    /// Adds dL/dγ, dL/dβ; returns dL/dx.
    public func backward(_ gradOutput: Tensor) -> Tensor { core.backward(gradOutput) }
    /// `weight`, `bias`.
    public var localParameters: [(name: String, parameter: Parameter)] { core.parameters }
    /// `running_mean`, `running_var`, `num_batches_tracked`.
    public var localBuffers: [(name: String, tensor: Tensor)] { core.buffers }
}

/// Batch norm over channel 1 of `[N, C]` or `[N, C, L]` inputs.
public final class BatchNorm1d: Module {
    /// The shared implementation (parameters, buffers, kernels).
    let core: BatchNormCore

    /// A layer over `features` channels; γ = 1, β = 0, running mean 0, running variance 1.
    public init(features: Int, momentum: Float = 0.1, epsilon: Float = 1e-5) {
        core = BatchNormCore(features: features, momentum: momentum, epsilon: epsilon)
    }

    /// The number of channels.
    public var features: Int { core.features }
    /// ε added to the variance.
    public var epsilon: Float { core.epsilon }
    /// The scale γ `[C]`.
    public var weight: Parameter { core.weight }
    /// The shift β `[C]`.
    public var bias: Parameter { core.bias }
    /// The running mean `[C]`.
    public var runningMean: Tensor { core.runningMean }
    /// The running (unbiased) variance `[C]`.
    public var runningVar: Tensor { core.runningVar }
    /// The number of training batches seen (shape `[]`).
    public var numBatchesTracked: Tensor { core.numBatchesTracked }

    /// Normalises `[N, C]` or `[N, C, L]` with batch statistics (training) or running statistics (inference).
    public func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        precondition(input.shape.count == 2 || input.shape.count == 3,
                     "BatchNorm1d needs [N, C] or [N, C, L], got \(input.shape)")
        return core.forward(input, context: context)
    }

    /// Adds dL/dγ, dL/dβ; returns dL/dx.
    public func backward(_ gradOutput: Tensor) -> Tensor { core.backward(gradOutput) }
    /// `weight`, `bias`.
    public var localParameters: [(name: String, parameter: Parameter)] { core.parameters }
    /// `running_mean`, `running_var`, `num_batches_tracked`.
    public var localBuffers: [(name: String, tensor: Tensor)] { core.buffers }
}

/// Parameters, buffers and forward/backward shared by `BatchNorm1d` and `BatchNorm2d` (`[N, C, S…]`).
final class BatchNormCore {
    let features: Int
    let momentum: Float
    let epsilon: Float
    let weight: Parameter
    let bias: Parameter
    let runningMean: Tensor
    let runningVar: Tensor
    let numBatchesTracked = Tensor(zeros: [])
    /// The mean and 1/√(var + ε) used by the last forward pass, `[C]` each.
    let savedMean: Tensor
    let savedInvStd: Tensor
    private(set) var input: Tensor?
    private(set) var usedBatchStatistics = false
    private(set) var threads = 1

    init(features: Int, momentum: Float, epsilon: Float) {
        precondition(features > 0 && epsilon > 0 && momentum >= 0 && momentum <= 1,
                     "BatchNorm(\(features), momentum \(momentum), eps \(epsilon))")
        (self.features, self.momentum, self.epsilon) = (features, momentum, epsilon)
        weight = Parameter(Tensor(shape: [features], repeating: 1))
        bias = Parameter(Tensor(zeros: [features]))
        runningMean = Tensor(zeros: [features])
        runningVar = Tensor(shape: [features], repeating: 1)
        savedMean = Tensor(zeros: [features])
        savedInvStd = Tensor(zeros: [features])
    }

    var parameters: [(name: String, parameter: Parameter)] { [("weight", weight), ("bias", bias)] }
    var buffers: [(name: String, tensor: Tensor)] {
        [("running_mean", runningMean), ("running_var", runningVar), ("num_batches_tracked", numBatchesTracked)]
    }

    /// `(N, S)` for an input `[N, C, S…]`.
    func extents(_ shape: [Int]) -> (batch: Int, size: Int) {
        precondition(shape[1] == features, "BatchNorm(\(features)) got input \(shape)")
        return (shape[0], shape.dropFirst(2).reduce(1, *))
    }

    func forward(_ input: Tensor, context: ForwardContext) -> Tensor {
        let (n, s) = extents(input.shape)
        self.input = context.retainsActivations ? input : nil
        threads = context.threads
        usedBatchStatistics = context.mode == .training
        let (mean, invStd) = (savedMean.data, savedInvStd.data)
        if usedBatchStatistics {
            precondition(n * s > 1, "BatchNorm in training needs more than one value per channel, got \(input.shape)")
            batchNormStatistics(input.data, batch: n, channels: features, size: s, mean: mean, variance: invStd,
                                threads: threads)
            let unbiased = Float(n * s) / Float(n * s - 1)
            for c in 0..<features {
                let variance = invStd[c]
                runningMean.data[c] = (1 - momentum) * runningMean.data[c] + momentum * mean[c]
                runningVar.data[c] = (1 - momentum) * runningVar.data[c] + momentum * variance * unbiased
                invStd[c] = 1 / (variance + epsilon).squareRoot()
            }
            numBatchesTracked.data[0] += 1
        } else {
            for c in 0..<features {
                mean[c] = runningMean.data[c]
                invStd[c] = 1 / (runningVar.data[c] + epsilon).squareRoot()
            }
        }
        let output = Tensor.output(input.shape)
        batchNormApply(input.data, output.data, batch: n, channels: features, size: s, mean: mean,
                       invStd: invStd, weight: weight.value.data, bias: bias.value.data, threads: threads)
        return output
    }

    func backward(_ gradOutput: Tensor) -> Tensor {
        guard let input else { preconditionFailure("BatchNorm.backward before forward") }
        precondition(gradOutput.shape == input.shape, "BatchNorm.backward got \(gradOutput.shape) for \(input.shape)")
        let (n, s) = extents(input.shape)
        let gradInput = Tensor.output(input.shape)
        batchNormBackward(input: input.data, gradOutput: gradOutput.data, gradInput: gradInput.data, batch: n,
                          channels: features, size: s, mean: savedMean.data, invStd: savedInvStd.data,
                          weight: weight.value.data, gradWeight: weight.gradient.data, gradBias: bias.gradient.data,
                          batchStatistics: usedBatchStatistics, threads: threads)
        return gradInput
    }
}
