//! `claimtrack trace`: one claim's provenance, down to its root sources.

use super::{not_found, Ctx};
use crate::date::Date;
use crate::error::{Context, Result};
use crate::output::{self, Format};
use crate::report::{self, Trace};
use crate::store;
use std::io::Write;

/// Print one claim's provenance chain: the party, the outlet that relayed it, the source,
/// what that source derives from, down to the roots; retractions and loops marked.
#[derive(clap::Args)]
#[command(after_help = "Example:\n  claimtrack trace c-officials-affirm-experts")]
pub struct Args {
    /// The claim's id
    claim: String,
    /// Mark retractions as of this day [default: today]
    #[arg(long, value_name = "DATE")]
    as_of: Option<Date>,
}

fn tree(out: &mut String, t: &Trace, depth: usize) {
    let mut line =
        format!("{}{} ({}, {})", "   ".repeat(depth) + if depth > 0 { "└─ " } else { "" }, t.title, t.source, t.kind);
    if let Some(p) = &t.publisher {
        line.push_str(&format!(", published by {p}"));
    }
    if let Some(d) = t.published {
        line.push_str(&format!(" on {d}"));
    }
    if let Some(d) = t.retracted {
        line.push_str(&format!("  [RETRACTED {d}]"));
    }
    if t.loops_back {
        line.push_str("  [loop: derives from a source already above]");
    } else if t.derived_from.is_empty() {
        line.push_str("  [root]");
    }
    out.push_str(&line);
    out.push('\n');
    for d in &t.derived_from {
        tree(out, d, depth + 1);
    }
}

pub fn run(ctx: &Ctx, a: Args) -> Result<()> {
    let format = ctx.format("trace", &[Format::Table, Format::Json])?;
    let store = ctx.open_for_read()?;
    let claim = store::claim(store.conn(), &a.claim)?.ok_or_else(|| not_found(&store, "claim", &a.claim))?;
    let story = store::story_of(store.conn(), std::slice::from_ref(&claim.claim.proposition))?;
    let lineage = report::trace_claim(&story, &claim, &a.as_of.unwrap_or_else(Date::today));
    let mut out = std::io::stdout().lock();
    if format == Format::Json {
        return output::json(&mut out, &lineage);
    }
    let via = lineage.via.as_deref().map(|v| format!(", relayed by {v}")).unwrap_or_default();
    let retracted = claim.retracted.map(|d| format!("  [CLAIM RETRACTED {d}]")).unwrap_or_default();
    let mut text = format!(
        "claim {}: {} {} {}{via}{retracted}\n",
        lineage.claim, lineage.party, lineage.stance, claim.claim.proposition
    );
    tree(&mut text, &lineage.trace, 1);
    out.write_all(output::visible_lines(&text).as_bytes()).context(|| "writing the trace".into())
}
