//! The audit log: every write appends an event to a SHA-256 hash chain (schema.sql,
//! migration 3), in the same transaction as the write itself.

use crate::clock;
use crate::date::Timestamp;
use crate::error::{Context, Result};
use crate::model::{Logged, RecordKind};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The `prev` of the first event.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One link of the chain.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    pub seq: i64,
    pub at: String,
    pub user: String,
    pub action: String,
    pub kind: String,
    pub record: String,
    pub body: Value,
    pub prev: String,
    pub hash: String,
}

impl Event {
    /// What the event wrote, in words: the record's fields (who logged it and when left
    /// out), each value cut short; for a triage, the state it set and why.
    pub fn what(&self) -> String {
        let Value::Object(fields) = &self.body else { return self.body.to_string() };
        if self.kind == "correction" {
            return correction_in_words(fields);
        }
        if self.kind == "batch" {
            return batch_in_words(&self.action, &self.body);
        }
        if self.kind == "setting" {
            let text = |k: &str| fields.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
            return format!("set {} = {}", text("key"), text("value"));
        }
        let shown = |v: &Value| -> String {
            let text = match v {
                Value::String(s) => s.clone(),
                Value::Array(items) => items
                    .iter()
                    .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
                    .collect::<Vec<_>>()
                    .join(", "),
                other => other.to_string(),
            };
            match text.char_indices().nth(48) {
                Some((cut, _)) => format!("{}…", &text[..cut]),
                None => text,
            }
        };
        let skip = ["logged_by", "recorded", "at", "finding", "id", "target"];
        let parts: Vec<String> = fields
            .iter()
            .filter(|(k, v)| !skip.contains(&k.as_str()) && !v.is_null())
            .map(|(k, v)| format!("{k} {}", shown(v)))
            .collect();
        let verb = match self.action.as_str() {
            "triage" => "set",
            "backfill" => "logged earlier",
            _ => "added",
        };
        format!("{verb}: {}", parts.join("; "))
    }
}

/// A batch's opening or closing event in words.
fn batch_in_words(action: &str, body: &Value) -> String {
    // A reconcile's own triage steps (the other batches are an import's records).
    let reconcile = action == "triage";
    match serde_json::from_value::<BatchSeal>(body.clone()) {
        Ok(seal) if reconcile => format!("sealed batch {}: {} triage steps by reconcile", seal.opened, seal.count),
        Err(_) if reconcile => {
            format!("opened batch {}: the triage steps of this reconcile are logged together", body["opens"])
        }
        Ok(seal) => {
            let kinds: Vec<String> = seal.kinds.iter().map(|(k, s)| format!("{} {k}", s.count)).collect();
            format!("sealed batch {}: {} records imported together ({})", seal.opened, seal.count, kinds.join(", "))
        }
        Err(_) => format!("opened batch {}: the records imported next are logged together", body["opens"]),
    }
}

/// In the history of one record: "imported with N other records (batch S)".
pub fn batch_for_record(event: &Event) -> Option<String> {
    let seal = serde_json::from_value::<BatchSeal>(event.body.clone()).ok()?;
    let others = seal.count.saturating_sub(1);
    Some(match event.action.as_str() {
        "triage" => format!("a triage step by reconcile, logged with {others} others (batch {})", seal.opened),
        _ => format!("imported with {others} other records (batch {})", seal.opened),
    })
}

/// The batches a record with this id was imported in (one per kind that has the id), and
/// those a finding's triage steps were logged in by a reconcile.
pub fn batches_of(conn: &Connection, id: &str) -> Result<Vec<i64>> {
    let mut found = Vec::new();
    for kind in RecordKind::TABLED {
        let Some(seq) = super::row_event(conn, kind, id)? else { continue };
        if event(conn, seq)?.is_some_and(|e| e.kind == "batch") {
            found.push(seq);
        }
    }
    // A finding's triage steps logged in a reconcile's batches.
    let mut stmt = conn
        .prepare_cached(
            "SELECT DISTINCT t.event FROM finding_triage t JOIN event e ON e.seq = t.event \
             WHERE t.finding = ?1 AND e.kind = 'batch' ORDER BY t.event",
        )
        .context(|| format!("reading the batches of {id}"))?;
    let rows = stmt.query_map([id], |r| r.get(0)).context(|| format!("reading the batches of {id}"))?;
    for seq in rows {
        found.push(seq.context(|| format!("reading the batches of {id}"))?);
    }
    Ok(found)
}

/// A correction event as `corrected: field: old → new; ...` with its reason.
fn correction_in_words(fields: &serde_json::Map<String, Value>) -> String {
    let mut body = fields.clone();
    let before = match body.remove("before") {
        Some(Value::Object(m)) => m,
        _ => serde_json::Map::new(),
    };
    match serde_json::from_value::<crate::model::Correction>(Value::Object(body)) {
        Ok(c) => format!("corrected: {} (why: {})", c.changes(&before).join("; "), c.reason),
        Err(_) => "corrected (the change does not read back)".into(),
    }
}

/// JSON with object keys sorted at every level: the same value always gives the same text.
/// Written as serde_json writes compact JSON, straight from the value (no sorted copy of it:
/// a first reconcile hashes one per finding it opens).
pub fn canonical(value: &Value) -> String {
    fn scalar<T: Serialize + ?Sized>(v: &T, out: &mut Vec<u8>) {
        serde_json::to_writer(out, v).expect("JSON values serialise");
    }
    fn write(v: &Value, out: &mut Vec<u8>) {
        match v {
            Value::Object(map) => {
                let mut entries: Vec<(&String, &Value)> = map.iter().collect();
                entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
                out.push(b'{');
                for (i, (key, item)) in entries.into_iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    scalar(key, out);
                    out.push(b':');
                    write(item, out);
                }
                out.push(b'}');
            }
            Value::Array(items) => {
                out.push(b'[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(b',');
                    }
                    write(item, out);
                }
                out.push(b']');
            }
            other => scalar(other, out),
        }
    }
    let mut out = Vec::new();
    write(value, &mut out);
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

impl Event {
    /// The hash this event should carry: over every field but the hash itself.
    pub fn expected_hash(&self) -> String {
        let fields = serde_json::json!({
            "seq": self.seq, "at": self.at, "user": self.user, "action": self.action,
            "kind": self.kind, "record": self.record, "body": self.body, "prev": self.prev,
        });
        format!("{:x}", Sha256::digest(canonical(&fields).as_bytes()))
    }
}

/// Appends one event, chained to the last one, and returns its `seq` (the record it logs
/// is written after it, naming it).
pub fn append<T: Serialize>(tx: &Connection, action: &str, kind: &str, record: &str, body: &T) -> Result<i64> {
    let (seq, prev) = tail(tx)?.map_or((1, GENESIS.to_string()), |(s, h)| (s + 1, h));
    let at = Timestamp::now().to_string();
    warn_if_clock_behind(tx, &at)?;
    let mut event = Event {
        seq,
        at,
        user: clock::user(),
        action: action.into(),
        kind: kind.into(),
        record: record.into(),
        body: serde_json::to_value(body).expect("records serialise"),
        prev,
        hash: String::new(),
    };
    event.hash = event.expected_hash();
    tx.prepare_cached("INSERT INTO event (seq, at, user, action, kind, record, body, prev, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")
        .and_then(|mut s| {
            s.execute(params![event.seq, event.at, event.user, event.action, event.kind, event.record, canonical(&event.body), event.prev, event.hash])
        })
        .context(|| format!("logging the write of {kind} {record}"))?;
    Ok(event.seq)
}

/// Appends the event for one record about to be written.
pub fn record<T: Logged>(tx: &Connection, action: &str, r: &T) -> Result<i64> {
    append(tx, action, T::KIND.as_str(), &r.key(), r)
}

/// Records of one import logged together (docs/INTEGRITY.md, section 2): an opening `batch`
/// event that every row of the batch names in its `event` column, then a closing `batch`
/// event whose body holds, per kind, how many records the batch wrote and one SHA-256 over
/// their canonical forms, each followed by a newline, in the order they were written (the
/// order of the table's rowids, which `verify` reads them in). Both events name the record
/// `batch SEQ`, SEQ the opening event's.
pub struct Batch {
    seq: i64,
    count: usize,
    kinds: Vec<(&'static str, KindDigest)>,
}

/// The body of the event that closes a batch.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
pub struct BatchSeal {
    /// The opening event's seq.
    pub opened: i64,
    pub count: usize,
    /// Per kind: how many records and the hex SHA-256 over their canonical forms.
    pub kinds: std::collections::BTreeMap<String, KindSeal>,
}

/// One kind's records in a batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KindSeal {
    pub count: usize,
    pub sha256: String,
}

/// What a batch's records of one kind are, as they are fed in: for [`Batch`] at import and
/// for `verify` reading the rows back.
#[derive(Clone, Default)]
pub struct KindDigest {
    count: usize,
    hash: Sha256,
}

impl KindDigest {
    /// Adds one record, as JSON.
    pub fn add(&mut self, record: &Value) {
        self.count += 1;
        self.hash.update(canonical(record).as_bytes());
        self.hash.update(b"\n");
    }

    pub fn seal(self) -> KindSeal {
        KindSeal { count: self.count, sha256: format!("{:x}", self.hash.finalize()) }
    }
}

/// The name both events of the batch opened by event `seq` log as their record.
pub fn batch_record(seq: i64) -> String {
    format!("batch {seq}")
}

impl Batch {
    /// Appends the opening event; the rows written next name it.
    pub fn open(tx: &Connection, action: &str) -> Result<Batch> {
        let seq = tail(tx)?.map_or(1, |(s, _)| s + 1);
        let opened = append(tx, action, "batch", &batch_record(seq), &serde_json::json!({"opens": seq}))?;
        debug_assert_eq!(opened, seq);
        Ok(Batch { seq, count: 0, kinds: Vec::new() })
    }

    /// The opening event, which the batch's rows name.
    pub fn seq(&self) -> i64 {
        self.seq
    }

    /// How many records it holds so far.
    pub fn records(&self) -> usize {
        self.count
    }

    /// Adds one row about to be written, of `kind` (a record kind, or `triage` for a
    /// reconcile's own triage steps).
    pub fn add_as<T: Serialize>(&mut self, kind: &'static str, row: &T) {
        self.add_value(kind, &serde_json::to_value(row).expect("rows serialise"));
    }

    /// Adds one row about to be written, of `kind`, as the JSON already made of it (a
    /// record's, made once for its size check and its hash).
    pub fn add_value(&mut self, kind: &'static str, value: &Value) {
        self.count += 1;
        let at = match self.kinds.iter().position(|k| k.0 == kind) {
            Some(at) => at,
            None => {
                self.kinds.push((kind, KindDigest::default()));
                self.kinds.len() - 1
            }
        };
        self.kinds[at].1.add(value);
    }

    /// Appends the closing event with the count and the hashes.
    pub fn close(self, tx: &Connection, action: &str) -> Result<()> {
        let kinds = self.kinds.into_iter().map(|(kind, digest)| (kind.to_string(), digest.seal())).collect();
        let seal = BatchSeal { opened: self.seq, count: self.count, kinds };
        append(tx, action, "batch", &batch_record(self.seq), &seal)?;
        Ok(())
    }
}

/// The last event's seq and hash, if any.
/// Says once per command, on stderr, when this machine's clock is behind the log's last
/// event: the write is logged at the time the clock gives, and what was known when (digest,
/// `--known-at`) reads the log as a whole up to the first event logged after a moment, so
/// such a write counts from the moment the log had reached, not from its own (docs/INTEGRITY.md).
fn warn_if_clock_behind(tx: &Connection, at: &str) -> Result<()> {
    static CHECKED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    if CHECKED.swap(true, std::sync::atomic::Ordering::Relaxed) {
        return Ok(());
    }
    let last: Option<String> = tx
        .prepare_cached("SELECT at FROM event ORDER BY seq DESC LIMIT 1")
        .and_then(|mut s| s.query_row([], |r| r.get(0)).optional())
        .context(|| "reading the end of the audit log".into())?;
    if let Some(last) = last.filter(|last| at < last.as_str()) {
        eprintln!(
            "warning: this machine's clock ({at}) is behind the log's last event ({last}); the write is logged, and counts from the log's last moment, not its own: check the clock (or CLAIMTRACK_NOW)"
        );
    }
    Ok(())
}

fn tail(tx: &Connection) -> Result<Option<(i64, String)>> {
    tx.prepare_cached("SELECT seq, hash FROM event ORDER BY seq DESC LIMIT 1")
        .and_then(|mut s| s.query_row([], |r| Ok((r.get(0)?, r.get(1)?))).optional())
        .context(|| "reading the end of the audit log".into())
}

/// Which events `history` shows.
#[derive(Clone, Default)]
pub struct EventFilter {
    pub record: Option<String>,
    pub user: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
}

/// Events in chain order, filtered; `None` filters read the whole log (for `verify`).
pub fn events(conn: &Connection, f: &EventFilter) -> Result<Vec<Event>> {
    let mut stmt = conn
        .prepare_cached(
            "SELECT seq, at, user, action, kind, record, body, prev, hash FROM event \
             WHERE (?1 IS NULL OR record = ?1) AND (?2 IS NULL OR user = ?2) \
             AND (?3 IS NULL OR at >= ?3) AND (?4 IS NULL OR at <= ?4) ORDER BY seq",
        )
        .context(|| "reading the audit log".into())?;
    let rows = stmt
        .query_map(params![f.record, f.user, f.since, f.until], event_row)
        .context(|| "reading the audit log".into())?;
    rows.collect::<rusqlite::Result<_>>().context(|| "reading the audit log".into())
}

/// The events of the corrections that merged another proposition into `id`, or undid such a
/// merge: `history B` shows what was merged into B.
pub fn merges_into(conn: &Connection, id: &str) -> Result<Vec<Event>> {
    let what = || format!("reading the merges into {id}");
    let mut stmt = conn
        .prepare_cached(&format!(
            "SELECT {EVENT_COLUMNS} FROM event WHERE seq IN (SELECT event FROM correction WHERE kind = 'proposition' \
             AND (json_extract(change, '$.set.merged_into') = ?1 OR json_extract(before, '$.merged_into') = ?1)) ORDER BY seq"
        ))
        .context(what)?;
    let rows = stmt.query_map([id], event_row).context(what)?;
    rows.collect::<rusqlite::Result<_>>().context(what)
}

/// One event read from its row.
pub fn event_row(r: &rusqlite::Row) -> rusqlite::Result<Event> {
    let body: String = r.get(6)?;
    Ok(Event {
        seq: r.get(0)?,
        at: r.get(1)?,
        user: r.get(2)?,
        action: r.get(3)?,
        kind: r.get(4)?,
        record: r.get(5)?,
        body: serde_json::from_str(&body).unwrap_or(Value::String(body)),
        prev: r.get(7)?,
        hash: r.get(8)?,
    })
}

/// The columns [`event_row`] reads, in its order.
pub const EVENT_COLUMNS: &str = "seq, at, user, action, kind, record, body, prev, hash";

/// The events of one kind, oldest first.
pub fn events_of_kind(kind: &str) -> String {
    format!("SELECT {EVENT_COLUMNS} FROM event WHERE kind = '{kind}' ORDER BY seq")
}

/// Every event in chain order, one at a time: memory does not grow with the log.
pub fn walk_events(conn: &Connection, mut visit: impl FnMut(Event) -> Result<()>) -> Result<()> {
    let what = || "reading the audit log".to_string();
    let mut stmt = conn.prepare(&format!("SELECT {EVENT_COLUMNS} FROM event ORDER BY seq")).context(what)?;
    let mut rows = stmt.query([]).context(what)?;
    while let Some(row) = rows.next().context(what)? {
        visit(event_row(row).context(what)?)?;
    }
    Ok(())
}

/// The event with this seq.
pub fn event(conn: &Connection, seq: i64) -> Result<Option<Event>> {
    conn.prepare_cached(&format!("SELECT {EVENT_COLUMNS} FROM event WHERE seq = ?1"))
        .and_then(|mut s| s.query_row([seq], event_row).optional())
        .context(|| format!("reading event {seq}"))
}

/// The first event that logged this record of `kind` (its add, import or backfill).
pub fn first_event_for(conn: &Connection, kind: &str, record: &str) -> Result<Option<Event>> {
    conn.prepare_cached(&format!(
        "SELECT {EVENT_COLUMNS} FROM event WHERE record = ?1 AND kind = ?2 ORDER BY seq LIMIT 1"
    ))
    .and_then(|mut s| s.query_row([record, kind], event_row).optional())
    .context(|| format!("looking up the event of {kind} {record}"))
}

/// How many events of each kind the log holds.
pub fn events_by_kind(conn: &Connection) -> Result<std::collections::HashMap<String, i64>> {
    let what = || "counting the audit log's events".to_string();
    let mut stmt = conn.prepare("SELECT kind, count(*) FROM event GROUP BY kind").context(what)?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).context(what)?;
    rows.collect::<rusqlite::Result<_>>().context(what)
}

/// The events of one kind, in chain order, one at a time.
pub fn walk_events_of(conn: &Connection, kind: &str, mut visit: impl FnMut(Event) -> Result<()>) -> Result<()> {
    let what = || format!("reading the {kind} events");
    let mut stmt =
        conn.prepare(&format!("SELECT {EVENT_COLUMNS} FROM event WHERE kind = ?1 ORDER BY seq")).context(what)?;
    let mut rows = stmt.query([kind]).context(what)?;
    while let Some(row) = rows.next().context(what)? {
        visit(event_row(row).context(what)?)?;
    }
    Ok(())
}

/// `PRAGMA integrity_check` and `PRAGMA foreign_key_check`, as lines of trouble (none: sound).
pub fn sqlite_checks(conn: &Connection) -> Result<Vec<String>> {
    let mut trouble: Vec<String> = Vec::new();
    let mut stmt = conn.prepare("PRAGMA integrity_check").context(|| "checking integrity".into())?;
    let lines = stmt.query_map([], |r| r.get::<_, String>(0)).context(|| "checking integrity".into())?;
    for line in lines {
        let line = line.context(|| "checking integrity".into())?;
        if line != "ok" {
            trouble.push(format!("integrity_check: {line}"));
        }
    }
    let mut stmt = conn.prepare("PRAGMA foreign_key_check").context(|| "checking foreign keys".into())?;
    let rows = stmt
        .query_map([], |r| {
            Ok(format!(
                "foreign_key_check: a row of {} points at a missing {}",
                r.get::<_, String>(0)?,
                r.get::<_, String>(2)?
            ))
        })
        .context(|| "checking foreign keys".into())?;
    for row in rows {
        trouble.push(row.context(|| "checking foreign keys".into())?);
    }
    Ok(trouble)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_json_sorts_keys_at_every_level() {
        let v: Value = serde_json::from_str(r#"{"b": 1, "a": {"d": [ {"z": 1, "y": 2} ], "c": null}}"#).unwrap();
        assert_eq!(canonical(&v), r#"{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}"#);
    }

    #[test]
    fn the_hash_covers_every_field() {
        let e = Event {
            seq: 1,
            at: "t".into(),
            user: "u".into(),
            action: "add".into(),
            kind: "claim".into(),
            record: "c-1".into(),
            body: serde_json::json!({"quote": "x"}),
            prev: GENESIS.into(),
            hash: String::new(),
        };
        let h = e.expected_hash();
        for changed in [
            Event { seq: 2, ..e.clone() },
            Event { user: "v".into(), ..e.clone() },
            Event { body: serde_json::json!({"quote": "y"}), ..e.clone() },
            Event { prev: "1".repeat(64), ..e.clone() },
        ] {
            assert_ne!(changed.expected_hash(), h);
        }
    }
}
