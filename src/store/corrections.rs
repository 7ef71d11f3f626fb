//! Corrections as stored: what each changed and the values it replaced.

use super::*;
use crate::error::{Context, Result};
use crate::model::*;
use rusqlite::{params, Connection, OptionalExtension, Row};

/// A record's current version as JSON (the interchange form), for a correction to apply to.
pub fn record_json(conn: &Connection, kind: RecordKind, id: &str) -> Result<serde_json::Value> {
    let value = match kind {
        RecordKind::Party => party(conn, id)?.map(|r| to_json(&r)),
        RecordKind::Source => source(conn, id)?.map(|r| to_json(&r)),
        RecordKind::Proposition => proposition(conn, id)?.map(|r| to_json(&r)),
        RecordKind::Claim => claim(conn, id)?.map(|r| to_json(&r.claim)),
        RecordKind::Request => request(conn, id)?.map(|r| to_json(&r)),
        RecordKind::Verdict => one(conn, "SELECT * FROM verdict WHERE id = ?1", id, verdict_row)?.map(|r| to_json(&r)),
        _ => None,
    };
    Ok(value.unwrap_or(serde_json::Value::Null))
}

/// A correction as stored: what it changed, and the values it replaced.
#[derive(Clone, Debug)]
pub struct StoredCorrection {
    pub correction: Correction,
    pub before: serde_json::Map<String, serde_json::Value>,
    pub event: i64,
}

pub(super) const CORRECTION_COLUMNS: &str = "seq, target, kind, change, before, reason, logged_by, recorded, event";

pub(super) fn correction_row(r: &Row) -> rusqlite::Result<StoredCorrection> {
    let object = |column: &str| -> rusqlite::Result<serde_json::Map<String, serde_json::Value>> {
        let text: String = col(r, "correction", column)?;
        serde_json::from_str(&text).map_err(|e| unreadable(r, "correction", column, format!("not a JSON object: {e}")))
    };
    let mut change = object("change")?;
    let mut part = |name: &str| match change.remove(name) {
        Some(serde_json::Value::Object(m)) => m,
        _ => serde_json::Map::new(),
    };
    let (set, add, remove) = (part("set"), part("add"), part("remove"));
    Ok(StoredCorrection {
        correction: Correction {
            target: col(r, "correction", "target")?,
            kind: Some(col(r, "correction", "kind")?),
            set,
            add,
            remove,
            reason: col(r, "correction", "reason")?,
            logged_by: Some(col(r, "correction", "logged_by")?),
            recorded: Some(col(r, "correction", "recorded")?),
        },
        before: object("before")?,
        event: col(r, "correction", "event")?,
    })
}

/// The correction of this record by the same person at the same moment, if stored.
pub fn stored_correction(conn: &Connection, c: &Correction, kind: RecordKind) -> Result<Option<Correction>> {
    let sql = format!(
        "SELECT {CORRECTION_COLUMNS} FROM correction WHERE target = ?1 AND kind = ?2 AND recorded = ?3 AND logged_by = ?4"
    );
    conn.prepare_cached(&sql)
        .and_then(|mut s| s.query_row(params![c.target, kind, c.recorded, c.logged_by], correction_row).optional())
        .map(|found| found.map(|s| s.correction))
        .context(|| format!("looking up the corrections of {}", c.target))
}

/// Every correction of one record, oldest first.
pub fn corrections_of(conn: &Connection, kind: RecordKind, target: &str) -> Result<Vec<StoredCorrection>> {
    let sql = format!("SELECT {CORRECTION_COLUMNS} FROM correction WHERE target = ?1 AND kind = ?2 ORDER BY seq");
    conn.prepare_cached(&sql)
        .and_then(|mut s| s.query_map(params![target, kind], correction_row)?.collect())
        .context(|| format!("reading the corrections of {target}"))
}

/// Every correction, oldest first.
pub fn corrections(conn: &Connection) -> Result<Vec<StoredCorrection>> {
    all(conn, &format!("SELECT {CORRECTION_COLUMNS} FROM correction ORDER BY seq"), correction_row)
}

/// The last event a present-day reconcile logged a triage step with (0 for none): what it
/// saw is older. Read from the newest step back: an editor's steps are few.
pub fn last_reconcile_event(conn: &Connection) -> Result<i64> {
    conn.query_row(
        "SELECT coalesce((SELECT event FROM finding_triage WHERE by = 'reconcile' ORDER BY seq DESC LIMIT 1), 0)",
        [],
        |r| r.get(0),
    )
    .context(|| "reading the triage history".into())
}

/// The corrections logged after event `seq`, oldest first.
pub fn corrections_after(conn: &Connection, seq: i64) -> Result<Vec<StoredCorrection>> {
    let sql = format!("SELECT {CORRECTION_COLUMNS} FROM correction WHERE event > ?1 ORDER BY seq");
    conn.prepare_cached(&sql)
        .and_then(|mut s| s.query_map([seq], correction_row)?.collect())
        .context(|| "reading the latest corrections".into())
}

/// Writes a correction about to be applied (see the `correction` table in schema.sql).
pub fn insert_correction(
    tx: &Connection,
    c: &Correction,
    kind: RecordKind,
    before: &serde_json::Map<String, serde_json::Value>,
    event: i64,
) -> Result<()> {
    let change = serde_json::json!({"set": c.set, "add": c.add, "remove": c.remove});
    tx.prepare_cached(
        "INSERT INTO correction (target, kind, change, before, reason, logged_by, recorded, event) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )
    .and_then(|mut s| {
        s.execute(params![
            c.target,
            kind,
            change.to_string(),
            serde_json::Value::Object(before.clone()).to_string(),
            c.reason,
            c.logged_by,
            c.recorded,
            event
        ])
    })
    .context(|| format!("writing the correction of {}", c.target))?;
    Ok(())
}

/// Marks a correction applied: from here on its record refuses updates again.
pub fn mark_applied(tx: &Connection, event: i64) -> Result<()> {
    tx.prepare_cached("UPDATE correction SET applied = 1 WHERE event = ?1")
        .and_then(|mut s| s.execute([event]))
        .context(|| "finishing a correction".into())?;
    Ok(())
}
