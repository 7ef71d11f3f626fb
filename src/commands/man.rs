//! `claimtrack man`: the manual page, generated from the same definitions as --help.

use super::Ctx;
use crate::error::{Context, Result};
use std::io::Write;
use std::path::PathBuf;

/// Print the manual page (roff) for claimtrack, or write a page for every command into a
/// directory.
#[derive(clap::Args)]
#[command(after_help = "Examples:\n  claimtrack man | man -l -\n  claimtrack man --dir /usr/local/share/man/man1")]
pub struct Args {
    /// Write claimtrack.1 and a page for each command (claimtrack-claim-add.1 ...) here
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

pub fn run(ctx: &Ctx, a: Args, app: clap::Command) -> Result<()> {
    ctx.no_format("man")?;
    match a.dir {
        Some(dir) => {
            clap_mangen::generate_to(app, &dir)
                .context(|| format!("writing the manual pages into {}", dir.display()))?;
            ctx.say(format!("wrote the manual pages into {}", dir.display()));
            Ok(())
        }
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(app).render(&mut page).context(|| "rendering the manual page".into())?;
            std::io::stdout().lock().write_all(&page).context(|| "writing the manual page".into())
        }
    }
}
