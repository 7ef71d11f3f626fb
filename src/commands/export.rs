//! `claimtrack export`: write the whole database as a bundle.

use super::Ctx;
use crate::error::{Context, Result};
use crate::output::{self, Format};
use crate::store;
use std::io::Write;
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
    match &a.output {
        None => output::json(&mut std::io::stdout().lock(), &bundle),
        Some(path) => {
            // Write beside the target and rename, so a reader never sees half a file.
            let tmp = path.with_extension("claimtrack-tmp");
            let mut file = std::fs::File::create(&tmp).context(|| format!("creating {}", tmp.display()))?;
            output::json(&mut file, &bundle)?;
            file.flush().context(|| format!("writing {}", tmp.display()))?;
            std::fs::rename(&tmp, path).context(|| format!("writing {}", path.display()))?;
            ctx.say(format!("wrote {}", path.display()));
            Ok(())
        }
    }
}
