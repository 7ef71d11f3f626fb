//! Dates as people write them (issue 29 §5): every WHEN takes a time of day and the dates
//! the reports print; the report lists its sources in date order.

use crate::common::*;
use serde_json::json;

fn story() -> Db {
    let db = Db::new();
    db.import_str(&bundle(json!({
        "parties": [{"id": "a", "name": "Alpha Ministry", "kind": "government"}],
        "sources": [
            {"id": "s-a-undated", "title": "Undated note", "kind": "document"},
            {"id": "s-b-late", "title": "Late report", "kind": "article", "published": "2025-09-25"},
            {"id": "s-c-year", "title": "Annual review", "kind": "document", "published": "2024"},
            {"id": "s-d-month", "title": "January brief", "kind": "article", "published": "2025-01"},
        ],
        "propositions": [{"id": "p", "text": "The thing happened"}],
        "claims": [
            {"id": "c1", "proposition": "p", "party": "a", "stance": "affirms", "source": "s-a-undated"},
            {"id": "c2", "proposition": "p", "party": "a", "stance": "affirms", "source": "s-b-late", "stated": "2025-09-25"},
            {"id": "c3", "proposition": "p", "party": "a", "stance": "affirms", "source": "s-c-year", "stated": "2024"},
            {"id": "c4", "proposition": "p", "party": "a", "stance": "affirms", "source": "s-d-month", "stated": "2025-01"},
        ],
    })))
    .success();
    db
}

/// How many events `history` lists with these flags.
fn events(db: &Db, flags: &[&str]) -> usize {
    db.json(&[&["history"][..], flags].concat()).as_array().unwrap().len()
}

#[test]
fn every_when_takes_a_time_of_day_and_the_dates_reports_print() {
    // Everything was logged at NOW: 1 Oct 2025, 12:00 UTC.
    let db = story();
    let all = events(&db, &[]);
    assert!(all > 0);
    assert_eq!(events(&db, &["--since", "11:59"]), all, "a time of day is today's");
    assert_eq!(events(&db, &["--until", "11:59"]), 0, "and so is the end of a window");
    // A window that starts after now is refused, as every inverted window is (issue 24, item 13).
    let later = db.run("history --since 12:01");
    assert_eq!(later.code, 2, "{later:#?}");
    assert!(later.stderr.contains("12:01 UTC) is after now"), "{}", later.stderr);
    assert_eq!(events(&db, &["--since", "yesterday 09:00"]), all);
    assert_eq!(events(&db, &["--until", "yesterday 23:59"]), 0);
    assert_eq!(events(&db, &["--since", "1 Oct 2025"]), all, "as the reports print a day");
    assert_eq!(events(&db, &["--until", "30 Sep 2025"]), 0);
    assert_eq!(events(&db, &["--since", "Oct 2025"]), all, "and a month");
    assert_eq!(events(&db, &["--since", "1 Oct 2025, 12:00 UTC"]), all, "and an instant");
    assert_eq!(events(&db, &["--until", "1 Oct 2025, 11:59 UTC"]), 0);

    let claims = |flags: &[&str]| db.column(&[&["claim", "list"][..], flags].concat(), "id");
    assert_eq!(claims(&["--since", "Jan 2025", "--until", "30 September 2025"]), ["c4", "c2"]);
    let report = db.json("report --as-of \"2 Jan 2025 08:00\"");
    assert_eq!(report["as_of"], "2025-01-02", "{}", report["as_of"]);
    db.ok("changes --since \"yesterday 18:30\"");

    let out = db.run("history --since \"31 Feb 2025\"");
    assert_eq!(out.code, 2, "{out:#?}");
    assert!(out.stderr.contains("8 Feb 2023") && out.stderr.contains("15:20"), "the forms are named:\n{}", out.stderr);
}

#[test]
fn the_report_lists_its_sources_in_date_order() {
    let db = story();
    let report = db.json("report");
    let ids: Vec<&str> = report["sources"].as_array().unwrap().iter().map(|s| s["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["s-c-year", "s-d-month", "s-b-late", "s-a-undated"], "earliest first, the undated last");
    let text = db.ok("report --width 100");
    let at = |title: &str| text.rfind(title).unwrap_or_else(|| panic!("{title} not in:\n{text}"));
    assert!(at("Annual review") < at("January brief") && at("January brief") < at("Late report"), "{text}");
}
