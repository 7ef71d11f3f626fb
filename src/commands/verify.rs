//! `claimtrack verify`: is the record sound? The hash chain, the tables against the log,
//! and SQLite's own checks.

use super::Ctx;
use crate::error::{Error, Result};
use crate::integrity;
use crate::output::{self, Format};
use crate::store::{Open, Store};

/// Check the audit log's hash chain, that every table holds exactly what the log says was
/// written, that the search index matches the records, and SQLite's integrity and foreign
/// keys. Exits 0 with a one-line summary when sound; otherwise names the first broken event
/// and record and exits 1. Verifying never writes, and every check reads one moment of the
/// database while others write.
#[derive(clap::Args)]
#[command(after_help = "Examples:\n  claimtrack verify\n  claimtrack verify --format json")]
pub struct Args {}

pub fn run(ctx: &Ctx, _: Args) -> Result<()> {
    let format = ctx.format("verify", &[Format::Table, Format::Json])?;
    let store = Store::open(&ctx.db, Open::Inspect)?;
    let verdict = integrity::verify_database(&store)?;
    if format == Format::Json {
        output::json(&mut std::io::stdout().lock(), &verdict)?;
    } else if verdict.ok {
        output::line(format_args!(
            "sound: {} events, chain intact (head {}), {} records agree with the log, SQLite checks ok",
            verdict.events,
            &verdict.head[..16],
            verdict.records
        ))?;
    }
    for note in &verdict.notes {
        ctx.say(format!("note: {note}"));
    }
    match verdict.problems.first() {
        None => Ok(()),
        Some(first) => Err(Error::input(format!(
            "{}{}",
            first.message,
            if verdict.problems.len() > 1 {
                format!(" (and {} more problems; --format json lists them)", verdict.problems.len() - 1)
            } else {
                String::new()
            }
        ))),
    }
}
