//! `claimtrack demo`: the built-in Kupol example, loaded, reconciled and reported.

use super::Ctx;
use crate::analysis::{self, Scope, When};
use crate::error::{Error, Result};
use crate::output::{self, Format};
use crate::report::{self, Style};
use crate::store::{self, Open, Store};

/// The worked example: an article relaying Reuters' report that Chinese experts helped
/// Russia's IEMZ Kupol.
pub const KUPOL: &str = include_str!("../../fixtures/kupol-drones.json");

/// Load the built-in Kupol example into a private in-memory database (or into --db given
/// on the command line, which must be new or empty; CLAIMTRACK_DB is left alone),
/// reconcile it and print the editor's report.
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  claimtrack demo\n  claimtrack demo --db kupol.db   # keep the example to explore it\n  claimtrack demo --format html > kupol.html"
)]
pub struct Args {}

pub fn run(ctx: &Ctx, _: Args) -> Result<()> {
    let format = ctx.format("demo", &[Format::Table, Format::Markdown, Format::Html, Format::Json])?;
    let mut store =
        if ctx.db_on_command_line { Store::open(&ctx.db, Open::CreateIfMissing)? } else { Store::memory()? };
    let bundle = crate::interchange::read::parse_bundle("fixtures/kupol-drones.json", KUPOL)?;
    let locate =
        |plural: &str, index: usize, field: &str| format!("fixtures/kupol-drones.json: {plural}[{index}].{field}");
    let summary = store.write(false, |tx| {
        // The example's records would mix into a real story: only a new or empty file.
        if !store::is_empty(tx)? {
            return Err(Error::input(format!(
                "{} already holds records; the demo loads only into a new or empty database: give --db a new file name",
                ctx.db.display()
            )));
        }
        store::apply(tx, bundle, "import", store::Refs::Ids, &locate)
    })?;
    ctx.say(format!(
        "Loaded the Kupol example into {} ({}).",
        store.path().display(),
        store::Summary::describe(&summary.added)
    ));
    analysis::reconcile(&mut store, false, analysis::Show::Changes(Some(0)), &mut |_, _| {})?;
    let reading = analysis::read(&mut store, Scope::Story, When::default(), &mut |_, _| {})?;
    let report = report::build(&store.path().display().to_string(), &reading.story, &reading.outcome, &[]);
    let style = Style { width: ctx.report_width(), ..Style::default() };
    output::print(&report::render(&report, format, style)?)
}
