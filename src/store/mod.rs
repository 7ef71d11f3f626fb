//! The SQLite store: opening and upgrading the file, and the one write path every command uses.
//! All SQL in claimtrack lives under this module.

mod apply;
mod aside;
pub mod audit;
mod checks;
mod corrections;
mod fault;
mod findings;
mod fts;
pub mod guard;
mod names;
mod records;
pub mod replica;
mod rescue;
mod search;
mod settings;
mod stale;
mod story;
mod walk;
mod window;
mod words;

pub use apply::{apply, apply_every, apply_in, Refs, Writer};
pub use checks::first_difference;
pub use names::{fold, resolve};
pub use words::{suggest, Counted, Named, Summary};

pub use corrections::*;
pub use findings::*;
pub use records::*;
pub use rescue::{rescue_bundle, restore};
pub use search::*;
pub use settings::*;
pub use stale::*;
pub use story::*;
pub use walk::*;
pub use window::*;

use crate::error::{Context, Error, Result};
use rusqlite::{Connection, OpenFlags, Transaction, TransactionBehavior};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The schema, migration by migration (see the head of schema.sql).
const SCHEMA: &str = include_str!("../../schema.sql");

/// How long a command waits, in all, for another process to let go of the database:
/// `CLAIMTRACK_BUSY_TIMEOUT` seconds, else 30 (docs/INTEGRITY.md).
pub fn busy_timeout() -> Result<Duration> {
    const DEFAULT: Duration = Duration::from_secs(30);
    let Some(text) = crate::clock::setting("CLAIMTRACK_BUSY_TIMEOUT")? else { return Ok(DEFAULT) };
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|s| s.is_finite() && (0.0..=86_400.0).contains(s))
        .map(Duration::from_secs_f64)
        .ok_or_else(|| {
            Error::input(format!(
                "CLAIMTRACK_BUSY_TIMEOUT is '{text}', not a number of seconds from 0 to 86400; set it to e.g. 30, or unset it"
            ))
        })
}

/// An open claimtrack database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// Opened by a command that only reads: one read transaction, nothing written through it.
    read_only: bool,
    wait: Duration,
}

/// What the store's functions read and write through: the open connection, or a transaction
/// on it (which derefs to one). Other modules only hand it back to the store, never query it:
/// SQLite is named, and SQL written, only under `store/` (tests/cli/house.rs).
pub type Conn = Connection;

/// One write ([`Store::write`]): all of it is written, or none.
pub type Tx<'c> = Transaction<'c>;

/// How a command opens the database.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Open {
    /// Commands that write: create the file and its schema on first use.
    CreateIfMissing,
    /// Commands that only read: the file must exist and is never written, except to upgrade
    /// an older schema; every read sees one moment (one read transaction), and a read-only
    /// file or directory is read as it is.
    Read,
    /// `verify`: as `Read`, but a file that is not a complete claimtrack database of this
    /// version is refused rather than upgraded, so that verifying never writes.
    Inspect,
}

/// The migrations in schema.sql, as (number, name, sql): each starts at a line
/// "-- migration N: name" and runs to the next.
fn migrations() -> Vec<(u32, &'static str, &'static str)> {
    numbered_steps(SCHEMA, "-- migration ")
}

/// The numbered steps of a schema file (schema.sql, desk.sql), as (number, name, sql): each
/// starts at a line "{marker}N: name" and runs to the next.
pub fn numbered_steps(text: &'static str, marker: &str) -> Vec<(u32, &'static str, &'static str)> {
    let mut steps: Vec<(u32, &'static str, usize)> = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix(marker) {
            if let Some((number, name)) = rest.split_once(':') {
                if let Ok(n) = number.trim().parse() {
                    steps.push((n, name.trim(), offset));
                }
            }
        }
        offset += line.len();
    }
    let ends: Vec<usize> = steps.iter().skip(1).map(|s| s.2).chain([text.len()]).collect();
    steps.iter().zip(ends).map(|(&(n, name, start), end)| (n, name, &text[start..end])).collect()
}

/// The schema version this build writes.
pub fn schema_version() -> u32 {
    migrations().last().map(|m| m.0).unwrap_or(0)
}

/// Refuses a path that is a symbolic link to nothing: SQLite would create the file at the
/// link's destination, and claimtrack would take it for a file another process created.
pub fn refuse_dangling_link(path: &Path, what: &str) -> Result<()> {
    match std::fs::read_link(path) {
        Ok(target) if !path.exists() => Err(Error::input(format!(
            "{what} {} is a symbolic link to {}, which does not exist; point it at an existing file, or give a plain file name",
            path.display(),
            target.display()
        ))),
        _ => Ok(()),
    }
}

/// Whether this process may write `path` (access(2): what the kernel would allow).
fn writable(path: &Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    let Ok(c) = std::ffi::CString::new(path.as_os_str().as_bytes()) else { return false };
    // SAFETY: `c` is a valid NUL-terminated path for the duration of the call.
    unsafe { libc::access(c.as_ptr(), libc::W_OK) == 0 }
}

/// Whether this process may write a database: the file, and the directory its -wal and -shm
/// files go in.
fn may_write(path: &Path) -> bool {
    writable(path) && writable(directory(path))
}

/// The directory a database file is in, where SQLite keeps its -wal and -shm files.
fn directory(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// `path` as a SQLite `file:` URI with `query`, every byte outside the unreserved set escaped.
fn uri(path: &Path, query: &str) -> String {
    use std::os::unix::ffi::OsStrExt;
    let mut out = String::from("file:");
    for &b in path.as_os_str().as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    format!("{out}?{query}")
}

/// What went wrong opening or first reading a file, in words: whose fault and what to do.
fn open_error(e: rusqlite::Error, path: &Path) -> Error {
    let shown = path.display();
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::NotADatabase) => {
            Error::input(format!("{shown} is not a SQLite database; point --db at a claimtrack database or a new file"))
        }
        Some(rusqlite::ErrorCode::CannotOpen) if !writable(directory(path)) => Error::input(format!(
            "cannot open {shown}: SQLite needs to create its -wal and -shm files beside it, and the directory {} cannot be written; make it writable, or copy the database somewhere that is",
            directory(path).display()
        )),
        Some(rusqlite::ErrorCode::CannotOpen) => Error::input(format!(
            "cannot open {shown} (check that it is a file you may read, and the files {shown}-wal and {shown}-shm beside it too)"
        )),
        _ => Error::Sql { context: format!("opening {shown}"), source: e.into() },
    }
}

/// Statement journals (what a statement inside a transaction changed, to undo it alone) stay
/// in memory however large: temporary tables go to a file (`temp_store = FILE`, see
/// [`Store::pragmas`]), and SQLite would otherwise move a statement journal over 64 KiB to a
/// temporary file too, and every statement's journal after it. Set once, before the first
/// connection (SQLite refuses it later, which only costs speed). Nothing reads SQLite's
/// memory statistics, which cost a global mutex around every allocation it makes (5% of a
/// first reconcile's samples, two threads allocating), so they are off.
fn configure_sqlite() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: sqlite3_config takes these options and one int each; it runs before any connection.
        unsafe {
            rusqlite::ffi::sqlite3_config(rusqlite::ffi::SQLITE_CONFIG_STMTJRNL_SPILL, -1);
            rusqlite::ffi::sqlite3_config(rusqlite::ffi::SQLITE_CONFIG_MEMSTATUS, 0);
        }
    });
}

impl Store {
    pub fn open(path: &Path, mode: Open) -> Result<Store> {
        configure_sqlite();
        let wait = busy_timeout()?;
        if mode == Open::CreateIfMissing {
            refuse_dangling_link(path, "--db")?;
            let flags =
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
            let conn = Connection::open_with_flags(path, flags).map_err(|e| open_error(e, path))?;
            return Self::prepare(conn, path.to_path_buf(), wait);
        }
        if !path.exists() {
            refuse_dangling_link(path, "--db")?;
            return Err(Error::input(format!(
                "no database at {}; log something first (claimtrack import FILE), or point --db or CLAIMTRACK_DB at yours",
                path.display()
            )));
        }
        let conn = Self::connect_to_read(path)?;
        let mut store = Store { conn, path: path.to_path_buf(), read_only: true, wait };
        store.pragmas()?;
        let (current, tables) = schema_of(&store.conn, path)?;
        refuse_foreign(current, tables, path)?;
        let latest = schema_version();
        if tables == 0 {
            return Err(Error::input(format!(
                "{} is empty: it holds no claimtrack database (an interrupted copy?); point --db at a claimtrack database",
                path.display()
            )));
        }
        if current < latest {
            if mode == Open::Inspect {
                return Err(Error::input(format!(
                    "{} has schema {current}, older than this claimtrack's {latest}: run any other claimtrack command on it once to upgrade it, then verify",
                    path.display()
                )));
            }
            migrate(&mut store.conn, path)?;
        }
        store.act_as_owner()?;
        // Every read from here on sees one moment, whatever other processes write meanwhile.
        store.conn.execute_batch("PRAGMA query_only = ON; BEGIN").context(|| "starting to read".into())?;
        Ok(store)
    }

    /// The connection for a command that only reads. A file this process may write is opened
    /// as usual (so that SQLite tidies its -wal and -shm files away on close); one it may
    /// not write, or in a directory it may not write, is opened read-only, and as immutable
    /// when no other connection has it open (no -shm, no -wal with content): SQLite would
    /// otherwise create -wal and -shm files with the database's read-only permissions, which
    /// a later writer cannot open.
    fn connect_to_read(path: &Path) -> Result<Connection> {
        let beside = |suffix: &str| {
            let mut p = path.as_os_str().to_owned();
            p.push(suffix);
            PathBuf::from(p)
        };
        let no_mutex = OpenFlags::SQLITE_OPEN_NO_MUTEX;
        if may_write(path) {
            let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | no_mutex)
                .map_err(|e| open_error(e, path))?;
            // The first read makes SQLite create the -wal and -shm files: on a full disk it
            // cannot, and a command that only reads opens the file read-only instead (a rescue
            // with `verify`, `backup` or `export` to another disk must work there).
            // With the -wal empty the file holds everything, and no writer can add to the
            // -wal on a full disk: it is read as immutable, whatever -shm the attempt left.
            match conn.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(())) {
                Ok(()) => return Ok(conn),
                Err(e) if !out_of_room(&conn, &e) => return Err(open_error(e, path)),
                Err(_) if std::fs::metadata(beside("-wal")).map_or(true, |m| m.len() == 0) => {
                    drop(conn);
                    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | no_mutex;
                    return Connection::open_with_flags(uri(path, "immutable=1"), flags)
                        .map_err(|e| open_error(e, path));
                }
                Err(_) => drop(conn),
            }
        }
        let opened = if !beside("-shm").exists() && std::fs::metadata(beside("-wal")).map_or(true, |m| m.len() == 0) {
            let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | no_mutex;
            Connection::open_with_flags(uri(path, "immutable=1"), flags)
        } else {
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | no_mutex)
        };
        opened.map_err(|e| open_error(e, path))
    }

    /// A private database in memory, for `demo` without `--db`.
    pub fn memory() -> Result<Store> {
        configure_sqlite();
        let conn = Connection::open_in_memory().context(|| "opening an in-memory database".into())?;
        Self::prepare(conn, PathBuf::from(":memory:"), busy_timeout()?)
    }

    fn pragmas(&mut self) -> Result<()> {
        self.conn.busy_timeout(self.wait).context(|| "setting the busy timeout".into())?;
        // A 32 MiB page cache keeps a bulk import's indexes in memory instead of spilling
        // them to the WAL and reading them back. Temporary tables (an import's references
        // that point ahead) go to a temporary file, so that memory does not grow with them.
        self.conn
            .execute_batch("PRAGMA foreign_keys = ON; PRAGMA cache_size = -32768; PRAGMA temp_store = FILE;")
            .map_err(|e| disk_full(&self.conn, open_error(e, &self.path)))
    }

    fn prepare(conn: Connection, path: PathBuf, wait: Duration) -> Result<Store> {
        let mut store = Store { conn, path, read_only: false, wait };
        store.pragmas()?;
        // Refuse files that are not ours before changing anything about them.
        let (current, tables) = schema_of(&store.conn, &store.path)?;
        refuse_foreign(current, tables, &store.path)?;
        migrate(&mut store.conn, &store.path)?;
        let shown = store.path.display().to_string();
        store.conn.pragma_update(None, "synchronous", "NORMAL").context(|| "setting pragmas".into())?;
        // WAL lets readers and one writer work at once: many fact-checkers, one file.
        let deadline = Instant::now() + wait;
        within(&store.conn, deadline, |c| c.pragma_update(None, "journal_mode", "WAL"))
            .context(|| format!("switching {shown} to WAL"))?;
        store.act_as_owner()?;
        Ok(store)
    }

    /// In a desk's replica, everything is logged as the desk role it connects as.
    fn act_as_owner(&self) -> Result<()> {
        if let Some(r) = replica::replica(&self.conn)? {
            crate::clock::act_as(&r.user);
        }
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file, for a second connection to read beside this one ([`reader_beside`]); none
    /// for a database in memory, which no other connection sees.
    pub fn file(&self) -> Option<PathBuf> {
        (self.path != Path::new(":memory:")).then(|| self.path.clone())
    }

    /// Whether this process may write the database (the file and the directory it is in).
    pub fn can_write(&self) -> bool {
        may_write(&self.path)
    }

    /// The connection, for reading.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Maps up to 1 GiB of the file into memory, for a read that jumps about a large index
    /// (`match`: the lists of the keys it searches, and the rows of its candidates).
    pub fn map_into_memory(&self) -> Result<()> {
        self.conn.pragma_update(None, "mmap_size", 1i64 << 30).context(|| "mapping the database to read it".into())
    }

    /// Runs `work` in one read transaction, so that everything it reads is one snapshot of
    /// the database however many others write meanwhile.
    /// A store opened for reading is already in one (see [`Store::open`]).
    pub fn read<T>(&self, work: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        if !self.conn.is_autocommit() {
            return work(&self.conn);
        }
        let tx = Transaction::new_unchecked(&self.conn, TransactionBehavior::Deferred)
            .context(|| "starting a read".into())?;
        let out = work(&tx)?;
        tx.rollback().context(|| "ending a read".into())?;
        Ok(out)
    }

    /// What the cheap check on opening found wrong (see [`guard::check`]), if anything.
    pub fn tampered(&self) -> Result<Option<String>> {
        self.read(guard::check)
    }

    /// Indexes records that wait in the search queue: rows written with plain SQL since
    /// claimtrack last wrote. Commands that read the index call this first; a database
    /// changed behind claimtrack's back is searched as it is.
    pub fn index_waiting_text(&mut self) -> Result<()> {
        if search::text_waiting(&self.conn)? && self.tampered()?.is_none() {
            self.write(false, |_| Ok(()))?;
        }
        Ok(())
    }

    /// Runs `work` in one immediate transaction: all of it is written, or none. With
    /// `dry_run` the transaction is rolled back after `work` succeeds. A store opened for
    /// reading is opened again for writing first (its read transaction ends).
    pub fn write<T>(&mut self, dry_run: bool, work: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        if self.read_only {
            *self = Store::open(&self.path, Open::CreateIfMissing)?;
        }
        self.transaction(dry_run, work).map_err(|e| disk_full(&self.conn, e))
    }

    /// [`Store::write`] into a new file that no other process opens yet (`Ctx::write` writes a
    /// new database under a temporary name): straight into the file with the rollback journal
    /// in memory, instead of every page through the WAL and copied back by a checkpoint (a
    /// new file has few pages to journal), then WAL again, as every database is.
    pub fn write_new<T>(&mut self, work: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        let shown = self.path.display().to_string();
        self.conn.pragma_update(None, "journal_mode", "MEMORY").context(|| format!("writing {shown}"))?;
        let out = self.write(false, work)?;
        self.conn.pragma_update(None, "journal_mode", "WAL").context(|| format!("switching {shown} to WAL"))?;
        Ok(out)
    }

    fn transaction<T>(&self, dry_run: bool, work: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        let deadline = Instant::now() + self.wait;
        let tx = within(&self.conn, deadline, |c| Transaction::new_unchecked(c, TransactionBehavior::Immediate))
            .context(|| "starting a write".into())?;
        // Nothing is built on a history changed behind claimtrack's back.
        if let Some(problem) = guard::check(&tx)? {
            return Err(Error::input(format!(
                "{}: {problem}; nothing was written. Run `claimtrack verify` to see what changed",
                self.path.display()
            )));
        }
        // In a replica, what its desk role may not push is refused here, not at every push.
        let replica = replica::replica(&tx)?.filter(|r| r.role.is_some_and(|role| role < crate::desk::Role::Editor));
        let before = match &replica {
            Some(_) => replica::last_event(&tx)?,
            None => 0,
        };
        let out = work(&tx)?;
        if let Some(r) = &replica {
            replica::refuse_beyond_role(&tx, r, before)?;
        }
        index_queued_text(&tx)?;
        guard::seal(&tx)?;
        if dry_run {
            tx.rollback().context(|| "rolling back the dry run".into())?;
        } else {
            tx.commit().map_err(explain_commit)?;
        }
        Ok(out)
    }
}

/// A read-only connection to `path` in one read transaction, for another thread to read
/// while this process writes (a reconcile reads its next batch while it writes the last).
/// Opened while the write transaction holds the lock, it sees what the writer saw when it
/// began (WAL: no other process can commit meanwhile) and none of its uncommitted writes.
pub fn reader_beside(path: &Path) -> Result<Conn> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| open_error(e, path))?;
    conn.execute_batch("PRAGMA cache_size = -8192; BEGIN")
        .and_then(|()| conn.query_row("SELECT count(*) FROM sqlite_schema", [], |_| Ok(())))
        .context(|| format!("reading {} beside the write", path.display()))?;
    Ok(conn)
}

/// Runs `work` until it gets past another process's lock or `deadline` passes: one limit
/// for the whole wait. SQLite's busy timeout does the waiting (set to what is left each
/// time); the loop is for the few WAL cases where SQLite answers BUSY at once without
/// waiting (while another connection recovers the log, say).
fn within<'c, T>(
    conn: &'c Connection,
    deadline: Instant,
    mut work: impl FnMut(&'c Connection) -> rusqlite::Result<T>,
) -> rusqlite::Result<T> {
    let mut attempt = 0u64;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        conn.busy_timeout(left)?;
        match work(conn) {
            Err(e)
                if matches!(
                    e.sqlite_error_code(),
                    Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
                ) && !left.is_zero() =>
            {
                attempt += 1;
                std::thread::sleep(Duration::from_millis(5 * attempt.min(20)).min(left));
            }
            other => return other,
        }
    }
}

/// Whether a statement failed for want of room on the disk (see [`disk_full`]).
fn out_of_room(conn: &Connection, e: &rusqlite::Error) -> bool {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DiskFull) => true,
        Some(rusqlite::ErrorCode::SystemIoFailure) => {
            // SAFETY: the handle is this open connection's, used for one read of its errno.
            let errno = unsafe { rusqlite::ffi::sqlite3_system_errno(conn.handle()) };
            [libc::ENOSPC, libc::EFBIG, libc::EDQUOT].contains(&errno)
        }
        _ => false,
    }
}

/// A write that failed for want of room: SQLite says SQLITE_FULL when the disk is full, but
/// only "disk I/O error" when a write runs into a quota or a file size limit; both are said
/// as a full disk.
pub fn disk_full(conn: &Connection, e: Error) -> Error {
    match e {
        Error::Sql { context, mut source } => {
            if source.error.downcast_ref::<rusqlite::Error>().is_some_and(|e| out_of_room(conn, e)) {
                source.trouble = Some(crate::error::Trouble::DiskFull);
            }
            Error::Sql { context, source }
        }
        other => other,
    }
}

/// A deferred foreign key that fails at commit means a reference the checks missed; any
/// other failure (a full disk) is said as itself.
fn explain_commit(e: rusqlite::Error) -> Error {
    let context = match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::ConstraintViolation) => {
            "committing (a reference points at no record; nothing was written)"
        }
        _ => "committing",
    };
    Error::Sql { context: context.into(), source: e.into() }
}

/// The file's schema version and how many schema objects it has, read in one statement (one
/// snapshot: another process may be creating the schema right now).
fn schema_of(conn: &Connection, path: &Path) -> Result<(u32, i64)> {
    conn.query_row(
        "SELECT (SELECT user_version FROM pragma_user_version), (SELECT count(*) FROM sqlite_schema)",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )
    .map_err(|e| open_error(e, path))
}

/// Refuses files that are not ours, or are newer than this build.
fn refuse_foreign(current: u32, tables: i64, path: &Path) -> Result<()> {
    let shown = path.display();
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
    Ok(())
}

/// Brings the file's schema up to this build's.
fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let shown = path.display();
    let current = schema_of(conn, path)?.0;
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
        guard::seal(&tx)?;
        tx.commit().context(|| "committing the search index of the migrated records".into())?;
    }
    Ok(())
}

/// The Rust half of a migration, for what SQL cannot do. Each step reads the tables with
/// SQL of its own time, never today's loaders: later migrations add columns.
fn after_migration(tx: &Connection, number: u32) -> Result<()> {
    match number {
        3 => backfill_audit_log(tx)?,
        8 => backfill_settings(tx)?,
        _ => {}
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
mod story_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_numbered_in_order_from_one() {
        let numbers: Vec<u32> = migrations().iter().map(|m| m.0).collect();
        assert_eq!(numbers, (1..=numbers.len() as u32).collect::<Vec<_>>());
    }

    /// The words a table's `CHECK (column IN (...))` allows, in the schema as migrated.
    fn check_list(conn: &Connection, table: &str, column: &str) -> Vec<String> {
        let sql: String = conn
            .query_row("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?1", [table], |r| r.get(0))
            .unwrap_or_else(|e| panic!("table {table}: {e}"));
        let start = format!("CHECK ({column} IN (");
        let at = sql.find(&start).unwrap_or_else(|| panic!("{table}.{column} has no CHECK list")) + start.len();
        let list = &sql[at..at + sql[at..].find(')').unwrap()];
        list.split(',').map(|w| w.trim().trim_matches('\'').to_string()).collect()
    }

    /// Every closed vocabulary is the list its column's CHECK allows, word for word: a word
    /// added to one and not the other fails here.
    #[test]
    fn every_vocabulary_equals_its_schema_check_list() {
        use crate::model::*;
        use std::collections::BTreeSet;
        fn words<T: Copy + std::fmt::Display>(all: &[T]) -> BTreeSet<String> {
            all.iter().map(|w| w.to_string()).collect()
        }
        let store = Store::memory().unwrap();
        let c = store.conn();
        let columns: Vec<(&str, &str, BTreeSet<String>)> = vec![
            ("party", "kind", words(PartyKind::ALL)),
            ("source", "kind", words(SourceKind::ALL)),
            ("source", "reliability", words(Reliability::ALL)),
            ("claim", "stance", words(Stance::ALL)),
            ("link", "rel", words(LinkRel::ALL)),
            ("retraction", "target_kind", words(TargetKind::ALL)),
            ("finding", "kind", words(FindingKind::ALL)),
            ("finding", "severity", words(Severity::ALL)),
            ("finding", "reason", words(SilenceReason::ALL)),
            ("finding", "state", words(FindingState::ALL)),
            ("finding_triage", "state", words(FindingState::ALL)),
            ("proposition_outcome", "status", words(Status::ALL)),
            ("position", "stance", words(&Stance::ALL.iter().copied().filter(|s| s.is_position()).collect::<Vec<_>>())),
            ("correction", "kind", words(&CORRECTABLE)),
        ];
        for (table, column, vocabulary) in columns {
            let allowed: BTreeSet<String> = check_list(c, table, column).into_iter().collect();
            assert_eq!(allowed, vocabulary, "{table}.{column}");
        }
        // The kinds the log and the reconcile queue name are record kinds (the log's also
        // names batches, settings, triage steps and findings).
        for word in check_list(c, "reconcile_queue", "kind") {
            assert!(word.parse::<RecordKind>().is_ok(), "reconcile_queue.kind: {word}");
        }
        let logged: BTreeSet<String> = check_list(c, "event", "kind").into_iter().collect();
        assert!(words(RecordKind::ALL).is_subset(&logged), "event.kind: {logged:?}");
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
