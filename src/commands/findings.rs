//! `claimtrack findings`: list the stored findings and triage them.

use super::{resolve_flag, Ctx, DATA_FORMATS};
use crate::clock;
use crate::date::{Date, Timestamp, When};
use crate::error::{Error, Result};
use crate::model::{Finding, FindingKind, FindingState, RecordKind};
use crate::output::{self, Format};
use crate::store;
use clap::Subcommand;

/// List the findings of the last reconcile, or triage one (ack, resolve, dismiss, reopen).
/// Triage survives later runs: a dismissed finding stays dismissed unless new evidence
/// touches it.
#[derive(clap::Args)]
#[command(
    args_conflicts_with_subcommands = true,
    after_help = "Examples:\n  claimtrack findings --kind silence --state open\n  claimtrack findings --state open --limit 20 --offset 20\n  claimtrack findings --since yesterday\n  claimtrack findings dismiss f-3k9x2m4abc --note \"the ministry's statement covers it\""
)]
pub struct Args {
    #[command(subcommand)]
    triage: Option<Triage>,
    /// Only findings of this kind
    #[arg(long)]
    kind: Option<FindingKind>,
    /// Only findings in this state
    #[arg(long)]
    state: Option<FindingState>,
    /// Only findings on this proposition
    #[arg(long)]
    prop: Option<String>,
    /// Only findings that involve this party
    #[arg(long)]
    party: Option<String>,
    /// Only findings whose state changed from this moment on: found, reopened or cleared by
    /// reconcile, or triaged (a date, an instant, today, yesterday, a weekday, 12h, 3d, 2w)
    #[arg(long, value_name = "WHEN")]
    since: Option<When>,
    /// List at most this many, 1 or more (a first page; the rest are counted on stderr)
    #[arg(long, value_name = "N", value_parser = super::count_from(1))]
    limit: Option<usize>,
    /// Skip this many first (with --limit, the next page)
    #[arg(long, value_name = "N", default_value_t = 0, value_parser = super::count_from(0))]
    offset: usize,
}

#[derive(Subcommand)]
enum Triage {
    /// Acknowledge a finding: seen, being handled
    #[command(after_help = "Example:\n  claimtrack findings ack f-3k9x2m4abc --note \"asking the ministry again\"")]
    Ack(TriageArgs),
    /// Mark a finding resolved: the story now deals with it
    #[command(after_help = "Example:\n  claimtrack findings resolve f-3k9x2m4abc --note \"both sides quoted\"")]
    Resolve(TriageArgs),
    /// Dismiss a finding: not a problem for this story (a note saying why is required)
    #[command(
        after_help = "Example:\n  claimtrack findings dismiss f-3k9x2m4abc --note \"TSK Vektor is not named in our piece\""
    )]
    Dismiss(TriageArgs),
    /// Reopen a finding
    #[command(after_help = "Example:\n  claimtrack findings reopen f-3k9x2m4abc")]
    Reopen(TriageArgs),
    /// Show one finding with its triage history
    #[command(after_help = "Example:\n  claimtrack findings show f-3k9x2m4abc")]
    Show {
        /// The finding's id (or a unique prefix)
        id: String,
    },
}

#[derive(clap::Args)]
struct TriageArgs {
    /// The finding's id (or a unique prefix)
    id: String,
    /// Why: shown beside the finding in reports
    #[arg(long)]
    note: Option<String>,
}

const COLUMNS: &[&str] = &["id", "kind", "severity", "state", "proposition", "reason", "detail", "note"];

pub fn run(ctx: &Ctx, a: Args) -> Result<()> {
    let (state, verb, t) = match a.triage {
        None => return list(ctx, &a),
        Some(Triage::Show { id }) => return show(ctx, &id),
        Some(Triage::Ack(t)) => (FindingState::Acknowledged, "ack", t),
        Some(Triage::Resolve(t)) => (FindingState::Resolved, "resolve", t),
        Some(Triage::Dismiss(t)) => (FindingState::Dismissed, "dismiss", t),
        Some(Triage::Reopen(t)) => (FindingState::Open, "reopen", t),
    };
    ctx.no_format(&format!("findings {verb}"))?;
    if state == FindingState::Dismissed && t.note.as_deref().is_none_or(|n| n.trim().is_empty()) {
        return Err(Error::Usage("dismissing a finding needs --note \"why it is not a problem\"".into()));
    }
    let mut store = ctx.open_to_write()?;
    let finding = store::resolve_finding(store.conn(), &t.id)?;
    store.write(false, |tx| {
        store::triage(tx, &finding.id, state, t.note.as_deref(), &clock::user(), Timestamp::now())
    })?;
    output::line(&finding.id)?;
    ctx.say(format!("{} {}: {} → {state}", finding.kind, finding.id, finding.state));
    Ok(())
}

fn list(ctx: &Ctx, a: &Args) -> Result<()> {
    let format = ctx.format("findings", DATA_FORMATS)?;
    let store = ctx.open_for_read()?;
    let prop = resolve_flag(&store, RecordKind::Proposition, "--prop", a.prop.clone())?;
    let party = resolve_flag(&store, RecordKind::Party, "--party", a.party.clone())?;
    let ids = match a.since {
        Some(since) => {
            let span = super::span(since, None, "--until")?;
            Some(store::findings_changed(store.conn(), store::Window::between(store.conn(), span.since, None)?)?)
        }
        None => None,
    };
    if store::is_stale(store.conn(), Date::today())? {
        ctx.say("note: these are the findings of the last reconcile; records were logged since: run `claimtrack reconcile` to bring them up to date");
    }
    let filter = store::FindingFilter {
        kind: a.kind,
        state: a.state,
        proposition: prop,
        party,
        ids,
        limit: a.limit,
        offset: a.offset,
    };
    let (findings, total) = store::findings_where(store.conn(), &filter)?;
    let rest = total.saturating_sub(a.offset + findings.len());
    if rest > 0 {
        let next = a.offset + findings.len();
        ctx.say(format!("{} of {total} findings; {rest} more: --offset {next} for the next page", findings.len()));
    }
    output::list(&findings, format, COLUMNS, Finding::FIELDS, ctx.table_width())
}

fn show(ctx: &Ctx, id: &str) -> Result<()> {
    let format = ctx.format("findings show", DATA_FORMATS)?;
    let store = ctx.open_for_read()?;
    let finding = store::resolve_finding(store.conn(), id)?;
    output::show(&finding, format, Finding::FIELDS, ctx.table_width())?;
    if format == Format::Table {
        let mut t = output::Grid::new(&["at", "state", "by", "note"]);
        for e in store::triage_history(store.conn(), Some(&finding.id))? {
            t.add([e.at, e.state.as_str().to_string(), e.by, e.note.unwrap_or_default()]);
        }
        output::print(&t.render(ctx.table_width()))?;
    }
    Ok(())
}
