//! `claimtrack changes`: what changed in the story between two moments of this database's
//! knowledge, for the morning meeting.

use super::Ctx;
use crate::analysis;
use crate::date::{Date, When};
use crate::error::Result;
use crate::output::{self, Format};
use crate::report::{markdown, terminal};

/// What changed since a moment: claims added, corrected and retracted; parties that took,
/// changed or dropped a position; findings new, reopened, cleared and triaged; requests for
/// comment added, answered and now overdue; sources added and verdicts set. Each end is
/// what this database knew then (as --known-at reads it), both read as of the later day.
/// An empty window says so in one line.
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  claimtrack changes --since yesterday\n  claimtrack changes --since monday --until friday --format markdown\n  claimtrack changes --since 12h --prop experts-helped --format json"
)]
pub struct Args {
    /// From this moment on (a date, an instant, today, yesterday, a weekday: the last one,
    /// or a time back from now: 30m, 12h, 3d, 2w)
    #[arg(long, value_name = "WHEN")]
    since: When,
    /// Up to this moment (the same forms; a day counts to its end) [default: now]
    #[arg(long, value_name = "WHEN")]
    until: Option<When>,
    /// Only this proposition (its id or text; repeat for more)
    #[arg(long = "prop", value_name = "PROP")]
    props: Vec<String>,
}

const FORMATS: &[Format] = &[Format::Table, Format::Markdown, Format::Json];

pub fn run(ctx: &Ctx, a: Args) -> Result<()> {
    let format = ctx.format("changes", FORMATS)?;
    let span = super::span(a.since, a.until, "--until")?;
    let mut store = ctx.open_for_read()?;
    let chosen = super::chosen_propositions(&store, "--prop", &a.props)?;
    let as_of = span.until.map_or_else(Date::today, |t| t.date());
    let digest = analysis::changes(&mut store, span, as_of, &chosen)?;
    match format {
        Format::Json => output::json(&mut std::io::stdout().lock(), &digest),
        Format::Markdown => output::print(&markdown::digest(&digest, 1)),
        _ => output::print(&terminal::digest(&digest, ctx.report_width())),
    }
}
