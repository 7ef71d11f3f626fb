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

pub(super) fn json_list<T: serde::Serialize>(list: &[T]) -> String {
    serde_json::to_string(list).expect("a list of strings serialises")
}

pub(super) fn from_json_list(row: &Row, table: &'static str, column: &str) -> rusqlite::Result<Vec<String>> {
    let text: String = col(row, table, column)?;
    serde_json::from_str(&text).map_err(|e| unreadable(row, table, column, format!("not a JSON list of text: {e}")))
}

/// One column of a row of `table`; a value claimtrack cannot read (changed behind its back)
/// is an error that names the table, the row and the column (see [`Unreadable`]).
pub(super) fn col<T: FromSql>(row: &Row, table: &'static str, column: &str) -> rusqlite::Result<T> {
    row.get(column).map_err(|e| failed(row, table, column, e))
}

/// [`col`] by position, for a query whose columns are listed in order.
pub(super) fn col_at<T: FromSql>((row, table, i): (&Row, &'static str, usize)) -> rusqlite::Result<T> {
    row.get(i).map_err(|e| failed(row, table, row.as_ref().column_name(i).unwrap_or("?"), e))
}

/// A value that could not be read, as an error naming the record and the column.
pub(super) fn failed(row: &Row, table: &'static str, column: &str, e: rusqlite::Error) -> rusqlite::Error {
    let why = match e {
        rusqlite::Error::FromSqlConversionFailure(_, _, inner) => inner.to_string(),
        other => other.to_string(),
    };
    unreadable(row, table, column, why)
}

pub(super) fn unreadable(row: &Row, table: &'static str, column: &str, why: String) -> rusqlite::Error {
    let key = |c: &str| row.get::<_, String>(c).unwrap_or_else(|_| "?".into());
    let id = match table {
        "link" => format!("{} {} {}", key("from_claim"), key("rel"), key("to_claim")),
        "retraction" => key("target"),
        _ => key("id"),
    };
    let failure = Unreadable { table, row: id, column: column.to_string(), why };
    rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(failure))
}

/// The keys of one record kind, in order: for "did you mean" suggestions and completion.
pub fn ids(conn: &Connection, kind: RecordKind) -> Result<Vec<String>> {
    let Keyed { table, key, .. } = keyed(kind);
    let mut stmt = conn
        .prepare_cached(&format!("SELECT {key} FROM {table} ORDER BY 1"))
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

/// Where the records of a kind are found by key: the table, the key as one text, and the
/// columns a key's parts are looked up in (a link's key "FROM REL TO" is three; a
/// correction's, the event that logged it, is one).
struct Keyed {
    table: &'static str,
    key: &'static str,
    columns: &'static [&'static str],
}

fn keyed(kind: RecordKind) -> Keyed {
    const ID: &[&str] = &["id"];
    let by_id = |table| Keyed { table, key: "id", columns: ID };
    match kind {
        RecordKind::Party => by_id("party"),
        RecordKind::Source => by_id("source"),
        RecordKind::Proposition => by_id("proposition"),
        RecordKind::Claim => by_id("claim"),
        RecordKind::Request => by_id("request"),
        RecordKind::Verdict => by_id("verdict"),
        RecordKind::Retraction => Keyed { table: "retraction", key: "target", columns: &["target"] },
        RecordKind::Link => Keyed {
            table: "link",
            key: "from_claim || ' ' || rel || ' ' || to_claim",
            columns: &["from_claim", "rel", "to_claim"],
        },
        RecordKind::Correction => Keyed { table: "correction", key: "CAST(event AS TEXT)", columns: &["event"] },
    }
}

/// `SELECT what` from the row of `kind` with key `id`, if any: the key split into the
/// kind's key columns (a key with too few parts names no row).
fn by_key<T: rusqlite::types::FromSql>(
    conn: &Connection,
    kind: RecordKind,
    id: &str,
    what: &'static str,
) -> Result<Option<T>> {
    let Keyed { table, columns, .. } = keyed(kind);
    let parts: Vec<&str> = id.splitn(columns.len(), ' ').collect();
    if parts.len() < columns.len() {
        return Ok(None);
    }
    let sql = || {
        let on: Vec<String> = columns.iter().enumerate().map(|(i, c)| format!("{c} = ?{}", i + 1)).collect();
        format!("SELECT {what} FROM {table} WHERE {}", on.join(" AND "))
    };
    with_sql([table, what, "SELECT"], sql, |sql| {
        conn.prepare_cached(sql)?.query_row(rusqlite::params_from_iter(parts), |r| r.get(0)).optional()
    })
    .context(|| format!("looking up {kind} {id}"))
}

/// Runs `run` with the SQL `make` writes for `key`, made once per thread: a large import looks
/// a record up and writes its row a few microseconds apart, and formatting the same
/// statements each time was a fifth of writing a row.
fn with_sql<R>(key: [&'static str; 3], make: impl FnOnce() -> String, run: impl FnOnce(&str) -> R) -> R {
    type Made = Vec<([&'static str; 3], std::rc::Rc<str>)>;
    thread_local! {
        static MADE: std::cell::RefCell<Made> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let sql = MADE.with_borrow_mut(|made| match made.iter().find(|m| m.0 == key) {
        Some((_, sql)) => sql.clone(),
        None => {
            let sql: std::rc::Rc<str> = make().into();
            made.push((key, sql.clone()));
            sql
        }
    });
    run(&sql)
}

/// Whether a record of `kind` with this key exists.
pub fn exists(conn: &Connection, kind: RecordKind, id: &str) -> Result<bool> {
    Ok(by_key::<i64>(conn, kind, id, "1")?.is_some())
}

/// The event a record's row names (its own, or its batch's), if the row exists.
pub fn row_event(conn: &Connection, kind: RecordKind, id: &str) -> Result<Option<i64>> {
    Ok(by_key::<Option<i64>>(conn, kind, id, "event")?.flatten())
}

// ---- party

pub(super) const PARTY_COLUMNS: &str = "id, name, kind, anonymous, country, parent, aliases, note, logged_by, recorded";

pub(super) fn party_row(r: &Row) -> rusqlite::Result<Party> {
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
pub(super) fn lists_of(conn: &Connection, sql: &str) -> Result<rustc_hash::FxHashMap<String, Vec<String>>> {
    lists_in(conn, sql, [])
}

/// [`lists_of`] with parameters (the ids of a batch, as a JSON list: see [`In`]).
pub(super) fn lists_in(
    conn: &Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<rustc_hash::FxHashMap<String, Vec<String>>> {
    let mut stmt = conn.prepare_cached(sql).context(|| format!("running {sql}"))?;
    let mut rows = stmt.query(params).context(|| format!("running {sql}"))?;
    let mut lists: rustc_hash::FxHashMap<String, Vec<String>> = rustc_hash::FxHashMap::default();
    while let Some(row) = rows.next().context(|| format!("reading {sql}"))? {
        let item: String = row.get(1).context(|| sql.into())?;
        // The owner's text is copied once, for its first item.
        let owner = row.get_ref(0).and_then(|v| Ok(v.as_str()?)).context(|| sql.into())?;
        match lists.get_mut(owner) {
            Some(list) => list.push(item),
            None => {
                lists.insert(owner.to_string(), vec![item]);
            }
        }
    }
    Ok(lists)
}

// ---- proposition

pub(super) const PROPOSITION_COLUMNS: &str = "id, text, tags, note, merged_into, logged_by, recorded";

pub(super) fn proposition_row(r: &Row) -> rusqlite::Result<Proposition> {
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

pub(super) fn with_expected(conn: &Connection, mut p: Proposition) -> Result<Proposition> {
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

pub(super) const CLAIM_COLUMNS: &str = "c.id, c.proposition, c.party, c.stance, c.source, c.via, c.stated, c.quote, c.note, c.confidence, c.grade, c.logged_by, c.recorded";
/// [`CLAIM_COLUMNS`] as the claim table names them.
static CLAIM_ROW_COLUMNS: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| CLAIM_COLUMNS.replace("c.", ""));

/// The claim query with what its date and retraction need: the source's publication date
/// (the date itself is decided in Rust, [`ClaimRow::new`]) and the retraction's date.
pub(super) const CLAIM_SELECT: &str =
    "SELECT c.id, c.proposition, c.party, c.stance, c.source, c.via, c.stated, c.quote, c.note, \
     c.confidence, c.grade, c.logged_by, c.recorded, s.published AS source_published, \
     (SELECT r.date FROM retraction r WHERE r.target = c.id) AS retracted \
     FROM claim c JOIN source s ON s.id = c.source";

/// A row of [`CLAIM_SELECT`], read by position: a claim read by column name costs a search
/// of the column names per field, a tenth of a full reconcile.
pub(super) fn claim_row(r: &Row) -> rusqlite::Result<ClaimRow> {
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
        &CLAIM_ROW_COLUMNS,
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

pub(super) const BASIS_OF: &str = "SELECT source FROM claim_basis WHERE claim = ?1 ORDER BY position";

pub(super) fn with_basis(conn: &Connection, mut row: ClaimRow) -> Result<ClaimRow> {
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
        rustc_hash::FxHashMap::default()
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

pub(super) fn request_row(r: &Row) -> rusqlite::Result<Request> {
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

pub(super) fn verdict_row(r: &Row) -> rusqlite::Result<Verdict> {
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

// ---- shared helpers

pub(super) fn one<T>(
    conn: &Connection,
    sql: &str,
    id: &str,
    map: fn(&Row) -> rusqlite::Result<T>,
) -> Result<Option<T>> {
    let mut stmt = conn.prepare_cached(sql).context(|| format!("looking up {id}"))?;
    stmt.query_row([id], map).optional().context(|| format!("reading {id}"))
}

pub(super) fn all<T>(conn: &Connection, sql: &str, map: fn(&Row) -> rusqlite::Result<T>) -> Result<Vec<T>> {
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
pub(super) fn put_row(
    tx: &Connection,
    table: &'static str,
    columns: &'static str,
    values: &[&dyn ToSql],
    put: Put,
) -> rusqlite::Result<()> {
    let n = values.len();
    let marks = || (1..=n).map(|i| format!("?{i}")).collect::<Vec<_>>().join(", ");
    match put {
        Put::New { event } => {
            let mut all = values.to_vec();
            all.push(&event);
            let sql = || format!("INSERT INTO {table} ({columns}, event) VALUES ({}, ?{})", marks(), n + 1);
            with_sql([table, columns, "INSERT"], sql, |sql| tx.prepare_cached(sql)?.execute(&*all))?;
        }
        Put::Corrected => {
            let key = columns.split(',').next().unwrap_or("id");
            let sql = || format!("UPDATE {table} SET ({columns}) = ({}) WHERE {key} = ?1", marks());
            with_sql([table, columns, "UPDATE"], sql, |sql| tx.prepare_cached(sql)?.execute(values))?;
        }
    }
    Ok(())
}

/// Writes a record's list (table, owner column, item column) in the order given; a
/// correction replaces the whole list.
pub(super) fn put_list(
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
