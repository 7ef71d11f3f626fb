#!/usr/bin/env python3
"""The floors: how long the sqlite3 shell alone takes to write the rows claimtrack writes, its
fastest way, with none of claimtrack's own work (parsing, checking, hashing the audit log,
making index terms, reading the story). A yardstick for issue 27's targets, beside
shared/bench/ref_import.sql (which loads the claim rows alone into one plain table).

  * import floor: an empty claimtrack database (every migration applied) given every row of
    a database claimtrack imported (the audit log, the records, the tallies, the search
    index's records and terms), secondary indexes and triggers set aside and made again
    after, the full-text index built from the terms in one statement with claimtrack's
    buffer (src/store/search.rs), in one transaction;
  * first-reconcile floor: a copy of that imported database given the rows a first
    `claimtrack reconcile` wrote (findings, what they are about, their first triage steps,
    each proposition's reading, positions, the batch event), the finding indexes and the
    insert triggers set aside and made again after, in one transaction.

Both with claimtrack's pragmas (WAL, synchronous NORMAL, foreign keys on, a 32 MiB cache),
timed from process start to exit with GNU time (the checkpoint included).

Usage: floors.py CLAIMTRACK STORY.jsonl WORKDIR [RUNS [CSV_DIR]]
  CSV_DIR: a folder holding the same story's claims.csv as ref_import.sql reads it (no header;
  bench/measure.py's claims_csv writes one); the issue's yardstick is then timed too.
Needs: sqlite3 (the shell), /usr/bin/time (GNU). Prints a Markdown table.
"""
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
from datetime import datetime, timedelta, timezone

CT, STORY, WORK = sys.argv[1], sys.argv[2], sys.argv[3]
RUNS = int(sys.argv[4]) if len(sys.argv) > 4 else 3
CSV_DIR = sys.argv[5] if len(sys.argv) > 5 else None
REF_IMPORT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "bench", "ref_import.sql")
PRAGMAS = ["PRAGMA journal_mode=WAL;", "PRAGMA synchronous=NORMAL;", "PRAGMA foreign_keys=ON;",
           "PRAGMA cache_size=-32768;"]
# The rows a first reconcile writes, parents first. finding_about is written by a trigger on
# finding, which is set aside here with the others and its rows copied.
RECONCILED = ["finding", "finding_about", "finding_triage", "proposition_outcome", "position", "reconcile_state"]
# The settled tables the shell replaces whole rather than appends to.
SINGLE_ROWS = ["tally", "chain_head", "reconcile_state"]


def env(hours_back):
    """claimtrack's environment, the clock pinned as bench/run.sh pins it."""
    now = datetime.now(timezone.utc) - timedelta(hours=hours_back)
    return dict(os.environ, CLAIMTRACK_USER="bench", NO_COLOR="1", CLAIMTRACK_NOW=now.strftime("%Y-%m-%dT%H:%M:%SZ"))


def fresh(path):
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)


def timed(cmd, stdin=None, environ=None, cwd=None):
    """(wall s, CPU s, peak MiB) of one run; fails loudly if the command does."""
    out = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", *cmd], stdin=stdin, capture_output=True,
                         text=True, env=environ, cwd=cwd)
    if out.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{out.stderr}")
    wall, user, system, kib = out.stderr.strip().splitlines()[-1].split()
    return float(wall), float(user) + float(system), int(kib) / 1024


def schema_parts(db, tables):
    """The secondary indexes and the triggers on `tables` (None: every table), as (name, SQL)."""
    con = sqlite3.connect(db)
    rows = con.execute("SELECT type, name, tbl_name, sql FROM sqlite_schema "
                       "WHERE type IN ('index', 'trigger') AND sql IS NOT NULL").fetchall()
    con.close()
    keep = [r for r in rows if tables is None or r[2] in tables]
    return [(n, s) for t, n, _, s in keep if t == "index"], [(n, s) for t, n, _, s in keep if t == "trigger"]


def copy_script(source, target_db, tables, search):
    """The shell's script copying `tables` (in order) from `source` into `target_db`."""
    indexes, triggers = schema_parts(target_db, None if search else tables)
    lines = [*PRAGMAS, f"ATTACH '{source}' AS src;", "BEGIN;"]
    lines += [f'DROP INDEX "{n}";' for n, _ in indexes]
    lines += [f'DROP TRIGGER "{n}";' for n, _ in triggers]
    if not search:
        # The reconcile's batch event, which its triage steps name.
        lines.append("INSERT INTO main.event SELECT * FROM src.event WHERE seq > (SELECT max(seq) FROM main.event);")
    for t in tables:
        if t in SINGLE_ROWS:
            lines.append(f'DELETE FROM main."{t}";')
        lines.append(f'INSERT INTO main."{t}" SELECT * FROM src."{t}";')
    if search:
        lines += ["INSERT INTO main.search_record SELECT * FROM src.search_record;",
                  "INSERT INTO main.search (search, rank) VALUES ('hashsize', 16777216);",
                  "INSERT INTO main.search (rowid, words, stems) SELECT rowid, words, stems FROM src.search;",
                  "DELETE FROM main.search_config WHERE k = 'hashsize';"]
    else:
        lines += ["UPDATE main.tally SET n = (SELECT n FROM src.tally t WHERE t.tbl = tally.tbl);",
                  "DELETE FROM main.chain_head;", "INSERT INTO main.chain_head SELECT * FROM src.chain_head;"]
    lines += [f"{s};" for _, s in indexes] + [f"{s};" for _, s in triggers]
    lines.append("COMMIT;")
    return "\n".join(lines) + "\n"


def imported_tables(db):
    """The tables an import wrote, parents first: the audit log, then the records."""
    con = sqlite3.connect(db)
    names = [r[0] for r in con.execute(
        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%' "
        "AND name NOT LIKE 'search%' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY rootpage")]
    filled = [n for n in names if con.execute(f'SELECT EXISTS (SELECT 1 FROM "{n}")').fetchone()[0]]
    con.close()
    order = ["event", "party", "source", "source_derivation", "proposition", "proposition_expected", "claim"]
    return [t for t in order if t in filled] + [t for t in filled if t not in order]


def same_rows(expected, got, tables):
    """Fails unless the shell's copy holds as many rows in each table as claimtrack wrote."""
    for table in tables:
        counts = []
        for db in (expected, got):
            con = sqlite3.connect(db)
            counts.append(con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])
            con.close()
        if counts[0] != counts[1]:
            raise SystemExit(f"{table}: claimtrack wrote {counts[0]} rows, the shell's copy holds {counts[1]}")


def median_run(cmd, script_path, prepare, environ=None):
    runs = []
    for _ in range(RUNS):
        prepare()
        with open(script_path) if script_path else open(os.devnull) as stdin:
            runs.append(timed(cmd, stdin=stdin, environ=environ))
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs), max(r[2] for r in runs)


def main():
    os.makedirs(WORK, exist_ok=True)
    empty, imported, reconciled, target = (os.path.join(WORK, n) for n in
                                           ("empty.db", "imported.db", "reconciled.db", "target.db"))
    story_empty = os.path.join(WORK, "empty.jsonl")
    with open(story_empty, "w") as f:
        f.write('{"claimtrack": 1}\n')
    fresh(empty)
    subprocess.run([CT, "--db", empty, "-q", "import", story_empty], check=True, env=env(49))

    def into_new():
        fresh(imported)

    rows = []
    if CSV_DIR:
        ref = os.path.join(CSV_DIR, "ref.db")
        runs = []
        for _ in range(RUNS):
            fresh(ref)
            with open(REF_IMPORT) as stdin:
                runs.append(timed(["sqlite3", ref], stdin=stdin, cwd=CSV_DIR))
        rows.append(("import reference (ref_import.sql)", (statistics.median(r[0] for r in runs),
                                                           statistics.median(r[1] for r in runs),
                                                           max(r[2] for r in runs))))

    rows.append(("claimtrack import", median_run([CT, "--db", imported, "-q", "import", STORY], None,
                                                  into_new, env(49))))

    def copy_of(src):
        def prepare():
            fresh(target)
            shutil.copy(src, target)
        return prepare

    def first_reconcile():
        fresh(reconciled)
        shutil.copy(imported, reconciled)

    rows.append(("claimtrack first reconcile",
                 median_run([CT, "--db", reconciled, "-q", "reconcile"], None, first_reconcile, env(48))))
    script = os.path.join(WORK, "import_floor.sql")
    with open(script, "w") as f:
        f.write(copy_script(imported, empty, imported_tables(imported), search=True))
    rows.append(("import floor (sqlite3 shell, the same rows)", median_run(["sqlite3", target], script,
                                                                           copy_of(empty))))
    same_rows(imported, target, imported_tables(imported) + ["search_record"])
    script = os.path.join(WORK, "reconcile_floor.sql")
    with open(script, "w") as f:
        f.write(copy_script(reconciled, imported, RECONCILED, search=False))
    rows.append(("first-reconcile floor (sqlite3 shell, the same rows)",
                 median_run(["sqlite3", target], script, copy_of(imported))))
    same_rows(reconciled, target, RECONCILED + ["event"])
    print(f"| {os.path.basename(STORY)}, median of {RUNS} | wall s | CPU s | peak MiB |")
    print("|---|---:|---:|---:|")
    for what, (wall, cpu, mib) in rows:
        print(f"| {what} | {wall:.2f} | {cpu:.2f} | {mib:.0f} |")


if __name__ == "__main__":
    main()
