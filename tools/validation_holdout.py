#!/usr/bin/env python3
"""PruneBench's validation holdout, computed independently of the Swift code (numpy + hashlib).

The holdout (docs/training.md, Sources/Data/ValidationHoldout.swift) is the set of training examples a
checkpoint is trained without and every run on it validates on. It depends only on the training labels:
`count` examples drawn stratified from stream "validation holdout" of SeededGenerator(seed: 0):

- SeededGenerator is xoshiro256** seeded through SplitMix64; derived(name) hashes the name with FNV-1a
  (64-bit) and seeds a new generator with (state[0] ^ hash) + rotl(state[2], 17);
- a uniform index below n is Swift's `next(upperBound:)` (Lemire's multiply-and-reject);
- a permutation of 0..<n is Fisher-Yates from the back, swapping i with an index below i + 1;
- stratified: class c (labels in increasing order) gets floor(count * n_c / N) examples, the remainder
  goes one each to the classes with the largest (count * n_c) mod N (ties: lower label first); each class
  in label order takes the first share of a permutation of its members (in index order), all from the
  same stream;
- sha256 hashes, per held-out example in increasing index order, its index and label as little-endian
  int64, then its pixels as little-endian float32 in stored scale (0..255 for uint8 images).

Usage:
  # the holdout record of a PruneBench dataset file (what a checkpoint's training record holds) and,
  # optionally, the held-out indices one per line (to train a PyTorch model without them)
  tools/validation_holdout.py --dataset data/fashion-mnist.h5 [--count 5000] [--indices held_out.txt]
  # the committed test fixture, from the Debian Fashion-MNIST files
  tools/validation_holdout.py --fashion-mnist /usr/share/datasets/fashion-mnist \
      --fixture Tests/DataTests/Fixtures/fashion-mnist-holdout.json
"""
import argparse
import gzip
import hashlib
import json
import os

import numpy as np

MASK = (1 << 64) - 1


def rotl(x, k):
    return ((x << k) | (x >> (64 - k))) & MASK


class SeededGenerator:
    """xoshiro256** seeded through SplitMix64, as Sources/NN/Random.swift."""

    def __init__(self, seed):
        state = seed & MASK
        words = []
        for _ in range(4):
            state = (state + 0x9E3779B97F4A7C15) & MASK
            z = state
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
            words.append(z ^ (z >> 31))
        self.s = words

    def derived(self, purpose):
        h = 0xCBF29CE484222325
        for byte in purpose.encode("utf-8"):
            h ^= byte
            h = (h * 0x100000001B3) & MASK
        return SeededGenerator(((self.s[0] ^ h) + rotl(self.s[2], 17)) & MASK)

    def next(self):
        s = self.s
        result = (rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = rotl(s[3], 45)
        return result

    def index_below(self, bound):
        """Swift's RandomNumberGenerator.next(upperBound:) for UInt64 (Lemire)."""
        m = self.next() * bound
        if (m & MASK) < bound:
            t = ((1 << 64) - bound) % bound
            while (m & MASK) < t:
                m = self.next() * bound
        return m >> 64

    def permutation(self, n):
        indices = list(range(n))
        for i in range(n - 1, 0, -1):
            j = self.index_below(i + 1)
            indices[i], indices[j] = indices[j], indices[i]
        return indices


def holdout_indices(labels, count, seed=0, stream="validation holdout"):
    """The held-out indices, increasing."""
    labels = np.asarray(labels)
    total = len(labels)
    classes = sorted(set(int(v) for v in labels))
    groups = [np.flatnonzero(labels == c).tolist() for c in classes]
    shares = [count * len(g) // total for g in groups]
    remainders = [(count * len(g)) % total for g in groups]
    order = sorted(range(len(groups)), key=lambda k: (-remainders[k], k))
    for k in range(count - sum(shares)):
        shares[order[k % len(order)]] += 1
    random = SeededGenerator(seed).derived(stream)
    chosen = []
    for members, share in zip(groups, shares):
        chosen += [members[i] for i in random.permutation(len(members))[:share]]
    return sorted(chosen)


def holdout_digest(images, labels, indices):
    h = hashlib.sha256()
    for i in indices:
        h.update(np.int64(i).astype("<i8").tobytes())
        h.update(np.int64(labels[i]).astype("<i8").tobytes())
        h.update(np.asarray(images[i], dtype="<f4").tobytes())
    return h.hexdigest()


def record(images, labels, count):
    indices = holdout_indices(labels, count)
    return indices, {
        "count": count, "rule": "stratified", "seed": 0, "sha256": holdout_digest(images, labels, indices),
        "splitCount": len(labels), "stream": "validation holdout",
    }


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * k:8 + 4 * k], "big") for k in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dataset", help="a PruneBench dataset file (HDF5)")
    parser.add_argument("--fashion-mnist", help="the folder of the Fashion-MNIST IDX files")
    parser.add_argument("--count", type=int, default=None, help="examples held out (default 5000, at most a tenth)")
    parser.add_argument("--indices", help="write the held-out indices here, one per line")
    parser.add_argument("--fixture", help="write the test fixture (record, class shares, first indices) here")
    args = parser.parse_args()
    if args.fashion_mnist:
        images = read_idx(os.path.join(args.fashion_mnist, "train-images-idx3-ubyte.gz"))
        labels = read_idx(os.path.join(args.fashion_mnist, "train-labels-idx1-ubyte.gz"))
    elif args.dataset:
        import h5py
        with h5py.File(args.dataset, "r") as f:
            images, labels = f["train/images"][()], f["train/labels"][()]
    else:
        parser.error("give --dataset or --fashion-mnist")
    count = args.count if args.count is not None else min(5000, len(labels) // 10)
    indices, holdout = record(images, labels, count)
    print(json.dumps({"validationHoldout": holdout}, sort_keys=True))
    if args.indices:
        with open(args.indices, "w") as f:
            f.write("".join(f"{i}\n" for i in indices))
    if args.fixture:
        held = np.asarray(labels)[indices]
        fixture = {"holdout": holdout, "perClass": np.bincount(held).tolist(), "firstIndices": indices[:16],
                   "lastIndices": indices[-16:]}
        with open(args.fixture, "w") as f:
            json.dump(fixture, f, sort_keys=True, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
