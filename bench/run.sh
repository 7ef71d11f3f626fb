#!/usr/bin/env bash
# claimtrack's benchmark: claimtrack against the sqlite3 shell on the same rows, in one run.
#
#   bench/run.sh [SIZES...]        e.g. bench/run.sh 10000 100000 1000000   (default: 10000 100000)
#   RUNS=5 bench/run.sh 100000     repetitions per measurement (default 3); medians are reported
#   BENCH_SMOKE=1 bench/run.sh 10000   one run each, and a check that the import is complete (CI)
#   BASELINE_CLAIMTRACK=PATH bench/run.sh 100000   also import with an older claimtrack binary
#                                  (the search index before claimtrack's own tokenising)
#   BENCH_KEEP=DIR bench/run.sh 1000000   keep the databases in DIR, to time more commands on them
#   REF_IMPORT=PATH                 the reference import script (default ../shared/bench/ref_import.sql)
#
# Needs: cargo, sqlite3, python3, /usr/bin/time (GNU). Prints a Markdown table per size.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=("${@:-10000 100000}")
read -r -a SIZES <<< "${SIZES[*]}"
RUNS=${RUNS:-3}
[ -n "${BENCH_SMOKE:-}" ] && RUNS=1
if [ -n "${BENCH_KEEP:-}" ]; then
    mkdir -p "$BENCH_KEEP"
    WORK=$(cd "$BENCH_KEEP" && pwd)
else
    WORK=$(mktemp -d)
    trap 'rm -rf "$WORK"' EXIT
fi

cargo build --release --quiet --bin claimtrack --example gen
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
CT=$TARGET/release/claimtrack
GEN=$TARGET/release/examples/gen
export CLAIMTRACK_USER=bench NO_COLOR=1

python3 bench/measure.py "$CT" "$GEN" "$WORK" "$RUNS" "${SIZES[@]}"
