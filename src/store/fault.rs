//! SQLite's errors as claimtrack's: what a failure means for the person (a full disk, a busy
//! or read-only database) and a value it cannot read, so that no module outside the store
//! names SQLite's types (`error.rs` says them in words).

use crate::error::{Context, Error, Result, SqlFailure, Trouble, Unreadable};

impl From<rusqlite::Error> for SqlFailure {
    fn from(e: rusqlite::Error) -> SqlFailure {
        let trouble = match e.sqlite_error_code() {
            Some(rusqlite::ErrorCode::DiskFull) => Some(Trouble::DiskFull),
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked) => Some(Trouble::Busy),
            Some(rusqlite::ErrorCode::ReadOnly) => Some(Trouble::ReadOnly),
            _ => None,
        };
        SqlFailure { trouble, error: Box::new(e) }
    }
}

impl<T> Context<T> for std::result::Result<T, rusqlite::Error> {
    fn context(self, what: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|source| match unreadable(&source) {
            // The row says more than "what we were doing" could.
            Some(row) => Error::Unreadable(row.clone()),
            None => Error::Sql { context: what(), source: source.into() },
        })
    }
}

fn unreadable(e: &rusqlite::Error) -> Option<&Unreadable> {
    match e {
        rusqlite::Error::FromSqlConversionFailure(_, _, inner) => inner.downcast_ref::<Unreadable>(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(code: i32) -> Error {
        Error::Sql {
            context: "committing".into(),
            source: rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(code), None).into(),
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
