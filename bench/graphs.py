#!/usr/bin/env python3
"""Source graphs that once overflowed the stack or took memory with the square of their size
(issue 19, items 7-9), as JSON Lines bundles, and the time and peak memory of every command
that walks them.

    python3 bench/graphs.py CLAIMTRACK SOURCES [SHAPE...]
        e.g. python3 bench/graphs.py target/release/claimtrack 100000 chain diamond comb

Shapes, each with about SOURCES sources and one claim read in the last one:
    chain    s_i derived from s_(i-1)
    diamond  levels of two: a_i and b_i each derived from both a_(i-1) and b_(i-1)
    comb     N roots, and a chain d_i derived from d_(i-1) and root_i

Each command runs under a 4 GiB address-space limit and a timeout (300 s, or BENCH_TIMEOUT
seconds), so that a binary that blows up reports it rather than taking the machine down.
Prints a Markdown table.
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


def sources(shape, n):
    """The (id, derived_from) of each source of a shape, roots first."""
    if shape == "chain":
        return [(f"s{i}", [f"s{i - 1}"] if i else []) for i in range(n)]
    if shape == "diamond":
        out = []
        for level in range(n // 2):
            up = [f"a{level - 1}", f"b{level - 1}"] if level else []
            out += [(f"a{level}", up), (f"b{level}", up)]
        return out
    if shape == "comb":
        half = n // 2
        roots = [(f"root{i}", []) for i in range(half)]
        return roots + [(f"d{i}", [f"root{i}"] + ([f"d{i - 1}"] if i else [])) for i in range(half)]
    raise SystemExit(f"unknown shape {shape!r}: use chain, diamond or comb")


def bundle(shape, n, path):
    """Writes the shape as a JSON Lines bundle: two parties, one proposition, the sources and
    a claim and its denial read in the last source."""
    stamp = {"logged_by": "bench", "recorded": "2025-01-01T00:00:00Z"}
    graph = sources(shape, n)
    last = graph[-1][0]
    with open(path, "w") as f:
        f.write('{"claimtrack":1}\n')
        for pid in ("pa", "pb"):
            f.write(json.dumps({"type": "party", "id": pid, "name": pid.upper(), "kind": "media", **stamp}) + "\n")
        f.write(json.dumps({"type": "proposition", "id": "p", "text": "It happened.", "tags": ["t"], **stamp}) + "\n")
        for sid, up in graph:
            rec = {"type": "source", "id": sid, "title": f"Report {sid}", "kind": "article", **stamp}
            if up:
                rec["derived_from"] = up
            f.write(json.dumps(rec) + "\n")
        for cid, party, stance in (("c-yes", "pa", "affirms"), ("c-no", "pb", "denies")):
            f.write(json.dumps({"type": "claim", "id": cid, "proposition": "p", "party": party,
                                "stance": stance, "source": last, **stamp}) + "\n")


def limit():
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT_BYTES, LIMIT_BYTES))


def measure(ct, db, args, out_path):
    """Runs one command; returns (seconds, peak MiB, output bytes, outcome)."""
    env = dict(os.environ, CLAIMTRACK_USER="bench", NO_COLOR="1", CLAIMTRACK_NOW="2025-06-01T00:00:00Z")
    cmd = ["/usr/bin/time", "-f", "%e %M", ct, "--db", db] + args
    start = time.monotonic()
    with open(out_path, "wb") as out:
        try:
            p = subprocess.run(cmd, stdout=out, stderr=subprocess.PIPE, env=env, preexec_fn=limit,
                               timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            return time.monotonic() - start, None, os.path.getsize(out_path), f"killed after {TIMEOUT_S} s"
    lines = p.stderr.decode(errors="replace").strip().splitlines()
    secs, kib = lines[-1].split()[-2:] if lines else ("?", "0")
    outcome = "ok" if p.returncode == 0 else (lines[0][:60] if lines else f"exit {p.returncode}")
    if "Command terminated by signal" in " ".join(lines) or p.returncode < 0:
        outcome = "crashed: " + next((l for l in lines if "overflow" in l or "memory" in l), lines[0] if lines else "signal")[:60]
    return float(secs), int(kib) / 1024, os.path.getsize(out_path), outcome


COMMANDS = [
    ("import", lambda path: ["import", "--format", "jsonl", path]),
    ("reconcile", lambda _: ["reconcile"]),
    ("trace c-yes", lambda _: ["trace", "c-yes"]),
    ("report", lambda _: ["report"]),
    ("report --format json", lambda _: ["report", "--format", "json"]),
    ("matrix", lambda _: ["matrix"]),
    ("export --format prov", lambda _: ["export", "--format", "prov"]),
    ("verify", lambda _: ["verify"]),
]


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    ct, n = sys.argv[1], int(sys.argv[2])
    shapes = sys.argv[3:] or ["chain", "diamond", "comb"]
    print(f"| shape ({n:,} sources) | command | s | peak MiB | output | outcome |")
    print("|---|---|---:|---:|---:|---|")
    with tempfile.TemporaryDirectory() as work:
        for shape in shapes:
            path = os.path.join(work, f"{shape}.jsonl")
            bundle(shape, n, path)
            db = os.path.join(work, f"{shape}.db")
            for name, args in COMMANDS:
                secs, mib, size, outcome = measure(ct, db, args(path), os.path.join(work, "out"))
                peak = f"{mib:.0f}" if mib is not None else "-"
                print(f"| {shape} | `{name}` | {secs:.2f} | {peak} | {size / 1e6:.1f} MB | {outcome} |", flush=True)


if __name__ == "__main__":
    main()
