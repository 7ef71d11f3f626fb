#!/usr/bin/env python3
"""Runs each measurement of bench/run.sh: wall time (median of RUNS) and peak memory (the
largest of the runs, from GNU time), claimtrack beside the sqlite3 shell on the same rows.
Usage: measure.py CLAIMTRACK GEN WORKDIR RUNS SIZE..."""
import json
import csv
import os
import re
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time

CT, GEN, WORK, RUNS = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
# A claimtrack built before its own tokenising (unicode61 index), to import the same rows.
BASELINE = os.environ.get("BASELINE_CLAIMTRACK")
SIZES = [int(s) for s in sys.argv[5:]]
SMOKE = bool(os.environ.get("BENCH_SMOKE"))
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The issue's yardstick: the sqlite3 shell loading the claim rows as CSV into one plain STRICT
# table, four indexes and an FTS5 index over the quote built after (its header says how).
REF_IMPORT = os.environ.get("REF_IMPORT", os.path.join(ROOT, "..", "shared", "bench", "ref_import.sql"))
# What the reconcile rows run: only the findings that changed are printed, so the time is the
# reconcile's, not the printing of every finding (`claimtrack findings` lists those).
RECONCILE = ["-q", "reconcile", "--changed"]


def timed(cmd, stdin=None, env=None):
    """(seconds, peak KiB) of one run; fails loudly if the command does."""
    t0 = time.perf_counter()
    out = subprocess.run(["/usr/bin/time", "-f", "%M", *cmd], stdin=stdin, capture_output=True, text=True, env=env)
    elapsed = time.perf_counter() - t0
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{out.stderr}")
    peak = int(out.stderr.strip().splitlines()[-1])
    return elapsed, peak


def median_of(make_cmd, prepare=None, stdin_path=None):
    times, peaks = [], []
    for _ in range(RUNS):
        if prepare:
            prepare()
        stdin = open(stdin_path) if stdin_path else None
        t, m = timed(make_cmd(), stdin=stdin)
        times.append(t)
        peaks.append(m)
    return statistics.median(times), max(peaks)


def fresh(path):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


def schema_only(path):
    """An empty claimtrack database (all migrations applied), for the sqlite3 reference."""
    fresh(path)
    empty = os.path.join(WORK, "empty.jsonl")
    with open(empty, "w") as f:
        f.write('{"claimtrack": 1}\n')
    subprocess.run([CT, "--db", path, "-q", "import", empty], check=True)


TABLES = ["party", "source", "source_derivation", "proposition", "proposition_expected", "claim", "request", "retraction"]


def reference_script(csv_dir, db):
    """The sqlite3 shell's fastest load of the same rows: secondary indexes and the text
    index dropped, one transaction of .import, then the indexes and the text index built."""
    con = sqlite3.connect(db)
    indexes = con.execute("SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL").fetchall()
    triggers = con.execute("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND name LIKE '%_search%'").fetchall()
    con.close()
    lines = ["PRAGMA journal_mode=WAL;", "PRAGMA synchronous=NORMAL;", "PRAGMA foreign_keys=ON;"]
    lines += [f"DROP INDEX {name};" for name, _ in indexes]
    lines += [f"DROP TRIGGER {name};" for name, _ in triggers]
    lines.append("BEGIN;")
    # .import into a staging table (text columns), then one INSERT ... SELECT per table: the
    # STRICT tables take empty cells as NULL, not as text.
    con = sqlite3.connect(db)
    for table in TABLES:
        path = os.path.join(csv_dir, f"{table}.csv")
        if not os.path.exists(path):
            continue
        # The CSV's own header: the table may have columns the generator leaves empty.
        with open(path, newline="") as f:
            cols = next(csv.reader(f))
        lines.append(f".import --csv --schema temp {path} stage_{table}")
        values = ", ".join(f"NULLIF({c}, '')" for c in cols)
        lines.append(f"INSERT INTO {table} ({', '.join(cols)}) SELECT {values} FROM temp.stage_{table};")
    con.close()
    lines.append("COMMIT;")
    lines += [f"{sql};" for _, sql in indexes]
    lines += [f"{sql};" for _, sql in triggers]
    # The shell cannot make claimtrack's index terms (they are made in Rust), so it builds the
    # full-text index SQLite can build alone, over the same texts: unicode61, as claimtrack did
    # before its own tokenising.
    lines.append("CREATE VIRTUAL TABLE ref_search USING fts5 (kind UNINDEXED, record UNINDEXED, text, "
                 "tokenize = 'unicode61 remove_diacritics 2');")
    lines.append("INSERT INTO ref_search (kind, record, text) "
                 "SELECT 'claim', id, trim(coalesce(quote, '') || char(10) || coalesce(note, '')) FROM claim "
                 "UNION ALL SELECT 'proposition', id, text FROM proposition "
                 "UNION ALL SELECT 'party', id, name FROM party UNION ALL SELECT 'source', id, title FROM source;")
    return "\n".join(lines) + "\n"


def search_queries():
    """(what it shows, query) for the search timings, from the generator's vocabulary."""
    words = {}
    for line in subprocess.run([GEN, "--words"], capture_output=True, text=True, check=True).stdout.splitlines():
        lang, rank, word = line.split("\t")
        words[(lang, int(rank))] = word
    return [
        ("selective: a rare English word", words[("en", 2000)]),
        ("selective: two mid-frequency words", f"{words[('en', 300)]} {words[('en', 400)]}"),
        ("selective: a Chinese substring", words[("zh", 1000)]),
        ("the commonest English word, top 20", words[("en", 0)]),
        ("the commonest Russian word in any form, top 20", words[("ru", 0)]),
    ]


def index_size(db, pattern):
    """MiB of the tables and indexes whose names match `pattern` (LIKE), and of the file."""
    con = sqlite3.connect(db)
    size = con.execute("SELECT sum(pgsize) FROM dbstat WHERE name LIKE ? OR name LIKE ?",
                       (pattern, f"sqlite_autoindex_{pattern}")).fetchone()[0] or 0
    total = con.execute("SELECT sum(pgsize) FROM dbstat").fetchone()[0]
    con.close()
    return size / 2**20, total / 2**20


def claims_csv(csv_dir, out_dir):
    """The claim rows as ref_import.sql reads them: no header; id, proposition, party, stance,
    source, stated, quote, confidence."""
    os.makedirs(out_dir, exist_ok=True)
    cols = ["id", "proposition", "party", "stance", "source", "stated", "quote", "confidence"]
    with open(os.path.join(csv_dir, "claim.csv"), newline="") as f, \
            open(os.path.join(out_dir, "claims.csv"), "w", newline="") as out:
        rows = csv.DictReader(f)
        w = csv.writer(out)
        for r in rows:
            w.writerow([r[c] for c in cols])


def interactive(db, ref_db, n):
    """Process start to exit, median of RUNS, for the commands a person types. The sqlite3
    shell's one insert goes into the reference database (the same rows and indexes): a row
    written behind claimtrack's back makes it refuse to write (the check at every open)."""
    env = dict(os.environ)
    results = {}
    con = sqlite3.connect(db)
    claim = con.execute("SELECT id FROM claim WHERE id = 'claim-7'").fetchone()[0]
    prop = con.execute("SELECT proposition FROM claim WHERE id = ?", (claim,)).fetchone()[0]
    con.close()
    counter = [0]

    def add():
        counter[0] += 1
        return [CT, "--db", db, "-q", "claim", "add", "--prop", prop, "--party", "party-1", "--stance", "denies",
                "--source", "source-1", "--quote", f"bench claim {counter[0]} über die Brücke"]

    results["claim add"] = median_of(add)
    ref = [0]

    def sqlite_insert():
        ref[0] += 1
        return ["sqlite3", ref_db, f"INSERT INTO claim (id, proposition, party, stance, source, quote, logged_by, recorded) "
                f"VALUES ('ref-{ref[0]}', '{prop}', 'party-1', 'denies', 'source-1', 'ref', 'bench', '2025-10-01T12:00:00.000000Z');"]

    results["sqlite3 one insert"] = median_of(sqlite_insert)
    results["reconcile after one claim add"] = median_of(lambda: [CT, "--db", db, *RECONCILE],
                                                         prepare=lambda: subprocess.run(add(), check=True))
    results["report --prop"] = median_of(lambda: [CT, "--db", db, "report", "--prop", prop, "--format", "json"])
    results["trace"] = median_of(lambda: [CT, "--db", db, "trace", claim])
    for name, query in search_queries():
        results[f"search {name}"] = median_of(lambda: [CT, "--db", db, "search", query, "--limit", "20"])
    results["matrix --tag (50 propositions)"] = median_of(lambda: [CT, "--db", db, "matrix", "--tag", "tag-7"])
    results["findings --state open, first page (--limit 20)"] = median_of(
        lambda: [CT, "--db", db, "findings", "--state", "open", "--limit", "20", "--format", "json"])
    results["findings --state open (every open finding)"] = median_of(
        lambda: [CT, "--db", db, "findings", "--state", "open", "--format", "json"])
    results["PRAGMA integrity_check (sqlite3)"] = median_of(lambda: ["sqlite3", db, "PRAGMA integrity_check"])
    results["verify"] = median_of(lambda: [CT, "--db", db, "-q", "verify"])
    copy = os.path.join(WORK, "backup.db")
    results["backup"] = median_of(lambda: [CT, "--db", db, "-q", "backup", copy], prepare=lambda: fresh(copy))
    fresh(copy)
    return results


def main():
    report = {}
    for n in SIZES:
        jsonl = os.path.join(WORK, f"{n}.jsonl")
        csv_dir = os.path.join(WORK, f"{n}-csv")
        with open(jsonl, "w") as f:
            subprocess.run([GEN, "--claims", str(n), "--seed", "1"], stdout=f, check=True)
        subprocess.run([GEN, "--claims", str(n), "--seed", "1", "--csv", csv_dir], check=True)
        db = os.path.join(WORK, f"{n}.db")
        ref_db = os.path.join(WORK, f"{n}-ref.db")
        row = {}
        # The story enters the database two days before the interactive commands, so that a
        # one-day window of `changes` holds only a day's work, not the whole import.
        os.environ["CLAIMTRACK_NOW"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() - 2 * 86400))
        row["import (claimtrack)"] = median_of(lambda: [CT, "--db", db, "-q", "import", jsonl], prepare=lambda: fresh(db))
        bulk_db = os.path.join(WORK, f"{n}-bulk.db")
        row["import --bulk (claimtrack)"] = median_of(lambda: [CT, "--db", bulk_db, "-q", "import", "--bulk", jsonl],
                                                      prepare=lambda: fresh(bulk_db))
        if BASELINE:
            old_db = os.path.join(WORK, f"{n}-baseline.db")
            row["import (before: unicode61 index)"] = median_of(lambda: [BASELINE, "--db", old_db, "-q", "import", jsonl],
                                                                prepare=lambda: fresh(old_db))
        script = None

        def prepare_ref():
            nonlocal script
            schema_only(ref_db)
            script = reference_script(csv_dir, ref_db)
            with open(os.path.join(WORK, "ref.sql"), "w") as f:
                f.write(script)
        row["import (sqlite3 shell, claimtrack's tables)"] = median_of(lambda: ["sqlite3", ref_db], prepare=prepare_ref,
                                                                       stdin_path=os.path.join(WORK, "ref.sql"))
        ref_dir = os.path.join(WORK, f"{n}-ref")
        claims_csv(csv_dir, ref_dir)
        issue_ref = os.path.join(ref_dir, "ref.db")
        if os.path.exists(REF_IMPORT):
            row["import reference (ref_import.sql)"] = median_of(
                lambda: ["sh", "-c", f"cd {ref_dir} && sqlite3 ref.db < {os.path.abspath(REF_IMPORT)}"],
                prepare=lambda: fresh(issue_ref))
        else:
            print(f"(no {REF_IMPORT}: the issue's reference import is left out; set REF_IMPORT)", file=sys.stderr)
        con = sqlite3.connect(db)
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("claim", "search", "event")}
        ref = sqlite3.connect(ref_db)
        ref_counts = {t: ref.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("claim", "ref_search")}
        con.close()
        ref.close()
        if counts["claim"] != n or ref_counts["claim"] != n or counts["search"] != ref_counts["ref_search"]:
            raise SystemExit(f"incomplete import at {n}: claimtrack {counts}, sqlite3 {ref_counts}")
        row["reconcile (first run: stores every finding)"] = timed([CT, "--db", db, *RECONCILE])
        row["reconcile (re-run, nothing changed)"] = median_of(lambda: [CT, "--db", db, *RECONCILE])
        row["reconcile --full (every proposition read again)"] = median_of(lambda: [CT, "--db", db, *RECONCILE, "--full"])
        del os.environ["CLAIMTRACK_NOW"]
        if not SMOKE:
            row.update(interactive(db, ref_db, n))
            # A day's work: a hundred more claims on a hundred propositions, then what changed.
            for i in range(2, 102):
                subprocess.run([CT, "--db", db, "-q", "claim", "add", "--prop", f"prop-{i}", "--party", f"party-{i % 40}",
                                "--stance", "denies", "--source", f"source-{i}", "--quote", f"day {i}"],
                               check=True, capture_output=True)
            row["changes --since 1d (a day: 100 claims, 1 reconcile)"] = median_of(
                lambda: [CT, "--db", db, "changes", "--since", "1d", "--format", "json"])
        shutil.rmtree(ref_dir)
        report[n] = row
        print(f"\n### {n:,} claims ({os.path.getsize(jsonl) / 1e6:.0f} MB of JSON Lines; {counts['event']:,} audit events)\n")
        print("| operation | median s | peak MiB |\n|---|---:|---:|")
        for name, (t, m) in row.items():
            print(f"| {name} | {t:.3f} | {m / 1024:.0f} |")
        if "import reference (ref_import.sql)" in row:
            ratio = row["import (claimtrack)"][0] / row["import reference (ref_import.sql)"][0]
            print(f"\nimport ratio claimtrack / reference (ref_import.sql): {ratio:.2f}x (target 1.5x)")
            ratio = row["import --bulk (claimtrack)"][0] / row["import reference (ref_import.sql)"][0]
            print(f"import --bulk ratio claimtrack / reference (ref_import.sql): {ratio:.2f}x (target 1.5x)")
        ratio = row["import (claimtrack)"][0] / row["import (sqlite3 shell, claimtrack's tables)"][0]
        print(f"import ratio claimtrack / sqlite3 shell into claimtrack's tables: {ratio:.2f}x")
        index, total = index_size(db, "search%")
        print(f"full-text index (search, search_record): {index:.1f} MiB of a {total:.1f} MiB database")
        if BASELINE:
            ratio = row["import (claimtrack)"][0] / row["import (before: unicode61 index)"][0]
            print(f"import ratio with / without claimtrack's tokenising: {ratio:.2f}x")
            index, total = index_size(old_db, "search%")
            print(f"before: full-text index {index:.1f} MiB of a {total:.1f} MiB database")
            fresh(old_db)
        if "claim add" in row:
            print(f"claim add ratio to one sqlite3 insert: {row['claim add'][0] / row['sqlite3 one insert'][0]:.2f}x (target 2x)")
            check = row["PRAGMA integrity_check (sqlite3)"][0]
            print(f"verify / integrity_check: {row['verify'][0] / check:.2f}x; backup / integrity_check: "
                  f"{row['backup'][0] / check:.2f}x (target 3x)")
        sys.stdout.flush()
        os.remove(jsonl)
        shutil.rmtree(csv_dir)
    if SMOKE:
        print(f"\n{len(SIZES)} passed, 0 failed")
    with open(os.path.join(WORK, "..", "claimtrack-bench.json"), "w") as f:
        json.dump({str(k): {n: list(v) for n, v in r.items()} for k, r in report.items()}, f, indent=1)


if __name__ == "__main__":
    main()
