#!/usr/bin/env python3
"""Exact Hessian–vector products by PyTorch double backward, as fixtures for PruneBench's R-operator.

Writes Tests/ModelTests/Fixtures/hvp-{mlp,lenet5,resnet20,smooth}.h5 (needs torch and h5py). Each model is
the PyTorch twin (tools/pytorch_models.py) of a zoo model at full size for 1x28x28 Fashion-MNIST, 10 classes
(`smooth`: a small `sequential` network without ReLU or max-pool, see SMOOTH);
the batch is 10 training images per class (a seeded permutation of the 60,000, ordered by class then draw,
as PruneBench's class-balanced scoring batch), normalised as PruneBench normalises Fashion-MNIST in float32:
(pixel * (1/255) - 0.2860) / 0.3530. References are computed in float64 from the stored (float32) values.

Layout of each file (attribute `architecture`: PruneBench's canonical JSON):
  state_dict/<key>         the weights and buffers (float32 holding float16 values: every float tensor is
                           rounded to float16 before anything is computed, so they compress to about half)
  batch/images             uint8 [N, 1, 28, 28] raw pixels;  batch/labels  int64 [N]
  random                   int8 ±1, a seeded Rademacher direction v over every parameter, flattened and
                           concatenated in state_dict order
  <mode>/gradient_product/<weight>   H g for v = g = dL/dθ over the conv and linear weights only (GraSP's
                           Hg: θ = those weights, every other parameter fixed); L the mean cross-entropy
  <mode>/random_product/<param>      H v over every parameter for v = `random`, stored for the tensors listed
                           in the group's attribute `stored` (all but the largest weights, to keep files small)
  <mode> is `eval` (PyTorch eval mode, batch norm on running statistics: GraSP's scoring mode) and, for
  resnet20 and smooth, `train` (batch statistics; only random_product).
Batch-norm running statistics are those of two training-mode passes over 256 other training images
(cumulative average) and γ, β are perturbed (γ = 1 + 0.1·N(0,1), β = 0.1·N(0,1)), so neither mode is the
identity.

hvp-lenet5.h5 also holds GraSP's reference (group `grasp`, temperature 200), following the official code
(alecwangcq/GraSP, pruner/GraSP.py) without its Linear re-initialisation: the batch split into two halves,
g = Σ_halves dL_half/dθ (no graph), Hg = Σ_halves d(g·dL_half/dθ)/dθ, S = -θ ⊙ Hg over every conv and linear
weight, divided by |Σ S| + 1e-10 (`grasp/scores/<weight>`); `grasp/kept/<weight>` (uint8) keeps the
`kept` smallest S over the prunable weights (every conv and linear weight but the classifier fc3; ties to
the lower index in state_dict order), kept = round(density · prunable), density 1/8.

Run: python3 tools/hvp_fixtures.py [mlp lenet5 resnet20 smooth] (all by default; resnet20 takes minutes).
"""
import os
import sys

import h5py
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from export_pytorch import FASHION_DIR, architecture_json, read_idx  # noqa: E402
from pytorch_models import build_model  # noqa: E402

OUT = os.path.join(HERE, "..", "Tests", "ModelTests", "Fixtures")
PER_CLASS = 10
SEED = 12
GRASP_TEMPERATURE = 200.0
GRASP_DENSITY = 0.125
# A network without kinks (no ReLU, no max-pool) with the other layer families of the zoo but dropout
# (whose mask PyTorch would draw differently): strided padded conv, grouped conv, batch norm 2-D and 1-D,
# average pool, flatten, linear. Float32 rounding cannot flip an activation pattern here, so its products
# show the R-operator's own accuracy, in both batch-norm modes.
SMOOTH = [
    {"type": "conv2d", "out": 4, "kernel": 3, "stride": 2, "padding": 1}, {"type": "batchnorm"},
    {"type": "conv2d", "out": 6, "kernel": 3, "padding": 1, "groups": 2}, {"type": "batchnorm"},
    {"type": "avgpool", "kernel": 2}, {"type": "flatten"}, {"type": "linear", "out": 32}, {"type": "batchnorm"},
    {"type": "linear"},
]
# name: (architecture fields, seed, modes, which weights' random-direction products are left out of the
# file to keep it small; the g case covers those entries)
MODELS = {
    "mlp": ({"name": "mlp"}, 1, ["eval"], lambda name: name == "fc1.weight"),
    "lenet5": ({"name": "lenet5"}, 2, ["eval"], lambda name: False),
    "resnet20": ({"name": "resnet20"}, 3, ["eval", "train"],
                 lambda name: name.startswith(("layer2.", "layer3.")) and ".conv" in name),
    "smooth": ({"name": "sequential", "layers": SMOOTH}, 4, ["eval", "train"], lambda name: False),
}


def write(f, path, array):
    """A dataset, gzip-compressed (with byte shuffling) when large enough for that to pay off."""
    options = {"compression": "gzip", "compression_opts": 9, "shuffle": True} if array.size >= 4096 else {}
    f.create_dataset(path, data=array, **options)


def fashion_batch():
    """Raw pixels and labels of PER_CLASS training images per class, and other images for BN statistics."""
    images = read_idx(os.path.join(FASHION_DIR, "train-images-idx3-ubyte.gz"))
    labels = read_idx(os.path.join(FASHION_DIR, "train-labels-idx1-ubyte.gz"))
    order = np.random.RandomState(SEED).permutation(len(labels))
    chosen = [[] for _ in range(10)]
    for index in order:
        if len(chosen[labels[index]]) < PER_CLASS:
            chosen[labels[index]].append(index)
    picked = [i for per_class in chosen for i in per_class]
    taken = set(picked)
    others = [i for i in order if i not in taken][:512]
    return images[picked][:, None], labels[picked].astype(np.int64), images[others][:, None]


def normalise(pixels):
    """PruneBench's float32 normalisation of Fashion-MNIST pixels (Sources/Data/BatchLoader+Assembly.swift)."""
    scale, mean, std = np.float32(1) / np.float32(255), np.float32(0.2860), np.float32(0.3530)
    return torch.from_numpy((pixels.astype(np.float32) * scale - mean) / std)


def make_model(name, other_pixels):
    fields, seed, _, _ = MODELS[name]
    arch = {**fields, "classes": 10, "inputChannels": 1, "inputSize": [28, 28]}
    torch.manual_seed(seed)
    model = build_model(arch)
    norms = [m for m in model.modules() if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d))]
    if norms:
        for m in norms:
            m.momentum = None
        model.train()
        with torch.no_grad():
            for part in np.split(other_pixels, 2):
                model(normalise(part))
            for m in norms:
                m.momentum = 0.1
                m.weight.copy_(1 + 0.1 * torch.randn_like(m.weight))
                m.bias.copy_(0.1 * torch.randn_like(m.bias))
    with torch.no_grad():
        for value in model.state_dict().values():
            if value.is_floating_point():
                value.copy_(value.half().float())
    return arch, model


def products(model, x, y, mode, directions, weights_only):
    """(g over the conv/linear weights, H g over them, H v over every parameter) in float64."""
    model = model.double()
    model.train(mode == "train")
    named = list(model.named_parameters())
    weights = [(n, p) for n, p in named if n.endswith("weight") and p.dim() > 1]
    loss = F.cross_entropy(model(x), y)
    grads = torch.autograd.grad(loss, [p for _, p in named], create_graph=True)
    by_name = dict(zip([n for n, _ in named], grads))
    g = [by_name[n] for n, _ in weights]
    hg = None
    if weights_only:
        z = sum((gi * gi.detach()).sum() for gi in g)
        hg = torch.autograd.grad(z, [p for _, p in weights], retain_graph=True)
        hg = {n: h.float().numpy() for (n, _), h in zip(weights, hg)}
    z = sum((gi * torch.from_numpy(directions[n]).double()).sum() for (n, _), gi in zip(named, grads))
    hv = torch.autograd.grad(z, [p for _, p in named])
    model.float()
    return hg, {n: h.float().numpy() for (n, _), h in zip(named, hv)}


def grasp_reference(model, x, y, group):
    """GraSP's scores and kept set following the official code (see the module docstring), float64."""
    model = model.double()
    named = [(n, p) for n, p in model.named_parameters() if n.endswith("weight") and p.dim() > 1]
    weights = [p for _, p in named]
    half = len(y) // 2
    halves = [(x[:half], y[:half]), (x[half:], y[half:])]
    g = [torch.zeros_like(w) for w in weights]
    for xs, ys in halves:
        for total, part in zip(g, torch.autograd.grad(F.cross_entropy(model(xs) / GRASP_TEMPERATURE, ys), weights)):
            total += part
    hg = [torch.zeros_like(w) for w in weights]
    for xs, ys in halves:
        grad_f = torch.autograd.grad(F.cross_entropy(model(xs) / GRASP_TEMPERATURE, ys), weights, create_graph=True)
        z = sum((gf * gs).sum() for gf, gs in zip(grad_f, g))
        for total, part in zip(hg, torch.autograd.grad(z, weights)):
            total += part
    scores = [-(w * h).detach() for w, h in zip(weights, hg)]
    norm = torch.abs(torch.cat([s.flatten() for s in scores]).sum()) + 1e-10
    scores = [s / norm for s in scores]
    prunable = [(n, s) for (n, _), s in zip(named, scores) if not n.startswith("fc3.")]
    flat = torch.cat([s.flatten() for _, s in prunable]).numpy()
    kept = int(round(GRASP_DENSITY * flat.size))
    keep = np.zeros(flat.size, dtype=np.uint8)
    keep[np.argsort(flat, kind="stable")[:kept]] = 1
    group.attrs["temperature"] = GRASP_TEMPERATURE
    group.attrs["density"] = GRASP_DENSITY
    group.attrs["kept"] = np.int64(kept)
    for (n, _), s in zip(named, scores):
        write(group, f"scores/{n}", s.float().numpy())
    offset = 0
    for n, s in prunable:
        write(group, f"kept/{n}", keep[offset:offset + s.numel()].reshape(s.shape))
        offset += s.numel()
    model.float()
    print(f"  grasp: kept {kept} of {flat.size}")


def generate(name, pixels, labels, other_pixels):
    arch, model = make_model(name, other_pixels)
    _, seed, modes, unstored = MODELS[name]
    x, y = normalise(pixels).double(), torch.from_numpy(labels)
    rng = np.random.RandomState(seed + 100)
    directions = {n: rng.choice(np.array([-1, 1], dtype=np.int8), size=tuple(p.shape))
                  for n, p in model.named_parameters()}
    path = os.path.normpath(os.path.join(OUT, f"hvp-{name}.h5"))
    with h5py.File(path, "w") as f:
        f.attrs["architecture"] = architecture_json(arch)
        for key, value in model.state_dict().items():
            array = value.numpy()
            array = array.astype(np.int64) if key.endswith("num_batches_tracked") else array.astype(np.float32)
            write(f, f"state_dict/{key}", array)
        write(f, "batch/images", pixels)
        write(f, "batch/labels", labels)
        write(f, "random", np.concatenate([v.ravel() for v in directions.values()]))
        for mode in modes:
            hg, hv = products(model, x, y, mode, directions, weights_only=mode == "eval")
            if hg is not None:
                for n, h in hg.items():
                    write(f, f"{mode}/gradient_product/{n}", h)
            stored = [n for n in hv if not unstored(n)]
            group = f.create_group(f"{mode}/random_product")
            group.attrs["stored"] = np.array(stored, dtype=h5py.string_dtype())
            for n in stored:
                write(group, n, hv[n])
            norm = lambda d: float(np.sqrt(sum(float((a.astype(np.float64) ** 2).sum()) for a in d.values())))
            print(f"{name} {mode}: |Hg| {norm(hg) if hg else float('nan'):.6g}  |Hv| {norm(hv):.6g}")
        if name == "lenet5":
            grasp_reference(model, x, y, f.create_group("grasp"))
    print(f"  {path}: {os.path.getsize(path) / 1e6:.2f} MB")


if __name__ == "__main__":
    pixels, labels, other_pixels = fashion_batch()
    for name in sys.argv[1:] or list(MODELS):
        generate(name, pixels, labels, other_pixels)
