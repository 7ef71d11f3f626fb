//! One reading of the record: every view (report, matrix, trace, the `positions` view, the
//! header counts, ClaimReview) says what the reconciler read, and nothing more. Each test
//! here reproduces a way the views once disagreed, or said more than the record supports.

use crate::common::*;
use serde_json::{json, Value};

/// Parties a, b (named) and anon (anonymous), a source, and proposition p (with q and r).
fn story(claims: Value, links: Value) -> Db {
    let db = Db::new();
    db.import_str(&bundle(json!({
        "parties": [
            {"id": "a", "name": "Alpha Ministry", "kind": "government"},
            {"id": "b", "name": "Beta Corp", "kind": "company"},
            {"id": "anon", "name": "Unnamed officials", "kind": "official", "anonymous": true},
        ],
        "sources": [{"id": "s1", "title": "Report one", "kind": "article", "published": "2025-09-01"}],
        "propositions": [{"id": "p", "text": "The thing happened"}, {"id": "q", "text": "Another thing happened"}],
        "claims": claims,
        "links": links,
    })))
    .success();
    db
}

fn claim(id: &str, prop: &str, party: &str, stance: &str, stated: &str) -> Value {
    json!({"id": id, "proposition": prop, "party": party, "stance": stance, "source": "s1", "stated": stated})
}

fn report(db: &Db, args: &[&str]) -> Value {
    let mut all = vec!["report", "--format", "json"];
    all.extend(args);
    serde_json::from_str(&db.ok(&all)).unwrap()
}

fn block<'a>(r: &'a Value, id: &str) -> &'a Value {
    r["propositions"].as_array().unwrap().iter().find(|p| p["id"] == id).unwrap_or_else(|| panic!("no {id}: {r}"))
}

fn cell(r: &Value, party: &str, prop: &str) -> String {
    let col = r["matrix"]["propositions"].as_array().unwrap().iter().position(|p| p == prop).unwrap();
    let row = r["matrix"]["rows"].as_array().unwrap().iter().find(|row| row["party"] == party);
    row.map_or_else(|| "blank".to_string(), |row| row["cells"][col].as_str().unwrap().to_string())
}

#[test]
fn a_superseded_claim_is_history_in_the_positions_matrix_status_and_view() {
    // c-old supersedes c-new: the standing position is c-old's, everywhere.
    let db = story(
        json!([claim("c-old", "p", "a", "denies", "2025-09-01"), claim("c-new", "p", "a", "affirms", "2025-09-02")]),
        json!([{"from": "c-old", "rel": "supersedes", "to": "c-new"}]),
    );
    db.ok("reconcile");
    let r = report(&db, &[]);
    let p = block(&r, "p");
    assert_eq!(p["status"], "denied");
    assert_eq!(p["positions"][0]["stance"], "denies");
    assert_eq!(cell(&r, "a", "p"), "denies");
    let new = p["claims"].as_array().unwrap().iter().find(|c| c["claim"] == "c-new").unwrap();
    assert_eq!(new["status"], "superseded");
    let conn = rusqlite::Connection::open(db.path()).unwrap();
    let view: String = conn
        .query_row("SELECT stance FROM positions WHERE proposition = 'p' AND party = 'a'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(view, "denies", "the positions view reads the same");
    assert!(db.ok("report").contains("denies (superseded)") || db.ok("report").contains("affirms (superseded)"));
}

#[test]
fn known_at_hides_later_claims_from_every_part_of_the_report() {
    let db = story(json!([claim("c1", "p", "a", "affirms", "2025-09-01")]), json!([]));
    // A denial logged later in the day.
    let late = db
        .cmd()
        .env("CLAIMTRACK_NOW", "2025-10-01T18:00:00Z")
        .args(["claim", "add", "--id", "c2", "--prop", "p", "--party", "b", "--stance", "denies", "--source", "s1"])
        .args(["--stated", "2025-09-02"])
        .output()
        .unwrap();
    assert!(late.status.success());
    let before = report(&db, &["--known-at", "2025-10-01T17:59:00Z"]);
    let p = block(&before, "p");
    assert_eq!(p["status"], "single-source");
    assert_eq!(p["claims"].as_array().unwrap().len(), 1, "the claims table");
    assert_eq!(cell(&before, "b", "p"), "blank", "the matrix");
    assert!(!p["timeline"].as_array().unwrap().iter().any(|e| e["claim"] == "c2"), "the timeline");
    assert_eq!(before["counts"]["claims"], 1, "the header counts");
    let text = db.ok("report --known-at 2025-10-01T17:59:00Z");
    assert!(!text.contains("Beta Corp"), "{text}");
    let after = report(&db, &[]);
    assert_eq!(block(&after, "p")["status"], "contested");
}

#[test]
fn a_contradiction_from_another_proposition_shows_on_both() {
    let db = story(
        json!([claim("c1", "p", "a", "affirms", "2025-09-01"), claim("c2", "q", "b", "affirms", "2025-09-02")]),
        json!([{"from": "c2", "rel": "contradicts", "to": "c1"}]),
    );
    let whole = report(&db, &[]);
    let scoped = report(&db, &["--prop", "p"]);
    let kinds = |r: &Value| -> Vec<String> {
        block(r, "p")["findings"].as_array().unwrap().iter().map(|f| f["kind"].as_str().unwrap().to_string()).collect()
    };
    assert!(kinds(&scoped).contains(&"conflict".to_string()), "{scoped}");
    assert_eq!(block(&scoped, "p"), block(&whole, "p"));
    assert_eq!(block(&whole, "q")["findings"][0]["propositions"], json!(["q", "p"]));
}

#[test]
fn claims_superseding_each_other_agree_with_the_matrix() {
    let db = story(
        json!([claim("c1", "p", "a", "affirms", "2025-09-01"), claim("c2", "p", "a", "denies", "2025-09-02")]),
        json!([{"from": "c1", "rel": "supersedes", "to": "c2"}, {"from": "c2", "rel": "supersedes", "to": "c1"}]),
    );
    let r = report(&db, &[]);
    let p = block(&r, "p");
    assert_eq!(cell(&r, "a", "p"), "denies");
    assert_eq!(p["status"], "denied");
    let text = db.ok("report --prop p");
    assert!(text.contains("Denied on 1 line of evidence"), "the support line agrees:\n{text}");
    assert!(!text.contains("No party affirms or denies"), "{text}");
}

#[test]
fn every_fixture_reads_the_same_one_proposition_at_a_time() {
    for name in FIXTURES {
        let db = Db::with_fixture(name);
        let ids = db.column("prop list", "id");
        for as_of in ["2024-04-10", "2024-05-01", TODAY] {
            let whole = report(&db, &["--as-of", as_of]);
            for id in &ids {
                let scoped = report(&db, &["--as-of", as_of, "--prop", id]);
                assert_eq!(block(&scoped, id), block(&whole, id), "{name} as of {as_of}: {id}");
                let column = |r: &Value| -> Vec<(String, String)> {
                    r["matrix"]["rows"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|row| {
                            (row["party"].as_str().unwrap().to_string(), cell(r, row["party"].as_str().unwrap(), id))
                        })
                        .filter(|(_, c)| c != "blank")
                        .collect()
                };
                assert_eq!(column(&scoped), column(&whole), "{name} as of {as_of}: matrix column {id}");
            }
        }
    }
}

#[test]
fn an_undated_claim_is_undated_everywhere() {
    let db = Db::new();
    db.import_str(&bundle(json!({
        "parties": [{"id": "a", "name": "Alpha Ministry", "kind": "government"}],
        "sources": [{"id": "s", "title": "Undated post", "kind": "social"}],
        "propositions": [{"id": "p", "text": "The thing happened"}],
        "claims": [{"id": "c1", "proposition": "p", "party": "a", "stance": "affirms", "source": "s"}],
        "verdicts": [{"proposition": "p", "rating": 1, "best": 5, "worst": 1, "label": "False", "published": "2025-10-01"}],
    })))
    .success();
    let r = report(&db, &[]);
    let c = &block(&r, "p")["claims"][0];
    assert_eq!((&c["date"], &c["date_basis"]), (&Value::Null, &json!("undated")));
    assert_eq!(db.json("claim show c1")["date"], Value::Null);
    assert!(db.ok("report").contains("undated"));
    assert!(db.ok("report --format markdown").contains("undated (logged 1 Oct 2025)"));
    assert!(db.ok("report --format html").contains("title=\"logged 1 Oct 2025\">undated"));
    let review: Value = serde_json::from_str(&db.ok("export --format claimreview --draft")).unwrap();
    let item = &review["@graph"][0]["itemReviewed"];
    assert!(item.get("datePublished").is_none(), "no date is made up: {item}");
}

#[test]
fn notes_reach_the_reader_in_every_format() {
    let db = Db::new();
    db.import_str(&bundle(json!({
        "parties": [{"id": "a", "name": "Alpha Ministry", "kind": "government", "note": "PARTY-NOTE"}],
        "sources": [{"id": "s", "title": "A report", "kind": "article", "note": "SOURCE-NOTE"}],
        "propositions": [{"id": "p", "text": "The thing happened", "note": "PROP-NOTE", "expected": ["a"]}],
        "claims": [{"id": "c1", "proposition": "p", "party": "a", "stance": "declined", "source": "s", "note": "CLAIM-NOTE"}],
        "requests": [{"party": "a", "proposition": "p", "by": "a", "asked": "2025-09-01", "note": "REQUEST-NOTE"}],
    })))
    .success();
    for format in ["table", "markdown", "html", "json"] {
        let text = db.ok(&["report", "--format", format]);
        for note in ["PARTY-NOTE", "SOURCE-NOTE", "PROP-NOTE", "CLAIM-NOTE", "REQUEST-NOTE"] {
            assert!(text.contains(note), "{format} lacks {note}:\n{text}");
        }
    }
    let md = db.ok("report --format markdown");
    assert!(md.contains("[^1]: CLAIM-NOTE"), "a footnote:\n{md}");
}

#[test]
fn attribution_confidence_is_not_credibility() {
    let mut denial = claim("c1", "p", "a", "denies", "2025-09-01");
    denial["confidence"] = json!(0.9);
    let db = story(json!([denial]), json!([]));
    let text = db.ok("report");
    assert!(!text.contains("probably true"), "a confident attribution is no verdict:\n{text}");
    assert!(text.contains("suggested credibility 3, possibly true"), "{text}");
    assert!(text.contains("attribution confidence 0.9"), "{text}");
    assert!(!text.contains("support 0."), "no noisy-OR figure in reports:\n{text}");
    let r = db.json("reconcile");
    assert_eq!(r["propositions"][0]["support"]["affirms"]["grade"], 6, "nothing to judge: 6");
}
