#!/usr/bin/env bash
# Renders a report's index.html in headless Chromium (Debian's package) and saves a PNG, so a person
# can look at the page as a browser draws it. Usage: scripts/screenshot-report.sh REPORT_DIR [OUT.png] [WIDTH,HEIGHT]
set -euo pipefail
report="${1:?usage: scripts/screenshot-report.sh REPORT_DIR [OUT.png]}"
out="${2:-$report/index.png}"
page="$(cd "$report" && pwd)/index.html"
[ -f "$page" ] || { echo "no index.html in $report" >&2; exit 1; }
if ! command -v chromium >/dev/null; then
    echo "installing: chromium"
    SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
case "$out" in /*) ;; *) out="$(pwd)/$out" ;; esac
# No network: the page must be self-contained, so any request it made would fail visibly.
chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --proxy-server=127.0.0.1:9 \
    --window-size="${3:-1200,1600}" --screenshot="$out" "file://$page" 2>/dev/null
echo "$out"
