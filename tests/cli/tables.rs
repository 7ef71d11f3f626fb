//! Every table at 80 columns (issue 29): no line longer than --width, no id split across
//! lines, one block per record (its id and kind first) where the columns cannot fit, one line
//! per record where they can, and CSV one line per record whatever the width.

use crate::common::*;
use serde_json::Value;
use unicode_width::UnicodeWidthStr;

/// The Kupol story, reconciled, with a verdict, a setting and a triaged finding: every
/// table has rows.
fn story() -> Db {
    let db = Db::with_fixture("kupol-drones.json");
    db.ok("reconcile");
    db.ok("verdict set p-experts-helped-kupol --rating 3 --best 5 --worst 1 --label Unproven");
    db.ok(r#"config set org.name "The Vellmoor Courier""#);
    let finding = db.column("findings", "id").remove(0);
    db.ok(&["findings", "ack", &finding, "--note", "asked the ministry again on Friday"][..]);
    db
}

/// The ids a command's JSON names under `fields`, one record or a list of them.
fn ids(json: &Value, fields: &[&str]) -> Vec<String> {
    let records = json.as_array().cloned().unwrap_or_else(|| vec![json.clone()]);
    records
        .iter()
        .flat_map(|r| fields.iter().filter_map(|f| r[*f].as_str().map(str::to_string)))
        .filter(|id| !id.is_empty())
        .collect()
}

/// `args` at --width 80: no line over 80 columns, and every id the JSON names whole on
/// one line.
fn fits_80(db: &Db, args: &str, id_fields: &[&str]) -> String {
    let text = db.ok(format!("{args} --width 80").as_str());
    assert!(!text.trim().is_empty(), "{args} printed nothing");
    for line in text.lines() {
        assert!(line.width() <= 80, "{args}: a line of {} columns:\n{line}\n\n{text}", line.width());
    }
    let wanted = ids(&db.json(args), id_fields);
    assert!(!wanted.is_empty(), "{args} lists ids");
    for id in wanted {
        assert!(text.lines().any(|l| l.contains(&id)), "{args}: id {id} split or missing:\n{text}");
    }
    text
}

#[test]
fn findings_at_80_columns() {
    let db = story();
    let text = fits_80(&db, "findings", &["id"]);
    // Too narrow for eight columns: blocks headed by the id and the kind.
    let first = db.json("findings")[0].clone();
    let head = format!("{} {}", first["id"].as_str().unwrap(), first["kind"].as_str().unwrap());
    assert!(text.starts_with(&head), "a block opens with the id and the kind:\n{text}");
    assert!(text.contains("\n  severity "), "the rest indented:\n{text}");
}

#[test]
fn findings_show_at_80_columns() {
    let db = story();
    let id = db.column("findings", "id").remove(0);
    let text = fits_80(&db, &format!("findings show {id}"), &["id", "proposition"]);
    assert!(text.contains("asked the ministry again"), "the triage table follows:\n{text}");
}

#[test]
fn claim_list_and_show_at_80_columns() {
    let db = story();
    fits_80(&db, "claim list", &["id", "proposition", "party", "source"]);
    fits_80(&db, "claim show c-mfa-denies-experts", &["id", "proposition", "party", "source"]);
}

#[test]
fn history_at_80_columns() {
    let db = story();
    fits_80(&db, "history", &["record"]);
}

#[test]
fn party_source_prop_lists_at_80_columns() {
    let db = story();
    fits_80(&db, "party list", &["id", "parent"]);
    fits_80(&db, "source list", &["id", "publisher", "derived_from"]);
    fits_80(&db, "prop list", &["id"]);
    fits_80(&db, "party show china-mfa", &["id"]);
}

#[test]
fn request_verdict_link_config_lists_at_80_columns() {
    let db = story();
    fits_80(&db, "request list", &["id", "party", "proposition"]);
    fits_80(&db, "verdict list", &["id", "proposition"]);
    fits_80(&db, "link list", &["from", "to"]);
    fits_80(&db, "config list", &["key"]);
}

#[test]
fn reconcile_and_search_at_80_columns() {
    let db = story();
    let text = db.ok("reconcile --all --width 80");
    assert!(text.lines().all(|l| l.width() <= 80), "{text}");
    for id in db.column("findings", "id") {
        assert!(text.lines().any(|l| l.contains(&id)), "reconcile: {id} split or missing:\n{text}");
    }
    fits_80(&db, "search Kupol", &["record"]);
}

#[test]
fn a_table_that_fits_is_one_line_per_record_and_csv_always_is() {
    let db = story();
    let n = db.json("party list").as_array().unwrap().len();
    let wide = db.ok("party list --width 300");
    assert_eq!(wide.lines().count(), n + 2, "header, rule, one line per record:\n{wide}");
    assert!(wide.starts_with("| id "), "{wide}");
    let csv = db.ok("party list --format csv --width 40");
    assert_eq!(csv.lines().count(), n + 1, "CSV ignores the width:\n{csv}");
    // Between the two, the wide columns wrap at words inside the table.
    let middle = db.ok("party list --width 120");
    assert!(middle.starts_with("| id "), "{middle}");
    assert!(middle.lines().all(|l| l.width() <= 120), "{middle}");
    assert!(middle.lines().any(|l| l.starts_with("| china-mfa ")), "{middle}");
}

#[test]
fn width_below_40_is_refused() {
    let db = story();
    let out = db.run("party list --width 20");
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("--width"), "{}", out.stderr);
}
