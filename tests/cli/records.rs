//! Every record command end to end: add, list (with filters and formats), show, retract, the
//! help texts, the demo, usage errors and reading commands on a missing database.

use crate::common::*;
use serde_json::{json, Value};

/// Parties, a proposition and two sources to hang claims on, logged through the CLI.
fn small_story() -> Db {
    let db = Db::new();
    db.ok(r#"party add china-gov --name "Government of China" --kind government --country CN"#);
    db.ok(r#"party add china-mfa --name "China's foreign ministry" --kind government --parent china-gov"#);
    db.ok("party add reuters --name Reuters --kind media");
    db.ok(r#"party add officials --name "European security officials" --kind official --anonymous"#);
    db.ok(r#"prop add experts-helped --text "Chinese experts helped IEMZ Kupol" --expect china-mfa"#);
    db.ok(r#"source add report --title "The report" --kind article --publisher reuters --published 2025-09-20"#);
    db.ok(r#"source add undated --title "An undated note" --kind document"#);
    db
}

/// The ids a claim listing with these filters prints, in order.
fn claim_ids(db: &Db, filters: &str) -> Vec<String> {
    db.column(&*format!("claim list {filters}"), "id")
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn party_add_list_show() {
    let db = Db::new();
    let out = db.run(r#"party add china-gov --name "Government of China" --kind government --country cn"#);
    let out = out.success();
    assert_eq!(out.stdout, "china-gov\n", "add prints the new id");
    assert_eq!(out.stderr, "added party china-gov\n");
    db.ok(r#"party add china-mfa --name "Ministry of Foreign Affairs" --kind government --country CN
             --parent china-gov --alias "China's foreign ministry" --alias MFA"#);
    db.ok(r#"party add officials --name "European security officials" --kind official --anonymous"#);
    db.ok("party add reuters --name Reuters --kind media");

    assert_eq!(db.column("party list", "id"), strings(&["china-gov", "china-mfa", "officials", "reuters"]));
    assert_eq!(db.column("party list --kind media", "id"), strings(&["reuters"]));
    assert_eq!(db.column("party list --kind ngo", "id"), Vec::<String>::new());

    let mfa = db.json("party show china-mfa");
    assert_eq!(
        mfa,
        json!({
            "id": "china-mfa", "name": "Ministry of Foreign Affairs", "kind": "government", "anonymous": false,
            "country": "CN", "parent": "china-gov", "aliases": ["China's foreign ministry", "MFA"],
            "logged_by": USER, "recorded": RECORDED
        })
    );
    assert_eq!(db.json("party show china-gov")["country"], "CN", "country codes are upper-cased");
    assert_eq!(db.json("party show officials")["anonymous"], true);

    let table = db.ok("party show china-mfa");
    assert!(table.contains("| field") && table.contains("| parent") && table.contains("china-gov"), "{table}");
}

#[test]
fn source_add_with_archive_records_its_sha256() {
    let db = small_story();
    let archive = db.file("report.html");
    std::fs::write(&archive, "hello").unwrap();
    // sha256("hello"), as `printf hello | sha256sum` prints it.
    let digest = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";
    let out = db.ok(&[
        "source",
        "add",
        "archived",
        "--title",
        "Archived copy",
        "--kind",
        "article",
        "--publisher",
        "reuters",
        "--url",
        "https://example.org/a",
        "--published",
        "2025-09",
        "--accessed",
        "2025-09-26",
        "--reliability",
        "B",
        "--derived-from",
        "report",
        "--derived-from",
        "undated",
        "--archive",
        archive.to_str().unwrap(),
    ]);
    assert_eq!(out, "archived\n");
    assert_eq!(
        db.json("source show archived"),
        json!({
            "id": "archived", "title": "Archived copy", "kind": "article", "publisher": "reuters",
            "url": "https://example.org/a", "published": "2025-09", "accessed": "2025-09-26", "reliability": "B",
            "derived_from": ["report", "undated"], "sha256": digest, "logged_by": USER, "recorded": RECORDED
        })
    );

    // A digest given directly is stored in lower case.
    db.ok(&["source", "add", "given", "--title", "G", "--kind", "dataset", "--sha256", &digest.to_uppercase()]);
    let given = db.json("source show given");
    assert_eq!(given["sha256"], digest);
    assert_eq!(given["reliability"], "F", "reliability defaults to F (cannot be judged)");

    assert_eq!(db.column("source list", "id"), strings(&["archived", "given", "report", "undated"]));
    assert_eq!(db.column("source list --kind document", "id"), strings(&["undated"]));
}

#[test]
fn proposition_commands_answer_to_prop_and_proposition() {
    let db = small_story();
    db.ok(r#"proposition add vektor-sanctioned --text "TSK Vektor is sanctioned" --tag sanctions"#);
    db.ok(r#"prop add flight-tests --text "Experts ran flight tests" --tag drones --tag kupol
             --expect china-mfa --expect china-gov"#);
    let ids = strings(&["experts-helped", "flight-tests", "vektor-sanctioned"]);
    assert_eq!(db.column("prop list", "id"), ids);
    assert_eq!(db.ok("prop list --format json"), db.ok("proposition list --format json"));
    assert_eq!(db.column("prop list --tag drones", "id"), strings(&["flight-tests"]));
    let shown = db.json("proposition show flight-tests");
    assert_eq!(
        shown,
        json!({
            "id": "flight-tests", "text": "Experts ran flight tests", "tags": ["drones", "kupol"],
            "expected": ["china-mfa", "china-gov"], "logged_by": USER, "recorded": RECORDED
        }),
        "expected parties keep the order given"
    );
    assert_eq!(db.ok("prop show flight-tests --format json"), serde_json::to_string_pretty(&shown).unwrap() + "\n");
}

#[test]
fn claim_add_list_show() {
    let db = small_story();
    let out = db.run(
        r#"claim add --id c-mfa-denies --prop experts-helped --party china-mfa --stance denies --source report
           --via reuters --stated 2025-09-25 --quote "neutral and fair position" --note "via Reuters"
           --confidence 0.8 --grade 2"#,
    );
    let out = out.success();
    assert_eq!(out.stdout, "c-mfa-denies\n");
    assert_eq!(out.stderr, "added claim c-mfa-denies\n");
    let shown = db.json("claim show c-mfa-denies");
    assert_eq!(
        shown,
        json!({
            "id": "c-mfa-denies", "proposition": "experts-helped", "party": "china-mfa", "stance": "denies",
            "source": "report", "via": "reuters", "stated": "2025-09-25", "quote": "neutral and fair position",
            "note": "via Reuters", "confidence": 0.8, "grade": 2, "logged_by": USER, "recorded": RECORDED,
            "date": "2025-09-25", "date_basis": "stated"
        })
    );
    assert_eq!(db.json("claim list"), json!([shown]));
    let table = db.ok("claim show c-mfa-denies");
    assert!(table.contains("neutral and fair position") && table.contains("| confidence"), "{table}");
}

#[test]
fn claim_list_filters() {
    let db = Db::with_fixture("reversal.json");
    let all = claim_ids(&db, "");
    assert_eq!(all.len(), 11);
    assert_eq!(all.first().map(String::as_str), Some("c-residents-affirm-lead"), "oldest first");
    assert_eq!(all.last().map(String::as_str), Some("c-council-qualifies-pipes"));

    assert_eq!(
        claim_ids(&db, "--prop p-vwc-knew-early"),
        strings(&["c-penhale-affirms-knew", "c-vwc-denies-knew", "c-council-no-response-knew"])
    );
    assert_eq!(
        claim_ids(&db, "--party vellmoor-water"),
        strings(&["c-vwc-denies-lead", "c-vwc-denies-knew", "c-vwc-affirms-lead", "c-vwc-affirms-pipes"])
    );
    assert_eq!(
        claim_ids(&db, "--stance qualifies"),
        strings(&["c-council-qualifies-lead", "c-council-qualifies-pipes"])
    );
    assert_eq!(
        claim_ids(&db, "--source s-vwc-statement-0422"),
        strings(&["c-vwc-affirms-lead", "c-vwc-affirms-pipes"])
    );
    assert_eq!(
        claim_ids(&db, "--since 2024-04-11"),
        strings(&[
            "c-vwc-denies-knew",
            "c-council-no-response-knew",
            "c-vwc-affirms-lead",
            "c-vwc-affirms-pipes",
            "c-council-qualifies-pipes"
        ])
    );
    assert_eq!(
        claim_ids(&db, "--until 2024-04-03"),
        strings(&["c-residents-affirm-lead", "c-vwc-denies-lead"]),
        "--until includes its own day"
    );
    assert_eq!(
        claim_ids(&db, "--since 2024-04-04 --until 2024-04-05T00:00:00Z"),
        strings(&["c-courier-reports-lead", "c-wdwa-declined-lead"])
    );
    assert_eq!(
        claim_ids(&db, "--party vellmoor-water --stance denies --since 2024-04-04"),
        strings(&["c-vwc-denies-knew"]),
        "filters combine"
    );
    assert_eq!(claim_ids(&db, "--since 2024-05"), Vec::<String>::new());
    assert_eq!(claim_ids(&db, "--party nobody"), Vec::<String>::new(), "an unknown filter value matches nothing");
}

#[test]
fn partial_dates_filter_by_overlap() {
    let db = Db::with_fixture("rewrites.json");
    // c-brueckner-load-test is dated "2024" (the whole year), the engineers' claims "2024-03".
    let in_april = claim_ids(&db, "--since 2024-04-01 --until 2024-04-30");
    assert_eq!(in_april, strings(&["c-brueckner-load-test"]), "a year overlaps any of its days");
    let in_march = claim_ids(&db, "--since 2024-03-19 --until 2024-03-19");
    assert!(in_march.contains(&"c-engineers-concrete-visnyk".to_string()), "{in_march:?}");
    assert!(in_march.contains(&"c-brueckner-load-test".to_string()), "{in_march:?}");
    assert!(!in_march.contains(&"c-brueckner-denies-concrete".to_string()), "dated 2024-03-20: {in_march:?}");
}

#[test]
fn a_claims_date_falls_back_to_its_sources_publication_else_it_is_undated() {
    let db = small_story();
    let add = |source: &str, stated: Option<&str>| {
        let mut args = vec!["claim", "add", "--prop", "experts-helped", "--party", "china-mfa", "--stance", "denies"];
        args.extend(["--source", source]);
        if let Some(s) = stated {
            args.extend(["--stated", s]);
        }
        db.ok(&args).trim().to_string()
    };
    let stated = add("report", Some("2025-09-25"));
    let published = add("report", None);
    let logged = add("undated", None);
    let date = |id: &str| db.json(&["claim", "show", id])["date"].clone();
    let basis = |id: &str| db.json(&["claim", "show", id])["date_basis"].clone();
    assert_eq!((date(&stated), basis(&stated)), (json!("2025-09-25"), json!("stated")), "its own date first");
    assert_eq!((date(&published), basis(&published)), (json!("2025-09-20"), json!("published")), "else the source's");
    assert_eq!((date(&logged), basis(&logged)), (Value::Null, json!("undated")), "else none: undated");
    assert!(db.json(&["claim", "show", &published]).get("stated").is_none(), "the fallback is not stored as stated");

    // Listed by date; an undated claim by the day it was logged, and filtered by it.
    assert_eq!(claim_ids(&db, ""), vec![published.clone(), stated.clone(), logged.clone()], "listed by that date");
    assert_eq!(claim_ids(&db, "--until 2025-09-21"), vec![published.clone()]);
    assert_eq!(claim_ids(&db, "--since 2025-09-21 --until 2025-09-30"), vec![stated]);
    assert_eq!(claim_ids(&db, &format!("--since {TODAY}")), vec![logged]);
}

#[test]
fn claim_add_without_id_derives_one_and_adding_it_again_writes_nothing() {
    let db = small_story();
    let args = [
        "claim",
        "add",
        "--prop",
        "experts-helped",
        "--party",
        "china-mfa",
        "--stance",
        "denies",
        "--source",
        "report",
        "--quote",
        "neutral and fair position",
    ];
    let first = db.run(&args).success();
    let id = first.stdout.trim().to_string();
    assert!(id.starts_with("c-") && id.len() > 2, "derived id: {id:?}");
    assert_eq!(first.stdout, format!("{id}\n"));
    assert_eq!(first.stderr, format!("added claim {id}\n"));
    assert_eq!(db.json(&["claim", "show", &id])["quote"], "neutral and fair position");

    let before = db.snapshot();
    let again = db.run(&args).success();
    assert_eq!(again.stdout, first.stdout, "the same claim gets the same id");
    assert!(again.stderr.contains("already logged, unchanged; nothing written"), "{}", again.stderr);
    assert_unchanged(&before, &db.snapshot(), "adding the same claim again");

    // Who logs it and when does not change the id.
    let other = db
        .cmd()
        .args(args)
        .env("CLAIMTRACK_USER", "someone-else")
        .env("CLAIMTRACK_NOW", "2030-01-01T00:00:00Z")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&other.stdout), first.stdout);
    assert_unchanged(&before, &db.snapshot(), "the same claim from another user at another time");

    let different = db.ok("claim add --prop experts-helped --party china-mfa --stance affirms --source report");
    assert_ne!(different.trim(), id, "different content, different id");
    assert_eq!(claim_ids(&db, "").len(), 2);
}

#[test]
fn link_add_and_list() {
    let db = small_story();
    for (id, party, stance) in [("c-denies", "china-mfa", "denies"), ("c-affirms", "officials", "affirms")] {
        db.ok(&[
            "claim",
            "add",
            "--id",
            id,
            "--prop",
            "experts-helped",
            "--party",
            party,
            "--stance",
            stance,
            "--source",
            "report",
        ]);
    }
    let out = db.run("link add c-denies contradicts c-affirms").success();
    assert_eq!(out.stdout, "c-denies contradicts c-affirms\n");
    assert_eq!(out.stderr, "added link c-denies contradicts c-affirms\n");
    db.ok("link add c-affirms supports c-denies");

    let before = db.snapshot();
    let again = db.run("link add c-denies contradicts c-affirms").success();
    assert!(again.stderr.contains("unchanged"), "{}", again.stderr);
    assert_unchanged(&before, &db.snapshot(), "adding the same link again");

    assert_eq!(
        db.json("link list"),
        json!([
            {"from": "c-affirms", "rel": "supports", "to": "c-denies", "logged_by": USER, "recorded": RECORDED},
            {"from": "c-denies", "rel": "contradicts", "to": "c-affirms", "logged_by": USER, "recorded": RECORDED},
        ])
    );
}

#[test]
fn request_add_and_list() {
    let db = small_story();
    let out = db.ok(r#"request add --id r-mfa --party china-mfa --prop experts-helped --by reuters
           --asked 2025-09-24 --deadline 2025-09-26 --channel email --note "no answer""#);
    assert_eq!(out, "r-mfa\n");
    let derived = db.ok("request add --party china-gov --prop experts-helped --by reuters --asked 2025-09");
    let derived = derived.trim();
    assert!(derived.starts_with("r-") && derived.len() > 2, "derived request id: {derived:?}");
    let before = db.snapshot();
    let again = db.ok("request add --party china-gov --prop experts-helped --by reuters --asked 2025-09");
    assert_eq!(again.trim(), derived, "same request, same id");
    assert_unchanged(&before, &db.snapshot(), "adding the same request again");

    let listed = db.json("request list --party china-mfa");
    assert_eq!(
        listed,
        json!([{
            "id": "r-mfa", "party": "china-mfa", "proposition": "experts-helped", "by": "reuters",
            "asked": "2025-09-24", "deadline": "2025-09-26", "channel": "email", "note": "no answer",
            "logged_by": USER, "recorded": RECORDED
        }])
    );
    assert_eq!(db.column("request list --prop experts-helped", "id").len(), 2);
    assert_eq!(db.column("request list --prop nothing", "id"), Vec::<String>::new());
}

#[test]
fn retract_claim_and_source_keeps_them_marked() {
    let db = Db::with_fixture("kupol-drones.json");
    let out = db
        .run(&[
            "retract",
            "c-officials-affirm-experts",
            "--reason",
            "Reuters corrected the report",
            "--date",
            "2025-10-02",
        ])
        .success();
    assert_eq!(out.stdout, "c-officials-affirm-experts\n");
    assert_eq!(out.stderr, "added retraction c-officials-affirm-experts\n");
    db.ok(r#"retract s-hur-disclosure --reason "Original never located""#);

    let claims = db.json("claim list");
    let rows = claims.as_array().unwrap();
    assert_eq!(rows.len(), 16, "a retracted claim is still listed");
    for row in rows {
        let expected = if row["id"] == "c-officials-affirm-experts" { json!("2025-10-02") } else { Value::Null };
        assert_eq!(row.get("retracted").cloned().unwrap_or(Value::Null), expected, "{row}");
    }
    assert_eq!(db.json("claim show c-officials-affirm-experts")["retracted"], "2025-10-02");

    let export = db.export_json();
    assert!(export["claims"].as_array().unwrap().iter().any(|c| c["id"] == "c-officials-affirm-experts"));
    assert!(export["sources"].as_array().unwrap().iter().any(|s| s["id"] == "s-hur-disclosure"));
    assert_eq!(
        export["retractions"],
        json!([
            {"target": "c-officials-affirm-experts", "date": "2025-10-02", "reason": "Reuters corrected the report",
             "logged_by": USER, "recorded": RECORDED},
            {"target": "s-hur-disclosure", "date": TODAY, "reason": "Original never located",
             "logged_by": USER, "recorded": RECORDED},
        ]),
        "the date defaults to today"
    );

    // Retracting again with the same content is a no-op; with other content it is refused.
    let before = db.snapshot();
    db.ok(r#"retract s-hur-disclosure --reason "Original never located""#);
    assert_unchanged(&before, &db.snapshot(), "retracting again with the same reason");
    assert_refused(
        &db,
        &["retract", "s-hur-disclosure", "--reason", "Another reason"],
        None,
        1,
        &["s-hur-disclosure", "reason"],
    );
}

#[test]
fn lists_speak_json_csv_and_table() {
    let db = Db::with_fixture("reversal.json");
    let lists: &[(&[&str], &str)] = &[
        (&["party", "list"], "id,name,kind,anonymous,country,parent,aliases,note,logged_by,recorded"),
        (&["source", "list"], "id,title,kind,publisher,url,published,accessed,reliability,derived_from,sha256,note,logged_by,recorded"),
        (&["prop", "list"], "id,text,tags,expected,note,merged_into,logged_by,recorded"),
        (
            &["claim", "list"],
            "id,proposition,party,stance,source,via,stated,quote,note,confidence,grade,basis,logged_by,recorded,date,date_basis,retracted",
        ),
        (&["link", "list"], "from,rel,to,logged_by,recorded"),
        (&["request", "list"], "id,party,proposition,by,asked,deadline,channel,note,logged_by,recorded"),
    ];
    for &(args, header) in lists {
        let rows = db.json(args);
        let n = rows.as_array().unwrap_or_else(|| panic!("{args:?}: {rows}")).len();
        assert!(n > 0, "{args:?} lists something");

        let csv_text = db.ok(&[args, &["--format", "csv"][..]].concat());
        let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
        assert_eq!(reader.headers().unwrap().iter().collect::<Vec<_>>().join(","), header, "{args:?}");
        assert_eq!(reader.records().count(), n, "{args:?}: one CSV row per record");

        // Wide enough for every column: one line per record (narrower, see tables.rs).
        let table = db.ok(&[args, &["--format", "table", "--width", "400"][..]].concat());
        assert_eq!(db.ok(&[args, &["--width", "400"][..]].concat()), table, "{args:?}: table is the default");
        let first_column = header.split(',').next().unwrap();
        assert!(table.starts_with(&format!("| {first_column}")), "{args:?}:\n{table}");
        assert_eq!(table.lines().count(), n + 2, "{args:?}: header, rule, one line per record:\n{table}");
    }
    // A list cell in CSV joins its items with "; ".
    let parties = db.ok("party list --format csv");
    assert!(parties.contains("VWC; Vellmoor Water"), "{parties}");
}

#[test]
fn every_command_has_help_with_an_example() {
    let db = Db::new();
    let commands: &[&[&str]] = &[
        &[],
        &["demo"],
        &["import"],
        &["export"],
        &["party", "add"],
        &["party", "list"],
        &["party", "show"],
        &["source", "add"],
        &["source", "list"],
        &["source", "show"],
        &["prop", "add"],
        &["proposition", "add"],
        &["prop", "list"],
        &["prop", "show"],
        &["claim", "add"],
        &["claim", "list"],
        &["claim", "show"],
        &["link", "add"],
        &["link", "list"],
        &["request", "add"],
        &["request", "list"],
        &["retract"],
        &["reconcile"],
        &["findings"],
        &["report"],
        &["matrix"],
        &["trace"],
        &["log"],
        &["completions"],
        &["man"],
    ];
    for &command in commands {
        let out = db.run(&[command, &["--help"][..]].concat());
        assert_eq!(out.code, 0, "{command:?} --help: {out:#?}");
        assert!(out.stdout.contains("Example"), "{command:?} --help has no example:\n{}", out.stdout);
        assert!(out.stdout.contains("Usage: claimtrack"), "{command:?}:\n{}", out.stdout);
    }
    assert!(!db.exists(), "help opens no database");
}

#[test]
fn command_groups_have_help_with_an_example() {
    let db = Db::new();
    for group in ["party", "source", "prop", "claim", "link", "request"] {
        let out = db.run(&[group, "--help"]).success();
        assert!(out.stdout.contains("Example"), "{group} --help has no example:\n{}", out.stdout);
    }
}

#[test]
fn demo_prints_the_kupol_propositions_and_writes_no_file() {
    let db = Db::new();
    let out = outcome(db.bare_cmd().arg("demo")).success();
    let kupol: Value = serde_json::from_str(&fixture_text("kupol-drones.json")).unwrap();
    // Editors read words: every proposition's text, and no ids.
    let flat = out.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    for p in kupol["propositions"].as_array().unwrap() {
        let text = p["text"].as_str().unwrap().split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(flat.contains(&text), "demo should show {text}:\n{}", out.stdout);
        assert!(!out.stdout.contains(p["id"].as_str().unwrap()), "demo shows words, not {}", p["id"]);
    }
    assert!(out.stderr.contains("Loaded the Kupol example"), "{}", out.stderr);
    let left: Vec<_> = std::fs::read_dir(db.dir()).unwrap().collect();
    assert!(left.is_empty(), "demo without --db keeps the example in memory, but left {left:?}");

    // --format json is one JSON document that covers every proposition.
    let out = outcome(db.bare_cmd().args(["demo", "--format", "json"])).success();
    let doc: Value = serde_json::from_str(&out.stdout).expect("demo --format json prints one JSON document");
    let text = doc.to_string();
    for p in kupol["propositions"].as_array().unwrap() {
        assert!(text.contains(&p["id"].to_string()), "demo --format json should cover {}", p["id"]);
    }
}

#[test]
fn demo_with_db_flag_keeps_the_example() {
    let db = Db::new();
    let target = db.file("kupol.db");
    outcome(db.bare_cmd().args(["demo", "--db", target.to_str().unwrap()])).success();
    let out =
        outcome(db.bare_cmd().args(["--db", target.to_str().unwrap(), "prop", "list", "--format", "json"])).success();
    let props: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(props.as_array().unwrap().len(), 9);
}

#[test]
fn demo_leaves_the_database_in_claimtrack_db_alone() {
    let db = Db::with_fixture("reversal.json");
    let before = db.snapshot();
    db.ok("demo");
    assert_unchanged(
        &before,
        &db.snapshot(),
        "`claimtrack demo` merged the Kupol example into the user's own database",
    );
}

#[test]
fn usage_errors_exit_2() {
    let db = Db::with_fixture("kupol-drones.json");
    assert_refused(&db, "claim list --bogus", None, 2, &["unexpected argument '--bogus'"]);
    assert_refused(&db, "claim list --format html", None, 2, &["html", "--format"]);
    assert_refused(&db, "claim list --format yaml", None, 2, &["'yaml'", "--format"]);
    assert_refused(&db, "claim add --prop p-experts-helped-kupol", None, 2, &["required"]);
    assert_refused(&db, "claims list", None, 2, &["unrecognized subcommand 'claims'"]);
    assert_refused(&db, "", None, 2, &[]);
    // Formats clap accepts but the command does not speak are usage errors too, on one line.
    assert_refused(&db, "export --format csv", None, 2, &["--format csv needs --what"]);
    assert_refused(&db, "export --format html", None, 2, &["`export` does not write html"]);
    assert_refused(&db, "demo --format csv", None, 2, &["`demo` does not write csv"]);
    // A command that prints no data refuses --format rather than ignoring it.
    let finding = {
        db.ok("reconcile");
        db.column("findings", "id").remove(0)
    };
    for (args, command) in [
        ("--format claimreview party add zz --name Z --kind other", "`party add`"),
        ("--format json claim add --prop p-experts-helped-kupol --party kremlin --stance denies --source s-seed-article", "`claim add`"),
        ("--format json verdict set p-experts-helped-kupol --rating 1 --best 5 --worst 1 --label False", "`verdict set`"),
        ("--format json retract s-seed-article --reason x", "`retract`"),
        ("--format csv config set org.name Desk", "`config set`"),
        (&*format!("--format json findings ack {finding}"), "`findings ack`"),
        ("--format json correct kremlin --set name=K --reason typo", "`correct`"),
        ("--format json backup copy.db", "`backup`"),
        ("--format json completions bash", "`completions`"),
    ] {
        assert_refused(&db, args, None, 2, &[command, "prints no data", "leave --format out"]);
    }
    // A positional argument is named as the command names it, not as another's flag.
    assert_refused(
        &db,
        "verdict set nope --rating 1 --best 5 --worst 1 --label False",
        None,
        1,
        &["PROP: no proposition 'nope'"],
    );
}

#[test]
fn reading_commands_on_a_missing_database_fail_and_create_nothing() {
    let db = Db::new();
    let reads = [
        "party list",
        "party show x",
        "source list",
        "source show x",
        "prop list",
        "prop show x",
        "claim list",
        "claim show x",
        "link list",
        "request list",
        "export",
    ];
    for args in reads {
        let out = db.run(args);
        assert_eq!(out.code, 1, "{args:?}: {out:#?}");
        assert_error_line(&out.stderr, &["no database at", "story.db"]);
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(!db.exists(), "{args:?} created the database file");
    }
    let left: Vec<_> = std::fs::read_dir(db.dir()).unwrap().collect();
    assert!(left.is_empty(), "no -wal or -shm files either: {left:?}");
}

#[test]
fn quiet_prints_data_but_no_messages() {
    let db = Db::new();
    let out = db.run("--quiet party add x --name X --kind other").success();
    assert_eq!(out.stdout, "x\n");
    assert_eq!(out.stderr, "");
    let out = db.run(&["-q", "import", fixture("kupol-drones.json").to_str().unwrap()]).success();
    assert_eq!(out.stderr, "");
    assert_eq!(db.column("party list -q", "id").len(), 9);
}

/// China's foreign ministry denying experts-helped in the report, once per (id, stated).
fn add_dated_denials(db: &Db, claims: &[(&str, &str)]) {
    for (id, stated) in claims {
        let args =
            ["claim", "add", "--id", id, "--prop", "experts-helped", "--party", "china-mfa", "--stance", "denies"];
        db.ok(&[&args[..], &["--source", "report", "--stated", stated]].concat());
    }
}

#[test]
fn claim_list_orders_instants_by_time() {
    let db = small_story();
    add_dated_denials(
        &db,
        &[
            ("c-third", "2025-09-25T12:00:00Z"),
            ("c-first", "2025-09-25T10:00:00Z"),
            ("c-second", "2025-09-25T10:30:00+00:00"),
        ],
    );
    assert_eq!(claim_ids(&db, ""), strings(&["c-first", "c-second", "c-third"]));
}

#[test]
fn claim_list_orders_fractional_seconds_by_time() {
    let db = small_story();
    add_dated_denials(&db, &[("c-later", "2025-09-25T10:00:00.5Z"), ("c-earlier", "2025-09-25T10:00:00Z")]);
    assert_eq!(claim_ids(&db, ""), strings(&["c-earlier", "c-later"]), "claim list is oldest first");
}

#[test]
fn request_deadline_at_a_coarser_precision_is_accepted() {
    let db = small_story();
    let base = ["request", "add", "--party", "china-mfa", "--prop", "experts-helped", "--by", "reuters"];
    db.ok(&[&base[..], &["--asked", "2025-09-24", "--deadline", "2025-09"]].concat());
    db.ok(&[&base[..], &["--asked", "2025-09-24T15:00:00Z", "--deadline", "2025-09-24"]].concat());
}

/// Every command and every argument explains itself in --help, and clap finds nothing wrong
/// with how they are declared.
#[test]
fn every_argument_has_help() {
    use clap::CommandFactory;
    let cli = claimtrack::cli::Cli::command();
    cli.clone().debug_assert();
    let mut missing = Vec::new();
    let mut todo = vec![(String::from("claimtrack"), cli)];
    while let Some((path, cmd)) = todo.pop() {
        if cmd.is_hide_set() {
            continue;
        }
        if cmd.get_about().is_none() && path != "claimtrack" {
            missing.push(format!("{path} (the command)"));
        }
        for arg in cmd.get_arguments().filter(|a| !a.is_hide_set() && !a.is_global_set() || path == "claimtrack") {
            let id = arg.get_id().as_str();
            if id == "help" || id == "version" {
                continue;
            }
            if arg.get_help().is_none() && arg.get_long_help().is_none() {
                missing.push(format!("{path} {id}"));
            }
        }
        todo.extend(cmd.get_subcommands().map(|c| (format!("{path} {}", c.get_name()), c.clone())));
    }
    missing.sort();
    assert!(missing.is_empty(), "arguments without help:\n{}", missing.join("\n"));
}
