#!/usr/bin/env python3
"""Write a PyTorch model of a PruneBench zoo architecture as a PruneBench checkpoint (HDF5, h5py).

Layout (docs/formats.md, Sources/Data/Checkpoint.swift): one dataset per state_dict key at the file's root
(float32; `*.num_batches_tracked` int64), attributes `format` = "prunebench-checkpoint", `format_version` = 1,
`architecture` (JSON, as PruneBench's `Architecture`), optional `dataset` and `training` (JSON).

Examples:
  # take weights saved with torch.save(model.state_dict(), "lenet5.pt")
  tools/export_pytorch.py --model lenet5 --weights lenet5.pt -o lenet5.h5
  # train on Fashion-MNIST (IDX files) first, then export
  tools/export_pytorch.py --model lenet5 --epochs 2 -o lenet5.h5
  # any architecture as JSON
  tools/export_pytorch.py --architecture '{"name":"resnet20","classes":10,"inputChannels":3,"inputSize":[32,32]}' -o r.h5
"""
import argparse
import gzip
import json
import os
import sys
import tempfile

import h5py
import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_models import build_model  # noqa: E402

FASHION_DIR = "/usr/share/datasets/fashion-mnist"
# Fashion-MNIST training-set pixel mean and std on the 0..1 scale.
FASHION_MEAN, FASHION_STD = 0.2860, 0.3530


def architecture_json(arch):
    """PruneBench's canonical architecture JSON: sorted keys, no spaces."""
    return json.dumps(arch, sort_keys=True, separators=(",", ":"))


def write_checkpoint(path, model, arch, dataset=None, training=None):
    """Writes `model.state_dict()` in the PruneBench checkpoint layout, atomically (temp file + rename)."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, temp = tempfile.mkstemp(prefix=".export-", suffix=".h5", dir=directory)
    os.close(fd)
    try:
        with h5py.File(temp, "w") as f:
            for key, value in model.state_dict().items():
                array = value.detach().cpu().numpy()
                f.create_dataset(key, data=array.astype(np.int64 if key.endswith("num_batches_tracked")
                                                        else np.float32))
            f.attrs["format"] = "prunebench-checkpoint"
            f.attrs["format_version"] = np.int64(1)
            f.attrs["architecture"] = architecture_json(arch)
            if dataset is not None:
                f.attrs["dataset"] = dataset
            if training is not None:
                f.attrs["training"] = json.dumps(training, sort_keys=True, separators=(",", ":"))
        os.chmod(temp, 0o644)
        os.replace(temp, path)
    except BaseException:
        os.unlink(temp)
        raise


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def fashion_mnist(split):
    images = read_idx(os.path.join(FASHION_DIR, f"{split}-images-idx3-ubyte.gz")).astype(np.float32)
    labels = read_idx(os.path.join(FASHION_DIR, f"{split}-labels-idx1-ubyte.gz")).astype(np.int64)
    x = (images[:, None] / 255.0 - FASHION_MEAN) / FASHION_STD
    return torch.from_numpy(x), torch.from_numpy(labels)


def train(model, epochs, seed, batch_size=128, lr=0.1):
    """SGD momentum 0.9 with per-step cosine decay to 0 on Fashion-MNIST; returns test top-1."""
    x, y = fashion_mnist("train")
    generator = torch.Generator().manual_seed(seed)
    steps = epochs * ((len(x) + batch_size - 1) // batch_size)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, steps)
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(x), generator=generator)
        for start in range(0, len(x), batch_size):
            index = order[start:start + batch_size]
            loss = F.cross_entropy(model(x[index]), y[index])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
        print(f"epoch {epoch + 1}: last loss {loss.item():.4f}", file=sys.stderr)
    return evaluate(model)


def evaluate(model):
    x, y = fashion_mnist("t10k")
    model.eval()
    with torch.no_grad():
        correct = sum((model(x[i:i + 1000]).argmax(1) == y[i:i + 1000]).sum().item() for i in range(0, len(x), 1000))
    return correct / len(x)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", help="zoo name (uses --classes/--input-channels/--input-size)")
    parser.add_argument("--architecture", help="architecture JSON (overrides --model)")
    parser.add_argument("--classes", type=int, default=10)
    parser.add_argument("--input-channels", type=int, default=1)
    parser.add_argument("--input-size", type=int, nargs=2, default=[28, 28])
    parser.add_argument("--weights", help="a torch.save'd state_dict to export")
    parser.add_argument("--epochs", type=int, default=0, help="train on Fashion-MNIST for this many epochs first")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args()
    if args.architecture:
        arch = json.loads(args.architecture)
    elif args.model:
        arch = {"name": args.model, "classes": args.classes, "inputChannels": args.input_channels,
                "inputSize": list(args.input_size)}
    else:
        parser.error("give --model or --architecture")
    torch.manual_seed(args.seed)
    model = build_model(arch)
    dataset, training = None, None
    if args.weights:
        model.load_state_dict(torch.load(args.weights, map_location="cpu"))
    if args.epochs > 0:
        top1 = train(model, args.epochs, args.seed)
        dataset = "fashion-mnist"
        training = {"source": "pytorch " + torch.__version__, "seed": args.seed, "epochs": args.epochs,
                    "batchSize": 128, "optimizer": "sgd(lr 0.1, momentum 0.9)", "schedule": "cosine per step",
                    "top1": top1}
        print(f"test top-1 {top1:.4f}", file=sys.stderr)
    write_checkpoint(args.output, model, arch, dataset, training)
    print(f"wrote {args.output}: {len(model.state_dict())} tensors, "
          f"{sum(p.numel() for p in model.parameters()):,d} parameters")


if __name__ == "__main__":
    main()
