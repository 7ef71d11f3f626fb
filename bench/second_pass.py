#!/usr/bin/env python3
"""The shapes issue 24 found quadratic (items 9-11), as JSON Lines bundles, and the time of
the commands that read them.

    python3 bench/second_pass.py CLAIMTRACK SHAPE N
        e.g. python3 bench/second_pass.py target/release/claimtrack props 10000

Shapes:
    props     N propositions, each affirmed and denied (two claims), one source: report,
              report --since, matrix
    cites     a chain of N claims on one proposition, each citing the one before: reconcile,
              report, trace of the last claim
    supersedes  the same chain with `supersedes`
    aliases   one correction adding N aliases to a party: the import that applies it

Each command runs under a 4 GiB address-space limit and a timeout (300 s, or BENCH_TIMEOUT
seconds). Prints one Markdown row per command: shape, N, command, seconds, peak MiB.
"""
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

LIMIT_BYTES = 4 << 30
TIMEOUT_S = int(os.environ.get("BENCH_TIMEOUT", "300"))
STAMP = {"logged_by": "bench", "recorded": "2025-01-01T00:00:00Z"}


def lines(shape, n):
    yield {"claimtrack": 1}
    yield {"type": "party", "id": "a", "name": "Alpha Ministry", "kind": "government", **STAMP}
    yield {"type": "party", "id": "b", "name": "Beta Agency", "kind": "government", **STAMP}
    yield {"type": "source", "id": "s", "title": "The archive", "kind": "article", **STAMP}
    if shape == "props":
        for i in range(n):
            yield {"type": "proposition", "id": f"p{i}", "text": f"Proposition number {i}", **STAMP}
            for party, stance in (("a", "affirms"), ("b", "denies")):
                yield {"type": "claim", "id": f"c{i}{party}", "proposition": f"p{i}", "party": party,
                       "stance": stance, "source": "s", "stated": "2025-01-01", **STAMP}
    elif shape in ("cites", "supersedes"):
        yield {"type": "proposition", "id": "p", "text": "The one proposition", **STAMP}
        for i in range(n):
            yield {"type": "claim", "id": f"c{i}", "proposition": "p", "party": "ab"[i % 2],
                   "stance": "affirms", "source": "s", "stated": "2025-01-01", **STAMP}
        for i in range(1, n):
            yield {"type": "link", "from": f"c{i}", "rel": shape, "to": f"c{i - 1}", **STAMP}
    elif shape == "aliases":
        yield {"type": "correction", "target": "a", "add": {"aliases": [f"Alias {i}" for i in range(n)]},
               "reason": "bench", **STAMP}
    else:
        raise SystemExit(f"unknown shape {shape!r}: use props, cites, supersedes or aliases")


def limit():
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT_BYTES, LIMIT_BYTES))


def run(bin_, db, args, stdin=None):
    env = dict(os.environ, CLAIMTRACK_DB=db, CLAIMTRACK_USER="bench", CLAIMTRACK_NOW="2025-06-01T00:00:00Z")
    start = time.monotonic()
    try:
        p = subprocess.run(["/usr/bin/time", "-f", "%M", bin_, *args], env=env, stdin=stdin,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=limit, timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return f"> {TIMEOUT_S}", "-"
    took = time.monotonic() - start
    err = p.stderr.decode(errors="replace").strip().splitlines()
    peak = int(err[-1]) // 1024 if err and err[-1].isdigit() else "-"
    if p.returncode != 0:
        return f"failed ({p.returncode}: {err[0] if err else ''})", peak
    return f"{took:.2f}", peak


def main():
    if len(sys.argv) != 4:
        raise SystemExit(__doc__)
    bin_, shape, n = os.path.abspath(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    with tempfile.TemporaryDirectory() as d:
        bundle, db = os.path.join(d, "bundle.jsonl"), os.path.join(d, "story.db")
        with open(bundle, "w") as f:
            for line in lines(shape if shape != "aliases" else "aliases", n):
                f.write(json.dumps(line) + "\n")
        commands = {
            "props": [["report"], ["report", "--since", "2024-01-01"], ["matrix"]],
            "cites": [["reconcile"], ["report"], ["trace", f"c{n - 1}"]],
            "supersedes": [["reconcile"], ["report"], ["trace", f"c{n - 1}"]],
            "aliases": [],
        }[shape]
        took, peak = run(bin_, db, ["import", "--format", "jsonl", bundle])
        print(f"| {shape} | {n} | import | {took} | {peak} |", flush=True)
        for args in commands:
            took, peak = run(bin_, db, args)
            print(f"| {shape} | {n} | {' '.join(args)} | {took} | {peak} |", flush=True)


if __name__ == "__main__":
    main()
