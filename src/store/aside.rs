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
//! A first reconcile (no finding stored yet) sets aside the insert triggers of `finding` and
//! `finding_triage` and their secondary indexes: it writes every finding, and building an
//! index once from the rows, sorted, costs less than keeping it as each row comes; the writer
//! writes each new finding's `finding_about` rows itself ([`SetAside::writes_about`]). It also
//! writes without checking `CHECK` constraints ([`Unchecked`]).
//!
//! Into a claim table still (nearly) empty, a batched write sets the claim table's secondary
//! indexes aside too, as the sqlite3 shell's fastest load does. They come back at once,
//! mid-write, when a reference points ahead ([`SetAside::indexes_back`]): the deferred foreign
//! keys then have a violation outstanding, and while one is, SQLite looks up the children of
//! every parent row inserted (a claim's proposition, party, source) through these indexes;
//! without them, a scan of every claim.

use crate::error::{Context, Result};
use rusqlite::Connection;

/// Triggers taken out of the schema for a batched write, and what they would have done.
pub struct SetAside {
    /// (name, table, SQL) of each trigger dropped, in the schema's order.
    triggers: Vec<(String, String, String)>,
    /// (table, rows when the triggers were dropped) of each table whose tally trigger is out.
    counted: Vec<(String, i64)>,
    /// The SQL of each index dropped, made again after the triggers.
    indexes: Vec<String>,
}

/// A batched write sets the claim table's indexes aside only while it holds fewer rows than
/// this: the write's own rows dominate the index build, as they do a bulk load's.
const FEW_CLAIMS: i64 = 10_000;

impl SetAside {
    /// Drops the insert triggers named above (a table's `_search`, `_tally` and, before any
    /// reconcile has stored readings, `_reconcile`) and notes the row counts of the tables
    /// whose rows they counted; and the claim table's indexes while it holds fewer than
    /// [`FEW_CLAIMS`] rows and no reference points ahead (see the module's notes).
    pub fn take(tx: &Connection) -> Result<SetAside> {
        SetAside::drop(
            tx,
            "name = tbl_name || '_search' OR name = tbl_name || '_tally' \
             OR name = tbl_name || '_reconcile' AND NOT EXISTS (SELECT 1 FROM reconcile_state)",
            &format!(
                "tbl_name = 'claim' AND sql IS NOT NULL AND (SELECT count(*) FROM claim) < {FEW_CLAIMS} \
                 AND NOT EXISTS (SELECT 1 FROM temp.pending_reference)"
            ),
        )
    }

    /// Makes the indexes set aside again now: before a reference that points ahead is
    /// written, or anything that may read claims by another column.
    pub fn indexes_back(&mut self, tx: &Connection) -> Result<()> {
        for sql in self.indexes.drain(..) {
            tx.execute_batch(&sql).context(|| "making the claim table's indexes again".to_string())?;
        }
        Ok(())
    }

    /// For a first reconcile (no finding stored; `None` otherwise): drops the tally and
    /// `finding_about` insert triggers of `finding` and `finding_triage` and their secondary
    /// indexes. A linked finding written by one batch is read back by a later one through
    /// `finding_about`, so the writer keeps that table as it goes; the rest waits for the end.
    pub fn take_findings(tx: &Connection) -> Result<Option<SetAside>> {
        let none: bool = tx
            .query_row("SELECT NOT EXISTS (SELECT 1 FROM finding)", [], |r| r.get(0))
            .context(|| "looking for stored findings".into())?;
        if !none {
            return Ok(None);
        }
        let tables = "tbl_name IN ('finding', 'finding_triage')";
        let triggers = format!("{tables} AND (name = tbl_name || '_tally' OR name = 'finding_about_insert')");
        Ok(Some(SetAside::drop(tx, &triggers, &format!("{tables} AND sql IS NOT NULL"))?))
    }

    /// Drops the triggers and the indexes (declared ones: their SQL is not null) that match
    /// the conditions on `sqlite_schema`.
    fn drop(tx: &Connection, triggers: &str, which_indexes: &str) -> Result<SetAside> {
        let what = || "setting the row triggers aside for a large write".to_string();
        let sql = |kind: &str, which: &str| {
            format!("SELECT name, tbl_name, sql FROM sqlite_schema WHERE type = '{kind}' AND ({which}) ORDER BY rowid")
        };
        let listed = |sql: &str| -> Result<Vec<(String, String, String)>> {
            tx.prepare(sql)
                .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect())
                .context(what)
        };
        let triggers = listed(&sql("trigger", triggers))?;
        let mut counted = Vec::new();
        for (name, table, _) in &triggers {
            if *name == format!("{table}_tally") {
                let rows =
                    tx.query_row(&format!("SELECT count(*) FROM \"{table}\""), [], |r| r.get(0)).context(what)?;
                counted.push((table.clone(), rows));
            }
            tx.execute_batch(&format!("DROP TRIGGER \"{name}\"")).context(what)?;
        }
        let mut indexes = Vec::new();
        for (name, _, sql) in listed(&sql("index", which_indexes))? {
            tx.execute_batch(&format!("DROP INDEX \"{name}\"")).context(what)?;
            indexes.push(sql);
        }
        Ok(SetAside { triggers, counted, indexes })
    }

    /// Whether new findings' `finding_about` rows are the writer's to write (their trigger is
    /// set aside).
    pub fn writes_about(&self) -> bool {
        self.triggers.iter().any(|(name, _, _)| name == "finding_about_insert")
    }

    /// Whether the rows of `table` are no longer queued for the index by a trigger (the
    /// writer hands them to the indexer itself).
    pub fn indexes(&self, table: &str) -> bool {
        self.triggers.iter().any(|(name, t, _)| t == table && *name == format!("{table}_search"))
    }

    /// Adds the rows written since [`SetAside::take`] to the tally and makes the triggers and
    /// the indexes again.
    pub fn restore(self, tx: &Connection) -> Result<()> {
        let what = || "putting the row triggers back after a large write".to_string();
        for (table, before) in &self.counted {
            tx.execute(
                &format!("UPDATE tally SET n = n + (SELECT count(*) FROM \"{table}\") - ?1 WHERE tbl = ?2"),
                rusqlite::params![before, table],
            )
            .context(what)?;
        }
        for sql in self.triggers.iter().map(|t| &t.2).chain(&self.indexes) {
            tx.execute_batch(sql).context(what)?;
        }
        Ok(())
    }
}

/// `PRAGMA ignore_check_constraints` for as long as it is held, off again when dropped (an
/// error that rolls the write back leaves no connection unchecked). For a first reconcile:
/// every value it writes is a Rust enum's text or serde's JSON, and `json_valid` over each
/// proposition's whole reading was a twentieth of its CPU; `verify`'s `integrity_check`
/// checks every `CHECK` constraint.
pub struct Unchecked<'a>(&'a Connection);

impl<'a> Unchecked<'a> {
    pub fn start(tx: &'a Connection) -> Result<Unchecked<'a>> {
        tx.pragma_update(None, "ignore_check_constraints", true).context(|| "writing unchecked".into())?;
        Ok(Unchecked(tx))
    }
}

impl Drop for Unchecked<'_> {
    fn drop(&mut self) {
        // Setting a flag fails only on a closed connection, which checks nothing anyway.
        let _ = self.0.pragma_update(None, "ignore_check_constraints", false);
    }
}
