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
#[command(after_help = "Examples:\n  claimtrack verify\n  claimtrack verify --format json\n  claimtrack verify --desk")]
pub struct Args {
    /// Check the desk this replica syncs with instead: its log's hash chain, in desk order,
    /// recomputed entry by entry (docs/DESK.md); names the first broken entry
    #[arg(long)]
    desk: bool,
}

pub fn run(ctx: &Ctx, a: Args) -> Result<()> {
    let format = ctx.format("verify", &[Format::Table, Format::Json])?;
    if a.desk {
        return verify_desk(ctx, format);
    }
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

/// `verify --desk`: the desk log's chain, recomputed.
fn verify_desk(ctx: &Ctx, format: Format) -> Result<()> {
    let store = Store::open(&ctx.db, Open::Read)?;
    let r = super::replica_of(&store)?;
    let mut desk = crate::desk::Desk::connect(&r.url)?;
    let verdict = crate::desk::verify(&mut desk)?;
    if format == Format::Json {
        output::json(&mut std::io::stdout().lock(), &verdict)?;
    } else if verdict.problem.is_none() {
        println!("desk sound: {} entries, chain intact (head {})", verdict.entries, &verdict.head[..16]);
    }
    match verdict.problem {
        None => Ok(()),
        Some(problem) => Err(Error::input(format!("{}: {problem}", desk.url))),
    }
}
