import Data
import NN

/// One-batch probes for scoring: the seeded scoring batch, parameter gradients, layer inputs.
extension Session {
    /// The first batch of a seeded shuffle of the training split (stream `purpose`, default `"scoring"`),
    /// normalised, without augmentation; `size` is capped at the split's size. When `scoringExamples`
    /// is set, those examples instead, whole and in order.
    public func scoringBatch(size: Int = 128, purpose: String = "scoring") throws -> Batch {
        if let given = try scoringExamplesBatch() { return given }
        let loader = try BatchLoader(split: data.training, normalization: data.normalization,
                                     batchSize: min(size, data.training.count), shuffle: true,
                                     random: random(purpose))
        return loader.batch(epoch: 0, index: 0)
    }

    /// `scoringExamples` as one normalised batch in their order, or nil when none are set. Throws when
    /// they are empty, or their image shape or labels do not fit the model.
    public func scoringExamplesBatch() throws -> Batch? {
        guard let examples = scoringExamples else { return nil }
        guard examples.count > 0 else { throw PruningError.data(reason: "the scoring examples are empty") }
        guard examples.imageShape == model.exampleShape else {
            throw PruningError.data(reason: "the scoring examples are \(examples.imageShape); "
                + "model \(model.architecture.name) expects \(model.exampleShape)")
        }
        if let label = examples.labels.first(where: { $0 < 0 || Int($0) >= model.architecture.classes }) {
            throw PruningError.data(reason: "the scoring examples have label \(label); "
                + "model \(model.architecture.name) has \(model.architecture.classes) classes")
        }
        let loader = try BatchLoader(split: examples, normalization: data.normalization, batchSize: examples.count,
                                     shuffle: false, random: random("scoring"))
        return loader.batch(epoch: 0, index: 0)
    }

    /// dL/dθ of every prunable parameter for the mean cross-entropy on `batch`, computed in training
    /// mode (dropout from stream `"scoring-dropout"`). Afterwards gradients are zero again and batch-norm
    /// running statistics are restored, so the probe leaves the model as it found it.
    public func gradients(on batch: Batch) -> [String: Tensor] {
        let savedBuffers = model.buffers.map { (live: $0.tensor, saved: $0.tensor.copy()) }
        model.zeroGradients()
        let context = ForwardContext(mode: .training, random: random("scoring-dropout"), threads: threads)
        let logits = model.forward(batch.inputs, context: context)
        let loss = SoftmaxCrossEntropy()(logits: logits, labels: batch.labels)
        model.backward(loss.gradient)
        var gradients: [String: Tensor] = [:]
        for entry in prunable { gradients[entry.name] = entry.parameter.gradient.copy() }
        model.zeroGradients()
        for buffer in savedBuffers { buffer.live.assign(from: buffer.saved) }
        return gradients
    }

    /// The input of every prunable layer on `batch`, by module path (copies), from one forward pass in
    /// `mode`: `.inference` uses running statistics and no dropout; `.training` uses batch statistics and
    /// dropout from stream `"scoring-dropout"`, and restores the running statistics afterwards.
    public func layerInputs(on batch: Batch, mode: ForwardMode = .inference) -> [String: Tensor] {
        let savedBuffers = model.buffers.map { (live: $0.tensor, saved: $0.tensor.copy()) }
        let recorder = InputRecorder(prunable)
        let context = ForwardContext(mode: mode, random: random("scoring-dropout"),
                                     observer: { recorder.record($0) }, threads: threads)
        _ = model.forward(batch.inputs, context: context)
        for buffer in savedBuffers { buffer.live.assign(from: buffer.saved) }
        return recorder.inputs
    }
}

/// Copies the inputs of chosen modules out of a forward pass.
private final class InputRecorder {
    private let paths: [ObjectIdentifier: String]
    private(set) var inputs: [String: Tensor] = [:]

    init(_ prunable: [PrunableParameter]) {
        var paths: [ObjectIdentifier: String] = [:]
        for entry in prunable { paths[ObjectIdentifier(entry.module)] = entry.modulePath }
        self.paths = paths
    }

    func record(_ event: ForwardEvent) {
        guard let path = paths[ObjectIdentifier(event.module)] else { return }
        inputs[path] = event.input.copy()
    }
}
