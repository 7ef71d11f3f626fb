//! The newsroom's settings: checked, logged, and their history.

use super::*;
use crate::date::Timestamp;
use crate::error::{Context, Result};
use crate::model::*;
use rusqlite::{params, Connection};

/// The newsroom settings a command may set (`claimtrack config set`).
pub const SETTINGS: &[&str] = &["org.name", "org.url", "report.title"];

/// A setting's value, if it has one.
pub fn setting(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(settings(conn)?.into_iter().find(|(k, _)| k == key).map(|(_, v)| v))
}

/// A setting as the audit log holds it.
#[derive(serde::Serialize)]
pub(super) struct SettingBody<'a> {
    key: &'a str,
    value: &'a str,
    logged_by: &'a str,
    recorded: Timestamp,
}

/// Logs a setting and writes it; with `seq`, the row is already there (logged when the
/// audit log first covered settings) and only gets its event.
pub(super) fn log_setting(
    tx: &Connection,
    action: &str,
    key: &str,
    value: &str,
    logged_by: &str,
    recorded: Timestamp,
    seq: Option<i64>,
) -> Result<()> {
    let event = super::audit::append(tx, action, "setting", key, &SettingBody { key, value, logged_by, recorded })?;
    let sql = match seq {
        None => "INSERT INTO setting (key, value, logged_by, recorded, event) VALUES (?1, ?2, ?3, ?4, ?5)",
        Some(_) => "UPDATE setting SET event = ?5 WHERE seq = ?6 AND key = ?1 AND value = ?2",
    };
    tx.prepare_cached(sql)
        .and_then(|mut s| match seq {
            None => s.execute(params![key, value, logged_by, recorded, event]),
            Some(seq) => s.execute(params![key, value, logged_by, recorded, event, seq]),
        })
        .context(|| format!("setting {key}"))?;
    Ok(())
}

/// A setting, set here (`config set`) or carried from another database (an import): checked
/// (a setting claimtrack keeps, a value with something visible, a URL where one is due), then
/// added unless that very value, set by the same person at the same moment, is already here.
pub fn carry_setting(tx: &Connection, s: &Setting, action: &str) -> Result<bool> {
    check_setting(s).map_err(crate::error::Error::Input)?;
    let there = tx
        .prepare_cached("SELECT 1 FROM setting WHERE key = ?1 AND value = ?2 AND logged_by = ?3 AND recorded = ?4")
        .and_then(|mut st| st.exists(params![s.key, s.value, s.logged_by, s.recorded]))
        .context(|| format!("looking up setting {}", s.key))?;
    if !there {
        log_setting(tx, action, &s.key, &s.value, &s.logged_by, s.recorded, None)?;
    }
    Ok(!there)
}

pub(super) fn check_setting(s: &Setting) -> Result<(), String> {
    let key = &s.key;
    if !SETTINGS.contains(&key.as_str()) {
        return Err(format!("'{key}' is not a setting; use one of: {}", SETTINGS.join(", ")));
    }
    if !crate::text::has_visible(&s.value) {
        return Err(format!("{key}: the value has no visible character; give some text"));
    }
    if key == "org.url" {
        crate::model::check_url(&s.value).map_err(|why| format!("org.url: {why}"))?;
    }
    Ok(())
}

/// Every value each setting was given, oldest first (the last stands).
pub fn setting_history(conn: &Connection) -> Result<Vec<Setting>> {
    all(conn, "SELECT key, value, logged_by, recorded FROM setting ORDER BY seq", |r| {
        Ok(Setting {
            key: col(r, "setting", "key")?,
            value: col(r, "setting", "value")?,
            logged_by: col(r, "setting", "logged_by")?,
            recorded: col(r, "setting", "recorded")?,
        })
    })
}

/// Migration 8 brings settings into the audit log: those already set are logged once, as
/// action `backfill`, in the order they were set.
pub(super) fn backfill_settings(tx: &Connection) -> Result<()> {
    let rows: Vec<(i64, String, String, String, Timestamp)> = tx
        .prepare("SELECT seq, key, value, logged_by, recorded FROM setting ORDER BY seq")
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?.collect())
        .context(|| "reading the settings to log".into())?;
    for (seq, key, value, logged_by, recorded) in rows {
        log_setting(tx, "backfill", &key, &value, &logged_by, recorded, Some(seq))?;
    }
    Ok(())
}

/// The current value of each setting that has one.
pub fn settings(conn: &Connection) -> Result<Vec<(String, String)>> {
    let mut stmt =
        conn.prepare_cached("SELECT key, value FROM settings ORDER BY key").context(|| "reading settings".into())?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).context(|| "reading settings".into())?;
    rows.collect::<rusqlite::Result<_>>().context(|| "reading settings".into())
}
