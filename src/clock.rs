//! The one source of "now", so that tests and reproducible runs can fix it.

use crate::error::{Error, Result};
use chrono::{DateTime, Utc};

/// A setting from the environment: `None` when unset, an error when it is set but not UTF-8
/// (ignoring it would silently run with another clock, user or timeout).
pub fn setting(name: &str) -> Result<Option<String>> {
    match std::env::var(name) {
        Ok(text) => Ok(Some(text)),
        Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(raw)) => Err(Error::input(format!(
            "{name} is '{}', which is not UTF-8 text; set it to UTF-8 text, or unset it",
            raw.to_string_lossy()
        ))),
    }
}

/// `CLAIMTRACK_NOW` (RFC 3339), when set: tests and demos pin the clock with it so that their
/// output is the same on every run. A value that is not a time is refused, not ignored.
fn pinned() -> Result<Option<DateTime<Utc>>> {
    let Some(text) = setting("CLAIMTRACK_NOW")? else { return Ok(None) };
    text.parse::<crate::date::Timestamp>().map(|t| Some(t.0)).map_err(|e| {
        Error::input(format!("CLAIMTRACK_NOW is '{text}': {e}; set it to e.g. 2025-10-01T12:00:00Z, or unset it"))
    })
}

/// Refuses a `CLAIMTRACK_NOW` that is not a time, and a user name that is not text: checked
/// once as a command starts.
pub fn check() -> Result<()> {
    setting("CLAIMTRACK_USER")?;
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

/// Who is logging: a replica's owner; else `CLAIMTRACK_USER`, else the operating-system user
/// as the environment names it, else the name of the account running the program (never
/// "unknown").
pub fn user() -> String {
    if let Some(owner) = REPLICA_USER.get() {
        return owner.clone();
    }
    ["CLAIMTRACK_USER", "USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|u| !u.trim().is_empty()))
        .unwrap_or_else(account)
}

/// The name of the operating-system account running the program, from the account database
/// (a cron job or a container often has no `$USER`); its number when it has no entry there.
#[cfg(unix)]
fn account() -> String {
    // SAFETY: getpwuid_r writes only into `entry` and `buf`, both ours and sized as given;
    // `pw_name` points into `buf`, read before either goes out of scope.
    unsafe {
        let uid = libc::geteuid();
        let mut entry: libc::passwd = std::mem::zeroed();
        let mut buf = vec![0 as libc::c_char; 16 * 1024];
        let mut found: *mut libc::passwd = std::ptr::null_mut();
        let named = libc::getpwuid_r(uid, &mut entry, buf.as_mut_ptr(), buf.len(), &mut found) == 0
            && !found.is_null()
            && !entry.pw_name.is_null();
        let name = named.then(|| std::ffi::CStr::from_ptr(entry.pw_name).to_string_lossy().into_owned());
        name.filter(|n| !n.is_empty()).unwrap_or_else(|| format!("uid {uid}"))
    }
}

#[cfg(not(unix))]
fn account() -> String {
    "the operating-system account".to_string()
}
