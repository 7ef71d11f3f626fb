//! The SQLite store: opening and upgrading the file, and the one write path every command uses.
//! All SQL in claimtrack lives under this module.

mod apply;
pub mod audit;
mod findings;
mod names;
mod records;
mod search;

pub use apply::{apply, first_difference, suggest, Locate, Refs, Summary, Writer};
pub use names::{fold, resolve};

pub use findings::*;
pub use records::*;
pub use search::*;

use crate::error::{Context, Error, Result};
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The schema, migration by migration (see the head of schema.sql).
const SCHEMA: &str = include_str!("../../schema.sql");

/// How long a writer waits for another to finish before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// An open claimtrack database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

/// Whether opening may create the file.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Open {
    /// Commands that write: create the file and its schema on first use.
    CreateIfMissing,
    /// Commands that only read: a missing file is an error, not an empty database.
    MustExist,
}

/// The migrations in schema.sql, as (number, name, sql): each starts at a line
/// "-- migration N: name" and runs to the next.
fn migrations() -> Vec<(u32, &'static str, &'static str)> {
    let mut steps: Vec<(u32, &'static str, usize)> = Vec::new();
    let mut offset = 0;
    for line in SCHEMA.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix("-- migration ") {
            if let Some((number, name)) = rest.split_once(':') {
                if let Ok(n) = number.trim().parse() {
                    steps.push((n, name.trim(), offset));
                }
            }
        }
        offset += line.len();
    }
    let ends: Vec<usize> = steps.iter().skip(1).map(|s| s.2).chain([SCHEMA.len()]).collect();
    steps.iter().zip(ends).map(|(&(n, name, start), end)| (n, name, &SCHEMA[start..end])).collect()
}

/// The schema version this build writes.
pub fn schema_version() -> u32 {
    migrations().last().map(|m| m.0).unwrap_or(0)
}

impl Store {
    pub fn open(path: &Path, mode: Open) -> Result<Store> {
        let shown = path.display();
        if mode == Open::MustExist && !path.exists() {
            return Err(Error::input(format!(
                "no database at {shown}; log something first (claimtrack import FILE), or point --db or CLAIMTRACK_DB at yours"
            )));
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).context(|| format!("opening {shown}"))?;
        Self::prepare(conn, path.to_path_buf())
    }

    /// A private database in memory, for `demo` without `--db`.
    pub fn memory() -> Result<Store> {
        let conn = Connection::open_in_memory().context(|| "opening an in-memory database".into())?;
        Self::prepare(conn, PathBuf::from(":memory:"))
    }

    fn prepare(mut conn: Connection, path: PathBuf) -> Result<Store> {
        let shown = path.display().to_string();
        conn.busy_timeout(BUSY_TIMEOUT).context(|| "setting the busy timeout".into())?;
        // Refuse files that are not ours before changing anything about them.
        migrate(&mut conn, &shown)?;
        // A 32 MiB page cache keeps a bulk import's indexes in memory instead of spilling
        // them to the WAL and reading them back; statement journals stay in memory too.
        conn.execute_batch(
            "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -32768; PRAGMA temp_store = MEMORY;",
        )
            .context(|| "setting pragmas".into())?;
        // WAL lets readers and one writer work at once: many fact-checkers, one file.
        with_retry(|| conn.pragma_update(None, "journal_mode", "WAL"))
            .context(|| format!("switching {shown} to WAL"))?;
        Ok(Store { conn, path })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The connection, for reading.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Runs `work` in one read transaction, so that everything it reads is one snapshot of
    /// the database however many others write meanwhile.
    pub fn read<T>(&self, work: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Deferred)
            .context(|| "starting a read".into())?;
        let out = work(&tx)?;
        tx.rollback().context(|| "ending a read".into())?;
        Ok(out)
    }

    /// Indexes records that wait in the search queue: rows written with plain SQL since
    /// claimtrack last wrote. Commands that read the index call this first.
    pub fn index_waiting_text(&mut self) -> Result<()> {
        if search::text_waiting(&self.conn)? {
            self.write(false, |_| Ok(()))?;
        }
        Ok(())
    }

    /// Runs `work` in one immediate transaction: all of it is written, or none. With
    /// `dry_run` the transaction is rolled back after `work` succeeds.
    pub fn write<T>(&mut self, dry_run: bool, work: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        let conn: &Connection = &self.conn;
        let tx = with_retry(|| Transaction::new_unchecked(conn, TransactionBehavior::Immediate))
            .context(|| "starting a write (another writer held the database too long)".into())?;
        let out = work(&tx)?;
        index_queued_text(&tx)?;
        if dry_run {
            tx.rollback().context(|| "rolling back the dry run".into())?;
        } else {
            tx.commit().map_err(explain_commit)?;
        }
        Ok(out)
    }
}

/// Retries what failed because another process held the database, beyond the busy timeout's
/// own waiting (SQLite returns BUSY at once in a few WAL cases, e.g. while a log is recovered).
fn with_retry<T>(mut work: impl FnMut() -> rusqlite::Result<T>) -> rusqlite::Result<T> {
    let mut attempt = 0u64;
    loop {
        match work() {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if matches!(e.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
                    && attempt < 100 =>
            {
                attempt += 1;
                std::thread::sleep(Duration::from_millis(5 * attempt.min(20)));
            }
            other => return other,
        }
    }
}

/// A deferred foreign key that fails at commit means a reference the checks missed.
fn explain_commit(e: rusqlite::Error) -> Error {
    Error::Sql { context: "committing (a reference points at no record; nothing was written)".into(), source: e }
}

/// Brings the file's schema up to this build's, refusing files that are not ours or newer.
fn migrate(conn: &mut Connection, shown: &str) -> Result<()> {
    // One statement, one snapshot: another process may be creating the schema right now.
    let (current, tables): (u32, i64) = conn
        .query_row(
            "SELECT (SELECT user_version FROM pragma_user_version), (SELECT count(*) FROM sqlite_schema)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .map_err(|_| {
            Error::input(format!("{shown} is not a SQLite database; point --db at a claimtrack database or a new file"))
        })?;
    let latest = schema_version();
    if current > latest {
        return Err(Error::input(format!(
            "{shown} was written by a newer claimtrack (schema {current}; this one knows up to {latest}); upgrade claimtrack to open it"
        )));
    }
    if current == 0 && tables > 0 {
        return Err(Error::input(format!(
            "{shown} is a SQLite database but not a claimtrack one; point --db at a claimtrack database or a new file"
        )));
    }
    // Foreign keys off while a migration rebuilds a table (SQLite cannot check a table that is
    // dropped and renamed in place); each migration is checked whole before it commits.
    conn.pragma_update(None, "foreign_keys", false).context(|| "pausing foreign keys for migrations".into())?;
    let pending: Vec<_> = migrations().into_iter().filter(|m| m.0 > current).collect();
    let migrated = !pending.is_empty();
    for (number, name, sql) in pending {
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .context(|| format!("starting migration {number}"))?;
        // Another process may have migrated while we waited for the lock.
        let now: u32 =
            tx.pragma_query_value(None, "user_version", |r| r.get(0)).context(|| "reading user_version".into())?;
        if now >= number {
            continue;
        }
        tx.execute_batch(sql).context(|| format!("applying migration {number} ({name})"))?;
        after_migration(&tx, number)?;
        let broken: i64 = tx
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))
            .context(|| format!("checking migration {number}"))?;
        if broken > 0 {
            return Err(Error::input(format!(
                "{shown}: migration {number} ({name}) would leave {broken} reference(s) to no record; nothing was changed"
            )));
        }
        tx.pragma_update(None, "user_version", number).context(|| "setting user_version".into())?;
        tx.commit().context(|| format!("committing migration {number} ({name})"))?;
    }
    // A migration may queue records for the search index (migration 7 queues all of them); they
    // are indexed once the schema is the latest, whose columns the indexing reads.
    if migrated {
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .context(|| "starting to index the migrated records".into())?;
        index_queued_text(&tx)?;
        tx.commit().context(|| "committing the search index of the migrated records".into())?;
    }
    Ok(())
}

/// The Rust half of a migration, for what SQL cannot do. Each step reads the tables with
/// SQL of its own time, never today's loaders: later migrations add columns.
fn after_migration(tx: &Connection, number: u32) -> Result<()> {
    if number == 3 {
        backfill_audit_log(tx)?;
    }
    Ok(())
}

/// Migration 3 starts the audit log: rows already there are logged once, as action
/// `backfill`, each body the record as claimtrack wrote it then (absent fields left out), so
/// that `verify` can vouch for every row from then on.
fn backfill_audit_log(tx: &Connection) -> Result<()> {
    // json_patch('{}', ...) drops the keys whose value is null, as serde leaves out absent fields.
    const KINDS: &[(&str, &str)] = &[
        (
            "party",
            "SELECT id, json_patch('{}', json_object('id', id, 'name', name, 'kind', kind, \
            'anonymous', json(CASE anonymous WHEN 1 THEN 'true' ELSE 'false' END), 'country', country, \
            'parent', parent, 'aliases', CASE aliases WHEN '[]' THEN NULL ELSE json(aliases) END, \
            'logged_by', logged_by, 'recorded', recorded)) FROM party ORDER BY id",
        ),
        (
            "source",
            "SELECT id, json_patch('{}', json_object('id', id, 'title', title, 'kind', kind, \
            'publisher', publisher, 'url', url, 'published', published, 'accessed', accessed, \
            'reliability', reliability, 'derived_from', (SELECT CASE count(*) WHEN 0 THEN NULL \
            ELSE json_group_array(derived_from) END FROM (SELECT derived_from FROM source_derivation \
            WHERE source = s.id ORDER BY position)), 'sha256', sha256, 'logged_by', logged_by, \
            'recorded', recorded)) FROM source s ORDER BY id",
        ),
        (
            "proposition",
            "SELECT id, json_patch('{}', json_object('id', id, 'text', text, \
            'tags', CASE tags WHEN '[]' THEN NULL ELSE json(tags) END, 'expected', (SELECT CASE count(*) \
            WHEN 0 THEN NULL ELSE json_group_array(party) END FROM (SELECT party FROM proposition_expected \
            WHERE proposition = p.id ORDER BY position)), 'logged_by', logged_by, 'recorded', recorded)) \
            FROM proposition p ORDER BY id",
        ),
        (
            "claim",
            "SELECT id, json_patch('{}', json_object('id', id, 'proposition', proposition, \
            'party', party, 'stance', stance, 'source', source, 'via', via, 'stated', stated, 'quote', quote, \
            'note', note, 'confidence', confidence, 'grade', grade, 'logged_by', logged_by, \
            'recorded', recorded)) FROM claim ORDER BY id",
        ),
        (
            "link",
            "SELECT from_claim || ' ' || rel || ' ' || to_claim, json_object('from', from_claim, \
            'rel', rel, 'to', to_claim, 'logged_by', logged_by, 'recorded', recorded) FROM link \
            ORDER BY from_claim, rel, to_claim",
        ),
        (
            "request",
            "SELECT id, json_patch('{}', json_object('id', id, 'party', party, \
            'proposition', proposition, 'by', by_party, 'asked', asked, 'deadline', deadline, \
            'channel', channel, 'note', note, 'logged_by', logged_by, 'recorded', recorded)) FROM request \
            ORDER BY id",
        ),
        (
            "retraction",
            "SELECT target, json_object('target', target, 'date', date, 'reason', reason, \
            'logged_by', logged_by, 'recorded', recorded) FROM retraction ORDER BY target",
        ),
        (
            "triage",
            "SELECT finding, json_object('finding', finding, 'state', state, 'note', note, 'by', by, \
            'at', at) FROM finding_triage ORDER BY seq",
        ),
    ];
    for (kind, sql) in KINDS {
        let rows: Vec<(String, String)> = tx
            .prepare(sql)
            .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
            .context(|| format!("reading the {kind} rows to log"))?;
        for (record, body) in rows {
            let body: serde_json::Value = serde_json::from_str(&body).expect("SQLite writes valid JSON");
            audit::append(tx, "backfill", kind, &record, &body)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_in_order_from_one() {
        let numbers: Vec<u32> = migrations().iter().map(|m| m.0).collect();
        assert_eq!(numbers, (1..=numbers.len() as u32).collect::<Vec<_>>());
    }

    #[test]
    fn schema_checks_accept_every_vocabulary_word() {
        use crate::model::*;
        let store = Store::memory().unwrap();
        let c = store.conn();
        let ok = |sql: &str, v: &str| c.execute(sql, [v]).map(|_| ()).unwrap_or_else(|e| panic!("{v}: {e}"));
        for k in PartyKind::ALL {
            ok("INSERT INTO party (id, name, kind, logged_by, recorded) VALUES (?1, 'n', ?1, 'u', 't')", k.as_str());
        }
        for k in SourceKind::ALL {
            ok("INSERT INTO source (id, title, kind, logged_by, recorded) VALUES (?1, 't', ?1, 'u', 't')", k.as_str());
        }
        assert!(c
            .execute("INSERT INTO party (id, name, kind, logged_by, recorded) VALUES ('x', 'n', 'alien', 'u', 't')", [])
            .is_err());
        c.execute("INSERT INTO proposition (id, text, logged_by, recorded) VALUES ('p', 't', 'u', 't')", []).unwrap();
        for (i, s) in Stance::ALL.iter().enumerate() {
            c.execute(
                "INSERT INTO claim (id, proposition, party, stance, source, logged_by, recorded) VALUES (?1, 'p', 'other', ?2, 'other', 'u', 't')",
                [format!("c{i}"), s.as_str().to_string()],
            ).unwrap();
        }
        for r in LinkRel::ALL {
            ok(
                "INSERT INTO link (from_claim, rel, to_claim, logged_by, recorded) VALUES ('c0', ?1, 'c1', 'u', 't')",
                r.as_str(),
            );
        }
        for r in Reliability::ALL {
            ok("INSERT INTO source (id, title, kind, reliability, logged_by, recorded) VALUES ('r' || ?1, 't', 'other', ?1, 'u', 't')", r.as_str());
        }
    }
}
