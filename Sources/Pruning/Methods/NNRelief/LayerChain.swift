import Data
import NN

/// The conv and linear layers of a plain feed-forward model in forward order, each feeding the next
/// (through parameter-free layers, batch norm, pooling or a flatten): who a unit's incoming and
/// outgoing connections are, for unit-level pruning such as NNrelief's dead-unit removal.
public struct LayerChain {
    /// One conv or linear layer of the chain.
    public struct Layer {
        /// The module's dotted path.
        public let path: String
        /// The `Conv2d` or `Linear` module.
        public let module: any Module
        /// Its weight `[out, in, ...]`.
        public let weight: Parameter
        /// Its bias `[out]`, if it has one.
        public let bias: Parameter?
        /// Output units (filters or features).
        public let units: Int
        /// Input features owned by each unit of the previous layer: 1, or H·W after a flatten.
        public let featuresPerInput: Int
    }

    /// The layers in forward order; the last is the classifier.
    public let layers: [Layer]

    /// The chain of `model`, or `badConfiguration` naming `method` when the model is not one
    /// (residual blocks, grouped convs, or a layer whose inputs are not its predecessor's units).
    public init(model: Model, method: String) throws {
        var layers: [Layer] = []
        for (path, module) in model.modules {
            if module is Residual {
                throw PruningError.badConfiguration(method: method, reason: "model \(model.architecture.name) has "
                    + "residual blocks ('\(path)'); unit pruning needs a plain chain of conv and linear layers")
            }
            let previous = layers.last?.units
            if let conv = module as? Conv2d {
                guard conv.groups == 1, previous.map({ $0 == conv.inChannels }) ?? true else {
                    throw Self.error(method, path, "conv with \(conv.groups) groups and \(conv.inChannels) inputs "
                        + "after \(previous ?? 0) units")
                }
                layers.append(Layer(path: path, module: conv, weight: conv.weight, bias: conv.bias,
                                    units: conv.outChannels, featuresPerInput: 1))
            } else if let linear = module as? Linear {
                let perInput = previous.map { linear.inFeatures / max($0, 1) } ?? 1
                guard previous.map({ perInput >= 1 && perInput * $0 == linear.inFeatures }) ?? true else {
                    throw Self.error(method, path, "linear with \(linear.inFeatures) inputs after \(previous ?? 0) units")
                }
                layers.append(Layer(path: path, module: linear, weight: linear.weight, bias: linear.bias,
                                    units: linear.outFeatures, featuresPerInput: perInput))
            }
        }
        guard layers.last?.path == model.classifierPath else {
            throw PruningError.badConfiguration(method: method, reason: "the last conv/linear layer of model "
                + "\(model.architecture.name) is not its classifier '\(model.classifierPath)'")
        }
        self.layers = layers
    }

    private static func error(_ method: String, _ path: String, _ what: String) -> PruningError {
        .badConfiguration(method: method, reason: "layer '\(path)' is not in a plain chain: \(what)")
    }

    /// The input of every layer on `batch` (inference mode: running statistics, no dropout), in chain order.
    public func inputs(of model: Model, on batch: Batch, threads: Int) -> [Tensor] {
        var index: [ObjectIdentifier: Int] = [:]
        for (i, layer) in layers.enumerated() { index[ObjectIdentifier(layer.module)] = i }
        var recorded = [Tensor?](repeating: nil, count: layers.count)
        let context = ForwardContext(mode: .inference, observer: { event in
            if let i = index[ObjectIdentifier(event.module)] { recorded[i] = event.input.copy() }
        }, threads: threads)
        _ = model.forward(batch.inputs, context: context)
        return recorded.enumerated().map { i, input in input ?? Tensor(zeros: [1, layers[i].weight.value.shape[1]]) }
    }

    /// Which units of layer `l` keep at least one incoming weight under `weightMasks` (one per layer).
    public func hasIncoming(_ l: Int, weightMasks: [Tensor]) -> [Bool] {
        Mask.aliveOutputs(weightMasks[l])
    }

    /// Which units of layer `l` keep at least one outgoing weight (all, for the last layer).
    public func hasOutgoing(_ l: Int, weightMasks: [Tensor]) -> [Bool] {
        guard l + 1 < layers.count else { return [Bool](repeating: true, count: layers[l].units) }
        let next = weightMasks[l + 1]
        let rows = next.shape[0], rowSize = next.count / max(rows, 1)
        let inner = next.shape.dropFirst(2).reduce(1, *)
        let slice = layers[l + 1].featuresPerInput * inner
        let m = next.data
        return (0..<layers[l].units).map { unit in
            (0..<rows).contains { row in
                let start = row * rowSize + unit * slice
                return (start..<(start + slice)).contains { m[$0] != 0 }
            }
        }
    }

    /// Unit-level edits of one set of masks: every layer's weight mask (`prunable[l]` says whether it may
    /// change; a fixed one is the parameter's own mask or all ones) and the prunable bias masks.
    public struct Masks {
        /// One weight mask per layer of the chain.
        public var weights: [Tensor]
        /// Whether each layer's weight mask may change.
        public var prunable: [Bool]
        /// One bias mask per layer, `nil` where the bias is absent or not prunable.
        public var biases: [Tensor?]

        /// Masks for the chain's layers.
        public init(weights: [Tensor], prunable: [Bool], biases: [Tensor?]) {
            self.weights = weights
            self.prunable = prunable
            self.biases = biases
        }
    }

    /// Prunable entries of unit `unit` of layer `l` (incoming weights, bias, outgoing weights) with
    /// their mask, as (tensor, flat index) pairs grouped by mask.
    private func entries(_ unit: Int, layer l: Int, _ masks: Masks) -> [(mask: Tensor, indices: [Int])] {
        var result: [(mask: Tensor, indices: [Int])] = []
        if masks.prunable[l] {
            let rowSize = masks.weights[l].count / layers[l].units
            let start: Int = unit * rowSize
            result.append((masks.weights[l], Array(start..<(start + rowSize))))
        }
        if let bias = masks.biases[l] { result.append((bias, [unit])) }
        if l + 1 < layers.count, masks.prunable[l + 1] {
            let next = masks.weights[l + 1]
            let rows = next.shape[0], rowSize = next.count / rows
            let slice = layers[l + 1].featuresPerInput * next.shape.dropFirst(2).reduce(1, *)
            var indices: [Int] = []
            indices.reserveCapacity(rows * slice)
            for row in 0..<rows {
                let start: Int = row * rowSize + unit * slice
                indices.append(contentsOf: start..<(start + slice))
            }
            result.append((next, indices))
        }
        return result
    }

    /// Removes unit `unit` of layer `l`: its incoming weights and bias, and its outgoing weights (slices of
    /// the next layer's inputs), where prunable. Returns the number of entries that were kept before.
    @discardableResult
    public func removeUnit(_ unit: Int, layer l: Int, in masks: Masks) -> Int {
        var removed = 0
        for (mask, indices) in entries(unit, layer: l, masks) {
            let m = mask.data
            for i in indices where m[i] != 0 {
                m[i] = 0
                removed += 1
            }
        }
        return removed
    }

    /// Dead-unit cleanup to a fixed point: every hidden unit (not the classifier's) with no incoming or no
    /// outgoing weights loses its prunable connections and bias. Returns the number of entries removed.
    @discardableResult
    public func removeDisconnectedUnits(in masks: Masks) -> Int {
        var removed = 0
        var changed = true
        while changed {
            changed = false
            for l in 0..<(layers.count - 1) {
                let incoming = hasIncoming(l, weightMasks: masks.weights)
                let outgoing = hasOutgoing(l, weightMasks: masks.weights)
                for unit in 0..<layers[l].units where !incoming[unit] || !outgoing[unit] {
                    let count = removeUnit(unit, layer: l, in: masks)
                    removed += count
                    if count > 0 { changed = true }
                }
            }
        }
        return removed
    }
}
