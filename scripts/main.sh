#!/usr/bin/env bash
# Installs what is missing, builds PruneBench (release) and runs the main job on the built-in default:
# import Fashion-MNIST into data/fashion-mnist.h5, train (or reuse) the LeNet-300-100 and LeNet-5
# checkpoints, run every registered method of suites/default.yaml that is not yet in results/, and
# write reports/default/ (leaderboards, CSVs, plots, index.html). Interrupt it at any time: a rerun
# finishes the grid with nothing lost and nothing repeated.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build -c release
# Two runs at once with one kernel thread each: the small models train faster per core that way.
.build/release/prunebench run suites/default.yaml --jobs 2 --threads 1 "$@"
