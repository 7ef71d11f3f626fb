//! The cheap check every command makes on opening (schema.sql, migration 9): the audit log
//! ends where claimtrack last left it, the guarded tables hold as many rows as then, and
//! every trigger the schema made is still there. Constant time; `verify` is the full check.

use super::audit::GENESIS;
use super::SCHEMA;
use crate::error::{Context, Result};
use rusqlite::{Connection, OptionalExtension};

/// The triggers the schema leaves, in the order it made them: each migration's
/// `CREATE TRIGGER`s less the ones a later migration dropped.
pub fn expected_triggers() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Vec::new();
    for line in SCHEMA.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["CREATE", "TRIGGER", "IF", "NOT", "EXISTS", name, ..] | ["CREATE", "TRIGGER", name, ..] => {
                names.push(name)
            }
            ["DROP", "TRIGGER", "IF", "EXISTS", name] | ["DROP", "TRIGGER", name] => {
                let name = name.trim_end_matches(';');
                names.retain(|n| *n != name);
            }
            _ => {}
        }
    }
    names
}

/// What is wrong, in words, or `None` when the database is as claimtrack left it.
pub fn check(conn: &Connection) -> Result<Option<String>> {
    let what = || "checking the end of the audit log".to_string();
    let head: Option<(i64, String, i64)> = conn
        .query_row("SELECT seq, hash, rows FROM chain_head", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()
        .context(what)?;
    let Some((seq, hash, rows)) = head else {
        return Ok(Some("the note of where the audit log ends (table chain_head) is gone".into()));
    };
    let (last, last_hash) = tail(conn)?;
    if (last, last_hash.as_str()) != (seq, hash.as_str()) {
        return Ok(Some(format!(
            "the audit log ends at event {last}, but claimtrack left it ending at event {seq}{}",
            if last == seq { " with another hash" } else { "" }
        )));
    }
    let counted: i64 = conn.query_row("SELECT coalesce(sum(n), 0) FROM tally", [], |r| r.get(0)).context(what)?;
    if counted != rows {
        return Ok(Some(format!(
            "the tables hold {counted} rows, but claimtrack left {rows}: rows were added or deleted with plain SQL"
        )));
    }
    let present: Vec<String> = conn
        .prepare_cached("SELECT name FROM sqlite_schema WHERE type = 'trigger'")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .context(what)?;
    let missing: Vec<&str> = expected_triggers().into_iter().filter(|t| !present.iter().any(|p| p == t)).collect();
    if !missing.is_empty() {
        return Ok(Some(format!(
            "{} of claimtrack's triggers {} gone ({})",
            missing.len(),
            if missing.len() == 1 { "is" } else { "are" },
            missing.join(", ")
        )));
    }
    Ok(None)
}

/// Notes where the log ends and how many rows there are: the last step of every write.
pub fn seal(tx: &Connection) -> Result<()> {
    let (seq, hash) = tail(tx)?;
    tx.prepare_cached(
        "INSERT OR REPLACE INTO chain_head (one, seq, hash, rows) VALUES (1, ?1, ?2, (SELECT coalesce(sum(n), 0) FROM tally))",
    )
    .and_then(|mut s| s.execute(rusqlite::params![seq, hash]))
    .context(|| "noting the end of the audit log".into())?;
    Ok(())
}

/// The last event's seq and hash (0 and the genesis hash for an empty log).
fn tail(conn: &Connection) -> Result<(i64, String)> {
    let last: Option<(i64, String)> = conn
        .prepare_cached("SELECT seq, hash FROM event ORDER BY seq DESC LIMIT 1")
        .and_then(|mut s| s.query_row([], |r| Ok((r.get(0)?, r.get(1)?))).optional())
        .context(|| "reading the end of the audit log".into())?;
    Ok(last.unwrap_or_else(|| (0, GENESIS.to_string())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_triggers_the_schema_leaves_are_the_triggers_a_new_database_has() {
        let store = crate::store::Store::memory().unwrap();
        let mut present: Vec<String> = store
            .conn()
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let mut expected: Vec<String> = expected_triggers().into_iter().map(String::from).collect();
        expected.sort();
        present.sort();
        assert_eq!(present, expected);
        assert!(expected.iter().any(|t| t == "claim_no_delete"));
    }
}
