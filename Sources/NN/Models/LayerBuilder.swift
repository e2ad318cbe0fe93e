/// The shape of one example at some point of a network: an image `[C, H, W]` or a flat feature vector.
enum FeatureShape: Equatable, CustomStringConvertible {
    case image(channels: Int, height: Int, width: Int)
    case flat(Int)

    var description: String {
        switch self {
        case let .image(c, h, w): "[\(c), \(h), \(w)]"
        case let .flat(f): "[\(f)]"
        }
    }
}

/// Builds a list of named layers while tracking the example shape, so every layer gets its input size
/// and an impossible configuration throws an error naming the model, the layer and what was expected.
struct LayerBuilder {
    /// The model being built, for error messages (e.g. "lenet5").
    let model: String
    /// The shape of one example after the layers added so far.
    private(set) var shape: FeatureShape
    /// The layers added so far, with their child names.
    private(set) var layers: [(String, any Module)] = []

    init(model: String, input: FeatureShape) {
        self.model = model
        self.shape = input
    }

    /// A builder for the architecture's input images, after checking the input description.
    init(_ architecture: Architecture) throws {
        let name = architecture.name
        guard architecture.inputSize.count == 2 else {
            throw ModelError.invalidArchitecture(
                "\(name): inputSize must be [height, width], got \(architecture.inputSize)")
        }
        let (h, w) = (architecture.inputSize[0], architecture.inputSize[1])
        guard architecture.inputChannels > 0, h > 0, w > 0 else {
            throw ModelError.invalidArchitecture(
                "\(name): input channels and size must be positive, got \(architecture.inputChannels)×\(h)×\(w)")
        }
        let (c, overflow) = architecture.inputChannels.multipliedReportingOverflow(by: h)
        let (values, overflow2) = c.multipliedReportingOverflow(by: w)
        guard !overflow, !overflow2, values <= LayerBuilder.maximumLayerOutputs else {
            throw ModelError.invalidArchitecture("\(name): an input of \(architecture.inputChannels)×\(h)×\(w) values is "
                + "larger than the limit of \(LayerBuilder.maximumLayerOutputs)")
        }
        guard architecture.classes > 0, architecture.classes <= LayerBuilder.maximumLayerOutputs else {
            throw ModelError.invalidArchitecture("\(name): classes must be in 1...\(LayerBuilder.maximumLayerOutputs), got \(architecture.classes)")
        }
        self.init(model: name, input: .image(channels: architecture.inputChannels, height: h, width: w))
    }

    func error(_ layer: String, _ text: String) -> ModelError {
        .invalidArchitecture("\(model): layer \"\(layer)\" \(text) (input shape \(shape))")
    }

    /// The image dimensions, or an error naming `layer` when the current shape is flat.
    func image(_ layer: String, _ kind: String) throws -> (c: Int, h: Int, w: Int) {
        guard case let .image(c, h, w) = shape else {
            throw error(layer, "(\(kind)) needs an image input [C, H, W]")
        }
        return (c, h, w)
    }

    mutating func add(_ name: String, _ module: any Module) throws {
        guard !name.isEmpty, !name.contains("."), !layers.contains(where: { $0.0 == name }) else {
            throw error(name, "needs a unique, non-empty name without dots")
        }
        layers.append((name, module))
    }

    /// Adds a module built elsewhere (a block or a sub-container) whose output shape is `output`.
    mutating func append(_ name: String, _ module: any Module, output: FeatureShape) throws {
        try add(name, module)
        shape = output
    }

    /// Adds `Linear(in, out)`; the input must be flat.
    @discardableResult
    mutating func linear(_ name: String, out: Int, bias: Bool = true,
                         random: inout SeededGenerator) throws -> Linear {
        guard case let .flat(features) = shape else {
            throw error(name, "(linear) needs a flat input; add a flatten or globalavgpool layer before it")
        }
        guard out > 0 else { throw error(name, "(linear) needs a positive output size, got \(out)") }
        try checkSize(name, "linear", parameters: [features, out], outputs: [out])
        let layer = Linear(inFeatures: features, outFeatures: out, bias: bias, random: &random)
        try add(name, layer)
        shape = .flat(out)
        return layer
    }

    /// Adds a square `Conv2d`; the output must keep at least one pixel.
    @discardableResult
    mutating func conv(_ name: String, out: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
                       groups: Int = 1, bias: Bool = true, random: inout SeededGenerator) throws -> Conv2d {
        let (c, h, w) = try image(name, "conv2d")
        guard out > 0, kernel > 0, stride > 0, padding >= 0, groups > 0 else {
            throw error(name, "(conv2d) needs positive out/kernel/stride/groups and padding ≥ 0, "
                        + "got out \(out), kernel \(kernel), stride \(stride), padding \(padding), groups \(groups)")
        }
        guard c % groups == 0, out % groups == 0 else {
            throw error(name, "(conv2d) needs in (\(c)) and out (\(out)) channels divisible by groups \(groups)")
        }
        guard h + 2 * padding >= kernel, w + 2 * padding >= kernel else {
            throw error(name, "(conv2d) kernel \(kernel) is larger than the padded input")
        }
        let oh = (h + 2 * padding - kernel) / stride + 1, ow = (w + 2 * padding - kernel) / stride + 1
        try checkSize(name, "conv2d", parameters: [c / groups, out, kernel, kernel], outputs: [out, oh, ow])
        let layer = Conv2d(inChannels: c, outChannels: out, kernelSize: kernel, stride: stride,
                           padding: padding, groups: groups, bias: bias, random: &random)
        try add(name, layer)
        shape = .image(channels: out, height: oh, width: ow)
        return layer
    }

    /// The most weights one layer may have (2^28: 1 GiB of Float), so a width of 10¹² is an error, not an abort.
    static let maximumLayerParameters = 1 << 28
    /// The most output values one layer may produce per example (2^26).
    static let maximumLayerOutputs = 1 << 26

    /// Throws when the product of `parameters` (the weight's dimensions) or of `outputs` (one example's output)
    /// exceeds the limits, overflow included.
    func checkSize(_ name: String, _ kind: String, parameters: [Int], outputs: [Int]) throws {
        func product(_ values: [Int]) -> Int? {
            values.reduce(Int?.some(1)) { total, value in
                guard let total else { return nil }
                let (result, overflow) = total.multipliedReportingOverflow(by: value)
                return overflow ? nil : result
            }
        }
        for (values, limit, what) in [(parameters, Self.maximumLayerParameters, "weights"),
                                      (outputs, Self.maximumLayerOutputs, "output values per example")] {
            guard let count = product(values), count <= limit else {
                throw error(name, "(\(kind)) would have \(values.map(String.init).joined(separator: "×")) \(what); "
                    + "the limit is \(limit)")
            }
        }
    }

    /// Adds a max-pool (`average: false`) or average-pool without padding (PyTorch floors the output size).
    mutating func pool(_ name: String, kernel: Int, stride: Int? = nil, average: Bool = false) throws {
        let kind = average ? "avgpool" : "maxpool"
        let (c, h, w) = try image(name, kind)
        let step = stride ?? kernel
        guard kernel > 0, step > 0 else { throw error(name, "(\(kind)) needs a positive kernel and stride") }
        guard h >= kernel, w >= kernel else {
            throw error(name, "(\(kind)) kernel \(kernel) is larger than the input")
        }
        let module: any Module = average
            ? AvgPool2d(kernelSize: kernel, stride: step) : MaxPool2d(kernelSize: kernel, stride: step)
        try add(name, module)
        shape = .image(channels: c, height: (h - kernel) / step + 1, width: (w - kernel) / step + 1)
    }

    /// Adds a global average pool: `[C, H, W] -> [C]`.
    mutating func globalAvgPool(_ name: String) throws {
        let (c, _, _) = try image(name, "globalavgpool")
        try add(name, GlobalAvgPool2d())
        shape = .flat(c)
    }

    /// Adds `BatchNorm2d` after an image layer or `BatchNorm1d` after a flat one.
    @discardableResult
    mutating func batchNorm(_ name: String) throws -> any Module {
        let module: any Module
        switch shape {
        case let .image(c, _, _): module = BatchNorm2d(features: c)
        case let .flat(f): module = BatchNorm1d(features: f)
        }
        try add(name, module)
        return module
    }

    mutating func relu(_ name: String) throws { try add(name, ReLU()) }

    mutating func dropout(_ name: String, probability: Double) throws {
        guard probability >= 0, probability < 1 else {
            throw error(name, "(dropout) needs a probability in [0, 1), got \(probability)")
        }
        try add(name, Dropout(probability: Float(probability)))
    }

    /// Adds a flatten: `[C, H, W] -> [C·H·W]` (a no-op shape change on flat input).
    mutating func flatten(_ name: String) throws {
        switch shape {
        case let .image(c, h, w): shape = .flat(c * h * w)
        case .flat: break
        }
        try add(name, Flatten())
    }

    /// The layers so far as one `Sequential` container.
    func sequential() -> Sequential { Sequential(layers) }
}
