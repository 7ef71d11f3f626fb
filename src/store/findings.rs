//! Findings as stored: the reconciler's last word on each, and the editor's triage of it.

use crate::date::Timestamp;
use crate::error::{Context, Error, Result};
use crate::reconcile::{Finding, FindingState};
use rusqlite::{params, Connection, OptionalExtension, Row};
use std::collections::{HashMap, HashSet};

/// What a reconcile changed in the stored findings.
#[derive(Debug, Default)]
pub struct Changes {
    pub new: usize,
    pub reopened: usize,
    pub cleared: usize,
    pub updated: usize,
}

fn finding_row(r: &Row) -> rusqlite::Result<Finding> {
    let list = |column: &str| -> rusqlite::Result<Vec<String>> {
        let text: String = r.get(column)?;
        Ok(serde_json::from_str(&text).unwrap_or_default())
    };
    Ok(Finding {
        id: r.get("id")?,
        kind: r.get("kind")?,
        severity: r.get("severity")?,
        proposition: r.get("proposition")?,
        parties: list("parties")?,
        claims: list("claims")?,
        reason: r.get("reason")?,
        detail: r.get("detail")?,
        state: r.get("state")?,
        note: r.get("note")?,
        evidence: r.get("evidence")?,
    })
}

/// Every stored finding, most severe first.
pub fn findings(conn: &Connection) -> Result<Vec<Finding>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT * FROM finding ORDER BY CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, proposition, kind, id",
        )
        .context(|| "listing findings".into())?;
    let rows = stmt.query_map([], finding_row).context(|| "listing findings".into())?;
    rows.collect::<rusqlite::Result<_>>().context(|| "reading findings".into())
}

fn finding(conn: &Connection, id: &str) -> Result<Option<Finding>> {
    let mut stmt = conn.prepare_cached("SELECT * FROM finding WHERE id = ?1").context(|| format!("looking up {id}"))?;
    stmt.query_row([id], finding_row).optional().context(|| format!("reading finding {id}"))
}

/// Shows each computed finding with its stored triage, without writing (past views).
pub fn overlay(conn: &Connection, computed: &mut [Finding]) -> Result<()> {
    for f in computed {
        if let Some(s) = finding(conn, &f.id)?.filter(|s| s.state != FindingState::Cleared) {
            f.state = s.state;
            f.note = s.note.clone();
        }
    }
    Ok(())
}

/// Merges a present-day reconcile into the stored findings: new ones open, ones whose
/// evidence changed reopen, vanished ones are cleared, and every other triage is kept.
pub fn save(tx: &Connection, computed: &mut [Finding], now: Timestamp) -> Result<Changes> {
    let stored: HashMap<String, Finding> = findings(tx)?.into_iter().map(|f| (f.id.clone(), f)).collect();
    let mut changes = Changes::default();
    let mut seen = HashSet::new();
    for f in computed.iter_mut() {
        seen.insert(f.id.clone());
        match stored.get(&f.id) {
            None => {
                insert(tx, f, now)?;
                log_state(tx, &f.id, FindingState::Open, Some("found"), "reconcile", now)?;
                changes.new += 1;
            }
            Some(s) => {
                let reopen =
                    s.state == FindingState::Cleared || (s.state != FindingState::Open && s.evidence != f.evidence);
                if reopen {
                    let why = if s.state == FindingState::Cleared { "found again" } else { "reopened: new evidence" };
                    set(tx, &f.id, FindingState::Open, Some(why), "reconcile", now)?;
                    changes.reopened += 1;
                } else {
                    f.state = s.state;
                    f.note = s.note.clone();
                }
                if s.evidence != f.evidence || s.severity != f.severity || s.detail != f.detail {
                    update(tx, f, now)?;
                    changes.updated += 1;
                }
            }
        }
    }
    for s in stored.values().filter(|s| !seen.contains(&s.id) && s.state != FindingState::Cleared) {
        set(tx, &s.id, FindingState::Cleared, Some("the evidence no longer supports it"), "reconcile", now)?;
        changes.cleared += 1;
    }
    Ok(changes)
}

fn json(list: &[String]) -> String {
    serde_json::to_string(list).expect("a list of strings serialises")
}

fn insert(tx: &Connection, f: &Finding, now: Timestamp) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO finding (id, kind, severity, proposition, parties, claims, reason, detail, evidence, state, state_by, first_seen, updated) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'open', 'reconcile', ?10, ?10)",
    )
    .and_then(|mut s| {
        s.execute(params![f.id, f.kind, f.severity, f.proposition, json(&f.parties), json(&f.claims), f.reason, f.detail, f.evidence, now])
    })
    .context(|| format!("adding finding {}", f.id))?;
    Ok(())
}

fn update(tx: &Connection, f: &Finding, now: Timestamp) -> Result<()> {
    tx.prepare_cached(
        "UPDATE finding SET severity = ?2, proposition = ?3, parties = ?4, claims = ?5, reason = ?6, detail = ?7, evidence = ?8, updated = ?9 WHERE id = ?1",
    )
    .and_then(|mut s| {
        s.execute(params![f.id, f.severity, f.proposition, json(&f.parties), json(&f.claims), f.reason, f.detail, f.evidence, now])
    })
    .context(|| format!("updating finding {}", f.id))?;
    Ok(())
}

fn set(tx: &Connection, id: &str, state: FindingState, note: Option<&str>, by: &str, now: Timestamp) -> Result<()> {
    tx.prepare_cached("UPDATE finding SET state = ?2, note = ?3, state_by = ?4, updated = ?5 WHERE id = ?1")
        .and_then(|mut s| s.execute(params![id, state, note, by, now]))
        .context(|| format!("setting the state of finding {id}"))?;
    log_state(tx, id, state, note, by, now)
}

fn log_state(
    tx: &Connection,
    id: &str,
    state: FindingState,
    note: Option<&str>,
    by: &str,
    now: Timestamp,
) -> Result<()> {
    tx.prepare_cached("INSERT INTO finding_triage (finding, state, note, by, at) VALUES (?1, ?2, ?3, ?4, ?5)")
        .and_then(|mut s| s.execute(params![id, state, note, by, now]))
        .context(|| format!("logging the triage of finding {id}"))?;
    let entry = TriageEntry {
        finding: id.to_string(),
        state,
        note: note.map(str::to_string),
        by: by.to_string(),
        at: now.to_string(),
    };
    super::audit::append(tx, "triage", "triage", id, &entry)
}

/// Resolves an id or a unique prefix of one.
pub fn resolve_finding(conn: &Connection, wanted: &str) -> Result<Finding> {
    if let Some(f) = finding(conn, wanted)? {
        return Ok(f);
    }
    let mut stmt = conn
        .prepare_cached("SELECT id FROM finding WHERE id LIKE ?1 || '%' ESCAPE '\\' LIMIT 3")
        .context(|| "matching finding ids".into())?;
    let escaped = wanted.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    let matches: Vec<String> = stmt
        .query_map([escaped], |r| r.get(0))
        .context(|| "matching finding ids".into())?
        .collect::<rusqlite::Result<_>>()
        .context(|| "matching finding ids".into())?;
    match matches.as_slice() {
        [one] => Ok(finding(conn, one)?.expect("the id was just read")),
        [] => Err(Error::input(format!(
            "no finding '{wanted}'; run `claimtrack reconcile`, then pick an id from `claimtrack findings`"
        ))),
        _ => Err(Error::input(format!(
            "'{wanted}' matches several findings ({}, ...); give more of the id",
            matches.join(", ")
        ))),
    }
}

/// An editor's triage: sets the state, with the note and who set it, and logs it.
pub fn triage(
    tx: &Connection,
    id: &str,
    state: FindingState,
    note: Option<&str>,
    by: &str,
    now: Timestamp,
) -> Result<()> {
    set(tx, id, state, note, by, now)
}

/// One change of a finding's state.
#[derive(Debug, serde::Serialize)]
pub struct TriageEntry {
    pub finding: String,
    pub state: FindingState,
    pub note: Option<String>,
    pub by: String,
    pub at: String,
}

/// The triage history of one finding (or of all, with `None`), oldest first.
pub fn triage_history(conn: &Connection, id: Option<&str>) -> Result<Vec<TriageEntry>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT finding, state, note, by, at FROM finding_triage WHERE (?1 IS NULL OR finding = ?1) ORDER BY seq",
        )
        .context(|| "reading triage".into())?;
    let rows = stmt
        .query_map([id], |r| {
            Ok(TriageEntry { finding: r.get(0)?, state: r.get(1)?, note: r.get(2)?, by: r.get(3)?, at: r.get(4)? })
        })
        .context(|| "reading triage".into())?;
    rows.collect::<rusqlite::Result<_>>().context(|| "reading triage".into())
}
