#!/usr/bin/env bash
# Fuzzes the readers of untrusted input with libFuzzer (issue 18): suites (YAML), baseline CSVs, stored run
# records, IDX/gzip and CIFAR-10 files, PruneBench datasets and checkpoints (HDF5). Each target runs for a fixed
# time from the seeds in fuzz/seeds/<target>/ (tools/fuzz_seeds.py writes them); what the fuzzer finds goes to
# .build-fuzz/crashes/<target>/. Every crash found is turned into a regression test: copy the input into
# Tests/FuzzTests/Regressions/<target>/ and fix the reader (the tests replay every file there).
#
#   scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]     # default 60 s, every target
#
# The build instruments every Swift module for coverage and AddressSanitizer in its own scratch path
# (.build-fuzz); libFuzzer drives it through LLVMFuzzerRunDriver (prunebench-fuzz built with -DFUZZING).
# Prints, per target: executions, corpus size, crashes (and leaks, timeouts, out-of-memory) found. Exits 1 when
# any target found one.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(suite baseline record idx cifar dataset checkpoint)

runtime="$(dirname "$(readlink -f "$(command -v swiftc)")")/../lib/swift/clang/lib/linux"
fuzzer="$runtime/libclang_rt.fuzzer_no_main-x86_64.a"
[ -f "$fuzzer" ] || { echo "fuzz.sh: libFuzzer ($fuzzer) is not in this Swift toolchain" >&2; exit 2; }

echo "fuzz.sh: building prunebench-fuzz with coverage and AddressSanitizer (.build-fuzz)" >&2
swift build -c release --scratch-path .build-fuzz --product prunebench-fuzz \
    -Xswiftc -DFUZZING -Xswiftc -sanitize=address \
    -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp \
    -Xlinker "$fuzzer" -Xlinker -lstdc++ >&2
binary=.build-fuzz/release/prunebench-fuzz

printf '%-11s %12s %8s %8s\n' target executions corpus findings
status=0
for target in "${targets[@]}"; do
    corpus=.build-fuzz/corpus/$target
    crashes=.build-fuzz/crashes/$target
    log=.build-fuzz/logs/$target.log
    rm -rf "$crashes"
    mkdir -p "$corpus" "$crashes" "$(dirname "$log")"
    cp -n fuzz/seeds/"$target"/* "$corpus"/ 2>/dev/null || true
    # ASan's leak check is off: the Swift runtime's metadata caches read as leaks at exit.
    ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 FUZZ_TARGET=$target "$binary" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=65536 -print_final_stats=1 \
        -artifact_prefix="$crashes/" "$corpus" > "$log" 2>&1 || true
    executions=$(grep -a -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo 0)
    findings=$(find "$crashes" -type f | wc -l)
    printf '%-11s %12s %8s %8s\n' "$target" "${executions:-0}" "$(find "$corpus" -type f | wc -l)" "$findings"
    if [ "$findings" -gt 0 ]; then
        status=1
        find "$crashes" -type f | sed 's/^/  finding: /'
    fi
done
exit $status
