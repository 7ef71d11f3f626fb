//! Writing the formats records travel in: the bundle as JSON Lines, records and findings as
//! CSV, every cell defused against spreadsheet formulas (and restored on the way back in).

use crate::error::{Context, Error, Result};
use crate::model::{Bundle, Logged};
use crate::output;
use std::io::Write;

/// The bundle as JSON Lines: `{"claimtrack": 1}`, then one record a line with its `type`,
/// in the order a write takes them.
pub fn jsonl(out: &mut impl Write, bundle: Bundle) -> Result<()> {
    output::json_line(out, &serde_json::json!({"claimtrack": 1}))?;
    for (_, _, record) in bundle.into_records() {
        output::json_line(out, &record)?;
    }
    Ok(())
}

/// One kind of record as CSV, with the documented field names as the header.
pub fn records<T: Logged>(out: &mut impl Write, rows: &[T]) -> Result<()> {
    fields(out, rows, T::FIELDS)
}

/// Rows as CSV, one column per field named.
pub fn fields<T: serde::Serialize>(out: &mut impl Write, rows: &[T], fields: &[&str]) -> Result<()> {
    let rows = rows.iter().map(|r| {
        let value = serde_json::to_value(r).expect("records serialise");
        fields.iter().map(|f| output::cell_text(value.get(*f))).collect()
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
