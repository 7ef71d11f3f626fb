//! The full-text index's SQL: which text of each record is searched, keeping the index in step
//! with the records (schema.sql, migration 7), ranked search, and reading the index back for
//! `verify`. What the text becomes is `search::terms`'s business.

use crate::error::{Context, Error, Result};
use crate::search::query::Query;
use crate::search::{index_terms, Terms};
use rusqlite::{params, Connection, OptionalExtension, Row};

/// The kinds of record search finds, each with the SQL that reads a record's id and then the
/// fields it is found by. A new field is one more column here (and a migration that re-queues
/// that kind, so records already stored are indexed with it).
pub const SEARCHED: &[(&str, &str)] = &[
    ("claim", "SELECT id, quote, note FROM claim"),
    ("proposition", "SELECT id, text, note FROM proposition"),
    ("party", "SELECT id, name, (SELECT group_concat(value, char(10)) FROM json_each(aliases)), note FROM party"),
    ("source", "SELECT id, title, note FROM source"),
    ("request", "SELECT id, note FROM request"),
];

/// Each [`SEARCHED`] query narrowed to one record (`?1`), made once: an import reads a
/// record's text back for every record it writes.
static ONE_RECORD: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
    SEARCHED.iter().map(|(_, sql)| format!("SELECT * FROM ({sql}) WHERE id = ?1")).collect()
});

/// The SQL reading one record's searchable fields of a kind.
fn fields_sql(kind: &str) -> Option<&'static str> {
    SEARCHED.iter().position(|s| s.0 == kind).map(|i| ONE_RECORD[i].as_str())
}

/// The fields of a row read with a [`SEARCHED`] query, after its id: those with text.
fn fields_of(row: &Row, columns: std::ops::Range<usize>) -> rusqlite::Result<Vec<String>> {
    let mut fields = Vec::new();
    for i in columns {
        if let Some(text) = row.get::<_, Option<String>>(i)?.filter(|t| !t.trim().is_empty()) {
            fields.push(text);
        }
    }
    Ok(fields)
}

/// The searchable fields of one record, or `None` if there is no such record.
pub fn searched_fields(conn: &Connection, kind: &str, record: &str) -> Result<Option<Vec<String>>> {
    let Some(sql) = fields_sql(kind) else { return Ok(None) };
    let mut stmt = conn.prepare_cached(sql).context(|| format!("reading the text of {kind} {record}"))?;
    let columns = 1..stmt.column_count();
    stmt.query_row([record], |r| fields_of(r, columns.clone()))
        .optional()
        .context(|| format!("reading the text of {kind} {record}"))
}

/// How many queued records may wait between reading their text and indexing it.
const IN_FLIGHT: usize = 4096;

/// A queued record (kind, id) and its searchable fields, if it exists.
type Queued = (String, String, Option<Vec<String>>);

/// A queued record and the terms its text makes.
type Made = (String, String, Option<Terms>);

/// Brings the index up to date with the records queued by the triggers (schema.sql, migration
/// 7): each queued record's entry is replaced by what its current text makes, or removed if the
/// record is gone or has no words. Runs at the end of every write, in its transaction.
pub fn index_queued_text(tx: &Connection) -> Result<()> {
    let mut indexer = Indexer::start();
    indexer.feed(tx)?;
    indexer.finish(tx)
}

/// Indexes queued records in queue order, their terms made on a second thread while this
/// one reads the next records' text: a bulk import feeds it as it goes, so both cores work.
/// At most [`IN_FLIGHT`] records wait in between (memory stays flat). The terms wait in a
/// temporary table and go into the index in one statement at the end ([`Indexer::finish`]):
/// FTS5 written a row at a time amid other writes flushes its in-memory index at every
/// statement's savepoint, leaving thousands of tiny segments to merge.
pub struct Indexer {
    to_terms: Option<std::sync::mpsc::SyncSender<Queued>>,
    made: std::sync::mpsc::Receiver<Made>,
    worker: Option<std::thread::JoinHandle<()>>,
    /// The last queue entry handed to the worker.
    fed: i64,
    /// Whether the temporary table of made terms is ready (made on the first record only, so
    /// that a write with nothing to index creates nothing).
    staging: bool,
    /// How many records were handed to the worker.
    sent: usize,
    /// How many had been when the first record was pushed: the records pushed are new, each
    /// pushed once, so only those before them may be staged twice ([`write_staged`]) ...
    first_push: Option<usize>,
    /// ... unless a queued record came after one pushed (it may be one of them, corrected).
    queued_after_push: bool,
}

impl Indexer {
    pub fn start() -> Indexer {
        let (to_terms, texts) = std::sync::mpsc::sync_channel::<Queued>(IN_FLIGHT);
        let (to_index, made) = std::sync::mpsc::channel();
        let worker = std::thread::spawn(move || {
            for (kind, record, fields) in texts {
                let terms = fields.and_then(|f| index_terms(f.iter().map(String::as_str)));
                if to_index.send((kind, record, terms)).is_err() {
                    break;
                }
            }
        });
        Indexer {
            to_terms: Some(to_terms),
            made,
            worker: Some(worker),
            fed: 0,
            staging: false,
            sent: 0,
            first_push: None,
            queued_after_push: false,
        }
    }

    /// Hands the records queued since the last call to the worker, and stages those whose
    /// terms are made.
    pub fn feed(&mut self, tx: &Connection) -> Result<()> {
        let what = || "updating the full-text index".to_string();
        let mut queue = tx
            .prepare_cached("SELECT seq, kind, record FROM search_queue WHERE seq > ?1 ORDER BY seq")
            .context(what)?;
        let mut rows = queue.query([self.fed]).context(what)?;
        while let Some(row) = rows.next().context(what)? {
            let (seq, kind, record): (i64, String, String) =
                (row.get(0).context(what)?, row.get(1).context(what)?, row.get(2).context(what)?);
            let fields = searched_fields(tx, &kind, &record)?;
            self.send(tx, (kind, record, fields))?;
            self.fed = seq;
            self.queued_after_push |= self.first_push.is_some();
        }
        Ok(())
    }

    /// Hands the worker one record just written whose row no trigger queued (a batched
    /// write sets those triggers aside: store/aside.rs), its text read as the queue's is.
    pub fn push(&mut self, tx: &Connection, kind: &str, record: &str) -> Result<()> {
        let fields = searched_fields(tx, kind, record)?;
        self.first_push.get_or_insert(self.sent);
        self.send(tx, (kind.to_string(), record.to_string(), fields))
    }

    /// Hands a record to the worker, and stages the terms made so far.
    fn send(&mut self, tx: &Connection, queued: Queued) -> Result<()> {
        let to_terms = self.to_terms.as_ref().expect("fed before it is finished");
        to_terms.send(queued).expect("the thread making index terms runs to the end");
        self.sent += 1;
        for made in self.made.try_iter() {
            stage(tx, &mut self.staging, made)?;
        }
        Ok(())
    }

    /// Stages what is still being made, writes every staged entry into the index, and empties
    /// the queue of what was fed.
    pub fn finish(mut self, tx: &Connection) -> Result<()> {
        drop(self.to_terms.take());
        for made in self.made.iter() {
            stage(tx, &mut self.staging, made)?;
        }
        if let Some(worker) = self.worker.take() {
            worker.join().expect("the thread making index terms does not panic");
        }
        if self.staging {
            write_staged(tx, self.first_push.filter(|_| !self.queued_after_push))?;
        }
        tx.execute("DELETE FROM search_queue WHERE seq <= ?1", [self.fed])
            .context(|| "updating the full-text index".to_string())?;
        Ok(())
    }
}

/// Keeps one record's terms (none: no words, or no such record) for [`write_staged`].
fn stage(tx: &Connection, ready: &mut bool, (kind, record, terms): Made) -> Result<()> {
    let what = || format!("indexing {kind} {record}");
    if !*ready {
        tx.execute_batch(
            "CREATE TEMP TABLE IF NOT EXISTS search_staged (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL, \
             record TEXT NOT NULL, words TEXT, stems TEXT); DELETE FROM temp.search_staged;",
        )
        .context(what)?;
        *ready = true;
    }
    let (words, stems) = terms.map(|t| (t.words, t.stems)).unzip();
    tx.prepare_cached("INSERT INTO temp.search_staged (kind, record, words, stems) VALUES (?1, ?2, ?3, ?4)")
        .and_then(|mut s| s.execute(params![kind, record, words, stems]))
        .context(what)?;
    Ok(())
}

/// The buffer of new terms FTS5 is given for writing many staged entries at once (see
/// [`write_staged`]), and how many entries are many.
const FTS_BUFFER: i64 = 16 << 20;
const FTS_BUFFERED_PAST: i64 = 10_000;

/// Replaces the index entry of every staged record by its last staged terms, or removes it
/// when they are none. An entry kept keeps its id; new entries take ids in queue order. The
/// index is then checked to hold an entry for every staged record with terms. Into an empty
/// index, past the first `distinct_past` staged records each is staged once, none of them
/// before (see [`Indexer`]'s `first_push`): only those first ones need sorting out.
fn write_staged(tx: &Connection, distinct_past: Option<usize>) -> Result<()> {
    let what = || "updating the full-text index".to_string();
    // Into an empty index (a new database) there is nothing to replace.
    let replacing: bool =
        tx.query_row("SELECT EXISTS (SELECT 1 FROM search_record)", [], |r| r.get(0)).context(what)?;
    // The staged records that may be there twice: those before `distinct_past`, or all.
    let first: i64 =
        tx.query_row("SELECT coalesce(min(seq), 0) FROM temp.search_staged", [], |r| r.get(0)).context(what)?;
    let unsorted = distinct_past.filter(|_| !replacing).map_or(i64::MAX, |n| first.saturating_add(n as i64));
    tx.execute(
        "DELETE FROM temp.search_staged WHERE seq < ?1 \
             AND seq NOT IN (SELECT max(seq) FROM temp.search_staged WHERE seq < ?1 GROUP BY kind, record)",
        [unsorted],
    )
    .context(what)?;
    if replacing {
        tx.execute_batch(
            "DELETE FROM search WHERE rowid IN (SELECT r.id FROM temp.search_staged s \
                 JOIN search_record r ON r.kind = s.kind AND r.record = s.record); \
             DELETE FROM search_record WHERE id IN (SELECT r.id FROM temp.search_staged s \
                 JOIN search_record r ON r.kind = s.kind AND r.record = s.record WHERE s.words IS NULL);",
        )
        .context(what)?;
    }
    tx.execute(
        "INSERT OR IGNORE INTO search_record (kind, record) \
             SELECT kind, record FROM temp.search_staged WHERE words IS NOT NULL ORDER BY seq",
        [],
    )
    .context(what)?;
    // FTS5 holds this many bytes of new terms before it writes them out as a segment, which
    // it then merges with the others: 1 MiB by default, a segment every few hundred records.
    // One statement over many records writes fewer, larger segments with a larger buffer; the
    // setting lasts for this statement only (its row is taken out of the index's own settings
    // table after: the index reads the same either way).
    let many = tx
        .query_row("SELECT count(*) > ?1 FROM temp.search_staged", [FTS_BUFFERED_PAST], |r| r.get(0))
        .context(what)?;
    if many {
        tx.execute("INSERT INTO search (search, rank) VALUES ('hashsize', ?1)", [FTS_BUFFER]).context(what)?;
    }
    // Into an empty index the ids were given in staged order: no need to sort by them.
    let order = if replacing { "r.id" } else { "s.seq" };
    let written = tx
        .execute(
            &format!(
                "INSERT INTO search (rowid, words, stems) SELECT r.id, s.words, s.stems FROM temp.search_staged s \
                 JOIN search_record r ON r.kind = s.kind AND r.record = s.record WHERE s.words IS NOT NULL \
                 ORDER BY {order}"
            ),
            [],
        )
        .context(what)?;
    if many {
        tx.execute("DELETE FROM search_config WHERE k = 'hashsize'", []).context(what)?;
    }
    let staged: usize = tx
        .query_row("SELECT count(*) FROM temp.search_staged WHERE words IS NOT NULL", [], |r| r.get(0))
        .context(what)?;
    if written != staged {
        return Err(Error::input(format!(
            "the full-text index took {written} of the {staged} entries just made for it; nothing was written. \
             Run `claimtrack verify`, and report this with its output"
        )));
    }
    tx.execute("DELETE FROM temp.search_staged", []).context(what)?;
    Ok(())
}

/// Whether records wait to be indexed (rows written with plain SQL since claimtrack last wrote).
pub(super) fn text_waiting(conn: &Connection) -> Result<bool> {
    conn.query_row("SELECT EXISTS (SELECT 1 FROM search_queue)", [], |r| r.get(0))
        .context(|| "reading the search queue".into())
}

/// The records waiting in the search queue: written with plain SQL since claimtrack last
/// wrote, and indexed afresh by the next write, so their index entries are not checked yet.
pub fn queued_records(conn: &Connection) -> Result<std::collections::HashSet<(String, String)>> {
    let what = || "reading the search queue".to_string();
    let mut stmt = conn.prepare("SELECT DISTINCT kind, record FROM search_queue").context(what)?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).context(what)?;
    rows.collect::<rusqlite::Result<_>>().context(what)
}

/// One record a search found.
#[derive(Debug)]
pub struct Found {
    pub kind: String,
    pub record: String,
    /// bm25: lower is a better match.
    pub rank: f64,
}

/// A query matching more records than this ranks the most recently indexed of them only:
/// bm25 costs microseconds a match, and a word found in most of a million records would take
/// a second to rank in full. Below this, every match is ranked.
pub const RANKED_AT_MOST: usize = 20_000;

/// Full-text search, best matches first: FTS5 is written here from the parsed `query`; a
/// kind, or for claims a proposition or a party, narrow it.
pub fn search(
    conn: &Connection,
    query: &Query,
    kind: Option<&str>,
    proposition: Option<&str>,
    party: Option<&str>,
    limit: usize,
) -> Result<Vec<Found>> {
    // The filters need each match's record, a lookup a match: only when there are filters.
    let filters = if kind.is_some() || proposition.is_some() || party.is_some() {
        "JOIN search_record f ON f.id = search.rowid WHERE search MATCH ?1 AND (?2 IS NULL OR f.kind = ?2) \
         AND (?3 IS NULL AND ?4 IS NULL OR (f.kind = 'claim' AND EXISTS (SELECT 1 FROM claim c WHERE c.id = f.record \
              AND (?3 IS NULL OR c.proposition = ?3) AND (?4 IS NULL OR c.party = ?4))))"
    } else {
        "WHERE search MATCH ?1 AND coalesce(?2, ?3, ?4) IS NULL"
    };
    // Exact words weigh twice other forms.
    let sql = format!(
        "SELECT r.kind, r.record, s.rank FROM ( \
             SELECT search.rowid AS id, bm25(search, 2.0, 1.0) AS rank FROM search {filters} \
             ORDER BY search.rowid DESC LIMIT {RANKED_AT_MOST}) s \
         JOIN search_record r ON r.id = s.id ORDER BY s.rank, r.kind, r.record LIMIT ?5"
    );
    let mut stmt = conn.prepare_cached(&sql).context(|| "preparing the search".into())?;
    // An expression the engine refuses (too deep, too large) is the query's fault, said in
    // one line: never the engine's message, which quotes its whole internal expression.
    let failed = |e: rusqlite::Error| match &e {
        rusqlite::Error::SqliteFailure(_, Some(m)) if m.starts_with("fts5") => Error::Usage(
            "the search is too complex for the search engine; search with fewer words, phrases or exclusions".into(),
        ),
        _ => Error::Sql { context: "searching".into(), source: e.into() },
    };
    let rows = stmt
        .query_map(params![super::fts::fts5(query), kind, proposition, party, limit as i64], |r| {
            Ok(Found { kind: r.get(0)?, record: r.get(1)?, rank: r.get(2)? })
        })
        .map_err(failed)?;
    rows.collect::<rusqlite::Result<_>>().map_err(failed)
}

/// A record and its index entry, as `verify` compares them.
pub struct IndexedRecord<'a> {
    pub kind: &'a str,
    pub record: String,
    /// The searchable fields; `None` when the entry's record does not exist.
    pub fields: Option<Vec<String>>,
    /// What the index holds for it, if anything.
    pub entry: Option<Terms>,
}

/// Every record of a searched kind with its index entry, then every entry whose record does
/// not exist, one at a time (memory stays flat on any size of database).
pub fn walk_search_index(conn: &Connection, mut visit: impl FnMut(IndexedRecord) -> Result<()>) -> Result<()> {
    for &(kind, sql) in SEARCHED {
        let what = || format!("reading the search index of each {kind}");
        let mut stmt = conn
            .prepare(&format!(
                "SELECT rec.*, s.words, s.stems FROM ({sql}) rec \
                 LEFT JOIN search_record r ON r.kind = ?1 AND r.record = rec.id LEFT JOIN search s ON s.rowid = r.id"
            ))
            .context(what)?;
        let n = stmt.column_count();
        let mut rows = stmt.query([kind]).context(what)?;
        while let Some(row) = rows.next().context(what)? {
            let entry = entry_of(row, n - 2).context(what)?;
            let (record, fields) = (row.get(0).context(what)?, fields_of(row, 1..n - 2).context(what)?);
            visit(IndexedRecord { kind, record, fields: Some(fields), entry })?;
        }
        let mut stmt = conn
            .prepare(&format!(
                "SELECT r.record, s.words, s.stems FROM search_record r LEFT JOIN search s ON s.rowid = r.id \
                 WHERE r.kind = ?1 AND NOT EXISTS (SELECT 1 FROM ({sql}) rec WHERE rec.id = r.record)"
            ))
            .context(what)?;
        let mut rows = stmt.query([kind]).context(what)?;
        while let Some(row) = rows.next().context(what)? {
            let entry = entry_of(row, 1).context(what)?;
            visit(IndexedRecord { kind, record: row.get(0).context(what)?, fields: None, entry })?;
        }
    }
    Ok(())
}

fn entry_of(row: &Row, words: usize) -> rusqlite::Result<Option<Terms>> {
    let (words, stems): (Option<String>, Option<String>) = (row.get(words)?, row.get(words + 1)?);
    Ok(words.map(|words| Terms { words, stems: stems.unwrap_or_default() }))
}

/// A row of the index that belongs to no record of a searched kind.
pub struct StrayRow {
    pub rowid: i64,
    /// The kind and record of its `search_record` row, if it has one (of a kind not searched).
    pub owner: Option<(String, String)>,
}

/// The index's stray rows, the first thousand.
pub fn stray_search_rows(conn: &Connection) -> Result<Vec<StrayRow>> {
    let kinds: Vec<String> = SEARCHED.iter().map(|s| format!("'{}'", s.0)).collect();
    let sql = format!(
        "SELECT s.rowid, NULL, NULL FROM search s WHERE NOT EXISTS (SELECT 1 FROM search_record r WHERE r.id = s.rowid) \
         UNION ALL SELECT r.id, r.kind, r.record FROM search_record r WHERE r.kind NOT IN ({}) LIMIT 1000",
        kinds.join(", ")
    );
    let mut stmt = conn.prepare(&sql).context(|| "reading the search index".into())?;
    let rows = stmt
        .query_map([], |r| {
            let owner: (Option<String>, Option<String>) = (r.get(1)?, r.get(2)?);
            Ok(StrayRow { rowid: r.get(0)?, owner: owner.0.zip(owner.1) })
        })
        .context(|| "reading the search index".into())?;
    rows.collect::<rusqlite::Result<_>>().context(|| "reading the search index".into())
}

/// The index entries holding `term` in `column` (`stems` or `words`), oldest first, each
/// handed to `keep` until it says stop: `match` reads a rare term's entries whole and only
/// the first few of a common one, whose number it estimates from how far they reach. No
/// bm25: ranking by it reads the stored length of every entry matched, scattered pages of a
/// large index.
pub fn term_entries(conn: &Connection, column: &str, term: &str, mut keep: impl FnMut(i64) -> bool) -> Result<()> {
    let what = || format!("finding the records with {term}");
    let mut stmt =
        conn.prepare_cached("SELECT rowid FROM search WHERE search MATCH ?1 ORDER BY rowid").context(what)?;
    let mut rows = stmt.query([format!("{column} : \"{}\"", term.replace('"', "\"\""))]).context(what)?;
    while let Some(row) = rows.next().context(what)? {
        if !keep(row.get(0).context(what)?) {
            break;
        }
    }
    Ok(())
}

/// The record (kind, id) an index entry is for, if it is one of `kinds`.
pub fn indexed_record(conn: &Connection, entry: i64, kinds: &[&str]) -> Result<Option<(String, String)>> {
    let what = || "reading the records like the text".to_string();
    let found: Option<(String, String)> = conn
        .prepare_cached("SELECT kind, record FROM search_record WHERE id = ?1")
        .and_then(|mut s| s.query_row([entry], |r| Ok((r.get(0)?, r.get(1)?))).optional())
        .context(what)?;
    Ok(found.filter(|(kind, _)| kinds.contains(&kind.as_str())))
}

/// About how many records the index holds (its highest entry number: cheap on any size).
pub fn indexed_records(conn: &Connection) -> Result<u64> {
    conn.query_row("SELECT coalesce(max(id), 0) FROM search_record", [], |r| r.get(0))
        .context(|| "counting the indexed records".into())
}

/// A proposition as `match` reads and shows it.
pub struct MatchProfile {
    pub proposition: String,
    /// Its text (for a claim: the quote, else the proposition's text).
    pub text: String,
    /// A proposition's note, empty if none (a claim's note is a logger's remark: around it).
    pub note: String,
    /// Its tags, the names and aliases of the parties it names (with a claim or as expected;
    /// for a claim: its note and its party), one a line.
    pub around: String,
    /// The reconciler's last stored reading (`proposition_outcome`), if reconciled.
    pub status: Option<String>,
    /// The label of the verdict that stands, if any.
    pub verdict: Option<String>,
    /// The proposition it was merged into, if it was.
    pub merged_into: Option<String>,
    /// When it was logged, as the order of rows (of the proposition, or of the claim).
    pub order: i64,
}

const PROFILE_COMMON: &str = "(SELECT status FROM proposition_outcome o WHERE o.proposition = p.id), \
     (SELECT label FROM verdict v WHERE v.proposition = p.id ORDER BY recorded DESC, rowid DESC LIMIT 1), p.merged_into";

/// A proposition's [`MatchProfile`], if it exists.
pub fn proposition_profile(conn: &Connection, id: &str) -> Result<Option<MatchProfile>> {
    let sql = format!(
        "SELECT p.id, p.text, coalesce(p.note, ''), \
             coalesce((SELECT group_concat(value, char(10)) FROM json_each(p.tags)), '') || char(10) || \
             coalesce((SELECT group_concat(pa.name || char(10) || coalesce((SELECT group_concat(value, char(10)) FROM json_each(pa.aliases)), ''), char(10)) \
              FROM party pa WHERE pa.id IN (SELECT party FROM claim WHERE proposition = p.id \
                                            UNION SELECT party FROM proposition_expected WHERE proposition = p.id)), ''), \
         {PROFILE_COMMON}, p.rowid FROM proposition p WHERE p.id = ?1"
    );
    profile(conn, &sql, id)
}

/// A claim's [`MatchProfile`], if it exists.
pub fn claim_profile(conn: &Connection, id: &str) -> Result<Option<MatchProfile>> {
    let sql = format!(
        "SELECT p.id, coalesce(c.quote, p.text), '', coalesce(c.note, '') || char(10) || pa.name || char(10) || \
             coalesce((SELECT group_concat(value, char(10)) FROM json_each(pa.aliases)), ''), \
         {PROFILE_COMMON}, c.rowid FROM claim c JOIN proposition p ON p.id = c.proposition JOIN party pa ON pa.id = c.party \
         WHERE c.id = ?1"
    );
    profile(conn, &sql, id)
}

fn profile(conn: &Connection, sql: &str, id: &str) -> Result<Option<MatchProfile>> {
    let what = || format!("reading {id} to match it");
    conn.prepare_cached(sql)
        .and_then(|mut s| {
            s.query_row([id], |r| {
                Ok(MatchProfile {
                    proposition: r.get(0)?,
                    text: r.get(1)?,
                    note: r.get(2)?,
                    around: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
                    status: r.get(4)?,
                    verdict: r.get(5)?,
                    merged_into: r.get(6)?,
                    order: r.get(7)?,
                })
            })
            .optional()
        })
        .context(what)
}

/// The propositions that name a party (with a claim, or as expected of it), at most `limit`.
pub fn propositions_naming(conn: &Connection, party: &str, limit: usize) -> Result<Vec<String>> {
    let what = || format!("reading the propositions naming {party}");
    let mut stmt = conn
        .prepare_cached(
            "SELECT proposition FROM claim WHERE party = ?1 UNION SELECT proposition FROM proposition_expected \
             WHERE party = ?1 LIMIT ?2",
        )
        .context(what)?;
    let rows = stmt.query_map(params![party, limit as i64], |r| r.get(0)).context(what)?;
    rows.collect::<rusqlite::Result<_>>().context(what)
}
