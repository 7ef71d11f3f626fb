//! `claimtrack report`: the editor's page, in the terminal, Markdown, HTML or JSON.

use super::reconcile::{outcome, When};
use super::Ctx;
use crate::error::Result;
use crate::output::{self, Format};
use crate::report::{self, html, markdown, terminal};
use crate::store;

/// The story at a glance: for each proposition (most contested first) who says what, through
/// which sources, what conflicts, who has not answered and how solid each side is; the stance
/// matrix; a timeline per proposition. The same database and as-of date give the same bytes.
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  claimtrack report\n  claimtrack report --format html -o report.html\n  claimtrack report --prop p-experts-helped-kupol --format markdown\n  claimtrack report --as-of 2024-04-10"
)]
pub struct Args {
    /// Only this proposition (repeat for more)
    #[arg(long = "prop", value_name = "PROP")]
    props: Vec<String>,
    #[command(flatten)]
    when: When,
    #[command(flatten)]
    to: output::Destination,
}

const FORMATS: &[Format] = &[Format::Table, Format::Markdown, Format::Html, Format::Json];

pub fn run(ctx: &Ctx, a: Args) -> Result<()> {
    let mut format = ctx.format("report", FORMATS)?;
    if ctx.format.is_none() {
        format = a.to.output.as_deref().and_then(output::format_of).filter(|f| FORMATS.contains(f)).unwrap_or(format);
    }
    let mut store = ctx.open_for_read()?;
    let chosen = super::chosen_propositions(&store, "--prop", &a.props)?;
    // Only what bears on the chosen propositions: a one-proposition report stays instant on
    // a database of a million claims.
    let story = if chosen.is_empty() { store::story(store.conn())? } else { store::story_of(store.conn(), &chosen)? };
    let outcome = outcome(&mut store, &story, &a.when, None)?;
    let report = report::build(&store.path().display().to_string(), &story, &outcome, &chosen);
    let text = render(&report, format)?;
    a.to.write(&text, &ctx.db)?;
    if let Some(path) = &a.to.output {
        ctx.say(format!("wrote the {} report to {}", format.name(), path.display()));
    }
    Ok(())
}

/// The report in one of its formats.
pub fn render(report: &report::Report, format: Format) -> Result<String> {
    Ok(match format {
        Format::Markdown => markdown::render(report),
        Format::Html => html::render(report),
        Format::Json => {
            let mut out = Vec::new();
            output::json(&mut out, report)?;
            String::from_utf8(out).expect("JSON is UTF-8")
        }
        _ => terminal::render(report),
    })
}
