//! Row mapping for each record kind: insert one, read one, read all (claims with filters).

use crate::date::{Date, Timestamp};
use crate::error::{Context, Result, Unreadable};
use crate::model::*;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSql, ToSqlOutput, ValueRef};
use rusqlite::{params, Connection, OptionalExtension, Row};
use std::str::FromStr;

/// Types stored as their canonical text.
macro_rules! sql_text {
    ($($t:ty),+) => {$(
        impl ToSql for $t {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.to_string()))
            }
        }
        impl FromSql for $t {
            fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
                <$t>::from_str(v.as_str()?).map_err(|e| FromSqlError::Other(e.into()))
            }
        }
    )+};
}
sql_text!(
    RecordKind,
    Date,
    DateBasis,
    Timestamp,
    PartyKind,
    SourceKind,
    Reliability,
    Stance,
    LinkRel,
    TargetKind,
    Country,
    Sha256Hex
);
sql_text!(FindingState, FindingKind, Severity, SilenceReason, Status);

/// Types stored as their inner number.
macro_rules! sql_number {
    ($($t:ident($inner:ty)),+) => {$(
        impl ToSql for $t {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                self.0.to_sql()
            }
        }
        impl FromSql for $t {
            fn column_result(v: ValueRef<'_>) -> FromSqlResult<Self> {
                <$inner>::column_result(v).map($t)
            }
        }
    )+};
}
sql_number!(Confidence(f64), Rating(f64), Grade(u8));

fn json_list<T: serde::Serialize>(list: &[T]) -> String {
    serde_json::to_string(list).expect("a list of strings serialises")
}

fn from_json_list(row: &Row, table: &'static str, column: &str) -> rusqlite::Result<Vec<String>> {
    let text: String = col(row, table, column)?;
    serde_json::from_str(&text).map_err(|e| unreadable(row, table, column, format!("not a JSON list of text: {e}")))
}

/// One column of a row of `table`; a value claimtrack cannot read (changed behind its back)
/// is an error that names the table, the row and the column (see [`Unreadable`]).
fn col<T: FromSql>(row: &Row, table: &'static str, column: &str) -> rusqlite::Result<T> {
    row.get(column).map_err(|e| failed(row, table, column, e))
}

/// [`col`] by position, for a query whose columns are listed in order.
fn col_at<T: FromSql>((row, table, i): (&Row, &'static str, usize)) -> rusqlite::Result<T> {
    row.get(i).map_err(|e| failed(row, table, row.as_ref().column_name(i).unwrap_or("?"), e))
}

/// A value that could not be read, as an error naming the record and the column.
fn failed(row: &Row, table: &'static str, column: &str, e: rusqlite::Error) -> rusqlite::Error {
    let why = match e {
        rusqlite::Error::FromSqlConversionFailure(_, _, inner) => inner.to_string(),
        other => other.to_string(),
    };
    unreadable(row, table, column, why)
}

fn unreadable(row: &Row, table: &'static str, column: &str, why: String) -> rusqlite::Error {
    let key = |c: &str| row.get::<_, String>(c).unwrap_or_else(|_| "?".into());
    let id = match table {
        "link" => format!("{} {} {}", key("from_claim"), key("rel"), key("to_claim")),
        "retraction" => key("target"),
        _ => key("id"),
    };
    let failure = Unreadable { table, row: id, column: column.to_string(), why };
    rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(failure))
}

/// The ids of one record kind, for "did you mean" suggestions.
pub fn ids(conn: &Connection, kind: &str) -> Result<Vec<String>> {
    let table = match kind {
        "party" | "source" | "proposition" | "claim" | "request" | "verdict" => kind,
        _ => unreachable!("no id column for {kind}"),
    };
    let mut stmt = conn
        .prepare_cached(&format!("SELECT id FROM {table} ORDER BY id"))
        .context(|| format!("listing {table} ids"))?;
    let rows = stmt.query_map([], |r| r.get(0)).context(|| format!("listing {table} ids"))?;
    rows.collect::<rusqlite::Result<_>>().context(|| format!("listing {table} ids"))
}

/// Whether the database holds nothing: no record, no setting, no event.
pub fn is_empty(conn: &Connection) -> Result<bool> {
    conn.query_row(
        "SELECT NOT EXISTS (SELECT 1 FROM event) AND NOT EXISTS (SELECT 1 FROM setting) \
         AND NOT EXISTS (SELECT 1 FROM party) AND NOT EXISTS (SELECT 1 FROM source) \
         AND NOT EXISTS (SELECT 1 FROM proposition) AND NOT EXISTS (SELECT 1 FROM claim)",
        [],
        |r| r.get(0),
    )
    .context(|| "checking whether the database is empty".into())
}

/// The table of a kind of record with an id, and its key column.
fn keyed(kind: &str) -> (&'static str, &'static str) {
    match kind {
        "party" => ("party", "id"),
        "source" => ("source", "id"),
        "proposition" => ("proposition", "id"),
        "claim" => ("claim", "id"),
        "request" => ("request", "id"),
        "retraction" => ("retraction", "target"),
        "verdict" => ("verdict", "id"),
        _ => unreachable!("no id column for {kind}"),
    }
}

/// Whether a record of `kind` with this id exists.
pub fn exists(conn: &Connection, kind: &str, id: &str) -> Result<bool> {
    let (table, key) = keyed(kind);
    let mut stmt = conn
        .prepare_cached(&format!("SELECT 1 FROM {table} WHERE {key} = ?1"))
        .context(|| format!("looking up {kind} {id}"))?;
    stmt.exists([id]).context(|| format!("looking up {kind} {id}"))
}

/// The event a record's row names (its own, or its batch's), if the row exists.
pub fn row_event(conn: &Connection, kind: &str, id: &str) -> Result<Option<i64>> {
    let (table, key) = keyed(kind);
    let mut stmt = conn
        .prepare_cached(&format!("SELECT event FROM {table} WHERE {key} = ?1"))
        .context(|| format!("looking up {kind} {id}"))?;
    stmt.query_row([id], |r| r.get(0)).optional().map(Option::flatten).context(|| format!("looking up {kind} {id}"))
}

/// Whether the link with this key ("FROM REL TO") exists.
pub fn link_exists(conn: &Connection, key: &str) -> Result<bool> {
    let mut parts = key.splitn(3, ' ');
    let (Some(from), Some(rel), Some(to)) = (parts.next(), parts.next(), parts.next()) else { return Ok(false) };
    conn.prepare_cached("SELECT 1 FROM link WHERE from_claim = ?1 AND rel = ?2 AND to_claim = ?3")
        .and_then(|mut s| s.exists([from, rel, to]))
        .context(|| format!("looking up link {key}"))
}

// ---- party

const PARTY_COLUMNS: &str = "id, name, kind, anonymous, country, parent, aliases, note, logged_by, recorded";

fn party_row(r: &Row) -> rusqlite::Result<Party> {
    Ok(Party {
        id: col(r, "party", "id")?,
        name: col(r, "party", "name")?,
        kind: col(r, "party", "kind")?,
        anonymous: col(r, "party", "anonymous")?,
        country: col(r, "party", "country")?,
        parent: col(r, "party", "parent")?,
        aliases: from_json_list(r, "party", "aliases")?,
        note: col(r, "party", "note")?,
        logged_by: col(r, "party", "logged_by")?,
        recorded: col(r, "party", "recorded")?,
    })
}

pub fn insert_party(tx: &Connection, p: &Party, put: Put) -> Result<()> {
    let aliases = json_list(&p.aliases);
    put_row(
        tx,
        "party",
        PARTY_COLUMNS,
        params![p.id, p.name, p.kind, p.anonymous, p.country, p.parent, aliases, p.note, p.logged_by, p.recorded],
        put,
    )
    .context(|| format!("writing party {}", p.id))
}

pub fn party(conn: &Connection, id: &str) -> Result<Option<Party>> {
    one(conn, &format!("SELECT {PARTY_COLUMNS} FROM party WHERE id = ?1"), id, party_row)
}

pub fn parties(conn: &Connection) -> Result<Vec<Party>> {
    all(conn, &format!("SELECT {PARTY_COLUMNS} FROM party ORDER BY id"), party_row)
}

// ---- source

pub(super) const SOURCE_COLUMNS: &str =
    "id, title, kind, publisher, url, published, accessed, reliability, sha256, note, logged_by, recorded";

pub(super) fn source_row(r: &Row) -> rusqlite::Result<Source> {
    Ok(Source {
        id: col(r, "source", "id")?,
        title: col(r, "source", "title")?,
        kind: col(r, "source", "kind")?,
        publisher: col(r, "source", "publisher")?,
        url: col(r, "source", "url")?,
        published: col(r, "source", "published")?,
        accessed: col(r, "source", "accessed")?,
        reliability: col(r, "source", "reliability")?,
        derived_from: Vec::new(),
        sha256: col(r, "source", "sha256")?,
        note: col(r, "source", "note")?,
        logged_by: col(r, "source", "logged_by")?,
        recorded: col(r, "source", "recorded")?,
    })
}

pub fn insert_source(tx: &Connection, s: &Source, put: Put) -> Result<()> {
    put_row(
        tx,
        "source",
        SOURCE_COLUMNS,
        params![
            s.id,
            s.title,
            s.kind,
            s.publisher,
            s.url,
            s.published,
            s.accessed,
            s.reliability,
            s.sha256,
            s.note,
            s.logged_by,
            s.recorded
        ],
        put,
    )
    .context(|| format!("writing source {}", s.id))?;
    put_list(tx, ("source_derivation", "source", "derived_from"), &s.id, &s.derived_from, put)
        .context(|| format!("writing the derivation of source {}", s.id))
}

pub(super) fn with_derivations(conn: &Connection, mut s: Source) -> Result<Source> {
    s.derived_from =
        list_of(conn, "SELECT derived_from FROM source_derivation WHERE source = ?1 ORDER BY position", &s.id)?;
    Ok(s)
}

pub fn source(conn: &Connection, id: &str) -> Result<Option<Source>> {
    one(conn, &format!("SELECT {SOURCE_COLUMNS} FROM source WHERE id = ?1"), id, source_row)?
        .map(|s| with_derivations(conn, s))
        .transpose()
}

pub fn sources(conn: &Connection) -> Result<Vec<Source>> {
    let mut lists = lists_of(conn, "SELECT source, derived_from FROM source_derivation ORDER BY source, position")?;
    let mut sources = all(conn, &format!("SELECT {SOURCE_COLUMNS} FROM source ORDER BY id"), source_row)?;
    for s in &mut sources {
        s.derived_from = lists.remove(&s.id).unwrap_or_default();
    }
    Ok(sources)
}

/// (owner, item) rows gathered into each owner's list, in row order: one query for all.
fn lists_of(conn: &Connection, sql: &str) -> Result<std::collections::HashMap<String, Vec<String>>> {
    lists_in(conn, sql, [])
}

/// [`lists_of`] with parameters (the ids of a batch, as a JSON list: see [`In`]).
fn lists_in(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<std::collections::HashMap<String, Vec<String>>> {
    let mut stmt = conn.prepare_cached(sql).context(|| format!("running {sql}"))?;
    let mut rows = stmt.query(params).context(|| format!("running {sql}"))?;
    let mut lists: std::collections::HashMap<String, Vec<String>> = std::collections::HashMap::new();
    while let Some(row) = rows.next().context(|| format!("reading {sql}"))? {
        let (owner, item): (String, String) = (row.get(0).context(|| sql.into())?, row.get(1).context(|| sql.into())?);
        lists.entry(owner).or_default().push(item);
    }
    Ok(lists)
}

// ---- proposition

const PROPOSITION_COLUMNS: &str = "id, text, tags, note, merged_into, logged_by, recorded";

fn proposition_row(r: &Row) -> rusqlite::Result<Proposition> {
    Ok(Proposition {
        id: col(r, "proposition", "id")?,
        text: col(r, "proposition", "text")?,
        tags: from_json_list(r, "proposition", "tags")?,
        expected: Vec::new(),
        note: col(r, "proposition", "note")?,
        merged_into: col(r, "proposition", "merged_into")?,
        logged_by: col(r, "proposition", "logged_by")?,
        recorded: col(r, "proposition", "recorded")?,
    })
}

pub fn insert_proposition(tx: &Connection, p: &Proposition, put: Put) -> Result<()> {
    let tags = json_list(&p.tags);
    put_row(
        tx,
        "proposition",
        PROPOSITION_COLUMNS,
        params![p.id, p.text, tags, p.note, p.merged_into, p.logged_by, p.recorded],
        put,
    )
    .context(|| format!("writing proposition {}", p.id))?;
    put_list(tx, ("proposition_expected", "proposition", "party"), &p.id, &p.expected, put)
        .context(|| format!("writing the expected parties of proposition {}", p.id))
}

fn with_expected(conn: &Connection, mut p: Proposition) -> Result<Proposition> {
    p.expected =
        list_of(conn, "SELECT party FROM proposition_expected WHERE proposition = ?1 ORDER BY position", &p.id)?;
    Ok(p)
}

pub fn proposition(conn: &Connection, id: &str) -> Result<Option<Proposition>> {
    one(conn, &format!("SELECT {PROPOSITION_COLUMNS} FROM proposition WHERE id = ?1"), id, proposition_row)?
        .map(|p| with_expected(conn, p))
        .transpose()
}

/// The propositions merged into `id`, by id.
pub fn propositions_merged_into(conn: &Connection, id: &str) -> Result<Vec<String>> {
    list_of(conn, "SELECT id FROM proposition WHERE merged_into = ?1 ORDER BY id", id)
}

/// `props` with every proposition merged with one of them (the one it was merged into, and
/// those merged into it): what reading any of them needs.
pub fn with_merged(conn: &Connection, props: &[String]) -> Result<Vec<String>> {
    let what = || "reading which propositions are merged".to_string();
    let mut stmt = conn
        .prepare_cached(
            "WITH given(id) AS (SELECT value FROM json_each(?1)), \
                  root(id) AS (SELECT coalesce(p.merged_into, p.id) FROM proposition p JOIN given g ON g.id = p.id) \
             SELECT id FROM root UNION SELECT p.id FROM proposition p JOIN root r ON p.merged_into = r.id",
        )
        .context(what)?;
    let found: Vec<String> = stmt
        .query_map([json_list(props)], |r| r.get(0))
        .context(what)?
        .collect::<rusqlite::Result<_>>()
        .context(what)?;
    let mut out = props.to_vec();
    let given: std::collections::HashSet<&String> = props.iter().collect();
    out.extend(found.into_iter().filter(|id| !given.contains(id)));
    Ok(out)
}

pub fn propositions(conn: &Connection) -> Result<Vec<Proposition>> {
    let mut lists =
        lists_of(conn, "SELECT proposition, party FROM proposition_expected ORDER BY proposition, position")?;
    let mut props = all(conn, &format!("SELECT {PROPOSITION_COLUMNS} FROM proposition ORDER BY id"), proposition_row)?;
    for p in &mut props {
        p.expected = lists.remove(&p.id).unwrap_or_default();
    }
    Ok(props)
}

// ---- claim

const CLAIM_COLUMNS: &str = "c.id, c.proposition, c.party, c.stance, c.source, c.via, c.stated, c.quote, c.note, c.confidence, c.grade, c.logged_by, c.recorded";

/// The claim query with what its date and retraction need: the source's publication date
/// (the date itself is decided in Rust, [`ClaimRow::new`]) and the retraction's date.
const CLAIM_SELECT: &str =
    "SELECT c.id, c.proposition, c.party, c.stance, c.source, c.via, c.stated, c.quote, c.note, \
     c.confidence, c.grade, c.logged_by, c.recorded, s.published AS source_published, \
     (SELECT r.date FROM retraction r WHERE r.target = c.id) AS retracted \
     FROM claim c JOIN source s ON s.id = c.source";

/// A row of [`CLAIM_SELECT`], read by position: a claim read by column name costs a search
/// of the column names per field, a tenth of a full reconcile.
fn claim_row(r: &Row) -> rusqlite::Result<ClaimRow> {
    let at = |i: usize| (r, "claim", i);
    let claim = Claim {
        id: col_at(at(0))?,
        proposition: col_at(at(1))?,
        party: col_at(at(2))?,
        stance: col_at(at(3))?,
        source: col_at(at(4))?,
        basis: Vec::new(),
        via: col_at(at(5))?,
        stated: col_at(at(6))?,
        quote: col_at(at(7))?,
        note: col_at(at(8))?,
        confidence: col_at(at(9))?,
        grade: col_at(at(10))?,
        logged_by: col_at(at(11))?,
        recorded: col_at(at(12))?,
    };
    Ok(ClaimRow::new(claim, col_at(at(13))?, col_at(at(14))?))
}

pub fn insert_claim(tx: &Connection, c: &Claim, put: Put) -> Result<()> {
    let id = c.id.as_deref().unwrap_or_default();
    put_row(
        tx,
        "claim",
        &CLAIM_COLUMNS.replace("c.", ""),
        params![
            c.id,
            c.proposition,
            c.party,
            c.stance,
            c.source,
            c.via,
            c.stated,
            c.quote,
            c.note,
            c.confidence,
            c.grade,
            c.logged_by,
            c.recorded
        ],
        put,
    )
    .context(|| format!("writing claim {id}"))?;
    put_list(tx, ("claim_basis", "claim", "source"), id, &c.basis, put)
        .context(|| format!("writing the basis of claim {id}"))
}

const BASIS_OF: &str = "SELECT source FROM claim_basis WHERE claim = ?1 ORDER BY position";

fn with_basis(conn: &Connection, mut row: ClaimRow) -> Result<ClaimRow> {
    row.claim.basis = list_of(conn, BASIS_OF, row.id())?;
    Ok(row)
}

pub fn claim(conn: &Connection, id: &str) -> Result<Option<ClaimRow>> {
    one(conn, &format!("{CLAIM_SELECT} WHERE c.id = ?1"), id, claim_row)?.map(|c| with_basis(conn, c)).transpose()
}

/// Which claims a list shows. Dates filter on the day a claim counts from (its date, or for
/// an undated claim the day it was logged).
#[derive(Default)]
pub struct ClaimFilter {
    pub proposition: Option<String>,
    pub party: Option<String>,
    pub stance: Option<Stance>,
    pub source: Option<String>,
    pub since: Option<Date>,
    pub until: Option<Date>,
}

pub fn claims(conn: &Connection, f: &ClaimFilter) -> Result<Vec<ClaimRow>> {
    // Only the filters given go into the SQL: `?1 IS NULL OR column = ?1` would keep
    // SQLite from using the indexes, a full scan of every claim.
    let stance = f.stance.map(|s| s.as_str().to_string());
    let given: Vec<(&str, &String)> = [
        ("c.proposition", f.proposition.as_ref()),
        ("c.party", f.party.as_ref()),
        ("c.stance", stance.as_ref()),
        ("c.source", f.source.as_ref()),
    ]
    .into_iter()
    .filter_map(|(column, value)| value.map(|v| (column, v)))
    .collect();
    let conditions: Vec<String> =
        given.iter().enumerate().map(|(i, (column, _))| format!("{column} = ?{}", i + 1)).collect();
    let sql = if conditions.is_empty() {
        CLAIM_SELECT.to_string()
    } else {
        format!("{CLAIM_SELECT} WHERE {}", conditions.join(" AND "))
    };
    // Every basis at once for a whole-table read; one indexed lookup per claim otherwise.
    let mut bases = if given.is_empty() {
        lists_of(conn, "SELECT claim, source FROM claim_basis ORDER BY claim, position")?
    } else {
        std::collections::HashMap::new()
    };
    let mut stmt = conn.prepare_cached(&sql).context(|| "listing claims".into())?;
    let rows = stmt
        .query_map(rusqlite::params_from_iter(given.iter().map(|g| g.1)), claim_row)
        .context(|| "listing claims".into())?;
    let mut out = Vec::new();
    for row in rows {
        let mut row = row.context(|| "reading a claim".into())?;
        let day = row.counts_from();
        let after = f.since.is_none_or(|s| day.is_some_and(|d| d.on_or_after(&s)));
        let before = f.until.is_none_or(|u| day.is_some_and(|d| d.on_or_before(&u)));
        if !(after && before) {
            continue;
        }
        if given.is_empty() {
            row.claim.basis = bases.remove(row.id()).unwrap_or_default();
        } else {
            row = with_basis(conn, row)?;
        }
        out.push(row);
    }
    ClaimRow::sort_chronologically(&mut out);
    Ok(out)
}

// ---- link

pub(super) fn link_row(r: &Row) -> rusqlite::Result<Link> {
    Ok(Link {
        from: col(r, "link", "from_claim")?,
        rel: col(r, "link", "rel")?,
        to: col(r, "link", "to_claim")?,
        logged_by: col(r, "link", "logged_by")?,
        recorded: col(r, "link", "recorded")?,
    })
}

pub fn insert_link(tx: &Connection, l: &Link, event: i64) -> Result<()> {
    let columns = "from_claim, rel, to_claim, logged_by, recorded";
    put_row(tx, "link", columns, params![l.from, l.rel, l.to, l.logged_by, l.recorded], Put::New { event })
        .context(|| format!("adding link {} {} {}", l.from, l.rel, l.to))
}

pub fn link(conn: &Connection, l: &Link) -> Result<Option<Link>> {
    let mut stmt = conn
        .prepare_cached("SELECT * FROM link WHERE from_claim = ?1 AND rel = ?2 AND to_claim = ?3")
        .context(|| "looking up a link".into())?;
    stmt.query_row(params![l.from, l.rel, l.to], link_row).optional().context(|| "looking up a link".into())
}

pub fn links(conn: &Connection) -> Result<Vec<Link>> {
    all(conn, "SELECT * FROM link ORDER BY from_claim, rel, to_claim", link_row)
}

// ---- request

fn request_row(r: &Row) -> rusqlite::Result<Request> {
    Ok(Request {
        id: col(r, "request", "id")?,
        party: col(r, "request", "party")?,
        proposition: col(r, "request", "proposition")?,
        by: col(r, "request", "by_party")?,
        asked: col(r, "request", "asked")?,
        deadline: col(r, "request", "deadline")?,
        channel: col(r, "request", "channel")?,
        note: col(r, "request", "note")?,
        logged_by: col(r, "request", "logged_by")?,
        recorded: col(r, "request", "recorded")?,
    })
}

pub fn insert_request(tx: &Connection, q: &Request, put: Put) -> Result<()> {
    put_row(
        tx,
        "request",
        "id, party, proposition, by_party, asked, deadline, channel, note, logged_by, recorded",
        params![q.id, q.party, q.proposition, q.by, q.asked, q.deadline, q.channel, q.note, q.logged_by, q.recorded],
        put,
    )
    .context(|| format!("writing request {}", q.id.as_deref().unwrap_or("")))
}

pub fn request(conn: &Connection, id: &str) -> Result<Option<Request>> {
    one(conn, "SELECT * FROM request WHERE id = ?1", id, request_row)
}

pub fn requests(conn: &Connection) -> Result<Vec<Request>> {
    all(conn, "SELECT * FROM request ORDER BY proposition, party, asked, id", request_row)
}

// ---- retraction

pub(super) fn retraction_row(r: &Row) -> rusqlite::Result<Retraction> {
    Ok(Retraction {
        target: col(r, "retraction", "target")?,
        date: col(r, "retraction", "date")?,
        reason: col(r, "retraction", "reason")?,
        logged_by: col(r, "retraction", "logged_by")?,
        recorded: col(r, "retraction", "recorded")?,
    })
}

pub fn insert_retraction(tx: &Connection, x: &Retraction, kind: TargetKind, event: i64) -> Result<()> {
    let columns = "target, target_kind, date, reason, logged_by, recorded";
    put_row(
        tx,
        "retraction",
        columns,
        params![x.target, kind, x.date, x.reason, x.logged_by, x.recorded],
        Put::New { event },
    )
    .context(|| format!("adding the retraction of {}", x.target))
}

pub fn retraction(conn: &Connection, target: &str) -> Result<Option<Retraction>> {
    one(conn, "SELECT * FROM retraction WHERE target = ?1", target, retraction_row)
}

pub fn retractions(conn: &Connection) -> Result<Vec<Retraction>> {
    all(conn, "SELECT * FROM retraction ORDER BY target", retraction_row)
}

// ---- verdict

fn verdict_row(r: &Row) -> rusqlite::Result<Verdict> {
    Ok(Verdict {
        id: col(r, "verdict", "id")?,
        proposition: col(r, "verdict", "proposition")?,
        rating: col(r, "verdict", "rating")?,
        best: col(r, "verdict", "best")?,
        worst: col(r, "verdict", "worst")?,
        label: col(r, "verdict", "label")?,
        explanation: col(r, "verdict", "explanation")?,
        url: col(r, "verdict", "url")?,
        reviewer: col(r, "verdict", "reviewer")?,
        published: col(r, "verdict", "published")?,
        claimant: col(r, "verdict", "claimant")?,
        logged_by: col(r, "verdict", "logged_by")?,
        recorded: col(r, "verdict", "recorded")?,
    })
}

pub fn insert_verdict(tx: &Connection, v: &Verdict, put: Put) -> Result<()> {
    put_row(
        tx,
        "verdict",
        "id, proposition, rating, best, worst, label, explanation, url, reviewer, published, claimant, logged_by, recorded",
        params![
            v.id,
            v.proposition,
            v.rating,
            v.best,
            v.worst,
            v.label,
            v.explanation,
            v.url,
            v.reviewer,
            v.published,
            v.claimant,
            v.logged_by,
            v.recorded
        ],
        put,
    )
    .context(|| format!("writing verdict {}", v.id.as_deref().unwrap_or("")))
}

/// Every verdict, oldest first: the last one on a proposition stands. Verdicts logged in
/// the same instant (one import, or a pinned clock) keep the order they were written in.
pub fn verdicts(conn: &Connection) -> Result<Vec<Verdict>> {
    all(conn, "SELECT * FROM verdict ORDER BY recorded, rowid", verdict_row)
}

// ---- lookups by the record itself, for the write path

pub fn get_party(conn: &Connection, r: &Party) -> Result<Option<Party>> {
    party(conn, &r.id)
}

pub fn get_source(conn: &Connection, r: &Source) -> Result<Option<Source>> {
    source(conn, &r.id)
}

pub fn get_proposition(conn: &Connection, r: &Proposition) -> Result<Option<Proposition>> {
    proposition(conn, &r.id)
}

pub fn get_claim(conn: &Connection, r: &Claim) -> Result<Option<Claim>> {
    Ok(claim(conn, r.id.as_deref().unwrap_or_default())?.map(|row| row.claim))
}

pub fn get_link(conn: &Connection, r: &Link) -> Result<Option<Link>> {
    link(conn, r)
}

pub fn get_request(conn: &Connection, r: &Request) -> Result<Option<Request>> {
    request(conn, r.id.as_deref().unwrap_or_default())
}

pub fn get_retraction(conn: &Connection, r: &Retraction) -> Result<Option<Retraction>> {
    retraction(conn, &r.target)
}

pub fn get_verdict(conn: &Connection, r: &Verdict) -> Result<Option<Verdict>> {
    one(conn, "SELECT * FROM verdict WHERE id = ?1", r.id.as_deref().unwrap_or_default(), verdict_row)
}

/// The ids of the propositions with a tag.
pub fn tagged(conn: &Connection, tag: &str) -> Result<Vec<String>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT id FROM proposition WHERE EXISTS (SELECT 1 FROM json_each(tags) WHERE value = ?1) ORDER BY id",
        )
        .context(|| format!("finding propositions tagged {tag}"))?;
    let rows = stmt.query_map([tag], |r| r.get(0)).context(|| format!("finding propositions tagged {tag}"))?;
    rows.collect::<rusqlite::Result<_>>().context(|| format!("finding propositions tagged {tag}"))
}

/// The part of the story the reconciler needs to read some propositions exactly as it reads
/// them in the whole story: their claims, requests and verdicts; every claim linked to those
/// claims, and for a `contradicts` link the other party's claims on the other proposition
/// (its position there decides whether the link is a conflict); the claims that cited
/// claims cite in turn; the sources upstream of every claim loaded; their retractions; and
/// the parties. A property test holds this against the whole story (docs/RECONCILER.md).
pub fn story_of(conn: &Connection, props: &[String]) -> Result<Story> {
    story_of_with(conn, props, &[])
}

/// [`story_of`], with `more_sources` (and every source upstream of them) loaded as well.
/// Each kind is read for the whole batch of propositions at once (see [`IN_LIST`]): a
/// batch of thousands costs a few queries, not a few per claim.
fn story_of_with(conn: &Connection, props: &[String], more_sources: &[String]) -> Result<Story> {
    let batch = json_list(props);
    let claims = claims_on(conn, &batch)?;
    let mut scope = Scope { links_of: links_of(conn, &claims)?, ..Scope::default() };
    for c in claims {
        scope.linked.push(c.id().to_string());
        scope.add(c);
    }
    scope.follow_links(conn)?;
    let mut story = Story {
        parties: parties(conn)?,
        propositions: in_order_of(props, propositions_in(conn, &batch)?, |p| &p.id),
        requests: in_order_of(props, rows_in(conn, REQUESTS_ON, &batch, request_row)?, |q| &q.proposition),
        verdicts: in_order_of(props, rows_in(conn, VERDICTS_ON, &batch, verdict_row)?, |v| &v.proposition),
        ..Story::default()
    };
    let named = scope.claims.values().flat_map(|c| c.claim.basis.iter().chain([&c.claim.source]));
    story.sources = upstream(conn, named.chain(more_sources))?;
    let targets: Vec<&String> = scope.claims.keys().chain(story.sources.iter().map(|s| &s.id)).collect();
    story.retractions = rows_in(conn, RETRACTIONS_OF, &json_list(&targets), retraction_row)?;
    story.links = scope.links.into_values().collect();
    story.claims = scope.claims.into_values().collect();
    ClaimRow::sort_chronologically(&mut story.claims);
    Ok(story)
}

/// A batch of ids as one parameter, a JSON list: `column IN (SELECT value FROM
/// json_each(?1))` probes the column's index once per id.
const IN_LIST: &str = "(SELECT value FROM json_each(?1))";
const REQUESTS_ON: &str =
    "SELECT * FROM request WHERE proposition IN (SELECT value FROM json_each(?1)) ORDER BY proposition, party, asked, id";
const VERDICTS_ON: &str =
    "SELECT * FROM verdict WHERE proposition IN (SELECT value FROM json_each(?1)) ORDER BY proposition, recorded, rowid";
const RETRACTIONS_OF: &str =
    "SELECT * FROM retraction WHERE target IN (SELECT value FROM json_each(?1)) ORDER BY target";

/// The rows `sql` selects for a batch of ids (`?1`, a JSON list).
fn rows_in<T>(conn: &Connection, sql: &str, batch: &str, map: fn(&Row) -> rusqlite::Result<T>) -> Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql).context(|| format!("running {sql}"))?;
    let rows = stmt.query_map([batch], map).context(|| format!("running {sql}"))?;
    rows.collect::<rusqlite::Result<_>>().context(|| format!("reading rows of {sql}"))
}

/// Rows grouped by proposition in the order the propositions were asked for (each group
/// keeping its own order), as reading them one proposition at a time gives.
fn in_order_of<T>(props: &[String], mut rows: Vec<T>, key: impl Fn(&T) -> &String) -> Vec<T> {
    let rank: std::collections::HashMap<&String, usize> = props.iter().enumerate().map(|(i, p)| (p, i)).collect();
    rows.sort_by_key(|r| rank.get(key(r)).copied());
    rows
}

/// The propositions of a batch that exist, each with its expected parties.
fn propositions_in(conn: &Connection, batch: &str) -> Result<Vec<Proposition>> {
    let sql = format!("SELECT {PROPOSITION_COLUMNS} FROM proposition WHERE id IN {IN_LIST}");
    let mut props = rows_in(conn, &sql, batch, proposition_row)?;
    let sql = format!(
        "SELECT proposition, party FROM proposition_expected WHERE proposition IN {IN_LIST} ORDER BY proposition, position"
    );
    let mut lists = lists_in(conn, &sql, [batch])?;
    for p in &mut props {
        p.expected = lists.remove(&p.id).unwrap_or_default();
    }
    Ok(props)
}

/// Every claim on a batch of propositions, each with its basis.
fn claims_on(conn: &Connection, batch: &str) -> Result<Vec<ClaimRow>> {
    let mut claims = rows_in(conn, &format!("{CLAIM_SELECT} WHERE c.proposition IN {IN_LIST}"), batch, claim_row)?;
    let ids = json_list(&claims.iter().map(ClaimRow::id).collect::<Vec<_>>());
    let sql = format!("SELECT claim, source FROM claim_basis WHERE claim IN {IN_LIST} ORDER BY claim, position");
    let mut bases = lists_in(conn, &sql, [&ids])?;
    for c in &mut claims {
        c.claim.basis = bases.remove(c.id()).unwrap_or_default();
    }
    Ok(claims)
}

/// The links from and to each of some claims, by claim (a claim with none has an empty
/// list: nothing left to look up).
fn links_of(conn: &Connection, claims: &[ClaimRow]) -> Result<std::collections::HashMap<String, Vec<Link>>> {
    let mut of: std::collections::HashMap<String, Vec<Link>> =
        claims.iter().map(|c| (c.id().to_string(), Vec::new())).collect();
    let ids = json_list(&claims.iter().map(ClaimRow::id).collect::<Vec<_>>());
    let sql = format!(
        "SELECT * FROM link WHERE from_claim IN {IN_LIST} UNION SELECT * FROM link WHERE to_claim IN {IN_LIST}"
    );
    for l in rows_in(conn, &sql, &ids, link_row)? {
        let ends = if l.from == l.to { vec![l.from.clone()] } else { vec![l.from.clone(), l.to.clone()] };
        for end in ends {
            if let Some(list) = of.get_mut(&end) {
                list.push(l.clone());
            }
        }
    }
    Ok(of)
}

/// The claims and links a scoped story has gathered, and what is left to follow.
#[derive(Default)]
struct Scope {
    claims: std::collections::BTreeMap<String, ClaimRow>,
    /// Links by (from, rel, to): the whole story's order.
    links: std::collections::BTreeMap<(String, String, String), Link>,
    /// The links of the batch's claims, read ahead (other claims' are looked up).
    links_of: std::collections::HashMap<String, Vec<Link>>,
    /// Claims whose links (both ways) are still to be read.
    linked: Vec<String>,
    /// Claims whose `cites` links are still to be read (cited claims' roots count).
    citing: Vec<String>,
    /// (proposition, party) pairs whose every claim has been loaded.
    groups: std::collections::BTreeSet<(String, String)>,
}

impl Scope {
    fn add(&mut self, c: ClaimRow) {
        self.claims.entry(c.id().to_string()).or_insert(c);
    }

    fn load(&mut self, conn: &Connection, id: &str) -> Result<()> {
        if !self.claims.contains_key(id) {
            if let Some(c) = claim(conn, id)? {
                self.add(c);
            }
        }
        Ok(())
    }

    fn keep(&mut self, l: Link) {
        self.links.insert((l.from.clone(), l.rel.to_string(), l.to.clone()), l);
    }

    /// The links from and to one claim: read ahead, or looked up (both indexed).
    fn links_touching(&self, conn: &Connection, claim: &str) -> Result<Vec<Link>> {
        if let Some(links) = self.links_of.get(claim) {
            return Ok(links.clone());
        }
        let sql = "SELECT * FROM link WHERE from_claim = ?1 UNION SELECT * FROM link WHERE to_claim = ?1";
        let mut stmt = conn.prepare_cached(sql).context(|| format!("reading the links of {claim}"))?;
        let rows = stmt.query_map([claim], link_row).context(|| format!("reading the links of {claim}"))?;
        rows.collect::<rusqlite::Result<_>>().context(|| format!("reading the links of {claim}"))
    }

    fn follow_links(&mut self, conn: &Connection) -> Result<()> {
        while let Some(id) = self.linked.pop() {
            for l in self.links_touching(conn, &id)? {
                let other = if l.from == id { l.to.clone() } else { l.from.clone() };
                self.load(conn, &other)?;
                match l.rel {
                    LinkRel::Contradicts => self.whole_group(conn, &other)?,
                    LinkRel::Cites if l.from == id => self.citing.push(other),
                    _ => {}
                }
                self.keep(l);
            }
            self.follow_citations(conn)?;
        }
        Ok(())
    }

    /// Every claim of the party of `claim` on its proposition, with the claims that
    /// supersede them: what its position there depends on.
    fn whole_group(&mut self, conn: &Connection, claim: &str) -> Result<()> {
        let Some(c) = self.claims.get(claim) else { return Ok(()) };
        let key = (c.claim.proposition.clone(), c.claim.party.clone());
        if !self.groups.insert(key.clone()) {
            return Ok(());
        }
        let filter = ClaimFilter { proposition: Some(key.0), party: Some(key.1), ..ClaimFilter::default() };
        for member in claims(conn, &filter)? {
            let links = self.links_touching(conn, member.id())?;
            for l in links.into_iter().filter(|l| l.rel == LinkRel::Supersedes) {
                let other = if l.from == member.id() { l.to.clone() } else { l.from.clone() };
                self.load(conn, &other)?;
                self.keep(l);
            }
            self.add(member);
        }
        Ok(())
    }

    fn follow_citations(&mut self, conn: &Connection) -> Result<()> {
        while let Some(id) = self.citing.pop() {
            let links = self.links_touching(conn, &id)?;
            for l in links.into_iter().filter(|l| l.rel == LinkRel::Cites && l.from == id) {
                if !self.claims.contains_key(&l.to) {
                    self.load(conn, &l.to)?;
                    self.citing.push(l.to.clone());
                }
                self.keep(l);
            }
        }
        Ok(())
    }
}

/// The sources named and every source upstream of them, in id order: one recursive query
/// (SQLite walks it with a queue, not a stack, so a derivation chain as long as the
/// database is fine; `UNION` keeps each source once, so a loop ends).
fn upstream<'a>(conn: &Connection, start: impl Iterator<Item = &'a String>) -> Result<Vec<Source>> {
    let named: std::collections::BTreeSet<&String> = start.collect();
    let named: Vec<&String> = named.into_iter().collect();
    let up = "WITH RECURSIVE up (id) AS (SELECT value FROM json_each(?1) \
              UNION SELECT d.derived_from FROM source_derivation d JOIN up ON d.source = up.id)";
    let batch = json_list(&named);
    let sql = format!("{up} SELECT {SOURCE_COLUMNS} FROM source WHERE id IN up ORDER BY id");
    let mut sources = rows_in(conn, &sql, &batch, source_row)?;
    let sql =
        format!("{up} SELECT source, derived_from FROM source_derivation WHERE source IN up ORDER BY source, position");
    let mut lists = lists_in(conn, &sql, [batch.as_str()])?;
    for s in &mut sources {
        s.derived_from = lists.remove(&s.id).unwrap_or_default();
    }
    Ok(sources)
}

/// Everything in the database, each kind in its stable order.
pub fn story(conn: &Connection) -> Result<Story> {
    Ok(Story {
        parties: parties(conn)?,
        sources: sources(conn)?,
        propositions: propositions(conn)?,
        claims: claims(conn, &ClaimFilter::default())?,
        links: links(conn)?,
        requests: requests(conn)?,
        retractions: retractions(conn)?,
        verdicts: verdicts(conn)?,
    })
}

/// What the database knew at `t`: the events before the first one logged after `t` (0 when
/// none). The log is read as a whole up to that point, so a write whose clock ran behind the
/// log (logged at a time before events already there) counts from where the log had reached,
/// the same for the digest and `--known-at`; `verify` notes such a write.
pub fn known_seq(conn: &Connection, t: Timestamp) -> Result<i64> {
    conn.prepare_cached(
        "SELECT coalesce((SELECT min(seq) FROM event WHERE at > ?1) - 1, (SELECT max(seq) FROM event), 0)",
    )
    .and_then(|mut s| s.query_row([t], |r| r.get(0)))
    .context(|| "reading the audit log".into())
}

/// The story as this database knew it at `t`: records that entered it later (whatever
/// their `recorded` says: an import keeps its desk's) are left out, and corrections logged
/// later are undone, newest first.
pub fn as_known_at(conn: &Connection, story: &mut Story, t: Timestamp) -> Result<()> {
    let known = known_seq(conn, t)?;
    cut_back(conn, story, known, corrections_after(conn, known)?)
}

/// The part of the story some propositions need (see [`story_of`]) as this database knew
/// it at `t`: the same reading of them as the whole story cut back to `t` gives. A record
/// corrected since `t` may have stood elsewhere then, so the claims and requests moved off
/// these propositions since are loaded from where they are now, and the sources a claim or
/// a source named before a later correction (its source, basis or derivation) are loaded
/// too, for undoing the correction to find them.
pub fn story_of_known_at(conn: &Connection, props: &[String], t: Timestamp) -> Result<Story> {
    let known = known_seq(conn, t)?;
    let later = corrections_after(conn, known)?;
    let mut load: std::collections::BTreeSet<String> = props.iter().cloned().collect();
    let mut sources = Vec::new();
    for c in &later {
        let before = c.before.get("proposition").and_then(|p| p.as_str());
        if before.is_some_and(|p| props.iter().any(|x| x == p)) {
            load.extend(proposition_of(conn, c.correction.kind, &c.correction.target)?);
        }
        for field in ["source", "basis", "derived_from"] {
            sources.extend(named_ids(c.before.get(field)));
        }
    }
    let mut story = story_of_with(conn, &load.into_iter().collect::<Vec<_>>(), &sources)?;
    cut_back(conn, &mut story, known, later)?;
    story.propositions.retain(|p| props.contains(&p.id));
    Ok(story)
}

/// The ids a correction's old value held: one id, or a list of them.
fn named_ids(value: Option<&serde_json::Value>) -> Vec<String> {
    match value {
        Some(serde_json::Value::String(id)) => vec![id.clone()],
        Some(serde_json::Value::Array(ids)) => ids.iter().filter_map(|i| i.as_str().map(str::to_string)).collect(),
        _ => Vec::new(),
    }
}

/// The proposition a claim, request or verdict is on now.
pub fn proposition_of(conn: &Connection, kind: Option<RecordKind>, id: &str) -> Result<Option<String>> {
    let sql = match kind {
        Some(RecordKind::Claim) => "SELECT proposition FROM claim WHERE id = ?1",
        Some(RecordKind::Request) => "SELECT proposition FROM request WHERE id = ?1",
        Some(RecordKind::Verdict) => "SELECT proposition FROM verdict WHERE id = ?1",
        _ => return Ok(None),
    };
    one(conn, sql, id, |r| r.get(0))
}

/// Cuts a loaded story back to event `known`: leaves out the rows added later and undoes
/// `corrections`, those logged after it (oldest first), newest first.
fn cut_back(conn: &Connection, story: &mut Story, known: i64, corrections: Vec<StoredCorrection>) -> Result<()> {
    let later = |table: &str, key: &str| -> Result<std::collections::HashSet<String>> {
        let sql = format!("SELECT {key} FROM {table} WHERE event > ?1 OR event IS NULL");
        let mut stmt = conn.prepare(&sql).context(|| format!("running {sql}"))?;
        let rows = stmt.query_map([known], |r| r.get(0)).context(|| format!("running {sql}"))?;
        rows.collect::<rusqlite::Result<_>>().context(|| format!("reading {sql}"))
    };
    let keep = |set: std::collections::HashSet<String>| move |key: &str| !set.contains(key);
    let k = keep(later("party", "id")?);
    story.parties.retain(|r| k(&r.id));
    let k = keep(later("source", "id")?);
    story.sources.retain(|r| k(&r.id));
    let k = keep(later("proposition", "id")?);
    story.propositions.retain(|r| k(&r.id));
    let k = keep(later("claim", "id")?);
    story.claims.retain(|r| k(r.id()));
    let k = keep(later("link", "from_claim || ' ' || rel || ' ' || to_claim")?);
    story.links.retain(|r| k(&r.key()));
    let k = keep(later("request", "id")?);
    story.requests.retain(|r| k(&r.key()));
    let k = keep(later("retraction", "target")?);
    story.retractions.retain(|r| k(&r.target));
    let k = keep(later("verdict", "id")?);
    story.verdicts.retain(|r| k(&r.key()));
    for c in corrections.into_iter().rev() {
        undo(story, &c)
            .map_err(|e| crate::error::Error::input(format!("undoing the correction at event {}: {e}", c.event)))?;
    }
    // Claim dates come from the claim's and its source's versions; retractions from those known.
    story.date_claims();
    Ok(())
}

/// Everything in the database as the interchange carries it: each record as first logged,
/// then the corrections that bring it to its current version, the settings' history and
/// the findings with their triage (docs/FORMAT.md).
pub fn bundle(conn: &Connection) -> Result<Bundle> {
    let mut story = story(conn)?;
    let all = corrections(conn)?;
    for c in all.iter().rev() {
        undo(&mut story, c)
            .map_err(|e| crate::error::Error::input(format!("undoing the correction at event {}: {e}", c.event)))?;
    }
    let mut bundle = story.into_bundle();
    bundle.corrections = all.into_iter().map(|c| c.correction).collect();
    bundle.settings = setting_history(conn)?;
    bundle.findings = super::findings::carried_findings(conn)?;
    Ok(bundle)
}

/// Gives one record of the story back the values a correction replaced.
fn undo(story: &mut Story, c: &StoredCorrection) -> serde_json::Result<()> {
    fn back<T: serde::Serialize + serde::de::DeserializeOwned>(
        records: &mut [T],
        is: impl Fn(&T) -> bool,
        before: &serde_json::Map<String, serde_json::Value>,
    ) -> serde_json::Result<()> {
        if let Some(r) = records.iter_mut().find(|r| is(r)) {
            *r = serde_json::from_value(revert(&to_json(r), before))?;
        }
        Ok(())
    }
    let (target, before) = (c.correction.target.as_str(), &c.before);
    match c.correction.kind {
        Some(RecordKind::Party) => back(&mut story.parties, |r| r.id == target, before),
        Some(RecordKind::Source) => back(&mut story.sources, |r| r.id == target, before),
        Some(RecordKind::Proposition) => back(&mut story.propositions, |r| r.id == target, before),
        Some(RecordKind::Request) => back(&mut story.requests, |r| r.key() == target, before),
        Some(RecordKind::Verdict) => back(&mut story.verdicts, |r| r.key() == target, before),
        Some(RecordKind::Claim) => {
            if let Some(row) = story.claims.iter_mut().find(|r| r.id() == target) {
                row.claim = serde_json::from_value(revert(&to_json(&row.claim), before))?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

// ---- shared helpers

fn one<T>(conn: &Connection, sql: &str, id: &str, map: fn(&Row) -> rusqlite::Result<T>) -> Result<Option<T>> {
    let mut stmt = conn.prepare_cached(sql).context(|| format!("looking up {id}"))?;
    stmt.query_row([id], map).optional().context(|| format!("reading {id}"))
}

fn all<T>(conn: &Connection, sql: &str, map: fn(&Row) -> rusqlite::Result<T>) -> Result<Vec<T>> {
    let mut stmt = conn.prepare_cached(sql).context(|| format!("running {sql}"))?;
    let rows = stmt.query_map([], map).context(|| format!("running {sql}"))?;
    rows.collect::<rusqlite::Result<_>>().context(|| format!("reading rows of {sql}"))
}

pub(super) fn list_of(conn: &Connection, sql: &str, id: &str) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(sql).context(|| format!("reading the lists of {id}"))?;
    let rows = stmt.query_map([id], |r| r.get(0)).context(|| format!("reading the lists of {id}"))?;
    rows.collect::<rusqlite::Result<_>>().context(|| format!("reading the lists of {id}"))
}

/// How a record's row is written: added, by the event that logs it; or replaced in place by
/// a correction (the id, who logged it, when and its event stay).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Put {
    New { event: i64 },
    Corrected,
}

/// Writes one row of `table`: `columns` start with the key, `values` follow them.
fn put_row(tx: &Connection, table: &str, columns: &str, values: &[&dyn ToSql], put: Put) -> rusqlite::Result<()> {
    let marks: Vec<String> = (1..=values.len()).map(|i| format!("?{i}")).collect();
    let key = columns.split(',').next().unwrap_or("id");
    match put {
        Put::New { event } => {
            let sql =
                format!("INSERT INTO {table} ({columns}, event) VALUES ({}, ?{})", marks.join(", "), values.len() + 1);
            let mut all = values.to_vec();
            all.push(&event);
            tx.prepare_cached(&sql)?.execute(&*all)?;
        }
        Put::Corrected => {
            let sql = format!("UPDATE {table} SET ({columns}) = ({}) WHERE {key} = ?1", marks.join(", "));
            tx.prepare_cached(&sql)?.execute(values)?;
        }
    }
    Ok(())
}

/// Writes a record's list (table, owner column, item column) in the order given; a
/// correction replaces the whole list.
fn put_list(
    tx: &Connection,
    list: (&str, &str, &str),
    owner: &str,
    items: &[String],
    put: Put,
) -> rusqlite::Result<()> {
    let (table, owner_column, item_column) = list;
    if put == Put::Corrected {
        tx.prepare_cached(&format!("DELETE FROM {table} WHERE {owner_column} = ?1"))?.execute([owner])?;
    }
    let sql = format!("INSERT INTO {table} ({owner_column}, {item_column}, position) VALUES (?1, ?2, ?3)");
    let mut stmt = tx.prepare_cached(&sql)?;
    for (position, item) in items.iter().enumerate() {
        stmt.execute(params![owner, item, position as i64])?;
    }
    Ok(())
}

// ---- walking every row, one at a time (verify)

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

fn to_json<T: serde::Serialize>(record: &T) -> serde_json::Value {
    serde_json::to_value(record).expect("records serialise")
}

/// Runs `sql` (with `event` as its parameter, when given) and hands each row, mapped, to
/// `visit` with its `event` column.
fn walk<T>(
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
const BATCHED_TRIAGE_ROWS: &str = "SELECT finding, state, note, by, at, event FROM finding_triage t \
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
    let entry = super::TriageEntry::from_row(r)?;
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

// ---- corrections

/// A record's current version as JSON (the interchange form), for a correction to apply to.
pub fn record_json(conn: &Connection, kind: RecordKind, id: &str) -> Result<serde_json::Value> {
    let value = match kind {
        RecordKind::Party => party(conn, id)?.map(|r| to_json(&r)),
        RecordKind::Source => source(conn, id)?.map(|r| to_json(&r)),
        RecordKind::Proposition => proposition(conn, id)?.map(|r| to_json(&r)),
        RecordKind::Claim => claim(conn, id)?.map(|r| to_json(&r.claim)),
        RecordKind::Request => request(conn, id)?.map(|r| to_json(&r)),
        RecordKind::Verdict => one(conn, "SELECT * FROM verdict WHERE id = ?1", id, verdict_row)?.map(|r| to_json(&r)),
        _ => None,
    };
    Ok(value.unwrap_or(serde_json::Value::Null))
}

/// A correction as stored: what it changed, and the values it replaced.
#[derive(Clone, Debug)]
pub struct StoredCorrection {
    pub correction: Correction,
    pub before: serde_json::Map<String, serde_json::Value>,
    pub event: i64,
}

pub(super) const CORRECTION_COLUMNS: &str = "seq, target, kind, change, before, reason, logged_by, recorded, event";

pub(super) fn correction_row(r: &Row) -> rusqlite::Result<StoredCorrection> {
    let object = |column: &str| -> rusqlite::Result<serde_json::Map<String, serde_json::Value>> {
        let text: String = col(r, "correction", column)?;
        serde_json::from_str(&text).map_err(|e| unreadable(r, "correction", column, format!("not a JSON object: {e}")))
    };
    let mut change = object("change")?;
    let mut part = |name: &str| match change.remove(name) {
        Some(serde_json::Value::Object(m)) => m,
        _ => serde_json::Map::new(),
    };
    let (set, add, remove) = (part("set"), part("add"), part("remove"));
    Ok(StoredCorrection {
        correction: Correction {
            target: col(r, "correction", "target")?,
            kind: Some(col(r, "correction", "kind")?),
            set,
            add,
            remove,
            reason: col(r, "correction", "reason")?,
            logged_by: Some(col(r, "correction", "logged_by")?),
            recorded: Some(col(r, "correction", "recorded")?),
        },
        before: object("before")?,
        event: col(r, "correction", "event")?,
    })
}

/// The correction of this record by the same person at the same moment, if stored.
pub fn stored_correction(conn: &Connection, c: &Correction, kind: RecordKind) -> Result<Option<Correction>> {
    let sql = format!(
        "SELECT {CORRECTION_COLUMNS} FROM correction WHERE target = ?1 AND kind = ?2 AND recorded = ?3 AND logged_by = ?4"
    );
    conn.prepare_cached(&sql)
        .and_then(|mut s| s.query_row(params![c.target, kind, c.recorded, c.logged_by], correction_row).optional())
        .map(|found| found.map(|s| s.correction))
        .context(|| format!("looking up the corrections of {}", c.target))
}

/// Every correction of one record, oldest first.
pub fn corrections_of(conn: &Connection, kind: RecordKind, target: &str) -> Result<Vec<StoredCorrection>> {
    let sql = format!("SELECT {CORRECTION_COLUMNS} FROM correction WHERE target = ?1 AND kind = ?2 ORDER BY seq");
    conn.prepare_cached(&sql)
        .and_then(|mut s| s.query_map(params![target, kind], correction_row)?.collect())
        .context(|| format!("reading the corrections of {target}"))
}

/// Every correction, oldest first.
pub fn corrections(conn: &Connection) -> Result<Vec<StoredCorrection>> {
    all(conn, &format!("SELECT {CORRECTION_COLUMNS} FROM correction ORDER BY seq"), correction_row)
}

/// The last event a present-day reconcile logged a triage step with (0 for none): what it
/// saw is older. Read from the newest step back: an editor's steps are few.
pub fn last_reconcile_event(conn: &Connection) -> Result<i64> {
    conn.query_row(
        "SELECT coalesce((SELECT event FROM finding_triage WHERE by = 'reconcile' ORDER BY seq DESC LIMIT 1), 0)",
        [],
        |r| r.get(0),
    )
    .context(|| "reading the triage history".into())
}

/// The corrections logged after event `seq`, oldest first.
pub fn corrections_after(conn: &Connection, seq: i64) -> Result<Vec<StoredCorrection>> {
    let sql = format!("SELECT {CORRECTION_COLUMNS} FROM correction WHERE event > ?1 ORDER BY seq");
    conn.prepare_cached(&sql)
        .and_then(|mut s| s.query_map([seq], correction_row)?.collect())
        .context(|| "reading the latest corrections".into())
}

/// Writes a correction about to be applied (see the `correction` table in schema.sql).
pub fn insert_correction(
    tx: &Connection,
    c: &Correction,
    kind: RecordKind,
    before: &serde_json::Map<String, serde_json::Value>,
    event: i64,
) -> Result<()> {
    let change = serde_json::json!({"set": c.set, "add": c.add, "remove": c.remove});
    tx.prepare_cached(
        "INSERT INTO correction (target, kind, change, before, reason, logged_by, recorded, event) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )
    .and_then(|mut s| {
        s.execute(params![
            c.target,
            kind,
            change.to_string(),
            serde_json::Value::Object(before.clone()).to_string(),
            c.reason,
            c.logged_by,
            c.recorded,
            event
        ])
    })
    .context(|| format!("writing the correction of {}", c.target))?;
    Ok(())
}

/// Marks a correction applied: from here on its record refuses updates again.
pub fn mark_applied(tx: &Connection, event: i64) -> Result<()> {
    tx.prepare_cached("UPDATE correction SET applied = 1 WHERE event = ?1")
        .and_then(|mut s| s.execute([event]))
        .context(|| "finishing a correction".into())?;
    Ok(())
}

// ---- settings

/// The newsroom settings a command may set (`claimtrack config set`).
pub const SETTINGS: &[&str] = &["org.name", "org.url", "report.title"];

/// A setting's value, if it has one.
pub fn setting(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(settings(conn)?.into_iter().find(|(k, _)| k == key).map(|(_, v)| v))
}

/// A setting as the audit log holds it.
#[derive(serde::Serialize)]
struct SettingBody<'a> {
    key: &'a str,
    value: &'a str,
    logged_by: &'a str,
    recorded: Timestamp,
}

/// Logs a setting and writes it; with `seq`, the row is already there (logged when the
/// audit log first covered settings) and only gets its event.
fn log_setting(
    tx: &Connection,
    action: &str,
    key: &str,
    value: &str,
    logged_by: &str,
    recorded: Timestamp,
    seq: Option<i64>,
) -> Result<()> {
    let event = super::audit::append(tx, action, "setting", key, &SettingBody { key, value, logged_by, recorded })?;
    let sql = match seq {
        None => "INSERT INTO setting (key, value, logged_by, recorded, event) VALUES (?1, ?2, ?3, ?4, ?5)",
        Some(_) => "UPDATE setting SET event = ?5 WHERE seq = ?6 AND key = ?1 AND value = ?2",
    };
    tx.prepare_cached(sql)
        .and_then(|mut s| match seq {
            None => s.execute(params![key, value, logged_by, recorded, event]),
            Some(seq) => s.execute(params![key, value, logged_by, recorded, event, seq]),
        })
        .context(|| format!("setting {key}"))?;
    Ok(())
}

/// A setting, set here (`config set`) or carried from another database (an import): checked
/// (a setting claimtrack keeps, a value with something visible, a URL where one is due), then
/// added unless that very value, set by the same person at the same moment, is already here.
pub fn carry_setting(tx: &Connection, s: &Setting, action: &str) -> Result<bool> {
    check_setting(s).map_err(crate::error::Error::Input)?;
    let there = tx
        .prepare_cached("SELECT 1 FROM setting WHERE key = ?1 AND value = ?2 AND logged_by = ?3 AND recorded = ?4")
        .and_then(|mut st| st.exists(params![s.key, s.value, s.logged_by, s.recorded]))
        .context(|| format!("looking up setting {}", s.key))?;
    if !there {
        log_setting(tx, action, &s.key, &s.value, &s.logged_by, s.recorded, None)?;
    }
    Ok(!there)
}

fn check_setting(s: &Setting) -> Result<(), String> {
    let key = &s.key;
    if !SETTINGS.contains(&key.as_str()) {
        return Err(format!("'{key}' is not a setting; use one of: {}", SETTINGS.join(", ")));
    }
    if !crate::text::has_visible(&s.value) {
        return Err(format!("{key}: the value has no visible character; give some text"));
    }
    if key == "org.url" {
        crate::model::check_url(&s.value).map_err(|why| format!("org.url: {why}"))?;
    }
    Ok(())
}

/// Every value each setting was given, oldest first (the last stands).
pub fn setting_history(conn: &Connection) -> Result<Vec<Setting>> {
    all(conn, "SELECT key, value, logged_by, recorded FROM setting ORDER BY seq", |r| {
        Ok(Setting {
            key: col(r, "setting", "key")?,
            value: col(r, "setting", "value")?,
            logged_by: col(r, "setting", "logged_by")?,
            recorded: col(r, "setting", "recorded")?,
        })
    })
}

/// Migration 8 brings settings into the audit log: those already set are logged once, as
/// action `backfill`, in the order they were set.
pub(super) fn backfill_settings(tx: &Connection) -> Result<()> {
    let rows: Vec<(i64, String, String, String, Timestamp)> = tx
        .prepare("SELECT seq, key, value, logged_by, recorded FROM setting ORDER BY seq")
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?.collect())
        .context(|| "reading the settings to log".into())?;
    for (seq, key, value, logged_by, recorded) in rows {
        log_setting(tx, "backfill", &key, &value, &logged_by, recorded, Some(seq))?;
    }
    Ok(())
}

/// The current value of each setting that has one.
pub fn settings(conn: &Connection) -> Result<Vec<(String, String)>> {
    let mut stmt =
        conn.prepare_cached("SELECT key, value FROM settings ORDER BY key").context(|| "reading settings".into())?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).context(|| "reading settings".into())?;
    rows.collect::<rusqlite::Result<_>>().context(|| "reading settings".into())
}
