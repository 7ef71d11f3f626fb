//! What a present-day reconcile must read again (schema.sql, migration 10): the records the
//! triggers queued since the last one, turned into the propositions they bear on, and the
//! propositions whose dates may have come to count since the day it read.

use crate::date::Date;
use crate::error::{Context, Result};
use crate::model::{Bearing, Follow, LinkReach, LinkRel, RecordKind, TargetKind, BEARINGS};
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::BTreeSet;

/// The propositions to read again, and whether the loops of sources may have changed.
#[derive(Debug, Default)]
pub struct Stale {
    pub propositions: BTreeSet<String>,
    /// A source or a derivation was written: the loops no claim rests on are read again.
    pub sources: bool,
}

/// Whether the stored readings are older than the data: something waits in the queue, no
/// present-day reconcile has run yet, or the last one read another day.
pub fn is_stale(conn: &Connection, today: Date) -> Result<bool> {
    let waiting: bool = conn
        .query_row("SELECT EXISTS (SELECT 1 FROM reconcile_queue)", [], |r| r.get(0))
        .context(|| "reading the reconcile queue".into())?;
    Ok(waiting || last_as_of(conn)? != Some(today.to_string()))
}

fn last_as_of(conn: &Connection) -> Result<Option<String>> {
    conn.query_row("SELECT as_of FROM reconcile_state", [], |r| r.get(0))
        .optional()
        .context(|| "reading the day of the last reconcile".into())
}

/// What to read again as of `today`: every proposition when `full` or when no present-day
/// reconcile has run, else what the queue and the passing days touched.
pub fn stale(conn: &Connection, today: Date, full: bool) -> Result<Stale> {
    let last = last_as_of(conn)?;
    if full || last.is_none() {
        let propositions = strings(conn, "SELECT id FROM proposition", params![])?;
        return Ok(Stale { propositions: propositions.into_iter().collect(), sources: true });
    }
    let mut t = Touched::default();
    let queued: Vec<(RecordKind, String)> = conn
        .prepare_cached("SELECT kind, record FROM reconcile_queue")
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .context(|| "reading the reconcile queue".into())?;
    for (kind, record) in queued {
        match kind {
            RecordKind::Proposition => {
                t.propositions.insert(record);
            }
            RecordKind::Claim => t.claims.push(record),
            RecordKind::Source => t.sources.push(record),
            RecordKind::Party => party(conn, &record, &mut t)?,
            // The triggers queue only the four kinds above (the queue's CHECK).
            RecordKind::Link
            | RecordKind::Request
            | RecordKind::Retraction
            | RecordKind::Verdict
            | RecordKind::Correction => {}
        }
    }
    if let Some(last) = last.filter(|l| *l != today.to_string()) {
        days_between(conn, &last, today, &mut t)?;
    }
    let sources = !t.sources.is_empty();
    t.expand(conn)?;
    Ok(Stale { propositions: t.propositions, sources })
}

/// Empties the queue and notes the day read: the last step of a present-day reconcile.
pub fn settle(tx: &Connection, as_of: Date) -> Result<()> {
    tx.execute("DELETE FROM reconcile_queue", []).context(|| "emptying the reconcile queue".into())?;
    tx.execute("INSERT OR REPLACE INTO reconcile_state (one, as_of) VALUES (1, ?1)", [as_of.to_string()])
        .context(|| "noting the day of the reconcile".into())?;
    Ok(())
}

/// What the queue named, on its way to the propositions it bears on.
#[derive(Default)]
struct Touched {
    propositions: BTreeSet<String>,
    claims: Vec<String>,
    sources: Vec<String>,
}

impl Touched {
    /// Sources to the claims resting on them or downstream; claims to their propositions
    /// and those of every claim linked to them, following the links whose other end reads
    /// them (`cites` backwards, `supersedes` both ways: a chain or loop of them decides
    /// which claim stands).
    fn expand(&mut self, conn: &Connection) -> Result<()> {
        let mut seen_sources = BTreeSet::new();
        for s in std::mem::take(&mut self.sources) {
            if !seen_sources.insert(s.clone()) {
                continue;
            }
            self.claims.extend(strings(
                conn,
                "WITH RECURSIVE down(id) AS (SELECT ?1 UNION SELECT d.source FROM source_derivation d JOIN down ON d.derived_from = down.id) \
                 SELECT c.id FROM claim c WHERE c.source IN down UNION SELECT b.claim FROM claim_basis b WHERE b.source IN down",
                params![s],
            )?);
        }
        let mut seen = BTreeSet::new();
        while let Some(c) = self.claims.pop() {
            if !seen.insert(c.clone()) {
                continue;
            }
            self.propositions.extend(strings(conn, "SELECT proposition FROM claim WHERE id = ?1", params![c])?);
            let links: Vec<(String, LinkRel, String)> = conn
                .prepare_cached(
                    "SELECT from_claim, rel, to_claim FROM link WHERE from_claim = ?1 \
                     UNION ALL SELECT from_claim, rel, to_claim FROM link WHERE to_claim = ?1",
                )
                .and_then(|mut s| s.query_map([&c], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect())
                .context(|| format!("reading the links of {c}"))?;
            for (from, rel, to) in links {
                let other = if from == c { to } else { from.clone() };
                // The other way from model/bearing.rs: who reads `c` through the link.
                match rel.reach() {
                    LinkReach::Standing => self.claims.push(other),
                    LinkReach::Cited if from != c => self.claims.push(other),
                    LinkReach::Cited | LinkReach::Opposed | LinkReach::Unread => self.propositions.extend(strings(
                        conn,
                        "SELECT proposition FROM claim WHERE id = ?1",
                        params![other],
                    )?),
                }
            }
        }
        Ok(())
    }
}

/// A corrected party, and every party below it (a party's organisation is the top of its
/// `parent` chain, so a changed parent moves the organisation of all the parties under it):
/// every record naming one of them in a field model/bearing.rs declares [`Follow::Party`]
/// (what it said or relayed, was asked or is expected to say, and the sources it publishes:
/// their labels name it).
fn party(conn: &Connection, id: &str, t: &mut Touched) -> Result<()> {
    // UNION, not UNION ALL: a `parent` loop ends where it would repeat.
    let below = strings(
        conn,
        "WITH RECURSIVE below(id) AS (SELECT ?1 UNION SELECT p.id FROM party p JOIN below b ON p.parent = b.id) \
         SELECT id FROM below",
        params![id],
    )?;
    for party in &below {
        for (sql, into) in BEARINGS.iter().filter(|b| b.follow == Follow::Party).filter_map(naming) {
            let found = strings(conn, sql, params![party])?;
            match into {
                RecordKind::Claim => t.claims.extend(found),
                RecordKind::Source => t.sources.extend(found),
                _ => t.propositions.extend(found),
            }
        }
    }
    Ok(())
}

/// The records naming a party (`?1`) in one field, and what they are: claims, sources, or
/// the propositions they are on.
fn naming(b: &Bearing) -> Option<(&'static str, RecordKind)> {
    Some(match (b.kind, b.field) {
        (RecordKind::Claim, "party") => ("SELECT id FROM claim WHERE party = ?1", RecordKind::Claim),
        (RecordKind::Claim, "via") => ("SELECT id FROM claim WHERE via = ?1", RecordKind::Claim),
        (RecordKind::Source, "publisher") => ("SELECT id FROM source WHERE publisher = ?1", RecordKind::Source),
        (RecordKind::Proposition, "expected") => {
            ("SELECT proposition FROM proposition_expected WHERE party = ?1", RecordKind::Proposition)
        }
        (RecordKind::Request, "party") => ("SELECT proposition FROM request WHERE party = ?1", RecordKind::Proposition),
        (RecordKind::Request, "by") => ("SELECT proposition FROM request WHERE by_party = ?1", RecordKind::Proposition),
        _ => return None,
    })
}

/// The records with a date that may have come to count, or a deadline that may have passed,
/// between the day `last` and `today`: any date from the start of `last`'s year up to
/// `today` (a coarse window, read again rather than missed; docs/RECONCILER.md).
fn days_between(conn: &Connection, last: &str, today: Date, t: &mut Touched) -> Result<()> {
    let from = last.get(..4).unwrap_or(last).to_string();
    let to = today.to_string();
    let window = |column: &str| format!("{column} >= ?1 AND substr({column}, 1, 10) <= ?2");
    t.claims.extend(strings(conn, &format!("SELECT id FROM claim WHERE {}", window("stated")), params![from, to])?);
    t.sources.extend(strings(
        conn,
        &format!("SELECT id FROM source WHERE {}", window("published")),
        params![from, to],
    )?);
    t.propositions.extend(strings(
        conn,
        &format!("SELECT proposition FROM request WHERE ({}) OR ({})", window("asked"), window("deadline")),
        params![from, to],
    )?);
    let retracted: Vec<(TargetKind, String)> = conn
        .prepare(&format!("SELECT target_kind, target FROM retraction WHERE {}", window("date")))
        .and_then(|mut s| s.query_map(params![from, to], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .context(|| "reading the retractions of the days since the last reconcile".into())?;
    for (kind, target) in retracted {
        match kind {
            TargetKind::Claim => t.claims.push(target),
            TargetKind::Source => t.sources.push(target),
        }
    }
    Ok(())
}

fn strings(conn: &Connection, sql: &str, args: impl rusqlite::Params) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(sql).context(|| format!("running {sql}"))?;
    let rows = stmt.query_map(args, |r| r.get(0)).context(|| format!("running {sql}"))?;
    rows.collect::<rusqlite::Result<_>>().context(|| format!("reading rows of {sql}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every party a reading follows has its query here, and nothing else does: a party
    /// field added to model/bearing.rs must say what a changed party makes stale.
    #[test]
    fn a_changed_party_is_followed_back_through_every_party_field_the_table_declares() {
        for b in BEARINGS {
            assert_eq!(naming(b).is_some(), b.follow == Follow::Party, "{}.{}", b.kind, b.field);
        }
    }
}
