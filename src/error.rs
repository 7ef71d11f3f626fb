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
    Sql { context: String, source: rusqlite::Error },
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
            Error::Sql { context, source } => match source.sqlite_error_code() {
                Some(rusqlite::ErrorCode::DiskFull) => {
                    write!(
                    f,
                    "{context}: the disk is full (or a file size limit or quota is reached); nothing was written: free some space and run the command again"
                )
                }
                Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => write!(
                    f,
                    "{context}: another process holds the database (another writer, or a program that locked it) and did not let go in time; nothing was written: try again once it is done (CLAIMTRACK_BUSY_TIMEOUT sets how many seconds to wait)"
                ),
                Some(rusqlite::ErrorCode::ReadOnly) => write!(
                    f,
                    "{context}: the database is read-only (the file, or the directory it is in, cannot be written); nothing was written"
                ),
                _ => write!(f, "{context}: {source}"),
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

/// Attaches "what we were doing" to a fallible SQL or I/O call.
pub trait Context<T> {
    fn context(self, what: impl FnOnce() -> String) -> Result<T>;
}

impl<T> Context<T> for std::result::Result<T, rusqlite::Error> {
    fn context(self, what: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|source| match unreadable(&source) {
            // The row says more than "what we were doing" could.
            Some(row) => Error::Unreadable(row.clone()),
            None => Error::Sql { context: what(), source },
        })
    }
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

fn unreadable(e: &rusqlite::Error) -> Option<&Unreadable> {
    match e {
        rusqlite::Error::FromSqlConversionFailure(_, _, inner) => inner.downcast_ref::<Unreadable>(),
        _ => None,
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(code: i32) -> Error {
        Error::Sql {
            context: "committing".into(),
            source: rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None),
        }
    }

    #[test]
    fn sqlite_failures_are_said_in_words() {
        assert!(failure(rusqlite::ffi::SQLITE_FULL).to_string().contains("the disk is full"));
        assert!(failure(rusqlite::ffi::SQLITE_BUSY).to_string().contains("another process holds the database"));
        assert!(failure(rusqlite::ffi::SQLITE_READONLY).to_string().contains("read-only"));
        assert!(!failure(rusqlite::ffi::SQLITE_CONSTRAINT).to_string().contains("disk"));
    }
}
