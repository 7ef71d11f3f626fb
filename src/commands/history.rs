//! `claimtrack history`: the audit log, for one record or all.

use super::{Ctx, DATA_FORMATS};
use crate::date::When;
use crate::error::Result;
use crate::output;
use crate::store::audit::{self, EventFilter};

/// Show the audit log: every write, who made it and when, and what it wrote, oldest first.
/// With an id, only the events of that record (a claim, a source, a finding's triage...).
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  claimtrack history\n  claimtrack history c-mfa-denies-experts\n  claimtrack history --since yesterday\n  claimtrack history --user maria --since 2025-09-01 --format json"
)]
pub struct Args {
    /// Only the events of this record (its id; a link is \"FROM REL TO\")
    id: Option<String>,
    /// Only events by this user
    #[arg(long)]
    user: Option<String>,
    /// Only events from this moment on (a date, an instant, today, yesterday, a weekday,
    /// 12h, 3d, 2w)
    #[arg(long, value_name = "WHEN")]
    since: Option<When>,
    /// Only events up to this moment (a day counts to its end)
    #[arg(long, value_name = "WHEN")]
    until: Option<When>,
}

const COLUMNS: &[&str] = &["seq", "at", "user", "action", "kind", "record", "what"];
const FIELDS: &[&str] = &["seq", "at", "user", "action", "kind", "record", "body", "prev", "hash", "what"];

/// An event with what it wrote in words, as history lists it.
#[derive(serde::Serialize)]
struct Entry {
    #[serde(flatten)]
    event: audit::Event,
    what: String,
}

pub fn run(ctx: &Ctx, a: Args) -> Result<()> {
    let format = ctx.format("history", DATA_FORMATS)?;
    let store = ctx.open_for_read()?;
    let filter = EventFilter {
        record: a.id,
        user: a.user,
        since: a.since.map(|w| w.start().to_string()),
        until: a.until.map(|w| w.end().to_string()),
    };
    let entries: Vec<Entry> =
        audit::events(store.conn(), &filter)?.into_iter().map(|e| Entry { what: e.what(), event: e }).collect();
    output::list(&entries, format, COLUMNS, FIELDS)
}
