import Foundation

extension ModelZoo {
    /// CIFAR ResNet-20/32/56 (He et al. 2016, §4.2): `conv1` 3×3 + `bn1` + ReLU, three stages `layer1…3` of
    /// n = (depth − 2) / 6 BasicBlocks (widths 16/32/64, the first block of stages 2 and 3 has stride 2),
    /// global average pool, `linear`. Names and initialisation follow the widely used PyTorch port
    /// (github.com/akamaster/pytorch_resnet_cifar10): Kaiming-normal conv and linear weights.
    ///
    /// Shortcuts of blocks that change shape: option A (default) is parameter-free — subsample with stride 2
    /// and zero-pad (out − in) / 2 channels before and the rest after, as the reference's `LambdaLayer`;
    /// option B is a 1×1 strided conv + batch norm named `shortcut.0` / `shortcut.1`.
    static func resNet(_ a: Architecture, random: inout SeededGenerator) throws -> Built {
        let depth = Int(a.name.dropFirst("resnet".count)) ?? 20
        let blocks = (depth - 2) / 6
        let widths = a.widths ?? [16, 32, 64]
        guard widths.count == 3 else {
            throw ModelError.invalidArchitecture("\(a.name): widths must list the 3 stage widths, got \(widths)")
        }
        try requirePositive(widths, "widths", a.name)
        let inner = a.blockWidths ?? widths.map { Array(repeating: $0, count: blocks) }
        guard inner.count == 3, inner.allSatisfy({ $0.count == blocks }) else {
            throw ModelError.invalidArchitecture(
                "\(a.name): blockWidths must list 3 stages of \(blocks) inner widths, got \(inner)")
        }
        try requirePositive(inner.flatMap { $0 }, "blockWidths", a.name)
        let option = a.shortcut ?? "A"
        guard option == "A" || option == "B" else {
            throw ModelError.invalidArchitecture("\(a.name): shortcut must be \"A\" or \"B\", got \"\(option)\"")
        }
        var b = try LayerBuilder(a)
        let stem = try b.conv("conv1", out: widths[0], kernel: 3, padding: 1, bias: false, random: &random)
        kaimingNormal(stem, random: &random)
        try b.batchNorm("bn1")
        try b.relu("relu")
        for (stage, width) in widths.enumerated() {
            var layer = LayerBuilder(model: "\(a.name) layer\(stage + 1)", input: b.shape)
            for index in 0..<blocks {
                let stride = stage > 0 && index == 0 ? 2 : 1
                let (block, output) = try basicBlock(
                    model: "\(a.name) layer\(stage + 1).\(index)", input: layer.shape, width: width,
                    inner: inner[stage][index], stride: stride, option: option, random: &random)
                try layer.append("\(index)", block, output: output)
            }
            try b.append("layer\(stage + 1)", layer.sequential(), output: layer.shape)
        }
        try b.globalAvgPool("avgpool")
        let classifier = try b.linear("linear", out: a.classes, random: &random)
        kaimingNormal(classifier, random: &random)
        return (b.sequential(), "linear")
    }

    /// A BasicBlock: `conv1` 3×3 (stride) + `bn1` + ReLU + `conv2` 3×3 + `bn2`, plus the shortcut, then ReLU;
    /// `conv1` has `inner` output channels (`width` unless channel-pruned), `conv2` has `width`.
    static func basicBlock(model: String, input: FeatureShape, width: Int, inner: Int, stride: Int, option: String,
                           random: inout SeededGenerator) throws -> (any Module, FeatureShape) {
        var main = LayerBuilder(model: model, input: input)
        let (channels, _, _) = try main.image("conv1", "conv2d")
        let conv1 = try main.conv("conv1", out: inner, kernel: 3, stride: stride, padding: 1, bias: false,
                                  random: &random)
        kaimingNormal(conv1, random: &random)
        try main.batchNorm("bn1")
        try main.relu("relu1")
        let conv2 = try main.conv("conv2", out: width, kernel: 3, padding: 1, bias: false, random: &random)
        kaimingNormal(conv2, random: &random)
        try main.batchNorm("bn2")
        var shortcut: (String, any Module)? = nil
        if stride != 1 || channels != width {
            if option == "A" {
                guard width >= channels else {
                    throw main.error("shortcut", "(option A) cannot shrink \(channels) to \(width) channels; "
                                     + "use shortcut \"B\"")
                }
                shortcut = ("shortcut", ChannelPadShortcut(inChannels: channels, outChannels: width, stride: stride))
            } else {
                var projection = LayerBuilder(model: model + ".shortcut", input: input)
                let conv = try projection.conv("0", out: width, kernel: 1, stride: stride, bias: false,
                                               random: &random)
                kaimingNormal(conv, random: &random)
                try projection.batchNorm("1")
                shortcut = ("shortcut", projection.sequential())
            }
        }
        return (Residual(main: main.layers, shortcut: shortcut, activation: true), main.shape)
    }

    /// Overwrites a conv or linear weight with Kaiming-normal values: N(0, 2 / fan_in), PyTorch's
    /// `kaiming_normal_` with its defaults (fan_in mode, ReLU gain √2).
    static func kaimingNormal(_ layer: any Module, random: inout SeededGenerator) {
        guard let weight = layer.localParameters.first(where: { $0.name == "weight" })?.parameter.value,
              weight.shape.count >= 2 else { return }
        let fanIn = weight.count / weight.shape[0]
        let std = Float((2.0 / Double(fanIn)).squareRoot())
        let data = weight.data
        for i in 0..<weight.count { data[i] = std * random.nextNormal() }
    }
}
