//! `claimtrack reconcile`: run the rules and keep the findings, triage intact.

use super::Ctx;
use crate::date::{Date, Timestamp};
use crate::error::{Context, Result};
use crate::model::Story;
use crate::output::{self, Format};
use crate::progress::Progress;
use crate::reconcile::{self, Finding, Outcome, Severity};
use crate::store::{self, Store};
use comfy_table::{Cell, Color};
use std::collections::BTreeMap;
use std::io::Write;

/// Mark what an editor must know before publishing: conflicts, reversals, silences, single
/// and anonymous sourcing, loops and retracted bases (docs/RECONCILER.md). Findings keep
/// their ids and their triage across runs. A run as of an earlier day, or with --known-at,
/// shows the story as it stood then and changes nothing stored.
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  claimtrack reconcile\n  claimtrack reconcile --as-of 2025-09-30 --format json\n  claimtrack reconcile --known-at 2025-10-01T09:00:00Z"
)]
pub struct Args {
    #[command(flatten)]
    pub when: When,
}

/// Which moment of the story to look at (reconcile and the reports share these flags).
#[derive(clap::Args, Default)]
pub struct When {
    /// Reconcile the story as it stood on this day: later claims, requests and retractions
    /// do not count, and deadlines are judged against it [default: today]
    #[arg(long, value_name = "DATE")]
    pub as_of: Option<Date>,
    /// Also drop every record logged in the database after this moment (RFC 3339), to see
    /// exactly what an editor saw then
    #[arg(long, value_name = "TIMESTAMP")]
    pub known_at: Option<Timestamp>,
}

/// Reconciles the story, and returns the outcome with each finding's triage state. With a
/// `ctx` (the reconcile command) a present-day run saves the findings and says what changed;
/// without one (reports) nothing is written.
pub fn outcome(store: &mut Store, story: &Story, a: &When, quiet_ctx: Option<&Ctx>) -> Result<Outcome> {
    let today = Date::today();
    let as_of = a.as_of.unwrap_or(today);
    let mut progress =
        Progress::new(quiet_ctx.is_none_or(|c| c.quiet), Some(story.propositions.len() as u64), "reconciling");
    let mut outcome =
        reconcile::reconcile_with_progress(story, as_of, a.known_at, &mut |done, _| progress.set(done as u64));
    progress.finish();
    if as_of == today && a.known_at.is_none() && quiet_ctx.is_some() {
        let changes = store.write(false, |tx| store::save(tx, &mut outcome.findings, Timestamp::now()))?;
        if let Some(ctx) = quiet_ctx {
            ctx.say(format!(
                "as of {as_of}: {} findings ({} new, {} reopened, {} cleared)",
                outcome.findings.len(),
                changes.new,
                changes.reopened,
                changes.cleared
            ));
        }
    } else {
        store::overlay(store.conn(), &mut outcome.findings)?;
        if let Some(ctx) = quiet_ctx.filter(|_| as_of != today || a.known_at.is_some()) {
            ctx.say(format!("as of {as_of}: {} findings (a view of the past: nothing stored)", outcome.findings.len()));
        }
    }
    Ok(outcome)
}

pub fn run(ctx: &Ctx, a: Args) -> Result<()> {
    let format = ctx.format("reconcile", &[Format::Table, Format::Json])?;
    let mut store = ctx.open_for_read()?;
    let story = store::story(store.conn())?;
    let outcome = outcome(&mut store, &story, &a.when, Some(ctx))?;
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => output::json(&mut out, &outcome),
        _ => writeln!(out, "{}", table(&outcome)).context(|| "writing the table".into()),
    }
}

/// Findings grouped by proposition, the propositions with the most severe findings first.
pub fn table(outcome: &Outcome) -> comfy_table::Table {
    let status: BTreeMap<&str, &str> =
        outcome.propositions.iter().map(|p| (p.id.as_str(), p.status.as_str())).collect();
    let mut groups: BTreeMap<Option<&str>, Vec<&Finding>> = BTreeMap::new();
    for f in &outcome.findings {
        groups.entry(f.proposition.as_deref()).or_default().push(f);
    }
    let mut groups: Vec<(Option<&str>, Vec<&Finding>)> = groups.into_iter().collect();
    groups.sort_by_key(|(p, fs)| (fs.iter().map(|f| f.severity).min(), p.is_none(), *p));
    let mut t = output::table(&["proposition", "finding", "kind", "severity", "state", "detail"]);
    let colour = output::colour();
    for (prop, findings) in groups {
        for (i, f) in findings.iter().enumerate() {
            let label = match (i, prop) {
                (0, Some(p)) => format!("{p} ({})", status.get(p).unwrap_or(&"")),
                (0, None) => "(sources)".to_string(),
                _ => String::new(),
            };
            let kind = match f.reason {
                Some(r) => format!("{}: {r}", f.kind),
                None => f.kind.to_string(),
            };
            let mut severity = Cell::new(f.severity);
            if colour {
                severity = severity.fg(match f.severity {
                    Severity::High => Color::Red,
                    Severity::Medium => Color::Yellow,
                    Severity::Low => Color::Grey,
                });
            }
            t.add_row(vec![
                output::cell(&label),
                output::cell(&f.id),
                Cell::new(kind),
                severity,
                Cell::new(f.state),
                output::cell(&f.detail),
            ]);
        }
    }
    t
}
