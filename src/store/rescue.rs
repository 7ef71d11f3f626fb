//! The bundle of a database that holds values claimtrack cannot read (changed behind its back,
//! or written by an older version that let them in): every row is exported, the unreadable
//! values as they are stored, so that a rescue never stops at one bad cell.

use super::bundle;
use crate::error::{Context, Error, Result, Unreadable};
use crate::model::{Bundle, RecordKind};
use rusqlite::types::Value as Sql;
use rusqlite::Connection;
use serde_json::Value;

/// One value the typed reading refused, and what the table holds there.
pub struct Rescued {
    pub cell: Unreadable,
    pub stored: Value,
    /// A correction set the value: the bundle carries it in the correction, and the record
    /// keeps the value it was first logged with.
    pub corrected: bool,
}

/// The bundle of `conn`, read from a copy in memory in which each unreadable value is
/// replaced by one that reads (NULL where the column allows it, else the column's value in
/// another row); [`restore`] then puts the stored values back in the bundle's JSON. The
/// database itself is only read.
pub fn rescue_bundle(conn: &Connection) -> Result<(Bundle, Vec<Rescued>)> {
    let sql = |what: &str| format!("copying the database to rescue it: {what}");
    let mut copy = Connection::open_in_memory().context(|| sql("opening memory"))?;
    rusqlite::backup::Backup::new(conn, &mut copy)
        .and_then(|b| b.run_to_completion(1024, std::time::Duration::ZERO, None))
        .context(|| sql("the online backup"))?;
    // The copy is thrown away: the triggers that keep history append-only would refuse the
    // stand-in values.
    let triggers: Vec<String> = copy
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger'")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .context(|| sql("listing triggers"))?;
    for t in triggers {
        copy.execute_batch(&format!("DROP TRIGGER \"{t}\"")).context(|| sql("dropping a trigger"))?;
    }
    copy.execute_batch("PRAGMA ignore_check_constraints = ON; PRAGMA foreign_keys = OFF")
        .context(|| sql("settings"))?;
    let mut rescued: Vec<Rescued> = Vec::new();
    loop {
        match bundle(&copy) {
            Ok(bundle) => {
                for r in &mut rescued {
                    let field = field_of(&r.cell);
                    r.corrected = bundle.corrections.iter().any(|c| {
                        c.target == r.cell.row
                            && c.kind.is_none_or(|k| k.as_str() == r.cell.table)
                            && c.set.contains_key(field)
                    });
                }
                return Ok((bundle, rescued));
            }
            // A stand-in that does not read either: nothing more can be done.
            Err(Error::Unreadable(cell)) if rescued.iter().any(|r| r.cell == cell) => {
                return Err(Error::Unreadable(cell))
            }
            Err(Error::Unreadable(cell)) => {
                let Some(stored) = stand_in(&copy, &cell)? else { return Err(Error::Unreadable(cell)) };
                rescued.push(Rescued { cell, stored, corrected: false });
            }
            Err(other) => return Err(other),
        }
    }
}

/// The SQL that finds a row by the id [`Unreadable`] names it with.
fn key_of(table: &str) -> &'static str {
    match table {
        "link" => "from_claim || ' ' || rel || ' ' || to_claim",
        "retraction" => "target",
        _ => "id",
    }
}

/// Replaces the unreadable value in the copy with one that reads, and gives the value as
/// stored; `None` when the row or column cannot be found, or no stand-in exists.
fn stand_in(copy: &Connection, cell: &Unreadable) -> Result<Option<Value>> {
    let (table, column) = (cell.table, &cell.column);
    let columns: Vec<(String, bool)> = copy
        .prepare(&format!("SELECT name, \"notnull\" FROM pragma_table_info('{table}')"))
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .context(|| format!("reading the columns of {table}"))?;
    let Some((_, not_null)) = columns.iter().find(|(name, _)| name == column) else { return Ok(None) };
    let key = key_of(table);
    let found: Option<(i64, Sql)> = copy
        .query_row(&format!("SELECT rowid, \"{column}\" FROM \"{table}\" WHERE {key} = ?1"), [&cell.row], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .map(Some)
        .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })
        .context(|| format!("reading table {table}, row {}", cell.row))?;
    let Some((rowid, stored)) = found else { return Ok(None) };
    let replacement: Option<Sql> = if *not_null {
        copy.query_row(
            &format!("SELECT \"{column}\" FROM \"{table}\" WHERE rowid <> ?1 AND \"{column}\" IS NOT NULL LIMIT 1"),
            [rowid],
            |r| r.get(0),
        )
        .map(Some)
        .or_else(|e| if e == rusqlite::Error::QueryReturnedNoRows { Ok(None) } else { Err(e) })
        .context(|| format!("reading table {table}"))?
    } else {
        Some(Sql::Null)
    };
    let Some(replacement) = replacement else { return Ok(None) };
    copy.execute(
        &format!("UPDATE \"{table}\" SET \"{column}\" = ?1 WHERE rowid = ?2"),
        rusqlite::params![replacement, rowid],
    )
    .context(|| format!("standing in for table {table}, row {}", cell.row))?;
    Ok(Some(match stored {
        Sql::Null => Value::Null,
        Sql::Integer(i) => Value::from(i),
        Sql::Real(x) => serde_json::Number::from_f64(x).map_or_else(|| Value::String(x.to_string()), Value::Number),
        Sql::Text(t) => Value::String(t),
        Sql::Blob(b) => Value::String(String::from_utf8_lossy(&b).into_owned()),
    }))
}

/// Puts the stored values back into one record of a bundle or JSON Lines (`kind` is its
/// table), in place of their stand-ins. A value a later correction replaced is left to the
/// correction, which carries it.
pub fn restore(kind: RecordKind, record: &mut Value, rescued: &[Rescued]) {
    let text = |field: &str| record.get(field).and_then(Value::as_str).unwrap_or_default().to_string();
    let id = match kind {
        RecordKind::Link => format!("{} {} {}", text("from"), text("rel"), text("to")),
        RecordKind::Retraction => text("target"),
        _ => text("id"),
    };
    for r in rescued.iter().filter(|r| !r.corrected && r.cell.table == kind.as_str() && r.cell.row == id) {
        if let Some(object) = record.as_object_mut() {
            object.insert(field_of(&r.cell).to_string(), r.stored.clone());
        }
    }
}

/// The record's field a column holds (a link's `from_claim` is its `from`).
fn field_of(cell: &Unreadable) -> &str {
    cell.column.strip_suffix("_claim").unwrap_or(&cell.column)
}
