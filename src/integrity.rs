//! `verify`'s checks: the audit log's hash chain is unbroken and ends where claimtrack left
//! it, the tables hold exactly what the log says was written (records as first logged and
//! then corrected, triage, settings, corrections), and the search index matches the
//! records (docs/INTEGRITY.md). Everything is read a row at a time: memory does not grow
//! with the database.

use crate::error::Result;
use crate::model::{revert, Record, RecordKind};
use crate::search;
use crate::store::audit::{self, Event, GENESIS};
use crate::store::{self, guard, Conn, Open, Store};
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
pub struct Soundness {
    pub ok: bool,
    pub events: usize,
    /// The hash of the last event: note it down, and a later rewrite of history shows.
    pub head: String,
    pub records: usize,
    pub problems: Vec<Problem>,
    /// What is not wrong but worth knowing: events logged by a clock that ran behind the log.
    pub notes: Vec<String>,
}

fn problem(check: &'static str, event: Option<i64>, record: Option<&str>, message: String) -> Problem {
    Problem { check, event, record: record.map(str::to_string), message }
}

/// Follows the chain one event at a time: each must follow the one before it and hash to
/// what it says. The first break is reported; the chain after it cannot be trusted.
#[derive(Default)]
struct Chain {
    seen: i64,
    head: Option<String>,
    problem: Option<Problem>,
    /// The latest time an event so far was logged at, and the events logged before it.
    latest: String,
    behind: Vec<(i64, String, String)>,
}

impl Chain {
    fn step(&mut self, e: &Event) {
        let prev = self.head.clone().unwrap_or_else(|| GENESIS.to_string());
        self.seen += 1;
        if e.at < self.latest {
            self.behind.push((e.seq, e.at.clone(), self.latest.clone()));
        } else {
            self.latest.clone_from(&e.at);
        }
        if self.problem.is_some() {
            self.head = Some(e.hash.clone());
            return;
        }
        let at = Some(e.record.as_str());
        let message = if e.seq != self.seen {
            Some(format!(
                "event {} is out of sequence (expected {}): an event was deleted or reordered",
                e.seq, self.seen
            ))
        } else if e.prev != prev {
            Some(format!(
                "event {} does not follow the event before it: an event was deleted, inserted or reordered",
                e.seq
            ))
        } else if e.hash != e.expected_hash() {
            Some(format!("event {} ({} {}) does not match its hash: it was edited", e.seq, e.kind, e.record))
        } else {
            None
        };
        self.problem = message.map(|m| problem("chain", Some(e.seq), at, m));
        self.head = Some(e.hash.clone());
    }
}

impl Chain {
    /// One note for the events a clock behind the log wrote: how many, and the first.
    fn clock_notes(&self) -> Vec<String> {
        let Some((seq, at, latest)) = self.behind.first() else { return Vec::new() };
        vec![format!(
            "{} event{} logged by a clock behind the log: the first, event {seq}, at {at}, after an event at {latest}; each counts from where the log had reached (docs/INTEGRITY.md)",
            self.behind.len(),
            if self.behind.len() == 1 { " was" } else { "s were" }
        )]
    }
}

/// The first field whose value differs between two JSON objects.
fn differing_field(logged: &Value, stored: &Value) -> String {
    let (Value::Object(a), Value::Object(b)) = (logged, stored) else { return "value".into() };
    a.keys().chain(b.keys()).find(|k| a.get(*k) != b.get(*k)).cloned().unwrap_or_else(|| "value".into())
}

/// Every row of every record table must be what the event it names logged, brought up to
/// date by the record's corrections; every logged record must have its row; the rows of each
/// batch must be the ones it sealed. Returns how many rows agree.
fn check_records(conn: &Conn, problems: &mut Vec<Problem>) -> Result<usize> {
    let corrected = store::corrected_records(conn)?;
    let logged = audit::events_by_kind(conn)?;
    let mut batches = Batches::default();
    let mut agreeing = 0usize;
    for kind in RecordKind::TABLED {
        let mut rows = 0i64;
        store::walk_records(conn, kind, |key, row, event| {
            let named = event.map(|seq| audit::event(conn, seq)).transpose()?.flatten();
            let is_corrected = corrected.contains(&(kind.to_string(), key.clone()));
            if let Some(batch) = named.as_ref().filter(|e| e.kind == "batch") {
                let first = if is_corrected { undo_corrections(conn, kind, &key, &row, problems)? } else { row };
                batches.add(batch.seq, kind.as_str(), &first);
                return Ok(());
            }
            rows += 1;
            let Some(e) = logging_event(conn, kind, &key, (event, named), problems)? else { return Ok(()) };
            let mut expected = e.body.clone();
            if is_corrected {
                // Compared as the record's types: a correction logged before they were
                // normalised may hold 1 where the row holds 1.0.
                expected = Record::normalised(
                    kind,
                    replay(kind, &key, &store::corrections_of(conn, kind, &key)?, expected, problems).0,
                );
            }
            if expected == row {
                agreeing += 1;
            } else {
                let field = differing_field(&expected, &row);
                problems.push(problem(
                    "tables",
                    Some(e.seq),
                    Some(&key),
                    format!(
                        "{kind} {key}: its {field} differs from what event {} logged{}: it was edited behind claimtrack's back",
                        e.seq,
                        if is_corrected { " and its corrections made it" } else { "" }
                    ),
                ));
            }
            Ok(())
        })?;
        if logged.get(kind.as_str()).copied().unwrap_or(0) > rows {
            missing_rows(conn, kind, problems)?;
        }
    }
    // A reconcile's own triage steps, logged in one batch when there are many.
    store::walk_batched_triage(conn, |step, seq| {
        batches.add(seq, "triage", &step);
        Ok(())
    })?;
    Ok(agreeing + batches.check(conn, problems)?)
}

/// A batched row as its batch logged it: its corrections undone, newest first. Done again,
/// they must give the row back (else a corrected field was edited after).
fn undo_corrections(
    conn: &Conn,
    kind: RecordKind,
    key: &str,
    row: &Value,
    problems: &mut Vec<Problem>,
) -> Result<Value> {
    let corrections = store::corrections_of(conn, kind, key)?;
    let first = corrections.iter().rev().fold(row.clone(), |v, c| revert(&v, &c.before));
    let (again, applied) = replay(kind, key, &corrections, first.clone(), problems);
    if !applied {
        return Ok(first);
    }
    if Record::normalised(kind, again.clone()) != *row {
        let field = differing_field(&again, row);
        problems.push(problem(
            "tables",
            corrections.last().map(|c| c.event),
            Some(key),
            format!("{kind} {key}: its {field} differs from what its corrections made it: it was edited behind claimtrack's back"),
        ));
    }
    Ok(first)
}

/// A record's corrections done in order onto `start`; one that does not apply is named and
/// skipped. Returns the result and whether every one applied.
fn replay(
    kind: RecordKind,
    key: &str,
    corrections: &[crate::model::StoredCorrection],
    start: Value,
    problems: &mut Vec<Problem>,
) -> (Value, bool) {
    let mut value = start;
    let mut applied = true;
    for c in corrections {
        match c.correction.apply(kind, &value) {
            Ok((after, _)) => value = after,
            Err(why) => {
                applied = false;
                let message = format!("{kind} {key}: correction at event {} does not apply: {why}", c.event);
                problems.push(problem("tables", Some(c.event), Some(key), message));
            }
        }
    }
    (value, applied)
}

/// The rows that name a batch, read back: per opening event and kind, how many and one hash
/// over their canonical forms in table order, as [`audit::Batch`] took it when writing them.
/// One entry per batch: memory grows by a few hundred bytes per ten thousand records.
#[derive(Default)]
struct Batches(BTreeMap<i64, BTreeMap<String, audit::KindDigest>>);

impl Batches {
    fn add(&mut self, seq: i64, kind: &str, record: &Value) {
        self.0.entry(seq).or_default().entry(kind.to_string()).or_default().add(record);
    }

    /// Compares every batch's seal with the rows found for it; returns how many rows agree.
    fn check(mut self, conn: &Conn, problems: &mut Vec<Problem>) -> Result<usize> {
        let mut agreeing = 0usize;
        let mut opened: Vec<i64> = Vec::new();
        audit::walk_events_of(conn, "batch", |e| {
            let Ok(seal) = serde_json::from_value::<audit::BatchSeal>(e.body.clone()) else {
                opened.push(e.seq);
                return Ok(());
            };
            opened.retain(|s| *s != seal.opened);
            let mut found = self.0.remove(&seal.opened).unwrap_or_default();
            for (kind, sealed) in &seal.kinds {
                let read = found.remove(kind).unwrap_or_default().seal();
                match batch_problem(kind, sealed, &read, seal.opened) {
                    Some(message) => problems.push(problem("tables", Some(e.seq), Some(&e.record), message)),
                    None => agreeing += read.count,
                }
            }
            for (kind, extra) in found {
                let message = batch_problem(&kind, &audit::KindDigest::default().seal(), &extra.seal(), seal.opened);
                problems.extend(message.map(|m| problem("tables", Some(e.seq), Some(&e.record), m)));
            }
            Ok(())
        })?;
        for seq in opened {
            let message = format!("batch event {seq} was never sealed: the event that closes it is missing");
            problems.push(problem("tables", Some(seq), Some(&audit::batch_record(seq)), message));
        }
        for (seq, kinds) in self.0 {
            for (kind, digest) in kinds {
                let message = format!(
                    "{} {kind} rows name event {seq}, which sealed none of them: they were inserted behind claimtrack's back",
                    digest.seal().count
                );
                problems.push(problem("tables", Some(seq), None, message));
            }
        }
        Ok(agreeing)
    }
}

/// What is wrong with one kind of a batch's rows, if anything.
fn batch_problem(kind: &str, sealed: &audit::KindSeal, read: &audit::KindSeal, opened: i64) -> Option<String> {
    let (n, m) = (read.count, sealed.count);
    if n < m {
        Some(format!(
            "{} of the {m} {kind} records of batch {opened} are missing from the tables: deleted behind claimtrack's back",
            m - n
        ))
    } else if n > m {
        Some(format!(
            "the tables hold {n} {kind} rows of batch {opened}, which logged {m}: {} inserted behind claimtrack's back",
            n - m
        ))
    } else if read.sha256 != sealed.sha256 {
        Some(format!(
            "a {kind} of the {m} that batch {opened} logged differs from what it logged: it was edited behind claimtrack's back"
        ))
    } else {
        None
    }
}

/// The event that logged a row: the one its `event` column names (read already), if that
/// event logged this very record; else the record's own first event (its `event` column was
/// changed); else none (the row was inserted behind claimtrack's back).
fn logging_event(
    conn: &Conn,
    kind: RecordKind,
    key: &str,
    (event, named): (Option<i64>, Option<Event>),
    problems: &mut Vec<Problem>,
) -> Result<Option<Event>> {
    if let Some(e) = named {
        if e.kind == kind.as_str() && e.record == key {
            return Ok(Some(e));
        }
    }
    let own = audit::first_event_for(conn, kind.as_str(), key)?;
    let message = match &own {
        Some(e) => format!(
            "{kind} {key} names event {} as the one that added it, but event {} did: its event was changed behind claimtrack's back",
            event.map_or_else(|| "none".to_string(), |s| s.to_string()),
            e.seq
        ),
        None => format!("{kind} {key} is in the tables but no event logged it: it was inserted behind claimtrack's back"),
    };
    problems.push(problem("tables", own.as_ref().map(|e| e.seq), Some(key), message));
    Ok(own)
}

/// Names the logged records of `kind` that have no row: deleted behind claimtrack's back.
fn missing_rows(conn: &Conn, kind: RecordKind, problems: &mut Vec<Problem>) -> Result<()> {
    audit::walk_events_of(conn, kind.as_str(), |e| {
        let gone = !store::exists(conn, kind, &e.record)?;
        if gone {
            problems.push(problem(
                "tables",
                Some(e.seq),
                Some(&e.record),
                format!(
                    "{kind} {} logged by event {} is missing from the tables: it was deleted behind claimtrack's back",
                    e.record, e.seq
                ),
            ));
        }
        Ok(())
    })
}

/// Rows kept in the order their events were logged (triage, settings, corrections): the
/// n-th row must be what the n-th event of that kind logged, and name it where it can.
fn check_sequence(
    conn: &Conn,
    kind: &'static str,
    rows: (&str, store::LoggedRow),
    problems: &mut Vec<Problem>,
) -> Result<()> {
    store::zip_rows(conn, (&audit::events_of_kind(kind), audit::event_row), rows, |e, row| {
        let message = match (&e, &row) {
            (Some(e), Some((value, seq))) if e.body == *value && seq.is_none_or(|s| s == e.seq) => return Ok(()),
            (Some(e), Some(_)) => {
                format!("the {kind} {} differs from what event {} logged: it was edited", e.record, e.seq)
            }
            (Some(e), None) => {
                format!("the {kind} {} logged by event {} is missing: it was deleted", e.record, e.seq)
            }
            (None, Some((value, _))) => format!(
                "a {kind} is in the tables but no event logged it ({}): it was inserted behind claimtrack's back",
                short(value)
            ),
            (None, None) => return Ok(()),
        };
        // The record the row is about: a triage's finding, a setting's key, a correction's target.
        let named = row.as_ref().and_then(|(v, _)| ["finding", "key", "target"].iter().find_map(|k| v[*k].as_str()));
        let record = e.as_ref().map(|e| e.record.clone()).or(named.map(str::to_string));
        problems.push(problem("tables", e.as_ref().map(|e| e.seq), record.as_deref(), message));
        Ok(())
    })
}

/// A row's JSON, cut short for a message.
fn short(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(80) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

/// A finding's state must be the one its last triage entry set: the triage history (which
/// the chain vouches for) is the record, the `finding` row only its latest word.
fn check_finding_states(conn: &Conn, problems: &mut Vec<Problem>) -> Result<()> {
    for (id, state, last) in store::findings_off_their_triage(conn)? {
        let message = match last {
            Some(last) => format!(
                "finding {id} is {state} but its last triage set it {last}: its state was changed behind claimtrack's back"
            ),
            None => format!("finding {id} has no triage history: it was inserted behind claimtrack's back"),
        };
        problems.push(problem("tables", None, Some(&id), message));
    }
    Ok(())
}

/// At most this many records are named for a search index that does not match them.
const SEARCH_PROBLEMS_SHOWN: usize = 100;

/// The search index must hold, for each record, exactly what the tokeniser makes of its
/// current text, and nothing for records that do not exist; records waiting in the queue
/// are skipped (the next write indexes them). Read one record at a time.
pub fn check_search_index(conn: &Conn) -> crate::error::Result<Vec<Problem>> {
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

/// All the checks: SQLite's integrity check first (nothing else is worth reading in a damaged
/// file), then the chain and the tables, which name the event and the record, then the
/// foreign keys, which can only name a table (a row deleted behind claimtrack's back shows
/// as both, and the first line should say which row). The search index, whose check makes
/// every record's terms again, is checked on a second core, through a connection of its
/// own (one moment of the database, as each check reads one), while the rest run.
pub fn verify_database(db: &Store) -> Result<Soundness> {
    let searched = Store::open(db.path(), Open::Inspect)?;
    std::thread::scope(|scope| {
        let search = scope.spawn(move || check_search_index(searched.conn()));
        let conn = db.conn();
        let (keys, damage): (Vec<String>, Vec<String>) =
            audit::sqlite_checks(conn)?.into_iter().partition(|m| m.starts_with("foreign_key_check"));
        let mut problems: Vec<Problem> = damage.into_iter().map(|m| problem("sqlite", None, None, m)).collect();
        let mut chain = Chain::default();
        audit::walk_events(conn, |e| {
            chain.step(&e);
            Ok(())
        })?;
        problems.extend(chain.problem.take());
        let records = check_records(conn, &mut problems)?;
        check_sequence(conn, "triage", (store::TRIAGE_ROWS, store::triage_row), &mut problems)?;
        check_sequence(conn, "setting", (store::SETTING_ROWS, store::setting_row), &mut problems)?;
        check_sequence(conn, "correction", (store::CORRECTION_ROWS, store::correction_as_logged), &mut problems)?;
        check_finding_states(conn, &mut problems)?;
        problems.extend(search.join().expect("the search check does not panic")?);
        // What the cheap check on opening sees (a missing trigger, rows counted off): said
        // after the problems that name a record, which say more.
        if let Some(p) = guard::check(conn)? {
            problems.push(problem("chain", None, None, p));
        }
        problems.extend(keys.into_iter().map(|m| problem("sqlite", None, None, m)));
        let notes = chain.clock_notes();
        Ok(Soundness {
            ok: problems.is_empty(),
            events: chain.seen as usize,
            head: chain.head.unwrap_or_else(|| GENESIS.to_string()),
            records,
            problems,
            notes,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Correction;

    fn event(seq: i64, prev: &str) -> Event {
        let mut e = Event {
            seq,
            at: "t".into(),
            user: "u".into(),
            action: "add".into(),
            kind: "claim".into(),
            record: format!("c-{seq}"),
            body: serde_json::json!({"quote": seq}),
            prev: prev.into(),
            hash: String::new(),
        };
        e.hash = e.expected_hash();
        e
    }

    #[test]
    fn the_chain_reports_its_first_break_only() {
        let a = event(1, GENESIS);
        let b = event(2, &a.hash);
        let c = event(3, &b.hash);
        let mut sound = Chain::default();
        [&a, &b, &c].into_iter().for_each(|e| sound.step(e));
        assert!(sound.problem.is_none());
        assert_eq!(sound.head.as_deref(), Some(c.hash.as_str()));

        let mut gap = Chain::default();
        [&a, &c].into_iter().for_each(|e| gap.step(e));
        let p = gap.problem.expect("a missing event breaks the chain");
        assert_eq!(p.event, Some(3));

        let mut edited = Chain::default();
        let b2 = Event { user: "mallory".into(), ..b.clone() };
        [&a, &b2, &c].into_iter().for_each(|e| edited.step(e));
        assert!(edited.problem.expect("an edit shows").message.contains("does not match its hash"));
    }

    #[test]
    fn corrections_replay_onto_the_logged_record() {
        let logged = serde_json::json!({"id": "kupol", "name": "IEMZ Kupl", "kind": "company"});
        let c: Correction = serde_json::from_value(serde_json::json!({
            "target": "kupol", "set": {"name": "IEMZ Kupol"}, "reason": "typo"
        }))
        .unwrap();
        let (after, _) = c.apply(RecordKind::Party, &logged).unwrap();
        assert_eq!(after["name"], "IEMZ Kupol");
        assert_eq!(differing_field(&logged, &after), "name");
    }
}
