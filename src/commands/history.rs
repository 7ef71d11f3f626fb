//! `claimtrack history`: the audit log, for one record or all.

use super::{Ctx, DATA_FORMATS};
use crate::date::Date;
use crate::error::Result;
use crate::output;
use crate::store::audit::{self, EventFilter};

/// Show the audit log: every write, who made it and when, oldest first. With an id, only the
/// events of that record (a claim, a source, a finding's triage...).
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  claimtrack history\n  claimtrack history c-mfa-denies-experts\n  claimtrack history --user maria --since 2025-09-01 --format json"
)]
pub struct Args {
    /// Only the events of this record (its id; a link is \"FROM REL TO\")
    id: Option<String>,
    /// Only events by this user
    #[arg(long)]
    user: Option<String>,
    /// Only events on or after this day
    #[arg(long)]
    since: Option<Date>,
    /// Only events on or before this day
    #[arg(long)]
    until: Option<Date>,
}

const COLUMNS: &[&str] = &["seq", "at", "user", "action", "kind", "record"];
const FIELDS: &[&str] = &["seq", "at", "user", "action", "kind", "record", "body", "prev", "hash"];

pub fn run(ctx: &Ctx, a: Args) -> Result<()> {
    let format = ctx.format("history", DATA_FORMATS)?;
    let store = ctx.open_for_read()?;
    let filter = EventFilter {
        record: a.id,
        user: a.user,
        since: a.since.map(|d| d.start().format("%Y-%m-%dT%H:%M:%S").to_string()),
        until: a.until.map(|d| d.to_string()),
    };
    let events = audit::events(store.conn(), &filter)?;
    output::list(&events, format, COLUMNS, FIELDS)
}
