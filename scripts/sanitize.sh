#!/usr/bin/env bash
# Runs the unit tests under AddressSanitizer and ThreadSanitizer (issue 18): release builds (the engine's tests
# train networks) in their own scratch paths (.build-asan, .build-tsan). Both must be clean: the tests pass and no
# sanitizer report appears. Logs go to .build-<kind>/test.log; prints one summary line per sanitizer and exits 1
# when either is not clean.
#
#   scripts/sanitize.sh [address|thread]...     # default: both
set -euo pipefail
cd "$(dirname "$0")/.."
kinds=("$@")
[ ${#kinds[@]} -gt 0 ] || kinds=(address thread)
scripts/install-deps.sh --tests >&2

# ASan's leak check is off: the Swift runtime's metadata caches and OpenBLAS's thread buffers read as leaks at
# exit. Both sanitizers stop at the first report so that a report fails the run.
export ASAN_OPTIONS="detect_leaks=0:halt_on_error=1:abort_on_error=1"
export TSAN_OPTIONS="halt_on_error=1:abort_on_error=1"
export OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-Haswell}"
status=0
for kind in "${kinds[@]}"; do
    case $kind in address) short=asan ;; thread) short=tsan ;; *) echo "unknown sanitizer '$kind'" >&2; exit 2 ;; esac
    scratch=.build-$short
    mkdir -p "$scratch"
    log=$scratch/test.log
    start=$SECONDS
    if swift test -c release --sanitize="$kind" --scratch-path "$scratch" > "$log" 2>&1; then result=passed; else result=FAILED; fi
    reports=$(grep -a -c -E "ERROR: AddressSanitizer|WARNING: ThreadSanitizer" "$log" || true)
    summary=$(grep -a -E "Test run with [0-9]+ tests" "$log" | tail -1 || true)
    echo "$kind: tests $result, $reports sanitizer reports, $((SECONDS - start)) s (build included); ${summary:-no test summary}"
    if [ "$result" != passed ] || [ "$reports" != 0 ]; then
        status=1
        grep -a -m5 -A12 -E "ERROR: AddressSanitizer|WARNING: ThreadSanitizer" "$log" || tail -20 "$log"
    fi
done
exit $status
