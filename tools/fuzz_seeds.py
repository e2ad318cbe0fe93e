#!/usr/bin/env python3
"""Writes the seed inputs of scripts/fuzz.sh into fuzz/seeds/<target>/: small valid files of every format the
fuzz targets read (the fuzzer mutates them). Run from the repository root; needs numpy and h5py.

  python3 tools/fuzz_seeds.py
"""
import gzip, json, os, shutil, struct
import h5py, numpy as np

ROOT = "fuzz/seeds"


def target(name):
    path = os.path.join(ROOT, name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def dataset(path, float_images=False, validation=False):
    rng = np.random.default_rng(0)
    with h5py.File(path, "w", track_order=True) as f:
        f.attrs["format"] = "prunebench-dataset"
        f.attrs["format_version"] = np.int64(1)
        f.attrs["name"] = "tiny"
        f.attrs["class_names"] = ["a", "b", "c"]
        f.attrs["mean"] = np.array([0.5], dtype=np.float32)
        f.attrs["std"] = np.array([0.25], dtype=np.float32)
        f.attrs["image_shape"] = np.array([1, 4, 4], dtype=np.int64)
        splits = ["train", "test"] + (["val"] if validation else [])
        for split in splits:
            images = rng.integers(0, 256, size=(3, 1, 4, 4))
            f[f"{split}/images"] = images.astype(np.float32) if float_images else images.astype(np.uint8)
            f[f"{split}/labels"] = np.array([0, 1, 2], dtype=np.int64)


ARCHITECTURE = {"name": "sequential", "classes": 3, "inputChannels": 1, "inputSize": [4, 4],
                "layers": [{"type": "conv2d", "out": 2, "kernel": 3}, {"type": "batchnorm"}, {"type": "relu"},
                           {"type": "flatten"}, {"type": "linear"}]}


def checkpoint(path, masks=False, architecture=True):
    rng = np.random.default_rng(1)
    tensors = {"0.weight": (2, 1, 3, 3), "0.bias": (2,), "1.weight": (2,), "1.bias": (2,),
               "1.running_mean": (2,), "1.running_var": (2,), "4.weight": (3, 8), "4.bias": (3,)}
    with h5py.File(path, "w", track_order=True) as f:
        f.attrs["format"] = "prunebench-checkpoint"
        f.attrs["format_version"] = np.int64(1)
        if architecture:
            f.attrs["architecture"] = json.dumps(ARCHITECTURE)
        f.attrs["dataset"] = "tiny"
        for name, shape in tensors.items():
            values = rng.standard_normal(shape).astype(np.float32)
            if name.endswith("running_var"):
                values = np.abs(values) + 0.5
            f[name] = values
        f["1.num_batches_tracked"] = np.int64(3)
        if masks:
            f["masks/0.weight"] = (rng.random((2, 1, 3, 3)) > 0.5).astype(np.uint8)


def idx(path, compress):
    images = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3)
    content = struct.pack(">I", 0x0803) + struct.pack(">III", 2, 3, 3) + images.tobytes()
    labels = struct.pack(">I", 0x0801) + struct.pack(">I", 2) + bytes([1, 2])
    with open(path, "wb") as f:
        f.write(gzip.compress(content, mtime=0) if compress else content)
    with open(path + ".labels", "wb") as f:
        f.write(labels)


def main():
    path = target("dataset")
    dataset(os.path.join(path, "uint8.h5"))
    dataset(os.path.join(path, "float-val.h5"), float_images=True, validation=True)
    path = target("checkpoint")
    checkpoint(os.path.join(path, "sequential.h5"))
    checkpoint(os.path.join(path, "masked.h5"), masks=True)
    checkpoint(os.path.join(path, "plain.h5"), architecture=False)
    path = target("idx")
    idx(os.path.join(path, "images.idx.gz"), compress=True)
    idx(os.path.join(path, "images.idx"), compress=False)
    path = target("cifar")
    pixels = bytes(range(256)) * 12
    with open(os.path.join(path, "two-records.bin"), "wb") as f:
        f.write(bytes([3]) + pixels + bytes([7]) + pixels[::-1])
    for name in ["suite", "baseline", "record"]:
        target(name)
    for name in sorted(os.listdir("suites")):
        shutil.copy(os.path.join("suites", name), os.path.join(ROOT, "suite", name))
    for name in ["smoke.csv", "lottery.csv"]:
        shutil.copy(os.path.join("baselines", name), os.path.join(ROOT, "baseline", name))
    # Records of a real run (a completed one and a failed one) from the local results store, when there is one.
    if os.path.isdir("results"):
        records = {}
        for name in sorted(os.listdir("results")):
            if name.endswith(".json") and not name.startswith("."):
                with open(os.path.join("results", name)) as f:
                    status = json.load(f).get("status")
                records.setdefault(status, name)
        for status, name in sorted(records.items()):
            shutil.copy(os.path.join("results", name), os.path.join(ROOT, "record", f"{status}.json"))

if __name__ == "__main__":
    main()
