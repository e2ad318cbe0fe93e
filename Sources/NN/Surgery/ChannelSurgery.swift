/// Physical removal of channels: turns a model whose pruned channels are zero into a smaller dense model
/// with the same function.
///
/// A channel of a `ChannelGroup` is removed when it cannot affect the output: its value is zero for every
/// input (the producer's weight row and bias are zero and no batch norm follows, or the last batch norm's
/// γ and β are zero), or the consumer ignores it (its input slice is zero). Removing it deletes the
/// producer's row (and bias), the batch norms' entries (γ, β, running statistics) and the consumer's input
/// slice; the smaller model's logits equal the original's to float rounding. Every group keeps at least one
/// channel. Masks travel with the weights, sliced the same way.
public enum ChannelSurgery {
    /// What a removal did: the smaller model and, per producer, the channels kept (indices into the original).
    public struct Result {
        /// The smaller model, with its resized architecture.
        public let model: Model
        /// For each group's producer path, the original indices of the channels that remain.
        public let kept: [String: [Int]]
        /// How many channels were removed over all groups.
        public let removedChannels: Int
    }

    /// Removes every channel that cannot affect the output (see the type's description).
    public static func compact(_ model: Model) throws -> Result {
        let groups = model.channelGroups
        let modules = Dictionary(model.modules.map { ($0.path, $0.module) }, uniquingKeysWith: { a, _ in a })
        var keep: [String: [Bool]] = [:]
        for group in groups {
            keep[group.producer] = (0..<group.channels).map { channel in
                !(outputIsZero(group, channel, modules) || consumerIgnores(group, channel, modules))
            }
        }
        return try removing(from: model, keeping: keep)
    }

    /// A smaller model keeping, for each producer in `keeping`, the channels marked true (at least one is
    /// kept even when none is marked). Producers absent from `keeping` keep every channel.
    ///
    /// Throws `ModelError.invalidArchitecture` when a key is not the producer of a channel group or its
    /// length is not the producer's channel count.
    public static func removing(from model: Model, keeping: [String: [Bool]]) throws -> Result {
        let groups = Dictionary(model.channelGroups.map { ($0.producer, $0) }, uniquingKeysWith: { a, _ in a })
        var kept: [String: [Int]] = [:]
        for (producer, flags) in keeping {
            guard let group = groups[producer] else {
                throw ModelError.invalidArchitecture(
                    "\(model.architecture.name): \"\(producer)\" is not a layer whose output channels can be removed")
            }
            guard flags.count == group.channels else {
                throw ModelError.invalidArchitecture(
                    "\(model.architecture.name): \(flags.count) channel flags for \"\(producer)\" with \(group.channels) channels")
            }
            let indices = flags.indices.filter { flags[$0] }
            kept[producer] = indices.isEmpty ? [0] : indices
        }
        let widths = kept.compactMapValues { indices in indices.count }
            .filter { groups[$0.key].map { group in group.channels } != $0.value }
        var random = SeededGenerator(seed: 0)
        let smaller = try Model(model.architecture.resized(widths), random: &random)
        try copy(from: model, to: smaller, selection: Selection(groups: Array(groups.values), kept: kept))
        let removed = kept.reduce(0) { $0 + (groups[$1.key]?.channels ?? 0) - $1.value.count }
        return Result(model: smaller, kept: kept, removedChannels: removed)
    }

    /// Which indices of dimension 0 and 1 survive, per module path.
    struct Selection {
        var rows: [String: [Int]] = [:]
        var columns: [String: (indices: [Int], featuresPerChannel: Int)] = [:]

        init(groups: [ChannelGroup], kept: [String: [Int]]) {
            for group in groups {
                guard let indices = kept[group.producer] else { continue }
                rows[group.producer] = indices
                for norm in group.batchNorms { rows[norm] = indices }
                columns[group.consumer.path] = (indices, group.consumer.featuresPerChannel)
            }
        }
    }

    /// Copies every parameter, mask and buffer of `source` into `target`, keeping the selected slices.
    private static func copy(from source: Model, to target: Model, selection: Selection) throws {
        let sourceParameters = Dictionary(source.parameters.map { ($0.name, $0.parameter) }, uniquingKeysWith: { a, _ in a })
        for (name, parameter) in target.parameters {
            guard let original = sourceParameters[name] else {
                throw ModelError.invalidArchitecture("channel removal: no parameter \(name) in the original model")
            }
            let module = modulePath(of: name)
            try slice(original.value, into: parameter.value, selection, module, name)
            if let mask = original.mask {
                let sliced = Tensor(zeros: parameter.value.shape)
                try slice(mask, into: sliced, selection, module, name)
                parameter.mask = sliced
            }
        }
        let sourceBuffers = Dictionary(source.buffers.map { ($0.name, $0.tensor) }, uniquingKeysWith: { a, _ in a })
        for (name, tensor) in target.buffers {
            guard let original = sourceBuffers[name] else {
                throw ModelError.invalidArchitecture("channel removal: no buffer \(name) in the original model")
            }
            try slice(original, into: tensor, selection, modulePath(of: name), name)
        }
    }

    /// Writes the selected rows (dimension 0) and input slices (dimension 1) of `source` into `target`.
    private static func slice(_ source: Tensor, into target: Tensor, _ selection: Selection, _ module: String,
                              _ name: String) throws {
        let shape = source.shape
        let rows = shape.isEmpty ? nil : selection.rows[module]
        let columns = shape.count >= 2 ? selection.columns[module] : nil
        let rowIndices = rows ?? Array(0..<(shape.first ?? 1))
        let inner = shape.count >= 2 ? shape.dropFirst(2).reduce(1, *) : 1
        let width = shape.count >= 2 ? shape[1] : 1
        let columnIndices: [Int] = columns.map { selected in
            selected.indices.flatMap { c in (c * selected.featuresPerChannel)..<((c + 1) * selected.featuresPerChannel) }
        } ?? Array(0..<width)
        var expected = shape
        if !expected.isEmpty { expected[0] = rowIndices.count }
        if expected.count >= 2 { expected[1] = columnIndices.count }
        guard expected == target.shape else {
            throw ModelError.invalidArchitecture(
                "channel removal: \(name) would become \(expected), but the smaller model expects \(target.shape)")
        }
        let s = source.data, t = target.data
        var out = 0
        for row in rowIndices {
            for column in columnIndices {
                let from = (row * width + column) * inner
                (t + out).update(from: s + from, count: inner)
                out += inner
            }
        }
    }

    /// `layer1.0.conv1.weight` → `layer1.0.conv1`.
    private static func modulePath(of name: String) -> String {
        guard let dot = name.lastIndex(of: ".") else { return "" }
        return String(name[..<dot])
    }

    /// Whether a channel's value is zero for every input, judged from the weights as they are.
    private static func outputIsZero(_ group: ChannelGroup, _ channel: Int, _ modules: [String: any Module]) -> Bool {
        if let last = group.batchNorms.last {
            let parameters = modules[last]?.localParameters ?? []
            return parameters.allSatisfy { $0.parameter.value.data[channel] == 0 }
                && !parameters.isEmpty
        }
        guard let producer = modules[group.producer] else { return false }
        for (_, parameter) in producer.localParameters {
            let value = parameter.value
            let rowSize = value.count / value.shape[0]
            let row = value.data + channel * rowSize
            if (0..<rowSize).contains(where: { row[$0] != 0 }) { return false }
        }
        return true
    }

    /// Whether the consumer's weights for a channel are all zero.
    private static func consumerIgnores(_ group: ChannelGroup, _ channel: Int, _ modules: [String: any Module]) -> Bool {
        guard let weight = modules[group.consumer.path]?.localParameters.first(where: { $0.name == "weight" })?
            .parameter.value, weight.shape.count >= 2 else { return false }
        let inner = weight.shape.dropFirst(2).reduce(1, *)
        let k = group.consumer.featuresPerChannel
        let rowSize = weight.shape[1] * inner
        let data = weight.data
        for unit in 0..<weight.shape[0] {
            let start = unit * rowSize + channel * k * inner
            if (0..<(k * inner)).contains(where: { data[start + $0] != 0 }) { return false }
        }
        return true
    }
}
