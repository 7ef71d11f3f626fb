#!/usr/bin/env python3
"""`claimtrack match` on the CLEF 2020 CheckThat! Task 2 benchmark (verified claim retrieval):
200 test tweets, each to be matched against 10,373 claims fact-checked by Snopes. MAP@5 is
the task's official measure.

    bench/match_clef.py [CLEF_DIR] [--dev]

CLEF_DIR is a checkout of https://github.com/sshaar/clef2020-factchecking-task2 (the task's
public repository: `git clone` it; its data are "free for general research use" and are not
part of claimtrack's repository). The script unzips data/v3.zip (the verified claims) and
test-input/test-input.zip (the test tweets and their gold pairs) into a temporary directory,
imports the verified claims as propositions (text: the claim; note: the fact-check's title)
into a fresh database with `import --bulk`, runs `claimtrack match TWEET --limit 5 --format
json` for each test tweet, and prints MAP@5, MRR@5, P@1 and the time per query, and beside
them a plain BM25 baseline on the same data (SQLite FTS5, Porter stemmer, the claim and the
title as two columns, the tweet's words joined by OR). With --dev it
measures on the dev split instead (v3.0/dev): any tuning is done there, never on the test
split, which is for the reported figure.

Needs: cargo, python3. Uses the release build (CARGO_TARGET_DIR or ./target), or the binary
the environment variable CLAIMTRACK names.
"""

import csv
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
import zipfile

csv.field_size_limit(1 << 24)


def read_tsv(path):
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f, delimiter="\t"))
    return rows[1:] if rows and not rows[0][0].strip().isdigit() else rows


def average_precision(ranked, relevant):
    hits, total = 0, 0.0
    for k, doc in enumerate(ranked[:5], 1):
        if doc in relevant:
            hits += 1
            total += hits / k
    return total / min(len(relevant), 5)


def bm25_baseline(claims, queries, gold):
    """MAP@5 of plain BM25 over the same claims, for comparison."""
    db = sqlite3.connect(":memory:")
    db.execute("CREATE VIRTUAL TABLE d USING fts5(id UNINDEXED, vclaim, title, tokenize='porter unicode61')")
    db.executemany("INSERT INTO d VALUES (?, ?, ?)", [(p["id"], p["text"], p.get("note", "")) for p in claims])
    ap = []
    for tweet_id, text in queries:
        words = {w.lower() for w in re.findall(r"\w+", text)}
        query = " OR ".join(f'"{w}"' for w in words)
        ranked = [r[0] for r in db.execute("SELECT id FROM d WHERE d MATCH ? ORDER BY bm25(d) LIMIT 5", (query,))]
        ap.append(average_precision(ranked, gold[tweet_id]))
    return sum(ap) / len(ap)


def main():
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    args = [a for a in sys.argv[1:] if a != "--dev"]
    dev = "--dev" in sys.argv[1:]
    clef = args[0] if args else os.path.join(repo, "..", "clef2020-factchecking-task2")
    if not os.path.isdir(clef):
        sys.exit(f"no CLEF checkout at {clef}: git clone https://github.com/sshaar/clef2020-factchecking-task2 there, or give its path")
    claimtrack = os.environ.get("CLAIMTRACK")
    if not claimtrack:
        subprocess.run(["cargo", "build", "--release", "--quiet", "--bin", "claimtrack"], cwd=repo, check=True)
        target = os.environ.get("CARGO_TARGET_DIR", os.path.join(repo, "target"))
        claimtrack = os.path.join(target, "release", "claimtrack")
    with tempfile.TemporaryDirectory() as work:
        zipfile.ZipFile(os.path.join(clef, "data", "v3.zip")).extractall(work)
        test = os.path.join(work, "v3.0", "dev") if dev else os.path.join(work, "test")
        if not dev:
            zipfile.ZipFile(os.path.join(clef, "test-input", "test-input.zip")).extractall(test)
        claims = read_tsv(os.path.join(work, "v3.0", "verified_claims.docs.tsv"))
        tweets = read_tsv(os.path.join(test, "tweets.queries.tsv"))
        gold = {}
        for row in read_tsv(os.path.join(test, "tweet-vclaim-pairs.qrels")):
            if row[3].strip() == "1":
                gold.setdefault(row[0], set()).add(f"vc-{row[2]}")
        bundle = {
            "claimtrack": 1,
            "propositions": [
                {"id": f"vc-{c[0]}", "text": c[1].strip(), **({"note": c[2].strip()} if len(c) > 2 and c[2].strip() else {})}
                for c in claims
                if c[1].strip()
            ],
        }
        path = os.path.join(work, "verified.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(bundle, f, ensure_ascii=False)
        env = dict(os.environ, CLAIMTRACK_DB=os.path.join(work, "clef.db"), CLAIMTRACK_USER="bench", NO_COLOR="1")
        subprocess.run([claimtrack, "--quiet", "import", "--bulk", path], env=env, check=True)
        ap, rr, p1, times = [], [], [], []
        queries = [(t[0], t[1]) for t in tweets if t[0] in gold]
        for tweet_id, text in queries:
            start = time.perf_counter()
            out = subprocess.run(
                [claimtrack, "match", text, "--limit", "5", "--format", "json"], env=env, check=True, capture_output=True
            )
            times.append(time.perf_counter() - start)
            ranked = [r["proposition"] for r in json.loads(out.stdout)]
            relevant = gold[tweet_id]
            first = next((k for k, prop in enumerate(ranked[:5], 1) if prop in relevant), None)
            ap.append(average_precision(ranked, relevant))
            rr.append(1 / first if first else 0.0)
            p1.append(1.0 if ranked[:1] and ranked[0] in relevant else 0.0)
        n = len(ap)
        times.sort()
        print(f"verified claims: {len(bundle['propositions'])}; {'dev' if dev else 'test'} tweets: {n}")
        print(f"MAP@5 {sum(ap) / n:.3f}  MRR@5 {sum(rr) / n:.3f}  P@1 {sum(p1) / n:.3f}")
        print(f"BM25 baseline (SQLite FTS5) MAP@5 {bm25_baseline(bundle['propositions'], queries, gold):.3f}")
        print(f"per query (process start included): median {times[n // 2] * 1000:.0f} ms, worst {times[-1] * 1000:.0f} ms")


if __name__ == "__main__":
    main()
