#!/usr/bin/env bash
# Mutation testing: proves that the unit tests (and, with --smoke, the smoke baseline check) notice when a
# pruning method breaks. Not part of CI (each mutation costs a release rebuild and a test run).
#
# Reads scripts/mutants.txt: realistic one-line bugs, at least one per registered method, each an exact
# fragment of one source line and its replacement (the file's header describes the format). For each
# selected mutation the script:
#   1. applies it to a scratch copy of the repository (never to your checkout): the tracked and untracked,
#      not ignored files are copied to .build-mutants/tree (only files whose content changed are rewritten,
#      so builds stay incremental) and built with the persistent --scratch-path .build-mutants/build;
#      a fragment that is not found exactly once fails the whole run before anything is built;
#   2. runs `swift test -c release` (all tests, or only --filter's) in the copy: a failing test is
#      "caught", a passing run "survived", a build failure "compile error" (not a valid mutation: fix the
#      list), a run longer than --timeout "caught (timeout)";
#   3. with --smoke, also runs the mutated method's runs of suites/smoke.yaml (its `methods: all` replaced
#      by the mutation's methods; the tracks' controls come with them) into a fresh results directory and
#      `prunebench check --baseline baselines/smoke.csv --suite smoke --method M` (the commands of
#      scripts/test.sh; data/ and checkpoints/ are created once inside the copy), and reports that verdict
#      separately. The other methods' runs cannot change (their digests and code are the unmodified ones),
#      so the tracks' controls are copied from the unmodified control's smoke run instead of being rerun;
#      the mutated method's own runs always execute, since a run id does not depend on the code;
#   4. restores the file and goes on.
# Before the mutations, the unmodified copy is built and tested (and smoke-checked with --smoke): if that
# control fails, no verdict could be trusted and the script stops (the smoke control only warns).
# Prints a table (mutation, method, unit tests, smoke, the first failing test) and totals, also written to
# .build-mutants/report.md, with logs in .build-mutants/logs/. Exits 1 if any mutation survived the unit
# tests or did not compile.
#
# Usage: scripts/mutants.sh [--filter REGEX]... [--only ID,ID] [--smoke] [--incremental] [--timeout SECONDS]
#                           [--check] [--list]
#   --filter REGEX   pass to `swift test --filter` (repeatable), e.g. --filter PruningTests; default: all tests
#   --only ID,ID     run only these mutations (comma-separated ids)
#   --smoke          also run the smoke suite and baseline check per mutation (slow: minutes each)
#   --incremental    build release without whole-module optimisation, so a mutation recompiles one file
#                    instead of its whole module (same code and results; the build itself is faster)
#   --timeout S      per test run (default 1800 s)
#   --check          only check that every fragment applies exactly once and every registered method
#                    (Sources/Pruning/Registry.swift) has a mutation; build nothing
#   --list           print the mutations and exit
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
list="$repo/scripts/mutants.txt"
work="$repo/.build-mutants"
tree="$work/tree"
build="$work/build"
logs="$work/logs"
filters=()
only=""
smoke=0
incremental=()
timeout_seconds=1800
check_only=0
list_only=0

while [[ $# -gt 0 ]]; do
    case "$1" in
        --filter) filters+=(--filter "$2"); shift 2 ;;
        --only) only="$2"; shift 2 ;;
        --smoke) smoke=1; shift ;;
        --incremental) incremental=(-Xswiftc -no-whole-module-optimization); shift ;;
        --timeout) timeout_seconds="$2"; shift 2 ;;
        --check) check_only=1; shift ;;
        --list) list_only=1; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "mutants.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
done

# ---- The mutation list -------------------------------------------------------------------------------
# Parsed by one small Python helper (exact, byte-for-byte fragment matching); bash keeps the orchestration.
mutations_tool() {
    python3 - "$@" <<'PYTHON'
import sys, pathlib

def parse(path):
    entries, current = [], {}
    def close():
        if current:
            missing = [k for k in ("id", "method", "file", "from", "to", "why") if k not in current]
            if missing:
                sys.exit(f"{path}: mutation {current.get('id', '?')}: missing {', '.join(missing)}")
            entries.append(dict(current))
            current.clear()
    for number, line in enumerate(pathlib.Path(path).read_text().splitlines(), 1):
        if line.startswith("#"):
            continue
        if not line.strip():
            close()
            continue
        key, separator, value = line.partition(": ")
        if not separator or key not in ("id", "method", "file", "from", "to", "why"):
            sys.exit(f"{path}:{number}: expected 'key: value' with key id, method, file, from, to or why")
        if key in current:
            sys.exit(f"{path}:{number}: '{key}' given twice in one mutation")
        current[key] = value
    close()
    ids = [e["id"] for e in entries]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        sys.exit(f"{path}: duplicate ids: {', '.join(duplicates)}")
    return entries

command, path = sys.argv[1], sys.argv[2]
entries = parse(path)
if command == "ids":
    print("\n".join(e["id"] for e in entries))
elif command == "field":
    entry = next(e for e in entries if e["id"] == sys.argv[3])
    print(entry[sys.argv[4]])
elif command == "list":
    for e in entries:
        print(f"{e['id']:<28} {e['method']:<34} {e['why']}")
elif command == "methods":
    print("\n".join(sorted({m.strip() for e in entries for m in e["method"].split(",")})))
elif command in ("check", "apply"):
    root, selected = pathlib.Path(sys.argv[3]), sys.argv[4:]
    problems = []
    for e in entries:
        if selected and e["id"] not in selected:
            continue
        file = root / e["file"]
        if not file.is_file():
            problems.append(f"{e['id']}: {e['file']} does not exist")
            continue
        text = file.read_text()
        count = text.count(e["from"])
        if count != 1:
            problems.append(f"{e['id']}: fragment found {count} times in {e['file']} (must be exactly once): {e['from']!r}")
        elif e["from"] == e["to"]:
            problems.append(f"{e['id']}: replacement equals the fragment")
        elif command == "apply":
            file.write_text(text.replace(e["from"], e["to"], 1))
    if problems:
        sys.exit("\n".join(problems))
PYTHON
}

# The registered method names, read from the registry's `MethodEntry(Type.self)` lines and each type's name.
registered_methods() {
    python3 - "$repo" <<'PYTHON'
import re, sys, pathlib
root = pathlib.Path(sys.argv[1]) / "Sources/Pruning"
source = "\n".join(p.read_text() for p in root.rglob("*.swift"))
names = []
for line in (root / "Registry.swift").read_text().splitlines():
    m = re.search(r"MethodEntry\((\w+)(?:<(\w+)>)?\.self\)", line)
    if not m:
        continue
    owner = m.group(2) or m.group(1)
    d = re.search(r"(?:struct|enum) " + owner + r"\b[^{]*\{(.*?)static let name = \"([^\"]+)\"", source, re.S)
    if not d:
        sys.exit(f"mutants.sh: cannot find the name of {owner}")
    names.append(d.group(2))
print("\n".join(names))
PYTHON
}

if [[ $list_only == 1 ]]; then mutations_tool list "$list"; exit 0; fi

all_ids=()
while IFS= read -r id; do all_ids+=("$id"); done < <(mutations_tool ids "$list")
selected=()
if [[ -n "$only" ]]; then
    IFS=',' read -r -a selected <<< "$only"
    for id in "${selected[@]}"; do
        printf '%s\n' "${all_ids[@]}" | grep -qxF "$id" || { echo "mutants.sh: no mutation '$id' in $list" >&2; exit 2; }
    done
else
    selected=("${all_ids[@]}")
fi

# Every fragment must apply exactly once (checked against your checkout, before anything is built), and
# every registered method needs a mutation.
mutations_tool check "$list" "$repo" "${selected[@]}"
uncovered="$(comm -23 <(registered_methods | sort -u) <(mutations_tool methods "$list"))"
if [[ -n "$uncovered" ]]; then
    echo "mutants.sh: registered methods without a mutation in $list:" $uncovered >&2
    exit 1
fi
if [[ $check_only == 1 ]]; then
    echo "mutants.sh: all ${#all_ids[@]} mutations apply exactly once; every registered method ($(registered_methods | wc -l)) has one"
    exit 0
fi

# ---- The scratch copy ---------------------------------------------------------------------------------
# Copies every tracked or untracked-but-not-ignored file whose content differs, and deletes files that are
# no longer in the repository (outside the copy's own data/, checkpoints/ and results/).
sync_tree() {
    mkdir -p "$tree"
    local listed="$work/files.txt"
    (cd "$repo" && git ls-files --cached --others --exclude-standard | sort -u) > "$listed"
    while IFS= read -r file; do
        [[ -f "$repo/$file" ]] || continue
        if ! cmp -s "$repo/$file" "$tree/$file"; then
            mkdir -p "$(dirname "$tree/$file")"
            cp "$repo/$file" "$tree/$file"
        fi
    done < "$listed"
    (cd "$tree" && find . -type f -not -path './data/*' -not -path './checkpoints/*' -not -path './results/*' \
        -not -path './.build*' | sed 's|^\./||' | sort) | comm -23 - "$listed" | while IFS= read -r stale; do
        rm -f "$tree/$stale"
    done
}

mkdir -p "$logs"
trap 'sync_tree' EXIT    # whatever happens, the copy ends as the repository is (no mutation left applied)

test_command=(swift test -c release --scratch-path "$build" "${incremental[@]}" "${filters[@]}")
if [[ ${#filters[@]} -gt 0 ]]; then scope="swift test -c release ${filters[*]}"; else scope="swift test -c release (all tests)"; fi
echo "mutants.sh: ${#selected[@]} mutations; unit tests: $scope; smoke: $([[ $smoke == 1 ]] && echo on || echo off)"

# Runs the unit tests in the copy; prints caught / survived / compile error / caught (timeout) and the
# first failing test, and leaves the log in $1.
unit_verdict() {
    local log="$1" status=0
    (cd "$tree" && timeout "$timeout_seconds" "${test_command[@]}") > "$log" 2>&1 || status=$?
    if ! grep -q '^Build complete!' "$log"; then
        echo "compile error|$(grep -m1 'error:' "$log" | sed 's|.*/||' | cut -c1-100)"
    elif [[ $status == 124 ]]; then
        echo "caught (timeout)|"
    elif [[ $status != 0 ]]; then
        local first
        first="$(grep -m1 -oE '(✘|􀢄) Test [^ ]+' "$log" | sed -E 's/^[^ ]+ Test //' || true)"
        [[ -n "$first" ]] || first="$(grep -m1 -E 'error|failed|Fatal' "$log" | cut -c1-80 || true)"
        echo "caught|$first"
    else
        echo "survived|"
    fi
}

# Runs the smoke suite into a fresh results directory and checks it against baselines/smoke.csv. With a
# method list (comma-separated, as the mutation list's `method:`), only those methods' runs (and the tracks'
# controls) are run and checked: a one-line bug in one method cannot move another method's runs, whose
# digests and results are those of the unmodified code. Data and checkpoints live in the copy, made once.
smoke_verdict() {
    local log="$1" methods="${2:-}" fresh status=0 suite=suites/smoke.yaml checked=()
    methods="${methods// /}"
    fresh="$(mktemp -d)"
    if [[ -n $methods && -d "$control_results" ]]; then
        reuse_control_runs "$control_results" "$fresh/results" "$methods"
    fi
    if [[ -n $methods ]]; then
        suite="$fresh/smoke.yaml"
        sed "s/^methods: all\$/methods: [${methods//,/, }]/" "$tree/suites/smoke.yaml" > "$suite"
        grep -q "^methods: \[" "$suite" || { echo "mutants.sh: suites/smoke.yaml has no 'methods: all' line" >&2; exit 2; }
        IFS=, read -ra names <<< "$methods"
        for name in "${names[@]}"; do checked+=(--method "$name"); done
    fi
    (
        cd "$tree"
        export OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-Haswell}"
        "$build/release/prunebench" run "$suite" --jobs 2 --threads 1 --results "$fresh/results" --reports "$fresh/reports"
        "$build/release/prunebench" check --baseline baselines/smoke.csv --suite smoke --results "$fresh/results" "${checked[@]}"
    ) > "$log" 2>&1 || status=$?
    if [[ -z $methods ]]; then rm -rf "$control_results"; mv "$fresh/results" "$control_results"; fi
    rm -rf "$fresh"
    if [[ $status == 0 ]]; then echo "survived"; else echo "caught"; fi
}

# Copies the unmodified control's stored runs of every method except the mutated ones ($3, comma-separated)
# from $1 into the results directory $2 (records and their masks files).
reuse_control_runs() {
    python3 - "$@" <<'PYTHON'
import json, pathlib, shutil, sys
source, target, mutated = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2]), set(sys.argv[3].split(","))
(target / "masks").mkdir(parents=True, exist_ok=True)
for record in source.glob("*.json"):
    if json.loads(record.read_text())["spec"]["method"] in mutated:
        continue
    shutil.copy2(record, target / record.name)
    masks = source / "masks" / (record.stem + ".h5")
    if masks.exists():
        shutil.copy2(masks, target / "masks" / masks.name)
PYTHON
}
control_results="$work/smoke-control-results"

start=$SECONDS
sync_tree
echo "control: building and testing the unmodified copy..."
control="$(unit_verdict "$logs/control.log")"
if [[ "${control%%|*}" != survived ]]; then
    echo "mutants.sh: the unmodified copy does not pass ($control); see $logs/control.log" >&2
    exit 1
fi
echo "control: unit tests pass ($((SECONDS - start)) s)"
if [[ $smoke == 1 ]]; then
    smoke_control="$(smoke_verdict "$logs/control-smoke.log")"
    if [[ $smoke_control != survived ]]; then
        echo "warning: the smoke check fails on the unmodified copy; smoke verdicts below are not meaningful (see $logs/control-smoke.log)" >&2
    else
        echo "control: smoke check passes"
    fi
fi

rows=()
caught=0; survived=0; broken=0; smoke_caught=0; smoke_survived=0
for id in "${selected[@]}"; do
    method="$(mutations_tool field "$list" "$id" method)"
    began=$SECONDS
    sync_tree
    mutations_tool apply "$list" "$tree" "$id"
    result="$(unit_verdict "$logs/$id.log")"
    verdict="${result%%|*}"; detail="${result#*|}"
    smoke_result="not run"
    if [[ $smoke == 1 && $verdict != "compile error" ]]; then
        smoke_result="$(smoke_verdict "$logs/$id-smoke.log" "$method")"
        if [[ $smoke_result == caught ]]; then smoke_caught=$((smoke_caught + 1)); else smoke_survived=$((smoke_survived + 1)); fi
    fi
    case "$verdict" in
        caught*) caught=$((caught + 1)) ;;
        survived) survived=$((survived + 1)) ;;
        *) broken=$((broken + 1)) ;;
    esac
    row="| $id | $method | $verdict | $smoke_result | $detail | $((SECONDS - began)) s |"
    rows+=("$row")
    echo "$row"
done
sync_tree

report="$work/report.md"
{
    echo "Mutation testing, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$repo" rev-parse --short HEAD)$(git -C "$repo" diff --quiet HEAD || echo ' + uncommitted changes')"
    echo "unit tests: $scope; wall time $((SECONDS - start)) s"
    echo
    echo "| mutation | method | unit tests | smoke | first failing test / note | time |"
    echo "|---|---|---|---|---|---|"
    printf '%s\n' "${rows[@]}"
    echo
    echo "unit tests: $caught caught, $survived survived, $broken compile errors (of ${#selected[@]})"
    if [[ $smoke == 1 ]]; then echo "smoke check: $smoke_caught caught, $smoke_survived survived"; fi
} > "$report"
echo
cat "$report"
echo "(table written to $report; logs in $logs)"
[[ $survived == 0 && $broken == 0 ]]
