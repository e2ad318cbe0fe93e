extension Architecture {
    /// The same network with new output widths for some layers, keyed by the layer's dotted module path
    /// (`conv1`, `fc2`, `features.3`, `layer2.1.conv1`, or a `sequential` layer's name).
    ///
    /// Only the widths a channel group can change are accepted: the hidden layers of `mlp`, `lenet5` and
    /// `conv*`, the convs of `vgg`, the inner convs of ResNet blocks, and the conv and linear layers of a
    /// `sequential` model (never its classifier). Throws `ModelError.invalidArchitecture` naming the layer
    /// otherwise.
    public func resized(_ widths: [String: Int]) throws -> Architecture {
        var result = self
        for (path, width) in widths.sorted(by: { $0.key < $1.key }) {
            guard width > 0 else {
                throw ModelError.invalidArchitecture("\(name): layer \"\(path)\" cannot have \(width) channels")
            }
            guard try result.setWidth(width, of: path) else {
                throw ModelError.invalidArchitecture(
                    "\(name): the width of layer \"\(path)\" is not a hyperparameter of this architecture")
            }
        }
        return result
    }

    /// Sets one layer's width; false when `path` names no resizable layer of this architecture.
    private mutating func setWidth(_ width: Int, of path: String) throws -> Bool {
        switch name {
        case "mlp":
            var w = widths ?? [300, 100]
            guard let i = Self.index(path, prefix: "fc", count: w.count) else { return false }
            w[i] = width; widths = w
        case "lenet5":
            var w = widths ?? [6, 16, 120, 84]
            guard let i = ["conv1", "conv2", "fc1", "fc2"].firstIndex(of: path) else { return false }
            w[i] = width; widths = w
        case "conv2", "conv4", "conv6":
            let depth = Int(name.dropFirst(4)) ?? 0
            var w = widths ?? Array([64, 64, 128, 128, 256, 256].prefix(depth))
            if w.count == depth { w += [256, 256] }
            if let i = Self.index(path, prefix: "conv", count: depth) {
                w[i] = width
            } else if let i = ["fc1", "fc2"].firstIndex(of: path) {
                w[depth + i] = width
            } else {
                return false
            }
            widths = w
        case "vgg":
            var s = stages ?? [[32, 32], [64, 64], [128, 128]]
            guard let (stage, entry) = Self.vggPosition(path, stages: s) else { return false }
            s[stage][entry] = width; stages = s
        case "resnet20", "resnet32", "resnet56":
            let blocks = ((Int(name.dropFirst(6)) ?? 20) - 2) / 6
            var b = blockWidths ?? (widths ?? [16, 32, 64]).map { Array(repeating: $0, count: blocks) }
            guard let (stage, block) = Self.resNetBlock(path, blocks: blocks) else { return false }
            b[stage][block] = width; blockWidths = b
        case "sequential":
            guard var specs = layers,
                  let last = specs.lastIndex(where: { $0.type == .linear }),
                  let i = specs.indices.first(where: { (specs[$0].name ?? "\($0)") == path }),
                  i != last, specs[i].type == .linear || specs[i].type == .conv2d else { return false }
            specs[i].out = width; layers = specs
        default:
            return false
        }
        return true
    }

    /// `prefix` + 1…count → 0-based index.
    private static func index(_ path: String, prefix: String, count: Int) -> Int? {
        guard path.hasPrefix(prefix), let n = Int(path.dropFirst(prefix.count)), (1...count).contains(n) else {
            return nil
        }
        return n - 1
    }

    /// `features.<index>` of a VGG → (stage, entry), following `ModelZoo.vgg`'s numbering.
    private static func vggPosition(_ path: String, stages: [[Int]]) -> (Int, Int)? {
        guard path.hasPrefix("features."), let target = Int(path.dropFirst("features.".count)) else { return nil }
        var index = 0
        for (stage, widths) in stages.enumerated() {
            for entry in widths.indices {
                if index == target { return (stage, entry) }
                index += 3
            }
            index += 1
        }
        return nil
    }

    /// `layer<s>.<b>.conv1` → (stage, block).
    private static func resNetBlock(_ path: String, blocks: Int) -> (Int, Int)? {
        let parts = path.split(separator: ".")
        guard parts.count == 3, parts[2] == "conv1", parts[0].hasPrefix("layer"),
              let stage = Int(parts[0].dropFirst(5)), (1...3).contains(stage),
              let block = Int(parts[1]), (0..<blocks).contains(block) else { return nil }
        return (stage - 1, block)
    }
}
