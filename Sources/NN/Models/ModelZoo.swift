/// Builds the module tree of each zoo architecture (see `Architecture` for the names and hyperparameters).
enum ModelZoo {
    /// A built network: its root module and the dotted path of its classifier.
    typealias Built = (root: any Module, classifierPath: String)

    static func build(_ architecture: Architecture, random: inout SeededGenerator) throws -> Built {
        try checkHyperparameters(architecture)
        switch architecture.name {
        case "mlp": return try mlp(architecture, random: &random)
        case "lenet5": return try lenet5(architecture, random: &random)
        case "conv2", "conv4", "conv6": return try convNet(architecture, random: &random)
        case "vgg": return try vgg(architecture, random: &random)
        case "resnet20", "resnet32", "resnet56": return try resNet(architecture, random: &random)
        case "sequential": return try sequential(architecture, random: &random)
        default:
            throw ModelError.invalidArchitecture(
                "unknown model \"\(architecture.name)\"; expected one of: "
                + Architecture.zooNames.joined(separator: ", "))
        }
    }

    /// Rejects hyperparameters the named model does not read, so a typo never passes silently.
    static func checkHyperparameters(_ a: Architecture) throws {
        let allowed: Set<String> = switch a.name {
        case "mlp", "lenet5", "conv2", "conv4", "conv6": ["widths"]
        case "vgg": ["stages"]
        case "resnet20", "resnet32", "resnet56": ["widths", "shortcut", "blockWidths"]
        case "sequential": ["layers"]
        default: []
        }
        let given: [(String, Bool)] = [
            ("widths", a.widths != nil), ("stages", a.stages != nil),
            ("shortcut", a.shortcut != nil), ("blockWidths", a.blockWidths != nil), ("layers", a.layers != nil),
        ]
        let extra = given.filter { $0.1 && !allowed.contains($0.0) }.map(\.0)
        guard extra.isEmpty else {
            let uses = allowed.isEmpty ? "no hyperparameters" : allowed.sorted().joined(separator: ", ")
            throw ModelError.invalidArchitecture(
                "\(a.name) does not use \(extra.joined(separator: ", ")) (it reads \(uses))")
        }
    }

    static func requirePositive(_ values: [Int], _ what: String, _ model: String) throws {
        guard values.allSatisfy({ $0 > 0 }) else {
            throw ModelError.invalidArchitecture("\(model): \(what) must be positive, got \(values)")
        }
    }

    /// LeNet-300-100 by default (LeCun et al. 1998): flatten, `fc1` … `fcN` with ReLU between.
    static func mlp(_ a: Architecture, random: inout SeededGenerator) throws -> Built {
        let widths = a.widths ?? [300, 100]
        try requirePositive(widths, "widths", a.name)
        var b = try LayerBuilder(a)
        try b.flatten("flatten")
        for (i, width) in widths.enumerated() {
            try b.linear("fc\(i + 1)", out: width, random: &random)
            try b.relu("relu\(i + 1)")
        }
        let classifier = "fc\(widths.count + 1)"
        try b.linear(classifier, out: a.classes, random: &random)
        return (b.sequential(), classifier)
    }

    /// LeNet-5: conv 6@5×5 pad 2, ReLU, max-pool 2, conv 16@5×5, ReLU, max-pool 2, fc 120, fc 84, fc classes
    /// (the four hidden widths from `widths` when given).
    static func lenet5(_ a: Architecture, random: inout SeededGenerator) throws -> Built {
        let widths = a.widths ?? [6, 16, 120, 84]
        guard widths.count == 4 else {
            throw ModelError.invalidArchitecture(
                "lenet5: widths must list 4 widths [conv1, conv2, fc1, fc2], got \(widths)")
        }
        try requirePositive(widths, "widths", a.name)
        var b = try LayerBuilder(a)
        try b.conv("conv1", out: widths[0], kernel: 5, padding: 2, random: &random)
        try b.relu("relu1")
        try b.pool("pool1", kernel: 2)
        try b.conv("conv2", out: widths[1], kernel: 5, random: &random)
        try b.relu("relu2")
        try b.pool("pool2", kernel: 2)
        try b.flatten("flatten")
        try b.linear("fc1", out: widths[2], random: &random)
        try b.relu("relu3")
        try b.linear("fc2", out: widths[3], random: &random)
        try b.relu("relu4")
        try b.linear("fc3", out: a.classes, random: &random)
        return (b.sequential(), "fc3")
    }

    /// Conv-2/4/6 of the lottery-ticket paper (Frankle & Carbin 2019, Fig. 2): 3×3 convs (pad 1) with ReLU,
    /// a 2×2 max-pool after each pair, then `fc1` 256, `fc2` 256, `fc3` classes.
    static func convNet(_ a: Architecture, random: inout SeededGenerator) throws -> Built {
        let defaults = [64, 64, 128, 128, 256, 256]
        let depth = a.name == "conv2" ? 2 : a.name == "conv4" ? 4 : 6
        let widths = a.widths ?? Array(defaults.prefix(depth))
        guard widths.count == depth || widths.count == depth + 2 else {
            throw ModelError.invalidArchitecture(
                "\(a.name): widths must list \(depth) conv channel counts (and optionally fc1, fc2), got \(widths)")
        }
        try requirePositive(widths, "widths", a.name)
        let hidden = widths.count == depth + 2 ? Array(widths.suffix(2)) : [256, 256]
        var b = try LayerBuilder(a)
        for (i, width) in widths.prefix(depth).enumerated() {
            try b.conv("conv\(i + 1)", out: width, kernel: 3, padding: 1, random: &random)
            try b.relu("relu\(i + 1)")
            if i % 2 == 1 { try b.pool("pool\(i / 2 + 1)", kernel: 2) }
        }
        try b.flatten("flatten")
        try b.linear("fc1", out: hidden[0], random: &random)
        try b.relu("relu\(depth + 1)")
        try b.linear("fc2", out: hidden[1], random: &random)
        try b.relu("relu\(depth + 2)")
        try b.linear("fc3", out: a.classes, random: &random)
        return (b.sequential(), "fc3")
    }

    /// A small VGG with batch norm: `features` = per stage, per width a 3×3 conv (pad 1, no bias) + batch
    /// norm + ReLU, then a 2×2 max-pool; then a global average pool and the linear `classifier`.
    static func vgg(_ a: Architecture, random: inout SeededGenerator) throws -> Built {
        let stages = a.stages ?? [[32, 32], [64, 64], [128, 128]]
        guard !stages.isEmpty, stages.allSatisfy({ !$0.isEmpty }) else {
            throw ModelError.invalidArchitecture("vgg: stages must be non-empty lists of widths, got \(stages)")
        }
        try requirePositive(stages.flatMap { $0 }, "stage widths", a.name)
        var features = try LayerBuilder(a)
        var index = 0
        for stage in stages {
            for width in stage {
                try features.conv("\(index)", out: width, kernel: 3, padding: 1, bias: false, random: &random)
                try features.batchNorm("\(index + 1)")
                try features.relu("\(index + 2)")
                index += 3
            }
            try features.pool("\(index)", kernel: 2)
            index += 1
        }
        var b = LayerBuilder(model: a.name, input: features.shape)
        try b.append("features", features.sequential(), output: features.shape)
        try b.globalAvgPool("pool")
        try b.linear("classifier", out: a.classes, random: &random)
        return (b.sequential(), "classifier")
    }
}
