//! `claimtrack log` (from files and in a scripted editor), names in place of ids on the
//! command line, `claim add` asking at a real pseudo-terminal, shell completions (bash run
//! for real) and the manual page.

use crate::common::*;
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The Kupol story as one file per source, in the order they must be logged.
const KUPOL_LOG: &[&str] = &[
    "reuters-report.toml",
    "officials-to-reuters.toml",
    "reuters-documents.toml",
    "hur-disclosure.toml",
    "seed-article.toml",
];

fn log_file(name: &str) -> PathBuf {
    fixture("log").join(name)
}

fn log_from(db: &Db, path: &Path) -> Outcome {
    db.run(&["log", "--from", path.to_str().expect("a UTF-8 path")])
}

/// What reconcile finds, without the ids of claims and findings (derived ids may differ
/// between a story logged by hand and the same story imported).
fn findings(db: &Db) -> Vec<Value> {
    let out = db.json("reconcile");
    let mut found: Vec<Value> = out["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            json!({"kind": f["kind"], "severity": f["severity"], "proposition": f["proposition"],
                   "parties": f["parties"], "reason": f["reason"], "detail": f["detail"], "claims": f["claims"].as_array().map(Vec::len)})
        })
        .collect();
    found.sort_by_key(|f| f.to_string());
    found
}

/// Each proposition's status, support and positions, without claim ids.
fn positions(db: &Db) -> Value {
    let report = db.json("report");
    let props: Vec<Value> = report["propositions"]
        .as_array()
        .expect("propositions")
        .iter()
        .map(|p| {
            let mut positions: Vec<Value> = p["positions"]
                .as_array()
                .expect("positions")
                .iter()
                .map(|x| {
                    let mut x = x.clone();
                    x.as_object_mut().expect("a position").remove("claim");
                    x
                })
                .collect();
            positions.sort_by_key(|x| x.to_string());
            let support: Value = p["support"]
                .as_object()
                .expect("support")
                .iter()
                .map(|(stance, s)| {
                    (stance.clone(), json!({"parties": s["parties"], "support": s["support"], "grade": s["grade"]}))
                })
                .collect::<serde_json::Map<_, _>>()
                .into();
            json!({"id": p["id"], "status": p["status"], "support": support, "positions": positions})
        })
        .collect();
    json!({"propositions": props, "matrix": report["matrix"]})
}

/// The records of each kind, without who logged them, when, or the derived ids.
fn content(db: &Db) -> Value {
    let mut all = db.export_json();
    for (kind, list) in all.as_object_mut().expect("a bundle").iter_mut() {
        let Some(list) = list.as_array_mut() else { continue };
        for record in list.iter_mut() {
            let record = record.as_object_mut().expect("a record");
            record.remove("logged_by");
            record.remove("recorded");
            if kind == "requests"
                || (kind == "claims" && record.get("id").and_then(Value::as_str).is_some_and(|id| id.len() == 14))
            {
                record.remove("id");
            }
        }
        list.sort_by_key(|r| r.to_string());
    }
    all
}

#[test]
fn the_kupol_article_logged_file_by_file_reconciles_like_the_bundle() {
    let logged = Db::new();
    for name in KUPOL_LOG {
        let out = log_from(&logged, &log_file(name)).success();
        assert!(out.stdout.is_empty(), "data goes to stdout, and log prints none: {:?}", out.stdout);
        assert!(out.stderr.contains(": added "), "{name}: {}", out.stderr);
    }
    let imported = Db::with_fixture("kupol-drones.json");

    let found = findings(&logged);
    assert_eq!(found, findings(&imported));
    let kinds: BTreeSet<&str> = found.iter().map(|f| f["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["anonymous-only", "conflict", "silence", "single-source"].into(), "{found:#?}");
    assert_eq!(positions(&logged), positions(&imported));

    // Record for record the same story, names in the files resolved to the same ids; only
    // the ids the files leave to be derived differ.
    let (a, b) = (content(&logged), content(&imported));
    for kind in ["parties", "sources", "propositions", "links", "requests"] {
        assert_eq!(a[kind], b[kind], "{kind} differ");
    }
    let strip = |v: &Value| {
        let mut claims: Vec<Value> = v["claims"].as_array().unwrap().clone();
        for c in &mut claims {
            c.as_object_mut().unwrap().remove("id");
        }
        claims.sort_by_key(|c| c.to_string());
        claims
    };
    assert_eq!(strip(&a), strip(&b), "claims differ");

    // Logging the same files again changes nothing.
    let before = logged.snapshot();
    for name in KUPOL_LOG {
        let out = log_from(&logged, &log_file(name)).success();
        assert!(out.stderr.contains("added nothing"), "{name}: {}", out.stderr);
    }
    assert_unchanged(&before, &logged.snapshot(), "logging the same files twice");
}

#[test]
fn log_errors_name_the_file_and_line_and_write_nothing() {
    let db = Db::with_fixture("kupol-drones.json");
    let text = r#"# A bulletin of Ukrainian military intelligence.

[source]
id = "s-hur-bulletin"
title = "Bulletin"
kind = "statement"
publisher = "Ukrainian military intelligence"
reliability = "F"

[[claim]]
party = "Ukrainian military intelligence"
proposition = "p-d30sn-components-unsanctioned"
stance = "affirms"
note = "Repeated in a bulletin."
"#
    .to_string();
    let line_of = |text: &str, needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let write = |name: &str, text: &str| {
        let path = db.file(name);
        std::fs::write(&path, text).unwrap();
        path.to_str().unwrap().to_string()
    };

    let typo =
        text.replace("party = \"Ukrainian military intelligence\"", "party = \"Ukrainian military inteligence\"");
    let at = line_of(&typo, "inteligence");
    let file = write("typo.toml", &typo);
    assert_refused(
        &db,
        &["log", "--from", &file],
        None,
        1,
        &[&format!("{file}: line {at}: party: no party 'Ukrainian military inteligence'")],
    );

    let stance = text.replace("stance = \"affirms\"", "stance = \"affirm\"");
    let at = line_of(&stance, "affirm\"");
    let file = write("stance.toml", &stance);
    assert_refused(
        &db,
        &["log", "--from", &file],
        None,
        1,
        &[&format!("line {at}: stance: 'affirm' is not a valid stance; use one of: affirms")],
    );

    let unknown = text.replace("note =", "nte =");
    let at = line_of(&unknown, "nte =");
    let file = write("unknown.toml", &unknown);
    assert_refused(&db, &["log", "--from", &file], None, 1, &[&format!("line {at}: nte: unknown field `nte`")]);

    let syntax = text.replace("kind = \"statement\"", "kind = \"statement");
    let at = line_of(&syntax, "kind = \"statement");
    let file = write("syntax.toml", &syntax);
    assert_refused(&db, &["log", "--from", &file], None, 1, &[&format!("line {at}: not valid TOML")]);

    // A reference to a source not logged yet, from the file's own [source].
    let upstream = text
        .replace("id = \"s-hur-bulletin\"", "id = \"s-hur-again\"")
        .replace("reliability = \"F\"", "reliability = \"F\"\nderived_from = [\"s-hur-disclosure\", \"s-nowhere\"]");
    let at = line_of(&upstream, "s-nowhere");
    let file = write("upstream.toml", &upstream);
    assert_refused(
        &db,
        &["log", "--from", &file],
        None,
        1,
        &[&format!("line {at}: derived_from: no source 's-nowhere'")],
    );

    // A claim on a source that is not there points at the [source] id it defaults to.
    let source_only = "[source]\nid = \"s-nowhere\"\n\n[[claim]]\nparty = \"kremlin\"\nproposition = \"p-experts-helped-kupol\"\nstance = \"denies\"\n";
    assert_refused(
        &db,
        &["log", "--from", "-"],
        Some(source_only),
        1,
        &["<stdin>: line 2: source: no source 's-nowhere'"],
    );

    assert_refused(&db, "log --from missing.toml", None, 1, &["reading missing.toml"]);
}

#[test]
fn log_takes_names_aliases_titles_and_texts_and_a_dry_run() {
    let db = Db::with_fixture("kupol-drones.json");
    let text = r#"
[source]
id = "THE EVOLVING DYNAMICS OF MILITARY DRONE COLLABORATION BETWEEN CHINA AND RUSSIA"

[[claim]]
party = "CHINA’S FOREIGN MINISTRY"
proposition = "Chinese experts did technical work on existing drone models and conducted flight tests of new drones with IEMZ Kupol."
stance = "qualifies"
via = "the kremlin"
stated = 2025-09-26
confidence = 0.5
grade = 3

[[request]]
party = "kupol"
proposition = "p-experts-flight-tests"
by = "Reuters"
asked = "2025-09-24"
"#;
    let before = db.snapshot();
    let out = db.run_with(&["log", "--dry-run", "--from", "-"], Some(text)).success();
    assert!(out.stderr.contains("would add 1 claim, 1 request") && out.stderr.contains("dry run"), "{}", out.stderr);
    assert_unchanged(&before, &db.snapshot(), "log --dry-run");

    db.run_with(&["log", "--from", "-"], Some(text)).success();
    let claims = db.json("claim list --stance qualifies");
    let c = &claims[0];
    assert_eq!(
        (&c["party"], &c["proposition"], &c["source"], &c["via"], &c["stated"], &c["confidence"], &c["grade"]),
        (
            &json!("china-mfa"),
            &json!("p-experts-flight-tests"),
            &json!("s-seed-article"),
            &json!("kremlin"),
            &json!("2025-09-26"),
            &json!(0.5),
            &json!(3)
        )
    );
    let requests = db.json("request list --party IEMZ-Kupol");
    assert_eq!(requests.as_array().unwrap().len(), 0, "a name that matches nothing filters to nothing");
    let requests = db.json("request list --party Kupol --prop p-experts-flight-tests");
    assert_eq!(requests[0]["by"], "reuters");
}

#[test]
fn flags_take_names_and_aliases_everywhere() {
    let db = Db::with_fixture("kupol-drones.json");
    // Parties by name or alias (accents and case ignored), a proposition by its text, a
    // source by its title.
    db.ok(r#"party add mfa-fr --name "Ministère de l'Europe et des Affaires étrangères" --kind government --country FR --parent "the kremlin""#);
    assert_eq!(db.json("party show mfa-fr")["parent"], "kremlin");
    db.ok(r#"source add s-follow-up --title "Follow-up" --kind article --publisher "ministere de l'europe et des affaires etrangeres" --derived-from "The Evolving Dynamics of Military Drone Collaboration Between China and Russia""#);
    let source = db.json("source show s-follow-up");
    assert_eq!((&source["publisher"], &source["derived_from"]), (&json!("mfa-fr"), &json!(["s-seed-article"])));
    db.ok(r#"prop add p-new --text "A new matter" --expect "The Kremlin" --expect "ukrainian military intelligence""#);
    assert_eq!(db.json("prop show p-new")["expected"], json!(["kremlin", "ukraine-hur"]));
    let id = db.ok(r#"claim add --prop "a new matter" --party "russian defense ministry" --stance denies --source follow-up --via "Ministère de l'Europe et des Affaires étrangères""#);
    let claim = db.json(&*format!("claim show {}", id.trim()));
    assert_eq!(
        (&claim["proposition"], &claim["party"], &claim["source"], &claim["via"]),
        (&json!("p-new"), &json!("russia-mod"), &json!("s-follow-up"), &json!("mfa-fr"))
    );
    db.ok(r#"request add --party kupol --prop "A NEW MATTER" --by "chinese foreign ministry""#);
    assert_eq!(db.json("request list --prop p-new")[0]["by"], "china-mfa");

    // Filters and views read names too.
    assert_eq!(
        db.column(r#"claim list --party "Russian defence ministry" --source Follow-up"#, "id"),
        vec![id.trim().to_string()]
    );
    assert_eq!(
        db.column(r#"claim list --party "Ukrainian Military Intelligence""#, "party"),
        vec!["ukraine-hur".to_string()]
    );
    let matrix = db.json(r#"matrix --prop "a new matter""#);
    assert_eq!(matrix["propositions"], json!(["p-new"]));
    db.ok(r#"report --prop "A new matter""#);
    db.ok(r#"search denies --party "Russian defence ministry""#);

    // A name that is no one's still gets the suggestion; one that is several parties' lists them.
    assert_refused(
        &db,
        r#"claim add --prop p-new --party "china mfa" --stance denies --source follow-up"#,
        None,
        1,
        &["--party: no party 'china mfa'"],
    );
    db.ok(r#"party add mfa-cn-2 --name "Chinese foreign ministry" --kind government"#);
    assert_refused(
        &db,
        r#"claim add --prop p-new --party "Chinese Foreign Ministry" --stance denies --source follow-up"#,
        None,
        1,
        &["--party: 'Chinese Foreign Ministry' could be any of 2 parties: china-mfa (China's foreign ministry), mfa-cn-2 (Chinese foreign ministry); give the id"],
    );
    assert_refused(&db, r#"claim list --party "chinese foreign ministry""#, None, 1, &["could be any of 2 parties"]);
    assert_refused(&db, r#"matrix --prop "no such matter""#, None, 1, &["no proposition 'no such matter'"]);
    // An id is always taken as it is.
    db.ok("claim list --party china-mfa");
}

/// An editor for tests: a shell script that, on its Nth opening, copies what it was given
/// to `seen-N.toml`, saves the database as `db-N.json`, then does `actions[N-1]` to the file
/// ("$1"). Its rounds are counted in `rounds`.
fn editor(db: &Db, actions: &[&str]) -> String {
    let bin = env!("CARGO_BIN_EXE_claimtrack");
    let mut cases = String::new();
    for (n, action) in actions.iter().enumerate() {
        cases.push_str(&format!("  {}) {action} ;;\n", n + 1));
    }
    let script = format!(
        r#"#!/bin/sh
set -e
dir='{dir}'
n=$(cat "$dir/rounds" 2>/dev/null || echo 0)
n=$((n + 1))
echo "$n" > "$dir/rounds"
echo "$1" > "$dir/path"
cp "$1" "$dir/seen-$n.toml"
if [ -e "$CLAIMTRACK_DB" ]; then '{bin}' export > "$dir/db-$n.json"; fi
case $n in
{cases}  *) exit 9 ;;
esac
"#,
        dir = db.dir().display()
    );
    let path = db.file("editor.sh");
    std::fs::write(&path, script).unwrap();
    path.to_str().unwrap().to_string()
}

fn seen(db: &Db, n: usize) -> String {
    std::fs::read_to_string(db.file(&format!("seen-{n}.toml"))).unwrap_or_else(|e| panic!("seen-{n}.toml: {e}"))
}

fn rounds(db: &Db) -> String {
    std::fs::read_to_string(db.file("rounds")).unwrap_or_default().trim().to_string()
}

fn log_in_editor(db: &Db, editor: &str) -> Outcome {
    outcome(db.cmd().env("EDITOR", format!("sh {editor}")).arg("log"))
}

/// A first draft with a mistake: the party's name misspelled on line 8.
const DRAFT: &str = r#"[source]
id = "s-kremlin-call"
title = "Call to the Kremlin press office"
kind = "interview"
publisher = "Reuters"

[[claim]]
party = "Kremlni"
proposition = "Chinese experts helped IEMZ Kupol develop military drones for Russia."
stance = "declined"
quote = "We have nothing to add."
"#;

#[test]
fn the_editor_reopens_at_the_error_until_the_text_is_valid() {
    let db = Db::with_fixture("kupol-drones.json");
    std::fs::write(db.file("draft.toml"), DRAFT).unwrap();
    let before = db.export();
    let editor = editor(&db, &[r#"cp "$dir/draft.toml" "$1""#, r#"sed -i 's/Kremlni/Kremlin/' "$1""#]);

    let out = log_in_editor(&db, &editor).success();
    assert_eq!(rounds(&db), "2");
    assert!(
        out.stderr.contains("line 8: party: no party 'Kremlni' (did you mean 'kremlin'?); reopening the editor"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.ends_with("log: added 1 source, 1 claim; 0 already present, unchanged\n"), "{}", out.stderr);

    // The template it opened on first.
    let template = seen(&db, 1);
    assert!(template.contains("\n[source]\n") && template.contains("\n[[claim]]\n"), "{template}");
    assert!(
        template.contains(
            "#   china-mfa: China's foreign ministry (Ministry of Foreign Affairs of China, Chinese foreign ministry)"
        ),
        "{template}"
    );

    // The second opening: the draft, with the error noted just above the line it is about,
    // and nothing written in between.
    let second: Vec<String> = seen(&db, 2).lines().map(str::to_string).collect();
    assert_eq!(second[7], "#! error: party: no party 'Kremlni' (did you mean 'kremlin'?)");
    assert_eq!(second[8], r#"party = "Kremlni""#);
    assert_eq!(second.iter().filter(|l| l.starts_with("#!")).count(), 1);
    let during = std::fs::read_to_string(db.file("db-2.json")).unwrap();
    assert_unchanged(&before, &during, "the database while the editor was open again");

    let claim = &db.json("claim list --source s-kremlin-call")[0];
    assert_eq!(
        (&claim["party"], &claim["stance"], &claim["proposition"]),
        (&json!("kremlin"), &json!("declined"), &json!("p-experts-helped-kupol"))
    );
    assert_eq!(claim["quote"], "We have nothing to add.");
    let path = std::fs::read_to_string(db.file("path")).unwrap();
    assert!(!Path::new(path.trim()).exists(), "the text is removed once logged: {path}");
}

#[test]
fn an_unchanged_or_emptied_template_aborts_and_writes_nothing() {
    let db = Db::new();
    let editor = editor(&db, &["true", r#": > "$1""#]);
    for round in ["1", "2"] {
        let out = log_in_editor(&db, &editor);
        assert_eq!(out.code, 1, "{out:#?}");
        assert_error_line(&out.stderr, &["log: aborted, nothing written (the template was left unchanged or emptied)"]);
        assert!(out.stdout.is_empty());
        assert_eq!(rounds(&db), round);
        assert!(!db.exists(), "an aborted log created the database");
        let path = std::fs::read_to_string(db.file("path")).unwrap();
        assert!(!Path::new(path.trim()).exists(), "nothing to keep: {path}");
    }
    let template = seen(&db, 1);
    assert!(!template.contains("Parties logged"), "no database, nothing listed:\n{template}");
}

#[test]
fn giving_up_after_an_error_keeps_the_text() {
    let db = Db::with_fixture("kupol-drones.json");
    std::fs::write(db.file("draft.toml"), DRAFT).unwrap();
    let before = db.snapshot();
    let editor = editor(&db, &[r#"cp "$dir/draft.toml" "$1""#, "true"]);
    let out = log_in_editor(&db, &editor);
    assert_eq!(out.code, 1, "{out:#?}");
    let error = out.stderr.lines().last().unwrap();
    assert!(error.starts_with("error: log: aborted, nothing written (your text is kept in "), "{}", out.stderr);
    let path = std::fs::read_to_string(db.file("path")).unwrap();
    let kept = std::fs::read_to_string(path.trim()).expect("the text is kept");
    std::fs::remove_file(path.trim()).unwrap();
    assert!(kept.contains("#! error: party: no party 'Kremlni'") && kept.contains("We have nothing to add."), "{kept}");
    assert_unchanged(&before, &db.snapshot(), "giving up");
}

#[test]
fn a_failing_editor_or_none_writes_nothing() {
    let db = Db::new();
    let out = outcome(db.cmd().env("EDITOR", "false").arg("log"));
    assert_eq!(out.code, 1);
    assert_error_line(&out.stderr, &["log: the editor (false) failed", "nothing written"]);
    // Off a terminal, with no editor set, nothing is guessed.
    assert_refused(
        &db,
        "log",
        None,
        2,
        &["log: no editor to open: set VISUAL or EDITOR, or give the text with --from FILE"],
    );
    assert!(!db.exists());
}

#[test]
fn claim_add_off_a_terminal_never_asks() {
    let db = Db::with_fixture("kupol-drones.json");
    let out = assert_refused(&db, "claim add", None, 2, &[]);
    assert_eq!(
        out.stderr,
        "error: the following required arguments were not provided: --prop <PROP> --party <PARTY> --stance <STANCE> --source <SOURCE> (see --help)\n"
    );
    let out = assert_refused(&db, "claim add --party kremlin --quote x", None, 2, &[]);
    assert_eq!(
        out.stderr,
        "error: the following required arguments were not provided: --prop <PROP> --stance <STANCE> --source <SOURCE> (see --help)\n"
    );
}

mod terminal {
    //! `claim add` at a pseudo-terminal: real keys, real prompts.

    use super::*;
    use rexpect::process::WaitStatus;
    use rexpect::session::{spawn_command, PtySession};

    fn spawn(db: &Db, args: &[&str]) -> PtySession {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_claimtrack"));
        cmd.env_clear()
            .env("CLAIMTRACK_USER", USER)
            .env("CLAIMTRACK_NOW", NOW)
            .env("CLAIMTRACK_DB", db.path())
            .env("NO_COLOR", "1")
            .env("TERM", "xterm")
            .current_dir(db.dir())
            .args(args);
        spawn_command(cmd, Some(10_000)).expect("the binary starts in a pseudo-terminal")
    }

    /// Waits for `prompt`, then types `keys` (\r is Enter).
    fn answer(p: &mut PtySession, prompt: &str, keys: &str) {
        p.exp_string(prompt).unwrap_or_else(|e| panic!("waiting for {prompt:?}: {e}"));
        p.send(keys).unwrap();
        p.flush().unwrap();
    }

    fn exit_code(p: &mut PtySession) -> i32 {
        p.exp_eof().expect("the command ends");
        match p.process().wait().expect("the command exits") {
            WaitStatus::Exited(_, code) => code,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn claim_add_asks_for_each_field_with_ranked_choices_and_confirms() {
        let db = Db::with_fixture("kupol-drones.json");
        let mut p = spawn(&db, &["claim", "add"]);
        // Part of an id that only one record has is taken at once.
        answer(&mut p, "Source", "reuters-rep\r");
        // A typo, corrected with backspace: the id typed exactly.
        answer(&mut p, "Party", "kremlni\x7f\x7fin\r");
        // Several match: the list, best first, "> " on the one Enter picks.
        answer(&mut p, "Proposition", "experts\r");
        answer(&mut p, "Which one?", "");
        answer(&mut p, "> p-experts-flight-tests", "\r");
        answer(&mut p, "Stance", "declin\r");
        answer(&mut p, "Relayed by", "\r");
        answer(&mut p, "Quote", "We have nothing to add.\r");
        answer(&mut p, "Stated on", "2025-09-31\r");
        // A value the flag would refuse is refused here too, and asked again.
        // As the reports write dates, too.
        answer(&mut p, "'2025-09-31' is not a day of the calendar", "30 Sep 2025\r");
        answer(&mut p, "confidence", "1.5\r");
        answer(&mut p, "1.5 is out of range; confidence runs from 0 to 1", "0.8\r");
        answer(&mut p, "Admiralty grade", "\r");
        answer(&mut p, "Note", "\r");
        answer(&mut p, "  party: kremlin", "");
        answer(&mut p, "Log this claim?", "y");
        p.exp_string("added claim c-").unwrap();
        assert_eq!(exit_code(&mut p), 0);

        let claim = &db.json("claim list --stance declined")[0];
        assert_eq!(
            (&claim["party"], &claim["proposition"], &claim["source"], &claim["stated"], &claim["confidence"]),
            (
                &json!("kremlin"),
                &json!("p-experts-flight-tests"),
                &json!("s-reuters-report"),
                &json!("2025-09-30"),
                &json!(0.8)
            )
        );
        assert_eq!(claim["quote"], "We have nothing to add.");
        assert!(claim.get("via").is_none() && claim.get("grade").is_none() && claim.get("note").is_none(), "{claim}");
    }

    /// A proposition like a logged one, added at a terminal (issue 28).
    const LOOKALIKE: [&str; 5] =
        ["prop", "add", "p-cn-experts", "--text", "Chinese specialists helped IEMZ Kupol develop military drones"];

    #[test]
    fn a_new_proposition_like_a_logged_one_is_offered_and_yes_uses_the_logged_one() {
        let db = Db::with_fixture("kupol-drones.json");
        let before = db.snapshot();
        let mut p = spawn(&db, &LOOKALIKE);
        answer(&mut p, "p-cn-experts looks like p-experts-helped-kupol", "");
        answer(&mut p, "Use p-experts-helped-kupol instead of p-cn-experts?", "y");
        p.exp_string("p-experts-helped-kupol").unwrap();
        p.exp_string("using proposition p-experts-helped-kupol; nothing written").unwrap();
        assert_eq!(exit_code(&mut p), 0);
        assert_unchanged(&before, &db.snapshot(), "the logged proposition taken instead");
    }

    #[test]
    fn a_new_proposition_like_a_logged_one_is_kept_as_written_unless_the_person_says_yes() {
        let db = Db::with_fixture("kupol-drones.json");
        let mut p = spawn(&db, &LOOKALIKE);
        // Enter: the default is to keep what was typed, never a silent substitution.
        answer(&mut p, "Use p-experts-helped-kupol instead of p-cn-experts?", "\r");
        p.exp_string("added proposition p-cn-experts").unwrap();
        assert_eq!(exit_code(&mut p), 0);
        assert_eq!(db.json("prop show p-cn-experts")["text"], LOOKALIKE[4]);
    }

    #[test]
    fn flags_given_are_not_asked_and_no_means_nothing_is_written() {
        let db = Db::with_fixture("kupol-drones.json");
        let before = db.snapshot();
        // The party by its alias: shown for confirmation as the id it stands for.
        let mut p = spawn(&db, &["claim", "add", "--party", "The Kremlin", "--stance", "denies", "--quote", "No."]);
        answer(&mut p, "Source", "\r");
        answer(&mut p, "Proposition", "\r");
        answer(&mut p, "Relayed by", "\r");
        answer(&mut p, "Stated on", "\r");
        answer(&mut p, "confidence", "\r");
        answer(&mut p, "Admiralty grade", "\r");
        answer(&mut p, "Note", "\r");
        let shown = p.exp_string("Log this claim?").unwrap();
        assert!(
            shown.contains("party: kremlin") && shown.contains("quote: No.") && !shown.contains("Quote ("),
            "{shown}"
        );
        p.send("n").unwrap();
        p.flush().unwrap();
        p.exp_string("aborted, nothing written (not confirmed)").unwrap();
        assert_eq!(exit_code(&mut p), 1);
        assert_unchanged(&before, &db.snapshot(), "a claim not confirmed");
    }
}

#[test]
fn bash_completion_offers_commands_flags_and_the_ids_in_the_database() {
    let db = Db::with_fixture("kupol-drones.json");
    let script = db.ok("completions bash");
    let path = db.file("claimtrack.bash");
    std::fs::write(&path, script).unwrap();
    let other = Db::with_fixture("reversal.json");
    let bin = env!("CARGO_BIN_EXE_claimtrack");
    // Each case: the words on the line, the last one being completed.
    let complete = |words: &[&str]| -> BTreeSet<String> {
        let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
        let test = format!(
            r#"source '{script}'
complete -p claimtrack | grep -q _claimtrack_with_ids || exit 7
COMP_WORDS=('{bin}' {words})
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
COMP_LINE="${{COMP_WORDS[*]}}"
COMP_POINT=${{#COMP_LINE}}
_claimtrack_with_ids "${{COMP_WORDS[0]}}" "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\n' "${{COMPREPLY[@]}}"
"#,
            script = path.display(),
            words = quoted.join(" ")
        );
        let out = std::process::Command::new("bash")
            .arg("-c")
            .arg(&test)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("CLAIMTRACK_DB", db.path())
            .current_dir(db.dir())
            .output()
            .expect("bash runs");
        assert!(out.status.success(), "{words:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap().lines().filter(|l| !l.is_empty()).map(str::to_string).collect()
    };
    let set = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();

    assert!(complete(&["cl"]).contains("claim"), "{:?}", complete(&["cl"]));
    assert!(complete(&["lo"]).contains("log"));
    assert!(complete(&["__"]).is_empty(), "the helper stays hidden");
    assert!(complete(&["claim", "add", "--d"]).contains("--db"), "global flags too");
    assert_eq!(complete(&["claim", "add", "--sta"]), set(&["--stance", "--stated"]));
    assert_eq!(complete(&["claim", "add", "--party", "ch"]), set(&["china-mfa"]));
    assert_eq!(complete(&["claim", "add", "--via", "reu"]), set(&["reuters"]));
    assert_eq!(
        complete(&["report", "--prop", "p-experts-"]),
        set(&["p-experts-flight-tests", "p-experts-helped-kupol"])
    );
    assert_eq!(
        complete(&["claim", "add", "--source", "s-reuters-"]),
        set(&["s-reuters-documents", "s-reuters-report"])
    );
    assert_eq!(complete(&["source", "add", "x", "--derived-from", "s-h"]), set(&["s-hur-disclosure"]));
    // --db on the line is the database whose ids are offered.
    let other_db = other.path().to_str().unwrap();
    let from_other = complete(&["--db", other_db, "claim", "list", "--party", "vell"]);
    assert!(!from_other.is_empty() && from_other.iter().all(|id| id.starts_with("vell")), "{from_other:?}");
    // Other values complete as clap says.
    assert_eq!(complete(&["claim", "add", "--stance", "no"]), set(&["no-response"]));
}

#[test]
fn zsh_and_fish_scripts_complete_ids_through_the_hidden_command() {
    let db = Db::with_fixture("kupol-drones.json");
    let zsh = db.ok("completions zsh");
    assert!(zsh.starts_with("#compdef claimtrack"), "{}", &zsh[..80]);
    assert!(zsh.contains("'--party=[The party whose stance it is]:PARTY:_claimtrack_ids party'"), "{zsh}");
    assert!(zsh.contains("'*--prop=[Only this proposition (repeat for more)]:PROP:_claimtrack_ids proposition'"));
    assert!(zsh.contains("'*--derived-from=["), "repeatable flags too");
    assert!(!zsh.contains("--source=[The source it was found in]:SOURCE:_default"));
    let helper = zsh.find("_claimtrack_ids() {").expect("the helper is defined");
    assert!(helper < zsh.rfind("compdef _claimtrack claimtrack").unwrap(), "before the script starts completing");

    let fish = db.ok("completions fish");
    assert!(fish.contains("complete -c claimtrack -l party -x -a '(__claimtrack_ids party)'"), "{fish}");
    assert!(fish.contains("complete -c claimtrack -l derived-from -x -a '(__claimtrack_ids source)'"));
    assert!(fish.contains("function __claimtrack_ids"));

    assert_eq!(db.ok("__complete-ids proposition").lines().count(), 9);
    assert_eq!(db.ok("__complete-ids party").lines().next(), Some("china-mfa"));
    let none = Db::new();
    assert_eq!(none.run("__complete-ids party").success().stdout, "", "no database: nothing, quietly");
    assert!(!none.exists());
    assert_refused(&db, "completions tcsh", None, 2, &["'tcsh'"]);
}

#[test]
fn the_manual_page_renders_from_the_command_definitions() {
    let db = Db::new();
    let page = db.ok("man");
    assert!(page.contains(".TH claimtrack 1"), "{}", &page[..200]);
    for needle in [".SH NAME", ".SH SYNOPSIS", "log", "completions", "Examples:"] {
        assert!(page.contains(needle), "the page has no {needle:?}");
    }
    assert!(!page.contains("__complete"), "the hidden helper stays out of the manual");
    let dir = db.file("man1");
    std::fs::create_dir(&dir).unwrap();
    let out = db.run(&["man", "--dir", dir.to_str().unwrap()]).success();
    assert!(out.stdout.is_empty() && out.stderr.contains("wrote the manual pages"));
    let log = std::fs::read_to_string(dir.join("claimtrack-log.1")).unwrap();
    assert!(log.contains(".TH claimtrack-log 1") && log.contains("docs/LOG.md") && log.contains("\\-\\-from"), "{log}");
    let add = std::fs::read_to_string(dir.join("claimtrack-claim-add.1")).unwrap();
    assert!(add.contains("asked for each field"), "{add}");
    assert!(!dir.join("claimtrack-__complete-ids.1").exists());
    assert!(!db.exists(), "the manual opens no database");
}

/// The fenced blocks of one language in a Markdown file, in order.
fn blocks(markdown: &str, language: &str) -> Vec<String> {
    let fence = format!("```{language}\n");
    markdown
        .split(&fence)
        .skip(1)
        .map(|rest| {
            rest.split("```").next().unwrap_or_default().lines().map(|l| l.trim_start()).collect::<Vec<_>>().join("\n")
        })
        .collect()
}

#[test]
fn the_full_example_in_docs_log_md_logs_as_it_says() {
    let docs = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/LOG.md")).unwrap();
    let example = blocks(&docs, "toml").into_iter().find(|b| b.contains("[source]")).expect("a full example");
    let db = Db::new();
    let out = db.run_with(&["log", "--from", "-"], Some(&example)).success();
    assert_eq!(
        out.stderr,
        "<stdin>: added 4 parties, 1 source, 1 proposition, 2 claims, 2 requests; 0 already present, unchanged\n"
    );
    assert_eq!(db.json("party show peskov")["parent"], "kremlin");
    let claim = db.json("claim show c-peskov-declines");
    assert_eq!(claim["quote"], "We do not comment on such publications.\nAsk the Ministry of Defence.");
    assert_eq!(
        (&claim["party"], &claim["via"], &claim["source"]),
        (&json!("peskov"), &json!("tass"), &json!("s-tass-peskov"))
    );
    let by: BTreeSet<String> = db.column("request list", "by").into_iter().collect();
    assert_eq!(by, ["reuters".to_string(), "tass".to_string()].into());
}

#[test]
fn the_readme_walk_through_and_its_log_file_tell_the_same_story() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let by_hand = readme.split("## Five minutes by hand").nth(1).expect("the walk-through");
    let db = Db::new();
    let commands = blocks(by_hand, "sh").remove(0).replace("\\\n", " ");
    for line in commands.lines().filter(|l| l.starts_with("claimtrack ") && l.contains(" add ")) {
        let line = line.split(" # ").next().unwrap().trim_start_matches("claimtrack ");
        db.ok(line);
    }
    let before = db.snapshot();
    let logging = readme.split("## Logging an article in one go").nth(1).expect("the log walk-through");
    let text = blocks(logging, "toml").remove(0);
    let out = db.run_with(&["log", "--from", "-"], Some(&text)).success();
    assert!(out.stderr.contains("added nothing; 10 already present"), "{}", out.stderr);
    assert_unchanged(&before, &db.snapshot(), "the README's log file restates its walk-through");
}

/// A draft with mistakes in three blocks: a misspelt kind in the new source (line 4), an
/// unknown key in the first claim (line 20), a bad stance and an impossible date in the
/// second (lines 25-26), and a party nobody logged in the third (line 29).
const THREE_BLOCKS: &str = r#"[source]
id = "s-bad"
title = "A report"
kind = "artcle"
publisher = "reuters"

[[party]]
id = "reuters-2"
name = "Reuters wire"
kind = "media"

[[proposition]]
id = "p-x"
text = "X happened"

[[claim]]
party = "reuters-2"
proposition = "p-x"
stance = "affirms"
qoute = "we saw it"

[[claim]]
party = "reuters-2"
proposition = "p-x"
stance = "deny"
stated = "2025-02-30"

[[claim]]
party = "nobody-at-all"
proposition = "p-x"
stance = "denies"
"#;

#[test]
fn every_mistake_in_three_blocks_is_told_at_once_at_its_line() {
    let db = Db::with_fixture("kupol-drones.json");
    std::fs::write(db.file("bad.toml"), THREE_BLOCKS).unwrap();
    let before = db.snapshot();
    let out = db.run(&["log", "--from", db.file("bad.toml").to_str().unwrap()][..]);
    assert_eq!(out.code, 1, "{out:#?}");
    let lines: Vec<&str> = out.stderr.lines().collect();
    let at = |n: usize, field: &str| {
        let prefix = format!("error: {}: line {n}: {field}: ", db.file("bad.toml").display());
        assert!(lines.iter().any(|l| l.starts_with(&prefix)), "no error at line {n} ({field}):\n{}", out.stderr);
    };
    at(4, "kind");
    at(20, "qoute");
    at(25, "stance");
    at(26, "stated");
    at(29, "party");
    assert_eq!(lines.len(), 5, "one error each, nothing more:\n{}", out.stderr);
    // The new source's misspelt kind is its one error: the claims naming it find it.
    assert!(!out.stderr.contains("no source"), "{}", out.stderr);
    assert_unchanged(&before, &db.snapshot(), "a log with mistakes");

    // In the editor: each note just above its line, in one round; fixed, it is logged.
    std::fs::write(db.file("draft.toml"), THREE_BLOCKS).unwrap();
    let fix = r#"sed -i -e 's/artcle/article/' -e 's/qoute/quote/' -e 's/"deny"/"denies"/' -e 's/02-30/02-28/' -e 's/nobody-at-all/kremlin/' "$1""#;
    let editor = editor(&db, &[r#"cp "$dir/draft.toml" "$1""#, fix]);
    log_in_editor(&db, &editor).success();
    assert_eq!(rounds(&db), "2", "all mistakes told in the first round");
    let second: Vec<String> = seen(&db, 2).lines().map(str::to_string).collect();
    for (needle, line) in [
        ("kind = \"artcle\"", "#! error: kind: 'artcle'"),
        ("qoute = ", "#! error: qoute: unknown field"),
        ("stance = \"deny\"", "#! error: stance: 'deny'"),
        ("stated = \"2025-02-30\"", "#! error: stated: '2025-02-30'"),
        ("party = \"nobody-at-all\"", "#! error: party: no party 'nobody-at-all'"),
    ] {
        let i = second.iter().position(|l| l.starts_with(needle)).unwrap_or_else(|| panic!("{needle}"));
        assert!(second[i - 1].starts_with(line), "above {needle}: {:?}\n{}", second[i - 1], second.join("\n"));
    }
    assert_eq!(second.iter().filter(|l| l.starts_with("#!")).count(), 5, "{}", second.join("\n"));
    assert_eq!(db.json("claim list --source s-bad").as_array().unwrap().len(), 3);
}

#[test]
fn the_template_shows_a_claims_source_and_basis() {
    let db = Db::new();
    let editor = editor(&db, &["true"]);
    log_in_editor(&db, &editor);
    let template = seen(&db, 1);
    let claim = template.split("\n[[claim]]\n").nth(1).unwrap();
    let claim = claim.split("\n\n").next().unwrap();
    assert!(claim.contains("\nsource = \"\""), "{claim}");
    assert!(claim.contains("\nbasis = []"), "{claim}");
}
