//! The one source of "now", so that tests and reproducible runs can fix it.

use crate::error::{Error, Result};
use chrono::{DateTime, Utc};

/// `CLAIMTRACK_NOW` (RFC 3339), when set: tests and demos pin the clock with it so that their
/// output is the same on every run. A value that is not a time is refused, not ignored.
fn pinned() -> Result<Option<DateTime<Utc>>> {
    let Ok(text) = std::env::var("CLAIMTRACK_NOW") else { return Ok(None) };
    DateTime::parse_from_rfc3339(&text).map(|t| Some(t.with_timezone(&Utc))).map_err(|e| {
        Error::input(format!(
            "CLAIMTRACK_NOW is '{text}', not an RFC 3339 time ({e}); set it to e.g. 2025-10-01T12:00:00Z, or unset it"
        ))
    })
}

/// Refuses a `CLAIMTRACK_NOW` that is not a time: checked once as a command starts.
pub fn check() -> Result<()> {
    pinned().map(drop)
}

/// The current time, or `CLAIMTRACK_NOW` (checked by [`check`] before any command runs).
pub fn now() -> DateTime<Utc> {
    pinned().ok().flatten().unwrap_or_else(Utc::now)
}

/// The desk role a replica connects as (docs/DESK.md): in a replica, everything is logged as
/// its owner, whatever `CLAIMTRACK_USER` says.
static REPLICA_USER: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Logs every write of this process as `user`: the database opened is a desk's replica.
pub fn act_as(user: &str) {
    let _ = REPLICA_USER.set(user.to_string());
}

/// Who is logging: a replica's owner; else `CLAIMTRACK_USER`, else the operating-system
/// user, else "unknown".
pub fn user() -> String {
    if let Some(owner) = REPLICA_USER.get() {
        return owner.clone();
    }
    ["CLAIMTRACK_USER", "USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|u| !u.trim().is_empty()))
        .unwrap_or_else(|| "unknown".to_string())
}
