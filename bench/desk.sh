#!/usr/bin/env bash
# The desk's benchmark (docs/DESK.md, issue 26): on one generated story of N claims,
#   * `import --bulk` of the story's JSON Lines into a new file (the reference): the new
#     replica of an empty desk, which then pushes the story (a replica of an empty desk is a
#     new claimtrack file plus its one desk_replica row),
#   * `clone` of a desk holding the same records into a new replica (and its peak memory),
#   * `sync` of that replica with nothing to move,
#   * `push` of one new claim.
#
#   bench/desk.sh [N]              default 100000
#   BENCH_PG=URL bench/desk.sh     the server, as a role that may create databases
#                                  (default postgres://root@127.0.0.1/test)
#   BENCH_KEEP=1 bench/desk.sh     keep the files and the desk, and say where they are
#
# Needs: cargo, psql, /usr/bin/time (GNU). Prints one Markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
PG=${BENCH_PG:-postgres://root@127.0.0.1/test}
DB=ct_bench_desk_$$
HOST=${PG#*://}
DESK="${PG%%://*}://${HOST%%/*}/$DB"
WORK=$(mktemp -d)
if [ -n "${BENCH_KEEP:-}" ]; then
    trap 'echo "kept: $WORK and the desk $DESK" >&2' EXIT
else
    trap 'rm -rf "$WORK"; psql -q "$PG" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true' EXIT
fi

cargo build --release --quiet --bin claimtrack --example gen
TARGET=${CARGO_TARGET_DIR:-$PWD/target}
CT=$TARGET/release/claimtrack
GEN=$TARGET/release/examples/gen
export CLAIMTRACK_USER=bench NO_COLOR=1

# Seconds, peak KiB and CPU seconds (user + system) of one command. On a busy machine the
# CPU seconds compare two commands better than their wall time.
measure() {
    /usr/bin/time -f "%e %M %U %S" -o "$WORK/time" "$@" >/dev/null 2>"$WORK/err" || { cat "$WORK/err" >&2; exit 1; }
    read -r wall kib user sys < "$WORK/time"
    echo "$wall $kib $(python3 -c "print(f'{$user + $sys:.2f}')")"
}

"$GEN" --claims "$N" --seed 1 > "$WORK/story.jsonl"

# The desk, filled from a replica that imported the story (the reference import).
psql -q "$PG" -c "CREATE DATABASE $DB"
"$CT" -q desk init "$DESK"
"$CT" -q clone "$DESK" "$WORK/seed.db"
read -r import_s import_kib import_cpu < <(measure "$CT" --db "$WORK/seed.db" -q import --bulk "$WORK/story.jsonl")
read -r push_all_s push_all_kib push_all_cpu < <(measure "$CT" --db "$WORK/seed.db" -q push)

read -r clone_s clone_kib clone_cpu < <(measure "$CT" -q clone "$DESK" "$WORK/replica.db")
sync_runs=()
for _ in 1 2 3; do
    read -r s _ _ < <(measure "$CT" --db "$WORK/replica.db" -q sync)
    sync_runs+=("$s")
done
sync_s=$(printf '%s\n' "${sync_runs[@]}" | sort -n | sed -n 2p)
prop=$("$CT" --db "$WORK/replica.db" prop list --format csv | sed -n 2p | cut -d, -f1)
party=$("$CT" --db "$WORK/replica.db" party list --format csv | sed -n 2p | cut -d, -f1)
source=$("$CT" --db "$WORK/replica.db" source list --format csv | sed -n 2p | cut -d, -f1)
"$CT" --db "$WORK/replica.db" -q claim add --id bench-one --prop "$prop" --party "$party" --stance denies --source "$source" >/dev/null
read -r push_one_s _ _ < <(measure "$CT" --db "$WORK/replica.db" -q push)
read -r pull_one_s _ _ < <(measure "$CT" --db "$WORK/seed.db" -q sync)
entries=$(psql -At "$DESK" -c "SELECT count(*) FROM desk_log")

ratio=$(python3 -c "print(f'{$clone_s / $import_s:.2f}')")
cpu_ratio=$(python3 -c "print(f'{$clone_cpu / $import_cpu:.2f}')")
cat <<EOF
### Desk at $N claims ($entries desk entries)

| operation | seconds | CPU seconds | peak memory |
|---|---:|---:|---:|
| \`import --bulk\` of the story (reference) | $import_s | $import_cpu | $((import_kib / 1024)) MiB |
| \`push\` of the whole story from a replica | $push_all_s | $push_all_cpu | $((push_all_kib / 1024)) MiB |
| \`clone\` of the desk | $clone_s (${ratio}x the import) | $clone_cpu (${cpu_ratio}x) | $((clone_kib / 1024)) MiB |
| \`sync\` with nothing to move (median of 3) | $sync_s | | |
| \`push\` of one claim | $push_one_s | | |
| \`sync\` pulling that claim (in the first replica) | $pull_one_s | | |
EOF
