//! `claimtrack report`: the editor's page, in the terminal, Markdown, HTML or JSON.

use super::{Ctx, When};
use crate::analysis::{self, Scope};
use crate::date::When as Moment;
use crate::error::Result;
use crate::output::{self, Format};
use crate::report::{self, Style};
use crate::store;

/// The story at a glance: a summary of what is contested, who has not answered and what
/// rests on thin or retracted evidence; the stance matrix; then for each proposition (most
/// contested first) who says what, read where and resting on what, its findings and dates.
/// The same database and as-of date give the same bytes.
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  claimtrack report\n  claimtrack report --format html -o report.html\n  claimtrack report --prop p-experts-helped-kupol --format markdown\n  claimtrack report --as-of 2024-04-10 --width 120\n  claimtrack report --since yesterday --format html -o morning.html"
)]
pub struct Args {
    /// Only this proposition (repeat for more)
    #[arg(long = "prop", value_name = "PROP")]
    props: Vec<String>,
    #[command(flatten)]
    when: When,
    /// Open with what changed since this moment (as `claimtrack changes` says it) and mark
    /// what is new or changed below (a date, an instant, today, yesterday, a weekday, 12h,
    /// 3d, 2w)
    #[arg(long, value_name = "WHEN")]
    since: Option<Moment>,
    #[command(flatten)]
    to: output::Destination,
    /// Show record ids beside names and texts
    #[arg(long)]
    show_ids: bool,
}

const FORMATS: &[Format] = &[Format::Table, Format::Markdown, Format::Html, Format::Json];

pub fn run(ctx: &Ctx, a: Args) -> Result<()> {
    let mut format = ctx.format("report", FORMATS)?;
    if ctx.format.is_none() {
        format = a.to.output.as_deref().and_then(output::format_of).filter(|f| FORMATS.contains(f)).unwrap_or(format);
    }
    let mut store = ctx.open_for_read()?;
    let chosen = super::chosen_propositions(&store, "--prop", &a.props)?;
    // Only what bears on the chosen propositions: a one-proposition report stays quick on a
    // database of a million claims, and reads them as the whole story does.
    let scope = if chosen.is_empty() { Scope::Story } else { Scope::Propositions(&chosen) };
    // Checked before anything is read: an --until (here --known-at) before --since.
    let span = a.since.map(|since| super::span(since, a.when.known_at, "--known-at")).transpose()?;
    let reading = analysis::read(&mut store, scope, a.when.into(), &mut |_, _| {})?;
    let mut report = report::build(&store.path().display().to_string(), &reading.story, &reading.outcome, &chosen)
        .with_title(store::setting(store.conn(), "report.title")?);
    if let Some(span) = span {
        report = report.with_changes(analysis::changes(&mut store, span, reading.outcome.as_of, &chosen)?);
    }
    let style = Style { width: ctx.report_width(), show_ids: a.show_ids };
    let text = report::render(&report, format, style)?;
    a.to.write(&text, &ctx.db)?;
    if let Some(path) = &a.to.output {
        ctx.say(format!("wrote the {} report to {}", format.name(), path.display()));
    }
    Ok(())
}
