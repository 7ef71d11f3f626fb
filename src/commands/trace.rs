//! `claimtrack trace`: one claim's provenance, down to its root sources.

use super::{not_found, Ctx, When};
use crate::analysis::{self, Scope};
use crate::error::{Context, Error, Result};
use crate::model::RecordKind;
use crate::output::{self, Format};
use crate::report::{self, words, Lineage};
use crate::store;
use std::io::Write;

/// Print one claim's provenance: the party, the outlet that relayed it, the source it was
/// read in and what it rests on, and what those sources derive from, down to the roots;
/// retractions marked. A source reached twice is shown once and named again after.
#[derive(clap::Args)]
#[command(after_help = "Example:\n  claimtrack trace c-officials-affirm-experts --as-of 2025-10-01")]
pub struct Args {
    /// The claim's id
    claim: String,
    #[command(flatten)]
    when: When,
}

/// Indentation stops growing here: a chain of thousands of sources prints in lines of
/// bounded width, each saying how deep it is.
const MAX_INDENT: usize = 12;

fn tree(out: &mut String, l: &Lineage) {
    for s in &l.sources {
        let indent = "   ".repeat(s.depth.min(MAX_INDENT) + 1);
        let deep = if s.depth > MAX_INDENT { format!("[{} down] ", s.depth) } else { String::new() };
        let mut line = format!("{indent}└─ {deep}{} ({}, {})", s.title, s.source, s.kind);
        if let Some(p) = &s.publisher {
            line.push_str(&format!(", published by {p}"));
        }
        if let Some(d) = s.published {
            line.push_str(&format!(" {}", d.on()));
        }
        if let Some(d) = s.retracted {
            line.push_str(&format!("  [retracted by the source {}]", d.on()));
        }
        if s.root {
            line.push_str("  [root]");
        }
        if !s.shown_above.is_empty() {
            line.push_str(&format!("  [also derives from {}, shown above]", s.shown_above.join(", ")));
        }
        out.push_str(&line);
        out.push('\n');
    }
}

pub fn run(ctx: &Ctx, a: Args) -> Result<()> {
    let format = ctx.format("trace", &[Format::Table, Format::Json])?;
    let mut store = ctx.open_for_read()?;
    let claim = store::claim(store.conn(), &a.claim)?.ok_or_else(|| not_found(&store, RecordKind::Claim, &a.claim))?;
    let props = [claim.claim.proposition.clone()];
    let reading = analysis::read(&mut store, Scope::Propositions(&props), a.when.into(), &mut |_, _| {})?;
    let lineage = report::trace(&reading.story, &reading.outcome, &a.claim).ok_or_else(|| {
        Error::input(format!(
            "claim {} does not count as of {} (logged later, or dated after it); give a later --as-of or --known-at",
            a.claim, reading.outcome.as_of
        ))
    })?;
    let mut out = std::io::stdout().lock();
    if format == Format::Json {
        return output::json(&mut out, &lineage);
    }
    let via = lineage.via.as_deref().map(|v| format!(", relayed by {v}")).unwrap_or_default();
    let retracted = reading
        .outcome
        .retracted
        .get(&a.claim)
        .map(|d| format!("  [withdrawn by the party {}]", d.on()))
        .unwrap_or_default();
    // The proposition in words, as the editor's report gives it; its id stays in the JSON.
    let proposition = reading.story.propositions.iter().find(|p| p.id == claim.claim.proposition);
    let about = proposition.map_or_else(|| claim.claim.proposition.clone(), |p| format!("“{}”", p.text));
    // The claim's date in the report's words: said then, or reported then.
    let when = words::claim_when(lineage.date, lineage.date_basis, claim.claim.recorded);
    let mut text = format!(
        "claim {}: {} {} {when}: {about}{via}{retracted}\n",
        lineage.claim,
        lineage.party,
        words::said(lineage.stance)
    );
    if !lineage.rests_on.is_empty() && lineage.rests_on != [lineage.read_in.clone()] {
        text.push_str(&format!("read in {}; rests on {}\n", lineage.read_in, lineage.rests_on.join(", ")));
    }
    tree(&mut text, &lineage);
    out.write_all(output::visible_lines(&text).as_bytes()).context(|| "writing the trace".into())
}
