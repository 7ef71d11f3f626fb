//! Every row, one at a time, as `verify` walks them against the audit log.

use super::*;
use crate::date::Timestamp;
use crate::error::{Context, Result};
use crate::model::*;
use rusqlite::{Connection, Row};

/// Every row of one record kind, one at a time, as its JSON (the interchange form), with
/// its key and the event that added it, in the order the rows were written (rowid order: a
/// batch's hash is taken in it; links, never batched, in key order). Memory does not grow
/// with the table.
pub fn walk_records(
    conn: &Connection,
    kind: RecordKind,
    visit: impl FnMut(String, serde_json::Value, Option<i64>) -> Result<()>,
) -> Result<()> {
    walk_records_of(conn, kind, None, visit)
}

/// As [`walk_records`], only the rows event `event` added when it is given (a batch's: by
/// the tables' event index, not a walk of the whole table).
pub fn walk_records_of(
    conn: &Connection,
    kind: RecordKind,
    event: Option<i64>,
    mut visit: impl FnMut(String, serde_json::Value, Option<i64>) -> Result<()>,
) -> Result<()> {
    let only = |event_column: &str| if event.is_some() { format!("WHERE {event_column} = ?1") } else { String::new() };
    match kind {
        RecordKind::Party => {
            walk(conn, &format!("SELECT {PARTY_COLUMNS}, event FROM party {} ORDER BY rowid", only("event")), event, party_row, |p, e| {
                visit(p.key(), to_json(&p), e)
            })
        }
        RecordKind::Source => {
            walk(conn, &format!("SELECT {SOURCE_COLUMNS}, event FROM source {} ORDER BY rowid", only("event")), event, source_row, |s, e| {
                let s = with_derivations(conn, s)?;
                visit(s.key(), to_json(&s), e)
            })
        }
        RecordKind::Proposition => walk(
            conn,
            &format!("SELECT {PROPOSITION_COLUMNS}, event FROM proposition {} ORDER BY rowid", only("event")),
            event,
            proposition_row,
            |p, e| {
                let p = with_expected(conn, p)?;
                visit(p.key(), to_json(&p), e)
            },
        ),
        RecordKind::Claim => walk(
            conn,
            &format!(
                "SELECT {CLAIM_COLUMNS}, NULL AS source_published, NULL AS retracted, c.event FROM claim c {} ORDER BY c.rowid",
                only("c.event")
            ),
            event,
            claim_row,
            |c, e| {
                let c = with_basis(conn, c)?.claim;
                visit(c.key(), to_json(&c), e)
            },
        ),
        RecordKind::Link => {
            walk(conn, &format!("SELECT * FROM link {}", only("event")), event, link_row, |l, e| visit(l.key(), to_json(&l), e))
        }
        RecordKind::Request => walk(conn, &format!("SELECT * FROM request {} ORDER BY rowid", only("event")), event, request_row, |q, e| {
            visit(q.key(), to_json(&q), e)
        }),
        RecordKind::Retraction => {
            walk(conn, &format!("SELECT * FROM retraction {} ORDER BY rowid", only("event")), event, retraction_row, |x, e| {
                visit(x.key(), to_json(&x), e)
            })
        }
        RecordKind::Verdict => walk(conn, &format!("SELECT * FROM verdict {} ORDER BY rowid", only("event")), event, verdict_row, |v, e| {
            visit(v.key(), to_json(&v), e)
        }),
        RecordKind::Correction => Ok(()),
    }
}

pub(super) fn to_json<T: serde::Serialize>(record: &T) -> serde_json::Value {
    serde_json::to_value(record).expect("records serialise")
}

/// Runs `sql` (with `event` as its parameter, when given) and hands each row, mapped, to
/// `visit` with its `event` column.
pub(super) fn walk<T>(
    conn: &Connection,
    sql: &str,
    event: Option<i64>,
    map: fn(&Row) -> rusqlite::Result<T>,
    mut visit: impl FnMut(T, Option<i64>) -> Result<()>,
) -> Result<()> {
    let mut stmt = conn.prepare_cached(sql).context(|| format!("running {sql}"))?;
    let mut rows = stmt.query(rusqlite::params_from_iter(event)).context(|| format!("running {sql}"))?;
    while let Some(row) = rows.next().context(|| format!("reading {sql}"))? {
        let record = map(row).context(|| format!("reading {sql}"))?;
        let event: Option<i64> = col(row, "event", "event").context(|| format!("reading {sql}"))?;
        visit(record, event)?;
    }
    Ok(())
}

/// Two row streams side by side, in their own orders, until both end: the log's events of
/// one kind and the table rows they should match (triage, settings, corrections). `visit`
/// gets one of each, or one alone where a stream ran out.
pub fn zip_rows<A, B>(
    conn: &Connection,
    (left, map_left): (&str, fn(&Row) -> rusqlite::Result<A>),
    (right, map_right): (&str, fn(&Row) -> rusqlite::Result<B>),
    mut visit: impl FnMut(Option<A>, Option<B>) -> Result<()>,
) -> Result<()> {
    let mut a = conn.prepare(left).context(|| format!("running {left}"))?;
    let mut b = conn.prepare(right).context(|| format!("running {right}"))?;
    let mut a_rows = a.query([]).context(|| format!("running {left}"))?;
    let mut b_rows = b.query([]).context(|| format!("running {right}"))?;
    loop {
        let x = a_rows.next().context(|| format!("reading {left}"))?.map(map_left).transpose();
        let y = b_rows.next().context(|| format!("reading {right}"))?.map(map_right).transpose();
        let (x, y) = (x.context(|| format!("reading {left}"))?, y.context(|| format!("reading {right}"))?);
        if x.is_none() && y.is_none() {
            return Ok(());
        }
        visit(x, y)?;
    }
}

/// Reads a row as the JSON its event logged, with the event it names.
pub type LoggedRow = fn(&Row) -> rusqlite::Result<(serde_json::Value, Option<i64>)>;

/// Every triage row logged with its own event, in the order logged.
pub const TRIAGE_ROWS: &str = "SELECT finding, state, note, by, at, event FROM finding_triage t \
     WHERE NOT EXISTS (SELECT 1 FROM event e WHERE e.seq = t.event AND e.kind = 'batch') ORDER BY seq";

/// Every triage row logged in a reconcile's batch, in the order logged.
pub(super) const BATCHED_TRIAGE_ROWS: &str = "SELECT finding, state, note, by, at, event FROM finding_triage t \
     WHERE EXISTS (SELECT 1 FROM event e WHERE e.seq = t.event AND e.kind = 'batch') ORDER BY seq";

/// Every triage row logged in a reconcile's batch, in the order logged: the step as logged
/// and the batch it names, one row at a time.
pub fn walk_batched_triage(
    conn: &Connection,
    mut visit: impl FnMut(serde_json::Value, i64) -> Result<()>,
) -> Result<()> {
    let what = || "reading the triage steps logged in batches".to_string();
    let mut stmt = conn.prepare(BATCHED_TRIAGE_ROWS).context(what)?;
    let mut rows = stmt.query([]).context(what)?;
    while let Some(row) = rows.next().context(what)? {
        let (value, event) = triage_row(row).context(what)?;
        visit(value, event.expect("a batched row names its batch"))?;
    }
    Ok(())
}

/// A triage row as its event logged it, with the event it names.
pub fn triage_row(r: &Row) -> rusqlite::Result<(serde_json::Value, Option<i64>)> {
    let entry = TriageEntry::from_row(r)?;
    Ok((serde_json::to_value(entry).expect("triage serialises"), r.get(5)?))
}

/// A settings row as the audit log holds it, with its event.
pub fn setting_row(r: &Row) -> rusqlite::Result<(serde_json::Value, Option<i64>)> {
    let recorded: Timestamp = col(r, "setting", "recorded")?;
    Ok((
        serde_json::json!({
            "key": col::<String>(r, "setting", "key")?,
            "value": col::<String>(r, "setting", "value")?,
            "logged_by": col::<String>(r, "setting", "logged_by")?,
            "recorded": recorded,
        }),
        col(r, "setting", "event")?,
    ))
}

/// A correction row as the audit log holds it, with its event.
pub fn correction_as_logged(r: &Row) -> rusqlite::Result<(serde_json::Value, Option<i64>)> {
    let stored = correction_row(r)?;
    let logged = LoggedCorrection { correction: &stored.correction, before: &stored.before };
    Ok((to_json(&logged), Some(stored.event)))
}

/// The rows claimtrack walks beside the events that log them: (SQL, mapper).
pub const SETTING_ROWS: &str = "SELECT seq, key, value, logged_by, recorded, event FROM setting ORDER BY seq";
pub const CORRECTION_ROWS: &str =
    "SELECT seq, target, kind, change, before, reason, logged_by, recorded, event FROM correction ORDER BY seq";

/// The findings whose state is not the one their last triage set: (id, state, last set).
pub fn findings_off_their_triage(conn: &Connection) -> Result<Vec<(String, String, Option<String>)>> {
    let sql = "SELECT id, state, last FROM (SELECT f.id, f.state, \
               (SELECT t.state FROM finding_triage t WHERE t.finding = f.id ORDER BY t.seq DESC LIMIT 1) AS last \
               FROM finding f) WHERE last IS NULL OR last <> state ORDER BY id";
    let mut stmt = conn.prepare(sql).context(|| "checking the findings against their triage".into())?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .context(|| "checking the findings against their triage".into())?;
    rows.collect::<rusqlite::Result<_>>().context(|| "checking the findings against their triage".into())
}

/// The keys of the records that have corrections, as (kind, target).
pub fn corrected_records(conn: &Connection) -> Result<std::collections::HashSet<(String, String)>> {
    let mut stmt =
        conn.prepare("SELECT DISTINCT kind, target FROM correction").context(|| "reading the corrections".into())?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).context(|| "reading the corrections".into())?;
    rows.collect::<rusqlite::Result<_>>().context(|| "reading the corrections".into())
}
