#!/usr/bin/env bash
# Measures PyTorch and then the engine in one sitting, holding the shared build lock so nothing else runs,
# and prints the engine's figures with ratios to PyTorch. Needs a release build and `pip install torch`.
#   benchmarks/compare_engine.sh [extra `prunebench bench engine` options]
set -euo pipefail
cd "$(dirname "$0")/.."
reference=$(mktemp --suffix=.json)
trap 'rm -f "$reference"' EXIT
exec 9>/tmp/prunebench-build.lock
flock 9
python3 benchmarks/pytorch_reference.py --json "$reference" "$@"
.build/release/prunebench bench engine --reference "$reference" "$@"
