//! Corrections: the write path that checks and applies one (a [`Writer`]'s), and corrections as
//! stored: what each changed and the values it replaced.

use super::apply::Writer;
use super::checks::{
    check_claim, check_party, check_proposition, check_request, check_source, check_verdict, fail, text, within_size,
    Locate,
};
use super::names::resolve;
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

impl Writer<'_> {
    /// Corrects a record already stored (or written earlier in this input): its current
    /// version with the change applied must pass every check a new record of its kind
    /// passes. The same correction met again (the same file imported twice) is unchanged.
    pub(super) fn correct(&mut self, mut c: Correction, at: Locate) -> Result<()> {
        let (kind, id) = self.correction_target(&c.target, c.kind, at)?;
        c.target = id;
        c.kind = Some(kind);
        let mut record = Record::Correction(c);
        self.stamp(&mut record);
        let Record::Correction(mut c) = record else { unreachable!("stamped as it was") };
        self.summary.first_key.get_or_insert_with(|| c.target.clone());
        let current = record_json(self.tx, kind, &c.target)?;
        c.normalise(kind, &current);
        if let Some(stored) = stored_correction(self.tx, &c, kind)? {
            if stored.set == c.set && stored.add == c.add && stored.remove == c.remove && stored.reason == c.reason {
                Summary::count(&mut self.summary.unchanged, Counted::Record(RecordKind::Correction));
                return Ok(());
            }
            return Err(fail(
                at,
                "target",
                format!(
                    "{kind} '{}' already has a different correction by {} at {}; give each correction its own moment",
                    c.target,
                    c.logged_by.as_deref().unwrap_or_default(),
                    c.recorded.map(|t| t.to_string()).unwrap_or_default()
                ),
            ));
        }
        text(at, "reason", &c.reason)?;
        if self.refs == Refs::IdsOrNames {
            self.resolve_values(&mut c, kind, at)?;
        }
        let (after, before) = c.apply(kind, &current).map_err(|why| fail(at, first_field(&c), why))?;
        let corrected = Record::from_json(kind, after).map_err(|why| fail(at, first_field(&c), why))?;
        self.check_corrected(&corrected, at)?;
        within_size(&corrected, at)?;
        within_size(&serde_json::json!({"reason": c.reason}), at)?;
        let event = audit::append(
            self.tx,
            self.action,
            "correction",
            &c.target,
            &LoggedCorrection { correction: &c, before: &before },
        )?;
        insert_correction(self.tx, &c, kind, &before, event)?;
        match &corrected {
            Record::Party(r) => insert_party(self.tx, r, Put::Corrected),
            Record::Source(r) => insert_source(self.tx, r, Put::Corrected),
            Record::Proposition(r) => insert_proposition(self.tx, r, Put::Corrected),
            Record::Claim(r) => insert_claim(self.tx, r, Put::Corrected),
            Record::Request(r) => insert_request(self.tx, r, Put::Corrected),
            Record::Verdict(r) => insert_verdict(self.tx, r, Put::Corrected),
            _ => unreachable!("only these kinds are correctable"),
        }?;
        mark_applied(self.tx, event)?;
        Summary::count(&mut self.summary.added, Counted::Record(RecordKind::Correction));
        Ok(())
    }

    /// The kind and id of the record a correction names (names work where the write takes
    /// them); `kind` narrows it when given.
    pub fn correction_target(
        &self,
        target: &str,
        kind: Option<RecordKind>,
        at: Locate,
    ) -> Result<(RecordKind, String)> {
        if let Some(kind) = kind {
            if !CORRECTABLE.contains(&kind) {
                return Err(fail(at, "kind", format!("a {kind} cannot be corrected; corrections fix a party, source, proposition, claim, request or verdict")));
            }
        }
        let kinds: Vec<RecordKind> = CORRECTABLE.into_iter().filter(|k| kind.is_none_or(|want| want == *k)).collect();
        let mut found: Vec<(RecordKind, String)> = Vec::new();
        for kind in &kinds {
            if exists(self.tx, *kind, target)? {
                found.push((*kind, target.to_string()));
            }
        }
        if found.is_empty() && self.refs == Refs::IdsOrNames {
            for kind in &kinds {
                let id = resolve(self.tx, *kind, target, &at("target"))?;
                if exists(self.tx, *kind, &id)? {
                    found.push((*kind, id));
                }
            }
        }
        match found.len() {
            1 => Ok(found.remove(0)),
            0 => {
                let mut known = Vec::new();
                for kind in &kinds {
                    known.extend(ids(self.tx, *kind)?);
                }
                Err(fail(
                    at,
                    "target",
                    format!("no record '{target}' to correct{}", suggest(target, &known, Named::Record)),
                ))
            }
            _ => {
                let listed: Vec<String> = found.iter().map(|(k, id)| format!("{k} {id}")).collect();
                Err(fail(
                    at,
                    "target",
                    format!("'{target}' could be any of: {}; say which with --kind", listed.join(", ")),
                ))
            }
        }
    }

    /// Values of the fields that name records, made ids.
    fn resolve_values(&self, c: &mut Correction, kind: RecordKind, at: Locate) -> Result<()> {
        for map in [&mut c.set, &mut c.add, &mut c.remove] {
            for (field, value) in map.iter_mut() {
                let Some(named) = reference_kind(kind, field) else { continue };
                let items: Vec<&mut serde_json::Value> = match value {
                    serde_json::Value::Array(items) => items.iter_mut().collect(),
                    one => vec![one],
                };
                for item in items {
                    if let Some(text) = item.as_str() {
                        *item = serde_json::Value::String(resolve(self.tx, named, text, &at(field))?);
                    }
                }
            }
        }
        Ok(())
    }

    /// A corrected record passes its kind's own checks, and its references must exist.
    fn check_corrected(&mut self, record: &Record, at: Locate) -> Result<()> {
        match record {
            Record::Party(r) => check_party(r, at)?,
            Record::Source(r) => check_source(self.tx, r, at)?,
            Record::Proposition(r) => check_proposition(self.tx, r, at)?,
            Record::Claim(r) => check_claim(self.tx, r, at)?,
            Record::Request(r) => check_request(r, at)?,
            Record::Verdict(r) => check_verdict(r, at)?,
            _ => unreachable!("only these kinds are correctable"),
        }
        let mut record = record.clone();
        for r in record.references_mut() {
            let field = r.field.split('[').next().unwrap_or_default().to_string();
            self.reference(at, &field, r.kind, r.id)?;
        }
        Ok(())
    }
}

/// The first field a correction changes, to point an error at.
fn first_field(c: &Correction) -> &str {
    c.set.keys().chain(c.add.keys()).chain(c.remove.keys()).next().map_or("target", String::as_str)
}
