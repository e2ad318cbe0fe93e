#!/usr/bin/env python3
"""PyTorch reference scores and masks for `prunebench scores` (writes Tests/ScoreTests/Fixtures/).

Each scoring method is computed here from its card (../shared/methods/shrinkbench-baselines.md, snip.md,
synflow.md) and the official code's conventions, written independently of the Swift code, in float64 on
the float32 weights of a checkpoint. docs/scores.md states every convention; in short:

  batch.h5          a PruneBench dataset file: the scoring batch is its training split (4 Fashion-MNIST
                    training images per class, class by class, in file order); its test split is 10
                    other images. Normalisation (pixel/255 - 0.2860) / 0.3530, as the file's attributes say.
  <model>.h5        the checkpoint: PyTorch's default initialisation (seeded), then 30 SGD steps on other
                    Fashion-MNIST training images, so weights and batch-norm statistics are not at init.
                    lenet5.h5 is a plain state_dict (no attributes: the command needs --model lenet5);
                    resnet20.h5 and mlp.h5 carry their architecture (ResNet-20 at widths 4, 8, 16 with
                    shortcut B; LeNet-300-100's layout at widths 32, 16, whose first layer sees the signed
                    normalised image).
  <model>-scores.h5 per method a group `<method>/` with `scores/<name>` (float32) and `masks/<name>`
                    (uint8) at compression 8, attributes `configuration` (the method's JSON), `compression`
                    and `keep_fraction`; `grasp-*` groups are GraSP under other configurations. The layer-*
                    methods' scores are hard links to their global-* twins' (same scores, other masks),
                    magnitude-init's to global-magnitude's weights (both |theta|).

Methods (prunable = conv/linear weight and bias but the classifier for ShrinkBench; weights only,
classifier excluded, for the at-init methods; f = (total/c - nonprunable)/prunable):
  global-/layer-magnitude    |theta|; mask: keep score >= np.quantile(scores, 1 - f) over all / per tensor
  global-/layer-gradient     |theta * dL/dtheta|, train mode, mean cross-entropy over the whole batch
  global-/layer-activation   ShrinkBench's |W * n(input)| and |b * mean(n)|, train-mode forward
  snip                       |theta * dL/dtheta|, eval mode, mean cross-entropy; keep round(f N) largest
  magnitude-init             |theta|; keep round(f N) largest
  grasp, grasp-*             S = -theta * Hg (exact double backward), see grasp() and GRASP_CASES; keep the
                             round(f N) smallest S (largest -S first, ties to the lower index)
  synflow                    round 1: |theta * dR/dtheta| of the |state| network on one all-ones input in
                             eval mode (data-free); mask after 100 rounds of the exponential schedule
                             d_k = f^(k/100), keeping round(d_k N) each round, pruned entries ranked last
Ties in the top-k rules go to the lower index (state-dict order, then row-major).

Run from anywhere: python3 tools/score_fixtures.py   (needs torch, h5py, numpy and the Debian
dataset-fashion-mnist files)
"""
import copy
import json
import math
import os
import sys

import h5py
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from export_pytorch import read_idx, write_checkpoint, FASHION_DIR  # noqa: E402
from pytorch_models import build_model  # noqa: E402

OUT = os.path.join(HERE, "..", "Tests", "ScoreTests", "Fixtures")
MEAN, STD = 0.2860, 0.3530
CLASS_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
               "Ankle boot"]
PER_CLASS = 4
COMPRESSION = 8.0
SYNFLOW_ROUNDS = 100
MODELS = {
    "lenet5": ({"name": "lenet5", "classes": 10, "inputChannels": 1, "inputSize": [28, 28]}, True),
    "resnet20": ({"name": "resnet20", "classes": 10, "inputChannels": 1, "inputSize": [28, 28],
                  "widths": [4, 8, 16], "shortcut": "B"}, False),
    "mlp": ({"name": "mlp", "classes": 10, "inputChannels": 1, "inputSize": [28, 28], "widths": [32, 16]}, False),
}


# ----- data -----------------------------------------------------------------------------------------

def fashion_train():
    images = read_idx(os.path.join(FASHION_DIR, "train-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(FASHION_DIR, "train-labels-idx1-ubyte.gz")).astype(np.int64)
    return images, labels


def normalise(images):
    """PruneBench's input transform in float32: (pixel * (1/255) - mean) / std."""
    x = images.astype(np.float32)[:, None] * np.float32(1 / 255)
    return torch.from_numpy((x - np.float32(MEAN)) / np.float32(STD))


def batch_indices(labels):
    """The first PER_CLASS training images of each class, class by class (GraSP's fetch order)."""
    return [i for c in range(10) for i in np.flatnonzero(labels == c)[:PER_CLASS]]


def write_batch(path, images, labels, chosen, test):
    with h5py.File(path, "w") as f:
        f.attrs["format"] = "prunebench-dataset"
        f.attrs["format_version"] = np.int64(1)
        f.attrs["name"] = "fashion-mnist-scoring-batch"
        f.attrs["class_names"] = CLASS_NAMES
        f.attrs["mean"] = np.array([MEAN], dtype=np.float32)
        f.attrs["std"] = np.array([STD], dtype=np.float32)
        f.attrs["source"] = "tools/score_fixtures.py: Fashion-MNIST training images " + ",".join(map(str, chosen))
        for split, index in (("train", chosen), ("test", test)):
            f.create_dataset(f"{split}/images", data=images[index][:, None], compression="gzip")
            f.create_dataset(f"{split}/labels", data=labels[index])


# ----- checkpoints ----------------------------------------------------------------------------------

def checkpoint_model(arch, seed, images, labels, exclude):
    """Default initialisation from `seed`, then 30 SGD steps (lr 0.05, momentum 0.9, batch 64)."""
    torch.manual_seed(seed)
    model = build_model(arch)
    pool = np.setdiff1d(np.arange(10000, 30000), exclude)
    order = torch.randperm(len(pool), generator=torch.Generator().manual_seed(seed))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    model.train()
    for step in range(30):
        index = pool[order[step * 64:(step + 1) * 64].numpy()]
        loss = F.cross_entropy(model(normalise(images[index])), torch.from_numpy(labels[index]))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return model


def write_state_dict(path, model):
    """A plain PyTorch state_dict saved with h5py: keys at the root, no attributes."""
    with h5py.File(path, "w") as f:
        for key, value in model.state_dict().items():
            array = value.detach().numpy()
            f.create_dataset(key, data=array.astype(np.int64 if key.endswith("num_batches_tracked") else np.float32))


# ----- prunable sets and masks ----------------------------------------------------------------------

def layers(model):
    """(path, module) of every Conv2d and Linear but the classifier (the last Linear)."""
    found = [(p, m) for p, m in model.named_modules() if isinstance(m, (nn.Conv2d, nn.Linear))]
    classifier = [p for p, m in found if isinstance(m, nn.Linear)][-1]
    return [(p, m) for p, m in found if p != classifier]


def shrinkbench_parameters(model):
    """ShrinkBench's prunable set: weight and bias of every prunable layer."""
    result = []
    for path, module in layers(model):
        result.append((f"{path}.weight", module.weight))
        if module.bias is not None:
            result.append((f"{path}.bias", module.bias))
    return result


def weight_parameters(model):
    """The at-init methods' prunable set: the weights of every prunable layer."""
    return [(f"{path}.weight", module.weight) for path, module in layers(model)]


def keep_fraction(model, prunable):
    total = sum(p.numel() for p in model.parameters())
    count = sum(p.numel() for _, p in prunable)
    return (total / COMPRESSION - (total - count)) / count


def quantile_masks(scores, f, layerwise):
    """ShrinkBench: threshold = np.quantile(scores, 1 - f) over the scope; keep score >= threshold."""
    groups = [[name] for name in scores] if layerwise else [list(scores)]
    masks = {}
    for group in groups:
        flat = np.concatenate([scores[name].ravel() for name in group])
        threshold = np.quantile(flat, 1 - f)
        kept = int((flat >= threshold).sum())
        assert kept <= round_half_up(f * flat.size) + 1, "ties at the threshold: PruneBench would thin them at random"
        for name in group:
            masks[name] = (scores[name] >= threshold).astype(np.uint8)
    return masks


def round_half_up(x):
    return int(math.floor(x + 0.5))


def top_masks(scores, count):
    """Keep exactly `count` entries over all tensors: the largest scores, ties to the lower index."""
    flat = np.concatenate([s.ravel() for s in scores.values()])
    order = np.lexsort((np.arange(flat.size), -flat))
    keep = np.zeros(flat.size, dtype=np.uint8)
    keep[order[:count]] = 1
    masks, offset = {}, 0
    for name, s in scores.items():
        masks[name] = keep[offset:offset + s.size].reshape(s.shape)
        offset += s.size
    return masks


# ----- scores ---------------------------------------------------------------------------------------

# Every scoring function works on its own copy of the model, so a train-mode forward cannot change the
# batch-norm statistics another method sees (PruneBench's probes restore them likewise).

def magnitude(model, parameters):
    return {name: p.detach().abs().numpy() for name, p in parameters(model)}


def gradient_times_weight(model, parameters, x, y, train):
    """|theta * dL/dtheta| for the mean cross-entropy over the whole batch."""
    model = copy.deepcopy(model)
    prunable = parameters(model)
    model.train(train)
    model.zero_grad()
    F.cross_entropy(model(x), y).backward()
    scores = {name: (p.grad * p).detach().abs().numpy() for name, p in prunable}
    model.zero_grad()
    return scores


def activation(model, x):
    """ShrinkBench's GlobalMagAct scores: train-mode forward, batch-mean input, per-unit norms."""
    model = copy.deepcopy(model)
    inputs = {}
    hooks = [m.register_forward_hook(lambda m, i, o, p=p: inputs.__setitem__(p, i[0].detach()))
             for p, m in layers(model)]
    model.train()
    with torch.no_grad():
        model(x)
    for hook in hooks:
        hook.remove()
    scores = {}
    for path, module in layers(model):
        mean = inputs[path].mean(0)
        if isinstance(module, nn.Conv2d):
            norms = mean.abs().sum((1, 2)) / (mean.shape[1] * mean.shape[2])
            scores[f"{path}.weight"] = (module.weight * norms[None, :, None, None]).abs().detach().numpy()
        else:
            norms = mean.abs()
            scores[f"{path}.weight"] = (module.weight * norms[None, :]).abs().detach().numpy()
        if module.bias is not None:
            scores[f"{path}.bias"] = (module.bias * norms.mean()).abs().detach().numpy()
    return scores


def synflow_round(model, prunable, shape):
    """|theta * dR/dtheta|, R = sum of the outputs of the |state| network on ones [1, C, H, W], eval mode;
    the state is restored afterwards."""
    model.eval()
    state = model.state_dict()
    saved = {k: v.clone() for k, v in state.items()}
    with torch.no_grad():
        for v in state.values():
            v.abs_()
    model.zero_grad()
    model(torch.ones([1] + shape, dtype=torch.float64)).sum().backward()
    scores = {name: (p.grad * p).detach().abs().numpy() for name, p in prunable}
    with torch.no_grad():
        for k, v in state.items():
            v.copy_(saved[k])
    model.zero_grad()
    return scores


def synflow_masks(model, parameters, shape, f):
    """100 rounds: re-score the masked network, keep round(f^(k/100) N) (pruned entries ranked last)."""
    model = copy.deepcopy(model)
    prunable = parameters(model)
    masks = {name: np.ones(p.shape, dtype=np.uint8) for name, p in prunable}
    total = sum(p.numel() for _, p in prunable)
    for k in range(1, SYNFLOW_ROUNDS + 1):
        scores = synflow_round(model, prunable, shape)
        for name in scores:
            scores[name][masks[name] == 0] = -1
        masks = top_masks(scores, round_half_up(f ** (k / SYNFLOW_ROUNDS) * total))
        with torch.no_grad():
            for name, p in prunable:
                p.mul_(torch.from_numpy(masks[name].astype(np.float64)))
    return masks


def all_layer_weights(model):
    """(name, weight) of every Conv2d and Linear, the classifier included: GraSP's g and Hg span these."""
    return [(f"{p}.weight", m.weight) for p, m in model.named_modules() if isinstance(m, (nn.Conv2d, nn.Linear))]


def grasp(model, x, y, halves, train, temperature, normalise):
    """GraSP's S = -theta * Hg (pruner/GraSP.py, re-initialisation off): g summed over the parts (the two
    halves, first N//2 examples then the rest, or the whole batch), Hg summed over the parts' exact
    double-backward products H_part g, each part's loss the mean cross-entropy of logits / T; scores
    divided by |sum S| + 1e-10 over every layer when normalising. Returns S of the prunable weights."""
    model = copy.deepcopy(model)
    model.train(train)
    named = all_layer_weights(model)
    weights = [w for _, w in named]
    n = x.shape[0]
    parts = [(x[:n // 2], y[:n // 2]), (x[n // 2:], y[n // 2:])] if halves else [(x, y)]
    g = [torch.zeros_like(w) for w in weights]
    for xs, ys in parts:
        for total, part in zip(g, torch.autograd.grad(F.cross_entropy(model(xs) / temperature, ys), weights)):
            total += part
    hg = [torch.zeros_like(w) for w in weights]
    for xs, ys in parts:
        grads = torch.autograd.grad(F.cross_entropy(model(xs) / temperature, ys), weights, create_graph=True)
        z = sum((stop * grad).sum() for stop, grad in zip(g, grads))
        for total, part in zip(hg, torch.autograd.grad(z, weights)):
            total += part
    scores = {name: (-w * h).detach() for (name, w), h in zip(named, hg)}
    if normalise:
        norm = torch.cat([s.flatten() for s in scores.values()]).sum().abs() + 1e-10
        scores = {name: s / norm for name, s in scores.items()}
    return {name: scores[name].numpy() for name, _ in weight_parameters(model)}


# GraSP configurations with fixtures: re-initialisation off (PruneBench's Xavier draws are its own; a Swift
# test shows that re-initialising equals scoring the re-drawn weights), (model, name, switches).
GRASP_CASES = [
    ("grasp", {"reinitialiseLinear": False}, dict(halves=True, train=False, temperature=200, normalise=True)),
    ("grasp-training-mode", {"reinitialiseLinear": False, "trainingMode": True},
     dict(halves=True, train=True, temperature=200, normalise=True)),
    ("grasp-one-pass", {"reinitialiseLinear": False, "halves": False, "normalise": False, "temperature": 1},
     dict(halves=False, train=False, temperature=1, normalise=False)),
]


# ----- writing --------------------------------------------------------------------------------------

def compact(size, shuffle=False):
    """gzip for large tensors only: a chunked dataset costs kilobytes of index, more than a small tensor."""
    return {"compression": "gzip", "shuffle": shuffle} if size >= 8192 else {}


def write_method(f, method, scores, masks, f_keep, link=None, configuration=None):
    group = f.create_group(method)
    group.attrs["configuration"] = json.dumps(configuration or {}, sort_keys=True)
    group.attrs["compression"] = COMPRESSION
    group.attrs["keep_fraction"] = f_keep
    for name, s in scores.items():
        if link is not None:
            assert np.array_equal(f[f"{link}/scores/{name}"][()], s.astype(np.float32))
            group[f"scores/{name}"] = f[f"{link}/scores/{name}"]
        else:
            group.create_dataset(f"scores/{name}", data=s.astype(np.float32), **compact(s.size, shuffle=True))
        group.create_dataset(f"masks/{name}", data=masks[name], **compact(s.size))


def generate(case, arch, plain, seed, images, labels, chosen):
    model = checkpoint_model(arch, seed, images, labels, chosen)
    path = os.path.join(OUT, f"{case}.h5")
    if plain:
        write_state_dict(path, model)
    else:
        write_checkpoint(path, model, arch, dataset="fashion-mnist")
    model = model.double()
    x = normalise(images[chosen]).double()
    y = torch.from_numpy(labels[chosen])
    shape = [arch["inputChannels"]] + arch["inputSize"]
    shrink, weights = shrinkbench_parameters, weight_parameters
    f_shrink, f_init = keep_fraction(model, shrink(model)), keep_fraction(model, weights(model))
    count_init = round_half_up(f_init * sum(p.numel() for _, p in weights(model)))
    with h5py.File(os.path.join(OUT, f"{case}-scores.h5"), "w") as f:
        f.attrs["batch"] = "batch.h5"
        f.attrs["checkpoint"] = f"{case}.h5"
        f.attrs["architecture"] = json.dumps(arch, sort_keys=True, separators=(",", ":"))
        for kind, scores in (("magnitude", magnitude(model, shrink)),
                             ("gradient", gradient_times_weight(model, shrink, x, y, train=True)),
                             ("activation", activation(model, x))):
            write_method(f, f"global-{kind}", scores, quantile_masks(scores, f_shrink, False), f_shrink)
            write_method(f, f"layer-{kind}", scores, quantile_masks(scores, f_shrink, True), f_shrink,
                         link=f"global-{kind}")
        snip = gradient_times_weight(model, weights, x, y, train=False)
        write_method(f, "snip", snip, top_masks(snip, count_init), f_init)
        init = magnitude(model, weights)
        write_method(f, "magnitude-init", init, top_masks(init, count_init), f_init, link="global-magnitude")
        flow = synflow_round(model, weights(model), shape)
        write_method(f, "synflow", flow, synflow_masks(model, weights, shape, f_init), f_init)
        has_batch_norm = any(isinstance(m, nn.BatchNorm2d) for m in model.modules())
        for name, configuration, switches in GRASP_CASES:
            if switches["train"] and not has_batch_norm:
                continue  # the same as inference mode without batch norm (no dropout in these models)
            removal = grasp(model, x, y, **switches)
            keep = top_masks({k: -v for k, v in removal.items()}, count_init)
            write_method(f, name, removal, keep, f_init, configuration=configuration)
    print(f"{case}: {sum(p.numel() for p in model.parameters()):,d} parameters; keep fractions "
          f"{f_shrink:.6f} (ShrinkBench), {f_init:.6f} (at init); "
          f"{os.path.getsize(path):,d} + {os.path.getsize(os.path.join(OUT, f'{case}-scores.h5')):,d} bytes")


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(1)
    images, labels = fashion_train()
    chosen = batch_indices(labels)
    test = list(range(59990, 60000))
    write_batch(os.path.join(OUT, "batch.h5"), images, labels, chosen, test)
    for seed, (case, (arch, plain)) in enumerate(MODELS.items()):
        generate(case, arch, plain, seed, images, labels, chosen)


if __name__ == "__main__":
    main()
