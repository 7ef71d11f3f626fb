//! `claimtrack backup`: a consistent copy of the database, taken while others write.

use super::Ctx;
use crate::error::{Context, Error, Result};
use crate::integrity;
use crate::output;
use crate::store::{Open, Store};
use std::path::PathBuf;
use std::time::Duration;

/// Copy the database with SQLite's online backup API: other fact-checkers can keep logging
/// while it runs, and the copy is one consistent moment. The copy is built under a name of
/// its own beside FILE, verified, and only then given its name, so an interrupted backup
/// (killed, or a full disk) never leaves a FILE behind.
#[derive(clap::Args)]
#[command(after_help = "Example:\n  claimtrack backup backups/story-2025-10-01.db")]
pub struct Args {
    /// Where to write the copy (must not exist yet)
    file: PathBuf,
}

pub fn run(ctx: &Ctx, a: Args) -> Result<()> {
    let shown = a.file.display();
    // Not even a symbolic link: SQLite would write the copy wherever it points.
    if a.file.symlink_metadata().is_ok() {
        return Err(Error::input(format!("{shown} already exists; give a new file name (backup never overwrites)")));
    }
    let store = ctx.open_for_read()?;
    let tmp = output::beside(&a.file, "claimtrack-backup")?;
    {
        let mut copy = rusqlite::Connection::open(tmp.path()).context(|| format!("creating {shown}"))?;
        let backup = rusqlite::backup::Backup::new(store.conn(), &mut copy).context(|| "starting the backup".into())?;
        backup.run_to_completion(256, Duration::from_millis(5), None).context(|| format!("copying to {shown}"))?;
    }
    let verdict = integrity::verify_database(Store::open(tmp.path(), Open::Inspect)?.conn())?;
    if let Some(p) = verdict.problems.first() {
        return Err(Error::input(format!("the copy for {shown} does not verify: {}; nothing was kept", p.message)));
    }
    tmp.as_file().sync_all().context(|| format!("writing {shown}"))?;
    // Given its name only if the name is still free (a hard link never follows a link).
    tmp.persist_noclobber(&a.file).map_err(|e| match e.error.kind() {
        std::io::ErrorKind::AlreadyExists => {
            Error::input(format!("{shown} already exists; give a new file name (backup never overwrites)"))
        }
        _ => Error::Io { context: format!("writing {shown}"), source: e.error },
    })?;
    println!("{shown}");
    ctx.say(format!(
        "backed up to {shown}: {} events, {} records, verified sound",
        verdict.events, verdict.records
    ));
    Ok(())
}
