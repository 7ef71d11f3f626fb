//! Findings as stored: the reconciler's last word on each, the editor's triage of it, and
//! the reading of each proposition the last present-day reconcile stored.

use crate::date::{Date, Timestamp};
use crate::error::{Context, Error, Result};
use crate::model::{
    CarriedFinding, Finding, FindingFacts, FindingKind, FindingState, Severity, Status, TriageEntry, TriageStep,
};
use crate::reconcile::{merge, Change, Outcome, Position};
use rusqlite::{params, Connection, OptionalExtension, Row, ToSql};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What a reconcile changed in the stored findings: how many of each, and the first of
/// them in the order a reading lists findings (as many as asked for), so that memory does
/// not grow with the findings a first reconcile opens.
#[derive(Debug, Default)]
pub struct Changes {
    pub new: usize,
    pub reopened: usize,
    pub cleared: usize,
    pub updated: usize,
    /// Whether a loop that claims of a proposition rest on was found, reopened or cleared:
    /// the loops no claim rests on may have changed.
    pub moved_loops: bool,
    /// The first changed findings in listing order, at most `keep` of them.
    pub first: Vec<Changed>,
    /// How many of them `first` keeps (`None`: every one).
    pub keep: Option<usize>,
    /// How many changes were seen: the order they happened in.
    seen: usize,
}

/// What a reconcile did to one finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChangeKind {
    New,
    Reopened,
    Cleared,
}

/// One changed finding: its place in listing order (see [`Finding::sort`]), what changed and
/// when in the run.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Changed {
    pub key: crate::model::OrderKey,
    pub what: ChangeKind,
    /// Its place among the run's changes.
    pub seq: usize,
}

impl Changes {
    /// Changes that keep the first `keep` changed findings (`None`: all of them).
    pub fn keeping(keep: Option<usize>) -> Changes {
        Changes { keep, ..Changes::default() }
    }

    /// How many findings opened, reopened or cleared.
    pub fn len(&self) -> usize {
        self.new + self.reopened + self.cleared
    }

    /// Counts one change, and keeps it if it is among the first `keep` in listing order.
    fn note(&mut self, what: ChangeKind, f: &Finding) {
        match what {
            ChangeKind::New => self.new += 1,
            ChangeKind::Reopened => self.reopened += 1,
            ChangeKind::Cleared => self.cleared += 1,
        }
        self.moved_loops |= f.kind == FindingKind::CircularSourcing && f.proposition.is_some();
        self.seen += 1;
        let changed = Changed { key: f.order_key(), what, seq: self.seen };
        let Some(keep) = self.keep else {
            self.first.push(changed);
            return;
        };
        if self.first.len() >= keep && self.first.last().is_none_or(|last| last.key <= changed.key) {
            return;
        }
        let at = self.first.partition_point(|c| c.key < changed.key);
        self.first.insert(at, changed);
        self.first.truncate(keep);
    }

    /// The changed findings kept, in listing order.
    pub fn first_in_order(&mut self) -> &[Changed] {
        if self.keep.is_none() {
            self.first.sort();
        }
        &self.first
    }
}

fn finding_row(r: &Row) -> rusqlite::Result<Finding> {
    let list = |column: &str| -> rusqlite::Result<Vec<String>> {
        let text: String = r.get(column)?;
        serde_json::from_str(&text).map_err(|e| bad_json(column, e))
    };
    let facts: String = r.get("facts")?;
    let facts: FindingFacts = serde_json::from_str(&facts).map_err(|e| bad_json("facts", e))?;
    let mut f = Finding {
        id: r.get("id")?,
        kind: r.get("kind")?,
        severity: r.get("severity")?,
        proposition: r.get("proposition")?,
        propositions: Vec::new(),
        parties: list("parties")?,
        claims: list("claims")?,
        reason: r.get("reason")?,
        detail: r.get("detail")?,
        requests: Vec::new(),
        related: Vec::new(),
        roots: Vec::new(),
        state: r.get("state")?,
        note: r.get("note")?,
        state_by: r.get("state_by")?,
        evidence: r.get("evidence")?,
    };
    f.set_facts(facts);
    // Findings stored before `propositions` existed bear on their one proposition.
    if f.propositions.is_empty() {
        f.propositions.extend(f.proposition.clone());
    }
    Ok(f)
}

fn bad_json(column: &str, e: serde_json::Error) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, format!("finding.{column}: {e}").into())
}

/// Every stored finding, most severe first.
pub fn findings(conn: &Connection) -> Result<Vec<Finding>> {
    Ok(findings_where(conn, &FindingFilter::default())?.0)
}

/// The order findings are listed in, `Finding::sort` in SQL: most severe first, then by
/// proposition, kind (as declared), parties and id. The expression is the one
/// `finding_in_order` (schema.sql, migration 16) indexes, so that the first page of a state
/// is read from the index, not sorted from every finding.
fn in_order() -> String {
    let rank = |column: &str, words: &[&str]| {
        let whens: String = words.iter().enumerate().map(|(i, w)| format!(" WHEN '{w}' THEN {i}")).collect();
        format!("(CASE {column}{whens} ELSE {} END)", words.len())
    };
    let severities: Vec<&str> = Severity::ALL.iter().map(|s| s.as_str()).collect();
    let kinds: Vec<&str> = FindingKind::ALL.iter().map(|k| k.as_str()).collect();
    format!("ORDER BY {}, proposition, {}, parties, id", rank("severity", &severities), rank("kind", &kinds))
}

/// Which stored findings to list, and which page of them.
#[derive(Default)]
pub struct FindingFilter {
    pub kind: Option<FindingKind>,
    pub state: Option<FindingState>,
    pub proposition: Option<String>,
    pub party: Option<String>,
    /// Only these findings (those changed in a window).
    pub ids: Option<BTreeSet<String>>,
    /// At most this many, after skipping `offset` of them.
    pub limit: Option<usize>,
    pub offset: usize,
}

/// The stored findings a filter keeps, in listing order and paged, with how many it keeps
/// in all. The filters go into the SQL, so a page costs its rows, not every finding.
pub fn findings_where(conn: &Connection, f: &FindingFilter) -> Result<(Vec<Finding>, usize)> {
    let ids = f.ids.as_ref().map(|ids| serde_json::to_string(ids).expect("ids serialise"));
    let given: Vec<(&str, Option<String>)> = vec![
        ("kind = ?", f.kind.map(|k| k.as_str().to_string())),
        ("state = ?", f.state.map(|s| s.as_str().to_string())),
        ("proposition = ?", f.proposition.clone()),
        ("EXISTS (SELECT 1 FROM json_each(parties) WHERE value = ?)", f.party.clone()),
        ("id IN (SELECT value FROM json_each(?))", ids),
    ];
    let given: Vec<(&str, String)> = given.into_iter().filter_map(|(c, v)| v.map(|v| (c, v))).collect();
    let conditions: Vec<String> =
        given.iter().enumerate().map(|(i, (c, _))| c.replace('?', &format!("?{}", i + 1))).collect();
    let filter = if conditions.is_empty() { String::new() } else { format!(" WHERE {}", conditions.join(" AND ")) };
    let values = || rusqlite::params_from_iter(given.iter().map(|g| &g.1));
    let count_sql = format!("SELECT count(*) FROM finding{filter}");
    let total: i64 = conn
        .prepare_cached(&count_sql)
        .and_then(|mut s| s.query_row(values(), |r| r.get(0)))
        .context(|| "counting findings".into())?;
    let page = match f.limit {
        Some(n) => format!(" LIMIT {n} OFFSET {}", f.offset),
        None if f.offset > 0 => format!(" LIMIT -1 OFFSET {}", f.offset),
        None => String::new(),
    };
    let sql = format!("SELECT * FROM finding{filter} {}{page}", in_order());
    let mut stmt = conn.prepare_cached(&sql).context(|| "listing findings".into())?;
    let rows = stmt.query_map(values(), finding_row).context(|| "listing findings".into())?;
    let list = rows.collect::<rusqlite::Result<_>>().context(|| "reading findings".into())?;
    Ok((list, usize::try_from(total).unwrap_or_default()))
}

pub fn finding(conn: &Connection, id: &str) -> Result<Option<Finding>> {
    let mut stmt = conn.prepare_cached("SELECT * FROM finding WHERE id = ?1").context(|| format!("looking up {id}"))?;
    stmt.query_row([id], finding_row).optional().context(|| format!("reading finding {id}"))
}

/// Shows each computed finding with its stored triage, without writing (past views).
pub fn overlay(conn: &Connection, computed: &mut [Finding]) -> Result<()> {
    for f in computed {
        if let Some(s) = finding(conn, &f.id)?.filter(|s| s.state != FindingState::Cleared) {
            f.state = s.state;
            f.note = s.note.clone();
            f.state_by = s.state_by.clone();
        }
    }
    Ok(())
}

/// Merges a present-day reconcile of the whole story into the stored findings (see
/// [`merge`]) and stores each proposition's reading: its status, its positions and the whole
/// reading as JSON.
#[cfg(test)]
pub fn save(tx: &Connection, outcome: &mut Outcome, now: Timestamp) -> Result<Changes> {
    let stored: HashMap<String, Finding> = findings(tx)?.into_iter().map(|f| (f.id.clone(), f)).collect();
    let mut steps = Steps::new(tx, now)?;
    let mut changes = Changes::keeping(None);
    let mut part = ToStore::new(outcome.clone());
    save_part(tx, &mut part, &stored, &mut steps, &mut changes)?;
    outcome.findings = part.findings;
    steps.close(tx)?;
    Ok(changes)
}

/// The stored findings that bear on any of these propositions: what a reading of them is
/// held against.
pub fn findings_about(conn: &Connection, propositions: &[String]) -> Result<HashMap<String, Finding>> {
    let mut stmt = conn
        .prepare_cached("SELECT f.* FROM finding_about a JOIN finding f ON f.id = a.finding WHERE a.proposition = ?1")
        .context(|| "listing the findings of propositions".into())?;
    let mut out = HashMap::new();
    for p in propositions {
        let rows = stmt.query_map([p], finding_row).context(|| format!("listing the findings on {p}"))?;
        for f in rows {
            let f = f.context(|| format!("reading the findings on {p}"))?;
            out.insert(f.id.clone(), f);
        }
    }
    Ok(out)
}

/// The stored findings about no proposition (loops no claim rests on).
pub fn loose_findings(conn: &Connection) -> Result<HashMap<String, Finding>> {
    let mut stmt = conn
        .prepare_cached("SELECT * FROM finding WHERE proposition IS NULL")
        .context(|| "listing the findings about no proposition".into())?;
    let rows = stmt.query_map([], finding_row).context(|| "listing the findings about no proposition".into())?;
    rows.map(|f| f.map(|f| (f.id.clone(), f))).collect::<rusqlite::Result<_>>().context(|| "reading findings".into())
}

/// The loops the live claims of every proposition rest on, by name: the first root of each
/// stored circular-sourcing finding about a proposition that has not cleared.
pub fn used_loops(conn: &Connection) -> Result<std::collections::BTreeSet<String>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT DISTINCT json_extract(facts, '$.roots[0]') FROM finding \
             WHERE kind = 'circular-sourcing' AND proposition IS NOT NULL AND state <> 'cleared'",
        )
        .context(|| "listing the loops claims rest on".into())?;
    let rows = stmt.query_map([], |r| r.get::<_, Option<String>>(0)).context(|| "listing loops".into())?;
    let names: Vec<Option<String>> = rows.collect::<rusqlite::Result<_>>().context(|| "reading loops".into())?;
    Ok(names.into_iter().flatten().collect())
}

/// Every stored finding that has not cleared, in the order of a reading: what the last
/// present-day reconcile found, with its triage.
pub fn live_findings(conn: &Connection) -> Result<Vec<Finding>> {
    let mut all = findings(conn)?;
    all.retain(|f| f.state != FindingState::Cleared);
    Finding::sort(&mut all);
    Ok(all)
}

/// How many stored findings of each kind have not cleared.
pub fn live_findings_by_kind(conn: &Connection) -> Result<BTreeMap<FindingKind, usize>> {
    let mut stmt = conn
        .prepare_cached("SELECT kind, count(*) FROM finding WHERE state <> 'cleared' GROUP BY kind")
        .context(|| "counting findings".into())?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).context(|| "counting findings".into())?;
    rows.collect::<rusqlite::Result<_>>().context(|| "counting findings".into())
}

/// The stored status of one proposition.
pub fn stored_status(conn: &Connection, proposition: &str) -> Result<Option<String>> {
    conn.prepare_cached("SELECT status FROM proposition_outcome WHERE proposition = ?1")
        .and_then(|mut s| s.query_row([proposition], |r| r.get(0)).optional())
        .context(|| format!("reading the status of {proposition}"))
}

/// Each proposition's stored reading, by id: its status and the reading as JSON (`None`
/// when only the statuses are wanted).
pub fn stored_readings(conn: &Connection, with_json: bool) -> Result<Vec<(String, String, Option<String>)>> {
    let sql = if with_json {
        "SELECT proposition, status, outcome FROM proposition_outcome ORDER BY proposition"
    } else {
        "SELECT proposition, status, NULL FROM proposition_outcome ORDER BY proposition"
    };
    let mut stmt = conn.prepare_cached(sql).context(|| "reading the stored readings".into())?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .context(|| "reading the stored readings".into())?;
    rows.collect::<rusqlite::Result<_>>().context(|| "reading the stored readings".into())
}

/// A reading made ready to store: its findings, and each proposition's reading as
/// `proposition_outcome` and `position` hold it. Serialising the readings is pure work, done
/// where the reading is made (a reconcile's rules thread), so that the writer only writes.
pub struct ToStore {
    pub as_of: Date,
    pub findings: Vec<Finding>,
    pub readings: Vec<StoredReading>,
}

/// One proposition's reading as stored: its status, its positions and the whole reading as
/// JSON.
pub struct StoredReading {
    pub id: String,
    status: Status,
    json: String,
    positions: Vec<Position>,
}

impl ToStore {
    /// Serialises each proposition's reading, and drops the rest of it here.
    pub fn new(outcome: Outcome) -> ToStore {
        let Outcome { as_of, findings, propositions, .. } = outcome;
        let mut buffer = Vec::new();
        let readings = propositions
            .into_iter()
            .map(|p| {
                buffer.clear();
                serde_json::to_writer(&mut buffer, &p).expect("readings serialise");
                // Copied to its size: a batch's readings wait to be written, and the spare
                // room a growing buffer leaves would wait with them.
                let json = String::from_utf8(buffer.clone()).expect("JSON is UTF-8");
                StoredReading { json, id: p.id, status: p.status, positions: p.positions }
            })
            .collect();
        ToStore { as_of, findings, readings }
    }
}

/// Merges a reading into the stored findings it was read against (`stored`: for a reading
/// of some propositions, the findings about them), logs the triage steps that makes through
/// `steps`, counts what changed into `changes` and stores each proposition's reading.
pub fn save_part(
    tx: &Connection,
    outcome: &mut ToStore,
    stored: &HashMap<String, Finding>,
    steps: &mut Steps<'_>,
    changes: &mut Changes,
) -> Result<()> {
    let now = steps.now;
    let by_id: HashMap<String, usize> = outcome.findings.iter().enumerate().map(|(i, f)| (f.id.clone(), i)).collect();
    let mut found = Vec::new();
    for change in merge(stored, &mut outcome.findings) {
        match change {
            Change::New(id) => {
                let f = &outcome.findings[by_id[&id]];
                found.push(by_id[&id]);
                steps.log(tx, &f.id, FindingState::Open, Some("found"))?;
                changes.note(ChangeKind::New, f);
            }
            Change::Reopened { id, why } => {
                let f = &mut outcome.findings[by_id[&id]];
                update(tx, f, now)?;
                steps.set(tx, &f.id, FindingState::Open, Some(why))?;
                f.state_by = Some(RECONCILE.into());
                changes.note(ChangeKind::Reopened, f);
            }
            Change::Updated(id) => {
                update(tx, &outcome.findings[by_id[&id]], now)?;
                changes.updated += 1;
            }
            Change::Cleared(id) => {
                let why = "the evidence no longer supports it";
                steps.set(tx, &id, FindingState::Cleared, Some(why))?;
                changes.note(ChangeKind::Cleared, &stored[&id]);
            }
        }
    }
    // The new findings' rows go before the steps that name them.
    let about = steps.aside.as_ref().is_some_and(|a| a.writes_about());
    insert(tx, found.iter().map(|&i| &outcome.findings[i]), about, now)?;
    steps.flush(tx)?;
    save_readings(tx, outcome, now)
}

/// Rows written by one statement: a statement's own cost (its statement journal, its
/// triggers' setup) is paid once for this many rows, not for each.
const ROWS_AT_ONCE: usize = 64;

/// Executes `INSERT INTO {into} VALUES {row}, {row}, ...` for the rows whose values
/// `values` holds in order, `ROWS_AT_ONCE` rows to a statement.
fn insert_rows(tx: &Connection, into: &str, row: &str, values: &[&dyn ToSql], what: impl Fn() -> String) -> Result<()> {
    let width = row.matches('?').count();
    for chunk in values.chunks(width * ROWS_AT_ONCE) {
        let rows = vec![row; chunk.len() / width].join(", ");
        tx.prepare_cached(&format!("INSERT INTO {into} VALUES {rows}"))
            .and_then(|mut s| s.execute(rusqlite::params_from_iter(chunk)))
            .context(&what)?;
    }
    Ok(())
}

/// Who a reconcile's own triage steps are by.
const RECONCILE: &str = "reconcile";

/// A reconcile with at most this many triage steps of its own logs each with its own event,
/// as an editor's step is logged; one with more logs them all in one batch.
const STEPS_ALONE: usize = 500;

/// A present-day reconcile's own triage steps (found, reopened, cleared, carried from a
/// merged proposition), logged as it writes them. The first [`STEPS_ALONE`] are held: a run
/// with no more logs each with its own `triage` event when it ends, event first, then its
/// row naming it. Past that, the run's steps are logged in one batch (docs/INTEGRITY.md,
/// section 2), as `import --bulk` logs records: its opening event first, every step's row
/// naming it, and at the end the sealing event with their count and SHA-256. A first
/// reconcile of a million claims opens 340,000 findings with two events, not 340,000.
/// A first reconcile's steps also hold what it sets aside to write its findings
/// (store/aside.rs), until they close.
pub struct Steps<'a> {
    now: Timestamp,
    aside: Option<super::aside::SetAside>,
    unchecked: Option<super::aside::Unchecked<'a>>,
    held: Vec<TriageEntry>,
    batch: Option<super::audit::Batch>,
    /// Steps of the batch not written yet: written together, in the order logged, once the
    /// findings they name are.
    unwritten: Vec<TriageEntry>,
}

impl<'a> Steps<'a> {
    pub fn new(tx: &'a Connection, now: Timestamp) -> Result<Steps<'a>> {
        let aside = super::aside::SetAside::take_findings(tx)?;
        let unchecked = aside.as_ref().map(|_| super::aside::Unchecked::start(tx)).transpose()?;
        Ok(Steps { now, aside, unchecked, held: Vec::new(), batch: None, unwritten: Vec::new() })
    }

    /// Sets the state of finding `id` and logs the step.
    pub fn set(&mut self, tx: &Connection, id: &str, state: FindingState, note: Option<&str>) -> Result<()> {
        set_state(tx, id, state, note, RECONCILE, self.now)?;
        self.log(tx, id, state, note)
    }

    /// Logs one step of finding `id`, whose row has been given its new state.
    fn log(&mut self, tx: &Connection, id: &str, state: FindingState, note: Option<&str>) -> Result<()> {
        let entry = TriageEntry {
            finding: id.to_string(),
            state,
            note: note.map(str::to_string),
            by: RECONCILE.to_string(),
            at: self.now.to_string(),
        };
        if self.batch.is_none() {
            if self.held.len() < STEPS_ALONE {
                self.held.push(entry);
                return Ok(());
            }
            let batch = self.batch.insert(super::audit::Batch::open(tx, TRIAGE)?);
            for held in std::mem::take(&mut self.held) {
                batch.add_as(TRIAGE, &held);
                self.unwritten.push(held);
            }
        }
        let batch = self.batch.as_mut().expect("opened above");
        batch.add_as(TRIAGE, &entry);
        self.unwritten.push(entry);
        Ok(())
    }

    /// Writes the batch's steps logged so far, whose findings have been written.
    pub fn flush(&mut self, tx: &Connection) -> Result<()> {
        let (Some(batch), Some(first)) = (&self.batch, self.unwritten.first()) else { return Ok(()) };
        let event = batch.seq();
        let mut values: Vec<&dyn ToSql> = Vec::with_capacity(self.unwritten.len() * 6);
        for e in &self.unwritten {
            values.extend([&e.finding as &dyn ToSql, &e.state, &e.note, &e.by, &e.at, &event]);
        }
        let into = "finding_triage (finding, state, note, by, at, event)";
        let what = || format!("logging the triage of {} findings from {}", self.unwritten.len(), first.finding);
        insert_rows(tx, into, "(?, ?, ?, ?, ?, ?)", &values, what)?;
        self.unwritten.clear();
        Ok(())
    }

    /// Logs the steps held, or writes the batch's last steps and seals it; then puts back
    /// what was set aside.
    pub fn close(mut self, tx: &Connection) -> Result<()> {
        self.flush(tx)?;
        match self.batch {
            Some(batch) => batch.close(tx, TRIAGE)?,
            None => self.held.iter().try_for_each(|entry| log_step(tx, entry, TRIAGE))?,
        }
        drop(self.unchecked);
        self.aside.map_or(Ok(()), |aside| aside.restore(tx))
    }
}

/// The kind of a triage step's event, and the action of an editor's.
const TRIAGE: &str = "triage";

/// Removes the stored reading and positions of propositions no longer read on their own
/// (merged into another).
pub fn forget_readings<'a>(tx: &Connection, props: impl Iterator<Item = &'a String>) -> Result<()> {
    let what = || "removing the readings of merged propositions".to_string();
    for p in props {
        tx.prepare_cached("DELETE FROM position WHERE proposition = ?1")
            .and_then(|mut s| s.execute([p]))
            .context(what)?;
        tx.prepare_cached("DELETE FROM proposition_outcome WHERE proposition = ?1")
            .and_then(|mut s| s.execute([p]))
            .context(what)?;
    }
    Ok(())
}

/// Stores each proposition's reading and positions, replacing the last ones. A reading the
/// same as the one stored (its positions are part of it) leaves both as they are.
fn save_readings(tx: &Connection, outcome: &ToStore, now: Timestamp) -> Result<()> {
    let mut clear =
        tx.prepare_cached("DELETE FROM position WHERE proposition = ?1").context(|| "clearing positions".into())?;
    let mut reading = tx
        .prepare_cached(
            "INSERT INTO proposition_outcome (proposition, status, outcome, as_of, updated) VALUES (?1, ?2, ?3, ?4, ?5) \
             ON CONFLICT (proposition) DO UPDATE SET status = excluded.status, outcome = excluded.outcome, \
             as_of = excluded.as_of, updated = excluded.updated WHERE outcome <> excluded.outcome OR as_of <> excluded.as_of",
        )
        .context(|| "storing readings".into())?;
    let as_of = outcome.as_of.to_string();
    let mut positions: Vec<&dyn ToSql> = Vec::new();
    for p in &outcome.readings {
        let changed = reading
            .execute(params![p.id, p.status, p.json, as_of, now])
            .context(|| format!("storing the reading of {}", p.id))?;
        if changed == 0 {
            continue;
        }
        clear.execute([&p.id]).context(|| format!("clearing the positions on {}", p.id))?;
        for pos in &p.positions {
            positions.extend([&p.id as &dyn ToSql, &pos.party, &pos.stance, &pos.claim]);
        }
    }
    let into = "position (proposition, party, stance, claim)";
    insert_rows(tx, into, "(?, ?, ?, ?)", &positions, || "storing positions".into())
}

fn json(list: &[String]) -> String {
    serde_json::to_string(list).expect("a list of strings serialises")
}

fn facts(f: &Finding) -> String {
    serde_json::to_string(&f.facts()).expect("facts serialise")
}

/// Adds new findings, open and found by the reconcile, and with `about` the `finding_about`
/// rows their trigger would have (it is set aside).
fn insert<'a>(tx: &Connection, found: impl Iterator<Item = &'a Finding>, about: bool, now: Timestamp) -> Result<()> {
    let found: Vec<(&Finding, [String; 3])> =
        found.map(|f| (f, [json(&f.parties), json(&f.claims), facts(f)])).collect();
    let Some((first, _)) = found.first() else { return Ok(()) };
    let mut values: Vec<&dyn ToSql> = Vec::with_capacity(found.len() * 12);
    for (f, [parties, claims, facts]) in &found {
        values.extend([&f.id as &dyn ToSql, &f.kind, &f.severity, &f.proposition, parties, claims, &f.reason]);
        values.extend([&f.detail as &dyn ToSql, &f.evidence, facts, &now, &now]);
    }
    let into = "finding (id, kind, severity, proposition, parties, claims, reason, detail, evidence, facts, first_seen, updated, state, state_by)";
    let row = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', 'reconcile')";
    insert_rows(tx, into, row, &values, || format!("adding {} findings from {}", found.len(), first.id))?;
    if !about {
        return Ok(());
    }
    let mut values: Vec<&dyn ToSql> = Vec::new();
    for (f, _) in &found {
        let on: BTreeSet<&String> = f.proposition.iter().chain(&f.propositions).collect();
        for p in on {
            values.extend([p as &dyn ToSql, &f.id]);
        }
    }
    insert_rows(tx, "finding_about (proposition, finding)", "(?, ?)", &values, || {
        format!("noting the propositions of {} findings from {}", found.len(), first.id)
    })
}

fn update(tx: &Connection, f: &Finding, now: Timestamp) -> Result<()> {
    tx.prepare_cached(
        "UPDATE finding SET severity = ?2, proposition = ?3, parties = ?4, claims = ?5, reason = ?6, detail = ?7, evidence = ?8, facts = ?9, updated = ?10 WHERE id = ?1",
    )
    .and_then(|mut s| {
        s.execute(params![f.id, f.severity, f.proposition, json(&f.parties), json(&f.claims), f.reason, f.detail, f.evidence, facts(f), now])
    })
    .context(|| format!("updating finding {}", f.id))?;
    Ok(())
}

/// Sets a finding's state, as its triage step (logged beside) says.
fn set_state(
    tx: &Connection,
    id: &str,
    state: FindingState,
    note: Option<&str>,
    by: &str,
    now: Timestamp,
) -> Result<()> {
    tx.prepare_cached("UPDATE finding SET state = ?2, note = ?3, state_by = ?4, updated = ?5 WHERE id = ?1")
        .and_then(|mut s| s.execute(params![id, state, note, by, now]))
        .context(|| format!("setting the state of finding {id}"))?;
    Ok(())
}

/// Logs one step of a finding's triage with its own event: the event first, then the row
/// of the triage history naming it.
fn log_step(tx: &Connection, entry: &TriageEntry, action: &str) -> Result<()> {
    let seq = super::audit::append(tx, action, TRIAGE, &entry.finding, entry)?;
    insert_step(tx, entry, seq)
}

/// Appends a step to the triage history, naming the event that logged it.
fn insert_step(tx: &Connection, e: &TriageEntry, event: i64) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO finding_triage (finding, state, note, by, at, event) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )
    .and_then(|mut s| s.execute(params![e.finding, e.state, e.note, e.by, e.at, event]))
    .context(|| format!("logging the triage of finding {}", e.finding))?;
    Ok(())
}

/// A finding carried from another database (an import), with its triage: written when it is
/// not here yet; when it is, the steps of its carried history that follow the ones stored
/// are added (the same file imported twice adds nothing). Returns whether anything was.
pub fn carry_finding(tx: &Connection, f: &CarriedFinding, action: &str) -> Result<bool> {
    let Some(last) = f.triage.last() else {
        return Err(Error::input(format!("findings: {} has no triage; a finding's first step is 'open'", f.id)));
    };
    let stored = triage_history(tx, Some(&f.id))?;
    let same = |a: &TriageEntry, b: &TriageStep| a.state == b.state && a.note == b.note && a.by == b.by && a.at == b.at;
    let shared = stored.iter().zip(&f.triage).take_while(|(a, b)| same(a, b)).count();
    if shared < stored.len() {
        return Ok(false);
    }
    for (i, step) in f.triage[shared..].iter().enumerate() {
        let entry = TriageEntry::of(&f.id, step);
        let seq = super::audit::append(tx, action, TRIAGE, &f.id, &entry)?;
        // A finding new here is written after its first step's event.
        if stored.is_empty() && i == 0 {
            tx.prepare_cached(
                "INSERT INTO finding (id, kind, severity, proposition, parties, claims, reason, detail, evidence, facts, state, note, state_by, first_seen, updated) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    f.id, f.kind, f.severity, f.proposition, json(&f.parties), json(&f.claims), f.reason, f.detail,
                    f.evidence, f.facts.to_string(), last.state, f.note, last.by, f.first_seen, f.updated
                ])
            })
            .context(|| format!("adding finding {}", f.id))?;
        }
        tx.prepare_cached("UPDATE finding SET state = ?2, note = ?3, state_by = ?4 WHERE id = ?1")
            .and_then(|mut s| s.execute(params![f.id, step.state, f.note, step.by]))
            .context(|| format!("setting the state of finding {}", f.id))?;
        insert_step(tx, &entry, seq)?;
    }
    Ok(shared < f.triage.len())
}

/// A triage step pulled from a desk (docs/DESK.md): `f` carries the finding and the step as
/// its one triage. The finding is written when it is not here (as an import carries one);
/// the step is appended unless this database holds it already. Returns whether it was.
pub fn carry_step(tx: &Connection, f: &CarriedFinding, action: &str) -> Result<bool> {
    let Some(step) = f.triage.last() else {
        return Err(Error::input(format!("findings: {} has no triage step", f.id)));
    };
    let stored = triage_history(tx, Some(&f.id))?;
    let same = |t: &TriageEntry| t.state == step.state && t.note == step.note && t.by == step.by && t.at == step.at;
    if stored.iter().any(same) {
        return Ok(false);
    }
    let mut carried = f.clone();
    carried.triage = stored
        .into_iter()
        .map(|t| TriageStep { state: t.state, note: t.note, by: t.by, at: t.at })
        .chain([step.clone()])
        .collect();
    carry_finding(tx, &carried, action)
}

/// States a step again, so that it is the one that stands here (a desk's order puts it
/// after a step pulled later: docs/DESK.md, section 2).
pub fn restate_step(tx: &Connection, id: &str, step: &TriageStep, action: &str) -> Result<()> {
    let entry = TriageEntry::of(id, step);
    let seq = super::audit::append(tx, action, TRIAGE, id, &entry)?;
    tx.prepare_cached("UPDATE finding SET state = ?2, note = ?3, state_by = ?4 WHERE id = ?1")
        .and_then(|mut s| s.execute(params![id, step.state, step.note, step.by]))
        .context(|| format!("setting the state of finding {id}"))?;
    insert_step(tx, &entry, seq)
}

/// Every finding with its triage history, as bundles carry them.
pub fn carried_findings(conn: &Connection) -> Result<Vec<CarriedFinding>> {
    let mut history: std::collections::HashMap<String, Vec<TriageStep>> = std::collections::HashMap::new();
    for t in triage_history(conn, None)? {
        history.entry(t.finding).or_default().push(TriageStep { state: t.state, note: t.note, by: t.by, at: t.at });
    }
    let mut stmt = conn
        .prepare("SELECT id, kind, severity, proposition, parties, claims, reason, detail, evidence, facts, note, first_seen, updated FROM finding ORDER BY id")
        .context(|| "listing findings".into())?;
    let rows = stmt
        .query_map([], |r| {
            let list = |i: usize| -> rusqlite::Result<Vec<String>> {
                let text: String = r.get(i)?;
                serde_json::from_str(&text).map_err(|e| bad_json("parties", e))
            };
            let facts: String = r.get(9)?;
            Ok(CarriedFinding {
                id: r.get(0)?,
                kind: r.get(1)?,
                severity: r.get(2)?,
                proposition: r.get(3)?,
                parties: list(4)?,
                claims: list(5)?,
                reason: r.get(6)?,
                detail: r.get(7)?,
                evidence: r.get(8)?,
                facts: serde_json::from_str(&facts).map_err(|e| bad_json("facts", e))?,
                note: r.get(10)?,
                first_seen: r.get(11)?,
                updated: r.get(12)?,
                triage: Vec::new(),
            })
        })
        .context(|| "listing findings".into())?;
    let mut out: Vec<CarriedFinding> = rows.collect::<rusqlite::Result<_>>().context(|| "reading findings".into())?;
    for f in &mut out {
        f.triage = history.remove(&f.id).unwrap_or_default();
    }
    Ok(out)
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
    // A cleared finding is no longer supported by the evidence: a triage of it would bring it
    // back live where only the incremental reconcile would keep it (a full one clears it).
    if finding(tx, id)?.is_some_and(|f| f.state == FindingState::Cleared) {
        return Err(Error::input(format!(
            "finding {id} has cleared: the evidence no longer supports it, so there is nothing to triage; \
             if the evidence comes back, `claimtrack reconcile` finds it again"
        )));
    }
    let entry = TriageEntry {
        finding: id.to_string(),
        state,
        note: note.map(str::to_string),
        by: by.to_string(),
        at: now.to_string(),
    };
    let seq = super::audit::append(tx, TRIAGE, TRIAGE, id, &entry)?;
    set_state(tx, id, state, note, by, now)?;
    insert_step(tx, &entry, seq)
}

impl TriageEntry {
    /// A row of `finding, state, note, by, at`, in that order.
    pub fn from_row(r: &Row) -> rusqlite::Result<TriageEntry> {
        Ok(TriageEntry { finding: r.get(0)?, state: r.get(1)?, note: r.get(2)?, by: r.get(3)?, at: r.get(4)? })
    }

    /// A carried step of finding `id`.
    fn of(id: &str, step: &TriageStep) -> TriageEntry {
        TriageEntry {
            finding: id.to_string(),
            state: step.state,
            note: step.note.clone(),
            by: step.by.clone(),
            at: step.at.clone(),
        }
    }
}

/// The triage history of one finding (or of all, with `None`), oldest first.
pub fn triage_history(conn: &Connection, id: Option<&str>) -> Result<Vec<TriageEntry>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT finding, state, note, by, at FROM finding_triage WHERE (?1 IS NULL OR finding = ?1) ORDER BY seq",
        )
        .context(|| "reading triage".into())?;
    let rows = stmt.query_map([id], TriageEntry::from_row).context(|| "reading triage".into())?;
    rows.collect::<rusqlite::Result<_>>().context(|| "reading triage".into())
}

/// A finding's last triage logged by event `seq`: its state as the database knew it then
/// (none before its first).
pub fn triage_by_event(conn: &Connection, id: &str, seq: i64) -> Result<Option<TriageEntry>> {
    conn.prepare_cached(
        "SELECT finding, state, note, by, at FROM finding_triage WHERE finding = ?1 AND event <= ?2 ORDER BY seq DESC LIMIT 1",
    )
    .and_then(|mut s| {
        s.query_row(params![id, seq], TriageEntry::from_row)
        .optional()
    })
    .context(|| format!("reading the triage of finding {id}"))
}

/// The stored findings about these propositions.
pub fn findings_on(conn: &Connection, props: &[String]) -> Result<Vec<Finding>> {
    let mut stmt = conn
        .prepare_cached("SELECT * FROM finding WHERE proposition = ?1 ORDER BY id")
        .context(|| "listing findings".into())?;
    let mut out = Vec::new();
    for p in props {
        let rows = stmt.query_map([p], finding_row).context(|| format!("listing the findings on {p}"))?;
        out.extend(rows.collect::<rusqlite::Result<Vec<_>>>().context(|| "reading findings".into())?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `IN_ORDER`'s expression is the index's, so a page is a walk of `finding_in_order`:
    /// SQLite plans it without sorting. A new kind or severity that is not in the index fails.
    #[test]
    fn findings_are_listed_by_walking_the_index_in_the_one_order() {
        let store = crate::store::Store::memory().unwrap();
        let sql = format!("EXPLAIN QUERY PLAN SELECT * FROM finding WHERE state = 'open' {} LIMIT 20", in_order());
        let plan: Vec<String> = store
            .conn()
            .prepare(&sql)
            .unwrap()
            .query_map([], |r| r.get::<_, String>(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert!(plan.iter().any(|p| p.contains("finding_in_order")), "{plan:?}");
        assert!(!plan.iter().any(|p| p.contains("TEMP B-TREE")), "sorted, not walked: {plan:?}");
    }
}
