#!/usr/bin/env bash
# Chaos test of the results store (issue 18): kills `prunebench run` with SIGKILL at random moments across a small
# grid (checkpoint training, runs, record and masks writes, reports), reruns until it finishes, and checks that the
# final store and leaderboard equal an uninterrupted run's: the same runs with the same numbers and masks, no
# duplicate, no unreadable record, no leftover temporary file. Then three faults, each of which must give a clear
# error (non-zero exit naming the file) and leave the store usable: a full disk (a small tmpfs), a read-only
# results directory (a read-only bind mount) and a hand-corrupted record. The faults need root (mount); without it
# they are skipped and said so.
#
#   scripts/chaos.sh [KILLS]      # at least KILLS kills (default 20)
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
kills_wanted=${1:-20}
[ -x .build/release/prunebench ] || swift build -c release >&2
bench=$repo/.build/release/prunebench
work=$(mktemp -d)
cleanup() { umount "$work"/*/results 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
export OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-Haswell}

# A grid of 32 one-second runs on an MLP whose checkpoint is trained by the suite (so kills land in training too).
cat > "$work/chaos.yaml" <<'EOF'
name: chaos
dataset: fashion-mnist
models:
  - {name: mlp, architecture: mlp, training: {epochs: 1, batchSize: 256}}
methods: [global-magnitude, layer-magnitude, random, snip, global-gradient]
compressions: [2, 4, 8]
seeds: [0, 1]
fineTuning: {steps: 30}
EOF
setup() {  # a working directory sharing the imported dataset
    mkdir -p "$work/$1/data"
    [ -f "$repo/data/fashion-mnist.h5" ] && ln -sf "$repo/data/fashion-mnist.h5" "$work/$1/data/fashion-mnist.h5"
    cp "$work/chaos.yaml" "$work/$1/"
}
run() { (cd "$work/$1" && "$bench" run chaos.yaml --threads 1 --results results --reports reports "${@:2}"); }

setup reference
start=$SECONDS
run reference > "$work/reference.log" 2>&1
echo "chaos: uninterrupted run: $((SECONDS - start)) s"

setup chaos
kills=0 attempts=0 rounds=0
while true; do
    attempts=$((attempts + 1))
    (cd "$work/chaos" && exec "$bench" run chaos.yaml --threads 1 --results results --reports reports) \
        > "$work/chaos-$attempts.log" 2>&1 &
    pid=$!
    if [ $kills -lt "$kills_wanted" ]; then
        sleep "$(awk -v r=$RANDOM 'BEGIN { printf "%.2f", 0.2 + 3.8 * r / 32767 }')"
        if kill -0 $pid 2>/dev/null; then
            kill -9 $pid; wait $pid 2>/dev/null || true
            kills=$((kills + 1))
            continue
        fi
    fi
    wait $pid || { echo "chaos: run $attempts failed:"; tail -5 "$work/chaos-$attempts.log"; exit 1; }
    [ $kills -ge "$kills_wanted" ] && break
    # The grid finished before enough kills: start it again in a fresh directory (the last round is compared).
    rounds=$((rounds + 1))
    rm -rf "$work/chaos"
    setup chaos
done
echo "chaos: $kills SIGKILLs over $attempts invocations ($((rounds + 1)) round(s) of the grid)"

python3 - "$work/reference" "$work/chaos" <<'PY'
import csv, hashlib, json, os, sys
reference, chaos = sys.argv[1], sys.argv[2]
def records(root):
    out = {}
    for name in os.listdir(f"{root}/results"):
        if name.endswith(".json") and not name.startswith("."):
            with open(f"{root}/results/{name}") as f:
                record = json.load(f)
            assert record["digest"] + ".json" == name, name
            out[record["digest"]] = record
    return out
def stable(record):  # everything but timings and measured latencies (wall-clock facts)
    metrics = dict(record.get("metrics") or {})
    metrics.pop("latency", None)
    structure = dict(metrics.get("structure") or {})
    structure.pop("latency", None)
    metrics["structure"] = structure
    summary = {k: v for k, v in (record.get("summary") or {}).items() if "latency" not in k and "Measured" not in k}
    return {"spec": record["spec"], "status": record["status"], "failure": record.get("failure"),
            "metrics": metrics, "summary": summary}
def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()
a, b = records(reference), records(chaos)
problems = []
if set(a) != set(b):
    problems.append(f"run sets differ: {len(set(a) - set(b))} missing, {len(set(b) - set(a))} extra")
for key in sorted(set(a) & set(b)):
    if stable(a[key]) != stable(b[key]):
        problems.append(f"record {key[:12]} differs")
    if a[key].get("masks") and digest(f"{reference}/results/{a[key]['masks']}") != digest(f"{chaos}/results/{b[key]['masks']}"):
        problems.append(f"masks of {key[:12]} differ")
def board(root):
    with open(f"{root}/reports/chaos/leaderboard.csv") as f:
        rows = list(csv.reader(f))
    keep = [i for i, h in enumerate(rows[0]) if not any(w in h for w in ("latency", "wall", "measured"))]
    return [[row[i] for i in keep] for row in rows]
if board(reference) != board(chaos):
    problems.append("leaderboard.csv differs")
leftovers = [os.path.join(d, n) for d in (f"{chaos}/results", f"{chaos}/results/masks", f"{chaos}/checkpoints",
             f"{chaos}/reports/chaos", f"{chaos}/reports/chaos/plots") if os.path.isdir(d)
             for n in os.listdir(d) if n.startswith(".") and (n.endswith(".partial") or ".tmp-" in n)]
if leftovers:
    problems.append(f"leftover temporaries: {leftovers}")
print(f"chaos: {len(b)} records compared with the uninterrupted run's; leaderboard compared; "
      f"{len(leftovers)} leftover temporaries")
if problems:
    print("\n".join("chaos: FAIL: " + p for p in problems))
    sys.exit(1)
print("chaos: PASS: same records, masks and leaderboard; no duplicate, no leftover")
PY

# Faults. Each must exit non-zero with the file named, store nothing for the run it stopped, and leave the store
# usable: after the fault is removed, a rerun completes the grid with the reference's records.
if [ "$(id -u)" != 0 ]; then
    echo "chaos: faults skipped (they mount a small tmpfs and a read-only bind mount: run as root)"
    exit 0
fi
check_complete() {  # the grid in $1 ends as the reference's
    run "$1" > "$work/$1-final.log" 2>&1 || { echo "chaos: FAIL: $2: the rerun failed"; tail -3 "$work/$1-final.log"; exit 1; }
    local count
    count=$(find "$work/$1/results" -maxdepth 1 -name '*.json' | wc -l)
    [ "$count" = "$(find "$work/reference/results" -maxdepth 1 -name '*.json' | wc -l)" ] \
        || { echo "chaos: FAIL: $2: $count records after the rerun"; exit 1; }
    grep -L '"status" : "completed"' "$work/$1"/results/*.json | grep -q . \
        && { echo "chaos: FAIL: $2: a record is not completed"; exit 1; }
    echo "chaos: PASS: $2: clear error, nothing stored for the stopped run, the rerun completed the grid"
}
expect_error() {  # $1 log, $2 what
    if grep -q "^Error: .*results" "$1"; then echo "chaos: $2: $(grep -m1 '^Error:' "$1" | cut -c1-200)"
    else echo "chaos: FAIL: $2: no clear error"; tail -3 "$1"; exit 1; fi
}

# Full disk: 3 MB of results (a mask file of the MLP is ~1 MB).
setup disk
cp -r "$work/chaos/checkpoints" "$work/disk/"
mkdir -p "$work/disk/results"
mount -t tmpfs -o size=3M tmpfs "$work/disk/results"
if run disk > "$work/disk.log" 2>&1; then echo "chaos: FAIL: full disk: run exited 0"; exit 1; fi
expect_error "$work/disk.log" "full disk"
mount -o remount,size=256M "$work/disk/results"
check_complete disk "full disk"

# Read-only results directory.
setup readonly
cp -r "$work/chaos/checkpoints" "$work/readonly/"
mkdir -p "$work/readonly/results"
mount --bind "$work/readonly/results" "$work/readonly/results"
mount -o remount,ro,bind "$work/readonly/results"
if run readonly > "$work/readonly.log" 2>&1; then echo "chaos: FAIL: read-only: run exited 0"; exit 1; fi
expect_error "$work/readonly.log" "read-only results"
umount "$work/readonly/results"
check_complete readonly "read-only results"

# A hand-corrupted record: named on the next run, redone, replaced.
victim=$(find "$work/chaos/results" -maxdepth 1 -name '*.json' | head -1)
printf '{"digest": "garbage' > "$victim"
run chaos > "$work/corrupt.log" 2>&1 || { echo "chaos: FAIL: corrupted record: run failed"; exit 1; }
grep -q "unreadable record $victim" "$work/corrupt.log" \
    && echo "chaos: corrupted record: $(grep -m1 'unreadable record' "$work/corrupt.log" | cut -c1-200)" \
    || { echo "chaos: FAIL: corrupted record not named"; exit 1; }
python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$victim" \
    && echo "chaos: PASS: corrupted record: named, redone and replaced"
