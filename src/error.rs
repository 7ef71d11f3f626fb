//! The one error type: each variant knows who is at fault, its exit code and how to say it.

use std::fmt;

/// Everything that can stop a command. The message is one line that names what was wrong,
/// where, and how to fix it; `main` prints it as `error: {message}`.
#[derive(Debug)]
pub enum Error {
    /// The user's input is wrong (a value, a file, an unknown id): exit 1.
    Input(String),
    /// The command line itself is wrong in a way clap cannot see: exit 2.
    Usage(String),
    /// The database refused or failed: exit 1, with what we were doing.
    Sql { context: String, source: rusqlite::Error },
    /// Reading or writing a file failed: exit 1.
    Io { context: String, source: std::io::Error },
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn input(message: impl Into<String>) -> Self {
        Error::Input(message.into())
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
            Error::Sql { context, source } => write!(f, "{context}: {source}"),
            Error::Io { context, source } => write!(f, "{context}: {source}"),
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
        self.map_err(|source| Error::Sql { context: what(), source })
    }
}

impl<T> Context<T> for std::result::Result<T, std::io::Error> {
    fn context(self, what: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|source| Error::Io { context: what(), source })
    }
}
