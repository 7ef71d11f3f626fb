//! The row-by-row triggers a batched write sets aside while it loads, and does the work of
//! once at the end: each `AFTER INSERT` trigger that queues a row's text for the index
//! (`*_search`), counts it (`*_tally`), or queues it for a reconcile (`*_reconcile`, only while
//! no reconcile has stored readings, when their `WHEN` clause is false anyway). With any
//! trigger on a table, SQLite runs every insert into it as a nested program with a statement
//! journal (a copy of each page it touches); without them an insert is a plain insert. The
//! writer hands the indexer each record it inserts ([`super::search::Indexer::push`]); the
//! counts are added from the tables' row counts; then the triggers are made again from their
//! own SQL, all in the write's transaction (an error anywhere rolls the schema back too).
//!
//! Into a claim table still (nearly) empty, the claim table's secondary indexes are set aside
//! too and made again from their SQL at the end, as the sqlite3 shell's fastest load does: one
//! sort per index instead of a B-tree insert per row. They come back at once, mid-write, when
//! a reference points ahead: the deferred foreign keys then have a violation outstanding, and
//! while one is, SQLite looks up the children of every parent row inserted (a claim's
//! proposition, party, source) through these indexes; without them, a scan of every claim.

use crate::error::{Context, Result};
use rusqlite::Connection;

/// Triggers taken out of the schema for a batched write, and what they would have done.
pub struct SetAside {
    /// (name, table, SQL) of each trigger dropped, in the schema's order.
    triggers: Vec<(String, String, String)>,
    /// (table, rows when the triggers were dropped) of each table whose tally trigger is out.
    counted: Vec<(String, i64)>,
    /// (name, SQL) of each index of the claim table dropped, until they are made again.
    claim_indexes: Vec<(String, String)>,
}

/// The claim table's indexes are set aside only while it holds fewer rows than this: the
/// write's own rows dominate the index build, as they do a bulk load's.
const FEW_CLAIMS: i64 = 10_000;

impl SetAside {
    /// Drops the insert triggers named above (a table's `_search`, `_tally` and, before any
    /// reconcile has stored readings, `_reconcile`) and notes the row counts of the tables
    /// whose rows they counted.
    pub fn take(tx: &Connection) -> Result<SetAside> {
        let what = || "setting the row triggers aside for a large write".to_string();
        let triggers: Vec<(String, String, String)> = tx
            .prepare(
                "SELECT name, tbl_name, sql FROM sqlite_schema WHERE type = 'trigger' AND (name = tbl_name || '_search' \
                 OR name = tbl_name || '_tally' \
                 OR name = tbl_name || '_reconcile' AND NOT EXISTS (SELECT 1 FROM reconcile_state)) ORDER BY rowid",
            )
            .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect())
            .context(what)?;
        let mut counted = Vec::new();
        for (name, table, _) in &triggers {
            if *name == format!("{table}_tally") {
                let rows =
                    tx.query_row(&format!("SELECT count(*) FROM \"{table}\""), [], |r| r.get(0)).context(what)?;
                counted.push((table.clone(), rows));
            }
            tx.execute_batch(&format!("DROP TRIGGER \"{name}\"")).context(what)?;
        }
        // Not while a reference already points ahead (see the module's notes).
        let claim_indexes: Vec<(String, String)> = tx
            .prepare(
                "SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'claim' AND sql IS NOT NULL \
                 AND (SELECT count(*) FROM claim) < ?1 AND NOT EXISTS (SELECT 1 FROM temp.pending_reference) ORDER BY rowid",
            )
            .and_then(|mut s| s.query_map([FEW_CLAIMS], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
            .context(what)?;
        for (name, _) in &claim_indexes {
            tx.execute_batch(&format!("DROP INDEX \"{name}\"")).context(what)?;
        }
        Ok(SetAside { triggers, counted, claim_indexes })
    }

    /// Makes the claim table's indexes again, if they are set aside: before a reference that
    /// points ahead is written, or anything that may read claims by another column.
    pub fn indexes_back(&mut self, tx: &Connection) -> Result<()> {
        for (_, sql) in self.claim_indexes.drain(..) {
            tx.execute_batch(&sql).context(|| "making the claim table's indexes again".to_string())?;
        }
        Ok(())
    }

    /// Whether the rows of `table` are no longer queued for the index by a trigger (the
    /// writer hands them to the indexer itself).
    pub fn indexes(&self, table: &str) -> bool {
        self.triggers.iter().any(|(name, t, _)| t == table && *name == format!("{table}_search"))
    }

    /// Adds the rows written since [`SetAside::take`] to the tally and makes the indexes and
    /// the triggers again.
    pub fn restore(mut self, tx: &Connection) -> Result<()> {
        self.indexes_back(tx)?;
        let what = || "putting the row triggers back after a large write".to_string();
        for (table, before) in &self.counted {
            tx.execute(
                &format!("UPDATE tally SET n = n + (SELECT count(*) FROM \"{table}\") - ?1 WHERE tbl = ?2"),
                rusqlite::params![before, table],
            )
            .context(what)?;
        }
        for (_, _, sql) in &self.triggers {
            tx.execute_batch(sql).context(what)?;
        }
        Ok(())
    }
}
