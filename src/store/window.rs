//! A window of the audit log: what entered this database between two moments of its
//! knowledge. Every record row names the event that added it (a bulk import's batch
//! included), so what a window added is read through the indexes on `event`; with the
//! corrections and triage logged in it, it says which propositions the window touched:
//! `claimtrack changes` and `report --since` read only those, never the whole story twice.

use super::findings::finding;
use super::{
    correction_row, known_seq, link_row, list_of, proposition_of, retraction_row, source_row, with_derivations,
    CORRECTION_COLUMNS, SOURCE_COLUMNS,
};
use crate::date::{Date, Timestamp};
use crate::error::{Context, Result};
use crate::model::{RecordKind, TargetKind, TriageEntry, WindowLog};
use rusqlite::{params, Connection, Row};
use std::collections::BTreeSet;

/// The events logged after event `after`, up to and including event `through`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub after: i64,
    pub through: i64,
}

impl Window {
    /// The events logged from `since` on, up to `until` (the end of the log when none): the
    /// same cut as `--known-at` makes at either end.
    pub fn between(conn: &Connection, since: Timestamp, until: Option<Timestamp>) -> Result<Window> {
        let after = known_seq(conn, since.just_before())?;
        let through = match until {
            Some(t) => known_seq(conn, t)?,
            None => conn
                .query_row("SELECT coalesce(max(seq), 0) FROM event", [], |r| r.get(0))
                .context(|| "reading the audit log".into())?,
        };
        Ok(Window { after, through: through.max(after) })
    }
}

/// Reads what the window logged.
pub fn window_log(conn: &Connection, w: Window) -> Result<WindowLog> {
    let added = |table: &str| in_window(conn, w, &format!("SELECT id FROM {table}"), "id", |r| r.get(0));
    let mut sources = Vec::new();
    for s in in_window(conn, w, &format!("SELECT {SOURCE_COLUMNS} FROM source"), "id", source_row)? {
        sources.push(with_derivations(conn, s)?);
    }
    let triage =
        in_window(conn, w, "SELECT finding, state, note, by, at FROM finding_triage", "seq", TriageEntry::from_row)?;
    Ok(WindowLog {
        claims: added("claim")?,
        requests: added("request")?,
        propositions: added("proposition")?,
        verdicts: added("verdict")?,
        sources,
        links: in_window(conn, w, "SELECT * FROM link", "from_claim, rel, to_claim", link_row)?,
        retractions: in_window(conn, w, "SELECT * FROM retraction", "target", |r| {
            Ok((retraction_row(r)?, r.get("target_kind")?))
        })?,
        corrections: in_window(conn, w, &format!("SELECT {CORRECTION_COLUMNS} FROM correction"), "", correction_row)?,
        triage,
    })
}

/// The findings whose state changed in the window: found, reopened or cleared by
/// `reconcile`, or triaged by an editor.
pub fn findings_changed(conn: &Connection, w: Window) -> Result<BTreeSet<String>> {
    let ids = in_window(conn, w, "SELECT finding FROM finding_triage", "", |r| r.get(0))?;
    Ok(ids.into_iter().collect())
}

/// The rows of `select` added in the window, in the order they were logged (then by `then`).
/// The event table is windowed on its own `seq`, every other table on its `event` column.
fn in_window<T>(
    conn: &Connection,
    w: Window,
    select: &str,
    then: &str,
    map: impl FnMut(&Row) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let (column, glue) = if select.contains("FROM event") { ("seq", " AND") } else { ("event", " WHERE") };
    let glue = if select.contains(" WHERE ") { " AND" } else { glue };
    let order = if then.is_empty() { column.to_string() } else { format!("{column}, {then}") };
    let sql = format!("{select}{glue} {column} > ?1 AND {column} <= ?2 ORDER BY {order}");
    let mut stmt = conn.prepare_cached(&sql).context(|| format!("running {sql}"))?;
    let rows = stmt.query_map(params![w.after, w.through], map).context(|| format!("running {sql}"))?;
    rows.collect::<rusqlite::Result<_>>().context(|| format!("reading {sql}"))
}

/// Every proposition whose reading what the window logged may change: those of the claims,
/// requests and verdicts it added or corrected, of the claims it retracted or linked, of
/// every claim resting on a source it retracted or corrected (and of the claims citing
/// those), of the claims, requests and expectations of a party it corrected, the
/// propositions it added or corrected, and those of the findings it triaged. A record
/// corrected since counts where it stood before as well as where it stands now.
pub fn propositions_touched(conn: &Connection, w: Window, log: &WindowLog) -> Result<BTreeSet<String>> {
    let mut touched = Touched::default();
    touched.claims.extend(log.claims.iter().cloned());
    touched.requests.extend(log.requests.iter().cloned());
    touched.verdicts.extend(log.verdicts.iter().cloned());
    touched.propositions.extend(log.propositions.iter().cloned());
    for l in &log.links {
        touched.claims.extend([l.from.clone(), l.to.clone()]);
    }
    for (x, kind) in &log.retractions {
        match kind {
            TargetKind::Claim => touched.claims.insert(x.target.clone()),
            TargetKind::Source => touched.sources.insert(x.target.clone()),
        };
    }
    for c in &log.corrections {
        touched.record(conn, c.correction.kind, &c.correction.target)?;
    }
    touched.rest_on(conn, touched.sources.iter().cloned().collect())?;
    touched.citing(conn)?;
    for t in &log.triage {
        if let Some(f) = finding(conn, &t.finding)? {
            touched.propositions.extend(f.propositions.iter().chain(&f.proposition).cloned());
        }
    }
    touched.propositions_now_and_before(conn, w)
}

/// The records a window touched, gathered kind by kind.
#[derive(Default)]
struct Touched {
    claims: BTreeSet<String>,
    requests: BTreeSet<String>,
    verdicts: BTreeSet<String>,
    sources: BTreeSet<String>,
    propositions: BTreeSet<String>,
}

impl Touched {
    /// A corrected record; a party touches its claims, requests and expectations.
    fn record(&mut self, conn: &Connection, kind: Option<RecordKind>, id: &str) -> Result<()> {
        let id = id.to_string();
        match kind {
            Some(RecordKind::Claim) => self.claims.insert(id),
            Some(RecordKind::Request) => self.requests.insert(id),
            Some(RecordKind::Verdict) => self.verdicts.insert(id),
            Some(RecordKind::Source) => self.sources.insert(id),
            Some(RecordKind::Proposition) => self.propositions.insert(id),
            Some(RecordKind::Party) => {
                self.claims.extend(list_of(conn, "SELECT id FROM claim WHERE party = ?1", &id)?);
                self.requests.extend(list_of(conn, "SELECT id FROM request WHERE party = ?1", &id)?);
                let expected = "SELECT proposition FROM proposition_expected WHERE party = ?1";
                self.propositions.extend(list_of(conn, expected, &id)?);
                true
            }
            _ => false,
        };
        Ok(())
    }

    /// The claims read in or resting on these sources or any source derived from them.
    fn rest_on(&mut self, conn: &Connection, mut todo: Vec<String>) -> Result<()> {
        let mut seen = BTreeSet::new();
        while let Some(source) = todo.pop() {
            if !seen.insert(source.clone()) {
                continue;
            }
            todo.extend(list_of(conn, "SELECT source FROM source_derivation WHERE derived_from = ?1", &source)?);
            self.claims.extend(list_of(conn, "SELECT id FROM claim WHERE source = ?1", &source)?);
            self.claims.extend(list_of(conn, "SELECT claim FROM claim_basis WHERE source = ?1", &source)?);
        }
        Ok(())
    }

    /// The claims that cite a touched claim, and those citing them in turn: they rest on
    /// what it rests on.
    fn citing(&mut self, conn: &Connection) -> Result<()> {
        let mut todo: Vec<String> = self.claims.iter().cloned().collect();
        while let Some(claim) = todo.pop() {
            for from in list_of(conn, "SELECT from_claim FROM link WHERE to_claim = ?1 AND rel = 'cites'", &claim)? {
                if self.claims.insert(from.clone()) {
                    todo.push(from);
                }
            }
        }
        Ok(())
    }

    /// The propositions of every touched record: where it stands now, and where it stood
    /// before each correction logged since the window began.
    fn propositions_now_and_before(mut self, conn: &Connection, w: Window) -> Result<BTreeSet<String>> {
        let records = [
            (RecordKind::Claim, &self.claims),
            (RecordKind::Request, &self.requests),
            (RecordKind::Verdict, &self.verdicts),
        ];
        for (kind, ids) in records {
            for id in ids {
                self.propositions.extend(proposition_of(conn, Some(kind), id)?);
            }
        }
        for c in super::corrections_after(conn, w.after)? {
            let ids = match c.correction.kind {
                Some(RecordKind::Claim) => &self.claims,
                Some(RecordKind::Request) => &self.requests,
                _ => continue,
            };
            if ids.contains(&c.correction.target) {
                let before = c.before.get("proposition").and_then(|p| p.as_str());
                self.propositions.extend(before.map(str::to_string));
            }
        }
        Ok(self.propositions)
    }
}

/// The requests whose deadline may have passed in a window from `since` to the `as_of`
/// day, with their propositions: the deadline ends after `since` and starts before that
/// day. (Whether it passed unanswered is for the reading to say.)
pub fn requests_due(conn: &Connection, since: Timestamp, as_of: Date) -> Result<Vec<(String, String)>> {
    // A deadline that ends after `since` starts in its year or later; text order is time order.
    let year = since.0.format("%Y").to_string();
    let sql = "SELECT id, proposition, deadline FROM request WHERE deadline >= ?1 ORDER BY id";
    let mut stmt = conn.prepare_cached(sql).context(|| format!("running {sql}"))?;
    let rows = stmt
        .query_map([year], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, Date>(2)?)))
        .context(|| format!("running {sql}"))?;
    let mut due = Vec::new();
    for row in rows {
        let (id, proposition, deadline) = row.context(|| format!("reading {sql}"))?;
        if deadline.end() > since.0 && deadline.passed_by(&as_of) {
            due.push((id, proposition));
        }
    }
    Ok(due)
}
