//! `claimtrack history`: the audit log, for one record or all.

use super::{Ctx, DATA_FORMATS};
use crate::date::When;
use crate::error::Result;
use crate::output;
use crate::store;
use crate::store::audit::{self, EventFilter};

/// Show the audit log: every write, who made it and when, and what it wrote, oldest first.
/// With an id, only the events of that record (a claim, a source, a finding's triage...),
/// and for a record of a large import, the batch it was logged in.
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

/// In a desk's replica, who pushed the record an event logged: " (pushed by Y)", or
/// " (logged by X, pushed by Y)" when the record names another logger (docs/DESK.md).
fn pushed_by(conn: &store::Conn, e: &audit::Event, record: Option<&str>) -> Result<String> {
    let (entry, logged) = match (crate::desk::Entry::of_event(e), record) {
        (Some(logged_as), _) => {
            let held = store::replica::pushers_of(conn, &e.record)?;
            let Some(entry) = held.into_iter().find(|h| h.kind == logged_as.kind && h.key == logged_as.key) else {
                return Ok(String::new());
            };
            let logged = ["logged_by", "by"].iter().find_map(|k| e.body.get(*k).and_then(|v| v.as_str()));
            (entry, logged.unwrap_or(&e.user).to_string())
        }
        // A record pulled in a batch (a clone): its own row says who logged it.
        (None, Some(id)) if e.kind == "batch" && audit::batch_for_record(e).is_some() => {
            let held = store::replica::pushers_of(conn, id)?;
            let Some(entry) = held.into_iter().find(|h| crate::desk::entry::RECORD_KINDS.contains(&h.kind.as_str()))
            else {
                return Ok(String::new());
            };
            let row = match entry.kind.parse() {
                Ok(kind) => store::record_json(conn, kind, id)?,
                Err(_) => serde_json::Value::Null,
            };
            let logged = row.get("logged_by").and_then(|v| v.as_str()).unwrap_or(&entry.pushed_by).to_string();
            (entry, logged)
        }
        _ => return Ok(String::new()),
    };
    Ok(if logged == entry.pushed_by {
        format!(" (pushed by {})", entry.pushed_by)
    } else {
        format!(" (logged by {logged}, pushed by {})", entry.pushed_by)
    })
}

pub fn run(ctx: &Ctx, a: Args) -> Result<()> {
    let format = ctx.format("history", DATA_FORMATS)?;
    let span = a.since.map(|since| super::span(since, a.until, "--until")).transpose()?;
    let store = ctx.open_for_read()?;
    let filter = EventFilter {
        record: a.id,
        user: a.user,
        since: span.map(|s| s.since.to_string()),
        until: a.until.map(|w| w.end().to_string()),
    };
    let mut events = audit::events(store.conn(), &filter)?;
    let mut batched = false;
    if let Some(id) = &filter.record {
        // What was merged into a proposition is in its history as in the merged one's.
        let merges = audit::merges_into(store.conn(), id)?;
        events.extend(merges.into_iter().filter(|e| {
            filter.user.as_ref().is_none_or(|u| *u == e.user)
                && filter.since.as_ref().is_none_or(|s| e.at >= *s)
                && filter.until.as_ref().is_none_or(|u| e.at <= *u)
        }));
        for seq in audit::batches_of(store.conn(), id)? {
            let of_batch = EventFilter { record: Some(audit::batch_record(seq)), ..filter.clone() };
            events.extend(audit::events(store.conn(), &of_batch)?);
            batched = true;
        }
        events.sort_by_key(|e| e.seq);
    }
    let entries: Vec<Entry> = events
        .into_iter()
        .map(|e| {
            let what = batched.then(|| audit::batch_for_record(&e)).flatten().unwrap_or_else(|| e.what());
            Ok(Entry { what: format!("{what}{}", pushed_by(store.conn(), &e, filter.record.as_deref())?), event: e })
        })
        .collect::<Result<_>>()?;
    output::list(&entries, format, COLUMNS, FIELDS, ctx.table_width())
}
