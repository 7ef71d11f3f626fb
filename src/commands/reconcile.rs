//! `claimtrack reconcile`: read the story, keep the findings with their triage, and say
//! what changed.

use super::{Ctx, When};
use crate::analysis::{self, Persist, Scope};
use crate::error::{Context, Result};
use crate::model::{ClaimRow, Finding, Severity, Story};
use crate::output::{self, Format};
use crate::progress::Progress;
use crate::reconcile::Outcome;
use crate::store::{self, Changes, StoredCorrection};
use comfy_table::{Cell, Color};
use std::collections::{BTreeMap, BTreeSet, HashMap};
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

pub fn run(ctx: &Ctx, a: Args) -> Result<()> {
    let format = ctx.format("reconcile", &[Format::Table, Format::Json])?;
    let mut store = ctx.open_to_write()?;
    let mut progress = Progress::new(ctx.quiet, None, "reconciling");
    let when = analysis::When::from(a.when);
    if !when.is_present() {
        ctx.warn_if_tampered(&store)?;
    }
    let last_run = store.read(store::last_reconcile_event)?;
    let reading = analysis::read(&mut store, Scope::Story, when, Persist::Save, &mut |done, total| {
        progress.set_out_of(done, total)
    })?;
    progress.finish();
    let outcome = &reading.outcome;
    let as_of = outcome.as_of.human();
    match &reading.changes {
        Some(changes) => {
            ctx.say(format!(
                "as of {as_of}: {} findings ({} new, {} reopened, {} cleared)",
                outcome.findings.len(),
                changes.new.len(),
                changes.reopened.len(),
                changes.cleared.len()
            ));
            let corrections = store.read(|c| store::corrections_after(c, last_run))?;
            say_changes(ctx, &reading.story, outcome, changes, &corrections);
        }
        None => {
            ctx.say(format!("as of {as_of}: {} findings (a view of the past: nothing stored)", outcome.findings.len()))
        }
    }
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => output::json(&mut out, outcome),
        _ => writeln!(out, "{}", table(outcome)).context(|| "writing the table".into()),
    }
}

/// One line per finding that opened, reopened or cleared: its kind, proposition and parties
/// (by name); a reopened or cleared one with the corrections since the
/// last reconcile that touched what it rests on (its claims, their sources, its parties and
/// propositions), so that the editor sees which fix did it.
fn say_changes(ctx: &Ctx, story: &Story, outcome: &Outcome, changes: &Changes, corrections: &[StoredCorrection]) {
    if ctx.quiet {
        return;
    }
    // Indexed once: a first run on a large story opens tens of thousands of findings.
    let claims: HashMap<&str, &ClaimRow> = story.claims.iter().map(|c| (c.id(), c)).collect();
    let parties: HashMap<&str, &str> = story.parties.iter().map(|p| (p.id.as_str(), p.name.as_str())).collect();
    let text = |id: Option<&String>| {
        id.and_then(|id| outcome.proposition(id)).map_or_else(|| "(sources)".to_string(), |p| p.text.clone())
    };
    let name = |id: &String| parties.get(id.as_str()).map_or_else(|| id.clone(), |n| n.to_string());
    let groups: [(&str, &[Finding]); 3] =
        [("new", &changes.new), ("reopened", &changes.reopened), ("cleared", &changes.cleared)];
    for (what, list) in groups {
        for f in list {
            let names: Vec<String> = f.parties.iter().map(name).collect();
            let parties = if names.is_empty() { String::new() } else { format!(" ({})", names.join(", ")) };
            let by = corrections_touching(&claims, f, corrections);
            let after = if by.is_empty() { String::new() } else { format!(", after {}", by.join("; ")) };
            ctx.say(format!("  {what}: {} on “{}”{parties}{after}", f.kind_label(), text(f.proposition.as_ref())));
        }
    }
}

/// The corrections, in words, of the records a finding rests on.
fn corrections_touching(
    claims: &HashMap<&str, &ClaimRow>,
    f: &Finding,
    corrections: &[StoredCorrection],
) -> Vec<String> {
    if corrections.is_empty() {
        return Vec::new();
    }
    let mut touched: BTreeSet<&str> =
        f.claims.iter().chain(&f.parties).chain(&f.propositions).map(String::as_str).collect();
    for c in f.claims.iter().filter_map(|id| claims.get(id.as_str())) {
        touched.insert(c.claim.source.as_str());
        touched.extend(c.claim.basis.iter().map(String::as_str));
    }
    corrections
        .iter()
        .filter(|c| touched.contains(c.correction.target.as_str()))
        .map(|c| {
            let kind = c.correction.kind.map_or_else(String::new, |k| format!("{k} "));
            let fields: Vec<&String> = c.before.keys().collect();
            let fields: Vec<&str> = fields.into_iter().map(String::as_str).collect();
            format!(
                "the correction of {kind}{} ({}; why: {})",
                c.correction.target,
                fields.join(", "),
                c.correction.reason
            )
        })
        .collect()
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
                Cell::new(f.kind_label()),
                severity,
                Cell::new(f.state),
                output::cell(&f.detail),
            ]);
        }
    }
    t
}
