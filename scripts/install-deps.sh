#!/usr/bin/env bash
# Installs what PruneBench needs on Debian when it is missing: the C libraries, pkg-config,
# Fashion-MNIST, and (with --tests) h5py for the interoperability tests.
set -euo pipefail

packages=(libhdf5-dev zlib1g-dev libopenblas-dev pkg-config dataset-fashion-mnist)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
    echo "installing: ${missing[*]}"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ "${1:-}" = "--tests" ] && ! python3 -c "import h5py" 2>/dev/null; then
    echo "installing: h5py (pip)"
    python3 -m pip install -q h5py
fi
