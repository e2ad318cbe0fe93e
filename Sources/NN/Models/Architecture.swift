import Foundation

/// A network described as data: a zoo name plus its hyperparameters, stored as JSON in every checkpoint.
///
/// Zoo names and the hyperparameters each one reads (anything else must be absent):
/// - `mlp`: `widths` = hidden layer widths (default `[300, 100]`, LeNet-300-100). Parameters `fc1` … `fcN`.
/// - `lenet5`: `widths` = `[conv1, conv2, fc1, fc2]` (default `[6, 16, 120, 84]`). `conv1` 6@5×5 pad 2,
///   `conv2` 16@5×5, `fc1` 120, `fc2` 84, `fc3` classes.
/// - `conv2`, `conv4`, `conv6`: `widths` = the 3×3 conv channels (default 64,64 / 64,64,128,128 /
///   64,64,128,128,256,256; Frankle & Carbin 2019), a 2×2 max-pool after each pair, then `fc1` 256, `fc2` 256, `fc3`;
///   two more entries set `fc1` and `fc2` (as a channel-pruned model records them).
/// - `vgg`: `stages` = conv channels per stage (default `[[32, 32], [64, 64], [128, 128]]`); 3×3 conv + batch norm
///   + ReLU per entry, 2×2 max-pool after each stage, global average pool, `classifier` linear.
/// - `resnet20`, `resnet32`, `resnet56`: `widths` = the three stage widths (default `[16, 32, 64]`), `shortcut` =
///   `"A"` (default; parameter-free: stride-2 subsample + zero channel padding, He et al. 2016 §4.2) or `"B"`
///   (1×1 conv + batch norm, named `shortcut.0` / `shortcut.1`); `blockWidths` = per stage, per block, the
///   channels of the block's inner layer (`conv1`/`bn1`, the input of `conv2`; default the stage width), which
///   channel pruning may shrink without touching the channels joined by the residual addition.
/// - `sequential`: `layers` = the user's own list of layers (see `LayerSpec`), classifier = the last linear layer.
public struct Architecture: Codable, Hashable, Sendable {
    /// The zoo name, one of `Architecture.zooNames`.
    public var name: String
    /// The number of output classes (logits).
    public var classes: Int
    /// The channels of the input images (1 for Fashion-MNIST, 3 for CIFAR).
    public var inputChannels: Int
    /// The input image size `[height, width]`.
    public var inputSize: [Int]
    /// Hidden widths (`mlp`), conv channels (`conv2/4/6`) or stage widths (`resnet*`).
    public var widths: [Int]?
    /// Conv channels per stage (`vgg`).
    public var stages: [[Int]]?
    /// The ResNet shortcut for blocks that change shape: `"A"` (parameter-free) or `"B"` (1×1 conv + batch norm).
    public var shortcut: String?
    /// A ResNet's inner channels per stage and block (`resnet*`; default: the stage widths).
    public var blockWidths: [[Int]]?
    /// The layers of a `sequential` model, in order.
    public var layers: [LayerSpec]?

    /// Every zoo name `Model` can build.
    public static let zooNames = [
        "mlp", "lenet5", "conv2", "conv4", "conv6", "vgg", "resnet20", "resnet32", "resnet56", "sequential",
    ]

    /// An architecture with the zoo's default hyperparameters for `name`.
    public init(name: String, classes: Int, inputChannels: Int, inputSize: [Int],
                widths: [Int]? = nil, stages: [[Int]]? = nil, shortcut: String? = nil,
                blockWidths: [[Int]]? = nil, layers: [LayerSpec]? = nil) {
        self.name = name
        self.classes = classes
        self.inputChannels = inputChannels
        self.inputSize = inputSize
        self.widths = widths
        self.stages = stages
        self.shortcut = shortcut
        self.blockWidths = blockWidths
        self.layers = layers
    }

    /// Decodes an architecture from its JSON text (as stored in a checkpoint's `architecture` attribute).
    public init(json: String) throws {
        do {
            self = try JSONDecoder().decode(Architecture.self, from: Data(json.utf8))
        } catch {
            throw ModelError.invalidJSON("architecture JSON \(json.debugDescription): \(error)")
        }
    }

    /// The canonical JSON text (sorted keys, absent hyperparameters omitted).
    public func json() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding plain ints, strings and arrays cannot fail.
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// One layer of a `sequential` architecture, e.g. `{"type": "conv2d", "out": 16, "kernel": 3, "padding": 1}`.
///
/// Input sizes are inferred from the previous layer. Defaults: `kernel` 2 for pools (required for conv2d),
/// `stride` 1 for conv2d and `kernel` for pools, `padding` 0, `groups` 1, `bias` true, `probability` 0.5.
/// The last linear layer's `out` defaults to the architecture's `classes`. `name` (the `state_dict` prefix)
/// defaults to the layer's index, as in PyTorch's `nn.Sequential`.
public struct LayerSpec: Codable, Hashable, Sendable {
    /// The kinds of layer a `sequential` architecture may list.
    public enum Kind: String, Codable, Hashable, Sendable, CaseIterable {
        case linear, conv2d, relu, maxpool, avgpool, globalavgpool, batchnorm, dropout, flatten

        public init(from decoder: any Decoder) throws {
            let text = try decoder.singleValueContainer().decode(String.self)
            guard let kind = Kind(rawValue: text) else {
                let known = Kind.allCases.map(\.rawValue).joined(separator: ", ")
                throw DecodingError.dataCorrupted(.init(
                    codingPath: decoder.codingPath,
                    debugDescription: "unknown layer type \"\(text)\"; expected one of: \(known)"))
            }
            self = kind
        }
    }

    /// What the layer is.
    public var type: Kind
    /// The child's name in the model (`state_dict` prefix); the index when absent.
    public var name: String?
    /// Output features (linear) or channels (conv2d).
    public var out: Int?
    /// Kernel size (conv2d, maxpool, avgpool).
    public var kernel: Int?
    /// Stride (conv2d, maxpool, avgpool).
    public var stride: Int?
    /// Zero padding on each side (conv2d).
    public var padding: Int?
    /// Channel groups (conv2d).
    public var groups: Int?
    /// Whether the layer has a bias (linear, conv2d).
    public var bias: Bool?
    /// The drop probability (dropout).
    public var probability: Double?

    /// A layer description; unspecified fields take the defaults listed on the type.
    public init(_ type: Kind, name: String? = nil, out: Int? = nil, kernel: Int? = nil, stride: Int? = nil,
                padding: Int? = nil, groups: Int? = nil, bias: Bool? = nil, probability: Double? = nil) {
        self.type = type
        self.name = name
        self.out = out
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
        self.groups = groups
        self.bias = bias
        self.probability = probability
    }
}
