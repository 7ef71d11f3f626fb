//! `claimtrack backup`: a consistent copy of the database, taken while others write.

use super::Ctx;
use crate::error::{Context, Error, Result};
use crate::integrity;
use crate::store::{Open, Store};
use std::path::PathBuf;
use std::time::Duration;

/// Copy the database with SQLite's online backup API: other fact-checkers can keep logging
/// while it runs, and the copy is one consistent moment. The copy is then verified.
#[derive(clap::Args)]
#[command(after_help = "Example:\n  claimtrack backup backups/story-2025-10-01.db")]
pub struct Args {
    /// Where to write the copy (must not exist yet)
    file: PathBuf,
}

pub fn run(ctx: &Ctx, a: Args) -> Result<()> {
    if a.file.exists() {
        return Err(Error::input(format!(
            "{} already exists; give a new file name (backup never overwrites)",
            a.file.display()
        )));
    }
    let store = ctx.open_for_read()?;
    let mut copy = rusqlite::Connection::open(&a.file).context(|| format!("creating {}", a.file.display()))?;
    {
        let backup = rusqlite::backup::Backup::new(store.conn(), &mut copy).context(|| "starting the backup".into())?;
        backup
            .run_to_completion(256, Duration::from_millis(5), None)
            .context(|| format!("copying to {}", a.file.display()))?;
    }
    drop(copy);
    let copy = Store::open(&a.file, Open::MustExist)?;
    let verdict = integrity::verify_database(copy.conn())?;
    match verdict.problems.first() {
        None => {
            println!("{}", a.file.display());
            ctx.say(format!(
                "backed up to {}: {} events, {} records, verified sound",
                a.file.display(),
                verdict.events,
                verdict.records
            ));
            Ok(())
        }
        Some(p) => Err(Error::input(format!("the copy at {} does not verify: {}", a.file.display(), p.message))),
    }
}
