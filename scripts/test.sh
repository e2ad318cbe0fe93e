#!/usr/bin/env bash
# Installs what is missing, builds PruneBench in release mode and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh --tests
swift build -c release
swift test -c release
