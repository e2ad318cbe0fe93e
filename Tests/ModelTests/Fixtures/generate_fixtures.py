#!/usr/bin/env python3
"""Regenerates the PyTorch-equivalence fixtures used by Tests/ModelTests (needs torch and h5py).

For each case: a PyTorch twin of a zoo model (tools/pytorch_models.py) takes a few SGD steps on random data
(so weights and batch-norm statistics are not at their initial values) and is written with
tools/export_pytorch.py's writer as `<case>.h5` (the PruneBench checkpoint layout). `<case>-io.h5` holds a
random input batch and what PyTorch computes from it (attribute `state_dict_keys`: PyTorch's key order):
  input [N,C,H,W], labels [N] (int64),
  logits_eval    model.eval()(input)
  logits_train   model.train()(input)  (batch statistics)
  loss           cross-entropy of logits_train (mean)
  grad/<name>    d loss / d parameter, for every parameter
  after/<name>   every batch-norm buffer after that training-mode forward (momentum 0.1, unbiased variance)
Run from anywhere: python3 Tests/ModelTests/Fixtures/generate_fixtures.py
"""
import os
import sys

import h5py
import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "tools"))
from export_pytorch import write_checkpoint  # noqa: E402
from pytorch_models import build_model, trained_a_little  # noqa: E402

CASES = {
    "lenet5": {"name": "lenet5", "classes": 10, "inputChannels": 1, "inputSize": [28, 28]},
    "mlp": {"name": "mlp", "classes": 7, "inputChannels": 1, "inputSize": [9, 9], "widths": [32, 16]},
    "resnet20a": {"name": "resnet20", "classes": 10, "inputChannels": 3, "inputSize": [13, 13],
                  "widths": [8, 16, 32]},
    "resnet20b": {"name": "resnet20", "classes": 5, "inputChannels": 1, "inputSize": [10, 10],
                  "widths": [4, 8, 16], "shortcut": "B"},
    "vgg": {"name": "vgg", "classes": 10, "inputChannels": 3, "inputSize": [12, 12], "stages": [[8], [16, 16]]},
    "sequential": {"name": "sequential", "classes": 4, "inputChannels": 2, "inputSize": [11, 11], "layers": [
        {"type": "conv2d", "out": 6, "kernel": 3, "stride": 2, "padding": 1, "groups": 2},
        {"type": "batchnorm"}, {"type": "relu"}, {"type": "maxpool", "kernel": 3, "stride": 2},
        {"type": "conv2d", "name": "conv", "out": 8, "kernel": 1, "bias": False},
        {"type": "avgpool", "kernel": 2, "stride": 1}, {"type": "flatten"},
        {"type": "linear", "out": 12}, {"type": "batchnorm", "name": "bn"}, {"type": "relu"},
        {"type": "linear", "name": "head"}]},
}
BATCH = 6


def generate(case, arch, seed):
    model = trained_a_little(arch, seed, BATCH)
    shape = [BATCH, arch["inputChannels"]] + arch["inputSize"]
    write_checkpoint(os.path.join(HERE, f"{case}.h5"), model, arch)

    x = torch.randn(shape)
    y = torch.randint(0, arch["classes"], (BATCH,))
    model.eval()
    with torch.no_grad():
        logits_eval = model(x)
    model.train()
    optimizer.zero_grad()
    logits_train = model(x)
    loss = F.cross_entropy(logits_train, y)
    loss.backward()
    with h5py.File(os.path.join(HERE, f"{case}-io.h5"), "w") as f:
        f.attrs["state_dict_keys"] = np.array(list(model.state_dict().keys()), dtype=h5py.string_dtype())
        f["input"] = x.numpy()
        f["labels"] = y.numpy().astype(np.int64)
        f["logits_eval"] = logits_eval.numpy()
        f["logits_train"] = logits_train.detach().numpy()
        f["loss"] = np.float32(loss.item())
        for name, p in model.named_parameters():
            f[f"grad/{name}"] = p.grad.numpy()
        for name, b in model.named_buffers():
            f[f"after/{name}"] = b.numpy().astype(np.float32)
    print(f"{case}: {sum(p.numel() for p in model.parameters()):,d} parameters, loss {loss.item():.4f}")


if __name__ == "__main__":
    for index, (case, arch) in enumerate(CASES.items()):
        generate(case, arch, seed=index)
