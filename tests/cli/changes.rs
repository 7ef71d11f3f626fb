//! What changed since the last look (issue 14): `claimtrack changes` over a scripted day of
//! work, in every format and with `--since` in every form people type; `report --since`
//! opening with the digest and marking what is new or changed; the one moment parser behind
//! every --since, --until, --as-of and --known-at; `findings --since`, `history --since` and
//! `reconcile` naming what it opened, reopened and cleared.
//!
//! The day is logged with the clock moved step by step (CLAIMTRACK_NOW), and read the next
//! morning at [`MORNING`]. Its digests are golden files (tests/golden/day.*); regenerate them
//! with `UPDATE_GOLDEN=1 cargo test --test cli changes::` and read the diff.

use crate::common::*;
use scraper::{Html, Selector};
use serde_json::Value;
use std::collections::BTreeMap;

/// The morning after the day of work: Sunday 29 November 2026, 09:00 UTC.
const MORNING: &str = "2026-11-29T09:00:00Z";
const DAY0: &str = "2026-11-27T10:00:00Z";

const EXPERTS: &str = "Chinese experts helped IEMZ Kupol develop drones";

/// Runs the binary at `now` with `--db story.db` (so that reports print the same path on
/// every machine) and captures what it did.
fn at(db: &Db, now: &str, args: &(impl Args + ?Sized)) -> Outcome {
    let mut cmd = db.bare_cmd();
    cmd.env("CLAIMTRACK_NOW", now).args(["--db", "story.db"]).args(args.to_args());
    outcome(&mut cmd)
}

/// Like [`at`], for a command that must succeed: its stdout.
fn at_ok(db: &Db, now: &str, args: &(impl Args + ?Sized)) -> String {
    at(db, now, args).success().stdout
}

/// `claimtrack changes ARGS --format json` the next morning, parsed.
fn digest(db: &Db, args: &str) -> Value {
    let out = at_ok(db, MORNING, &*format!("changes {args} --format json"));
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("changes printed invalid JSON ({e}):\n{out}"))
}

/// The id of the one finding of `kind` on a proposition.
fn finding(db: &Db, kind: &str, prop: &str) -> String {
    let found = db.json(&*format!("findings --kind {kind} --prop {prop}"));
    let rows = found.as_array().unwrap();
    assert_eq!(rows.len(), 1, "one {kind} finding on {prop} expected: {found}");
    rows[0]["id"].as_str().unwrap().to_string()
}

/// The story before the day: two propositions, an anonymous affirmation and a denial, two
/// requests (the Kremlin's due on the day), reconciled, and the conflict dismissed.
fn the_day_before() -> Db {
    let db = Db::new();
    let steps = [
        "party add reuters --name Reuters --kind media",
        "party add china-mfa --name \"China's foreign ministry\" --kind government",
        "party add kremlin --name Kremlin --kind government",
        "party add kupol --name \"IEMZ Kupol\" --kind company",
        "party add eu-officials --name \"European security officials\" --kind official --anonymous",
        "source add reuters-report --title \"Chinese experts helped Russian drone maker\" --kind article --publisher reuters --published 2026-11-26",
        "prop add experts-helped --text \"Chinese experts helped IEMZ Kupol develop drones\" --expect china-mfa --expect kremlin",
        "prop add deliveries --text \"IEMZ Kupol delivered drones to the Russian army\"",
        "claim add --id c-officials --prop experts-helped --party eu-officials --stance affirms --source reuters-report --confidence 0.7",
        "claim add --id c-kupol-denies --prop experts-helped --party kupol --stance denies --source reuters-report --stated 2026-11-26",
        "request add --id q-kremlin --party kremlin --prop experts-helped --by reuters --asked 2026-11-26 --deadline 2026-11-28",
        "request add --id q-mfa --party china-mfa --prop experts-helped --by reuters --asked 2026-11-26",
        "reconcile",
    ];
    for step in steps {
        at_ok(&db, DAY0, step);
    }
    let conflict = finding(&db, "conflict", "experts-helped");
    at_ok(&db, DAY0, &*format!("findings dismiss {conflict} --note \"both sides are quoted\""));
    db
}

/// The day of work, 28 November: a source and a claim that answers a request, a correction,
/// a reversal, a retraction, a claim on the other proposition, a new request, a verdict, a
/// reconcile and a triage. The Kremlin's deadline passes unanswered.
fn scripted_day() -> Db {
    let db = the_day_before();
    let steps = [
        ("09:00", "source add mfa-briefing --title \"Foreign ministry briefing, 28 November\" --kind statement --publisher china-mfa --published 2026-11-28"),
        ("09:10", "claim add --id c-mfa-denies --prop experts-helped --party china-mfa --stance denies --source mfa-briefing --quote \"neutral and fair position\" --stated 2026-11-28"),
        ("09:20", "correct c-kupol-denies --set \"quote=no foreign specialists\" --reason \"the quote as published\""),
        ("09:30", "claim add --id c-kupol-affirms --prop experts-helped --party kupol --stance affirms --source reuters-report --stated 2026-11-28 --quote \"we worked with consultants\""),
        ("09:40", "retract c-officials --reason \"Reuters withdrew the officials' account\""),
        ("09:45", "claim add --id c-kremlin-deliveries --prop deliveries --party kremlin --stance denies --source reuters-report --stated 2026-11-28"),
        ("09:50", "request add --id q-kupol --party kupol --prop experts-helped --by reuters --asked 2026-11-28 --deadline 2026-12-01"),
        ("09:55", "verdict set experts-helped --rating 2 --best 5 --worst 1 --label Unproven"),
        ("10:00", "reconcile"),
    ];
    for (time, step) in steps {
        at_ok(&db, &format!("2026-11-28T{time}:00Z"), step);
    }
    let single = finding(&db, "single-source", "experts-helped");
    at_ok(&db, "2026-11-28T10:30:00Z", &*format!("findings dismiss {single} --note \"a second source is on its way\""));
    db
}

/// Each list of a digest by the ids of its entries (the field named first in each entry).
fn ids(d: &Value) -> BTreeMap<String, Vec<String>> {
    let id_of = |e: &Value| -> String {
        ["request", "finding", "verdict", "claim", "target", "source", "party"]
            .iter()
            .find_map(|k| e[*k].as_str())
            .map_or_else(|| e.to_string(), str::to_string)
    };
    d.as_object()
        .unwrap()
        .iter()
        .filter_map(|(k, v)| v.as_array().map(|list| (k.clone(), list.iter().map(id_of).collect())))
        .collect()
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array().unwrap().iter().map(|x| x.as_str().unwrap()).collect()
}

#[test]
fn a_scripted_day_gives_exactly_the_expected_digest() {
    let db = scripted_day();
    let d = digest(&db, "--since yesterday");
    let keys: Vec<&str> = d.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "since",
            "until",
            "claims_added",
            "claims_corrected",
            "retractions",
            "positions_changed",
            "findings_new",
            "findings_reopened",
            "findings_cleared",
            "findings_triaged",
            "requests_added",
            "requests_answered",
            "requests_overdue",
            "sources_added",
            "verdicts"
        ],
        "the keys of the issue, in its order"
    );
    assert_eq!(
        (d["since"].as_str(), d["until"].as_str()),
        (Some("2026-11-28T00:00:00.000000Z"), Some("2026-11-29T09:00:00.000000Z"))
    );
    let f = |kind: &str, prop: &str| finding(&db, kind, prop);
    let want: BTreeMap<String, Vec<String>> = [
        ("claims_added", vec!["c-mfa-denies", "c-kupol-affirms", "c-kremlin-deliveries"]),
        ("claims_corrected", vec!["c-kupol-denies"]),
        ("retractions", vec!["c-officials"]),
        // By proposition, then by party name.
        ("positions_changed", vec!["kremlin", "china-mfa", "eu-officials", "kupol"]),
        ("findings_new", vec![&*f("reversal", "experts-helped")]),
        ("findings_reopened", vec![&*f("conflict", "experts-helped")]),
        (
            "findings_cleared",
            vec![&*f("anonymous-only", "experts-helped"), &*f("silence --party china-mfa", "experts-helped")],
        ),
        ("findings_triaged", vec![&*f("single-source", "experts-helped")]),
        ("requests_added", vec!["q-kupol"]),
        ("requests_answered", vec!["q-mfa"]),
        ("requests_overdue", vec!["q-kremlin"]),
        ("sources_added", vec!["mfa-briefing"]),
        ("verdicts", vec![&*db.column("verdict list", "id")[0]]),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.into_iter().map(str::to_string).collect()))
    .collect();
    assert_eq!(ids(&d), want);

    // Each entry names its records by id and by name or text.
    let added = &d["claims_added"][0];
    assert_eq!(added["party_name"], "China's foreign ministry");
    assert_eq!(added["stance"], "denies");
    assert_eq!(added["proposition_text"], EXPERTS);
    assert_eq!(added["source_title"], "Foreign ministry briefing, 28 November");
    let corrected = &d["claims_corrected"][0];
    assert_eq!(strings(&corrected["changes"]), ["quote: (none) → no foreign specialists"]);
    assert_eq!((corrected["reason"].as_str(), corrected["by"].as_str()), (Some("the quote as published"), Some(USER)));
    let retracted = &d["retractions"][0];
    assert_eq!(
        (retracted["kind"].as_str(), retracted["party_name"].as_str()),
        (Some("claim"), Some("European security officials"))
    );

    // Positions: taken, dropped, reversed, each with the claims that did it.
    let positions: Vec<(&str, &str, &str, &str, Vec<&str>)> = d["positions_changed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let s = |k: &str| p[k].as_str().unwrap();
            (s("party"), s("proposition"), s("from"), s("to"), strings(&p["claims"]))
        })
        .collect();
    assert_eq!(
        positions,
        [
            ("kremlin", "deliveries", "none", "denies", vec!["c-kremlin-deliveries"]),
            ("china-mfa", "experts-helped", "none", "denies", vec!["c-mfa-denies"]),
            ("eu-officials", "experts-helped", "affirms", "none", vec!["c-officials"]),
            ("kupol", "experts-helped", "denies", "affirms", vec!["c-kupol-affirms"]),
        ]
    );
    assert_eq!(d["positions_changed"][3]["proposition_text"], EXPERTS);

    // Findings with their propositions; the reopened one says why; the triage says who.
    assert_eq!(d["findings_new"][0]["proposition_text"], EXPERTS);
    assert_eq!(d["findings_reopened"][0]["why"], "reopened: new evidence");
    let triaged = &d["findings_triaged"][0];
    assert_eq!(
        (triaged["state"].as_str(), triaged["note"].as_str(), triaged["by"].as_str()),
        (Some("dismissed"), Some("a second source is on its way"), Some(USER))
    );
    // Answered by the claim that answered it; overdue because its deadline passed in the window.
    assert_eq!(
        (d["requests_answered"][0]["claim"].as_str(), d["requests_answered"][0]["stance"].as_str()),
        (Some("c-mfa-denies"), Some("denies"))
    );
    assert_eq!(d["requests_overdue"][0]["deadline"], "2026-11-28");
    assert_eq!(d["requests_overdue"][0]["party_name"], "Kremlin");
    assert_eq!(
        (d["verdicts"][0]["label"].as_str(), d["verdicts"][0]["proposition_text"].as_str()),
        (Some("Unproven"), Some(EXPERTS))
    );
}

#[test]
fn the_digest_and_report_since_match_their_golden_files_in_every_format() {
    let db = scripted_day();
    for (format, ext) in [("table", "txt"), ("markdown", "md"), ("json", "json")] {
        golden(
            &format!("day.changes.{ext}"),
            &at_ok(&db, MORNING, &*format!("changes --since yesterday --format {format}")),
        );
    }
    for (format, ext) in [("table", "txt"), ("markdown", "md"), ("html", "html"), ("json", "json")] {
        let args = format!("report --since yesterday --width 100 --format {format}");
        golden(&format!("day.report-since.{ext}"), &at_ok(&db, MORNING, &*args));
    }
}

#[test]
fn every_form_of_since_reads_the_same_window() {
    let db = scripted_day();
    let table = |since: &str| at_ok(&db, MORNING, &["changes", "--since", since]);
    let markdown = |since: &str| at_ok(&db, MORNING, &["changes", "--since", since, "--format", "markdown"]);
    let yesterday = table("yesterday");
    let flat = yesterday.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains(&format!("IEMZ Kupol on “{EXPERTS}”: denies → affirms")), "{yesterday}");
    let yesterday_md = markdown("yesterday");
    // The morning is a Sunday: Saturday is yesterday.
    for since in
        ["Yesterday", "saturday", "sat", "2026-11-28", "2026-11-28T00:00:00Z", "2026-11-28T01:00:00+01:00", "33h"]
    {
        assert_eq!(table(since), yesterday, "--since {since}");
        assert_eq!(markdown(since), yesterday_md, "--since {since} --format markdown");
    }
    // A day back from 09:00 starts at 09:00, when the day's work began: the same entries.
    let entries = |mut d: Value| {
        d.as_object_mut().unwrap().remove("since");
        d
    };
    let want = entries(digest(&db, "--since yesterday"));
    for since in ["1d", "24h", "1440m"] {
        let d = digest(&db, &format!("--since {since}"));
        assert_eq!(d["since"], "2026-11-28T09:00:00.000000Z", "{since}");
        assert_eq!(entries(d), want, "--since {since}");
    }
    // Further back, the day before is in the window too: all four claims are new.
    for since in ["2w", "3d", "sunday", "2026-11", "2026"] {
        let d = digest(&db, &format!("--since {since}"));
        assert_eq!(ids(&d)["claims_added"].len(), 5, "--since {since}: {}", d["claims_added"]);
        assert_eq!(ids(&d)["findings_reopened"], Vec::<String>::new(), "--since {since}: new, not reopened");
    }
    // Today nothing has happened yet.
    assert_eq!(table("today"), "Nothing changed from 29 Nov 2026, 00:00 UTC to 29 Nov 2026, 09:00 UTC.\n");
}

#[test]
fn until_closes_the_window_as_the_database_knew_it_then() {
    let db = scripted_day();
    let d = digest(&db, "--since 2026-11-27 --until 2026-11-27");
    assert_eq!(d["until"], "2026-11-27T23:59:59.999999Z");
    let got = ids(&d);
    assert_eq!(got["claims_added"], ["c-officials", "c-kupol-denies"]);
    assert_eq!(got["requests_added"], ["q-kremlin", "q-mfa"]);
    assert_eq!(got["requests_overdue"], Vec::<String>::new(), "the deadline is the 28th");
    assert_eq!(got["findings_triaged"], [finding(&db, "conflict", "experts-helped")]);
    // Read as the database knew it then: the quote corrected on the 28th is not there yet.
    assert!(d["claims_added"][1].get("quote").is_none(), "{}", d["claims_added"][1]);
    // From the first hour of the day's work to its end.
    let d = digest(&db, "--since 2026-11-28T09:00:00Z --until 2026-11-28T09:15:00Z");
    assert_eq!(ids(&d)["claims_added"], ["c-mfa-denies"]);
    assert_eq!(ids(&d)["sources_added"], ["mfa-briefing"]);
    assert_eq!(ids(&d)["claims_corrected"], Vec::<String>::new());
}

#[test]
fn prop_limits_the_digest_to_its_propositions() {
    let db = scripted_day();
    let d = digest(&db, "--since yesterday --prop deliveries");
    let got = ids(&d);
    assert_eq!(got["claims_added"], ["c-kremlin-deliveries"]);
    assert_eq!(got["positions_changed"], ["kremlin"]);
    assert_eq!(got["sources_added"], Vec::<String>::new(), "no claim on it was read in the briefing");
    assert_eq!(got["requests_overdue"], Vec::<String>::new());
    let d = digest(&db, "--since yesterday --prop \"Chinese experts helped IEMZ Kupol develop drones\"");
    assert!(!ids(&d)["claims_added"].contains(&"c-kremlin-deliveries".to_string()));
    assert_eq!(ids(&d)["sources_added"], ["mfa-briefing"]);
    let out = at(&db, MORNING, "changes --since yesterday --prop delivery");
    assert_eq!(out.code, 1, "{out:#?}");
    assert_error_line(&out.stderr, &["delivery", "deliveries"]);
}

#[test]
fn an_empty_window_says_so_in_one_line() {
    let db = scripted_day();
    let line = "Nothing changed from 29 Nov 2026, 00:00 UTC to 29 Nov 2026, 09:00 UTC.\n";
    for format in ["table", "markdown"] {
        let out = at(&db, MORNING, &*format!("changes --since today --format {format}")).success();
        assert_eq!(out.stdout, line, "{format}");
    }
    let d = digest(&db, "--since today");
    assert!(ids(&d).values().all(Vec::is_empty), "{d}");
    // A report opens with the same line and marks nothing.
    let report = at_ok(&db, MORNING, "report --since today");
    assert!(report.contains(line.trim_end()), "{report}");
    assert!(!report.contains("Marked below"));
}

#[test]
fn until_before_since_and_unreadable_moments_are_usage_errors() {
    let db = scripted_day();
    let refused = |args: &str, needles: &[&str]| {
        let before = db.snapshot();
        let out = at(&db, MORNING, args);
        assert_eq!(out.code, 2, "{args}: {out:#?}");
        assert_error_line(&out.stderr, needles);
        assert!(out.stdout.is_empty(), "{args}");
        assert_unchanged(&before, &db.snapshot(), args);
    };
    refused("changes --since yesterday --until 2026-11-27", &["--until", "before --since", "27 Nov 2026"]);
    refused("report --since today --known-at yesterday", &["--known-at", "before --since"]);
    let forms = ["a date", "an instant", "today", "yesterday", "a weekday", "12h", "3d", "2w"];
    for args in [
        "changes --since tomorrow",
        "changes --since yesterday --until soon",
        "history --since \"2 days\"",
        "findings --since 3y",
        "claim list --since 0d",
        "report --as-of lundi",
        "reconcile --known-at 2d3h",
        "report --since 2026-13",
    ] {
        refused(args, &forms);
    }
}

#[test]
fn history_and_findings_read_the_same_moments() {
    let db = scripted_day();
    let events = db_json(&db, "history --since yesterday");
    let records: Vec<&str> = events.as_array().unwrap().iter().map(|e| e["record"].as_str().unwrap()).collect();
    assert_eq!(&records[..3], ["mfa-briefing", "c-mfa-denies", "c-kupol-denies"]);
    let what: Vec<&str> = events.as_array().unwrap().iter().map(|e| e["what"].as_str().unwrap()).collect();
    assert_eq!(what[2], "corrected: quote: (none) → no foreign specialists (why: the quote as published)");
    assert_eq!(db_json(&db, "history --since saturday"), events);
    assert_eq!(db_json(&db, "history --since today"), Value::Array(vec![]));

    let changed = |since: &str| -> Vec<String> {
        let mut ids: Vec<String> = db_json(&db, &format!("findings --since {since}"))
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_str().unwrap().to_string())
            .collect();
        ids.sort();
        ids
    };
    let d = digest(&db, "--since yesterday");
    let mut want: Vec<String> = ["findings_new", "findings_reopened", "findings_cleared", "findings_triaged"]
        .iter()
        .flat_map(|k| ids(&d)[*k].clone())
        .collect();
    want.sort();
    assert_eq!(changed("yesterday"), want);
    assert_eq!(
        changed("2026-11-28T10:15:00Z"),
        [finding(&db, "single-source", "experts-helped")],
        "only the triage after the reconcile"
    );
    assert_eq!(changed("today"), Vec::<String>::new());
}

/// `ARGS --format json` the next morning, parsed.
fn db_json(db: &Db, args: &str) -> Value {
    serde_json::from_str(&at_ok(db, MORNING, &*format!("{args} --format json"))).unwrap()
}

#[test]
fn report_since_marks_what_is_new_or_changed_in_every_format() {
    let db = scripted_day();
    let report = db_json(&db, "report --since yesterday");
    assert_eq!(report["changes"]["claims_added"].as_array().unwrap().len(), 3, "it opens with the digest");
    let experts = report["propositions"].as_array().unwrap().iter().find(|p| p["id"] == "experts-helped").unwrap();
    assert_eq!(experts["change"], "changed");
    let marks: BTreeMap<&str, Option<&str>> = experts["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["claim"].as_str().unwrap(), c["change"].as_str()))
        .collect();
    assert_eq!(
        marks,
        BTreeMap::from([
            ("c-kupol-denies", Some("changed")),
            ("c-officials", Some("changed")),
            ("c-mfa-denies", Some("new")),
            ("c-kupol-affirms", Some("new")),
        ])
    );
    // Without --since: no digest, no marks (the golden reports hold the bytes).
    let plain = db_json(&db, "report");
    assert!(plain.get("changes").is_none());
    assert!(!at_ok(&db, MORNING, "report --format json").contains("\"change\""));

    let md = at_ok(&db, MORNING, "report --since yesterday --format markdown");
    assert!(md.contains("| **new** China's foreign ministry |"), "{md}");
    assert!(md.contains("- **new** IEMZ Kupol, asked by Reuters"), "{md}");
    assert!(md.contains("## What changed"));

    let terminal = at_ok(&db, MORNING, "report --since yesterday --width 100");
    assert!(terminal.starts_with("Chinese experts helped IEMZ Kupol"), "the title first:\n{terminal}");
    assert!(terminal.contains("\n  + China's foreign ministry  "), "{terminal}");
    assert!(terminal.contains("\n  ~ IEMZ Kupol  "), "{terminal}");

    let html = Html::parse_document(&at_ok(&db, MORNING, "report --since yesterday --format html"));
    let select = |s: &str| Selector::parse(s).unwrap();
    let digest = html.select(&select("section.changes")).next().expect("the digest section");
    assert!(digest.text().collect::<String>().contains("Positions changed"));
    let badge = |row: &str| -> Vec<String> {
        html.select(&select(&format!("tr[id='c-{row}'] .badge"))).map(|b| b.text().collect()).collect()
    };
    assert_eq!(badge("c-mfa-denies"), ["new"]);
    assert_eq!(badge("c-officials"), ["changed"]);
    let new_requests = html.select(&select("p.note .badge.new")).count();
    assert_eq!(new_requests, 1, "the Kupol request");
    let plain = at_ok(&db, MORNING, "report --format html");
    assert!(!plain.contains("badge") && !plain.contains("class=\"changes\""), "a plain report has no badges");
}

#[test]
fn reconcile_names_the_findings_it_opened_reopened_and_cleared() {
    let db = the_day_before();
    for (time, step) in [
        ("09:10", "claim add --id c-mfa-denies --prop experts-helped --party china-mfa --stance denies --source reuters-report"),
        ("09:30", "claim add --id c-kupol-affirms --prop experts-helped --party kupol --stance affirms --source reuters-report --stated 2026-11-28"),
        ("09:40", "retract c-officials --reason withdrawn"),
    ] {
        at_ok(&db, &format!("2026-11-28T{time}:00Z"), step);
    }
    let out = at(&db, "2026-11-28T10:00:00Z", "reconcile").success();
    let lines: Vec<&str> = out.stderr.lines().collect();
    assert!(lines[0].ends_with("(1 new, 1 reopened, 2 cleared)"), "{}", out.stderr);
    let named = |line: &str| assert!(lines.contains(&line), "{line:?} not in:\n{}", out.stderr);
    named(&format!("  new: reversal on “{EXPERTS}” (IEMZ Kupol)"));
    named(&format!("  reopened: conflict on “{EXPERTS}” (China's foreign ministry, IEMZ Kupol)"));
    named(&format!("  cleared: silence: no-response on “{EXPERTS}” (China's foreign ministry)"));
    named(&format!("  cleared: anonymous-only on “{EXPERTS}” (European security officials)"));
    let quiet = at(&db, "2026-11-28T10:05:00Z", "reconcile --quiet").success();
    assert!(quiet.stderr.is_empty(), "--quiet says nothing: {}", quiet.stderr);
}

#[test]
fn a_source_retracted_in_the_window_is_named_with_what_it_breaks() {
    let db = scripted_day();
    at_ok(&db, "2026-11-29T08:00:00Z", "retract mfa-briefing --reason \"the page was taken down\"");
    let d = digest(&db, "--since today");
    let x = &d["retractions"][0];
    assert_eq!(
        (x["kind"].as_str(), x["title"].as_str()),
        (Some("source"), Some("Foreign ministry briefing, 28 November"))
    );
    assert_eq!(d["findings_new"][0]["kind"], "retracted-basis");
    assert_eq!(d["findings_new"][0]["parties"], serde_json::json!(["china-mfa"]));
    assert_eq!(ids(&d)["positions_changed"], Vec::<String>::new(), "a retracted source leaves the claim standing");
    let table = at_ok(&db, MORNING, "changes --since today");
    assert!(table.contains("“Foreign ministry briefing, 28 November” — retracted by the source on 29 Nov"), "{table}");
}
