//! The one error type: each variant knows who is at fault, its exit code and how to say it.

use std::fmt;

/// Everything that can stop a command. The message is one line that names what was wrong,
/// where, and how to fix it; `main` prints it as `error: {message}`.
#[derive(Debug)]
pub enum Error {
    /// The user's input is wrong (a value, a file, an unknown id): exit 1.
    Input(String),
    /// Several things wrong in one input (a log file), each its own line: exit 1.
    Many(Vec<String>),
    /// The command line itself is wrong in a way clap cannot see: exit 2.
    Usage(String),
    /// The database refused or failed: exit 1, with what we were doing.
    Sql { context: String, source: SqlFailure },
    /// Reading or writing a file failed: exit 1.
    Io { context: String, source: std::io::Error },
    /// The desk (PostgreSQL) refused or could not be reached: exit 1, with what we were doing.
    Desk { context: String, source: postgres::Error },
    /// A stored value claimtrack cannot read: exit 1. Kept whole so that `export` can copy
    /// the row as it is stored instead of stopping.
    Unreadable(Unreadable),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn input(message: impl Into<String>) -> Self {
        Error::Input(message.into())
    }

    /// One error, or several from one input.
    pub fn all(mut messages: Vec<String>) -> Self {
        match messages.len() {
            1 => Error::Input(messages.remove(0)),
            _ => Error::Many(messages),
        }
    }

    /// What a person must fix, one line each (an input error says one thing or several).
    pub fn lines(&self) -> Vec<String> {
        match self {
            Error::Many(all) => all.clone(),
            other => vec![other.to_string()],
        }
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage(_) => 2,
            _ => 1,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Input(m) | Error::Usage(m) => f.write_str(m),
            Error::Many(all) => f.write_str(&all.join("\n")),
            Error::Sql { context, source } => match source.trouble {
                Some(Trouble::DiskFull) => {
                    write!(
                    f,
                    "{context}: the disk is full (or a file size limit or quota is reached); nothing was written: free some space and run the command again"
                )
                }
                Some(Trouble::Busy) => write!(
                    f,
                    "{context}: another process holds the database (another writer, or a program that locked it) and did not let go in time; nothing was written: try again once it is done (CLAIMTRACK_BUSY_TIMEOUT sets how many seconds to wait)"
                ),
                Some(Trouble::ReadOnly) => write!(
                    f,
                    "{context}: the database is read-only (the file, or the directory it is in, cannot be written); nothing was written"
                ),
                None => write!(f, "{context}: {}", source.error),
            },
            Error::Io { context, source } => write!(f, "{context}: {source}"),
            Error::Unreadable(row) => row.fmt(f),
            Error::Desk { context, source } => match source.as_db_error() {
                Some(db) => write!(f, "{context}: the desk says: {}", db.message()),
                None if source.is_closed() => {
                    write!(f, "{context}: the connection to the desk was lost; nothing more was written: run it again")
                }
                None => write!(
                    f,
                    "{context}: cannot reach the desk ({source}); check the URL and that the server is up, then run it again"
                ),
            },
        }
    }
}

impl std::error::Error for Error {}

/// What the database said when it refused or failed, as the store read it: `store` turns
/// SQLite's errors into this, so that no module outside it names SQLite's types.
#[derive(Debug)]
pub struct SqlFailure {
    /// A cause a person can act on, said in words of our own; `None` is said in SQLite's.
    pub trouble: Option<Trouble>,
    pub error: Box<dyn std::error::Error + Send + Sync>,
}

/// The database failures a person can do something about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trouble {
    DiskFull,
    /// Another process holds the database (busy or locked).
    Busy,
    ReadOnly,
}

/// Attaches "what we were doing" to a fallible SQL or I/O call.
pub trait Context<T> {
    fn context(self, what: impl FnOnce() -> String) -> Result<T>;
}

/// A stored value claimtrack cannot read, as it was changed behind claimtrack's back (a
/// date that is not a date, a word outside a vocabulary): where it is, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Unreadable {
    pub table: &'static str,
    /// The row's id (a link's "FROM REL TO").
    pub row: String,
    pub column: String,
    pub why: String,
}

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "table {}, row {}, column {}: claimtrack cannot read the value ({}); it was changed outside claimtrack: restore the row from a backup",
            self.table, self.row, self.column, self.why
        )
    }
}

impl std::error::Error for Unreadable {}

impl<T> Context<T> for std::result::Result<T, postgres::Error> {
    fn context(self, what: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|source| Error::Desk { context: what(), source })
    }
}

impl<T> Context<T> for std::result::Result<T, std::io::Error> {
    fn context(self, what: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|source| Error::Io { context: what(), source })
    }
}
