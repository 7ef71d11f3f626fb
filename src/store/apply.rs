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
use super::findings::carry_finding;
use super::names::resolve;
use super::*;
use crate::clock;
use crate::date::Timestamp;
use crate::error::{Error, Result};
use crate::model::*;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use std::collections::HashSet;

/// Names where a bad value came from, given the field: `claims[3].stance` in a bundle,
/// `line 7: stance` in JSON Lines, `--stance` for flags.
pub type Locate<'a> = &'a dyn Fn(&str) -> String;

/// What a write added and what it found already there, per record kind.
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    /// Per record kind (bundle key), in the order the kinds were first met.
    pub added: Vec<(&'static str, usize)>,
    pub unchanged: Vec<(&'static str, usize)>,
    /// The key of the first record written or found unchanged (the id a command prints).
    #[serde(skip)]
    pub first_key: Option<String>,
}

impl Summary {
    pub fn total_added(&self) -> usize {
        self.added.iter().map(|c| c.1).sum()
    }

    pub fn total_unchanged(&self) -> usize {
        self.unchanged.iter().map(|c| c.1).sum()
    }

    fn count(list: &mut Vec<(&'static str, usize)>, kind: &'static str) {
        match list.iter_mut().find(|c| c.0 == kind) {
            Some(c) => c.1 += 1,
            None => list.push((kind, 1)),
        }
    }

    /// The line an import or a log says when it is done.
    pub fn said(&self, name: &str, dry_run: bool) -> String {
        format!(
            "{name}: {} {}; {} already present, unchanged{}",
            if dry_run { "would add" } else { "added" },
            Summary::describe(&self.added),
            self.total_unchanged(),
            if dry_run { " (dry run: nothing written)" } else { "" }
        )
    }

    /// "2 parties, 1 claim" (kinds with none left out).
    pub fn describe(counts: &[(&'static str, usize)]) -> String {
        let parts: Vec<String> =
            counts.iter().filter(|c| c.1 > 0).map(|(k, n)| format!("{n} {}", noun(k, *n))).collect();
        if parts.is_empty() {
            "nothing".into()
        } else {
            parts.join(", ")
        }
    }
}

/// "parties" for many, "party" for one.
fn noun(plural: &str, n: usize) -> String {
    match (n, plural) {
        (1, "parties") => "party".into(),
        (1, p) => p.trim_end_matches('s').into(),
        _ => plural.into(),
    }
}

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
    tx: &'a Connection,
    action: &'a str,
    refs: Refs,
    user: String,
    now: Timestamp,
    /// The last audit event before this write: later ones are this write's own.
    start_seq: i64,
    /// References already found to exist, so that a million claims citing a few thousand
    /// parties ask the database once per party (bounded: memory must not grow with input).
    known: HashSet<(&'static str, String)>,
    /// The batch records are being logged in (see [`audit::Batch`]).
    batch: Option<audit::Batch>,
    /// A batched write's full-text indexing, done as it goes, on a second thread: present
    /// exactly when records are logged in batches ([`Writer::in_batches`]).
    indexer: Option<super::search::Indexer>,
    /// Records are logged in batches once this many are added ([`Writer::in_batches_past`]).
    batched_past: Option<usize>,
    summary: Summary,
}

/// How many found references [`Writer`] remembers before it starts over.
const KNOWN_CAPACITY: usize = 200_000;

/// A batched write hands the text of the records it wrote to the full-text indexer every
/// this many records.
const FED_EVERY: usize = 256;

/// At most this many records in one batch: a batch a tampered row is found in names them.
const BATCH_SIZE: usize = 10_000;

impl<'a> Writer<'a> {
    pub fn new(tx: &'a Connection, action: &'a str, refs: Refs) -> Result<Writer<'a>> {
        let start_seq = tx
            .query_row("SELECT coalesce(max(seq), 0) FROM event", [], |r| r.get(0))
            .map_err(|e| Error::Sql { context: "reading the audit log".into(), source: e })?;
        // The references that point ahead, each (kind, id) once with where it was first met:
        // on disk in SQLite's temporary database, not in this process's memory.
        tx.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS pending_reference (kind TEXT NOT NULL, id TEXT NOT NULL, at TEXT NOT NULL, UNIQUE (kind, id)); \
             DELETE FROM temp.pending_reference;",
        )
        .map_err(|e| Error::Sql { context: "preparing the list of references to check".into(), source: e })?;
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
            batched_past: None,
            summary: Summary::default(),
        })
    }

    /// Checks one record against the database and writes it if it is new.
    pub fn add(&mut self, record: Record, at: Locate) -> Result<()> {
        let mut record = match record {
            Record::Correction(c) => return self.correct(c, at),
            Record::Setting(s) => return self.carry(carry_setting(self.tx, &s, self.action), "settings", &s.key),
            Record::Finding(f) => {
                text(at, "id", &f.id)?;
                return self.carry(carry_finding(self.tx, &f, self.action), "findings", &f.id);
            }
            other => other,
        };
        if self.refs == Refs::IdsOrNames {
            for r in record.references_mut() {
                *r.id = resolve(self.tx, r.kind, r.id, &at(&r.field))?;
            }
        }
        self.stamp(&mut record);
        let refs: Vec<(String, &'static str, String)> =
            record.references_mut().into_iter().map(|r| (r.field, r.kind, r.id.clone())).collect();
        let refs = refs.as_slice();
        match &record {
            Record::Party(r) => {
                self.write(r, at, refs, get_party, |w| w.check_party(r, at), |tx, r, e| insert_party(tx, r, new(e)))
            }
            Record::Source(r) => {
                self.write(r, at, refs, get_source, |w| w.check_source(r, at), |tx, r, e| insert_source(tx, r, new(e)))
            }
            Record::Proposition(r) => self.write(
                r,
                at,
                refs,
                get_proposition,
                |w| w.check_proposition(r, at),
                |tx, r, e| insert_proposition(tx, r, new(e)),
            ),
            Record::Claim(r) => {
                self.write(r, at, refs, get_claim, |w| w.check_claim(r, at), |tx, r, e| insert_claim(tx, r, new(e)))
            }
            Record::Link(r) => self.write(r, at, refs, get_link, |w| w.check_link(r, at), insert_link),
            Record::Request(r) => self.write(
                r,
                at,
                refs,
                get_request,
                |w| w.check_request(r, at),
                |tx, r, e| insert_request(tx, r, new(e)),
            ),
            Record::Retraction(r) => self.write(
                r,
                at,
                refs,
                get_retraction,
                |w| w.check_retraction(r, at).map(drop),
                |tx, x, e| {
                    let kind = if exists(tx, "claim", &x.target)? { TargetKind::Claim } else { TargetKind::Source };
                    insert_retraction(tx, x, kind, e)
                },
            ),
            Record::Verdict(r) => self.write(
                r,
                at,
                refs,
                get_verdict,
                |w| w.check_verdict(r, at),
                |tx, r, e| insert_verdict(tx, r, new(e)),
            ),
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
        let fail = |e| Error::Sql { context: "checking the references that pointed ahead".into(), source: e };
        let mut stmt =
            self.tx.prepare("SELECT kind, id, at FROM temp.pending_reference ORDER BY rowid").map_err(fail)?;
        let mut rows = stmt.query([]).map_err(fail)?;
        let mut missing = Vec::new();
        while let Some(row) = rows.next().map_err(fail)? {
            let (kind, id, at): (String, String, String) =
                (row.get(0).map_err(fail)?, row.get(1).map_err(fail)?, row.get(2).map_err(fail)?);
            if !exists(self.tx, &kind, &id)? {
                if missing.len() == NAMED {
                    missing.push("and more references to nothing; fix these first".to_string());
                    break;
                }
                let known = ids(self.tx, &kind)?;
                missing.push(format!("{at}: no {kind} '{id}'{}", suggest(&id, &known, &kind)));
            }
        }
        if missing.is_empty() {
            Ok(self.summary)
        } else {
            Err(Error::all(missing))
        }
    }

    /// Fills in who logged the record and when, and the ids derived from content.
    fn stamp(&self, record: &mut Record) {
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
        refs: &[(String, &'static str, String)],
        stored: fn(&Connection, &T) -> Result<Option<T>>,
        check: impl FnOnce(&mut Self) -> Result<()>,
        insert: fn(&Connection, &T, i64) -> Result<()>,
    ) -> Result<()> {
        let key = record.key();
        // A link's key is its three parts, each checked as a reference.
        if T::KIND != "link" {
            let field = if T::KIND == "retraction" { "target" } else { "id" };
            check_id(&key).map_err(|why| fail(at, field, why))?;
        }
        self.summary.first_key.get_or_insert_with(|| key.clone());
        // A cheap probe first: most records of a large import are new.
        let maybe_stored = T::KIND == "link" || exists(self.tx, T::KIND, &key)?;
        if let Some(old) = if maybe_stored { stored(self.tx, record)? } else { None } {
            // A corrected record is compared as it was first logged (as bundles carry it), and
            // as it stands now (as a CSV export carries it).
            let first = as_first_logged(self.tx, old.clone(), &key)?;
            let differs = first_difference(&first, record).filter(|_| first_difference(&old, record).is_some());
            return match differs {
                None => {
                    Summary::count(&mut self.summary.unchanged, T::PLURAL);
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
                        match T::KIND.parse::<RecordKind>() {
                            Ok(kind) if correctable(kind).iter().any(|f| f.0 == diff) =>
                                format!(": to fix it, run `claimtrack correct {key} --set {diff}=VALUE --reason WHY`"),
                            _ => format!(" (a {} stands as logged)", T::KIND),
                        }
                    ),
                )),
            };
        }
        check(self)?;
        within_size(record, at)?;
        for (field, kind, id) in refs {
            self.reference(at, field, kind, id)?;
        }
        let event = self.log(record)?;
        insert(self.tx, record, event)?;
        if let Some(indexer) = self.indexer.as_mut().filter(|_| self.summary.total_added().is_multiple_of(FED_EVERY)) {
            indexer.feed(self.tx)?;
        }
        Summary::count(&mut self.summary.added, T::PLURAL);
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

    /// Logs a record about to be written and returns the event its row names: its own, or
    /// its batch's (a link, kept in key order rather than written order, always has its own).
    fn log<T: Logged>(&mut self, record: &T) -> Result<i64> {
        if self.indexer.is_none() && self.batched_past.is_some_and(|past| self.added() >= past) {
            // The records logged one by one so far wait in the search queue: the indexer
            // takes them first.
            self.indexer = Some(super::search::Indexer::start());
        }
        if self.indexer.is_none() || T::KIND == "link" {
            return audit::record(self.tx, self.action, record);
        }
        if let Some(full) = self.batch.take_if(|b| b.records() >= BATCH_SIZE) {
            full.close(self.tx, self.action)?;
        }
        let batch = match &mut self.batch {
            Some(batch) => batch,
            none => none.insert(audit::Batch::open(self.tx, self.action)?),
        };
        batch.add(record);
        Ok(batch.seq())
    }

    /// Counts a setting or a finding carried from another database: written, or found there.
    fn carry(&mut self, written: Result<bool>, plural: &'static str, key: &str) -> Result<()> {
        self.summary.first_key.get_or_insert_with(|| key.to_string());
        let list = if written? { &mut self.summary.added } else { &mut self.summary.unchanged };
        Summary::count(list, plural);
        Ok(())
    }

    /// Corrects a record already stored (or written earlier in this input): its current
    /// version with the change applied must pass every check a new record of its kind
    /// passes. The same correction met again (the same file imported twice) is unchanged.
    fn correct(&mut self, mut c: Correction, at: Locate) -> Result<()> {
        let (kind, id) = self.correction_target(&c.target, c.kind, at)?;
        c.target = id;
        c.kind = Some(kind);
        let mut record = Record::Correction(c);
        self.stamp(&mut record);
        let Record::Correction(mut c) = record else { unreachable!("stamped as it was") };
        self.summary.first_key.get_or_insert_with(|| c.target.clone());
        let current = record_json(self.tx, kind, &c.target)?;
        c.normalise(kind, &current);
        if let Some(stored) = stored_correction(self.tx, &c, kind)? {
            if stored.set == c.set && stored.add == c.add && stored.remove == c.remove && stored.reason == c.reason {
                Summary::count(&mut self.summary.unchanged, RecordKind::Correction.plural());
                return Ok(());
            }
            return Err(fail(
                at,
                "target",
                format!(
                    "{kind} '{}' already has a different correction by {} at {}; give each correction its own moment",
                    c.target,
                    c.logged_by.as_deref().unwrap_or_default(),
                    c.recorded.map(|t| t.to_string()).unwrap_or_default()
                ),
            ));
        }
        text(at, "reason", &c.reason)?;
        if self.refs == Refs::IdsOrNames {
            self.resolve_values(&mut c, kind, at)?;
        }
        let (after, before) = c.apply(kind, &current).map_err(|why| fail(at, first_field(&c), why))?;
        let corrected = Record::from_json(kind, after).map_err(|why| fail(at, first_field(&c), why))?;
        self.check_corrected(&corrected, at)?;
        within_size(&corrected, at)?;
        within_size(&serde_json::json!({"reason": c.reason}), at)?;
        let event = audit::append(
            self.tx,
            self.action,
            "correction",
            &c.target,
            &LoggedCorrection { correction: &c, before: &before },
        )?;
        insert_correction(self.tx, &c, kind, &before, event)?;
        match &corrected {
            Record::Party(r) => insert_party(self.tx, r, Put::Corrected),
            Record::Source(r) => insert_source(self.tx, r, Put::Corrected),
            Record::Proposition(r) => insert_proposition(self.tx, r, Put::Corrected),
            Record::Claim(r) => insert_claim(self.tx, r, Put::Corrected),
            Record::Request(r) => insert_request(self.tx, r, Put::Corrected),
            Record::Verdict(r) => insert_verdict(self.tx, r, Put::Corrected),
            _ => unreachable!("only these kinds are correctable"),
        }?;
        mark_applied(self.tx, event)?;
        Summary::count(&mut self.summary.added, RecordKind::Correction.plural());
        Ok(())
    }

    /// The kind and id of the record a correction names (names work where the write takes
    /// them); `kind` narrows it when given.
    pub fn correction_target(
        &self,
        target: &str,
        kind: Option<RecordKind>,
        at: Locate,
    ) -> Result<(RecordKind, String)> {
        if let Some(kind) = kind {
            if !CORRECTABLE.contains(&kind) {
                return Err(fail(at, "kind", format!("a {kind} cannot be corrected; corrections fix a party, source, proposition, claim, request or verdict")));
            }
        }
        let kinds: Vec<RecordKind> = CORRECTABLE.into_iter().filter(|k| kind.is_none_or(|want| want == *k)).collect();
        let mut found: Vec<(RecordKind, String)> = Vec::new();
        for kind in &kinds {
            if exists(self.tx, kind.as_str(), target)? {
                found.push((*kind, target.to_string()));
            }
        }
        if found.is_empty() && self.refs == Refs::IdsOrNames {
            for kind in &kinds {
                let id = resolve(self.tx, kind.as_str(), target, &at("target"))?;
                if exists(self.tx, kind.as_str(), &id)? {
                    found.push((*kind, id));
                }
            }
        }
        match found.len() {
            1 => Ok(found.remove(0)),
            0 => {
                let mut known = Vec::new();
                for kind in &kinds {
                    known.extend(ids(self.tx, kind.as_str())?);
                }
                Err(fail(at, "target", format!("no record '{target}' to correct{}", suggest(target, &known, "record"))))
            }
            _ => {
                let listed: Vec<String> = found.iter().map(|(k, id)| format!("{k} {id}")).collect();
                Err(fail(
                    at,
                    "target",
                    format!("'{target}' could be any of: {}; say which with --kind", listed.join(", ")),
                ))
            }
        }
    }

    /// Values of the fields that name records, made ids.
    fn resolve_values(&self, c: &mut Correction, kind: RecordKind, at: Locate) -> Result<()> {
        for map in [&mut c.set, &mut c.add, &mut c.remove] {
            for (field, value) in map.iter_mut() {
                let Some(named) = reference_kind(kind, field) else { continue };
                let items: Vec<&mut serde_json::Value> = match value {
                    serde_json::Value::Array(items) => items.iter_mut().collect(),
                    one => vec![one],
                };
                for item in items {
                    if let Some(text) = item.as_str() {
                        *item = serde_json::Value::String(resolve(self.tx, named, text, &at(field))?);
                    }
                }
            }
        }
        Ok(())
    }

    /// A corrected record passes its kind's own checks, and its references must exist.
    fn check_corrected(&mut self, record: &Record, at: Locate) -> Result<()> {
        match record {
            Record::Party(r) => self.check_party(r, at)?,
            Record::Source(r) => self.check_source(r, at)?,
            Record::Proposition(r) => self.check_proposition(r, at)?,
            Record::Claim(r) => self.check_claim(r, at)?,
            Record::Request(r) => self.check_request(r, at)?,
            Record::Verdict(r) => self.check_verdict(r, at)?,
            _ => unreachable!("only these kinds are correctable"),
        }
        let mut record = record.clone();
        for r in record.references_mut() {
            let field = r.field.split('[').next().unwrap_or_default().to_string();
            self.reference(at, &field, r.kind, r.id)?;
        }
        Ok(())
    }

    fn written_by_this_run(&self, kind: &str, key: &str) -> Result<bool> {
        if kind != "link" && row_event(self.tx, kind, key)?.is_some_and(|e| e > self.start_seq) {
            return Ok(true);
        }
        self.tx
            .prepare_cached("SELECT 1 FROM event WHERE record = ?1 AND seq > ?2")
            .and_then(|mut s| s.query_row(rusqlite::params![key, self.start_seq], |_| Ok(())).optional())
            .map(|found| found.is_some())
            .map_err(|e| Error::Sql { context: format!("looking up {key} in the audit log"), source: e })
    }

    /// A reference must name a stored record of `kind`, or one still to come in the stream.
    fn reference(&mut self, at: Locate, field: &str, kind: &'static str, id: &str) -> Result<()> {
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
            self.tx
                .prepare_cached("INSERT OR IGNORE INTO temp.pending_reference (kind, id, at) VALUES (?1, ?2, ?3)")
                .and_then(|mut s| s.execute(rusqlite::params![kind, id, at(field)]))
                .map_err(|e| Error::Sql { context: format!("noting the reference to {kind} {id}"), source: e })?;
        }
        Ok(())
    }

    fn check_party(&mut self, p: &Party, at: Locate) -> Result<()> {
        text(at, "name", &p.name)?;
        for (k, alias) in p.aliases.iter().enumerate() {
            text(at, &format!("aliases[{k}]"), alias)?;
        }
        match &p.parent {
            Some(parent) if *parent == p.id => {
                Err(fail(at, "parent", format!("'{parent}' is this party itself; a party cannot be its own parent")))
            }
            _ => Ok(()),
        }
    }

    fn check_source(&mut self, s: &Source, at: Locate) -> Result<()> {
        if let Some(title) = &s.title {
            text(at, "title", title)?;
        }
        if let Some(url) = &s.url {
            check_url(url).map_err(|why| fail(at, "url", why))?;
        }
        if exists(self.tx, "claim", &s.id)? {
            return Err(fail(at, "id", format!("'{}' is already a claim id; sources and claims share one id space (retractions name either), so pick another", s.id)));
        }
        distinct(at, "derived_from", &s.derived_from)
    }

    fn check_proposition(&mut self, p: &Proposition, at: Locate) -> Result<()> {
        text(at, "text", &p.text)?;
        distinct(at, "expected", &p.expected)?;
        let Some(into) = &p.merged_into else { return Ok(()) };
        if *into == p.id {
            return Err(fail(at, "merged_into", format!("{} cannot be merged into itself", p.id)));
        }
        // One step to the proposition that stands: a merge never makes a chain or a loop.
        if let Some(further) = super::proposition(self.tx, into)?.and_then(|t| t.merged_into) {
            return Err(fail(
                at,
                "merged_into",
                format!("{into} is itself merged into {further}; merge {} into {further} instead", p.id),
            ));
        }
        let merged_here = super::propositions_merged_into(self.tx, &p.id)?;
        if let Some(first) = merged_here.first() {
            return Err(fail(at, "merged_into", format!(
                "{first} is merged into {}; unmerge it first (claimtrack proposition unmerge {first}) or merge it into {into} too",
                p.id
            )));
        }
        Ok(())
    }

    fn check_claim(&mut self, c: &Claim, at: Locate) -> Result<()> {
        let id = c.id.as_deref().unwrap_or_default();
        if exists(self.tx, "source", id)? {
            return Err(fail(at, "id", format!("'{id}' is already a source id; sources and claims share one id space (retractions name either), so pick another")));
        }
        Ok(())
    }

    fn check_link(&mut self, l: &Link, at: Locate) -> Result<()> {
        if l.from == l.to {
            return Err(fail(
                at,
                "to",
                format!("'{}' is the claim the link starts from; a claim cannot be linked to itself", l.to),
            ));
        }
        Ok(())
    }

    fn check_request(&mut self, q: &Request, at: Locate) -> Result<()> {
        if let (Some(asked), Some(deadline)) = (&q.asked, &q.deadline) {
            if deadline.end() < asked.start() {
                return Err(fail(
                    at,
                    "deadline",
                    format!("deadline {deadline} is before the request was made ({asked})"),
                ));
            }
        }
        Ok(())
    }

    /// A retraction names a claim or a source already logged (earlier in the input, or
    /// before it): bundles list retractions last.
    fn check_retraction(&mut self, x: &Retraction, at: Locate) -> Result<TargetKind> {
        text(at, "reason", &x.reason)?;
        if exists(self.tx, "claim", &x.target)? {
            return Ok(TargetKind::Claim);
        }
        if exists(self.tx, "source", &x.target)? {
            return Ok(TargetKind::Source);
        }
        let mut known = ids(self.tx, "claim")?;
        known.extend(ids(self.tx, "source")?);
        Err(fail(
            at,
            "target",
            format!("no claim or source '{}'{}", x.target, suggest(&x.target, &known, "claim or source")),
        ))
    }

    fn check_verdict(&mut self, v: &Verdict, at: Locate) -> Result<()> {
        text(at, "label", &v.label)?;
        if let Some(url) = &v.url {
            check_url(url).map_err(|why| fail(at, "url", why))?;
        }
        let (rating, best, worst) = (v.rating.0, v.best.0, v.worst.0);
        let (low, high) = (best.min(worst), best.max(worst));
        if !(low..=high).contains(&rating) {
            return Err(fail(at, "rating", format!("{rating} is outside the scale from worst {worst} to best {best}")));
        }
        if best == worst {
            return Err(fail(at, "best", format!("best and worst are both {best}; a scale needs two ends")));
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
    let Ok(kind) = T::KIND.parse::<RecordKind>() else { return Ok(record) };
    let corrections = corrections_of(tx, kind, key)?;
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

/// The first field a correction changes, to point an error at.
fn first_field(c: &Correction) -> &str {
    c.set.keys().chain(c.add.keys()).chain(c.remove.keys()).next().map_or("target", String::as_str)
}

fn fail(at: Locate, field: &str, message: impl std::fmt::Display) -> Error {
    Error::input(format!("{}: {message}", at(field)))
}

/// The most one text field of a record may hold, in bytes (docs/FORMAT.md): `verify` and
/// `backup` hold a few copies of the largest field in memory at once.
pub const MAX_FIELD: usize = 1 << 20;

/// Every text field of a record (list items included) within [`MAX_FIELD`].
fn within_size<T: Serialize>(record: &T, at: Locate) -> Result<()> {
    let serde_json::Value::Object(fields) = serde_json::to_value(record).expect("records serialise") else {
        return Ok(());
    };
    let long = |v: &serde_json::Value| v.as_str().is_some_and(|s| s.len() > MAX_FIELD);
    match fields.iter().find(|(_, v)| long(v) || v.as_array().is_some_and(|items| items.iter().any(long))) {
        Some((field, _)) => Err(fail(
            at,
            field,
            format!(
                "{field} is longer than {} MiB, the most one field may hold (docs/FORMAT.md); keep the full text in its source and log the part that matters",
                MAX_FIELD >> 20
            ),
        )),
        None => Ok(()),
    }
}

/// A name, title, text, label or reason: something a reader can see.
fn text(at: Locate, field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(fail(at, field, format!("{field} is empty; give it some text")));
    }
    if !crate::text::has_visible(value) {
        return Err(fail(
            at,
            field,
            format!(
                "{field} has no visible character (only spaces, zero-width or control characters); give it some text"
            ),
        ));
    }
    Ok(())
}

fn distinct(at: Locate, field: &str, list: &[String]) -> Result<()> {
    let mut seen = HashSet::new();
    match list.iter().find(|x| !seen.insert(x.as_str())) {
        Some(twice) => Err(fail(at, field, format!("'{twice}' is listed twice"))),
        None => Ok(()),
    }
}

/// An id is a handle typed at a terminal: no spaces, no control characters, nothing
/// invisible (zero-width or bidirectional characters would make two ids look alike).
fn check_id(id: &str) -> Result<(), String> {
    if id.is_empty() {
        Err("an id cannot be empty".into())
    } else if id.chars().count() > 200 {
        Err(format!("id '{}…' is longer than 200 characters", id.chars().take(20).collect::<String>()))
    } else if let Some(c) = id.chars().find(|c| crate::text::is_invisible(*c)) {
        Err(format!("id '{id}' contains {c:?}; use letters, digits and - _ . : / (e.g. china-mfa)"))
    } else {
        Ok(())
    }
}

/// The first field (in document order) whose value differs, ignoring who logged it and when.
pub fn first_difference<T: Serialize>(a: &T, b: &T) -> Option<String> {
    let (serde_json::Value::Object(a), serde_json::Value::Object(b)) =
        (serde_json::to_value(a).ok()?, serde_json::to_value(b).ok()?)
    else {
        return None;
    };
    let fields = a.keys().chain(b.keys().filter(|k| !a.contains_key(*k)));
    fields.filter(|k| *k != "logged_by" && *k != "recorded").find(|k| a.get(*k) != b.get(*k)).cloned()
}

/// " (did you mean 'x'?)" for the nearest known id, or a hint when there are none.
pub fn suggest(wanted: &str, known: &[String], kind: &str) -> String {
    if known.is_empty() {
        return format!(" (no {kind} is logged yet; add it first)");
    }
    let lower = wanted.to_lowercase();
    let best =
        known.iter().map(|k| (strsim::jaro_winkler(&lower, &k.to_lowercase()), k)).max_by(|a, b| a.0.total_cmp(&b.0));
    match best {
        Some((score, k)) if score >= 0.75 => format!(" (did you mean '{k}'?)"),
        _ => format!(" ({})", where_listed(kind)),
    }
}

/// Where a person finds the ids of a kind: a command that exists and lists them.
fn where_listed(kind: &str) -> String {
    match kind {
        "party" | "source" | "proposition" | "claim" | "request" | "verdict" => {
            format!("list the known ones with `claimtrack {kind} list`")
        }
        "claim or source" => "list the known ones with `claimtrack claim list` or `claimtrack source list`".into(),
        _ => "find it with `claimtrack search WORDS`".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_nearest_id() {
        let known = vec!["china-mfa".to_string(), "kremlin".to_string()];
        assert_eq!(suggest("china-mf", &known, "party"), " (did you mean 'china-mfa'?)");
        assert!(suggest("zzzzzz", &known, "party").contains("claimtrack party list"));
        assert!(suggest("x", &[], "party").contains("no party is logged yet"));
    }

    #[test]
    fn ids_refuse_spaces_and_control_characters() {
        assert!(check_id("china-mfa").is_ok());
        assert!(check_id("ещё-один").is_ok());
        assert!(check_id("china mfa").is_err());
        assert!(check_id("").is_err());
        assert!(check_id("a\u{7}").is_err());
        for invisible in ["a\u{200b}b", "\u{202e}abc", "a\u{2066}b", "\u{feff}x", "x\u{ad}y", "x\u{3164}"] {
            assert!(check_id(invisible).is_err(), "{invisible:?}");
        }
    }

    #[test]
    fn first_difference_ignores_who_and_when() {
        let a =
            Link { from: "a".into(), rel: LinkRel::Cites, to: "b".into(), logged_by: Some("x".into()), recorded: None };
        let b = Link { logged_by: Some("y".into()), ..a.clone() };
        assert_eq!(first_difference(&a, &b), None);
        let c = Link { to: "c".into(), ..a.clone() };
        assert_eq!(first_difference(&a, &c).as_deref(), Some("to"));
    }
}
