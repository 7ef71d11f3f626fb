//! `claimtrack match`: "have we checked this before?": the propositions most like a pasted
//! text, each with its standing verdict and status.

use super::Ctx;
use crate::error::{Error, Result};
use crate::matching::{self, Ranked};
use crate::output::{self, Format};
use crate::report::markdown;

/// Rank the archive's propositions by how likely they are the same matter as TEXT: a post,
/// a headline or a quote pasted as it is (links, @handles, #hashtags and emoji are read as a
/// reader would: links dropped, the words of handles and hashtags kept). Any language the
/// search index knows. Each result has a score from 0 to 1 (1: the same words), the
/// proposition's status from the last reconcile and the verdict that stands. Words found on a
/// proposition merged into another are found on the one it was merged into: that one is the
/// result, with its verdict and status, and says which merged propositions matched.
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  claimtrack match \"BREAKING: Chinese specialists helped the Kupol drone maker 🚨 https://t.co/x\"\n  claimtrack match 'Kremlin denies drone deal' --limit 10 --format json\n  claimtrack match \"«Купол» получил помощь из Китая\" --kind claim --format markdown"
)]
pub struct Args {
    /// The text to match, as pasted
    text: String,
    /// What to rank: propositions, or single claims by their quotes
    #[arg(long, default_value = "proposition", value_parser = ["proposition", "claim"])]
    kind: String,
    /// At most this many results
    #[arg(long, default_value_t = 5)]
    limit: usize,
}

/// One result, as printed (docs/FORMAT.md).
#[derive(serde::Serialize)]
struct Row {
    proposition: String,
    /// With --kind claim: the claim.
    #[serde(skip_serializing_if = "Option::is_none")]
    claim: Option<String>,
    text: String,
    score: f64,
    status: Option<String>,
    verdict: Option<String>,
    /// The propositions merged into this one whose words matched (only when there are).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    merged: Vec<String>,
}

pub fn run(ctx: &Ctx, a: Args) -> Result<()> {
    let format = ctx.format("match", &[Format::Table, Format::Json, Format::Markdown])?;
    if a.limit == 0 {
        return Err(Error::Usage("--limit 0 shows nothing; give 1 or more (the default is 5)".into()));
    }
    let mut store = ctx.open_for_read()?;
    // As for search: text written with plain SQL since claimtrack last wrote is indexed first.
    if store.can_write() {
        store.index_waiting_text()?;
    }
    // The searched keys' lists and the candidates' rows are scattered pages of a large file,
    // which a mapped file gives without a copy each.
    store.map_into_memory()?;
    let ranked = if a.kind == "claim" { Ranked::Claims } else { Ranked::Propositions };
    let found = matching::rank(store.conn(), &a.text, ranked, a.limit)?;
    let rows: Vec<Row> = found
        .into_iter()
        .map(|m| Row {
            proposition: m.profile.proposition,
            claim: m.claim,
            text: m.profile.text,
            score: (m.score * 100.0).round() / 100.0,
            status: m.profile.status,
            verdict: m.profile.verdict,
            merged: m.merged,
        })
        .collect();
    if rows.is_empty() {
        ctx.say("nothing in the archive is like it");
        if format == Format::Table {
            return Ok(());
        }
    }
    let mut columns = vec!["score", "proposition"];
    if ranked == Ranked::Claims {
        columns.push("claim");
    }
    columns.extend(["text", "verdict", "status"]);
    // Only when a result stands for propositions merged into it: which ones.
    let merges = rows.iter().any(|r| !r.merged.is_empty());
    if merges {
        columns.push("merged");
    }
    if format != Format::Markdown {
        return output::list(&rows, format, &columns, &columns, ctx.table_width());
    }
    let mut out = String::new();
    markdown::table(
        &mut out,
        &columns,
        rows.iter().map(|r| {
            let mut cells = vec![format!("{:.2}", r.score), r.proposition.clone()];
            cells.extend(r.claim.clone());
            cells.push(r.text.clone());
            cells.push(r.verdict.clone().unwrap_or_else(|| "no verdict".into()));
            cells.push(r.status.clone().unwrap_or_else(|| "not reconciled".into()));
            if merges {
                cells.push(r.merged.join("; "));
            }
            cells
        }),
    );
    output::print(&out)
}
