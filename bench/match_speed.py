#!/usr/bin/env python3
"""How long `claimtrack match` takes on a large archive, and whether it still finds the
proposition a post was made from.

    bench/match_speed.py CLAIMTRACK DB [QUERIES]

DB is an archive made by the generator (`examples/gen --claims 1000000 | claimtrack import
--bulk`: 1M claims, 100k propositions in seven languages). QUERIES (default 50) propositions
are drawn with a fixed seed; each becomes a post as people paste them: every fourth word
dropped, the rest reordered a little, a link, a handle, a hashtag and an emoji added. Prints
the median, 90th percentile and worst time per query (the whole process: start, open,
search, score, print) and how often the source proposition ranks first and in the top 5.
"""

import json
import random
import sqlite3
import subprocess
import sys
import time


def post_of(text, rng):
    words = text.split(" ", 1)[1].split() if text.startswith("Proposition ") else text.split()
    kept = [w for i, w in enumerate(words) if i % 4 != 3]
    if len(kept) > 3:
        i = rng.randrange(len(kept) - 1)
        kept[i], kept[i + 1] = kept[i + 1], kept[i]
    return f"BREAKING 🚨 {' '.join(kept)} @newsdesk #{kept[0]} https://t.co/{rng.randrange(10**6)}"


def main():
    claimtrack, db = sys.argv[1], sys.argv[2]
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 50
    rng = random.Random(28)
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    total = conn.execute("SELECT count(*) FROM proposition").fetchone()[0]
    ids = [f"prop-{rng.randrange(total)}" for _ in range(n)]
    texts = {i: conn.execute("SELECT text FROM proposition WHERE id = ?", (i,)).fetchone()[0] for i in ids}
    conn.close()
    env = {"CLAIMTRACK_DB": db, "CLAIMTRACK_USER": "bench", "NO_COLOR": "1", "PATH": "/usr/bin:/bin"}
    # One run first, so that the file is in the page cache as it is on a desk's machine.
    subprocess.run([claimtrack, "match", "warm up"], env=env, capture_output=True, check=True)
    times, first, top5 = [], 0, 0
    for i in ids:
        start = time.perf_counter()
        out = subprocess.run(
            [claimtrack, "match", post_of(texts[i], rng), "--format", "json"], env=env, capture_output=True, check=True
        )
        times.append(time.perf_counter() - start)
        ranked = [r["proposition"] for r in json.loads(out.stdout)]
        first += ranked[:1] == [i]
        top5 += i in ranked
    times.sort()
    ms = lambda t: f"{t * 1000:.0f} ms"
    print(f"{n} queries on {total} propositions: median {ms(times[n // 2])}, p90 {ms(times[n * 9 // 10])}, worst {ms(times[-1])}")
    print(f"source ranked first {first}/{n}, in the top 5 {top5}/{n}")


if __name__ == "__main__":
    main()
