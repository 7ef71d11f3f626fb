#!/usr/bin/env bash
# Peak memory of `import --format jsonl` on three hostile inputs (BENCHMARKS.md, issue 19):
#   forward: about 200 MB of JSON Lines whose 600,000 claims all come before the parties,
#            propositions and sources they refer to (every reference points ahead);
#   long:    a header and one 50 MB line;
#   endless: a line with no end, from a pipe (bounded here at 1 GiB so that a build that
#            reads it whole stops; `yes` would never stop).
# Usage: bench/jsonl_memory.sh BINARY [WORKDIR]   (needs GNU time at /usr/bin/time)
set -euo pipefail
bin=$(realpath "$1")
work=${2:-/tmp/claimtrack-jsonl-memory}
mkdir -p "$work"
cd "$work"

if [ ! -f forward.jsonl ]; then
python3 - <<'PY'
import json
claims, refs = 600_000, 1000
with open("forward.jsonl", "w") as f:
    f.write('{"claimtrack": 1}\n')
    for i in range(claims):
        f.write(json.dumps({"type": "claim", "id": f"c-{i:07d}", "proposition": f"p-{i % refs}",
                            "party": f"x-{i % refs}", "stance": "affirms", "source": f"s-{i % refs}",
                            "quote": f"quote {i} " + "lorem ipsum dolor sit amet " * 8}) + "\n")
    for i in range(refs):
        f.write(json.dumps({"type": "party", "id": f"x-{i}", "name": f"Party {i}", "kind": "media"}) + "\n")
        f.write(json.dumps({"type": "proposition", "id": f"p-{i}", "text": f"Proposition {i}"}) + "\n")
        f.write(json.dumps({"type": "source", "id": f"s-{i}", "title": f"Source {i}", "kind": "article"}) + "\n")
with open("long.jsonl", "w") as f:
    f.write('{"claimtrack": 1}\n')
    f.write(json.dumps({"type": "party", "id": "long", "kind": "media", "name": "x" * (50 << 20)}) + "\n")
PY
fi
ls -l forward.jsonl long.jsonl

measure() {
    local name=$1; shift
    rm -f "$work/db.sqlite" "$work/db.sqlite-wal" "$work/db.sqlite-shm"
    /usr/bin/time -f "$name: %e s, peak %M KiB, exit %x" "$@" >/dev/null 2>"$work/$name.err" || true
    tail -1 "$work/$name.err"
    head -c 300 "$work/$name.err" | head -2
}
export CLAIMTRACK_DB="$work/db.sqlite" CLAIMTRACK_USER=bench
measure forward "$bin" --quiet import --format jsonl forward.jsonl
measure long "$bin" --quiet import --format jsonl long.jsonl
measure endless sh -c "{ echo '{\"claimtrack\": 1}'; head -c 1073741824 /dev/zero | tr '\\0' a; } | '$bin' --quiet import --format jsonl -"
