//! `claimtrack reconcile`: read the story, keep the findings with their triage, and say
//! what changed.

use super::{Ctx, When};
use crate::analysis::{self, Scope, Show};
use crate::error::{Context, Result};
use crate::model::{Finding, FindingKind, Severity, StoredCorrection};
use crate::output::{self, Format};
use crate::progress::Progress;
use crate::reconcile::Outcome;
use crate::store::{self, ChangeKind, Changes, Conn};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::Write;

/// Mark what an editor must know before publishing: conflicts, reversals, silences, single
/// and anonymous sourcing, loops and retracted bases (docs/RECONCILER.md). Findings keep
/// their ids and their triage across runs. It prints what this run changed (the findings
/// it opened, reopened and cleared; the first page of them when there are many), then the
/// totals of the findings that stand; --all prints every standing finding. A run as of an
/// earlier day, or with --known-at, shows the story as it stood then and changes nothing
/// stored.
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  claimtrack reconcile\n  claimtrack reconcile --all\n  claimtrack reconcile --as-of 2025-09-30 --format json\n  claimtrack reconcile --known-at 2025-10-01T09:00:00Z"
)]
pub struct Args {
    #[command(flatten)]
    pub when: When,
    /// Read every proposition again, not only those the writes since the last reconcile
    /// touched (the result is the same; for after a restore, or to check)
    #[arg(long)]
    pub full: bool,
    /// Print only the findings this run found, reopened or cleared: the table's default;
    /// with --format json, instead of the whole reading
    #[arg(long, conflicts_with = "all")]
    pub changed: bool,
    /// Print every standing finding, not only what this run changed
    #[arg(long)]
    pub all: bool,
}

/// How many changed findings the table prints before it points to `claimtrack findings`.
const PAGE: usize = 20;

pub fn run(ctx: &Ctx, a: Args) -> Result<()> {
    let format = ctx.format("reconcile", &[Format::Table, Format::Json])?;
    let mut store = ctx.open_to_write()?;
    let mut progress = Progress::new(ctx.quiet, None, "reconciling");
    let when = analysis::When::from(a.when);
    let mut out = std::io::stdout().lock();
    if !when.is_present() {
        ctx.warn_if_tampered(&store)?;
        let reading =
            analysis::read(&mut store, Scope::Story, when, &mut |done, total| progress.set_out_of(done, total))?;
        progress.finish();
        let outcome = &reading.outcome;
        ctx.say(format!(
            "as of {}: {} findings (a view of the past: nothing stored)",
            outcome.as_of.human(),
            outcome.findings.len()
        ));
        return match format {
            Format::Json => output::json(&mut out, outcome),
            _ => out
                .write_all(table(&outcome.findings, &statuses(outcome), ctx.table_width()).as_bytes())
                .context(|| "writing the table".into()),
        };
    }
    let last_run = store.read(store::last_reconcile_event)?;
    // Machines reading JSON get the whole reading unless they ask for the changes; people
    // reading the table get what changed unless they ask for all of it.
    let show = match (format, a.changed, a.all) {
        (Format::Json, true, _) => Show::Changes(None),
        (_, true, _) => Show::Changes(Some(PAGE)),
        (Format::Json, false, _) => Show::Readings,
        (_, false, true) => Show::Findings,
        (_, false, false) => Show::Changes(Some(PAGE)),
    };
    let stored = analysis::reconcile(&mut store, a.full, show, &mut |done, total| progress.set_out_of(done, total))?;
    progress.finish();
    let (present, changes) = (&stored.present, &stored.changes);
    let live: usize = present.live.values().sum();
    ctx.say(format!(
        "as of {}: {} findings ({} new, {} reopened, {} cleared)",
        present.as_of.human(),
        live,
        changes.new,
        changes.reopened,
        changes.cleared
    ));
    let changed = changes.len();
    if changed <= PAGE && !ctx.quiet {
        let corrections = store.read(|c| store::corrections_after(c, last_run))?;
        store.read(|conn| say_changes(ctx, conn, changes, &present.findings, &corrections))?;
    }
    match format {
        Format::Json => output::json(&mut out, present),
        _ if matches!(show, Show::Changes(_)) => {
            if !present.findings.is_empty() {
                out.write_all(table(&present.findings, &present.status, ctx.table_width()).as_bytes())
                    .context(|| "writing the table".into())?;
            }
            ctx.say(totals(live, &present.live, changed));
            Ok(())
        }
        _ => out
            .write_all(table(&present.findings, &present.status, ctx.table_width()).as_bytes())
            .context(|| "writing the table".into()),
    }
}

/// The line after a run's changes: how many changed findings the table left out, the
/// findings that stand by kind (the names `findings --kind` takes), and how to list them.
fn totals(live: usize, by_kind: &BTreeMap<FindingKind, usize>, changed: usize) -> String {
    let left_out = match changed.checked_sub(PAGE) {
        Some(more) if more > 0 => format!("the first {PAGE} of {changed} changed findings above; "),
        _ => String::new(),
    };
    if live == 0 {
        return format!("{left_out}no findings stand");
    }
    let kinds: Vec<String> = by_kind.iter().map(|(kind, n)| format!("{n} {kind}")).collect();
    format!(
        "{left_out}{live} findings stand ({}); the open ones: claimtrack findings --state open --limit {PAGE}",
        kinds.join(", ")
    )
}

fn statuses(outcome: &Outcome) -> BTreeMap<String, String> {
    outcome.propositions.iter().map(|p| (p.id.clone(), p.status.as_str().to_string())).collect()
}

/// One line per finding that opened, reopened or cleared (`found`: each as stored, those
/// `changes` kept), in the order they changed: its kind, proposition and parties (by name);
/// a reopened or cleared one with the corrections since the last reconcile that touched what
/// it rests on (its claims, their sources, its parties and propositions), so that the editor
/// sees which fix did it. Records are looked up as needed, each once.
fn say_changes(
    ctx: &Ctx,
    conn: &Conn,
    changes: &Changes,
    found: &[Finding],
    corrections: &[StoredCorrection],
) -> Result<()> {
    let mut texts: HashMap<String, String> = HashMap::new();
    let mut names: HashMap<String, String> = HashMap::new();
    let by_id: HashMap<&str, &Finding> = found.iter().map(|f| (f.id.as_str(), f)).collect();
    let mut changed: Vec<&store::Changed> = changes.first.iter().collect();
    changed.sort_by_key(|c| (c.what, c.seq));
    for c in changed {
        let Some(f) = by_id.get(c.key.4.as_str()) else { continue };
        let what = match c.what {
            ChangeKind::New => "new",
            ChangeKind::Reopened => "reopened",
            ChangeKind::Cleared => "cleared",
        };
        let text = match &f.proposition {
            Some(id) => match texts.get(id) {
                Some(t) => t.clone(),
                None => {
                    let t = store::proposition(conn, id)?.map_or_else(|| id.clone(), |p| p.text);
                    texts.insert(id.clone(), t.clone());
                    t
                }
            },
            None => "(sources)".to_string(),
        };
        let mut shown = Vec::new();
        for id in &f.parties {
            if !names.contains_key(id) {
                let name = store::party(conn, id)?.map_or_else(|| id.clone(), |p| p.name);
                names.insert(id.clone(), name);
            }
            shown.push(names[id].clone());
        }
        let parties = if shown.is_empty() { String::new() } else { format!(" ({})", shown.join(", ")) };
        let by = corrections_touching(conn, f, corrections)?;
        let after = if by.is_empty() { String::new() } else { format!(", after {}", by.join("; ")) };
        ctx.say(format!("  {what}: {} on “{text}”{parties}{after}", f.kind_label()));
    }
    Ok(())
}

/// The corrections, in words, of the records a finding rests on.
fn corrections_touching(conn: &Conn, f: &Finding, corrections: &[StoredCorrection]) -> Result<Vec<String>> {
    if corrections.is_empty() {
        return Ok(Vec::new());
    }
    let mut touched: BTreeSet<String> = f.claims.iter().chain(&f.parties).chain(&f.propositions).cloned().collect();
    for id in &f.claims {
        if let Some(c) = store::claim(conn, id)? {
            touched.insert(c.claim.source.clone());
            touched.extend(c.claim.basis.iter().cloned());
        }
    }
    Ok(corrections
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
        .collect())
}

/// Findings grouped by proposition (each with its status, by id), the propositions with the
/// most severe findings first.
fn table(findings: &[Finding], status: &BTreeMap<String, String>, width: usize) -> String {
    let mut groups: BTreeMap<Option<&str>, Vec<&Finding>> = BTreeMap::new();
    for f in findings {
        groups.entry(f.proposition.as_deref()).or_default().push(f);
    }
    let mut groups: Vec<(Option<&str>, Vec<&Finding>)> = groups.into_iter().collect();
    groups.sort_by_key(|(p, fs)| (fs.iter().map(|f| f.severity).min(), p.is_none(), *p));
    let mut t = output::Grid::new(&["proposition", "finding", "kind", "severity", "state", "detail"]);
    let colour = output::colour();
    for (prop, findings) in groups {
        for (i, f) in findings.iter().enumerate() {
            let label = match (i, prop) {
                (0, Some(p)) => format!("{p} ({})", status.get(p).map_or("", String::as_str)),
                (0, None) => "(sources)".to_string(),
                _ => String::new(),
            };
            let mut severity = f.severity.to_string();
            if colour {
                let code = match f.severity {
                    Severity::High => "31",
                    Severity::Medium => "33",
                    Severity::Low => "90",
                };
                severity = format!("\x1b[{code}m{severity}\x1b[0m");
            }
            let plain = |s: &str| output::visible(s).into_owned();
            t.add_styled([
                plain(&label),
                plain(&f.id),
                f.kind_label().to_string(),
                severity,
                f.state.to_string(),
                plain(&f.detail),
            ]);
        }
    }
    t.render(width)
}
