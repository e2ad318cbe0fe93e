/// One set of channels that can be removed together without changing any other layer's shape: the output
/// channels of a conv or linear layer (the producer), the batch norms that normalise them, and the matching
/// input channels of the one layer that reads them (the consumer).
///
/// Only channels that flow through per-channel layers (ReLU, pooling, batch norm, dropout, flatten) into a
/// single conv or linear layer form a group. Channels that also reach a residual addition (a ResNet's stem,
/// every block's output) are not removable: their producers are not listed, so they are pruned
/// all together or not at all, and this engine chooses not at all. Inside a residual block, the inner
/// channels (`conv1` → `bn1` → `conv2`) form a group. A grouped conv (`groups` > 1) ends every group it touches.
public struct ChannelGroup: Sendable, Equatable {
    /// The layer that reads the channels, and how many of its input features each channel owns
    /// (1 for a conv or a linear layer after a global pool; H·W for a linear layer after a flatten).
    public struct Consumer: Sendable, Equatable {
        /// The consumer's dotted module path (`fc1`, `layer1.0.conv2`).
        public let path: String
        /// The consecutive input features of one channel: channel c owns `c·k ..< (c+1)·k`.
        public let featuresPerChannel: Int
    }

    /// The dotted module path of the conv or linear layer whose output channels these are.
    public let producer: String
    /// The producer's output channels (features).
    public let channels: Int
    /// The batch norms between producer and consumer, in order.
    public let batchNorms: [String]
    /// The activation layers (ReLU) between producer and consumer, in order.
    public let activations: [String]
    /// The layer that reads the channels.
    public let consumer: Consumer
}

extension Model {
    /// Every group of removable channels, in forward order (see `ChannelGroup` for which channels qualify).
    public var channelGroups: [ChannelGroup] {
        var finder = ChannelGroupFinder()
        finder.walk(root, path: "")
        return finder.groups
    }
}

/// Walks a module tree in forward order, following each producer's channels to their consumer.
struct ChannelGroupFinder {
    /// A producer whose channels have not reached a consumer yet.
    struct Open {
        let producer: String
        let channels: Int
        var batchNorms: [String] = []
        var activations: [String] = []
    }

    private(set) var groups: [ChannelGroup] = []
    private var open: Open?

    mutating func walk(_ module: any Module, path: String) {
        switch module {
        case let sequential as Sequential:
            for child in sequential.children { walk(child.module, path: Self.join(path, child.name)) }
        case let residual as Residual:
            // The block's input also feeds the addition, and so does the main path's output.
            open = nil
            for child in residual.main { walk(child.module, path: Self.join(path, child.name)) }
            open = nil
        case let conv as Conv2d:
            close(consumer: path, inputs: conv.inChannels, usable: conv.groups == 1)
            open = conv.groups == 1 ? Open(producer: path, channels: conv.outChannels) : nil
        case let linear as Linear:
            close(consumer: path, inputs: linear.inFeatures, usable: true)
            open = Open(producer: path, channels: linear.outFeatures)
        case is BatchNorm2d, is BatchNorm1d:
            open?.batchNorms.append(path)
        case is ReLU:
            open?.activations.append(path)
        case is MaxPool2d, is AvgPool2d, is GlobalAvgPool2d, is Flatten, is Dropout:
            break
        default:
            // A module this walk does not understand (a custom block, a shortcut): nothing crosses it.
            open = nil
        }
    }

    /// Ends the open producer's group at `consumer`, if its inputs are a whole multiple of the channels.
    private mutating func close(consumer: String, inputs: Int, usable: Bool) {
        defer { open = nil }
        guard let open, usable, inputs % open.channels == 0 else { return }
        groups.append(ChannelGroup(
            producer: open.producer, channels: open.channels, batchNorms: open.batchNorms, activations: open.activations,
            consumer: .init(path: consumer, featuresPerChannel: inputs / open.channels)))
    }

    static func join(_ prefix: String, _ name: String) -> String {
        prefix.isEmpty ? name : prefix + "." + name
    }
}
