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
use crate::store::{self, first_difference, Conn, Refs, Store, Writer};
use postgres::fallible_iterator::FallibleIterator;
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Entries sent or looked up per statement: one round trip per this many, never per row,
/// and the most a push holds in memory at once.
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
    /// Conflicts a push found resolved ("party kupol"): the record here reads as the desk's.
    pub resolved: Vec<String>,
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

/// Hands `visit` each entry this replica has that the desk may lack, in the order the
/// replica logged them: its events after `after`, those a pull wrote left out, a batch's
/// records in its place. One at a time: memory does not grow with them.
fn walk_unpushed(conn: &Conn, after: i64, mut visit: impl FnMut(Entry) -> Result<()>) -> Result<()> {
    // Triage steps carry their finding: the findings are read once, when the first comes.
    let mut findings: Option<HashMap<String, crate::model::CarriedFinding>> = None;
    replica::walk_unpushed(conn, after, |e| {
        if e.kind == "batch" {
            // An import's batch of records (a reconcile's batch of its own steps pushes nothing).
            if e.body.get("opens").is_some() && e.action != "triage" {
                replica::walk_batch(conn, e.seq, |kind, key, value| visit(Entry::record(kind.as_str(), &key, value)))?;
            }
            return Ok(());
        }
        let Some(entry) = Entry::of_event(&e) else { return Ok(()) };
        if entry.kind != "triage" {
            return visit(entry);
        }
        if findings.is_none() {
            findings = Some(store::carried_findings(conn)?.into_iter().map(|f| (f.id.clone(), f)).collect());
        }
        match findings.as_ref().and_then(|f| f.get(&entry.id)) {
            Some(f) => visit(entry.with_finding(f)),
            None => Ok(()),
        }
    })
}

/// How many entries a push would consider (events, batches counted as one).
pub fn ahead(store: &Store, after: i64) -> Result<i64> {
    store.read(|conn| replica::count_unpushed(conn, after))
}

/// How many desk entries came after `after` (what a pull would read). The desk's seqs run 1,
/// 2, 3 … without a gap (its trigger numbers them; `verify --desk` checks it), so the last
/// one says it: read from the primary key's end, where counting rows could scan a million
/// (before PostgreSQL has analysed the table, its planner does).
pub fn behind(desk: &mut Desk, after: i64) -> Result<i64> {
    let row = desk
        .client
        .query_one("SELECT coalesce(max(seq), 0) FROM desk_log", &[])
        .context(|| "reading the end of the desk log".into())?;
    Ok((row.get::<_, i64>(0) - after).max(0))
}

/// Pushes what the desk lacks, in one PostgreSQL transaction, streamed: the replica's entries
/// are read, checked and sent [`CHUNK`] at a time, and what the desk holds of them is noted
/// in the replica as it goes, in one SQLite transaction that commits after the desk's (killed
/// between the two, the next push finds the same content on the desk: a no-op). Memory does
/// not grow with the push. With `dry_run` both are rolled back. `r.role` is the desk's answer
/// for this connection (`commands::sync::open`), as for [`pull`].
pub fn push(store: &mut Store, r: &Replica, desk: &mut Desk, dry_run: bool) -> Result<Pushed> {
    let (waiting, last_event) =
        store.read(|conn| Ok((replica::count_unpushed(conn, r.pushed)? > 0, replica::last_event(conn)?)))?;
    if !waiting {
        if !dry_run && last_event > r.pushed {
            store.write(false, |tx| replica::note_pushed(tx, last_event, &[]))?;
        }
        return Ok(Pushed { moved: Moved::default() });
    }
    let (user, url) = (desk.user.clone(), desk.url.clone());
    let moved = store.write(dry_run, |stx| {
        let last_event = replica::last_event(stx)?;
        let mut tx = desk.client.transaction().context(|| format!("starting a push to {url}"))?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&DESK_LOCK]).context(|| "waiting for the desk".into())?;
        let tail: i64 = tx
            .query_one("SELECT coalesce(max(seq), 0) FROM desk_log", &[])
            .context(|| "reading the end of the desk log".into())?
            .get(0);
        let mut sender = Sender {
            tx,
            have: r.role,
            user: &user,
            url: &url,
            chunk: Vec::new(),
            moved: Moved::default(),
            aligned: HashSet::new(),
            last_seq: 0,
        };
        walk_unpushed(stx, r.pushed, |entry| {
            sender.chunk.push(entry);
            if sender.chunk.len() >= CHUNK {
                sender.flush(stx)?;
            }
            Ok(())
        })?;
        sender.flush(stx)?;
        let Sender { tx, moved, last_seq, .. } = sender;
        if dry_run {
            tx.rollback().context(|| "rolling back the dry run".into())?;
        } else {
            tx.commit().context(|| format!("committing the push to {url}"))?;
        }
        replica::note_pushed(stx, last_event, &[])?;
        // Pulled up to the desk's end before this push, the replica holds everything up to
        // its last entry (the lock made them consecutive): the next pull need not read them.
        if tail == r.pulled && last_seq > tail {
            replica::note_pulled(stx, last_seq, 1, 0)?;
        }
        Ok(moved)
    })?;
    Ok(Pushed { moved })
}

/// A push under way: the desk's transaction and the entries waiting to be sent.
struct Sender<'t, 'a> {
    tx: postgres::Transaction<'t>,
    have: Option<Role>,
    user: &'a str,
    url: &'a str,
    chunk: Vec<Entry>,
    moved: Moved,
    /// Records in conflict whose copy here reads as the desk's: their corrections in this
    /// push only brought it in line, and are not sent.
    aligned: HashSet<String>,
    /// The desk seq of the last entry inserted (0: none).
    last_seq: i64,
}

impl Sender<'_, '_> {
    /// Sends the entries waiting: the same content the desk holds is a no-op, other content
    /// under the same key a conflict, and the rest is inserted; what the desk holds of them
    /// (and the conflicts) is noted in the replica through `stx`.
    fn flush(&mut self, stx: &Conn) -> Result<()> {
        let chunk = std::mem::take(&mut self.chunk);
        if chunk.is_empty() {
            return Ok(());
        }
        // What the desk holds already under the same keys (this push's earlier chunks too).
        let mut there: HashMap<(String, String), (HeldEntry, Value)> = HashMap::new();
        let kinds: Vec<&str> = chunk.iter().map(|e| e.kind.as_str()).collect();
        let keys: Vec<&str> = chunk.iter().map(|e| e.key.as_str()).collect();
        let rows = self
            .tx
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
        let mut send: Vec<&Entry> = Vec::new();
        let mut seen = HashSet::new();
        let now = crate::date::Timestamp::now().to_string();
        for e in &chunk {
            if !seen.insert((e.kind.as_str(), e.key.as_str())) {
                continue;
            }
            // This entry held back: the desk's version (or why it stands apart) beside ours.
            let refused = |theirs: Value, pushed_by: Option<String>| Conflict {
                kind: e.kind.clone(),
                record: e.id.clone(),
                direction: "push".into(),
                ours: e.content.clone(),
                theirs,
                pushed_by,
                noted: now.clone(),
            };
            match there.get(&(e.kind.clone(), e.key.clone())) {
                Some((h, theirs)) if e.same_as(theirs) => {
                    replica::hold(stx, h)?;
                    replica::clear_conflict(stx, &h.kind, &h.record)?;
                }
                Some((h, theirs)) => self.conflict(stx, refused(theirs.clone(), Some(h.pushed_by.clone())))?,
                // The record's copy brought in line by this push's corrections of it.
                None if e.kind == "correction" && self.aligned.contains(&e.id) => {}
                None if e.kind == "correction" => match replica::conflict_over(stx, &e.id)? {
                    None => send.push(e),
                    // A correction of a record the desk holds in another version: it resolves
                    // the conflict when the record here now reads as the desk's; else it
                    // would correct theirs, and is not sent.
                    Some(c) => match reads_as_the_desks(stx, &c)? {
                        true => {
                            replica::clear_conflict(stx, &c.kind, &c.record)?;
                            self.moved.resolved.push(format!("{} {}", c.kind, c.record));
                            self.aligned.insert(c.record);
                        }
                        false => self.conflict(
                            stx,
                            refused(
                                Value::String(format!(
                                    "the desk's {} {} is another version (see its conflict); correct yours to read as the desk's",
                                    c.kind, c.record
                                )),
                                c.pushed_by.clone(),
                            ),
                        )?,
                    },
                },
                None => send.push(e),
            }
        }
        if send.is_empty() {
            return Ok(());
        }
        if let Some(e) = send.iter().find(|e| self.have < Some(e.needs())) {
            let what = format!("pushing {} {}", e.kind, e.id);
            return Err(super::refusal(self.user, self.url, self.have, e.needs(), &what));
        }
        if self.have == Some(Role::Logger) {
            refuse_others_corrections(&mut self.tx, &send, self.user, self.url)?;
        }
        // A statement does not see its own rows, and the desk's policy looks for a logger's
        // record before its correction: a correction of a record sent in this chunk goes in
        // the next statement.
        let mut from = 0;
        while from < send.len() {
            let mut ids = HashSet::new();
            let to = send[from..]
                .iter()
                .position(|e| {
                    let after_its_record = e.kind == "correction" && ids.contains(e.id.as_str());
                    ids.insert(e.id.as_str());
                    after_its_record
                })
                .map_or(send.len(), |n| from + n.max(1));
            self.insert(stx, &send[from..to])?;
            from = to;
        }
        Ok(())
    }

    /// Inserts `entries` in one statement, in their order, and notes what the desk gave them.
    fn insert(&mut self, stx: &Conn, entries: &[&Entry]) -> Result<()> {
        let ids: Vec<&str> = entries.iter().map(|e| e.id.as_str()).collect();
        let kinds: Vec<&str> = entries.iter().map(|e| e.kind.as_str()).collect();
        let keys: Vec<&str> = entries.iter().map(|e| e.key.as_str()).collect();
        let contents: Vec<String> = entries.iter().map(|e| e.text()).collect();
        let url = self.url;
        let rows = self
            .tx
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
            self.moved.count(&h.kind);
            self.last_seq = self.last_seq.max(h.desk_seq);
            replica::hold(stx, &h)?;
            replica::clear_conflict(stx, &h.kind, &h.record)?;
        }
        Ok(())
    }

    fn conflict(&mut self, stx: &Conn, c: Conflict) -> Result<()> {
        replica::note_conflict(stx, &c)?;
        self.moved.conflicts.push(c);
        Ok(())
    }
}

/// Whether the record a conflict is over now reads here as the desk's version (who logged it
/// and when left out, as every comparison of records).
fn reads_as_the_desks(stx: &Conn, c: &Conflict) -> Result<bool> {
    let Ok(kind) = c.kind.parse::<RecordKind>() else { return Ok(false) };
    let ours = store::record_json(stx, kind, &c.record)?;
    Ok(ours.is_object() && c.theirs.is_object() && first_difference(&ours, &c.theirs).is_none())
}

/// A logger may correct only the records it pushed (the desk's policy says so too; this says
/// which and why in one line, before anything is sent). The records sent with it, and those
/// this push sent before (the desk's transaction sees them), count as its own.
fn refuse_others_corrections(tx: &mut postgres::Transaction, entries: &[&Entry], user: &str, url: &str) -> Result<()> {
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
        Some(t) => Err(super::others_record_refusal(user, url, t, &format!("pushing the correction of {t}"))),
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
    if r.role.is_none() {
        return Err(desk.refusal(None, Role::Viewer, "pulling"));
    }
    // Nothing new on the desk: nothing to write (a sync with nothing to move stays cheap).
    let waiting = behind(desk, r.pulled)?;
    if waiting == 0 {
        return Ok(Moved::default());
    }
    store.write(dry_run, |tx| apply_desk(tx, desk, r.pulled, Pull::Into(waiting)))
}

/// What a pull writes into.
#[derive(Clone, Copy, PartialEq)]
enum Pull {
    /// A replica, with this many desk entries to read: it may hold some already (its own).
    Into(i64),
    /// A new replica (a clone): it holds nothing yet.
    New,
}

/// A pull of at least this many entries logs its records in batches, as `import --bulk`
/// does (a clone always does): a far-behind replica catches up at a clone's speed, and a
/// day's pull keeps one event per record.
const PULL_IN_BATCHES: i64 = 1000;

/// Makes the new database `tx` writes a replica of `desk`, holding everything on it: its
/// records written in batches, as `import --bulk` writes them.
pub fn clone_into(tx: &Conn, desk: &mut Desk) -> Result<Moved> {
    desk.check_is_desk()?;
    let Some(role) = desk.role()? else {
        return Err(desk.refusal(None, Role::Viewer, "cloning"));
    };
    replica::become_replica(tx, &desk.url, &desk.user, role, 0)?;
    let moved = apply_desk(tx, desk, 0, Pull::New)?;
    // Everything here came from the desk.
    replica::note_pushed(tx, replica::last_event(tx)?, &[])?;
    Ok(moved)
}

/// Applies the desk's entries after `after`, streamed in desk order.
fn apply_desk(tx: &Conn, desk: &mut Desk, after: i64, into: Pull) -> Result<Moved> {
    let first_event = replica::last_event(tx)? + 1;
    let mut writer = Writer::new(tx, "import", Refs::Ids)?;
    if !matches!(into, Pull::Into(n) if n < PULL_IN_BATCHES) {
        writer = writer.in_batches();
    }
    let mut moved = Moved::default();
    let mut last_seq = after;
    let url = desk.url.clone();
    let mut rows = desk
        .client
        .query_raw(
            "SELECT seq, kind, id, key, pushed_by, arrived, content FROM desk_log WHERE seq > $1 ORDER BY seq LIMIT $2",
            // A pull says how many it expects, so that PostgreSQL reads them by the primary
            // key (without statistics its planner would sort the whole log); a clone reads all.
            [Some(after), if let Pull::Into(n) = into { Some(n) } else { None }],
        )
        .context(|| format!("reading the desk at {url}"))?;
    while let Some(row) = rows.next().context(|| format!("reading the desk at {url}"))? {
        let held = held_row(&row);
        last_seq = held.desk_seq;
        if into != Pull::New && replica::holds(tx, held.desk_seq)? {
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
fn apply_entry(tx: &Conn, writer: &mut Writer, e: &Entry, held: &HeldEntry, moved: &mut Moved) -> Result<bool> {
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
fn later_in_desk_order(tx: &Conn, kind: &str, key: &str, seq: i64) -> Result<bool> {
    Ok(replica::desk_seq_of(tx, kind, key)?.is_none_or(|s| s > seq))
}

/// One record through the write path; a refusal is a conflict when the replica holds the
/// same id, else listed as refused.
fn write(
    tx: &Conn,
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
                Ok(RecordKind::Link) if store::exists(tx, RecordKind::Link, &e.id)? => Value::String(e.id.clone()),
                Ok(kind) if RecordKind::TABLED.contains(&kind) && store::exists(tx, kind, &e.id)? => {
                    store::record_json(tx, kind, &e.id)?
                }
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
