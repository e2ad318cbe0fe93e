"""PyTorch twins of the PruneBench model zoo: same layers, same state_dict names and order.

`build_model(architecture)` takes the architecture as PruneBench stores it (a dict decoded from the
checkpoint's `architecture` JSON attribute) and returns an `nn.Module` whose `state_dict()` has exactly
the keys, shapes and order of `Model.stateDict()` in Sources/NN/Models/.
"""
from collections import OrderedDict

import torch
import torch.nn as nn
import torch.nn.functional as F


def _conv_out(size, kernel, stride=1, padding=0):
    return (size + 2 * padding - kernel) // stride + 1


class MLP(nn.Module):
    """LeNet-300-100 by default: fc1 ... fcN with ReLU between."""

    def __init__(self, in_features, widths, classes):
        super().__init__()
        sizes = [in_features] + list(widths) + [classes]
        for i in range(len(sizes) - 1):
            setattr(self, f"fc{i + 1}", nn.Linear(sizes[i], sizes[i + 1]))
        self.depth = len(sizes) - 1

    def forward(self, x):
        x = torch.flatten(x, 1)
        for i in range(1, self.depth + 1):
            x = getattr(self, f"fc{i}")(x)
            if i < self.depth:
                x = F.relu(x)
        return x


class LeNet5(nn.Module):
    def __init__(self, channels, size, classes, widths=(6, 16, 120, 84)):
        super().__init__()
        h, w = size
        c1, c2, f1, f2 = widths
        self.conv1 = nn.Conv2d(channels, c1, 5, padding=2)
        self.conv2 = nn.Conv2d(c1, c2, 5)
        h, w = _conv_out(h, 5, 1, 2) // 2, _conv_out(w, 5, 1, 2) // 2
        h, w = _conv_out(h, 5) // 2, _conv_out(w, 5) // 2
        self.fc1 = nn.Linear(c2 * h * w, f1)
        self.fc2 = nn.Linear(f1, f2)
        self.fc3 = nn.Linear(f2, classes)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = torch.flatten(x, 1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


class ConvNet(nn.Module):
    """Conv-2/4/6 (Frankle & Carbin 2019): 3x3 convs, max-pool after each pair, fc 256, 256, classes."""

    def __init__(self, channels, size, widths, classes, depth=None):
        super().__init__()
        h, w = size
        self.depth = depth or len(widths)
        hidden = widths[self.depth:] or [256, 256]
        for i, width in enumerate(widths[:self.depth]):
            setattr(self, f"conv{i + 1}", nn.Conv2d(channels, width, 3, padding=1))
            channels = width
            if i % 2 == 1:
                h, w = h // 2, w // 2
        self.fc1 = nn.Linear(channels * h * w, hidden[0])
        self.fc2 = nn.Linear(hidden[0], hidden[1])
        self.fc3 = nn.Linear(hidden[1], classes)

    def forward(self, x):
        for i in range(self.depth):
            x = F.relu(getattr(self, f"conv{i + 1}")(x))
            if i % 2 == 1:
                x = F.max_pool2d(x, 2)
        x = torch.flatten(x, 1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


class VGG(nn.Module):
    def __init__(self, channels, stages, classes):
        super().__init__()
        layers = []
        for stage in stages:
            for width in stage:
                layers += [nn.Conv2d(channels, width, 3, padding=1, bias=False), nn.BatchNorm2d(width),
                           nn.ReLU()]
                channels = width
            layers.append(nn.MaxPool2d(2))
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Linear(channels, classes)

    def forward(self, x):
        return self.classifier(self.features(x).mean(dim=(2, 3)))


class PadShortcut(nn.Module):
    """ResNet option A: x[:, :, ::s, ::s] zero-padded to `out` channels (akamaster's LambdaLayer)."""

    def __init__(self, in_channels, out_channels, stride):
        super().__init__()
        self.lower = (out_channels - in_channels) // 2
        self.upper = out_channels - in_channels - self.lower
        self.stride = stride

    def forward(self, x):
        return F.pad(x[:, :, ::self.stride, ::self.stride], (0, 0, 0, 0, self.lower, self.upper))


class BasicBlock(nn.Module):
    def __init__(self, in_channels, width, stride, option, inner=None):
        super().__init__()
        inner = inner or width
        self.conv1 = nn.Conv2d(in_channels, inner, 3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(inner)
        self.conv2 = nn.Conv2d(inner, width, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_channels != width:
            if option == "A":
                self.shortcut = PadShortcut(in_channels, width, stride)
            else:
                self.shortcut = nn.Sequential(nn.Conv2d(in_channels, width, 1, stride=stride, bias=False),
                                              nn.BatchNorm2d(width))

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class ResNet(nn.Module):
    """CIFAR ResNet (He et al. 2016; akamaster/pytorch_resnet_cifar10 names and init)."""

    def __init__(self, channels, depth, widths, option, classes, block_widths=None):
        super().__init__()
        blocks = (depth - 2) // 6
        block_widths = block_widths or [[width] * blocks for width in widths]
        self.conv1 = nn.Conv2d(channels, widths[0], 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(widths[0])
        in_channels = widths[0]
        for stage, width in enumerate(widths):
            layer = []
            for index in range(blocks):
                stride = 2 if stage > 0 and index == 0 else 1
                layer.append(BasicBlock(in_channels, width, stride, option, block_widths[stage][index]))
                in_channels = width
            setattr(self, f"layer{stage + 1}", nn.Sequential(*layer))
        self.linear = nn.Linear(in_channels, classes)
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.Linear)):
                nn.init.kaiming_normal_(m.weight)

    def forward(self, x):
        x = F.relu(self.bn1(self.conv1(x)))
        x = self.layer3(self.layer2(self.layer1(x)))
        return self.linear(x.mean(dim=(2, 3)))


class GlobalAvgPool(nn.Module):
    def forward(self, x):
        return x.mean(dim=(2, 3))


def _sequential(arch):
    channels, (h, w) = arch["inputChannels"], arch["inputSize"]
    flat = None
    layers = arch["layers"]
    last_linear = max(i for i, layer in enumerate(layers) if layer["type"] == "linear")
    modules = OrderedDict()
    for i, spec in enumerate(layers):
        kind, name = spec["type"], spec.get("name", str(i))
        if kind == "linear":
            out = spec.get("out", arch["classes"] if i == last_linear else None)
            modules[name] = nn.Linear(flat, out, bias=spec.get("bias", True))
            flat = out
        elif kind == "conv2d":
            k, s, p = spec["kernel"], spec.get("stride", 1), spec.get("padding", 0)
            modules[name] = nn.Conv2d(channels, spec["out"], k, stride=s, padding=p,
                                      groups=spec.get("groups", 1), bias=spec.get("bias", True))
            channels, h, w = spec["out"], _conv_out(h, k, s, p), _conv_out(w, k, s, p)
        elif kind in ("maxpool", "avgpool"):
            k = spec.get("kernel", 2)
            s = spec.get("stride", k)
            modules[name] = (nn.MaxPool2d if kind == "maxpool" else nn.AvgPool2d)(k, s)
            h, w = _conv_out(h, k, s), _conv_out(w, k, s)
        elif kind == "globalavgpool":
            modules[name] = GlobalAvgPool()
            flat = channels
        elif kind == "batchnorm":
            modules[name] = nn.BatchNorm1d(flat) if flat is not None else nn.BatchNorm2d(channels)
        elif kind == "relu":
            modules[name] = nn.ReLU()
        elif kind == "dropout":
            modules[name] = nn.Dropout(spec.get("probability", 0.5))
        elif kind == "flatten":
            modules[name] = nn.Flatten()
            if flat is None:
                flat = channels * h * w
        else:
            raise ValueError(f"unknown layer type {kind}")
    return nn.Sequential(modules)


def trained_a_little(arch, seed, batch, steps=3):
    """`build_model(arch)` after `steps` SGD steps (lr 0.05, momentum 0.9) on random data from `torch.manual_seed(seed)`,
    so weights and batch-norm statistics are not at their initial values (the fixtures' starting point)."""
    torch.manual_seed(seed)
    model = build_model(arch)
    shape = [batch, arch["inputChannels"]] + arch["inputSize"]
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    model.train()
    for _ in range(steps):
        x = torch.randn(shape)
        y = torch.randint(0, arch["classes"], (batch,))
        optimizer.zero_grad()
        F.cross_entropy(model(x), y).backward()
        optimizer.step()
    return model


def build_model(arch):
    """The PyTorch module for a PruneBench architecture dict."""
    name, classes = arch["name"], arch["classes"]
    channels, size = arch["inputChannels"], arch["inputSize"]
    if name == "mlp":
        return MLP(channels * size[0] * size[1], arch.get("widths", [300, 100]), classes)
    if name == "lenet5":
        return LeNet5(channels, size, classes, arch.get("widths", [6, 16, 120, 84]))
    if name in ("conv2", "conv4", "conv6"):
        depth = int(name[4:])
        return ConvNet(channels, size, arch.get("widths", [64, 64, 128, 128, 256, 256][:depth]), classes, depth)
    if name == "vgg":
        return VGG(channels, arch.get("stages", [[32, 32], [64, 64], [128, 128]]), classes)
    if name in ("resnet20", "resnet32", "resnet56"):
        return ResNet(channels, int(name[6:]), arch.get("widths", [16, 32, 64]), arch.get("shortcut", "A"),
                      classes, arch.get("blockWidths"))
    if name == "sequential":
        return _sequential(arch)
    raise ValueError(f"unknown model {name}")


if __name__ == "__main__":
    # Prints the parameter count of every zoo model (the figures ModelZooTests expects).
    for size, channels in (([28, 28], 1), ([32, 32], 3)):
        for name in ("mlp", "lenet5", "conv2", "conv4", "conv6", "vgg", "resnet20", "resnet32", "resnet56"):
            arch = {"name": name, "classes": 10, "inputChannels": channels, "inputSize": size}
            model = build_model(arch)
            print(f"{name:9s} {channels}x{size[0]}x{size[1]}: {sum(p.numel() for p in model.parameters()):>9,d}"
                  f"  keys {len(model.state_dict())}")
    arch = {"name": "resnet20", "classes": 10, "inputChannels": 3, "inputSize": [32, 32], "shortcut": "B"}
    print(f"resnet20 B 3x32x32: {sum(p.numel() for p in build_model(arch).parameters()):,d}")
