//! Push, pull and clone (docs/DESK.md, section 5): the replica's entries to the desk in one
//! PostgreSQL transaction, the desk's entries to the replica in one SQLite transaction
//! through the write path every import takes, and the desk log's hash chain checked.

use super::entry::{Entry, Role, RECORD_KINDS};
use super::Desk;
use crate::date::Timestamp;
use crate::error::{Context, Error, Result};
use crate::model::{Correction, Record, RecordKind, TriageStep};
use crate::store::audit::{self, canonical, Event};
use crate::store::replica::{self, Conflict, HeldEntry, Replica};
use crate::store::{self, Refs, Store, Writer};
use postgres::fallible_iterator::FallibleIterator;
use rusqlite::Connection;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Entries sent or looked up per statement: one round trip per this many, never per row.
const CHUNK: usize = 2000;

/// The lock the desk's insert trigger takes (desk.sql): a push takes it first, so what it
/// checks for conflicts stays true until it commits.
const DESK_LOCK: i64 = 7_413_370_001;

/// What moved one way.
#[derive(Debug, Default)]
pub struct Moved {
    /// Entries by kind.
    pub counts: BTreeMap<String, usize>,
    /// Who pushed what was pulled.
    pub people: BTreeSet<String>,
    /// Entries refused for a conflict, each with both versions.
    pub conflicts: Vec<Conflict>,
    /// Entries the replica's checks refused, one line each.
    pub refused: Vec<String>,
}

impl Moved {
    fn count(&mut self, kind: &str) {
        *self.counts.entry(kind.to_string()).or_default() += 1;
    }

    pub fn total(&self) -> usize {
        self.counts.values().sum()
    }
}

/// A push: what it sent.
pub struct Pushed {
    pub moved: Moved,
}

/// The entries this replica has that the desk may lack: its events after the last one a
/// push considered, those a pull wrote left out; and the last event read.
fn unpushed(conn: &Connection, after: i64) -> Result<(Vec<Entry>, i64)> {
    let last = replica::last_event(conn)?;
    // In event order: an entry, or the batch whose records go in its place.
    let mut order: Vec<std::result::Result<Entry, i64>> = Vec::new();
    let mut batches = BTreeSet::new();
    replica::walk_unpushed(conn, after, |e| {
        if e.kind == "batch" {
            if e.body.get("opens").is_some() {
                batches.insert(e.seq);
                order.push(Err(e.seq));
            }
        } else if let Some(entry) = Entry::of_event(&e) {
            order.push(Ok(entry));
        }
        Ok(())
    })?;
    let mut batched = replica::batch_records(conn, &batches)?;
    let mut entries = Vec::with_capacity(order.len());
    for item in order {
        match item {
            Ok(entry) => entries.push(entry),
            Err(seq) => entries.extend(
                batched
                    .remove(&seq)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(kind, key, value)| Entry::record(kind.as_str(), &key, value)),
            ),
        }
    }
    if entries.iter().any(|e| e.kind == "triage") {
        let findings: HashMap<String, crate::model::CarriedFinding> =
            store::carried_findings(conn)?.into_iter().map(|f| (f.id.clone(), f)).collect();
        entries = entries
            .into_iter()
            .filter_map(|e| match e.kind.as_str() {
                "triage" => findings.get(&e.id).map(|f| e.with_finding(f)),
                _ => Some(e),
            })
            .collect();
    }
    Ok((entries, last))
}

/// How many entries a push would consider (events, batches counted as one).
pub fn ahead(store: &Store, after: i64) -> Result<i64> {
    store.read(|conn| replica::count_unpushed(conn, after))
}

/// How many desk entries came after `after` (what a pull would read).
pub fn behind(desk: &mut Desk, after: i64) -> Result<i64> {
    let row = desk
        .client
        .query_one("SELECT count(*) FROM desk_log WHERE seq > $1", &[&after])
        .context(|| "counting the desk's new entries".into())?;
    Ok(row.get(0))
}

/// Pushes what the desk lacks, in one PostgreSQL transaction, then notes it in the replica.
/// With `dry_run`, the desk's transaction is rolled back and nothing is noted.
pub fn push(store: &mut Store, r: &Replica, desk: &mut Desk, dry_run: bool) -> Result<Pushed> {
    let (entries, last_event) = store.read(|conn| unpushed(conn, r.pushed))?;
    let mut moved = Moved::default();
    if entries.is_empty() {
        if !dry_run && last_event > r.pushed {
            store.write(false, |tx| replica::note_pushed(tx, last_event, &[]))?;
        }
        return Ok(Pushed { moved });
    }
    desk.check_is_desk()?;
    let have = desk.role()?;
    if let Some(e) = entries.iter().find(|e| have < Some(e.needs())) {
        return Err(desk.refusal(have, e.needs(), &format!("pushing {} {}", e.kind, e.id)));
    }
    let url = desk.url.clone();
    let mut tx = desk.client.transaction().context(|| format!("starting a push to {url}"))?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&DESK_LOCK]).context(|| "waiting for the desk".into())?;
    if have == Some(Role::Logger) {
        refuse_others_corrections(&mut tx, &entries, &r.user, &url)?;
    }
    // What the desk holds already under the same keys.
    let mut there: HashMap<(String, String), (HeldEntry, Value)> = HashMap::new();
    for chunk in entries.chunks(CHUNK) {
        let kinds: Vec<&str> = chunk.iter().map(|e| e.kind.as_str()).collect();
        let keys: Vec<&str> = chunk.iter().map(|e| e.key.as_str()).collect();
        let rows = tx
            .query(
                "SELECT d.seq, d.kind, d.id, d.key, d.pushed_by, d.arrived, d.content FROM desk_log d \
                 JOIN unnest($1::text[], $2::text[]) AS w(kind, key) ON d.kind = w.kind AND d.key = w.key",
                &[&kinds, &keys],
            )
            .context(|| "looking up what the desk holds".into())?;
        for row in rows {
            let held = held_row(&row);
            let content: String = row.get(6);
            there.insert(
                (held.kind.clone(), held.key.clone()),
                (held, serde_json::from_str(&content).unwrap_or(Value::Null)),
            );
        }
    }
    let mut held = Vec::new();
    let mut send: Vec<&Entry> = Vec::new();
    let mut seen = HashSet::new();
    let mut conflicted: HashSet<String> = HashSet::new();
    let now = crate::date::Timestamp::now().to_string();
    for e in &entries {
        if !seen.insert((e.kind.as_str(), e.key.as_str())) {
            continue;
        }
        match there.get(&(e.kind.clone(), e.key.clone())) {
            Some((h, theirs)) if e.same_as(theirs) => held.push(h.clone()),
            Some((h, theirs)) => {
                conflicted.insert(e.id.clone());
                moved.conflicts.push(Conflict {
                    kind: e.kind.clone(),
                    record: e.id.clone(),
                    direction: "push".into(),
                    ours: e.content.clone(),
                    theirs: theirs.clone(),
                    pushed_by: Some(h.pushed_by.clone()),
                    noted: now.clone(),
                });
            }
            // A correction of a record the desk refused from us would correct theirs.
            None if e.kind == "correction" && conflicted.contains(&e.id) => moved.conflicts.push(Conflict {
                kind: e.kind.clone(),
                record: e.id.clone(),
                direction: "push".into(),
                ours: e.content.clone(),
                theirs: Value::String(format!("the desk's {} {} is another record (see its conflict)", e.kind, e.id)),
                pushed_by: None,
                noted: now.clone(),
            }),
            None => send.push(e),
        }
    }
    for chunk in send.chunks(CHUNK) {
        let kinds: Vec<&str> = chunk.iter().map(|e| e.kind.as_str()).collect();
        let ids: Vec<&str> = chunk.iter().map(|e| e.id.as_str()).collect();
        let keys: Vec<&str> = chunk.iter().map(|e| e.key.as_str()).collect();
        let contents: Vec<String> = chunk.iter().map(|e| e.text()).collect();
        let rows = tx
            .query(
                "INSERT INTO desk_log (kind, id, key, content) \
                 SELECT kind, id, key, content FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) \
                 WITH ORDINALITY AS w(kind, id, key, content, n) ORDER BY n \
                 RETURNING seq, kind, id, key, pushed_by, arrived",
                &[&kinds, &ids, &keys, &contents],
            )
            .map_err(|e| match e.code() {
                Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE) => Error::input(format!(
                    "push refused by the desk: {}; nothing was written (`claimtrack desk status` says which role you have)",
                    e.as_db_error().map_or_else(|| e.to_string(), |d| d.message().to_string())
                )),
                _ => Error::Desk { context: format!("pushing to {url}"), source: e },
            })?;
        for row in rows {
            let h = held_row(&row);
            moved.count(&h.kind);
            held.push(h);
        }
    }
    if dry_run {
        tx.rollback().context(|| "rolling back the dry run".into())?;
        return Ok(Pushed { moved });
    }
    tx.commit().context(|| format!("committing the push to {url}"))?;
    // Killed here, the desk has the push and the replica does not know: the next push finds
    // the same content under the same keys, a no-op (docs/DESK.md, section 7).
    store.write(false, |tx| {
        replica::note_pushed(tx, last_event, &held)?;
        for h in &held {
            replica::clear_conflict(tx, &h.kind, &h.record)?;
        }
        for c in &moved.conflicts {
            replica::note_conflict(tx, c)?;
        }
        Ok(())
    })?;
    Ok(Pushed { moved })
}

/// A logger may correct only the records it pushed (the desk's policy says so too; this says
/// which and why in one line, before anything is sent).
fn refuse_others_corrections(tx: &mut postgres::Transaction, entries: &[Entry], user: &str, url: &str) -> Result<()> {
    let own: HashSet<&str> =
        entries.iter().filter(|e| RECORD_KINDS.contains(&e.kind.as_str())).map(|e| e.id.as_str()).collect();
    let targets: Vec<&str> = entries
        .iter()
        .filter(|e| e.kind == "correction" && !own.contains(e.id.as_str()))
        .map(|e| e.id.as_str())
        .collect();
    if targets.is_empty() {
        return Ok(());
    }
    let mine: HashSet<String> = tx
        .query(
            "SELECT DISTINCT id FROM desk_log WHERE id = ANY($1) AND pushed_by = session_user \
             AND kind IN ('party', 'source', 'proposition', 'claim', 'request', 'verdict')",
            &[&targets],
        )
        .context(|| "looking up whose records these corrections correct".into())?
        .iter()
        .map(|r| r.get(0))
        .collect();
    match targets.iter().find(|t| !mine.contains(**t)) {
        None => Ok(()),
        Some(t) => Err(Error::input(format!(
            "pushing the correction of {t} refused: {user} is a claimtrack_logger, who may correct only the records they pushed; correcting another's record needs claimtrack_editor (a desk admin runs `claimtrack desk add {user} --role editor {url}`); nothing was written"
        ))),
    }
}

fn held_row(row: &postgres::Row) -> HeldEntry {
    HeldEntry {
        desk_seq: row.get(0),
        kind: row.get(1),
        record: row.get(2),
        key: row.get(3),
        pushed_by: row.get(4),
        arrived: row.get(5),
    }
}

/// Pulls what the replica lacks, in one SQLite transaction (rolled back with `dry_run`).
pub fn pull(store: &mut Store, r: &Replica, desk: &mut Desk, dry_run: bool) -> Result<Moved> {
    desk.check_is_desk()?;
    if desk.role()?.is_none() {
        return Err(desk.refusal(None, Role::Viewer, "pulling"));
    }
    store.write(dry_run, |tx| apply_desk(tx, desk, r.pulled, false))
}

/// Makes the new database `tx` writes a replica of `desk`, holding everything on it: its
/// records written in batches, as `import --bulk` writes them.
pub fn clone_into(tx: &Connection, desk: &mut Desk) -> Result<Moved> {
    desk.check_is_desk()?;
    if desk.role()?.is_none() {
        return Err(desk.refusal(None, Role::Viewer, "cloning"));
    }
    replica::become_replica(tx, &desk.url, &desk.user, 0)?;
    let moved = apply_desk(tx, desk, 0, true)?;
    // Everything here came from the desk.
    replica::note_pushed(tx, replica::last_event(tx)?, &[])?;
    Ok(moved)
}

/// Applies the desk's entries after `after`, streamed in desk order.
fn apply_desk(tx: &Connection, desk: &mut Desk, after: i64, batched: bool) -> Result<Moved> {
    let first_event = replica::last_event(tx)? + 1;
    let mut writer = Writer::new(tx, "import", Refs::Ids)?;
    if batched {
        writer = writer.in_batches();
    }
    let mut moved = Moved::default();
    let mut last_seq = after;
    let url = desk.url.clone();
    let mut rows = desk
        .client
        .query_raw(
            "SELECT seq, kind, id, key, pushed_by, arrived, content FROM desk_log WHERE seq > $1 ORDER BY seq",
            [after],
        )
        .context(|| format!("reading the desk at {url}"))?;
    while let Some(row) = rows.next().context(|| format!("reading the desk at {url}"))? {
        let held = held_row(&row);
        last_seq = held.desk_seq;
        if !batched && replica::holds(tx, held.desk_seq)? {
            continue;
        }
        let content: String = row.get(6);
        let content = serde_json::from_str(&content).map_err(|e| {
            Error::input(format!(
                "desk entry {}: its content is not JSON ({e}); run `claimtrack verify --desk`",
                held.desk_seq
            ))
        })?;
        let entry = Entry { kind: held.kind.clone(), id: held.record.clone(), key: held.key.clone(), content };
        if apply_entry(tx, &mut writer, &entry, &held, &mut moved)? {
            moved.count(&entry.kind);
            moved.people.insert(held.pushed_by.clone());
        }
        replica::hold(tx, &held)?;
    }
    writer.finish()?;
    replica::note_pulled(tx, last_seq, first_event, replica::last_event(tx)?)?;
    Ok(moved)
}

/// Applies one desk entry; returns whether it changed anything. A conflict or an entry the
/// replica's checks refuse is listed in `moved`, not applied, and the pull goes on.
fn apply_entry(tx: &Connection, writer: &mut Writer, e: &Entry, held: &HeldEntry, moved: &mut Moved) -> Result<bool> {
    let record = match e.to_record() {
        Ok(r) => r,
        Err(err) => {
            moved.refused.push(err.to_string());
            return Ok(false);
        }
    };
    match record {
        Record::Finding(f) => {
            let prior = store::triage_history(tx, Some(&f.id))?.into_iter().rev().find(|t| t.by != "reconcile");
            let added = store::carry_step(tx, &f, "import")?;
            if let Some(p) = prior.filter(|_| added) {
                let key = format!("{}|{}|{}", f.id, p.by, p.at);
                if later_in_desk_order(tx, "triage", &key, held.desk_seq)? {
                    let step = TriageStep { state: p.state, note: p.note, by: p.by, at: p.at };
                    store::restate_step(tx, &f.id, &step, "triage")?;
                }
            }
            Ok(added)
        }
        Record::Correction(c) => {
            let prior = match c.kind {
                Some(kind) => store::corrections_of(tx, kind, &c.target)?.pop(),
                None => None,
            };
            let added = write(tx, writer, Record::Correction(c), e, held, moved)?;
            if let Some(p) = prior.filter(|_| added) {
                let mine = &p.correction;
                let key = format!(
                    "{}|{}|{}",
                    mine.target,
                    mine.logged_by.as_deref().unwrap_or_default(),
                    mine.recorded.map(|t| t.to_string()).unwrap_or_default()
                );
                if later_in_desk_order(tx, "correction", &key, held.desk_seq)? {
                    // Its own moment, after the one it repeats (a pinned clock would give both one).
                    let now = Timestamp::now();
                    let after = mine.recorded.map(|t| Timestamp(t.0 + chrono::Duration::microseconds(1)));
                    let again = Correction {
                        reason: format!("re-applied in desk order: {}", mine.reason),
                        recorded: Some(after.filter(|a| a.0 > now.0).unwrap_or(now)),
                        ..mine.clone()
                    };
                    match writer.add(Record::Correction(again), &|f| format!("re-applying {key}: {f}")) {
                        // The pulled correction changed other fields: nothing to state again.
                        Ok(()) | Err(Error::Input(_)) => {}
                        Err(other) => return Err(other),
                    }
                }
            }
            Ok(added)
        }
        other => write(tx, writer, other, e, held, moved),
    }
}

/// Whether this replica's entry of `kind` and `key` stands after desk entry `seq`: it is
/// later on the desk, or not pushed yet (it will be).
fn later_in_desk_order(tx: &Connection, kind: &str, key: &str, seq: i64) -> Result<bool> {
    Ok(replica::desk_seq_of(tx, kind, key)?.is_none_or(|s| s > seq))
}

/// One record through the write path; a refusal is a conflict when the replica holds the
/// same id, else listed as refused.
fn write(
    tx: &Connection,
    writer: &mut Writer,
    record: Record,
    e: &Entry,
    held: &HeldEntry,
    moved: &mut Moved,
) -> Result<bool> {
    let before = writer.added();
    let at = |field: &str| format!("desk entry {} ({} {}): {field}", held.desk_seq, e.kind, e.id);
    match writer.add(record, &at) {
        Ok(()) => Ok(writer.added() > before),
        Err(Error::Input(message)) => {
            let ours = match e.kind.parse::<RecordKind>() {
                Ok(kind) if RECORD_KINDS.contains(&e.kind.as_str()) && store::exists(tx, &e.kind, &e.id)? => {
                    store::record_json(tx, kind, &e.id)?
                }
                Ok(RecordKind::Link) if store::link_exists(tx, &e.id)? => Value::String(e.id.clone()),
                _ => Value::Null,
            };
            if ours.is_null() {
                moved.refused.push(message);
            } else {
                let c = Conflict {
                    kind: e.kind.clone(),
                    record: e.id.clone(),
                    direction: "pull".into(),
                    ours,
                    theirs: e.content.clone(),
                    pushed_by: Some(held.pushed_by.clone()),
                    noted: crate::date::Timestamp::now().to_string(),
                };
                replica::note_conflict(tx, &c)?;
                moved.conflicts.push(c);
            }
            Ok(false)
        }
        Err(other) => Err(other),
    }
}

/// What `verify --desk` found.
#[derive(Debug, serde::Serialize)]
pub struct Verdict {
    pub entries: i64,
    pub head: String,
    /// The first broken entry, in words.
    pub problem: Option<String>,
}

/// Walks the desk log in desk order and recomputes its hash chain (docs/DESK.md, section 4).
pub fn verify(desk: &mut Desk) -> Result<Verdict> {
    desk.check_is_desk()?;
    let url = desk.url.clone();
    let mut rows = desk
        .client
        .query_raw(
            "SELECT seq, kind, id, pushed_by, arrived, content, content_hash, prev, hash FROM desk_log ORDER BY seq",
            std::iter::empty::<i64>(),
        )
        .context(|| format!("reading the desk at {url}"))?;
    let mut prev = audit::GENESIS.to_string();
    let mut expected = 1i64;
    while let Some(row) = rows.next().context(|| format!("reading the desk at {url}"))? {
        let (seq, kind, id): (i64, String, String) = (row.get(0), row.get(1), row.get(2));
        let named = format!("desk entry {seq} ({kind} {id})");
        let content: String = row.get(5);
        let body: Value = serde_json::from_str(&content).unwrap_or(Value::String(content.clone()));
        let event = Event {
            seq,
            at: row.get(4),
            user: row.get(3),
            action: "push".into(),
            kind: kind.clone(),
            record: id.clone(),
            body: body.clone(),
            prev: row.get(7),
            hash: row.get(8),
        };
        let content_hash: String = row.get(6);
        let problem = if seq > expected {
            Some(format!(
                "desk entr{} {expected}{} missing: deleted behind claimtrack's back (entry {seq} follows entry {})",
                if seq - expected > 1 { "ies" } else { "y" },
                if seq - expected > 1 { format!(" to {} are", seq - 1) } else { " is".into() },
                expected - 1
            ))
        } else if event.prev != prev {
            Some(format!(
                "{named}: its prev is not the hash of the entry before it: an entry was inserted, deleted or edited before it behind claimtrack's back"
            ))
        } else if canonical(&body) != content || format!("{:x}", Sha256::digest(content.as_bytes())) != content_hash {
            Some(format!("{named}: its content is not what was pushed: it was edited behind claimtrack's back"))
        } else if event.expected_hash() != event.hash {
            Some(format!(
                "{named}: its hash does not match what it holds (who pushed it, when, its content): it was edited or inserted behind claimtrack's back"
            ))
        } else {
            None
        };
        if problem.is_some() {
            return Ok(Verdict { entries: seq, head: prev, problem });
        }
        prev = event.hash;
        expected = seq + 1;
    }
    Ok(Verdict { entries: expected - 1, head: prev, problem: None })
}
