//! Reading the formats records arrive in: a bundle (one JSON object), JSON Lines (streamed,
//! with a bounded line) and claims as CSV, each error naming its file, line and field.

use crate::error::{Error, Result};
use crate::model::{Bundle, Claim, Logged, Record, RecordKind};
use crate::progress::Progress;
use crate::store::Writer;
use serde::de::{Deserialize, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use std::io::{BufRead, Read};
use std::sync::mpsc::SyncSender;

/// The longest line JSON Lines may have (docs/FORMAT.md). A longer one is refused with its
/// number as soon as the limit is passed, without reading the rest of it.
pub const MAX_LINE: usize = 16 << 20;

/// The largest bundle read: a bundle is one JSON object, read whole (docs/FORMAT.md); a
/// larger story travels as JSON Lines, a record at a time.
pub const MAX_BUNDLE: usize = 256 << 20;

/// The largest log file read (`claimtrack log --from`): one source and what it says.
pub const MAX_LOG: usize = 16 << 20;

/// The longest CSV row (header included): as long as a line of JSON Lines.
pub const MAX_ROW: usize = MAX_LINE;

/// Reads an input that is taken whole, stopping with an error once it passes `limit` bytes
/// (an endless pipe costs no more than that). `what` names it in the error ("a bundle").
pub fn read_whole(input: impl std::io::Read, limit: usize, name: &str, what: &str, instead: &str) -> Result<String> {
    let mut text = String::new();
    input
        .take(limit as u64 + 1)
        .read_to_string(&mut text)
        .map_err(|e| Error::Io { context: format!("reading {name}"), source: e })?;
    if text.len() > limit {
        return Err(Error::input(format!(
            "{name}: longer than {} MiB, the most {what} may hold (docs/FORMAT.md){instead}",
            limit >> 20
        )));
    }
    Ok(text)
}

/// A reader that fails once more than [`MAX_ROW`] bytes were read since the count was last
/// reset (after each CSV row): a row, or a quoted cell, that never ends costs no more.
struct RowCapped<R> {
    inner: R,
    read: std::rc::Rc<std::cell::Cell<usize>>,
}

impl<R: std::io::Read> std::io::Read for RowCapped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.read.get() > MAX_ROW {
            return Err(std::io::Error::other(format!(
                "the row is longer than {} MiB, the most a CSV row may hold (docs/FORMAT.md)",
                MAX_ROW >> 20
            )));
        }
        let n = self.inner.read(buf)?;
        self.read.set(self.read.get() + n);
        Ok(n)
    }
}

/// Parses a bundle, naming the JSON path of any bad value.
pub fn parse_bundle(name: &str, text: &str) -> Result<Bundle> {
    // A byte-order mark, as editors on Windows write one, is not part of the JSON.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // serde fills a struct from an array by position: only an object is a bundle.
    if text.trim().is_empty() {
        return Err(Error::input(format!("{name}: empty; {BUNDLE_SHAPE}")));
    }
    if !text.trim_start().starts_with('{') {
        return Err(Error::input(format!("{name}: not a bundle; {BUNDLE_SHAPE}")));
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let bundle: Bundle = serde_path_to_error::deserialize(&mut de).map_err(|e| parse_error(name, e))?;
    de.end().map_err(|e| Error::input(format!("{name}: text after the bundle: {e}")))?;
    Ok(bundle)
}

/// What a bundle looks like, for errors about its top level.
const BUNDLE_SHAPE: &str = "a bundle is an object that starts {\"claimtrack\": 1, ...}";

/// A JSON error with its path, or what a bundle looks like when the top level is wrong.
fn parse_error(at: &str, e: serde_path_to_error::Error<serde_json::Error>) -> Error {
    let path = e.path().to_string();
    let inner = e.into_inner();
    if inner.is_syntax() || inner.is_eof() {
        Error::input(format!("{at}: not valid JSON: {inner}"))
    } else if path == "." {
        Error::input(format!("{at}: {inner}; {BUNDLE_SHAPE}"))
    } else {
        Error::input(format!("{at}: {path}: {inner}"))
    }
}

/// Reads the next line into `line`, without its line break; false at the end of the input.
/// Stops with an error once a line passes [`MAX_LINE`] bytes, so a line that never ends
/// costs no more than that.
fn next_line(input: &mut dyn BufRead, line: &mut Vec<u8>, at: &dyn Fn() -> String) -> Result<bool> {
    line.clear();
    loop {
        let buf = match input.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::Io { context: format!("reading {}", at()), source: e }),
        };
        if buf.is_empty() {
            return Ok(!line.is_empty());
        }
        let (take, ends) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (i, true),
            None => (buf.len(), false),
        };
        if line.len() + take > MAX_LINE {
            return Err(Error::input(format!(
                "{}: the line is longer than {} MiB, the most a line of JSON Lines may hold (docs/FORMAT.md)",
                at(),
                MAX_LINE >> 20
            )));
        }
        line.extend_from_slice(&buf[..take]);
        input.consume(take + usize::from(ends));
        if ends {
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            return Ok(true);
        }
    }
}

/// JSON Lines: `{"claimtrack": 1}` first, then one record a line; blank lines are skipped.
/// A second thread reads and parses the lines, handing them over [`PARSED_CHUNK`] records at
/// a time (a thread woken for each record costs more than its parsing), at most
/// [`CHUNKS_AHEAD`] chunks ahead of the writer, so that the writer's thread only writes; the
/// records and the first error come in the file's order, and an error of the writer's stops
/// the reading.
pub fn jsonl(name: &str, input: Box<dyn BufRead + Send>, writer: &mut Writer, progress: &mut Progress) -> Result<()> {
    let (to_writer, parsed) = std::sync::mpsc::sync_channel::<Result<Vec<Parsed>>>(CHUNKS_AHEAD);
    std::thread::scope(|scope| {
        scope.spawn(move || {
            let mut chunk = Vec::with_capacity(PARSED_CHUNK);
            let outcome = parse_lines(name, input, &to_writer, &mut chunk);
            // The records before an error are written before it is said. If a send fails,
            // the writer has stopped: its own error stands.
            if !chunk.is_empty() {
                let _ = to_writer.send(Ok(chunk));
            }
            if let Err(e) = outcome {
                let _ = to_writer.send(Err(e));
            }
        });
        for chunk in parsed {
            for (read, at, record) in chunk? {
                progress.set(read);
                writer.add(record, &|field| format!("{at}: {field}"))?;
            }
        }
        Ok(())
    })
}

/// How many parsed records go to the writer at a time, and how many such chunks may wait.
const PARSED_CHUNK: usize = 256;
const CHUNKS_AHEAD: usize = 8;
/// A chunk also goes once its lines pass this many bytes, so that long lines (up to
/// [`MAX_LINE`] each) wait a few at a time, not [`PARSED_CHUNK`] × [`CHUNKS_AHEAD`] of them;
/// ordinary records (a few hundred bytes) fill a chunk by count first.
const CHUNK_BYTES: u64 = 1 << 20;

/// A record of JSON Lines: the bytes read up to its end, where it is ("FILE: line N"), the
/// record.
type Parsed = (u64, String, Record);

/// Reads the lines of [`jsonl`] into `chunk`, sending each full chunk on until the receiver
/// is gone; the last chunk is left in `chunk`.
fn parse_lines(
    name: &str,
    mut input: Box<dyn BufRead + Send>,
    out: &SyncSender<Result<Vec<Parsed>>>,
    chunk: &mut Vec<Parsed>,
) -> Result<()> {
    let mut header_seen = false;
    let mut read = 0u64;
    // Where the chunk being filled began in the input.
    let mut chunk_from = 0u64;
    let mut bytes = Vec::new();
    let mut n = 0;
    while next_line(&mut *input, &mut bytes, &|| format!("{name}: line {}", n + 1))? {
        n += 1;
        read += bytes.len() as u64 + 1;
        let at = format!("{name}: line {n}");
        let line = std::str::from_utf8(&bytes)
            .map_err(|e| Error::input(format!("{at}: not UTF-8 text ({e}); JSON Lines are UTF-8")))?;
        // A byte-order mark, as editors on Windows write one, is not part of the JSON.
        let line = if n == 1 { line.strip_prefix('\u{feff}').unwrap_or(line) } else { line };
        if line.trim().is_empty() {
            continue;
        }
        if !header_seen {
            let header = strict_json(&at, line)?;
            if header != serde_json::json!({"claimtrack": 1}) {
                return Err(Error::input(format!(
                    "{at}: JSON Lines start with the line {{\"claimtrack\": 1}}, not {line}"
                )));
            }
            header_seen = true;
            continue;
        }
        let record = jsonl_record(&at, line)?;
        chunk.push((read, at, record));
        if (chunk.len() == PARSED_CHUNK || read - chunk_from >= CHUNK_BYTES)
            && out.send(Ok(std::mem::replace(chunk, Vec::with_capacity(PARSED_CHUNK)))).is_err()
        {
            return Ok(());
        }
        if chunk.is_empty() {
            chunk_from = read;
        }
    }
    if !header_seen {
        return Err(Error::input(format!("{name}: empty; JSON Lines start with the line {{\"claimtrack\": 1}}")));
    }
    Ok(())
}

/// One line of JSON Lines: its `type` picks the record kind, and the rest is read as that
/// kind, so an error names the field (`line 7: stance: ...`).
fn jsonl_record(at: &str, line: &str) -> Result<Record> {
    let mut value = strict_json(at, line)?;
    let kind = value.as_object_mut().and_then(|m| m.remove("type"));
    fn read<T: serde::de::DeserializeOwned>(at: &str, value: Value) -> Result<T> {
        serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            Error::input(format!(
                "{at}: {}{}",
                if path == "." { String::new() } else { format!("{path}: ") },
                e.into_inner()
            ))
        })
    }
    let name = kind.as_ref().and_then(|k| k.as_str());
    Ok(match (name.and_then(|n| n.parse::<RecordKind>().ok()), name) {
        (Some(RecordKind::Party), _) => Record::Party(read(at, value)?),
        (Some(RecordKind::Source), _) => Record::Source(read(at, value)?),
        (Some(RecordKind::Proposition), _) => Record::Proposition(read(at, value)?),
        (Some(RecordKind::Claim), _) => Record::Claim(read(at, value)?),
        (Some(RecordKind::Link), _) => Record::Link(read(at, value)?),
        (Some(RecordKind::Request), _) => Record::Request(read(at, value)?),
        (Some(RecordKind::Retraction), _) => Record::Retraction(read(at, value)?),
        (Some(RecordKind::Verdict), _) => Record::Verdict(read(at, value)?),
        (Some(RecordKind::Correction), _) => Record::Correction(read(at, value)?),
        (None, Some("setting")) => Record::Setting(read(at, value)?),
        (None, Some("finding")) => Record::Finding(read(at, value)?),
        (None, other) => {
            let kinds: Vec<&str> = RecordKind::ALL.iter().map(|k| k.as_str()).chain(["setting", "finding"]).collect();
            return Err(Error::input(format!(
                "{at}: type {} is not a record kind; use one of: {}",
                other.map_or_else(
                    || kind.as_ref().map_or("(missing)".to_string(), |k| k.to_string()),
                    |o| format!("'{o}'")
                ),
                kinds.join(", ")
            )));
        }
    })
}

/// Claims as CSV, the header naming claim fields (docs/FORMAT.md). Empty cells are absent
/// values; cells defused against formulas on export are restored.
pub fn csv_claims(name: &str, input: Box<dyn BufRead>, writer: &mut Writer, progress: &mut Progress) -> Result<()> {
    let read = std::rc::Rc::new(std::cell::Cell::new(0));
    let capped = RowCapped { inner: input, read: std::rc::Rc::clone(&read) };
    let mut reader = ::csv::ReaderBuilder::new().has_headers(true).from_reader(capped);
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| Error::input(format!("{name}: line 1: {e}")))?
        .iter()
        .map(str::to_string)
        .collect();
    if header.is_empty() {
        return Err(Error::input(format!(
            "{name}: empty; a CSV of claims starts with a header row of claim fields: {}",
            Claim::FIELDS.join(", ")
        )));
    }
    let history = |h: &str| super::write::CLAIM_HISTORY_COLUMNS.contains(&h);
    if let Some(bad) = header.iter().find(|h| !Claim::FIELDS.contains(&h.as_str()) && !history(h)) {
        return Err(Error::input(format!(
            "{name}: line 1: '{bad}' is not a claim field; use: {}",
            Claim::FIELDS.join(", ")
        )));
    }
    if let Some((k, twice)) = header.iter().enumerate().find(|(k, h)| header[..*k].contains(h)) {
        return Err(Error::input(format!(
            "{name}: line 1, column {}: '{twice}' is a column twice; give each field one column",
            k + 1
        )));
    }
    for (i, row) in reader.records().enumerate() {
        let row = row.map_err(|e| {
            let line = e.position().map_or(i + 2, |p| p.line() as usize);
            Error::input(format!("{name}: line {line}: {e}"))
        })?;
        read.set(0);
        // The line the row starts on in the file: a quoted cell may hold newlines.
        let line = row.position().map_or(i + 2, |p| p.line() as usize);
        progress.set(row.position().map_or(0, |p| p.byte()));
        let mut object = serde_json::Map::new();
        for (field, cell) in header.iter().zip(row.iter()) {
            let cell = super::write::restore(cell);
            // A retraction or correction is its own record (a bundle carries it), not a claim field.
            if cell.is_empty() || history(field) {
                continue;
            }
            let value = match field.as_str() {
                "confidence" | "grade" => serde_json::from_str(cell).unwrap_or_else(|_| Value::String(cell.into())),
                // Lists are written joined with "; " (see `write::cell_text`).
                "basis" => cell.split("; ").map(|s| Value::String(s.into())).collect(),
                _ => Value::String(cell.into()),
            };
            object.insert(field.clone(), value);
        }
        let claim: Claim = serde_path_to_error::deserialize(serde_json::Value::Object(object)).map_err(|e| {
            let column = e.path().to_string();
            Error::input(format!("{name}: line {line}, column {column}: {}", e.into_inner()))
        })?;
        writer.add(Record::Claim(claim), &|field| format!("{name}: line {line}, column {field}"))?;
    }
    Ok(())
}

/// One line of JSON, refusing an object that gives a key twice (serde_json would keep the
/// last silently, and the record would not be what the line seems to say).
fn strict_json(at: &str, line: &str) -> Result<Value> {
    serde_json::from_str::<Strict>(line).map(|s| s.0).map_err(|e| Error::input(format!("{at}: not valid JSON: {e}")))
}

/// A JSON value read with duplicate keys refused.
struct Strict(Value);

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> std::result::Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> std::result::Result<Value, E> {
        Ok(v.into())
    }
    fn visit_u64<E>(self, v: u64) -> std::result::Result<Value, E> {
        Ok(v.into())
    }
    fn visit_f64<E>(self, v: f64) -> std::result::Result<Value, E> {
        Ok(v.into())
    }
    fn visit_str<E>(self, v: &str) -> std::result::Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> std::result::Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(v)) = seq.next_element()? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let Strict(value) = map.next_value()?;
            if object.contains_key(&key) {
                return Err(A::Error::custom(format!("the key \"{key}\" appears twice; give each field once")));
            }
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}
