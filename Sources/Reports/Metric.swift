import Bench

/// A per-run number that reports aggregate over seeds; `rawValue` is its CSV column stem.
///
/// Accuracies are in percent; compression = all parameters / nonzero parameters (ShrinkBench);
/// speedup = dense MACs / remaining MACs of conv and linear layers (theoretical); the structured metrics
/// describe the model after physical channel removal (`StructureMetrics`): its real parameters and MACs, and
/// its measured speedup over the unpruned architecture at batch 128 and batch 1.
public enum Metric: String, CaseIterable, Sendable {
    case top1After = "top1_after"
    case top5After = "top5_after"
    case lossAfter = "loss_after"
    case top1Before = "top1_before"
    case top5Before = "top5_before"
    case lossBefore = "loss_before"
    case validationTop1After = "val_top1_after"
    case validationTop1Before = "val_top1_before"
    case compression
    case prunableSparsity = "prunable_sparsity"
    case totalParameters = "params_total"
    case nonzeroParameters = "params_nonzero"
    case prunableParameters = "params_prunable"
    case denseMACs = "macs_dense"
    case remainingMACs = "macs_remaining"
    case speedup
    case removedChannels = "channels_removed"
    case structuredParameters = "params_structured"
    case structuredMACs = "macs_structured"
    /// Dense MACs / the MACs of the model after physical removal.
    case structuredSpeedup = "speedup_structured"
    /// Measured latency of the unpruned architecture / of the model after physical removal, batch 128.
    case measuredSpeedup = "speedup_measured"
    /// The same at batch 1.
    case measuredSpeedupBatch1 = "speedup_measured_b1"
    case deadNeuronRate = "dead_neuron_rate"
    case latencyMilliseconds = "latency_ms"
    case budgetSteps = "budget_steps"
    case budgetEpochs = "budget_epochs"
    /// Optimizer steps from initialisation to the final model: the checkpoint's training plus the run's
    /// steps for a post-training run, the run's steps from initialisation (absent in records before tracks).
    case stepsFromInitialisation = "steps_from_init"
    case wallSeconds = "wall_seconds"

    /// The metric's value in `record`, or `nil` when the run failed or did not measure it.
    public func value(in record: RunRecord) -> Double? {
        if self == .wallSeconds { return record.status == .completed ? record.timings.wallSeconds : nil }
        guard record.status == .completed, let metrics = record.metrics else { return nil }
        let before = metrics.beforeFineTuning, after = metrics.afterFineTuning
        switch self {
        case .top1After: return after.test.top1 * 100
        case .top5After: return after.test.top5 * 100
        case .lossAfter: return after.test.loss
        case .top1Before: return before.test.top1 * 100
        case .top5Before: return before.test.top5 * 100
        case .lossBefore: return before.test.loss
        case .validationTop1After: return after.validation.map { $0.top1 * 100 }
        case .validationTop1Before: return before.validation.map { $0.top1 * 100 }
        case .compression: return metrics.parameters.compression
        case .prunableSparsity: return metrics.parameters.prunableSparsity
        case .totalParameters: return Double(metrics.parameters.total)
        case .nonzeroParameters: return Double(metrics.parameters.nonzero)
        case .prunableParameters: return Double(metrics.parameters.prunable)
        case .denseMACs: return Double(metrics.macs.dense)
        case .remainingMACs: return metrics.macs.remaining
        case .speedup: return metrics.macs.speedup
        case .removedChannels: return metrics.structure.map { Double($0.removedChannels) }
        case .structuredParameters: return metrics.structure.map { Double($0.parameters) }
        case .structuredMACs: return metrics.structure.map { Double($0.macs) }
        case .structuredSpeedup:
            return metrics.structure.flatMap { $0.macs > 0 ? Double(metrics.macs.dense) / Double($0.macs) : nil }
        case .measuredSpeedup: return metrics.structure?.measuredSpeedup(batchSize: 128)
        case .measuredSpeedupBatch1: return metrics.structure?.measuredSpeedup(batchSize: 1)
        case .deadNeuronRate: return metrics.deadNeuronRate
        case .latencyMilliseconds: return metrics.latency.medianSeconds * 1000
        case .budgetSteps: return Double(metrics.budget.steps)
        case .budgetEpochs: return metrics.budget.epochs
        case .stepsFromInitialisation: return metrics.budget.stepsFromInitialisation.map(Double.init)
        case .wallSeconds: return nil
        }
    }
}
