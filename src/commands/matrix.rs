//! `claimtrack matrix`: the stance matrix alone, the view an editor scans first.

use super::{Ctx, When};
use crate::analysis::{self, Scope};
use crate::error::{Context, Error, Result};
use crate::output::{self, Format};
use crate::report::{self, markdown, terminal};
use crate::store;
use std::io::Write;

/// Parties as rows, propositions as columns, each cell the party's position: affirms,
/// denies, qualifies, neutral, declined, no answer, awaiting (asked, deadline not passed),
/// not asked, or blank.
#[derive(clap::Args)]
#[command(after_help = "Examples:\n  claimtrack matrix\n  claimtrack matrix --tag drones --format markdown")]
pub struct Args {
    /// Only propositions with this tag
    #[arg(long)]
    tag: Option<String>,
    /// Only this proposition (repeat for more)
    #[arg(long = "prop", value_name = "PROP")]
    props: Vec<String>,
    #[command(flatten)]
    when: When,
}

pub fn run(ctx: &Ctx, a: Args) -> Result<()> {
    let format = ctx.format("matrix", &[Format::Table, Format::Markdown, Format::Json, Format::Csv])?;
    let mut store = ctx.open_for_read()?;
    let mut chosen = super::chosen_propositions(&store, "--prop", &a.props)?;
    if let Some(tag) = &a.tag {
        chosen.extend(store::tagged(store.conn(), tag)?);
        if chosen.is_empty() {
            return Err(Error::input(format!("no proposition is tagged '{tag}'; see `claimtrack proposition list`")));
        }
    }
    let scope = if chosen.is_empty() { Scope::Story } else { Scope::Propositions(&chosen) };
    let reading = analysis::read(&mut store, scope, a.when.into(), &mut |_, _| {})?;
    let report = report::build(&store.path().display().to_string(), &reading.story, &reading.outcome, &chosen);
    let m = &report.matrix;
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => output::json(&mut out, m),
        Format::Csv => {
            let mut header = vec!["party"];
            header.extend(m.propositions.iter().map(String::as_str));
            let rows = m.rows.iter().map(|r| {
                let mut row = vec![r.party.clone()];
                row.extend(r.cells.iter().map(|c| c.label().to_string()));
                row
            });
            crate::interchange::write::csv(&mut out, &header, rows)
        }
        Format::Markdown => {
            let mut text = String::new();
            markdown::matrix(&mut text, m);
            out.write_all(text.as_bytes()).context(|| "writing the matrix".into())
        }
        _ => out.write_all(terminal::matrix(m, ctx.report_width()).as_bytes()).context(|| "writing the matrix".into()),
    }
}
