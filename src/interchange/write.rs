//! Writing the formats data leaves in: JSON (every JSON document and JSON Lines, with `<`, `>`
//! and `&` escaped), the bundle as JSON Lines, and CSV, every cell defused against
//! spreadsheet formulas (and restored on the way back in).

use crate::error::{Context, Error, Result};
use crate::model::{Bundle, Logged};
use serde::Serialize;
use serde_json::Value;
use std::io::Write;

/// The bundle as JSON Lines: `{"claimtrack": 1}`, then one record a line with its `type`,
/// in the order a write takes them; `fix` may amend each line before it is written.
pub fn jsonl(out: &mut impl Write, bundle: Bundle, fix: impl Fn(&mut Value)) -> Result<()> {
    json_line(out, &serde_json::json!({"claimtrack": 1}))?;
    for (_, _, record) in bundle.into_records() {
        let mut line = serde_json::to_value(record).expect("records serialise");
        fix(&mut line);
        json_line(out, &line)?;
    }
    Ok(())
}

/// One kind of record as CSV, with the documented field names as the header.
pub fn records<T: Logged>(out: &mut impl Write, rows: &[T]) -> Result<()> {
    fields(out, rows, T::FIELDS)
}

/// The columns `export --format csv --what claims` adds after the claim's fields: what
/// became of it (retraction date and reason, latest correction's time and reason). They are
/// the record's history, carried by its own records: `import --format csv` reads past them.
pub const CLAIM_HISTORY_COLUMNS: &[&str] = &["retracted", "retraction_reason", "corrected", "correction_reason"];

/// Rows as CSV, one column per field named.
pub fn fields<T: serde::Serialize>(out: &mut impl Write, rows: &[T], fields: &[&str]) -> Result<()> {
    let rows = rows.iter().map(|r| {
        let value = serde_json::to_value(r).expect("records serialise");
        fields.iter().map(|f| cell_text(value.get(*f))).collect()
    });
    csv(out, fields, rows)
}

/// The characters that make a spreadsheet read a cell as a formula.
const FORMULA_STARTS: &[char] = &['=', '+', '-', '@', '\t', '\r'];

/// Whether a cell reads as a formula, or would once the apostrophes [`restore`] takes off
/// were gone (`'=x` is text that must come back as `'=x`, not `=x`).
fn looks_like_formula(cell: &str) -> bool {
    cell.trim_start_matches('\'').starts_with(FORMULA_STARTS)
}

/// A cell a spreadsheet will show as text: one that starts like a formula gets a leading
/// apostrophe (and `claimtrack import --format csv` takes it off again).
pub fn defuse(cell: &str) -> String {
    if looks_like_formula(cell) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// Undoes [`defuse`].
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if looks_like_formula(rest) => rest,
        _ => cell,
    }
}

/// CSV with a header row; every cell defused against formula injection.
pub fn csv(out: &mut impl Write, header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Result<()> {
    let mut w = ::csv::Writer::from_writer(out);
    let fail = |e: ::csv::Error| Error::Io { context: "writing CSV".into(), source: e.into() };
    w.write_record(header).map_err(fail)?;
    for row in rows {
        w.write_record(row.iter().map(|c| defuse(c))).map_err(fail)?;
    }
    w.flush().context(|| "writing CSV".into())
}

/// A JSON value as one table or CSV cell: lists joined with "; ", null as empty.
pub fn cell_text(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Array(items)) => items.iter().map(|i| cell_text(Some(i))).collect::<Vec<_>>().join("; "),
        Some(other) => other.to_string(),
    }
}

/// A serde_json formatter that writes `<`, `>` and `&` in strings as `\u003c`, `\u003e` and
/// `\u0026`, so that JSON pasted into an HTML page (a ClaimReview in a `<script>` block)
/// cannot close the block or start markup. Everything else is as the inner formatter does it.
pub struct HtmlSafe<F>(pub F);

impl<F: serde_json::ser::Formatter> serde_json::ser::Formatter for HtmlSafe<F> {
    fn write_string_fragment<W: ?Sized + Write>(&mut self, w: &mut W, fragment: &str) -> std::io::Result<()> {
        let mut rest = fragment;
        while let Some(at) = rest.find(['<', '>', '&']) {
            w.write_all(&rest.as_bytes()[..at])?;
            w.write_all(match rest.as_bytes()[at] {
                b'<' => b"\\u003c",
                b'>' => b"\\u003e",
                _ => b"\\u0026",
            })?;
            rest = &rest[at + 1..];
        }
        w.write_all(rest.as_bytes())
    }
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_array(w)
    }
    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array(w)
    }
    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.0.begin_array_value(w, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_array_value(w)
    }
    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object(w)
    }
    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object(w)
    }
    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        self.0.begin_object_key(w, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.begin_object_value(w)
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.0.end_object_value(w)
    }
}

/// Pretty JSON and a newline, through [`HtmlSafe`]: every JSON document claimtrack writes.
pub fn json<T: Serialize + ?Sized>(out: &mut impl Write, value: &T) -> Result<()> {
    let fail = |e: std::io::Error| Error::Io { context: "writing JSON".into(), source: e };
    let mut ser = serde_json::Serializer::with_formatter(&mut *out, HtmlSafe(serde_json::ser::PrettyFormatter::new()));
    value.serialize(&mut ser).map_err(|e| fail(e.into()))?;
    writeln!(out).map_err(fail)
}

/// One line of compact JSON and a newline, through [`HtmlSafe`]: JSON Lines.
pub fn json_line<T: Serialize + ?Sized>(out: &mut impl Write, value: &T) -> Result<()> {
    let fail = |e: std::io::Error| Error::Io { context: "writing JSON Lines".into(), source: e };
    let mut ser = serde_json::Serializer::with_formatter(&mut *out, HtmlSafe(serde_json::ser::CompactFormatter));
    value.serialize(&mut ser).map_err(|e| fail(e.into()))?;
    out.write_all(b"\n").map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_escapes_markup_and_reads_back() {
        let mut out = Vec::new();
        json(&mut out, &serde_json::json!({"<k>": "</script> & <b>"})).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains(['<', '>', '&']), "{text}");
        assert!(text.contains("\\u003c/script\\u003e \\u0026"), "{text}");
        let back: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["<k>"], "</script> & <b>");
        let mut line = Vec::new();
        json_line(&mut line, &serde_json::json!(["<"])).unwrap();
        assert_eq!(line, b"[\"\\u003c\"]\n");
    }

    #[test]
    fn formula_cells_are_defused_and_restored() {
        for cell in ["=1+1", "+SUM(A1)", "-2", "@cmd", "\tx", "\rx"] {
            assert_eq!(defuse(cell), format!("'{cell}"));
            assert_eq!(restore(&defuse(cell)), cell);
        }
        for cell in ["plain", "'quoted", "1-2", "", "'", "''"] {
            assert_eq!(defuse(cell), cell);
            assert_eq!(restore(cell), cell);
        }
        // Text that starts with an apostrophe and then a formula character keeps it.
        for cell in ["'=1+1", "''-2", "'@cmd"] {
            assert_eq!(defuse(cell), format!("'{cell}"));
            assert_eq!(restore(&defuse(cell)), cell);
        }
    }
}
