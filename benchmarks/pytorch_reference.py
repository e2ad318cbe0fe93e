#!/usr/bin/env python3
"""PyTorch's speed on the same work as `prunebench bench engine`, for ratios measured in the same sitting.

Training step = forward (train mode) + cross-entropy + zero_grad + backward + SGD(momentum 0.9) step;
inference = forward in eval mode under torch.no_grad(). Random N(0,1) inputs [batch, C, H, W].
GEMM: torch.mm at 2048^2 and at each model layer's forward shape (linear [batch,in]x[in,out]; conv as one
im2col product [out/g, in/g*k*k] x [in/g*k*k, batch*oh*ow]), 2*m*n*k flops per call.
Writes the JSON `prunebench bench engine --reference` reads.

  python3 benchmarks/pytorch_reference.py --json /tmp/pytorch.json
"""
import argparse
import json
import os
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
from pytorch_models import build_model  # noqa: E402


def rate(seconds, body):
    """Runs body once to warm up, then for at least `seconds` (and 3 runs); returns runs per second."""
    body()
    start = time.perf_counter()
    runs = 0
    while True:
        body()
        runs += 1
        elapsed = time.perf_counter() - start
        if elapsed >= seconds and runs >= 3:
            return runs / elapsed


def measure_model(arch, batch, threads, seconds):
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = build_model(arch)
    x = torch.randn([batch, arch["inputChannels"]] + arch["inputSize"])
    y = torch.randint(0, arch["classes"], (batch,))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9)

    def train_step():
        model.train()
        loss = F.cross_entropy(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    def infer_step():
        model.eval()
        with torch.no_grad():
            model(x)

    train = rate(seconds, train_step) * batch
    infer = rate(seconds, infer_step) * batch
    return {"model": arch["name"], "threads": threads, "batch": batch, "train": train, "infer": infer}


def layer_shapes(arch, batch):
    model = build_model(arch).eval()
    shapes, seen = [], set()

    def hook(name):
        def record(module, inputs, output):
            if isinstance(module, nn.Linear):
                shape = (batch, module.out_features, module.in_features)
            else:
                g = module.groups
                shape = (module.out_channels // g, batch * output.shape[2] * output.shape[3],
                         module.in_channels // g * module.kernel_size[0] * module.kernel_size[1])
            if shape not in seen:
                seen.add(shape)
                shapes.append((f"{arch['name']} {name}",) + shape)
        return record

    for name, module in model.named_modules():
        if isinstance(module, (nn.Linear, nn.Conv2d)):
            module.register_forward_hook(hook(name))
    with torch.no_grad():
        model(torch.zeros([1, arch["inputChannels"]] + arch["inputSize"]))
    return shapes


def measure_gemm(label, m, n, k, threads, seconds):
    torch.set_num_threads(threads)
    a, b = torch.rand(m, k) * 2 - 1, torch.rand(k, n) * 2 - 1
    c = torch.empty(m, n)
    calls = rate(seconds, lambda: torch.mm(a, b, out=c))
    return {"label": label, "m": m, "n": n, "k": k, "threads": threads, "gflops": calls * 2 * m * n * k / 1e9}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models", default="mlp,lenet5,resnet20")
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--channels", type=int, default=1)
    parser.add_argument("--size", type=int, default=28)
    parser.add_argument("--seconds", type=float, default=2.0)
    parser.add_argument("--skip-gemm", action="store_true")
    parser.add_argument("--skip-models", action="store_true")
    parser.add_argument("--json", help="write the report here")
    args = parser.parse_args()
    threads = [int(t) for t in args.threads.split(",")]
    archs = [{"name": name, "classes": 10, "inputChannels": args.channels, "inputSize": [args.size, args.size]}
             for name in args.models.split(",")]
    blas = "MKL" if torch.backends.mkl.is_available() else "unknown"
    report = {"engine": f"pytorch {torch.__version__}", "blas": f"{blas}, {torch.backends.cpu.get_cpu_capability()}",
              "models": [], "gemm": []}
    print(f"{report['engine']}  BLAS {report['blas']}")
    if not args.skip_models:
        print(f"\n{'model':10s}{'threads':>8s}{'train img/s':>13s}{'infer img/s':>13s}")
        for arch in archs:
            for t in threads:
                r = measure_model(arch, args.batch, t, args.seconds)
                report["models"].append(r)
                print(f"{r['model']:10s}{t:8d}{r['train']:13.0f}{r['infer']:13.0f}", flush=True)
    if not args.skip_gemm:
        print(f"\n{'GEMM (m×n×k)':42s}{'threads':>8s}{'GFLOP/s':>10s}")
        shapes = [("square 2048", 2048, 2048, 2048)]
        for arch in archs:
            shapes += layer_shapes(arch, args.batch)
        for label, m, n, k in shapes:
            for t in threads:
                r = measure_gemm(label, m, n, k, t, min(args.seconds, 1.0))
                report["gemm"].append(r)
                print(f"{label + f' {m}×{n}×{k}':42s}{t:8d}{r['gflops']:10.1f}", flush=True)
    if args.json:
        temp = args.json + ".tmp"
        with open(temp, "w") as f:
            json.dump(report, f, indent=1)
        os.replace(temp, args.json)


if __name__ == "__main__":
    main()
