//! "Sealed" (issue 19): no lost data, no injected text, no false alarms, bounded memory. Each
//! test holds one promise of docs/INTEGRITY.md against the real binary: `-o` never clobbers,
//! completion scripts and the log template treat logged text as data, terminals see visible
//! escapes, JSON is safe to paste into HTML, `verify` reads one moment and never writes,
//! read-only and locked databases get the right words, and generated inputs land whole or
//! leave the database byte for byte as it was.

use crate::common::*;
use rusqlite::Connection;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

// ---------------------------------------------------------------------------------------------
// Helpers

/// The names of the files in a directory, sorted.
fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

/// The bytes of the database and of its -wal file, if any, hashed: what "byte for byte
/// unchanged" compares.
fn file_hash(path: &Path) -> String {
    let mut h = Sha256::new();
    for suffix in ["", "-wal"] {
        let mut p = path.as_os_str().to_owned();
        p.push(suffix);
        if let Ok(bytes) = std::fs::read(PathBuf::from(p)) {
            h.update(suffix.as_bytes());
            h.update(&bytes);
        }
    }
    format!("{:x}", h.finalize())
}

/// Runs the binary under `sh` with a limit on the size of any file it writes (`ulimit -f`,
/// in KiB), and SIGXFSZ ignored, so that a write past the limit fails as it would on a full
/// disk instead of killing the process.
fn with_file_limit(db: &Db, kib: u64, args: &[&str], stdin: Option<&str>) -> Outcome {
    let limit = kib.to_string();
    let mut sh = assert_cmd::Command::new("sh");
    sh.args(["-c", "trap '' XFSZ; ulimit -f \"$0\"; exec \"$@\"", &limit, env!("CARGO_BIN_EXE_claimtrack")])
        .args(args)
        .env_clear()
        .env("CLAIMTRACK_USER", USER)
        .env("CLAIMTRACK_NOW", NOW)
        .env("NO_COLOR", "1")
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("CLAIMTRACK_DB", db.path())
        .current_dir(db.dir());
    if let Some(text) = stdin {
        sh.write_stdin(text);
    }
    outcome(&mut sh)
}

/// Whether this process runs as root, who may write anything: permission tests then run
/// the binary as `nobody`.
fn root() -> bool {
    use std::os::unix::fs::MetadataExt;
    let probe = tempfile::NamedTempFile::new().unwrap();
    probe.as_file().metadata().unwrap().uid() == 0
}

/// The binary with the pinned environment, as a user who cannot write what root owns
/// (`nobody`, when the tests run as root).
fn unprivileged(db: &Db, args: &[&str]) -> Outcome {
    let bin = env!("CARGO_BIN_EXE_claimtrack");
    let mut cmd = if root() {
        let mut c = assert_cmd::Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", bin]);
        c
    } else {
        assert_cmd::Command::new(bin)
    };
    cmd.args(args)
        .env_clear()
        .env("CLAIMTRACK_USER", USER)
        .env("CLAIMTRACK_NOW", NOW)
        .env("NO_COLOR", "1")
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("CLAIMTRACK_DB", db.path())
        .current_dir(db.dir());
    outcome(&mut cmd)
}

/// Makes `path` writable (`yes`) or not for [`unprivileged`] runs. A directory: owned by
/// `nobody` or by root when root runs the tests (0755), its mode otherwise (0755 or 0555).
/// A file: its mode (0644 or 0444), owned by `nobody` when root runs the tests.
fn writable_by_tests(path: &Path, yes: bool) {
    let dir = path.is_dir();
    if root() {
        let owner = if yes || !dir { 65534 } else { 0 };
        std::os::unix::fs::chown(path, Some(owner), Some(owner)).unwrap();
    }
    let mode = match (dir, yes || (dir && root())) {
        (true, true) => 0o755,
        (true, false) => 0o555,
        (false, true) => 0o644,
        (false, false) => 0o444,
    };
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// A bundle of `n` new claims on the Kupol fixture's ids.
fn big_bundle(n: usize) -> String {
    let claims: Vec<Value> = (0..n)
        .map(|i| {
            json!({"id": format!("c-big-{i:05}"), "proposition": "p-experts-helped-kupol", "party": "reuters",
                   "stance": "affirms", "source": "s-reuters-report", "quote": format!("quote {i} {}", "lorem ".repeat(20))})
        })
        .collect();
    bundle(json!({ "claims": claims }))
}

fn claim_count(path: &Path) -> i64 {
    Connection::open(path).unwrap().query_row("SELECT count(*) FROM claim", [], |r| r.get(0)).unwrap()
}

// ---------------------------------------------------------------------------------------------
// 1. -o never replaces a file without --force, nor the database at all

#[test]
fn o_never_replaces_a_file_without_force_nor_the_database_even_with_it() {
    let db = Db::with_fixture("kupol-drones.json");
    std::os::unix::fs::symlink("story.db", db.file("link.db")).unwrap();
    std::fs::hard_link(db.path(), db.file("hard.db")).unwrap();
    let before = db.export();
    let bytes = std::fs::read(db.path()).unwrap();
    let absolute = db.path().to_str().unwrap().to_string();
    for target in ["story.db", "./story.db", "link.db", "hard.db", "story.db-wal", "story.db-shm", &absolute] {
        for command in ["export", "report"] {
            for force in [false, true] {
                let mut args = vec![command, "-o", target];
                if force {
                    args.push("--force");
                }
                let out = db.run(&args);
                assert_eq!(out.code, 1, "{args:?}: {out:#?}");
                assert_error_line(&out.stderr, &[target, "the database itself"]);
            }
        }
    }
    assert_eq!(std::fs::read(db.path()).unwrap(), bytes, "the database is byte for byte as it was");
    assert_unchanged(&before, &db.export(), "after -o at the database");

    // Another existing file: only with --force.
    let notes = db.file("notes.txt");
    std::fs::write(&notes, "my notes").unwrap();
    let out = db.run("export -o notes.txt");
    assert_eq!(out.code, 1, "{out:#?}");
    assert_error_line(&out.stderr, &["notes.txt", "already exists", "--force"]);
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "my notes");
    let out = db.run("report -o notes.txt --format markdown");
    assert_eq!(out.code, 1, "{out:#?}");
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "my notes");
    db.run("export -o notes.txt --force").success();
    assert!(std::fs::read_to_string(&notes).unwrap().starts_with('{'), "--force replaces it");
    db.run("report -o fresh.html").success();
    let mode = |name: &str| std::fs::metadata(db.file(name)).unwrap().permissions().mode() & 0o777;
    std::fs::write(db.file("plain"), "").unwrap();
    assert_eq!(mode("fresh.html"), mode("plain"), "a new file gets a plain file's permissions, not a temporary file's");
    std::fs::remove_file(db.file("plain")).unwrap();
    let mut expected = vec!["fresh.html", "hard.db", "link.db", "notes.txt", "story.db"];
    expected.sort();
    assert_eq!(files_in(db.dir()), expected, "no temporary file is left behind");
}

#[test]
fn concurrent_outputs_each_get_their_own_temporary_file() {
    // `report -o out.html` and `export -o out.json` once shared out.claimtrack-tmp.
    let db = Arc::new(Db::with_fixture("kupol-drones.json"));
    for round in 0..6 {
        let children: Vec<std::process::Child> = ["report -o out.html --force", "export -o out.json --force"]
            .iter()
            .flat_map(|c| [c, c])
            .map(|c| db.process().args(c.split(' ')).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap())
            .collect();
        for mut c in children {
            assert!(c.wait().unwrap().success(), "round {round}");
        }
        let html = std::fs::read_to_string(db.file("out.html")).unwrap();
        assert!(html.starts_with("<!DOCTYPE html>"), "round {round}: out.html holds {:?}", &html[..40.min(html.len())]);
        let json: Value = serde_json::from_str(&std::fs::read_to_string(db.file("out.json")).unwrap()).unwrap();
        assert_eq!(json["claimtrack"], 1, "round {round}: out.json holds the bundle");
    }
    // Connections that close at the same moment may each see the other still open and leave
    // SQLite's -wal and -shm behind; the next connection to close alone removes them. What this
    // test pins is that no temporary file of ours is left.
    db.ok("claim list");
    assert_eq!(files_in(db.dir()), ["out.html", "out.json", "story.db"]);
}

#[test]
fn a_failed_write_to_o_leaves_nothing_behind() {
    let db = Db::with_fixture("kupol-drones.json");
    db.import_str(&big_bundle(1000)).success();
    // The export is larger than 256 KiB (SQLite's own files are smaller): the write fails
    // as on a full disk.
    let out = with_file_limit(&db, 256, &["export", "-o", "out.json"], None);
    assert_eq!(out.code, 1, "{out:#?}");
    assert_error_line(&out.stderr, &["out.json"]);
    assert_eq!(files_in(db.dir()), ["story.db"], "the half-written temporary file is removed");
}

// ---------------------------------------------------------------------------------------------
// 2. Completion scripts treat ids as data

/// Ids that run code if a completion script evaluates them.
const HOSTILE_IDS: &[&str] = &[
    "$(touch${IFS}pwned-dollar)",
    "`touch${IFS}pwned-backtick`",
    "x;touch${IFS}pwned-semicolon;",
    "'\"$(touch${IFS}pwned-quote)\"'",
    "a|touch${IFS}pwned-pipe",
    "${IFS}$(touch${IFS}pwned-brace)",
    "*",
];

/// Ids only SQLite can hold (claimtrack refuses white space in ids), inserted behind its back.
const HOSTILE_ROWS: &[&str] = &["$(touch pwned-space)", "line\n$(touch pwned-newline)", "tab\t`touch pwned-tab`"];

/// A database holding every hostile id as a party.
fn hostile_db() -> Db {
    let db = Db::new();
    db.ok("party add ok-party --name OK --kind media");
    for id in HOSTILE_IDS {
        db.ok(&["party", "add", id, "--name", "Hostile", "--kind", "media"][..]);
    }
    let conn = Connection::open(db.path()).unwrap();
    for id in HOSTILE_ROWS {
        conn.execute(
            "INSERT INTO party (id, name, kind, logged_by, recorded) VALUES (?1, 'Row', 'media', 'x', 't')",
            [id],
        )
        .unwrap();
    }
    db
}

/// The shell, or None when it is missing (after saying so; a failure under
/// CLAIMTRACK_TEST_STRICT=1, as in CI, which installs all three).
fn shell(name: &str) -> Option<PathBuf> {
    let found = std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|dir| dir.join(name))
        .find(|p| p.is_file());
    if skip_unless(found.is_some(), &format!("the {name} completion test"), &format!("{name} (apt-get install {name})"))
    {
        return None;
    }
    found
}

/// Runs `script` in `shell` in the database's directory, with claimtrack on the PATH, and
/// checks that no hostile id ran: no file named pwned-* appeared. Returns stdout.
fn complete_in(db: &Db, shell: &Path, args: &[&str], script: &str) -> String {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_claimtrack")).parent().unwrap().to_path_buf();
    let path = std::env::join_paths(
        std::iter::once(bin_dir).chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap();
    let home = db.file("home");
    std::fs::create_dir_all(&home).unwrap();
    let out = std::process::Command::new(shell)
        .args(args)
        .arg(script)
        .env_clear()
        .env("PATH", path)
        .env("HOME", &home)
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env("XDG_DATA_HOME", home.join("data"))
        .env("CLAIMTRACK_DB", db.path())
        .env("CLAIMTRACK_USER", USER)
        .env("CLAIMTRACK_NOW", NOW)
        .current_dir(db.dir())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{shell:?} failed: {}\n{stdout}", String::from_utf8_lossy(&out.stderr));
    let pwned: Vec<String> = files_in(db.dir()).into_iter().filter(|f| f.contains("pwned")).collect();
    assert!(pwned.is_empty(), "{shell:?} ran code from an id: {pwned:?} appeared\n{stdout}");
    stdout
}

#[test]
fn bash_completion_treats_ids_as_data() {
    let Some(bash) = shell("bash") else { return };
    let db = hostile_db();
    std::fs::write(db.file("c.bash"), db.ok("completions bash")).unwrap();
    for line in ["claimtrack claim add --party ", "claimtrack --db story.db claim list --party "] {
        let words: Vec<String> = line.split(' ').map(|w| format!("{w:?}")).collect();
        let script = format!(
            "source ./c.bash; COMP_WORDS=({}); COMP_CWORD={}; _claimtrack_with_ids; \
             printf '%s\\n' \"${{COMPREPLY[@]}}\"; \
             for c in \"${{COMPREPLY[@]}}\"; do eval \"set -- $c\"; printf 'word:%s\\n' \"$1\"; done",
            words.join(" "),
            words.len() - 1
        );
        let out = complete_in(&db, &bash, &["-c"], &script);
        // Each candidate, read back by the shell as the user's line would be, is the id.
        let words: Vec<&str> = out.lines().filter_map(|l| l.strip_prefix("word:")).collect();
        for id in HOSTILE_IDS.iter().chain(["ok-party"].iter()) {
            assert!(words.contains(id), "{line:?}: {id:?} is offered as itself:\n{out}");
        }
    }
}

#[test]
fn zsh_completion_treats_ids_as_data() {
    let Some(zsh) = shell("zsh") else { return };
    let db = hostile_db();
    std::fs::write(db.file("c.zsh"), db.ok("completions zsh")).unwrap();
    // compadd as a stand-in that prints what it would offer; the script's own code runs.
    let script = "autoload -Uz compinit && compinit -u -d ./zcompdump; source ./c.zsh; \
                  compadd() { print -rl -- \"${(@P)${@[-1]}}\" }; \
                  BUFFER='claimtrack claim add --party '; _claimtrack_ids party";
    let out = complete_in(&db, &zsh, &["-f", "-c"], script);
    for id in HOSTILE_IDS.iter().chain(["ok-party"].iter()) {
        assert!(out.lines().any(|l| l == *id), "{id:?} is offered as itself:\n{out}");
    }
}

#[test]
fn fish_completion_treats_ids_as_data() {
    let Some(fish) = shell("fish") else { return };
    let db = hostile_db();
    std::fs::write(db.file("c.fish"), db.ok("completions fish")).unwrap();
    let out =
        complete_in(&db, &fish, &["--no-config", "-c"], "source ./c.fish; complete -C 'claimtrack claim add --party '");
    for id in HOSTILE_IDS.iter().chain(["ok-party"].iter()) {
        assert!(out.lines().any(|l| l.split('\t').next() == Some(*id)), "{id:?} is offered as itself:\n{out}");
    }
}

// ---------------------------------------------------------------------------------------------
// 3. The log template keeps logged text inside its comments

#[test]
fn a_logged_name_cannot_plant_claims_through_the_log_template() {
    let db = Db::new();
    let planted = |brk: &str| {
        format!("Evil{brk}[[claim]]{brk}party = \"evil\"{brk}proposition = \"p\"{brk}stance = \"affirms\"{brk}")
    };
    db.ok(&["party", "add", "evil", "--name", &planted("\n"), "--kind", "other"][..]);
    db.ok("prop add p --text P");
    db.ok("source add s --title S --kind other");
    // The editor fills in [source] with the source logged as "s" and saves.
    let log = || {
        let mut cmd = db.cmd();
        cmd.env("VISUAL", "sed -i -e 's/^id = \"\"/id = \"s\"/'").arg("log");
        let out = outcome(&mut cmd);
        assert_eq!(out.code, 0, "{out:#?}");
        assert_eq!(db.json("claim list"), json!([]), "no claim was planted: {}", out.stderr);
    };
    log();
    // Every other kind of line break, in every kind of logged text.
    db.ok(&["party", "add", "evil2", "--name", "E", "--kind", "other", "--alias", &planted("\r")][..]);
    db.ok(&["prop", "add", "p2", "--text", &planted("\r\n")][..]);
    db.ok(&["source", "add", "s2", "--title", &planted("\u{2028}"), "--kind", "other"][..]);
    db.ok(&["source", "add", "s3", "--title", &planted("\u{85}"), "--kind", "other"][..]);
    db.ok(&["source", "add", "s4", "--title", &planted("\u{0b}\u{0c}\u{2029}"), "--kind", "other"][..]);
    log();
}

// ---------------------------------------------------------------------------------------------
// 4. verify reads one moment

#[test]
fn verify_raises_no_false_alarm_while_others_write() {
    const WRITERS: usize = 4;
    const RUNS: usize = 30;
    let db = Arc::new(Db::with_fixture("kupol-drones.json"));
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (db, stop) = (Arc::clone(&db), Arc::clone(&stop));
            std::thread::spawn(move || {
                let mut i = 0;
                while !stop.load(Ordering::SeqCst) {
                    let out = db.process().args(claim_add(&format!("writer {w} claim {i}"))).output().unwrap();
                    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
                    i += 1;
                }
                i
            })
        })
        .collect();
    let mut alarms = Vec::new();
    for run in 0..RUNS {
        let out = db.run("verify");
        if out.code != 0 {
            alarms.push(format!("run {run}: {}", out.stderr.trim()));
        }
    }
    stop.store(true, Ordering::SeqCst);
    let written: usize = writers.into_iter().map(|w| w.join().unwrap()).sum();
    eprintln!("verify_raises_no_false_alarm_while_others_write: {RUNS} verifies, {written} claims written meanwhile");
    assert!(written > RUNS, "the writers wrote while verify ran ({written} claims)");
    assert!(alarms.is_empty(), "{} false alarms of {RUNS}:\n{}", alarms.len(), alarms.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// 5. -0 is 0, and numbers are finite

#[test]
fn negative_zero_is_stored_as_zero_through_every_input() {
    let db = Db::with_fixture("kupol-drones.json");
    let claim = |extra: &str| {
        format!("claim add --prop p-experts-helped-kupol --party reuters --stance affirms --source s-reuters-report {extra}")
    };
    db.ok(&*claim("--confidence -0 --quote flag"));
    db.ok(&*claim("--confidence -0.0 --quote flag2"));
    db.ok("verdict set p-experts-helped-kupol --rating -0 --best 5 --worst -0.0 --label Unproven");
    let one = |source: &str, extra: &str| {
        json!({"id": format!("c-zero-{source}"), "proposition": "p-experts-helped-kupol", "party": "reuters",
               "stance": "affirms", "source": "s-reuters-report", "quote": source})
        .to_string()
        .replace('}', &format!(",{extra}}}"))
    };
    db.import_str(&format!("{{\"claimtrack\": 1, \"claims\": [{}]}}", one("bundle", "\"confidence\": -0.0"))).success();
    let jsonl = format!("{{\"claimtrack\": 1}}\n{}\n", one("jsonl", "\"confidence\": -0.0, \"type\": \"claim\""));
    db.run_with(&["import", "--format", "jsonl", "-"][..], Some(&jsonl)).success();
    let csv = "id,proposition,party,stance,source,confidence\nc-zero-csv,p-experts-helped-kupol,reuters,affirms,s-reuters-report,-0\n";
    db.run_with(&["import", "--format", "csv", "-"][..], Some(csv)).success();
    let log = "[source]\nid = \"s-reuters-report\"\n\n[[claim]]\nparty = \"reuters\"\nproposition = \"p-experts-helped-kupol\"\nstance = \"denies\"\nconfidence = -0.0\n";
    db.run_with(&["log", "--from", "-"][..], Some(log)).success();

    let history = db.ok("history --format json");
    for field in ["confidence", "rating", "worst"] {
        assert!(!history.contains(&format!("\"{field}\": -")), "no -0 {field} in the audit log");
    }
    let claims = db.ok("claim list --format json");
    assert!(!claims.contains("\"confidence\": -"), "no -0 in the claims: {claims}");
    assert_eq!(db.json("claim list").as_array().unwrap().iter().filter(|c| c["confidence"] == 0.0).count(), 6);
    let line = db.ok("verify");
    assert!(line.starts_with("sound: "), "{line}");
    db.ok("backup copy.db");
}

#[test]
fn non_finite_numbers_are_refused_everywhere() {
    let db = Db::with_fixture("kupol-drones.json");
    let claim = "claim add --prop p-experts-helped-kupol --party reuters --stance affirms --source s-reuters-report";
    for bad in ["inf", "NaN", "infinity"] {
        assert_refused(&db, &*format!("{claim} --confidence {bad}"), None, 2, &["--confidence", bad]);
        for flag in ["--rating", "--best", "--worst"] {
            let mut args = vec!["verdict", "set", "p-experts-helped-kupol", "--label", "L"];
            for (f, v) in [("--rating", "1"), ("--best", "5"), ("--worst", "1")] {
                args.extend([f, if f == flag { bad } else { v }]);
            }
            assert_refused(&db, &args, None, 2, &[flag, bad]);
        }
    }
    for (toml, what) in [("inf", "inf"), ("nan", "NaN"), ("-inf", "inf")] {
        let log = format!(
            "[source]\nid = \"s-reuters-report\"\n\n[[claim]]\nparty = \"reuters\"\nproposition = \"p-experts-helped-kupol\"\nstance = \"denies\"\nconfidence = {toml}\n"
        );
        assert_refused(&db, "log --from -", Some(&log), 1, &["line 8", "confidence", what]);
    }
    let csv =
        "proposition,party,stance,source,confidence\np-experts-helped-kupol,reuters,affirms,s-reuters-report,inf\n";
    assert_refused(&db, "import --format csv -", Some(csv), 1, &["line 2", "confidence"]);
    let big = r#"{"claimtrack": 1, "verdicts": [{"proposition": "p-experts-helped-kupol", "rating": 1e999, "best": 5, "worst": 1, "label": "L"}]}"#;
    assert_refused(&db, "import -", Some(big), 1, &["number out of range"]);
}

// ---------------------------------------------------------------------------------------------
// 6. verify never writes, and refuses what is not a whole claimtrack database

#[test]
fn verify_never_writes_not_even_the_journal_mode() {
    let db = Db::with_fixture("kupol-drones.json");
    Connection::open(db.path()).unwrap().pragma_update(None, "journal_mode", "DELETE").unwrap();
    let bytes = std::fs::read(db.path()).unwrap();
    assert_eq!(bytes[18..20], [1, 1], "the file is in rollback-journal mode");
    let line = db.ok("verify");
    assert!(line.starts_with("sound: "), "{line}");
    assert_eq!(std::fs::read(db.path()).unwrap(), bytes, "verify left the file byte for byte as it was");
    assert_eq!(files_in(db.dir()), ["story.db"]);
}

#[test]
fn verify_refuses_an_empty_truncated_or_foreign_file() {
    let db = Db::new();
    std::fs::write(db.path(), b"").unwrap();
    let out = db.run("verify");
    assert_eq!(out.code, 1, "{out:#?}");
    assert_error_line(&out.stderr, &["story.db", "empty"]);
    assert_eq!(std::fs::read(db.path()).unwrap(), b"", "verify wrote nothing into the empty file");
    assert_eq!(files_in(db.dir()), ["story.db"]);

    // The first half of a sound database, as a copy cut short leaves it.
    let whole = Db::with_fixture("kupol-drones.json");
    let bytes = std::fs::read(whole.path()).unwrap();
    for cut in [bytes.len() / 2, 4096, 100] {
        std::fs::write(db.path(), &bytes[..cut]).unwrap();
        let out = db.run("verify");
        assert_eq!(out.code, 1, "cut at {cut}: {out:#?}");
        assert!(out.stdout.is_empty() && out.stderr.starts_with("error: "), "cut at {cut}: {out:#?}");
        assert_eq!(std::fs::read(db.path()).unwrap(), &bytes[..cut], "cut at {cut}: verify wrote");
    }

    // Another program's SQLite database.
    std::fs::remove_file(db.path()).unwrap();
    Connection::open(db.path())
        .unwrap()
        .execute_batch("CREATE TABLE notes (x); INSERT INTO notes VALUES (1);")
        .unwrap();
    let before = std::fs::read(db.path()).unwrap();
    let out = db.run("verify");
    assert_eq!(out.code, 1, "{out:#?}");
    assert_error_line(&out.stderr, &["not a claimtrack one"]);
    assert_eq!(std::fs::read(db.path()).unwrap(), before);
}

#[test]
fn a_killed_or_failed_backup_never_leaves_a_copy_that_verifies() {
    let db = Db::with_fixture("kupol-drones.json");
    db.import_str(&big_bundle(3000)).success();
    let claims = claim_count(db.path());
    // Killed at moments spread over one backup's length.
    let timer = Instant::now();
    db.ok("backup whole.db");
    let full = timer.elapsed();
    let (mut absent, mut whole) = (0, 0);
    for k in 0..12 {
        let target = format!("killed-{k}.db");
        let mut child =
            db.process().args(["backup", &target]).stdout(Stdio::null()).stderr(Stdio::null()).spawn().unwrap();
        std::thread::sleep(full.mul_f64(k as f64 / 10.0));
        let _ = child.kill();
        child.wait().unwrap();
        let copy = db.file(&target);
        if copy.exists() {
            let out = db.run(&["--db", copy.to_str().unwrap(), "verify"][..]);
            assert!(out.stdout.starts_with("sound: "), "kill {k}: a copy that exists is whole and sound: {out:#?}");
            assert_eq!(claim_count(&copy), claims, "kill {k}: the copy holds every claim");
            whole += 1;
        } else {
            absent += 1;
        }
    }
    eprintln!("a_killed_or_failed_backup: {absent} kills left no copy, {whole} a whole one (one backup: {full:.2?})");

    // A disk that fills up during the copy: an error, and no copy.
    let out = with_file_limit(&db, 256, &["backup", "full.db"], None);
    assert_eq!(out.code, 1, "{out:#?}");
    assert_error_line(&out.stderr, &["full.db", "disk is full"]);
    assert!(!db.file("full.db").exists(), "no copy after a failed backup");
    assert!(files_in(db.dir()).iter().all(|f| !f.starts_with(".full.db.")), "{:?}", files_in(db.dir()));
}

// ---------------------------------------------------------------------------------------------
// 10. Terminals see control characters as visible escapes

#[test]
fn control_characters_reach_terminals_as_visible_escapes() {
    let db = Db::new();
    let name = "Evil\u{1b}[2J\u{1b}]0;owned\u{7}\rX\u{202e}gnp.exe\u{200b}\u{9b}31m\u{7f}";
    db.ok(&["party", "add", "evil", "--name", name, "--kind", "media", "--alias", name][..]);
    db.ok(&["source", "add", "s", "--title", name, "--kind", "article"][..]);
    db.ok(&["prop", "add", "p", "--text", name, "--expect", "evil"][..]);
    db.ok(
        &["claim", "add", "--prop", "p", "--party", "evil", "--stance", "affirms", "--source", "s", "--quote", name][..]
    );
    db.ok("reconcile");
    let raw = ['\u{1b}', '\u{7}', '\r', '\u{202e}', '\u{200b}', '\u{9b}', '\u{7f}'];
    let clean = |what: &str, text: &str| {
        assert!(!text.contains(raw), "{what} shows a raw control character:\n{text:?}");
        assert!(text.contains("Evil\\e[2J\\e]0;owned\\a\\rX\\u{202e}gnp.exe\\u{200b}"), "{what}:\n{text}");
    };
    for args in [
        "party list",
        "party show evil",
        "source list",
        "claim list",
        "prop list",
        "report",
        "reconcile --as-of 2025-09-30",
        "matrix",
    ] {
        let out = db.run(args).success();
        if args != "matrix" && args != "reconcile --as-of 2025-09-30" {
            clean(args, &out.stdout);
        }
        assert!(!out.stdout.contains(raw), "{args}: {:?}", out.stdout);
        assert!(!out.stderr.contains(raw), "{args}: {:?}", out.stderr);
    }
    // Data formats keep the real text.
    assert_eq!(db.json("party show evil")["name"], name);
    assert!(db.ok("party list --format csv").contains('\u{1b}'));

    // Messages on stderr that quote what was typed or logged.
    let out = db.run(
        &["claim", "add", "--prop", "p", "--party", "nobody\u{1b}[2J", "--stance", "affirms", "--source", "s"][..],
    );
    assert_eq!(out.code, 1);
    assert_error_line(&out.stderr, &["nobody\\e[2J"]);
    assert!(!out.stderr.contains('\u{1b}'));
    let file = db.file("in\u{1b}[31m.json");
    std::fs::write(&file, fixture_text("kupol-drones.json")).unwrap();
    let out = db.run(&["import", file.to_str().unwrap()][..]).success();
    assert!(out.stderr.contains("in\\e[31m.json: added") && !out.stderr.contains('\u{1b}'), "{:?}", out.stderr);
    let mut cmd = db.cmd();
    cmd.env("CLAIMTRACK_USER", "mallory\u{1b}]0;x\u{7}").args(["party", "add", "m", "--name", "M", "--kind", "media"]);
    outcome(&mut cmd).success();
    let table = db.ok("history m");
    assert!(table.contains("mallory\\e]0;x\\a") && !table.contains('\u{1b}'), "{table:?}");
}

#[test]
fn search_on_a_terminal_keeps_its_colour_and_escapes_logged_text() {
    let db = Db::new();
    db.ok(&["party", "add", "evil", "--name", "Kupol \u{1b}]0;owned\u{7} experts", "--kind", "media"][..]);
    // A terminal of 200 columns (util-linux `script`), colour on (no NO_COLOR).
    let line = format!("stty cols 200; '{}' search experts", env!("CARGO_BIN_EXE_claimtrack"));
    let out = std::process::Command::new("script")
        .args(["-qc", &line, "/dev/null"])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("CLAIMTRACK_DB", db.path())
        .env("CLAIMTRACK_USER", USER)
        .env("CLAIMTRACK_NOW", NOW)
        .env("TERM", "xterm")
        .current_dir(db.dir())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("\u{1b}[1;33mexperts\u{1b}[0m"), "the match is in colour:\n{text}");
    assert!(text.contains("Kupol \\e]0;owned\\a"), "the logged escape is shown, not obeyed:\n{text}");
    assert!(!text.contains("\u{1b}]0;"), "{text}");
}

// ---------------------------------------------------------------------------------------------
// 11. JSON is safe to paste into HTML; URLs are http and https only

#[test]
fn every_json_output_escapes_markup() {
    let db = Db::new();
    let hostile = "</script><script>alert(1)</script> & <!-- co";
    db.ok(&["party", "add", "x", "--name", hostile, "--kind", "media"][..]);
    db.ok(
        &["source", "add", "s", "--title", hostile, "--kind", "article", "--url", "https://example.org/?a=1&b=<2>"][..]
    );
    db.ok(&["prop", "add", "p", "--text", hostile][..]);
    db.ok(
        &["claim", "add", "--prop", "p", "--party", "x", "--stance", "affirms", "--source", "s", "--quote", hostile][..]
    );
    db.ok(&[
        "verdict",
        "set",
        "p",
        "--rating",
        "1",
        "--best",
        "5",
        "--worst",
        "1",
        "--label",
        hostile,
        "--url",
        "https://example.org/fc",
    ][..]);
    for args in [
        "export",
        "export --format jsonl",
        "export --format claimreview --draft",
        "export --format prov",
        "report --format json",
        "party list --format json",
        "claim list --format json",
        "history --format json",
        "search alert --format json",
    ] {
        let text = db.run(args).success().stdout;
        assert!(!text.contains(['<', '>', '&']), "{args} writes markup characters raw:\n{text}");
        assert!(text.contains("\\u003c/script\\u003e"), "{args}:\n{text}");
        for line in if args.ends_with("jsonl") { text.lines().collect() } else { vec![text.as_str()] } {
            let _: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{args}: {e}"));
        }
    }
    // The escapes are JSON's own: the text reads back as it was.
    assert_eq!(db.json("party show x")["name"], hostile);
    let copy = Db::new();
    copy.import_str(&db.export()).success();
    assert_eq!(copy.json("party show x")["name"], hostile);
}

#[test]
fn urls_are_http_or_https_through_every_input() {
    let db = Db::with_fixture("kupol-drones.json");
    for bad in [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<b>",
        "file:///etc/passwd",
        "http:/x",
        "https://",
        "ftp://x.org",
        "https://exa mple.org",
        "vbscript:x",
    ] {
        assert_refused(
            &db,
            &["source", "add", "s-new", "--title", "T", "--kind", "article", "--url", bad][..],
            None,
            1,
            &["--url", "http"],
        );
        assert_refused(
            &db,
            &[
                "verdict",
                "set",
                "p-experts-helped-kupol",
                "--rating",
                "1",
                "--best",
                "5",
                "--worst",
                "1",
                "--label",
                "L",
                "--url",
                bad,
            ][..],
            None,
            1,
            &["--url"],
        );
        assert_refused(&db, &["config", "set", "org.url", bad][..], None, 1, &["org.url", "http"]);
        let source = json!({"id": "s-new", "title": "T", "kind": "article", "url": bad});
        assert_refused(&db, "import -", Some(&bundle(json!({"sources": [source.clone()]}))), 1, &["sources[0].url"]);
        let mut line = source.clone();
        line["type"] = json!("source");
        let jsonl = format!("{{\"claimtrack\": 1}}\n{line}\n");
        assert_refused(&db, "import --format jsonl -", Some(&jsonl), 1, &["line 2", "url"]);
        let log = format!("[source]\nid = \"s-new\"\ntitle = \"T\"\nkind = \"article\"\nurl = {}\n", json!(bad));
        assert_refused(&db, "log --from -", Some(&log), 1, &["line 5", "url"]);
    }
    db.ok("source add s-ok --title T --kind article --url HTTPS://example.org/a?b=c");
    db.ok("config set org.url https://factcheck.example.org");
}

// ---------------------------------------------------------------------------------------------
// 12. Ids refuse invisible characters; names need a visible one

#[test]
fn ids_refuse_invisible_characters_and_text_needs_a_visible_one() {
    let db = Db::with_fixture("kupol-drones.json");
    for id in ["china\u{200b}-mfa", "\u{202e}kupol", "a\u{2066}b\u{2069}", "x\u{feff}", "soft\u{ad}hyphen", "\u{3164}"]
    {
        assert_refused(&db, &["party", "add", id, "--name", "N", "--kind", "media"][..], None, 1, &["ID", "contains"]);
        let party = json!({"id": id, "name": "N", "kind": "media"});
        assert_refused(&db, "import -", Some(&bundle(json!({"parties": [party]}))), 1, &["parties[0].id"]);
    }
    for blank in ["\u{200b}\u{200b}", "\u{202e}", " \u{2060} ", "\u{3164}\u{115f}", "\u{fe0f}"] {
        assert_refused(
            &db,
            &["party", "add", "p-new", "--name", blank, "--kind", "media"][..],
            None,
            1,
            &["--name", "visible"],
        );
        assert_refused(
            &db,
            &["party", "add", "p-new", "--name", "N", "--kind", "media", "--alias", blank][..],
            None,
            1,
            &["--alias", "visible"],
        );
        assert_refused(
            &db,
            &["source", "add", "s-new", "--title", blank, "--kind", "article"][..],
            None,
            1,
            &["--title", "visible"],
        );
        assert_refused(&db, &["prop", "add", "p-new", "--text", blank][..], None, 1, &["--text", "visible"]);
        assert_refused(
            &db,
            &[
                "verdict",
                "set",
                "p-experts-helped-kupol",
                "--rating",
                "1",
                "--best",
                "5",
                "--worst",
                "1",
                "--label",
                blank,
            ][..],
            None,
            1,
            &["--label", "visible"],
        );
        assert_refused(
            &db,
            &["retract", "c-officials-affirm-experts", "--reason", blank][..],
            None,
            1,
            &["--reason", "visible"],
        );
    }
    // Zero-width joiners inside real words are fine in text.
    db.ok(&["party", "add", "family", "--name", "👩\u{200d}💻 Kupol", "--kind", "media"][..]);
}

// ---------------------------------------------------------------------------------------------
// 13. Markdown: the database path and GFM markup stay inert

#[test]
fn markdown_keeps_the_database_path_and_strikethrough_inert() {
    let db = Db::new();
    let path = db.file("a\n## Owned\n`x`.db");
    let p = path.to_str().unwrap();
    db.run(&["--db", p, "import", fixture("kupol-drones.json").to_str().unwrap()][..]).success();
    db.run(&["--db", p, "party", "add", "struck", "--name", "~~struck~~ $x$ &lt;b&gt;", "--kind", "media"][..])
        .success();
    db.run(&["--db", p, "prop", "add", "p2", "--text", "Mentions ~~struck~~", "--expect", "struck"][..]).success();
    let md = db.run(&["--db", p, "report", "--format", "markdown"][..]).success().stdout;
    assert!(!md.lines().any(|l| l.starts_with("## Owned")), "the path broke out of its code span:\n{md}");
    let header = md.lines().find(|l| l.starts_with("Database ")).unwrap();
    assert!(header.contains("\\n## Owned\\n") && header.contains("``"), "{header}");
    assert!(!md.contains("~~struck"), "strikethrough is escaped:\n{md}");
    assert!(md.contains("\\~\\~struck\\~\\~"), "{md}");
    assert!(md.contains("\\&lt;b\\&gt;") && md.contains("\\$x\\$"), "{md}");
}

// ---------------------------------------------------------------------------------------------
// 15, 17. Read-only databases and directories; locks

/// Every command that only reads, as run against a read-only database.
const READ_COMMANDS: &[&str] = &[
    "party list",
    "claim list",
    "claim show c-officials-affirm-experts",
    "source show s-reuters-report",
    "report",
    "report --format html",
    "reconcile --as-of 2025-09-30",
    "verify",
    "export",
    "search experts",
    "history",
    "findings",
    "matrix",
];

#[test]
fn read_only_commands_work_on_a_read_only_database_and_directory() {
    let db = Db::with_fixture("kupol-drones.json");
    db.ok("reconcile");
    // The directory is the tests' own (a read-only directory for the unprivileged user),
    // the file too (read-only), as on a shared drive mounted read-only.
    std::fs::set_permissions(db.dir(), std::fs::Permissions::from_mode(0o755)).unwrap();
    writable_by_tests(db.dir(), false);
    writable_by_tests(db.path(), false);
    let bytes = std::fs::read(db.path()).unwrap();
    for args in READ_COMMANDS {
        let out = unprivileged(&db, &args.split(' ').collect::<Vec<_>>());
        assert_eq!(out.code, 0, "{args} on a read-only database: {out:#?}");
    }
    assert_eq!(files_in(db.dir()), ["story.db"], "nothing created beside it");
    assert_eq!(std::fs::read(db.path()).unwrap(), bytes);
    // A write says what is wrong.
    let out = unprivileged(&db, &["party", "add", "x", "--name", "X", "--kind", "media"]);
    assert_eq!(out.code, 1, "{out:#?}");
    assert!(!out.stderr.contains("not a SQLite database"), "{}", out.stderr);
    assert!(out.stderr.contains("cannot be written") || out.stderr.contains("read-only"), "{}", out.stderr);

    // A writable directory with the file read-only: reading leaves nothing that stops a
    // later writer once the file is writable again.
    writable_by_tests(db.dir(), true);
    for args in READ_COMMANDS {
        unprivileged(&db, &args.split(' ').collect::<Vec<_>>());
    }
    writable_by_tests(db.path(), true);
    let out = unprivileged(&db, &["party", "add", "x", "--name", "X", "--kind", "media"]);
    assert_eq!(out.code, 0, "a write after reads of the read-only file: {out:#?}");
}

#[test]
fn a_locked_database_is_called_locked_and_waited_for_as_documented() {
    let db = Db::with_fixture("kupol-drones.json");
    // Another program holds the database in exclusive locking mode.
    let holder = Connection::open(db.path()).unwrap();
    holder
        .execute_batch(
            "PRAGMA locking_mode = EXCLUSIVE; BEGIN IMMEDIATE; CREATE TABLE held (x); DROP TABLE held; COMMIT;",
        )
        .unwrap();
    for args in ["party list", "verify", "party add y --name Y --kind media"] {
        let mut cmd = db.cmd();
        cmd.env("CLAIMTRACK_BUSY_TIMEOUT", "1").args(args.split(' '));
        let timer = Instant::now();
        let out = outcome(&mut cmd);
        let took = timer.elapsed();
        assert_eq!(out.code, 1, "{args}: {out:#?}");
        assert_error_line(&out.stderr, &["another process holds the database"]);
        assert!(!out.stderr.contains("not a SQLite database"), "{args}: {}", out.stderr);
        assert!(took < Duration::from_secs(8), "{args}: waited {took:?} for a 1 s limit");
    }
    drop(holder);

    // A writer holding its transaction: the wait is the documented limit, once.
    let holder = Connection::open(db.path()).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let mut cmd = db.cmd();
    cmd.env("CLAIMTRACK_BUSY_TIMEOUT", "2").args(claim_add("waits"));
    let timer = Instant::now();
    let out = outcome(&mut cmd);
    let took = timer.elapsed();
    assert_eq!(out.code, 1, "{out:#?}");
    assert_error_line(&out.stderr, &["another process holds the database", "CLAIMTRACK_BUSY_TIMEOUT"]);
    assert!(took >= Duration::from_millis(1900) && took < Duration::from_secs(6), "waited {took:?} for a 2 s limit");
    holder.execute_batch("ROLLBACK").unwrap();
    drop(holder);
    db.ok(&claim_add("after the lock"));

    let mut cmd = db.cmd();
    cmd.env("CLAIMTRACK_BUSY_TIMEOUT", "soon").args(["party", "list"]);
    let out = outcome(&mut cmd);
    assert_eq!(out.code, 1);
    assert_error_line(&out.stderr, &["CLAIMTRACK_BUSY_TIMEOUT", "soon"]);
}

#[test]
fn dangling_symbolic_links_get_a_clear_message_and_nothing_is_created() {
    let db = Db::new();
    std::os::unix::fs::symlink("elsewhere.db", db.path()).unwrap();
    for args in ["party add x --name X --kind media", "party list", "verify"] {
        let out = db.run(args);
        assert_eq!(out.code, 1, "{args}: {out:#?}");
        assert_error_line(&out.stderr, &["symbolic link", "elsewhere.db", "does not exist"]);
        assert!(!out.stderr.contains("another process"), "{args}: {}", out.stderr);
    }
    assert!(!db.file("elsewhere.db").exists());

    let db = Db::with_fixture("kupol-drones.json");
    std::os::unix::fs::symlink("target.db", db.file("copy.db")).unwrap();
    let out = db.run("backup copy.db");
    assert_eq!(out.code, 1, "{out:#?}");
    assert_error_line(&out.stderr, &["copy.db", "already exists"]);
    assert!(!db.file("target.db").exists(), "backup wrote through the link");
    assert_eq!(files_in(db.dir()), ["copy.db", "story.db"]);
}

#[test]
fn a_full_disk_is_called_a_full_disk_and_nothing_is_written() {
    let db = Db::with_fixture("kupol-drones.json");
    let before = file_hash(db.path());
    let size = std::fs::metadata(db.path()).unwrap().len() / 1024;
    // Room for the database as it is, not for the WAL of a large import.
    let out = with_file_limit(&db, size + 200, &["import", "-"], Some(&big_bundle(3000)));
    assert_eq!(out.code, 1, "{out:#?}");
    assert_error_line(&out.stderr, &["disk is full", "nothing was written"]);
    assert!(!out.stderr.contains("reference"), "{}", out.stderr);
    assert_eq!(file_hash(db.path()), before, "the database is byte for byte as it was");
    assert!(db.ok("verify").starts_with("sound: "));
}

/// A small tmpfs, unmounted when dropped: a disk that really fills up (ENOSPC).
struct SmallDisk(PathBuf);

impl SmallDisk {
    /// None (after saying so) where this process may not mount one (not root, or no
    /// CAP_SYS_ADMIN): `a_full_disk_is_called_a_full_disk_and_nothing_is_written` still runs.
    fn mount(dir: &Path, size: &str) -> Option<SmallDisk> {
        let at = dir.join("small-disk");
        std::fs::create_dir_all(&at).unwrap();
        let mounted = root()
            && std::process::Command::new("mount")
                .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
                .arg(&at)
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success());
        if !mounted {
            eprintln!("skipping the tmpfs part: this process cannot mount a tmpfs");
            return None;
        }
        Some(SmallDisk(at))
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_really_full_disk_is_called_a_full_disk() {
    let db = Db::new();
    let Some(disk) = SmallDisk::mount(db.dir(), "1m") else { return };
    let path = disk.0.join("story.db");
    let p = path.to_str().unwrap();
    db.run(&["--db", p, "import", fixture("kupol-drones.json").to_str().unwrap()][..]).success();
    let before = file_hash(&path);
    let out = db.run_with(&["--db", p, "import", "-"][..], Some(&big_bundle(3000)));
    assert_eq!(out.code, 1, "{out:#?}");
    assert_error_line(&out.stderr, &["disk is full", "nothing was written"]);
    assert_eq!(file_hash(&path), before, "the database is byte for byte as it was");
    assert!(db.run(&["--db", p, "verify"][..]).success().stdout.starts_with("sound: "));
}

// ---------------------------------------------------------------------------------------------
// 18. demo only into a new or empty database

#[test]
fn demo_refuses_a_database_that_is_not_empty() {
    let db = Db::new();
    db.ok("party add mine --name Mine --kind media");
    let before = file_hash(db.path());
    let out = db.run(&["demo", "--db", db.path().to_str().unwrap()][..]);
    assert_eq!(out.code, 1, "{out:#?}");
    assert_error_line(&out.stderr, &["already holds records", "new or empty"]);
    assert!(out.stdout.is_empty());
    assert_eq!(file_hash(db.path()), before);
    let fresh = db.file("kupol.db");
    db.run(&["demo", "--db", fresh.to_str().unwrap()][..]).success();
}

// ---------------------------------------------------------------------------------------------
// 21. A row claimtrack cannot read is named (and an export copies it as it is stored)

#[test]
fn an_unreadable_row_is_named_by_table_row_and_column() {
    // Each edit goes past the trigger that guards the table, which is put back after, so
    // that the unreadable value is the one thing wrong.
    let cases = [
        ("claim_append_only", "UPDATE claim SET stated = 'not-a-date' WHERE id = 'c-mfa-denies-experts';", [
            "claim",
            "c-mfa-denies-experts",
            "stated",
        ]),
        (
            "party_append_only",
            "PRAGMA ignore_check_constraints = ON; UPDATE party SET kind = 'alien' WHERE id = 'kremlin';",
            ["party", "kremlin", "kind"],
        ),
        (
            "source_append_only",
            "PRAGMA ignore_check_constraints = ON; UPDATE source SET published = '2025-13-45' WHERE id = 's-reuters-report';",
            ["source", "s-reuters-report", "published"],
        ),
    ];
    for (trigger, sql, needles) in cases {
        let db = Db::with_fixture("kupol-drones.json");
        let conn = Connection::open(db.path()).unwrap();
        let guard: String = conn
            .query_row("SELECT sql FROM sqlite_schema WHERE type = 'trigger' AND name = ?1", [trigger], |r| r.get(0))
            .unwrap();
        conn.execute_batch(&format!("DROP TRIGGER {trigger}; {sql} {guard};")).unwrap();
        drop(conn);
        let [table, row, column] = needles;
        let listing = format!("{table} list");
        let place = format!("table {table}, row {row}, column {column}");
        for args in ["verify", "report", "reconcile", "export --format csv --what claims", &listing] {
            let out = db.run(args);
            assert_eq!(out.code, 1, "{sql} / {args}: {out:#?}");
            assert_error_line(&out.stderr, &[&place]);
        }
        // Issue 24, item 2: an export copies the row as it is stored and says so.
        let stored: String = Connection::open(db.path())
            .unwrap()
            .query_row(&format!("SELECT {column} FROM {table} WHERE id = ?1"), [row], |r| r.get(0))
            .unwrap();
        for format in ["json", "jsonl"] {
            let out = db.run(&["export", "--format", format][..]).success();
            assert!(out.stderr.contains(&place) && out.stderr.contains("exported as it is stored"), "{}", out.stderr);
            assert!(
                out.stdout.contains(&format!("\"{column}\":\"{stored}\""))
                    || out.stdout.contains(&format!("\"{column}\": \"{stored}\"")),
                "{format}: the stored value {stored} is in the export"
            );
            // The file holds every record; importing it names the value to mend.
            let file = db.file(&format!("rescued.{format}"));
            std::fs::write(&file, &out.stdout).unwrap();
            let fresh = Db::new();
            let refused = fresh.run(&["import", file.to_str().unwrap()][..]);
            assert_eq!(refused.code, 1, "{refused:#?}");
            assert!(refused.stderr.contains(column) && refused.stderr.contains(&stored), "{}", refused.stderr);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 22. JSON Lines: a line has a limit

#[test]
fn a_json_lines_line_over_the_limit_is_refused_with_its_number() {
    let db = Db::with_fixture("kupol-drones.json");
    let before = db.export();
    let long = format!(
        "{{\"claimtrack\": 1}}\n{{\"type\": \"party\", \"id\": \"p\", \"kind\": \"media\", \"name\": \"{}\"}}\n",
        "x".repeat(17 << 20)
    );
    assert_refused(&db, "import --format jsonl -", Some(&long), 1, &["line 2", "16 MiB"]);

    // A line that never ends, from a pipe: refused once past the limit, without aborting.
    let mut child = db
        .process()
        .args(["import", "--format", "jsonl", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let feeder = std::thread::spawn(move || {
        let chunk = vec![b'a'; 1 << 20];
        let _ = stdin.write_all(b"{\"claimtrack\": 1}\n[");
        // Bounded: four times the limit at most.
        for _ in 0..64 {
            if stdin.write_all(&chunk).is_err() {
                return true;
            }
        }
        false
    });
    let out = child.wait_with_output().unwrap();
    let stopped_reading = feeder.join().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_error_line(&stderr, &["line 2", "16 MiB"]);
    assert!(stopped_reading, "the import stopped reading the endless line");
    assert_unchanged(&before, &db.export(), "after the long lines");
}

// ---------------------------------------------------------------------------------------------
// 24. Byte-order marks, duplicate keys and columns, empty CSV, a bad clock

#[test]
fn byte_order_marks_are_read_and_duplicates_refused() {
    let db = Db::new();
    let party = json!({"type": "party", "id": "p1", "name": "P", "kind": "media"});
    db.import_str(&format!("\u{feff}{}", bundle(json!({"parties": [{"id": "p0", "name": "P", "kind": "media"}]}))))
        .success();
    db.run_with(&["import", "--format", "jsonl", "-"][..], Some(&format!("\u{feff}{{\"claimtrack\": 1}}\n{party}\n")))
        .success();
    assert_eq!(db.column("party list", "id"), ["p0", "p1"]);

    let twice = "{\"claimtrack\": 1}\n{\"type\": \"party\", \"id\": \"p2\", \"name\": \"A\", \"kind\": \"media\", \"name\": \"B\"}\n";
    assert_refused(&db, "import --format jsonl -", Some(twice), 1, &["line 2", "\"name\"", "twice"]);
    let header_twice = "{\"claimtrack\": 1, \"claimtrack\": 1}\n";
    assert_refused(&db, "import --format jsonl -", Some(header_twice), 1, &["line 1", "twice"]);
    let csv = "proposition,party,stance,source,quote,quote\np,p0,affirms,s,a,b\n";
    assert_refused(&db, "import --format csv -", Some(csv), 1, &["line 1", "'quote'", "twice"]);
    assert_refused(&db, "import --format csv -", Some(""), 1, &["empty"]);
    let empty = db.file("empty.csv");
    std::fs::write(&empty, "").unwrap();
    assert_refused(&db, &["import", empty.to_str().unwrap()][..], None, 1, &["empty.csv", "empty"]);

    for bad in ["yesterday", "2025-13-01T00:00:00Z", ""] {
        let mut cmd = db.cmd();
        cmd.env("CLAIMTRACK_NOW", bad).args(["party", "add", "late", "--name", "L", "--kind", "media"]);
        let out = outcome(&mut cmd);
        assert_eq!(out.code, 1, "{bad:?}: {out:#?}");
        assert_error_line(&out.stderr, &["CLAIMTRACK_NOW", "RFC 3339"]);
    }
    assert_eq!(db.column("party list", "id"), ["p0", "p1"]);
}

// ---------------------------------------------------------------------------------------------
// Generated inputs: land whole, or leave the database byte for byte as it was

mod generated {
    use super::*;
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    /// Tokens that a mutation splices in: the characters and values parsers trip on.
    const TOKENS: &[&str] = &[
        "\"",
        "\\",
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        "null",
        "-0",
        "-0.0",
        "1e999",
        "NaN",
        "inf",
        "\u{feff}",
        "\0",
        "\n",
        "\r",
        "\u{202e}",
        "\u{200b}",
        "javascript:x",
        "https://x.org",
        "'",
        "=",
        "#",
        "[[claim]]",
        "true",
        "\"\"",
        "9999999999999999999999",
        "\u{1b}[2J",
        "é",
        "\"id\"",
        "\"type\"",
        "affirms",
        "kremlin",
        "p-experts-helped-kupol",
    ];

    /// One mutation of a text: a byte changed, bytes cut out, or a token put in.
    #[derive(Clone, Debug)]
    enum Mutation {
        Flip(usize, u8),
        Cut(usize, usize),
        Splice(usize, usize),
        Truncate(usize),
    }

    fn mutation() -> impl Strategy<Value = Mutation> {
        prop_oneof![
            (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Mutation::Flip(at, b)),
            (any::<usize>(), 1usize..64).prop_map(|(at, n)| Mutation::Cut(at, n)),
            (any::<usize>(), 0..TOKENS.len()).prop_map(|(at, t)| Mutation::Splice(at, t)),
            any::<usize>().prop_map(Mutation::Truncate),
        ]
    }

    fn apply(text: &[u8], mutations: &[Mutation]) -> Vec<u8> {
        let mut out = text.to_vec();
        for m in mutations {
            let len = out.len().max(1);
            match *m {
                Mutation::Flip(at, b) if !out.is_empty() => out[at % len] = b,
                Mutation::Cut(at, n) if !out.is_empty() => {
                    let at = at % len;
                    out.drain(at..(at + n).min(out.len()));
                }
                Mutation::Splice(at, t) => {
                    let at = at % (out.len() + 1);
                    out.splice(at..at, TOKENS[t].bytes());
                }
                Mutation::Truncate(at) if !out.is_empty() => out.truncate(at % len),
                _ => {}
            }
        }
        out
    }

    /// Feeds `cases` mutated versions of `seed` through `args` (reading standard input), each
    /// into the same database: a refusal must be one error line and leave the database
    /// byte for byte as it was; a success must leave it sound. Never a panic.
    fn feed(name: &str, seed: Vec<u8>, args: &[&str], cases: u32) {
        let db = Db::with_fixture("kupol-drones.json");
        let (landed, refused) = (std::cell::Cell::new(0), std::cell::Cell::new(0));
        let mut runner = TestRunner::new(Config { cases, failure_persistence: None, ..Config::default() });
        let strategy = proptest::collection::vec(mutation(), 0..6);
        let result = runner.run(&strategy, |mutations| {
            let input = apply(&seed, &mutations);
            // Every command closes the database fully (the last connection checkpoints and
            // removes the -wal), so the file itself is the whole database.
            let before = file_hash(db.path());
            let mut cmd = db.cmd();
            cmd.args(args).write_stdin(input.clone());
            let out = cmd.output().unwrap();
            let (code, stderr) = (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned());
            prop_assert!(code != Some(101) && !stderr.contains("panicked"), "{name}: a panic: {stderr}");
            match code {
                Some(0) => {
                    landed.set(landed.get() + 1);
                    let line = db.ok("verify");
                    prop_assert!(line.starts_with("sound: "), "{name}: landed but not sound: {line}");
                }
                Some(1) => {
                    refused.set(refused.get() + 1);
                    prop_assert!(
                        stderr.ends_with('\n') && stderr.lines().all(|line| line.starts_with("error: ")),
                        "{name}: a refusal is error lines only, one per problem: {stderr:?}"
                    );
                    prop_assert!(out.stdout.is_empty(), "{name}: a refusal prints no data");
                    prop_assert_eq!(
                        file_hash(db.path()),
                        before,
                        "{}: refused but the database changed: {}",
                        name,
                        stderr
                    );
                    let wal = db.file("story.db-wal");
                    prop_assert!(!wal.exists(), "{}: a -wal file was left behind", name);
                }
                other => prop_assert!(false, "{name}: exit {other:?}: {stderr}"),
            }
            Ok(())
        });
        eprintln!("generated {name}: {} landed, {} refused", landed.get(), refused.get());
        if let Err(e) = result {
            panic!("{name}: {e}");
        }
    }

    #[test]
    fn mutated_bundles_land_whole_or_change_nothing() {
        let seed = fixture_text("reversal.json").into_bytes();
        feed("bundle", seed, &["import", "--format", "json", "-"], 40);
    }

    #[test]
    fn mutated_json_lines_land_whole_or_change_nothing() {
        let source = Db::with_fixture("rewrites.json");
        let seed = source.ok("export --format jsonl").into_bytes();
        feed("jsonl", seed, &["import", "--format", "jsonl", "-"], 40);
    }

    #[test]
    fn mutated_csv_lands_whole_or_changes_nothing() {
        let source = Db::with_fixture("kupol-drones.json");
        let seed = source.ok("export --format csv --what claims").replace("c-", "c-csv-").into_bytes();
        feed("csv", seed, &["import", "--format", "csv", "-"], 40);
    }

    #[test]
    fn mutated_log_files_land_whole_or_change_nothing() {
        let seed = fixture_text("log/reuters-report.toml").into_bytes();
        feed("log", seed, &["log", "--from", "-"], 40);
    }
}

// ---------------------------------------------------------------------------------------------
// Second pass (issue 24): each test is named after the item of the issue it holds.

/// Runs the binary with its clock at `now` (a command a minute after the last, say).
fn run_at(db: &Db, now: &str, args: &(impl Args + ?Sized)) -> Outcome {
    outcome(db.cmd().env("CLAIMTRACK_NOW", now).args(args.to_args()))
}

/// The id of the first row a JSON listing prints.
fn first_id(db: &Db, args: &str) -> String {
    db.column(args, "id").into_iter().next().expect("a row")
}

#[test]
fn second_pass_01_a_correction_to_a_whole_number_verifies() {
    let db = Db::with_fixture("kupol-drones.json");
    db.ok("verdict set p-experts-helped-kupol --rating 1.5 --best 3 --worst 0 --label Mostly");
    let verdict = first_id(&db, "verdict list");
    let sha = "ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789";
    for (step, (args, stored)) in [
        (vec!["c-mfa-denies-experts", "--set", "confidence=1"], "1.0"),
        (vec!["c-mfa-denies-experts", "--set", "confidence=0"], "0.0"),
        (vec!["c-mfa-denies-experts", "--set", "stated=2025-09-25T14:30:00+02:00"], "2025-09-25T12:30:00Z"),
        (vec!["s-reuters-report", "--set", "published=2025-09-25T14:30:00+02:00"], "2025-09-25T12:30:00Z"),
        (vec!["s-reuters-report", "--set", &format!("sha256={sha}")], &sha.to_lowercase()),
        (vec![&verdict, "--set", "rating=2", "--set", "best=4", "--set", "worst=-0"], "4.0"),
    ]
    .into_iter()
    .enumerate()
    {
        let mut all = vec!["correct", "--reason", "fix"];
        all.extend(&args);
        let said = run_at(&db, &format!("2025-10-02T09:0{step}:00Z"), &all).success().stderr;
        assert!(said.contains(stored), "{args:?} should say it stored {stored}: {said}");
        db.ok("verify");
    }
    // Each correction keeps the value its row holds.
    let export = db.export_json();
    let sets: Vec<&Value> = export["corrections"].as_array().unwrap().iter().map(|c| &c["set"]).collect();
    assert_eq!(sets[0]["confidence"], json!(1.0));
    assert_eq!(sets[2]["stated"], json!("2025-09-25T12:30:00Z"));
    assert_eq!(sets[4]["sha256"], json!(sha.to_lowercase()));
    assert_eq!(sets[5]["rating"], json!(2.0));
    // A value that only differs in its spelling changes nothing, and says so.
    for args in [
        "correct c-mfa-denies-experts --set confidence=0.0 --reason r",
        "correct c-mfa-denies-experts --set confidence=-0 --reason r",
        "correct kupol --set country=ru --reason r",
        "correct c-mfa-denies-experts --set stated=2025-09-25T12:30:00Z --reason r",
    ] {
        assert_refused(&db, args, None, 1, &["changes nothing"]);
    }
    // The same holds after export and import, and a bundle's whole numbers are normalised too.
    let copy = Db::new();
    copy.import_str(&db.export()).success();
    copy.ok("verify");
    let copy = Db::with_fixture("kupol-drones.json");
    let from_bundle = bundle(json!({"corrections": [
        {"target": "c-mfa-denies-experts", "set": {"confidence": 1}, "reason": "r", "recorded": "2026-01-01T00:00:00Z"},
        {"target": "kupol", "set": {"country": "ua"}, "reason": "r", "recorded": "2026-01-01T00:00:00Z"}
    ]}));
    copy.import_str(&from_bundle).success();
    copy.ok("verify");
    let again = copy.import_str(&from_bundle).success();
    assert!(again.stderr.contains("2 already present"), "the same bundle again is unchanged: {}", again.stderr);
}

#[test]
fn second_pass_02_an_edge_of_calendar_date_is_refused_at_every_door() {
    let db = Db::with_fixture("kupol-drones.json");
    for edge in ["0000-01-01T00:00:00+01:00", "9999-12-31T23:00:00-05:00"] {
        let mut claim = claim_add("edge");
        claim.extend(["--stated".to_string(), edge.to_string()]);
        let stated = edge.to_string();
        for args in [
            claim,
            vec!["source", "add", "s-edge", "--kind", "article", "--published", &stated]
                .into_iter()
                .map(String::from)
                .collect(),
            vec![
                "request",
                "add",
                "--party",
                "kremlin",
                "--prop",
                "p-experts-helped-kupol",
                "--by",
                "reuters",
                "--asked",
                &stated,
            ]
            .into_iter()
            .map(String::from)
            .collect(),
            vec!["retract", "c-mfa-denies-experts", "--reason", "r", "--date", &stated]
                .into_iter()
                .map(String::from)
                .collect(),
            vec![
                "verdict",
                "set",
                "p-experts-helped-kupol",
                "--rating",
                "1",
                "--best",
                "2",
                "--worst",
                "0",
                "--label",
                "x",
                "--published",
                &stated,
            ]
            .into_iter()
            .map(String::from)
            .collect(),
            vec!["correct", "c-mfa-denies-experts", "--set", &format!("stated={stated}"), "--reason", "r"]
                .into_iter()
                .map(String::from)
                .collect(),
        ] {
            let out = db.run(&args);
            assert!(out.code == 1 || out.code == 2, "{args:?}: {out:#?}");
            assert_error_line(&out.stderr, &["outside the years 0000 to 9999"]);
        }
        let claim = json!({"id": "c-edge", "proposition": "p-experts-helped-kupol", "party": "kremlin",
            "stance": "denies", "source": "s-reuters-report", "stated": edge});
        assert_import_refused(&db, &bundle(json!({"claims": [claim]})), &["outside the years 0000 to 9999"]);
        let log = format!("[source]\nid = \"s-reuters-report\"\n\n[[claim]]\nproposition = \"p-experts-helped-kupol\"\nparty = \"kremlin\"\nstance = \"denies\"\nstated = \"{edge}\"\n");
        assert_refused(&db, &["log", "--from", "-"], Some(&log), 1, &["outside the years 0000 to 9999"]);
        let out = outcome(db.cmd().env("CLAIMTRACK_NOW", edge).args(["party", "list"]));
        assert_error_line(&out.stderr, &["CLAIMTRACK_NOW", "outside the years 0000 to 9999"]);
    }
    db.ok("verify");
}

#[test]
fn second_pass_02_backup_copies_a_database_with_an_unreadable_value_and_says_so() {
    let db = Db::with_fixture("kupol-drones.json");
    let conn = Connection::open(db.path()).unwrap();
    let guard: String =
        conn.query_row("SELECT sql FROM sqlite_schema WHERE name = 'claim_append_only'", [], |r| r.get(0)).unwrap();
    conn.execute_batch(&format!(
        "DROP TRIGGER claim_append_only; UPDATE claim SET stated = '-0001-12-31T23:00:00Z' WHERE id = 'c-mfa-denies-experts'; {guard};"
    ))
    .unwrap();
    drop(conn);
    let out = db.run("backup rescued.db").success();
    assert!(
        out.stderr.contains("warning: backed up to rescued.db as it is") && out.stderr.contains("c-mfa-denies-experts"),
        "{}",
        out.stderr
    );
    let copy = Connection::open(db.file("rescued.db")).unwrap();
    let stated: String =
        copy.query_row("SELECT stated FROM claim WHERE id = 'c-mfa-denies-experts'", [], |r| r.get(0)).unwrap();
    assert_eq!(stated, "-0001-12-31T23:00:00Z", "the copy holds the value as it is");
}

#[test]
fn second_pass_03_force_never_replaces_a_device_fifo_or_socket_and_follows_a_symlink() {
    use std::os::unix::fs::FileTypeExt;
    let db = Db::with_fixture("kupol-drones.json");
    let kind = |name: &str| std::fs::symlink_metadata(db.file(name)).unwrap().file_type();
    // A symbolic link to a regular file: the file it points to is replaced, the link stays.
    std::fs::write(db.file("real.md"), "old").unwrap();
    std::os::unix::fs::symlink("real.md", db.file("link.md")).unwrap();
    db.ok("report -o link.md --force");
    assert!(kind("link.md").is_symlink(), "the link itself stays a link");
    assert!(
        std::fs::read_to_string(db.file("real.md")).unwrap().contains("Kupol"),
        "the file it points to has the report"
    );
    // A symbolic link to a character device: written into, never replaced.
    std::os::unix::fs::symlink("/dev/null", db.file("mynull")).unwrap();
    db.ok("report -o mynull --force");
    assert!(kind("mynull").is_symlink());
    assert!(std::fs::metadata("/dev/null").unwrap().file_type().is_char_device(), "/dev/null is still a device");
    // A FIFO: written into (a reader gets the report), still a FIFO after.
    if skip_unless(on_path("mkfifo"), "second_pass_03 (FIFO)", "mkfifo") {
        return;
    }
    assert!(std::process::Command::new("mkfifo").arg(db.file("pipe")).status().unwrap().success());
    let path = db.file("pipe");
    let reader = std::thread::spawn(move || std::fs::read_to_string(path).unwrap());
    db.ok("report -o pipe --force --format markdown");
    assert!(reader.join().unwrap().contains("Kupol"), "the reader got the report");
    assert!(kind("pipe").is_fifo(), "the FIFO is still a FIFO");
    // A socket: refused, left as it is.
    let _socket = std::os::unix::net::UnixListener::bind(db.file("sock")).unwrap();
    let out = db.run("report -o sock --force");
    assert_eq!(out.code, 1, "{out:#?}");
    assert_error_line(&out.stderr, &["sock is a special file"]);
    assert!(kind("sock").is_socket());
}

#[test]
fn second_pass_04_log_never_follows_a_symlink_the_editor_leaves() {
    let db = Db::with_fixture("kupol-drones.json");
    std::fs::write(db.file("victim"), "system file\n").unwrap();
    // Round 1: a mistake, so that claimtrack writes its notes back; round 2: the file swapped
    // for a symbolic link to another file.
    let script = format!(
        "#!/bin/sh\nn=$(cat '{dir}/rounds' 2>/dev/null || echo 0); n=$((n + 1)); echo $n > '{dir}/rounds'\n\
         if [ $n = 1 ]; then printf '[source]\\nid = \"s-new\"\\nkind = \"nonsense\"\\n' > \"$1\"; \
         else rm \"$1\"; ln -s '{dir}/victim' \"$1\"; fi\n",
        dir = db.dir().display()
    );
    std::fs::write(db.file("editor.sh"), script).unwrap();
    let out = outcome(db.cmd().env("EDITOR", format!("sh {}", db.file("editor.sh").display())).arg("log"));
    assert_eq!(out.code, 1, "{out:#?}");
    assert!(out.stderr.contains("replaced by a symbolic link"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(db.file("victim")).unwrap(), "system file\n", "the other file is untouched");
    assert_eq!(std::fs::read_to_string(db.file("rounds")).unwrap().trim(), "2");
}

#[test]
fn second_pass_05_a_cleared_finding_cannot_be_triaged_and_incremental_stays_full() {
    let db = Db::with_fixture("kupol-drones.json");
    db.ok("reconcile");
    let conflict = db.column("findings --kind conflict --prop p-experts-flight-tests", "id").remove(0);
    db.ok("retract c-mfa-denies-flight-tests --reason wrong");
    db.ok("reconcile");
    assert_eq!(db.column("findings --state cleared", "id"), vec![conflict.clone()]);
    for verb in ["reopen", "ack", "resolve"] {
        assert_refused(
            &db,
            &["findings", verb, &conflict],
            None,
            1,
            &[&conflict, "has cleared", "claimtrack reconcile"],
        );
    }
    assert_refused(&db, &["findings", "dismiss", &conflict, "--note", "x"], None, 1, &["has cleared"]);
    let incremental = db.json("reconcile");
    let full = db.json("reconcile --full");
    assert_eq!(incremental, full, "incremental and full agree");
    assert_eq!(db.column("findings --state cleared", "id"), vec![conflict]);
}

#[test]
fn second_pass_06_a_closed_or_full_stdout_never_panics() {
    let db = Db::with_fixture("kupol-drones.json");
    db.ok("reconcile");
    let finding = first_id(&db, "findings");
    let commands: Vec<String> = vec![
        "verify".into(),
        "party add px --name PX --kind person".into(),
        "link add c-mfa-denies-experts supports c-mfa-denies-flight-tests".into(),
        "retract c-mfa-denies-experts --reason r".into(),
        "correct kupol --set note=x --reason r".into(),
        format!("findings ack {finding}"),
        format!("findings show {finding}"),
        "verdict set p-experts-helped-kupol --rating 1 --best 2 --worst 0 --label x".into(),
        "backup copy.db".into(),
        "party list".into(),
        "report".into(),
    ];
    // A closed pipe: the reader is gone before the command writes; it ends quietly, exit 0.
    for (n, args) in commands.iter().enumerate() {
        let args = args.replace("px", &format!("px{n}")).replace("copy.db", &format!("copy-{n}.db"));
        let mut child = db
            .process()
            .env("CLAIMTRACK_NOW", format!("2025-10-02T09:{n:02}:00Z"))
            .args(args.split(' '))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args} on a closed pipe: {stderr}");
        assert!(!stderr.contains("panicked"), "{args}: {stderr}");
    }
    // A full disk behind stdout: one error line, exit 1, never a panic.
    if skip_unless(Path::new("/dev/full").exists(), "second_pass_06 (full stdout)", "/dev/full") {
        return;
    }
    for (n, args) in commands.iter().enumerate() {
        let args = args
            .replace("px", &format!("py{n}"))
            .replace("copy.db", &format!("full-{n}.db"))
            .replace("note=x", "note=y")
            .replace("retract c-mfa-denies-experts", "retract c-mfa-denies-flight-tests");
        let out = db
            .process()
            .env("CLAIMTRACK_NOW", format!("2025-10-03T09:{n:02}:00Z"))
            .args(args.split(' '))
            .stdout(std::fs::File::create("/dev/full").unwrap())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args} on a full stdout: {stderr}");
        assert!(stderr.starts_with("error: ") && stderr.contains("No space left on device"), "{args}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args}: {stderr}");
    }
}

#[test]
fn second_pass_07_a_clock_behind_the_log_is_flagged_and_the_digest_agrees_with_known_at() {
    let db = Db::new();
    run_at(&db, "2026-12-01T10:00:00Z", &["import", fixture("kupol-drones.json").to_str().unwrap()]).success();
    let behind = run_at(&db, "2026-01-01T10:00:00Z", "party add zz --name ZZ --kind person").success();
    assert!(
        behind
            .stderr
            .contains("warning: this machine's clock (2026-01-01T10:00:00.000000Z) is behind the log's last event"),
        "{}",
        behind.stderr
    );
    // Known on 1 Jan 2026: nothing, for the digest as for the report.
    let digest = db.json("changes --since 2026-01-01 --until 2026-01-01");
    let known = db.json("report --known-at 2026-01-01");
    assert_eq!(digest["claims_added"], json!([]), "{digest}");
    assert_eq!(known["counts"]["claims"], json!(0), "{}", known["counts"]);
    // The claims count from the day they were logged; the late write from where the log had
    // reached, that day too.
    let later = db.json("changes --since 2026-12-01 --until 2026-12-01");
    assert_eq!(later["claims_added"].as_array().unwrap().len(), 16);
    let known = run_at(&db, "2026-12-02T00:00:00Z", "report --known-at 2026-12-01 --format json").success();
    assert_eq!(serde_json::from_str::<Value>(&known.stdout).unwrap()["counts"]["claims"], json!(16));
    let verified = db.run("verify").success();
    assert!(
        verified.stderr.contains("note: 1 event was logged by a clock behind the log: the first, event"),
        "{}",
        verified.stderr
    );
    assert_eq!(db.json("verify")["notes"].as_array().unwrap().len(), 1);
}

#[test]
fn second_pass_08_a_search_with_hundreds_of_exclusions_runs() {
    let db = Db::with_fixture("kupol-drones.json");
    let excluded: String = (0..400).map(|i| format!(" -w{i} -\"x{i} y\" -z{i}*")).collect();
    let found = db.json(&["search", &format!("kupol{excluded}")]);
    let rows = found.as_array().expect("a list");
    assert!(!rows.is_empty(), "kupol is found, the exclusions match nothing");
    let all = db.json("search kupol");
    assert_eq!(rows.len(), all.as_array().unwrap().len(), "exclusions of words nowhere exclude nothing");
    let fewer = db.json(&["search", &format!("kupol -drones{excluded}")]);
    assert!(fewer.as_array().unwrap().len() < rows.len(), "a real exclusion among them still excludes");
}

/// A JSON Lines bundle: two parties, one source, then `records`.
fn jsonl_bundle(records: impl IntoIterator<Item = Value>) -> String {
    let mut lines = vec![
        json!({"claimtrack": 1}),
        json!({"type": "party", "id": "a", "name": "Alpha Ministry", "kind": "government"}),
        json!({"type": "party", "id": "b", "name": "Beta Agency", "kind": "government"}),
        json!({"type": "source", "id": "s", "title": "The archive", "kind": "article"}),
    ];
    lines.extend(records);
    lines.iter().map(|l| l.to_string() + "\n").collect()
}

#[test]
fn second_pass_09_report_and_matrix_read_many_propositions() {
    // Correctness at a moderate size; the timings are in BENCHMARKS.md (bench/second_pass.py).
    const N: usize = 300;
    let db = Db::new();
    let records = (0..N).flat_map(|i| {
        let claims = [("a", "affirms"), ("b", if i % 2 == 0 { "denies" } else { "affirms" })].map(|(party, stance)| {
            json!({"type": "claim", "id": format!("c{i}{party}"), "proposition": format!("p{i}"), "party": party,
                   "stance": stance, "source": "s", "stated": "2025-01-01"})
        });
        [json!({"type": "proposition", "id": format!("p{i}"), "text": format!("Proposition {i}")})]
            .into_iter()
            .chain(claims)
    });
    db.run_with(&["import", "--format", "jsonl", "-"], Some(&jsonl_bundle(records))).success();
    db.ok("reconcile");
    let report = db.json("report");
    assert_eq!(report["counts"]["propositions"], json!(N));
    let props = report["propositions"].as_array().unwrap();
    let contested = props.iter().take_while(|p| p["status"] == "contested").count();
    assert_eq!(contested, N / 2, "the contested ones first");
    assert!(props[..contested].iter().all(|p| p["findings"].as_array().is_some_and(|f| !f.is_empty())));
    let matrix = db.json("matrix");
    assert_eq!(matrix["propositions"].as_array().unwrap().len(), N, "{}", &matrix.to_string()[..200]);
    let since = db.json("report --since 2020-01-01");
    assert_eq!(since["counts"]["propositions"], json!(N));
}

#[test]
fn second_pass_10_claim_link_chains_read_linearly_and_right() {
    const N: usize = 400;
    for rel in ["cites", "supersedes"] {
        let db = Db::new();
        let claims = (0..N).map(|i| {
            json!({"type": "claim", "id": format!("c{i}"), "proposition": "p", "party": "a",
                   "stance": if i == N - 1 { "denies" } else { "affirms" }, "source": "s", "stated": "2025-01-01"})
        });
        let links =
            (1..N).map(|i| json!({"type": "link", "from": format!("c{i}"), "rel": rel, "to": format!("c{}", i - 1)}));
        // A loop in the chain too: c1 and c2 name each other.
        let back = json!({"type": "link", "from": "c1", "rel": rel, "to": "c2"});
        let records = [json!({"type": "proposition", "id": "p", "text": "The one proposition"})]
            .into_iter()
            .chain(claims)
            .chain(links)
            .chain([back]);
        db.run_with(&["import", "--format", "jsonl", "-"], Some(&jsonl_bundle(records))).success();
        let reading = db.json("reconcile");
        let claims = reading["propositions"][0]["claims"].as_array().unwrap();
        assert_eq!(claims.len(), N);
        let report = db.json("report");
        if rel == "cites" {
            for c in claims {
                assert_eq!(c["roots"], json!(["s"]), "every claim of the chain rests on the archive: {c}");
            }
            assert_eq!(db.json(&*format!("trace c{}", N - 1))["roots"], json!(["s"]));
        } else {
            let superseded = claims.iter().filter(|c| !c["superseded_by"].is_null()).count();
            assert_eq!(superseded, N - 2, "all but the last, and c1, in a loop with c2 that supersedes nothing");
            // The last claim supersedes the one before, and so on: it alone stands.
            let positions = &report["propositions"][0]["positions"];
            assert_eq!(positions.as_array().unwrap().len(), 1, "{positions}");
            assert_eq!(positions[0]["claim"], json!(format!("c{}", N - 1)));
            assert_eq!(positions[0]["stance"], json!("denies"));
        }
        db.ok(&*format!("trace c{}", N - 1));
    }
}

#[test]
fn second_pass_11_a_correction_adding_many_list_items_applies() {
    const N: usize = 5_000;
    let db = Db::with_fixture("kupol-drones.json");
    let aliases: Vec<String> = (0..N).map(|i| format!("Alias {i}")).collect();
    let add = bundle(json!({"corrections": [{"target": "kupol", "add": {"aliases": aliases}, "reason": "many",
        "recorded": "2026-01-01T00:00:00Z"}]}));
    db.import_str(&add).success();
    let removed: Vec<&String> = aliases.iter().step_by(2).collect();
    let remove = bundle(json!({"corrections": [{"target": "kupol", "remove": {"aliases": removed}, "reason": "fewer",
        "recorded": "2026-01-02T00:00:00Z"}]}));
    db.import_str(&remove).success();
    let party = db.json("party show kupol");
    let kept = party["aliases"].as_array().unwrap();
    assert_eq!(kept.len(), N / 2 + 1, "the one alias logged and every odd one added");
    assert_eq!(kept[1], json!("Alias 1"), "in the order added");
    db.ok("verify");
    let twice = bundle(json!({"corrections": [{"target": "kupol", "add": {"aliases": ["Alias 1"]}, "reason": "again",
        "recorded": "2026-01-03T00:00:00Z"}]}));
    assert_import_refused(&db, &twice, &["'Alias 1' is already there"]);
    let gone =
        bundle(json!({"corrections": [{"target": "kupol", "remove": {"aliases": ["Alias 0"]}, "reason": "again",
        "recorded": "2026-01-03T00:00:00Z"}]}));
    assert_import_refused(&db, &gone, &["'Alias 0' is not there to remove"]);
}

/// Runs `args` with an endless standard input (`head` then `filler` for ever) and returns
/// what it did; the writer stops when the command stops reading.
fn with_endless_stdin(db: &Db, args: &[&str], head: &str, filler: u8) -> Outcome {
    let mut child =
        db.process().args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let head = head.as_bytes().to_vec();
    let feeder = std::thread::spawn(move || {
        let chunk = vec![filler; 1 << 16];
        let mut sent = head.len();
        if stdin.write_all(&head).is_err() {
            return sent;
        }
        while stdin.write_all(&chunk).is_ok() {
            sent += chunk.len();
            assert!(sent < 2 << 30, "the command kept reading past 2 GiB");
        }
        sent
    });
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    Outcome {
        code: out.status.code().expect("exits"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

#[test]
fn second_pass_12_every_reader_stops_at_its_limit() {
    let db = Db::with_fixture("kupol-drones.json");
    let before = db.snapshot();
    for (args, head, filler, limit) in [
        (vec!["import", "-"], "{\"claimtrack\": 1, \"parties\": [", b' ', "256 MiB, the most a bundle may hold"),
        (vec!["import", "--format", "csv", "-"], "id,quote\nc-x,\"", b'a', "16 MiB, the most a CSV row may hold"),
        (
            vec!["log", "--from", "-"],
            "[source]\nid = \"s-reuters-report\"\nnote = \"",
            b'a',
            "16 MiB, the most a log file may hold",
        ),
    ] {
        let out = with_endless_stdin(&db, &args, head, filler);
        assert_eq!(out.code, 1, "{args:?}: {out:#?}");
        assert_error_line(&out.stderr, &[limit]);
    }
    assert_unchanged(&before, &db.snapshot(), "an endless input writes nothing");
}

#[test]
fn second_pass_13_an_inverted_window_is_refused_the_same_everywhere() {
    let db = Db::with_fixture("kupol-drones.json");
    db.ok("reconcile");
    for args in [
        "changes --since 2030-01-01",
        "report --since 2030-01-01",
        "history --since 2030-01-01",
        "findings --since 2030-01-01",
    ] {
        assert_refused(
            &db,
            args,
            None,
            2,
            &["--since (1 Jan 2030, 00:00 UTC) is after now", "give a --since in the past"],
        );
    }
    for args in ["changes --since 2025-09-02 --until 2025-09-01", "history --since 2025-09-02 --until 2025-09-01"] {
        assert_refused(
            &db,
            args,
            None,
            2,
            &["--until (1 Sep 2025, 23:59 UTC) is before --since (2 Sep 2025, 00:00 UTC)"],
        );
    }
}

#[test]
fn second_pass_18_counts_out_of_range_are_usage_errors() {
    let db = Db::with_fixture("kupol-drones.json");
    db.ok("reconcile");
    for args in ["findings --offset 9223372036854775808", "findings --limit 0", "search kupol --limit 0"] {
        let out = assert_refused(&db, args, None, 2, &["is not in"]);
        assert!(!out.stderr.contains("datatype mismatch"), "{}", out.stderr);
    }
}

#[test]
fn second_pass_22_every_suggested_command_works() {
    let db = Db::with_fixture("kupol-drones.json");
    db.ok("retract c-mfa-denies-experts --reason wrong --date 2025-09-01");
    let mut said = Vec::new();
    for (args, needle) in [
        ("retract c-mfa-denies-experts --reason wrong --date 2025-09-02", "a retraction stands as logged"),
        ("correct zzzzzzzz --set note=x --reason r", "claimtrack search WORDS"),
        ("retract zzzzzzzz --reason r", "claimtrack claim list` or `claimtrack source list"),
        (
            "claim add --prop p-experts-helped-kupol --party zzzzzzzz --stance affirms --source s-reuters-report",
            "claimtrack party list",
        ),
        ("source add s-reuters-report --kind document", "claimtrack correct s-reuters-report --set kind=VALUE"),
    ] {
        let out = assert_refused(&db, args, None, 1, &[needle]);
        assert!(!out.stderr.contains("--set date="), "never advise a refused correction: {}", out.stderr);
        said.push(out.stderr);
    }
    // Each command in backticks runs, placeholders filled in.
    let mut ran = 0;
    for message in &said {
        for command in message.split('`').skip(1).step_by(2).filter(|c| c.starts_with("claimtrack ")) {
            let filled = command.replace("WORDS", "kupol").replace("VALUE", "document").replace("WHY", "fix");
            let args: Vec<&str> = filled.split(' ').skip(1).collect();
            let out = db.run(&args);
            assert_eq!(out.code, 0, "the suggested `{filled}` fails: {out:#?}");
            ran += 1;
        }
    }
    assert!(ran >= 5, "the messages suggest commands: {said:?}");
    let out = db.run("correct kupol --kind link --set note=x --reason r");
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains("party, source, proposition, claim, request, verdict") && !out.stderr.contains("link,"),
        "{}",
        out.stderr
    );
}

#[test]
fn second_pass_23_settings_that_are_not_text_and_unknown_filters_are_refused() {
    use std::os::unix::ffi::OsStrExt;
    let db = Db::with_fixture("kupol-drones.json");
    let bad = std::ffi::OsStr::from_bytes(b"\xff\xfe");
    for name in ["CLAIMTRACK_NOW", "CLAIMTRACK_BUSY_TIMEOUT", "CLAIMTRACK_USER"] {
        let out = outcome(db.cmd().env(name, bad).args(["party", "list"]));
        assert_eq!(out.code, 1, "{name}: {out:#?}");
        assert_error_line(&out.stderr, &[name, "not UTF-8"]);
    }
    assert_refused(&db, "search kupol --prop zzzzzzzz", None, 1, &["no proposition 'zzzzzzzz'"]);
    assert_refused(&db, "search kupol --party zzzzzzzz", None, 1, &["no party 'zzzzzzzz'"]);
}

#[test]
fn second_pass_14_a_stem_never_shrinks_to_an_unrelated_short_word() {
    let db = Db::with_fixture("kupol-drones.json");
    db.ok(&claim_add("Officials in Ankara gave an answer to the question"));
    let found = db.json("search ankara");
    let hit = found
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["text"].as_str().is_some_and(|t| t.contains("Ankara")))
        .expect("found");
    let marked = hit["highlighted"].as_str().unwrap();
    assert!(marked.contains("**Ankara**"), "{marked}");
    assert!(
        !marked.contains("**an**") && !marked.contains("**the**"),
        "only the word searched for is marked: {marked}"
    );
}

#[test]
fn second_pass_15_bidirectional_controls_are_escaped_in_html_and_markdown() {
    let db = Db::with_fixture("kupol-drones.json");
    let sneaky = "Officials \u{202e}deined\u{202c} it \u{2066}here\u{2069}";
    db.ok(&claim_add(sneaky));
    for format in ["html", "markdown"] {
        let out = db.ok(&*format!("report --format {format}"));
        assert!(out.contains("deined"), "{format}: the claim is in the report");
        for c in ['\u{202e}', '\u{202c}', '\u{2066}', '\u{2069}'] {
            assert!(!out.contains(c), "{format}: {c:?} reaches the page");
        }
        assert!(out.contains("\\u{202e}deined"), "{format}: shown as a visible escape");
    }
    // JSON keeps the real text.
    assert!(db.ok("report --format json").contains("\\u202e") || db.ok("report --format json").contains('\u{202e}'));
}

#[test]
fn second_pass_19_a_field_over_the_limit_is_refused_at_every_door() {
    let db = Db::with_fixture("kupol-drones.json");
    let long = "x".repeat((1 << 20) + 1);
    let claim = json!({"id": "c-long", "proposition": "p-experts-helped-kupol", "party": "kremlin",
        "stance": "denies", "source": "s-reuters-report", "quote": long});
    assert_import_refused(&db, &bundle(json!({"claims": [claim.clone()]})), &["quote is longer than 1 MiB"]);
    let mut line = claim.clone();
    line["type"] = json!("claim");
    assert_refused(
        &db,
        &["import", "--format", "jsonl", "-"],
        Some(&format!("{{\"claimtrack\": 1}}\n{line}\n")),
        1,
        &["quote is longer than 1 MiB"],
    );
    // (A command line cannot carry a field this long: Linux caps one argument at 128 KiB.)
    let set = bundle(json!({"corrections": [{"target": "kupol", "set": {"note": long}, "reason": "r"}]}));
    assert_import_refused(&db, &set, &["note is longer than 1 MiB"]);
    let why = bundle(json!({"corrections": [{"target": "kupol", "set": {"note": "x"}, "reason": long}]}));
    assert_import_refused(&db, &why, &["reason is longer than 1 MiB"]);
    let log = format!("[source]\nid = \"s-new\"\nkind = \"article\"\nnote = \"{long}\"\n");
    assert_refused(&db, &["log", "--from", "-"], Some(&log), 1, &["note is longer than 1 MiB"]);
}

#[test]
fn second_pass_20_a_csv_export_imports_back_after_a_correction() {
    let db = Db::with_fixture("kupol-drones.json");
    db.ok("correct c-mfa-denies-experts --set confidence=0.9 --reason r");
    let csv = db.ok("export --format csv --what claims");
    let out = db.run_with(&["import", "--format", "csv", "-"], Some(&csv)).success();
    assert!(out.stderr.contains("added nothing; 16 already present, unchanged"), "{}", out.stderr);
    // A CSV that differs from both the first and the current version is still refused.
    let changed = csv.replacen("0.9", "0.7", 1);
    let out = db.run_with(&["import", "--format", "csv", "-"], Some(&changed));
    assert_eq!(out.code, 1, "{out:#?}");
    assert!(out.stderr.contains("already exists with a different confidence"), "{}", out.stderr);
}

#[test]
fn second_pass_21_changes_for_one_proposition_keep_a_claim_moved_off_it() {
    let db = Db::new();
    run_at(&db, "2025-10-01T10:00:00Z", &["import", fixture("kupol-drones.json").to_str().unwrap()]).success();
    run_at(
        &db,
        "2025-10-02T10:00:00Z",
        "correct c-mfa-denies-experts --set proposition=p-experts-flight-tests --reason misfiled",
    )
    .success();
    let out =
        run_at(&db, "2025-10-03T10:00:00Z", "changes --since 2025-10-02 --prop p-experts-helped-kupol --format json")
            .success();
    let digest: Value = serde_json::from_str(&out.stdout).unwrap();
    let corrected = digest["claims_corrected"].as_array().unwrap();
    assert_eq!(corrected.len(), 1, "the claim moved off the proposition is in its digest: {digest}");
    assert_eq!(corrected[0]["claim"], json!("c-mfa-denies-experts"));
    let change = corrected[0]["changes"][0].as_str().unwrap();
    assert!(
        change.contains("“Chinese experts helped IEMZ Kupol develop military drones for Russia.”")
            && !change.contains("p-experts"),
        "propositions by their text: {change}"
    );
}

#[test]
fn second_pass_17_report_width_holds_for_headings_bullets_and_cjk() {
    use unicode_width::UnicodeWidthStr;
    let db = Db::with_fixture("kupol-drones.json");
    let cjk = "中国专家帮助俄罗斯开发军用无人机并进行了新型无人机的飞行测试这是报告中的说法";
    db.ok(&claim_add(cjk));
    db.ok("reconcile");
    // (At 40 the claims table's header alone is 42 columns: tables keep their headers whole.)
    for width in [50, 60, 72] {
        let out = db.ok(&*format!("report --width {width}"));
        for line in out.lines() {
            assert!(line.width() <= width, "--width {width}: {} columns: {line:?}", line.width());
        }
        let joined: String = out.lines().map(str::trim).collect();
        assert!(joined.contains(cjk), "--width {width}: the Chinese quote is broken across lines, not cut");
    }
}

#[test]
fn second_pass_16_a_full_disk_still_lets_every_reading_command_rescue() {
    let db = Db::new();
    let Some(disk) = SmallDisk::mount(db.dir(), "1m") else { return };
    let path = disk.0.join("story.db");
    let p = path.to_str().unwrap();
    db.run(&["--db", p, "import", fixture("kupol-drones.json").to_str().unwrap()][..]).success();
    // Fill what is left of the disk.
    let mut filler = std::fs::File::create(disk.0.join("filler")).unwrap();
    while filler.write_all(&[0u8; 4096]).is_ok() {}
    drop(filler);
    assert!(db.run(&["--db", p, "verify"][..]).success().stdout.starts_with("sound: "));
    db.run(&["--db", p, "report"][..]).success();
    let export = db.file("rescued.json");
    db.run(&["--db", p, "export", "-o", export.to_str().unwrap()][..]).success();
    let backup = db.file("rescued.db");
    db.run(&["--db", p, "backup", backup.to_str().unwrap()][..]).success();
    assert!(db.run(&["--db", backup.to_str().unwrap(), "verify"][..]).success().stdout.starts_with("sound: "));
    // A write says the disk is full.
    let out = db.run(&["--db", p, "party", "add", "zz", "--name", "ZZ", "--kind", "person"][..]);
    assert_eq!(out.code, 1, "{out:#?}");
    assert_error_line(&out.stderr, &["the disk is full", "nothing was written"]);
}
