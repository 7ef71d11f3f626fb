//! Writing data to stdout in the formats every command shares: table, JSON and CSV.

use crate::error::{Context, Error, Result};
use comfy_table::{presets, Cell, ContentArrangement, Table};
use serde::Serialize;
use serde_json::Value;
use std::io::{IsTerminal, Write};

/// Every output format a command may speak; each command says which it takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table for the terminal.
    Table,
    /// JSON (stable, documented in docs/FORMAT.md).
    Json,
    /// CSV with a header row of the documented field names.
    Csv,
    /// Markdown that pastes cleanly into a CMS or a GitHub comment.
    Markdown,
    /// One self-contained HTML page.
    Html,
    /// JSON Lines: a header line, then one record a line with a "type".
    Jsonl,
    /// schema.org ClaimReview as JSON-LD.
    Claimreview,
    /// W3C PROV-JSON.
    Prov,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Jsonl => "jsonl",
            Format::Claimreview => "claimreview",
            Format::Prov => "prov",
        }
    }
}

/// Whether to colour: only on a terminal, and never with NO_COLOR set.
pub fn colour() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// A fresh table in the house style: fits the terminal, plain off it.
pub fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_header(header.iter().map(Cell::new));
    if !std::io::stdout().is_terminal() {
        t.load_preset(presets::ASCII_MARKDOWN);
    }
    t
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

fn to_objects<T: Serialize>(rows: &[T]) -> Vec<serde_json::Map<String, Value>> {
    rows.iter()
        .map(|r| match serde_json::to_value(r) {
            Ok(Value::Object(m)) => m,
            _ => unreachable!("records serialise to objects"),
        })
        .collect()
}

/// Writes records as a table (`columns` only), a JSON array, or CSV (`fields`, in order).
pub fn list<T: Serialize>(rows: &[T], format: Format, columns: &[&str], fields: &[&str]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => json(&mut out, rows)?,
        Format::Csv => csv(&mut out, &to_objects(rows), fields)?,
        _ => {
            let mut t = table(columns);
            for row in to_objects(rows) {
                t.add_row(columns.iter().map(|c| cell_text(row.get(*c))));
            }
            writeln!(out, "{t}").context(|| "writing the table".into())?;
        }
    }
    Ok(())
}

/// Writes one record: a two-column table of its fields, a JSON object or one CSV row.
pub fn show<T: Serialize>(record: &T, format: Format, fields: &[&str]) -> Result<()> {
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => json(&mut out, record)?,
        Format::Csv => csv(&mut out, &to_objects(std::slice::from_ref(record)), fields)?,
        _ => {
            let row = to_objects(std::slice::from_ref(record)).remove(0);
            let mut t = table(&["field", "value"]);
            for (k, v) in &row {
                t.add_row([k.clone(), cell_text(Some(v))]);
            }
            writeln!(out, "{t}").context(|| "writing the table".into())?;
        }
    }
    Ok(())
}

pub fn json<T: Serialize + ?Sized>(out: &mut impl Write, value: &T) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)
        .map_err(|e| Error::Io { context: "writing JSON".into(), source: e.into() })?;
    writeln!(out).context(|| "writing JSON".into())
}

fn csv(out: &mut impl Write, rows: &[serde_json::Map<String, Value>], fields: &[&str]) -> Result<()> {
    write_csv(out, fields, rows.iter().map(|row| fields.iter().map(|f| cell_text(row.get(*f))).collect()))
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
pub fn write_csv(out: &mut impl Write, header: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Result<()> {
    let mut w = ::csv::Writer::from_writer(out);
    let fail = |e: ::csv::Error| Error::Io { context: "writing CSV".into(), source: e.into() };
    w.write_record(header).map_err(fail)?;
    for row in rows {
        w.write_record(row.iter().map(|c| defuse(c))).map_err(fail)?;
    }
    w.flush().context(|| "writing CSV".into())
}

/// Writes `text` to `path` through a file beside it and a rename, so that a reader never sees
/// half a file; or to stdout when there is no path.
pub fn write_to(path: Option<&std::path::Path>, text: &str) -> Result<()> {
    let Some(path) = path else {
        let mut out = std::io::stdout().lock();
        return out.write_all(text.as_bytes()).context(|| "writing to standard output".into());
    };
    let tmp = path.with_extension("claimtrack-tmp");
    std::fs::write(&tmp, text).context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).context(|| format!("writing {}", path.display()))
}

/// The format a file name implies (`report.html`), for `-o` without `--format`.
pub fn format_of(path: &std::path::Path) -> Option<Format> {
    match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
        "html" | "htm" => Some(Format::Html),
        "md" | "markdown" => Some(Format::Markdown),
        "json" => Some(Format::Json),
        "jsonl" | "ndjson" => Some(Format::Jsonl),
        "csv" => Some(Format::Csv),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
