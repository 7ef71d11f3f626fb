//! What the ecosystem reads: schema.org ClaimReview, W3C PROV-JSON, CSV and JSON Lines.
//! Each format is built from the loaded story; no SQL here.

pub mod claimreview;
pub mod prov;

use crate::error::Result;
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

/// Which table `export --format csv` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum What {
    Claims,
    Parties,
    Sources,
    Findings,
}

/// One kind of record as CSV, with the documented field names as the header.
pub fn csv<T: Logged>(out: &mut impl Write, rows: &[T]) -> Result<()> {
    csv_fields(out, rows, T::FIELDS)
}

pub fn csv_fields<T: serde::Serialize>(out: &mut impl Write, rows: &[T], fields: &[&str]) -> Result<()> {
    let rows = rows.iter().map(|r| {
        let value = serde_json::to_value(r).expect("records serialise");
        fields.iter().map(|f| output::cell_text(value.get(*f))).collect()
    });
    output::write_csv(out, fields, rows)
}
