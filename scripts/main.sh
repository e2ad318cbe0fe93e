#!/usr/bin/env bash
# Installs what is missing, builds PruneBench and runs the main job on the built-in default:
# import Fashion-MNIST into data/fashion-mnist.h5 and inspect it.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release
bin=".build/release/prunebench"
[ -f data/fashion-mnist.h5 ] || "$bin" import fashion-mnist -o data/fashion-mnist.h5
"$bin" inspect data/fashion-mnist.h5
