//! `verify`'s checks: the audit log's hash chain is unbroken, the tables hold exactly what the
//! log says was written, and the search index matches the records (docs/INTEGRITY.md).

use crate::model::Finding;
use crate::model::{Logged, Story};
use crate::search;
use crate::store::audit::{Event, GENESIS};
use crate::store::{self, audit, TriageEntry};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// One thing wrong, the first found first.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Problem {
    /// chain, tables, search or sqlite.
    pub check: &'static str,
    pub event: Option<i64>,
    pub record: Option<String>,
    pub message: String,
}

/// What `verify` reports.
#[derive(Clone, Debug, Serialize)]
pub struct Verdict {
    pub ok: bool,
    pub events: usize,
    /// The hash of the last event: note it down, and a later rewrite of history shows.
    pub head: String,
    pub records: usize,
    pub problems: Vec<Problem>,
}

fn problem(check: &'static str, event: Option<i64>, record: Option<&str>, message: String) -> Problem {
    Problem { check, event, record: record.map(str::to_string), message }
}

/// Every link must follow the one before it and hash to what it says.
pub fn check_chain(events: &[Event]) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut prev = GENESIS.to_string();
    for (i, e) in events.iter().enumerate() {
        let at = Some(e.record.as_str());
        if e.seq != i as i64 + 1 {
            problems.push(problem(
                "chain",
                Some(e.seq),
                at,
                format!("event {} is out of sequence (expected {}): an event was deleted or reordered", e.seq, i + 1),
            ));
        } else if e.prev != prev {
            problems.push(problem(
                "chain",
                Some(e.seq),
                at,
                format!(
                    "event {} does not follow the event before it: an event was deleted, inserted or reordered",
                    e.seq
                ),
            ));
        } else if e.hash != e.expected_hash() {
            problems.push(problem(
                "chain",
                Some(e.seq),
                at,
                format!("event {} ({} {}) does not match its hash: it was edited", e.seq, e.kind, e.record),
            ));
        }
        if !problems.is_empty() {
            break;
        }
        prev = e.hash.clone();
    }
    problems
}

/// The records in the tables, as (kind, key) → JSON, to hold against the log.
fn table_records(story: &Story) -> BTreeMap<(String, String), Value> {
    fn add<T: Logged>(out: &mut BTreeMap<(String, String), Value>, r: &T) {
        out.insert((T::KIND.to_string(), r.key()), serde_json::to_value(r).expect("records serialise"));
    }
    let mut out = BTreeMap::new();
    story.parties.iter().for_each(|r| add(&mut out, r));
    story.sources.iter().for_each(|r| add(&mut out, r));
    story.propositions.iter().for_each(|r| add(&mut out, r));
    story.claims.iter().for_each(|r| add(&mut out, &r.claim));
    story.links.iter().for_each(|r| add(&mut out, r));
    story.requests.iter().for_each(|r| add(&mut out, r));
    story.retractions.iter().for_each(|r| add(&mut out, r));
    story.verdicts.iter().for_each(|r| add(&mut out, r));
    out
}

/// The first field whose value differs between two JSON objects.
fn differing_field(logged: &Value, stored: &Value) -> String {
    let (Value::Object(a), Value::Object(b)) = (logged, stored) else { return "value".into() };
    a.keys().chain(b.keys()).find(|k| a.get(*k) != b.get(*k)).cloned().unwrap_or_else(|| "value".into())
}

/// The tables must hold every record the log added, as logged, and nothing else; the
/// triage history must be the log's triage events, in order.
pub fn check_tables(events: &[Event], story: &Story, triage: &[TriageEntry]) -> Vec<Problem> {
    let mut problems = Vec::new();
    let mut tables = table_records(story);
    let mut triage_rows = triage.iter();
    for e in events {
        let at = Some(e.record.as_str());
        if e.kind == "triage" {
            let logged: Value = e.body.clone();
            match triage_rows.next() {
                Some(row) if serde_json::to_value(row).ok().as_ref() == Some(&logged) => {}
                Some(_) => problems.push(problem(
                    "tables",
                    Some(e.seq),
                    at,
                    format!(
                        "the triage of finding {} differs from what event {} logged: it was edited",
                        e.record, e.seq
                    ),
                )),
                None => problems.push(problem(
                    "tables",
                    Some(e.seq),
                    at,
                    format!("the triage of finding {} logged by event {} is missing: it was deleted", e.record, e.seq),
                )),
            }
            continue;
        }
        match tables.remove(&(e.kind.clone(), e.record.clone())) {
            None => problems.push(problem(
                "tables",
                Some(e.seq),
                at,
                format!(
                    "{} {} logged by event {} is missing from the tables: it was deleted behind claimtrack's back",
                    e.kind, e.record, e.seq
                ),
            )),
            Some(stored) if canonical_eq(&stored, &e.body) => {}
            Some(stored) => {
                let field = differing_field(&e.body, &stored);
                problems.push(problem(
                    "tables",
                    Some(e.seq),
                    at,
                    format!(
                        "{} {}: its {field} differs from what event {} logged: it was edited behind claimtrack's back",
                        e.kind, e.record, e.seq
                    ),
                ));
            }
        }
    }
    for ((kind, key), _) in tables {
        problems.push(problem(
            "tables",
            None,
            Some(&key),
            format!("{kind} {key} is in the tables but no event logged it: it was inserted behind claimtrack's back"),
        ));
    }
    if let Some(row) = triage_rows.next() {
        problems.push(problem(
            "tables",
            None,
            Some(&row.finding),
            format!("a triage of finding {} is in the tables but no event logged it", row.finding),
        ));
    }
    problems
}

/// A finding's state must be the one its last triage entry set: the triage history (which
/// the chain vouches for) is the record, the `finding` row only its latest word.
pub fn check_finding_states(findings: &[Finding], triage: &[TriageEntry]) -> Vec<Problem> {
    let mut last: BTreeMap<&str, &TriageEntry> = BTreeMap::new();
    for t in triage {
        last.insert(t.finding.as_str(), t);
    }
    findings
        .iter()
        .filter_map(|f| match last.get(f.id.as_str()) {
            Some(t) if t.state == f.state => None,
            Some(t) => Some(problem(
                "tables",
                None,
                Some(&f.id),
                format!(
                    "finding {} is {} but its last triage set it {}: its state was changed behind claimtrack's back",
                    f.id, f.state, t.state
                ),
            )),
            None => Some(problem(
                "tables",
                None,
                Some(&f.id),
                format!("finding {} has no triage history: it was inserted behind claimtrack's back", f.id),
            )),
        })
        .collect()
}

/// At most this many records are named for a search index that does not match them.
const SEARCH_PROBLEMS_SHOWN: usize = 100;

/// The search index must hold, for each record, exactly what the tokeniser makes of its
/// current text, and nothing for records that do not exist; records waiting in the queue
/// are skipped (the next write indexes them). Read one record at a time.
pub fn check_search_index(conn: &rusqlite::Connection) -> crate::error::Result<Vec<Problem>> {
    let mut problems = Vec::new();
    let mut more = 0usize;
    let queued = store::queued_records(conn)?;
    store::walk_search_index(conn, |r| {
        if queued.contains(&(r.kind.to_string(), r.record.to_string())) {
            return Ok(());
        }
        let expected = r.fields.as_ref().and_then(|f| search::index_terms(f.iter().map(String::as_str)));
        if r.fields.is_some() && expected == r.entry {
            return Ok(());
        }
        let message = match (&r.fields, r.entry) {
            (None, _) => format!(
                "the search index has an entry for {} {}, which does not exist: the index was edited behind claimtrack's back",
                r.kind, r.record
            ),
            (Some(_), None) => format!(
                "{} {} is missing from the search index: the index was edited behind claimtrack's back",
                r.kind, r.record
            ),
            (Some(_), Some(entry)) => {
                let said: Vec<&str> = expected.as_ref().map_or(Vec::new(), |t| t.words.split(' ').collect());
                let stray = entry.words.split(' ').find(|w| !said.contains(w));
                format!(
                    "{} {}: the search index does not match its text{}: the index was edited behind claimtrack's back",
                    r.kind,
                    r.record,
                    stray.map_or(String::new(), |w| format!(" (it holds \"{w}\", which the record does not say)"))
                )
            }
        };
        if problems.len() < SEARCH_PROBLEMS_SHOWN {
            problems.push(problem("search", None, Some(&r.record), message));
        } else {
            more += 1;
        }
        Ok(())
    })?;
    if more > 0 {
        problems.push(problem("search", None, None, format!("the search index is wrong for {more} more records")));
    }
    for store::StrayRow { rowid, owner } in store::stray_search_rows(conn)? {
        let whose = match owner {
            Some((kind, record)) => format!("for {kind} {record}, a kind search does not index"),
            None => "that belongs to no record".to_string(),
        };
        problems.push(problem(
            "search",
            None,
            None,
            format!("the search index has a row ({rowid}) {whose}: the index was edited behind claimtrack's back"),
        ));
    }
    Ok(problems)
}

/// Loads everything `verify` looks at from an open database and checks it.
pub fn verify_database(conn: &rusqlite::Connection) -> crate::error::Result<Verdict> {
    Ok(verify(
        &audit::events(conn, &audit::EventFilter::default())?,
        &store::story(conn)?,
        &store::triage_history(conn, None)?,
        &store::findings(conn)?,
        check_search_index(conn)?,
        audit::sqlite_checks(conn)?,
    ))
}

/// The same record: keys in any order, and -0 the same as 0 (SQLite stores both as 0, and
/// events logged before numbers were normalised on input may hold -0).
fn canonical_eq(a: &Value, b: &Value) -> bool {
    a == b
}

/// All the checks: SQLite's integrity check first (nothing else is worth reading in a damaged
/// file), then the chain and the tables, which name the event and the record, then the
/// foreign keys, which can only name a table (a row deleted behind claimtrack's back shows
/// as both, and the first line should say which row).
pub fn verify(
    events: &[Event],
    story: &Story,
    triage: &[TriageEntry],
    findings: &[Finding],
    search: Vec<Problem>,
    sqlite: Vec<String>,
) -> Verdict {
    let (keys, damage): (Vec<String>, Vec<String>) =
        sqlite.into_iter().partition(|m| m.starts_with("foreign_key_check"));
    let mut problems: Vec<Problem> = damage.into_iter().map(|m| problem("sqlite", None, None, m)).collect();
    problems.extend(check_chain(events));
    problems.extend(check_tables(events, story, triage));
    problems.extend(check_finding_states(findings, triage));
    problems.extend(search);
    problems.extend(keys.into_iter().map(|m| problem("sqlite", None, None, m)));
    Verdict {
        ok: problems.is_empty(),
        events: events.len(),
        head: events.last().map_or_else(|| GENESIS.to_string(), |e| e.hash.clone()),
        records: table_records(story).len(),
        problems,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_logged_negative_zero_matches_the_stored_zero() {
        let logged = serde_json::json!({"confidence": -0.0, "id": "c"});
        let stored = serde_json::json!({"id": "c", "confidence": 0.0});
        assert!(canonical_eq(&logged, &stored));
        assert!(!canonical_eq(&logged, &serde_json::json!({"id": "c", "confidence": 0.5})));
    }
}
