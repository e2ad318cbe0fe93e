#!/usr/bin/env python3
"""Reference fixtures for physical channel removal (Sources/NN/Surgery, Tests/ModelTests/ChannelSurgeryFixtureTests).

For each case, a PyTorch twin of a zoo model (tools/pytorch_models.py) takes a few SGD steps (so weights and
batch-norm statistics are not at their initial values); then some channels are zeroed the way a structured
pruning mask zeroes them, and PyTorch itself builds the narrower model: this script lists each architecture's
removable channels by hand (the producer, its batch norm, the consumer and the input features each channel
owns), slices the tensors with torch indexing, and loads them into `build_model` of the narrower architecture.

Writes to Tests/ModelTests/Fixtures/:
  surgery-<case>.h5      the zeroed full-size model, as a PruneBench checkpoint (tools/export_pytorch.py)
  surgery-<case>-io.h5   input [N,C,H,W]; logits_masked (the zeroed model, eval mode); logits_narrow (the
                         narrower PyTorch model, eval mode); attribute `narrow_architecture` (its JSON);
                         narrow/<name> = every tensor of the narrower model's state_dict
Zeroing rules per case (a channel is zeroed in one of three ways, as different methods do):
  "producer": the producer's weight row and bias (no batch norm follows);
  "batchnorm": the batch norm's gamma and beta (the conv's row stays: network slimming's mask);
  "consumer": the consumer's input slice (the producer's row stays).
Run from anywhere: python3 tools/surgery_fixtures.py   (needs torch and h5py)
"""
import json
import os
import sys

import h5py
import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from export_pytorch import write_checkpoint  # noqa: E402
from pytorch_models import build_model, trained_a_little  # noqa: E402

OUT = os.path.join(HERE, "..", "Tests", "ModelTests", "Fixtures")
BATCH = 5


def lenet5_groups(arch):
    # (producer, batch norm, consumer, features per channel, architecture key setter)
    return [("conv1", None, "conv2", 1), ("conv2", None, "fc1", 25), ("fc1", None, "fc2", 1),
            ("fc2", None, "fc3", 1)]


def resnet20_groups(arch):
    return [(f"layer{s}.{b}.conv1", f"layer{s}.{b}.bn1", f"layer{s}.{b}.conv2", 1)
            for s in (1, 2, 3) for b in range(3)]


def vgg_groups(arch):
    # features: per width conv, bn, relu (3 entries), then a pool after each stage; classifier after the
    # global average pool.
    convs, index = [], 0
    for stage in arch["stages"]:
        for _ in stage:
            convs.append(index)
            index += 3
        index += 1
    groups = []
    for i, conv in enumerate(convs):
        consumer = f"features.{convs[i + 1]}" if i + 1 < len(convs) else "classifier"
        groups.append((f"features.{conv}", f"features.{conv + 1}", consumer, 1))
    return groups


CASES = {
    "lenet5": ({"name": "lenet5", "classes": 10, "inputChannels": 1, "inputSize": [28, 28]}, lenet5_groups,
               ["producer", "producer", "consumer", "producer"]),
    "resnet20": ({"name": "resnet20", "classes": 6, "inputChannels": 3, "inputSize": [10, 10],
                  "widths": [8, 16, 32]}, resnet20_groups, ["batchnorm"] * 9),
    "vgg": ({"name": "vgg", "classes": 10, "inputChannels": 3, "inputSize": [12, 12], "stages": [[8], [16, 16]]},
            vgg_groups, ["batchnorm", "batchnorm", "consumer"]),
}


def zero_channels(state, group, channels, rule):
    producer, norm, consumer, k = group
    for c in channels:
        if rule == "producer":
            state[f"{producer}.weight"][c] = 0
            if f"{producer}.bias" in state:
                state[f"{producer}.bias"][c] = 0
        elif rule == "batchnorm":
            state[f"{norm}.weight"][c] = 0
            state[f"{norm}.bias"][c] = 0
        else:
            state[f"{consumer}.weight"][:, c * k:(c + 1) * k] = 0


def narrow_architecture(arch, kept):
    narrow = json.loads(json.dumps(arch))
    if arch["name"] == "lenet5":
        narrow["widths"] = [len(kept[name]) for name in ("conv1", "conv2", "fc1", "fc2")]
    elif arch["name"] == "resnet20":
        narrow["blockWidths"] = [[len(kept[f"layer{s}.{b}.conv1"]) for b in range(3)] for s in (1, 2, 3)]
    elif arch["name"] == "vgg":
        widths = [len(kept[g[0]]) for g in vgg_groups(arch)]
        stages = []
        for stage in arch["stages"]:
            stages.append(widths[:len(stage)])
            widths = widths[len(stage):]
        narrow["stages"] = stages
    return narrow


def narrow_state(state, groups, kept):
    rows, columns = {}, {}
    for producer, norm, consumer, k in groups:
        index = torch.tensor(kept[producer])
        rows[producer] = index
        if norm:
            rows[norm] = index
        columns[consumer] = torch.cat([torch.arange(c * k, (c + 1) * k) for c in kept[producer]])
    result = {}
    for name, tensor in state.items():
        module = name.rsplit(".", 1)[0]
        t = tensor
        if module in rows and t.dim() >= 1:
            t = t.index_select(0, rows[module])
        if module in columns and t.dim() >= 2:
            t = t.index_select(1, columns[module])
        result[name] = t.clone()
    return result


def generate(case, arch, groups_of, rules, seed):
    model = trained_a_little(arch, seed, BATCH)
    shape = [BATCH, arch["inputChannels"]] + arch["inputSize"]
    groups = groups_of(arch)
    state = {name: t.detach().clone() for name, t in model.state_dict().items()}
    kept = {}
    generator = torch.Generator().manual_seed(seed + 100)
    for group, rule in zip(groups, rules):
        channels = state[f"{group[0]}.weight"].shape[0]
        removed = sorted(torch.randperm(channels, generator=generator)[:channels // 3].tolist())
        zero_channels(state, group, removed, rule)
        kept[group[0]] = [c for c in range(channels) if c not in removed]
    model.load_state_dict(state)
    model.eval()
    x = torch.randn(shape)
    with torch.no_grad():
        logits_masked = model(x)
    write_checkpoint(os.path.join(OUT, f"surgery-{case}.h5"), model, arch)

    narrow_arch = narrow_architecture(arch, kept)
    narrow = build_model(narrow_arch)
    narrow.load_state_dict(narrow_state(state, groups, kept))
    narrow.eval()
    with torch.no_grad():
        logits_narrow = narrow(x)
    with h5py.File(os.path.join(OUT, f"surgery-{case}-io.h5"), "w") as f:
        f.attrs["narrow_architecture"] = json.dumps(narrow_arch, sort_keys=True)
        f["input"] = x.numpy()
        f["logits_masked"] = logits_masked.numpy()
        f["logits_narrow"] = logits_narrow.numpy()
        for name, t in narrow.state_dict().items():
            f[f"narrow/{name}"] = t.numpy().astype(np.float32)
    full = sum(p.numel() for p in model.parameters())
    small = sum(p.numel() for p in narrow.parameters())
    difference = (logits_masked - logits_narrow).abs().max().item()
    print(f"{case}: {full:,d} -> {small:,d} parameters; max |logits masked - narrow| = {difference:.2e}; "
          f"narrow architecture {json.dumps(narrow_arch, sort_keys=True)}")


if __name__ == "__main__":
    for index, (case, (arch, groups_of, rules)) in enumerate(CASES.items()):
        generate(case, arch, groups_of, rules, seed=index)
