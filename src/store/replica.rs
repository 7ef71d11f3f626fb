//! What a replica knows of its desk (schema.sql, migration 13; docs/DESK.md): the desk's URL
//! and the role it connects as, how far it has pulled and pushed, the desk entries it holds,
//! the events its pulls wrote, and the conflicts waiting for a person.

use super::audit::{self, Event};
use super::{corrections_of, walk_records_of};
use crate::desk::{Entry, Role};
use crate::error::{Context, Result};
use crate::model::{revert, RecordKind};
use rusqlite::{params, Connection, OptionalExtension};

/// The desk a database replicates.
#[derive(Clone, Debug)]
pub struct Replica {
    /// The desk's URL, without a password.
    pub url: String,
    /// The desk role it connects as: the user its writes are logged as.
    pub user: String,
    /// The group it had on the desk at the last clone or sync (None: no member, or not known
    /// yet): what it may write here.
    pub role: Option<Role>,
    /// The last desk seq pulled.
    pub pulled: i64,
    /// The last local event a push has considered.
    pub pushed: i64,
    pub last_sync: Option<String>,
}

/// One desk entry this replica holds.
#[derive(Clone, Debug, PartialEq)]
pub struct HeldEntry {
    pub desk_seq: i64,
    pub kind: String,
    pub record: String,
    pub key: String,
    pub pushed_by: String,
    pub arrived: String,
}

/// A conflict waiting for a person: the same id, other content.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Conflict {
    pub kind: String,
    pub record: String,
    /// Found pushing ("push") or pulling ("pull").
    pub direction: String,
    pub ours: serde_json::Value,
    pub theirs: serde_json::Value,
    /// Who pushed the desk's version, when known.
    pub pushed_by: Option<String>,
    pub noted: String,
}

/// The desk this database replicates, if it is a replica.
pub fn replica(conn: &Connection) -> Result<Option<Replica>> {
    conn.prepare_cached("SELECT url, user, pulled, pushed, last_sync, role FROM desk_replica WHERE id = 1")
        .and_then(|mut s| {
            s.query_row([], |r| {
                Ok(Replica {
                    url: r.get(0)?,
                    user: r.get(1)?,
                    role: r.get::<_, Option<String>>(5)?.as_deref().and_then(Role::named),
                    pulled: r.get(2)?,
                    pushed: r.get(3)?,
                    last_sync: r.get(4)?,
                })
            })
            .optional()
        })
        .context(|| "reading which desk this database replicates".into())
}

/// Makes this database a replica of the desk at `url`, as `user`, who has `role` there;
/// `pushed` is the last event already on the desk (a clone's).
pub fn become_replica(tx: &Connection, url: &str, user: &str, role: Role, pushed: i64) -> Result<()> {
    tx.execute(
        "INSERT INTO desk_replica (id, url, user, role, pushed) VALUES (1, ?1, ?2, ?3, ?4)",
        params![url, user, role.name(), pushed],
    )
    .context(|| "noting the desk this database replicates".into())?;
    Ok(())
}

/// Notes the role the replica's user has on the desk now (read at every sync).
pub fn note_role(tx: &Connection, role: Option<Role>) -> Result<()> {
    tx.execute("UPDATE desk_replica SET role = ?1 WHERE id = 1", [role.map(Role::name)])
        .context(|| "noting the replica's desk role".into())?;
    Ok(())
}

/// Refuses the local writes after event `after` (a transaction's own) that the replica's
/// desk role may not push: the desk would refuse them at every push, and since a push is all
/// or nothing, they would block every later push of the replica. The refusal is the desk's
/// own, said before anything is written (docs/DESK.md, section 3). Events a pull wrote are
/// the desk's, not refused.
pub fn refuse_beyond_role(tx: &Connection, r: &Replica, after: i64) -> Result<()> {
    let Some(role) = r.role.filter(|role| *role < Role::Editor) else { return Ok(()) };
    let refuse = |needed: Role, what: String| Err(crate::desk::refusal(&r.user, &r.url, Some(role), needed, &what));
    // The first refusal ends the walk.
    walk_unpushed(tx, after, |e| {
        if e.kind == "batch" {
            // A batch's closing event, or a reconcile's batch of its own triage steps.
            if e.body.get("opens").is_none() || e.action == "triage" {
                return Ok(());
            }
            return match editors_record_in_batch(tx, e.seq)? {
                Some((kind, id)) => refuse(Role::Editor, format!("importing {kind} {id}")),
                None if role < Role::Logger && batch_has_records(tx, e.seq)? => {
                    refuse(Role::Logger, "importing records".into())
                }
                None => Ok(()),
            };
        }
        let Some(entry) = Entry::of_event(&e) else { return Ok(()) };
        if role < entry.needs() {
            refuse(entry.needs(), format!("writing {} {}", entry.kind, entry.id))
        } else if entry.kind == "correction" && pushed_by_another(tx, &entry.id, &r.user)? {
            Err(crate::desk::others_record_refusal(&r.user, &r.url, &entry.id, &format!("correcting {}", entry.id)))
        } else {
            Ok(())
        }
    })
}

/// A verdict or retraction (an editor's records) the batch opened by event `seq` wrote.
fn editors_record_in_batch(tx: &Connection, seq: i64) -> Result<Option<(RecordKind, String)>> {
    for (kind, sql) in [
        (RecordKind::Verdict, "SELECT id FROM verdict WHERE event = ?1 LIMIT 1"),
        (RecordKind::Retraction, "SELECT target FROM retraction WHERE event = ?1 LIMIT 1"),
    ] {
        let id: Option<String> = tx
            .prepare_cached(sql)
            .and_then(|mut s| s.query_row([seq], |r| r.get(0)).optional())
            .context(|| format!("reading the {kind}s of batch {seq}"))?;
        if let Some(id) = id {
            return Ok(Some((kind, id)));
        }
    }
    Ok(None)
}

/// Whether the batch opened by event `seq` wrote records (a batch of other rows, such as a
/// reconcile's, pushes nothing).
fn batch_has_records(tx: &Connection, seq: i64) -> Result<bool> {
    let sql = RecordKind::TABLED
        .iter()
        .map(|kind| format!("EXISTS (SELECT 1 FROM {kind} WHERE event = ?1)"))
        .collect::<Vec<_>>()
        .join(" OR ");
    tx.prepare_cached(&format!("SELECT {sql}"))
        .and_then(|mut s| s.query_row([seq], |r| r.get(0)))
        .context(|| format!("reading the records of batch {seq}"))
}

/// Whether the desk holds `record` as pushed by someone other than `user` only: a logger may
/// not correct it (desk.sql's policy). A record the desk does not hold yet is the user's own:
/// their push brings it first. A record in conflict may be corrected here, to read as the
/// desk's (the push then sends nothing: docs/DESK.md, section 6).
fn pushed_by_another(tx: &Connection, record: &str, user: &str) -> Result<bool> {
    let (any, mine): (i64, i64) = tx
        .prepare_cached(
            "SELECT count(*), count(*) FILTER (WHERE pushed_by = ?2) FROM desk_entry WHERE record = ?1 \
             AND kind IN ('party', 'source', 'proposition', 'claim', 'request', 'verdict') \
             AND NOT EXISTS (SELECT 1 FROM desk_conflict WHERE record = ?1)",
        )
        .and_then(|mut s| s.query_row([record, user], |r| Ok((r.get(0)?, r.get(1)?))))
        .context(|| format!("reading who pushed {record}"))?;
    Ok(any > 0 && mine == 0)
}

/// Notes that a push considered every event up to `last_event`, and that the desk holds
/// `entries` (given their seqs by the push).
pub fn note_pushed(tx: &Connection, last_event: i64, entries: &[HeldEntry]) -> Result<()> {
    for e in entries {
        hold(tx, e)?;
    }
    tx.execute("UPDATE desk_replica SET pushed = max(pushed, ?1) WHERE id = 1", [last_event])
        .context(|| "noting what was pushed".into())?;
    Ok(())
}

/// Notes a desk entry this replica now holds.
pub fn hold(tx: &Connection, e: &HeldEntry) -> Result<()> {
    tx.prepare_cached(
        "INSERT OR IGNORE INTO desk_entry (desk_seq, kind, record, key, pushed_by, arrived) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .and_then(|mut s| s.execute(params![e.desk_seq, e.kind, e.record, e.key, e.pushed_by, e.arrived]))
    .context(|| format!("noting desk entry {}", e.desk_seq))?;
    Ok(())
}

/// Notes the end of a pull: the last desk seq it read, and the local events it wrote (none
/// when `first_event > last_event`).
pub fn note_pulled(tx: &Connection, desk_seq: i64, first_event: i64, last_event: i64) -> Result<()> {
    if first_event <= last_event {
        tx.execute("INSERT INTO desk_pull (first_event, last_event) VALUES (?1, ?2)", [first_event, last_event])
            .context(|| "noting the events the pull wrote".into())?;
    }
    tx.execute("UPDATE desk_replica SET pulled = max(pulled, ?1) WHERE id = 1", [desk_seq])
        .context(|| "noting what was pulled".into())?;
    Ok(())
}

/// Notes when the replica last synced.
pub fn note_sync(tx: &Connection, at: &str) -> Result<()> {
    tx.execute("UPDATE desk_replica SET last_sync = ?1 WHERE id = 1", [at]).context(|| "noting the sync".into())?;
    Ok(())
}

/// The desk seq of the entry of this kind and key, if the replica holds it.
pub fn desk_seq_of(conn: &Connection, kind: &str, key: &str) -> Result<Option<i64>> {
    conn.prepare_cached("SELECT desk_seq FROM desk_entry WHERE kind = ?1 AND key = ?2")
        .and_then(|mut s| s.query_row([kind, key], |r| r.get(0)).optional())
        .context(|| format!("looking up the desk entry of {kind} {key}"))
}

/// Whether the replica holds the entry with this desk seq.
pub fn holds(conn: &Connection, desk_seq: i64) -> Result<bool> {
    conn.prepare_cached("SELECT 1 FROM desk_entry WHERE desk_seq = ?1")
        .and_then(|mut s| s.exists([desk_seq]))
        .context(|| format!("looking up desk entry {desk_seq}"))
}

/// Who pushed the entries of this record to the desk, by kind and key, in desk order.
pub fn pushers_of(conn: &Connection, record: &str) -> Result<Vec<HeldEntry>> {
    let what = || format!("reading who pushed {record}");
    let mut stmt = conn
        .prepare_cached(
            "SELECT desk_seq, kind, record, key, pushed_by, arrived FROM desk_entry WHERE record = ?1 ORDER BY desk_seq",
        )
        .context(what)?;
    let rows = stmt.query_map([record], held_row).context(what)?;
    rows.collect::<rusqlite::Result<_>>().context(what)
}

fn held_row(r: &rusqlite::Row) -> rusqlite::Result<HeldEntry> {
    Ok(HeldEntry {
        desk_seq: r.get(0)?,
        kind: r.get(1)?,
        record: r.get(2)?,
        key: r.get(3)?,
        pushed_by: r.get(4)?,
        arrived: r.get(5)?,
    })
}

/// The last event of the audit log (0 for none).
pub fn last_event(conn: &Connection) -> Result<i64> {
    conn.query_row("SELECT coalesce(max(seq), 0) FROM event", [], |r| r.get(0))
        .context(|| "reading the end of the audit log".into())
}

/// The events after `after` that a push sends: every one but those a pull wrote, in chain
/// order, one at a time.
pub fn walk_unpushed(conn: &Connection, after: i64, mut visit: impl FnMut(Event) -> Result<()>) -> Result<()> {
    let what = || "reading the events to push".to_string();
    let sql = format!(
        "SELECT {} FROM event e WHERE seq > ?1 AND NOT EXISTS \
         (SELECT 1 FROM desk_pull p WHERE e.seq BETWEEN p.first_event AND p.last_event) ORDER BY seq",
        audit::EVENT_COLUMNS
    );
    let mut stmt = conn.prepare(&sql).context(what)?;
    let mut rows = stmt.query([after]).context(what)?;
    while let Some(row) = rows.next().context(what)? {
        visit(audit::event_row(row).context(what)?)?;
    }
    Ok(())
}

/// How many events after `after` a push would consider (those a pull wrote left out).
pub fn count_unpushed(conn: &Connection, after: i64) -> Result<i64> {
    conn.query_row(
        "SELECT count(*) FROM event e WHERE seq > ?1 AND NOT EXISTS \
         (SELECT 1 FROM desk_pull p WHERE e.seq BETWEEN p.first_event AND p.last_event) \
         AND NOT (kind = 'batch' AND (json_extract(body, '$.opens') IS NULL OR action = 'triage')) \
         AND NOT (kind = 'triage' AND json_extract(body, '$.by') = 'reconcile')",
        [after],
        |r| r.get(0),
    )
    .context(|| "counting the events to push".into())
}

/// The records the batch opened by event `seq` wrote, each as first logged, with its kind and
/// key, in the order they were written, one at a time (by the tables' event index).
pub fn walk_batch(
    conn: &Connection,
    seq: i64,
    mut visit: impl FnMut(RecordKind, String, serde_json::Value) -> Result<()>,
) -> Result<()> {
    for kind in RecordKind::TABLED {
        walk_records_of(conn, kind, Some(seq), |key, row, _| {
            let corrections = corrections_of(conn, kind, &key)?;
            let first = corrections.iter().rev().fold(row, |v, c| revert(&v, &c.before));
            visit(kind, key, first)
        })?;
    }
    Ok(())
}

/// Notes a conflict (the latest versions of the same conflict replace the earlier).
pub fn note_conflict(tx: &Connection, c: &Conflict) -> Result<()> {
    tx.prepare_cached(
        "INSERT OR REPLACE INTO desk_conflict (kind, record, direction, ours, theirs, pushed_by, noted) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )
    .and_then(|mut s| {
        s.execute(params![
            c.kind,
            c.record,
            c.direction,
            audit::canonical(&c.ours),
            audit::canonical(&c.theirs),
            c.pushed_by,
            c.noted
        ])
    })
    .context(|| format!("noting the conflict over {} {}", c.kind, c.record))?;
    Ok(())
}

/// The conflict waiting over the record `record` (not over one of its corrections), if any.
pub fn conflict_over(conn: &Connection, record: &str) -> Result<Option<Conflict>> {
    Ok(conflicts_where(conn, "WHERE record = ?1 AND kind <> 'correction'", [record])?.pop())
}

/// The conflicts waiting for a person, oldest first.
pub fn conflicts(conn: &Connection) -> Result<Vec<Conflict>> {
    conflicts_where(conn, "", [])
}

fn conflicts_where(conn: &Connection, filter: &str, params: impl rusqlite::Params) -> Result<Vec<Conflict>> {
    let what = || "reading the desk conflicts".to_string();
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT kind, record, direction, ours, theirs, pushed_by, noted FROM desk_conflict {filter} ORDER BY noted, kind, record"
        ))
        .context(what)?;
    let rows = stmt
        .query_map(params, |r| {
            let json = |i: usize| -> rusqlite::Result<serde_json::Value> {
                let text: String = r.get(i)?;
                Ok(serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)))
            };
            Ok(Conflict {
                kind: r.get(0)?,
                record: r.get(1)?,
                direction: r.get(2)?,
                ours: json(3)?,
                theirs: json(4)?,
                pushed_by: r.get(5)?,
                noted: r.get(6)?,
            })
        })
        .context(what)?;
    rows.collect::<rusqlite::Result<_>>().context(what)
}

/// Forgets the conflicts over a record that no longer conflicts (the same content on both
/// sides now, or the person logged theirs anew).
pub fn clear_conflict(tx: &Connection, kind: &str, record: &str) -> Result<()> {
    tx.prepare_cached("DELETE FROM desk_conflict WHERE kind = ?1 AND record = ?2")
        .and_then(|mut s| s.execute([kind, record]))
        .context(|| format!("clearing the conflict over {kind} {record}"))?;
    Ok(())
}
