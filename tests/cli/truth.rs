//! Issue 25, "say only what the record supports", view by view, on a contradiction-rich
//! story (fixtures/sabotage.json): governments accusing and denying, first-hand statements
//! carried by one wire story, an anonymous-source column, statements withdrawn, a navy that
//! declined to comment though nobody listed it or asked it.

use crate::common::*;
use serde_json::Value;

const AS_OF: &str = "2024-04-01";

fn sabotage() -> Db {
    Db::with_fixture("sabotage.json")
}

fn report(db: &Db, format: &str) -> String {
    db.ok(&["report", "--as-of", AS_OF, "--format", format, "--width", "80"])
}

/// The report with every run of white space one space: words wrapped at 80 columns join up.
fn flat(db: &Db, format: &str) -> String {
    report(db, format).split_whitespace().collect::<Vec<_>>().join(" ")
}

fn proposition<'a>(r: &'a Value, id: &str) -> &'a Value {
    r["propositions"].as_array().unwrap().iter().find(|p| p["id"] == id).unwrap()
}

#[test]
fn lines_of_evidence_name_who_said_it_in_every_format() {
    let db = sabotage();
    let r: Value = serde_json::from_str(&report(&db, "json")).unwrap();
    let p = proposition(&r, "p-sabotage");
    let affirms = p["support"]["affirms"]["lines"].as_array().unwrap();
    let denies = p["support"]["denies"]["lines"].as_array().unwrap();
    // Police and investigators quoted in one wire story are two lines; the Gazette's rewrite
    // of that story rests on them. The president and his ministry are one organisation.
    assert_eq!(affirms.len(), 2, "{affirms:#?}");
    assert_eq!(denies.len(), 1, "{denies:#?}");
    assert!(denies[0]["words"].as_str().unwrap().contains("one organisation, Government of X"), "{denies:#?}");
    let order = proposition(&r, "p-order");
    let words = order["support"]["affirms"]["lines"][0]["words"].as_str().unwrap();
    assert_eq!(words, "Columnist V, resting on an anonymous person with knowledge of the operation");
    for format in ["table", "markdown", "html"] {
        let out = flat(&db, format);
        assert!(out.contains("Police of Y, first-hand"), "{format}:\n{out}");
        assert!(out.contains("resting on an anonymous person"), "{format}");
    }
}

#[test]
fn contested_suggests_no_credibility_in_any_format() {
    let db = sabotage();
    let r: Value = serde_json::from_str(&report(&db, "json")).unwrap();
    for side in ["affirms", "denies"] {
        let s = &proposition(&r, "p-sabotage")["support"][side];
        assert_eq!((s["grade"].as_u64(), s["reason"].as_str()), (Some(6), Some("contested")), "{s}");
    }
    for format in ["table", "markdown", "html"] {
        let out = flat(&db, format);
        let block = &out[out.find("independent lines of evidence (").unwrap()..];
        let block = &block[..block.find("either side.").unwrap() + 12];
        assert!(!block.contains("suggested credibility"), "{format}:\n{block}");
        assert!(!block.contains("doubtful") && !block.contains("possibly true"), "{format}:\n{block}");
        assert!(block.contains("no credibility is suggested for either side"), "{format}:\n{block}");
    }
}

#[test]
fn a_logged_refusal_nobody_asked_for_is_a_silence_everywhere() {
    let db = sabotage();
    let reading = db.json(&["reconcile", "--as-of", AS_OF]);
    let navy = reading["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "silence" && f["parties"][0] == "navy-w")
        .expect("the navy's refusal is a silence");
    assert_eq!(navy["reason"], "declined");
    let r: Value = serde_json::from_str(&report(&db, "json")).unwrap();
    let unanswered = r["summary"]["unanswered"].as_array().unwrap();
    assert!(unanswered.iter().any(|l| l["what"].as_str().unwrap().contains("Navy of W")), "{unanswered:#?}");
    let row = r["matrix"]["rows"].as_array().unwrap().iter().find(|row| row["party"] == "navy-w").unwrap();
    assert_eq!(
        row["cells"][r["matrix"]["propositions"].as_array().unwrap().iter().position(|p| p == "p-sabotage").unwrap()],
        "declined"
    );
    let matrix = db.ok(&["matrix", "--as-of", AS_OF]);
    assert!(matrix.lines().any(|l| l.starts_with("Navy of W") && l.contains("declined")), "{matrix}");
    let table = report(&db, "table");
    let summary = &table[table.find("Who has not answered").unwrap()..];
    assert!(!summary.lines().nth(1).unwrap().contains("(none)"), "{summary}");
    assert!(summary.contains("Navy of W"), "{summary}");
}
