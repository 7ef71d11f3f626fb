//! The write path: every record, from a bundle, a JSON Lines or CSV stream, or a command's
//! flags, is checked and written here, one at a time, in the caller's transaction, and
//! logged in the audit log. Nothing already stored is ever overwritten.
//!
//! Records are taken as a stream so that a large import holds one record in memory, not the
//! file. A reference to a record not seen yet is remembered (in a temporary table, so that
//! memory does not grow with the input) and checked when the stream ends (a bundle may refer
//! to records further on); everything else is checked at once.
//!
//! What a person typed (a party's name, a source's title) becomes an id here too, before
//! anything else, for the writes that take names ([`Refs::IdsOrNames`]).

use super::audit;
use super::checks::{
    check_claim, check_id, check_link, check_party, check_proposition, check_request, check_retraction, check_source,
    check_verdict, fail, text, within_size, Locate,
};
use super::findings::carry_finding;
use super::names::resolve;
use super::*;
use crate::clock;
use crate::date::Timestamp;
use crate::error::{Error, Result};
use crate::model::*;
use rusqlite::{Connection, OptionalExtension};
use std::collections::HashSet;

/// How a write reads the references in its records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refs {
    /// Ids only: the interchange formats, whose meaning must not change as names are added.
    Ids,
    /// An id, or what a person types: a party's name or alias, a source's title, a
    /// proposition's text (see [`resolve`]). Command-line flags and `claimtrack log` files.
    IdsOrNames,
}

/// Writes a whole bundle (see [`Writer`]): all of it or, on the first error, none.
pub fn apply(
    tx: &Connection,
    bundle: Bundle,
    action: &str,
    refs: Refs,
    locate: &dyn Fn(&str, usize, &str) -> String,
) -> Result<Summary> {
    apply_in(Writer::new(tx, action, refs)?, bundle, locate)
}

/// Writes a whole bundle with a writer made for it (see [`Writer::in_batches`]).
pub fn apply_in(mut writer: Writer, bundle: Bundle, locate: &dyn Fn(&str, usize, &str) -> String) -> Result<Summary> {
    for (plural, index, record) in bundle.into_records() {
        writer.add(record, &|field| locate(plural, index, field))?;
    }
    writer.finish()
}

/// Writes a bundle a person wrote by hand (a log file): every record is checked, and every
/// error reported, not only the first, so that the file can be fixed in one round. Any error
/// and the caller's transaction must not commit.
pub fn apply_every(
    mut writer: Writer,
    bundle: Bundle,
    locate: &dyn Fn(&str, usize, &str) -> String,
) -> Result<Summary> {
    let mut errors = Vec::new();
    for (plural, index, record) in bundle.into_records() {
        match writer.add(record, &|field| locate(plural, index, field)) {
            Ok(()) => {}
            Err(Error::Input(message)) => errors.push(message),
            Err(other) => return Err(other),
        }
    }
    match writer.finish() {
        Ok(summary) if errors.is_empty() => Ok(summary),
        Ok(_) => Err(Error::all(errors)),
        Err(e) => {
            errors.extend(e.lines());
            Err(Error::all(errors))
        }
    }
}

/// Checks and writes records one at a time within one transaction.
pub struct Writer<'a> {
    pub(super) tx: &'a Connection,
    pub(super) action: &'a str,
    pub(super) refs: Refs,
    user: String,
    now: Timestamp,
    /// The last audit event before this write: later ones are this write's own.
    start_seq: i64,
    /// References already found to exist, so that a million claims citing a few thousand
    /// parties ask the database once per party (bounded: memory must not grow with input).
    known: HashSet<(RecordKind, String)>,
    /// The batch records are being logged in (see [`audit::Batch`]).
    batch: Option<audit::Batch>,
    /// A batched write's full-text indexing, done as it goes, on a second thread: present
    /// exactly when records are logged in batches ([`Writer::in_batches`]).
    indexer: Option<super::search::Indexer>,
    /// The row triggers a batched write sets aside (store/aside.rs): present from the first
    /// record logged in a batch to the end of the write.
    aside: Option<super::aside::SetAside>,
    /// Records are logged in batches once this many are added ([`Writer::in_batches_past`]).
    batched_past: Option<usize>,
    pub(super) summary: Summary,
}

/// How many found references [`Writer`] remembers before it starts over.
const KNOWN_CAPACITY: usize = 200_000;

/// A batched write hands the full-text indexer the records a trigger still queues (a
/// table whose trigger was not set aside) every this many records.
const FED_EVERY: usize = 256;

/// At most this many records in one batch: a batch a tampered row is found in names them.
const BATCH_SIZE: usize = 10_000;

impl<'a> Writer<'a> {
    pub fn new(tx: &'a Connection, action: &'a str, refs: Refs) -> Result<Writer<'a>> {
        let start_seq = tx
            .query_row("SELECT coalesce(max(seq), 0) FROM event", [], |r| r.get(0))
            .map_err(|e| Error::Sql { context: "reading the audit log".into(), source: e.into() })?;
        // The references that point ahead, each (kind, id) once with where it was first met:
        // on disk in SQLite's temporary database, not in this process's memory.
        tx.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS pending_reference (kind TEXT NOT NULL, id TEXT NOT NULL, at TEXT NOT NULL, UNIQUE (kind, id)); \
             DELETE FROM temp.pending_reference;",
        )
        .map_err(|e| Error::Sql { context: "preparing the list of references to check".into(), source: e.into() })?;
        Ok(Writer {
            tx,
            action,
            refs,
            user: clock::user(),
            now: Timestamp::now(),
            start_seq,
            known: HashSet::new(),
            batch: None,
            indexer: None,
            aside: None,
            batched_past: None,
            summary: Summary::default(),
        })
    }

    /// Checks one record against the database and writes it if it is new.
    pub fn add(&mut self, record: Record, at: Locate) -> Result<()> {
        // Off the common path, a record may read claims by any column, or leave a foreign
        // key outstanding unnoticed: the claim table's indexes come back first (store/aside.rs).
        if let Some(aside) = self
            .aside
            .as_mut()
            .filter(|_| matches!(record, Record::Correction(_) | Record::Setting(_) | Record::Finding(_)))
        {
            aside.indexes_back(self.tx)?;
        }
        let mut record = match record {
            Record::Correction(c) => {
                self.correct(c, at)?;
                // Its update queued the record's text: indexed in the order written.
                return self.indexer.as_mut().map_or(Ok(()), |indexer| indexer.feed(self.tx));
            }
            Record::Setting(s) => return self.carry(carry_setting(self.tx, &s, self.action), Counted::Setting, &s.key),
            Record::Finding(f) => {
                text(at, "id", &f.id)?;
                return self.carry(carry_finding(self.tx, &f, self.action), Counted::Finding, &f.id);
            }
            other => other,
        };
        if self.refs == Refs::IdsOrNames {
            for r in record.references_mut() {
                *r.id = resolve(self.tx, r.kind, r.id, &at(&r.field))?;
            }
        }
        self.stamp(&mut record);
        let refs: Vec<(String, RecordKind, String)> =
            record.references_mut().into_iter().map(|r| (r.field, r.kind, r.id.clone())).collect();
        let refs = refs.as_slice();
        match &record {
            Record::Party(r) => {
                self.write(r, at, refs, get_party, |_| check_party(r, at), |tx, r, e| insert_party(tx, r, new(e)))
            }
            Record::Source(r) => self.write(
                r,
                at,
                refs,
                get_source,
                |tx| check_source(tx, r, at),
                |tx, r, e| insert_source(tx, r, new(e)),
            ),
            Record::Proposition(r) => self.write(
                r,
                at,
                refs,
                get_proposition,
                |tx| check_proposition(tx, r, at),
                |tx, r, e| insert_proposition(tx, r, new(e)),
            ),
            Record::Claim(r) => {
                self.write(r, at, refs, get_claim, |tx| check_claim(tx, r, at), |tx, r, e| insert_claim(tx, r, new(e)))
            }
            Record::Link(r) => self.write(r, at, refs, get_link, |_| check_link(r, at), insert_link),
            Record::Request(r) => {
                self.write(r, at, refs, get_request, |_| check_request(r, at), |tx, r, e| insert_request(tx, r, new(e)))
            }
            Record::Retraction(r) => self.write(
                r,
                at,
                refs,
                get_retraction,
                |tx| check_retraction(tx, r, at).map(drop),
                |tx, x, e| {
                    let kind =
                        if exists(tx, RecordKind::Claim, &x.target)? { TargetKind::Claim } else { TargetKind::Source };
                    insert_retraction(tx, x, kind, e)
                },
            ),
            Record::Verdict(r) => {
                self.write(r, at, refs, get_verdict, |_| check_verdict(r, at), |tx, r, e| insert_verdict(tx, r, new(e)))
            }
            Record::Correction(_) | Record::Setting(_) | Record::Finding(_) => {
                unreachable!("written on their own paths, above")
            }
        }
    }

    /// How many records (of any kind) this write has added so far.
    pub fn added(&self) -> usize {
        self.summary.total_added()
    }

    /// Checks the references that pointed ahead, and returns what was written. Every
    /// reference to nothing is named (up to a few), in the order they were met.
    pub fn finish(mut self) -> Result<Summary> {
        const NAMED: usize = 20;
        if let Some(batch) = self.batch.take() {
            batch.close(self.tx, self.action)?;
        }
        if let Some(indexer) = self.indexer.take() {
            indexer.finish(self.tx)?;
        }
        if let Some(aside) = self.aside.take() {
            aside.restore(self.tx)?;
        }
        let fail = |e: rusqlite::Error| Error::Sql {
            context: "checking the references that pointed ahead".into(),
            source: e.into(),
        };
        let mut stmt =
            self.tx.prepare("SELECT kind, id, at FROM temp.pending_reference ORDER BY rowid").map_err(fail)?;
        let mut rows = stmt.query([]).map_err(fail)?;
        let mut missing = Vec::new();
        while let Some(row) = rows.next().map_err(fail)? {
            let (kind, id, at): (RecordKind, String, String) =
                (row.get(0).map_err(fail)?, row.get(1).map_err(fail)?, row.get(2).map_err(fail)?);
            if !exists(self.tx, kind, &id)? {
                if missing.len() == NAMED {
                    missing.push("and more references to nothing; fix these first".to_string());
                    break;
                }
                let known = ids(self.tx, kind)?;
                missing.push(format!("{at}: no {kind} '{id}'{}", suggest(&id, &known, Named::Kind(kind))));
            }
        }
        if missing.is_empty() {
            Ok(self.summary)
        } else {
            Err(Error::all(missing))
        }
    }

    /// Fills in who logged the record and when, and the ids derived from content.
    pub(super) fn stamp(&self, record: &mut Record) {
        let (user, now) = (self.user.as_str(), self.now);
        match record {
            Record::Party(r) => r.stamp(user, now),
            Record::Source(r) => r.stamp(user, now),
            Record::Proposition(r) => r.stamp(user, now),
            Record::Claim(r) => r.stamp(user, now),
            Record::Link(r) => r.stamp(user, now),
            Record::Request(r) => r.stamp(user, now),
            Record::Retraction(r) => r.stamp(user, now),
            Record::Verdict(r) => r.stamp(user, now),
            Record::Correction(c) => {
                c.logged_by.get_or_insert_with(|| user.to_string());
                c.recorded.get_or_insert(now);
            }
            Record::Setting(_) | Record::Finding(_) => {}
        }
        record.give_id();
    }

    /// The common path: an id that is well formed; a record already stored is unchanged or
    /// a refusal; a new one is checked (its own rules, then its references: field, kind,
    /// id), inserted and logged.
    fn write<T: Logged + Clone + serde::de::DeserializeOwned>(
        &mut self,
        record: &T,
        at: Locate,
        refs: &[(String, RecordKind, String)],
        stored: fn(&Connection, &T) -> Result<Option<T>>,
        check: impl FnOnce(&Connection) -> Result<()>,
        insert: fn(&Connection, &T, i64) -> Result<()>,
    ) -> Result<()> {
        let key = record.key();
        // A link's key is its three parts, each checked as a reference.
        if T::KIND != RecordKind::Link {
            let field = if T::KIND == RecordKind::Retraction { "target" } else { "id" };
            check_id(&key).map_err(|why| fail(at, field, why))?;
        }
        self.summary.first_key.get_or_insert_with(|| key.clone());
        // A cheap probe first: most records of a large import are new.
        let maybe_stored = T::KIND == RecordKind::Link || exists(self.tx, T::KIND, &key)?;
        if let Some(old) = if maybe_stored { stored(self.tx, record)? } else { None } {
            // A corrected record is compared as it was first logged (as bundles carry it), and
            // as it stands now (as a CSV export carries it).
            let first = as_first_logged(self.tx, old.clone(), &key)?;
            let differs = first_difference(&first, record).filter(|_| first_difference(&old, record).is_some());
            return match differs {
                None => {
                    Summary::count(&mut self.summary.unchanged, Counted::Record(T::KIND));
                    Ok(())
                }
                Some(diff) if self.written_by_this_run(T::KIND, &key)? => Err(fail(
                    at,
                    &diff,
                    format!(
                        "{} '{key}' appears twice in the input with different {diff}; give each record its own id",
                        T::KIND
                    ),
                )),
                Some(diff) => Err(fail(
                    at,
                    &diff,
                    format!(
                        "{} '{key}' already exists with a different {diff}; stored records are never overwritten{}",
                        T::KIND,
                        // Only some kinds take corrections: never advise one that is refused.
                        if correctable(T::KIND).iter().any(|f| f.0 == diff) {
                            format!(": to fix it, run `claimtrack correct {key} --set {diff}=VALUE --reason WHY`")
                        } else {
                            format!(" (a {} stands as logged)", T::KIND)
                        }
                    ),
                )),
            };
        }
        check(self.tx)?;
        let value = within_size(record, at)?;
        for (field, kind, id) in refs {
            self.reference(at, field, *kind, id)?;
        }
        let event = self.log(record, &value)?;
        insert(self.tx, record, event)?;
        if let Some(indexer) = self.indexer.as_mut() {
            if self.aside.as_ref().is_some_and(|aside| aside.indexes(T::KIND.as_str())) {
                indexer.push(self.tx, T::KIND.as_str(), &key)?;
            }
            if self.summary.total_added().is_multiple_of(FED_EVERY) {
                indexer.feed(self.tx)?;
            }
        }
        Summary::count(&mut self.summary.added, Counted::Record(T::KIND));
        Ok(())
    }

    /// Logs the records in batches of up to [`BATCH_SIZE`], one SHA-256 over their canonical
    /// forms in the event that seals each, instead of one event per record (`import --bulk`,
    /// docs/INTEGRITY.md).
    pub fn in_batches(self) -> Self {
        self.in_batches_past(0)
    }

    /// Logs the first `records` records one event each, as every write does, and the rest in
    /// batches ([`Writer::in_batches`]): a small import keeps an event per record, a large one
    /// the speed of batches.
    pub fn in_batches_past(mut self, records: usize) -> Self {
        self.batched_past = Some(records);
        self
    }

    /// Logs a record about to be written (`value`, its JSON) and returns the event its row
    /// names: its own, or its batch's (a link, kept in key order rather than written order,
    /// always has its own).
    fn log<T: Logged>(&mut self, record: &T, value: &serde_json::Value) -> Result<i64> {
        if self.indexer.is_none() && self.batched_past.is_some_and(|past| self.added() >= past) {
            // The records logged one by one so far wait in the search queue: the indexer
            // takes them first, then the triggers that queued them are set aside.
            let mut indexer = super::search::Indexer::start();
            indexer.feed(self.tx)?;
            self.indexer = Some(indexer);
            self.aside = Some(super::aside::SetAside::take(self.tx)?);
        }
        if self.indexer.is_none() || T::KIND == RecordKind::Link {
            return audit::record(self.tx, self.action, record);
        }
        if let Some(full) = self.batch.take_if(|b| b.records() >= BATCH_SIZE) {
            full.close(self.tx, self.action)?;
        }
        let batch = match &mut self.batch {
            Some(batch) => batch,
            none => none.insert(audit::Batch::open(self.tx, self.action)?),
        };
        batch.add_value(T::KIND.as_str(), value);
        Ok(batch.seq())
    }

    /// Counts a setting or a finding carried from another database: written, or found there.
    fn carry(&mut self, written: Result<bool>, kind: Counted, key: &str) -> Result<()> {
        self.summary.first_key.get_or_insert_with(|| key.to_string());
        let list = if written? { &mut self.summary.added } else { &mut self.summary.unchanged };
        Summary::count(list, kind);
        Ok(())
    }

    fn written_by_this_run(&self, kind: RecordKind, key: &str) -> Result<bool> {
        if row_event(self.tx, kind, key)?.is_some_and(|e| e > self.start_seq) {
            return Ok(true);
        }
        self.tx
            .prepare_cached("SELECT 1 FROM event WHERE record = ?1 AND seq > ?2")
            .and_then(|mut s| s.query_row(rusqlite::params![key, self.start_seq], |_| Ok(())).optional())
            .map(|found| found.is_some())
            .map_err(|e| Error::Sql { context: format!("looking up {key} in the audit log"), source: e.into() })
    }

    /// A reference must name a stored record of `kind`, or one still to come in the stream.
    pub(super) fn reference(&mut self, at: Locate, field: &str, kind: RecordKind, id: &str) -> Result<()> {
        if self.known.contains(&(kind, id.to_string())) {
            return Ok(());
        }
        if exists(self.tx, kind, id)? {
            // Records are never deleted, so what exists once exists to the end of the write.
            if self.known.len() >= KNOWN_CAPACITY {
                self.known.clear();
            }
            self.known.insert((kind, id.to_string()));
        } else {
            if let Some(aside) = self.aside.as_mut() {
                aside.indexes_back(self.tx)?;
            }
            self.tx
                .prepare_cached("INSERT OR IGNORE INTO temp.pending_reference (kind, id, at) VALUES (?1, ?2, ?3)")
                .and_then(|mut s| s.execute(rusqlite::params![kind, id, at(field)]))
                .map_err(|e| Error::Sql {
                    context: format!("noting the reference to {kind} {id}"),
                    source: e.into(),
                })?;
        }
        Ok(())
    }
}

/// A row added by event `event`.
fn new(event: i64) -> Put {
    Put::New { event }
}

/// A stored record as it was first logged: its corrections undone, newest first.
fn as_first_logged<T: Logged + serde::de::DeserializeOwned>(tx: &Connection, record: T, key: &str) -> Result<T> {
    let corrections = corrections_of(tx, T::KIND, key)?;
    if corrections.is_empty() {
        return Ok(record);
    }
    let mut value = serde_json::to_value(&record).expect("records serialise");
    for c in corrections.iter().rev() {
        value = revert(&value, &c.before);
    }
    serde_json::from_value(value)
        .map_err(|e| Error::input(format!("{} {key}: its first version does not read back: {e}", T::KIND)))
}
