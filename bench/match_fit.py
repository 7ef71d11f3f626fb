#!/usr/bin/env python3
"""An experiment (issue 28): would a learned re-ranking of `claimtrack match`'s candidates
rank the CLEF 2020 CheckThat! Task 2 dev split better? Fitted on the train split only.

    CLAIMTRACK=path/to/claimtrack bench/match_fit.py CLEF_DIR

CLEF_DIR as for bench/match_clef.py (its data are not part of this repository). The verified
claims are imported as there; each train and dev tweet is matched with `--limit 50
--features` (the hidden flag that prints each candidate's features: see `features` in
src/matching.rs), a pairwise logistic model (RankNet-style: the gold claim against each of
the first 20 other candidates, L2-regularised, Newton's method) is fitted on the train
tweets, and the dev split is ranked by it. Prints MAP@5 on dev as `match` ranks now and
re-ranked, and the weights. The test split is never read.
"""

import json
import math
import os
import subprocess
import sys
import tempfile
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from match_clef import average_precision, read_tsv  # noqa: E402

NEGATIVES = 20


def split(work, name):
    d = os.path.join(work, "v3.0", name)
    gold = {}
    for row in read_tsv(os.path.join(d, "tweet-vclaim-pairs.qrels")):
        if row[3].strip() == "1":
            gold.setdefault(row[0], set()).add(f"vc-{row[2]}")
    return [(t[0], t[1], gold[t[0]]) for t in read_tsv(os.path.join(d, "tweets.queries.tsv")) if t[0] in gold]


def candidates(claimtrack, env, tweets):
    rows = []
    for _, text, gold in tweets:
        out = subprocess.run(
            [claimtrack, "match", text, "--limit", "50", "--format", "json", "--features"],
            env=env, check=True, capture_output=True,
        )
        rows.append((gold, [(r["proposition"], r["features"]) for r in json.loads(out.stdout)]))
    return rows


def mean_ap(rows, weigh):
    total = 0.0
    for gold, cands in rows:
        order = sorted(range(len(cands)), key=lambda i: (-round(weigh(cands[i][1]), 9), i))
        total += average_precision([cands[i][0] for i in order], gold)
    return total / len(rows)


def fit(rows, l2):
    """Logistic regression without intercept on the differences gold - other, by Newton's
    method: the weights under which the gold claim outscores the others most often."""
    pairs = []
    for gold, cands in rows:
        others = [f for p, f in cands if p not in gold][:NEGATIVES]
        pairs += [[a - b for a, b in zip(g, o)] for p, g in cands if p in gold for o in others]
    n = len(pairs[0])
    w = [0.0] * n
    for _ in range(30):
        grad = [l2 * x for x in w]
        hess = [[l2 if i == j else 0.0 for j in range(n)] for i in range(n)]
        for x in pairs:
            p = 1 / (1 + math.exp(-max(-30.0, min(30.0, sum(a * b for a, b in zip(w, x))))))
            v = p * (1 - p)
            for i in range(n):
                if x[i]:
                    grad[i] += (p - 1) * x[i]
                    row, vi = hess[i], v * x[i]
                    for j in range(i, n):
                        row[j] += vi * x[j]
        a = [[hess[min(i, j)][max(i, j)] for j in range(n)] + [grad[i]] for i in range(n)]
        for c in range(n):
            piv = max(range(c, n), key=lambda r: abs(a[r][c]))
            a[c], a[piv] = a[piv], a[c]
            for r in range(n):
                if r != c:
                    f = a[r][c] / a[c][c]
                    a[r] = [u - f * v for u, v in zip(a[r], a[c])]
        step = [a[i][n] / a[i][i] for i in range(n)]
        w = [x - s for x, s in zip(w, step)]
        if max(abs(s) for s in step) < 1e-6:
            break
    return w


def main():
    clef = sys.argv[1]
    claimtrack = os.environ["CLAIMTRACK"]
    with tempfile.TemporaryDirectory() as work:
        zipfile.ZipFile(os.path.join(clef, "data", "v3.zip")).extractall(work)
        claims = read_tsv(os.path.join(work, "v3.0", "verified_claims.docs.tsv"))
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
        train = candidates(claimtrack, env, split(work, "train"))
        dev = candidates(claimtrack, env, split(work, "dev"))
    print(f"dev MAP@5 as match ranks: {mean_ap(dev, lambda f: 0.0):.4f}")
    for l2 in (0.1, 1.0):
        w = fit(train, l2)
        weigh = lambda f: sum(a * b for a, b in zip(w, f))  # noqa: E731
        print(f"L2 {l2}: dev {mean_ap(dev, weigh):.4f} train {mean_ap(train, weigh):.4f} weights {[round(x, 2) for x in w]}")


if __name__ == "__main__":
    main()
