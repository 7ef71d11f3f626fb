//! The one source of "now", so that tests and reproducible runs can fix it.

use chrono::{DateTime, Utc};

/// The current time, or `CLAIMTRACK_NOW` (RFC 3339) when set: tests and demos pin the clock
/// with it so that their output is the same on every run.
pub fn now() -> DateTime<Utc> {
    std::env::var("CLAIMTRACK_NOW")
        .ok()
        .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(Utc::now)
}

/// Who is logging: `CLAIMTRACK_USER`, else the operating-system user, else "unknown".
pub fn user() -> String {
    ["CLAIMTRACK_USER", "USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|u| !u.trim().is_empty()))
        .unwrap_or_else(|| "unknown".to_string())
}
