//! `claimtrack export`: write the whole database as a bundle.

use super::Ctx;
use crate::error::Result;
use crate::output::{self, Format};
use crate::store;
use std::path::PathBuf;

/// Write every record, retracted ones included, as one bundle (docs/FORMAT.md). Exporting,
/// importing into an empty database and exporting again gives the same bytes.
#[derive(clap::Args)]
#[command(after_help = "Examples:\n  claimtrack export > story.json\n  claimtrack export -o story.json")]
pub struct Args {
    /// Write to this file instead of standard output
    #[arg(long, short)]
    output: Option<PathBuf>,
}

pub fn run(ctx: &Ctx, a: Args) -> Result<()> {
    ctx.format("export", &[Format::Json])?;
    let store = ctx.open_for_read()?;
    let bundle = store::story(store.conn())?.into_bundle();
    let mut text = Vec::new();
    output::json(&mut text, &bundle)?;
    output::write_to(a.output.as_deref(), &String::from_utf8(text).expect("JSON is UTF-8"))?;
    if let Some(path) = &a.output {
        ctx.say(format!("wrote {}", path.display()));
    }
    Ok(())
}
