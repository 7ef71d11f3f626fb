//! `claimtrack backup`: a consistent copy of the database, taken while others write.

use super::Ctx;
use crate::error::{Context, Error, Result};
use crate::integrity;
use crate::output;
use crate::store::{self, Open, Store};
use std::path::{Path, PathBuf};
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

/// What the copy holds, checked.
enum Copied {
    Sound(integrity::Soundness),
    /// The copy does not verify, and for the same reason the database itself does not: it
    /// is kept, since a value claimtrack cannot read must never stop a rescue.
    AsItIs(String),
}

/// The first thing `verify` finds wrong in a database (a problem, or a row it cannot read).
fn first_trouble(checked: Result<integrity::Soundness>) -> std::result::Result<integrity::Soundness, String> {
    match checked {
        Ok(v) => match v.problems.first() {
            Some(p) => Err(p.message.clone()),
            None => Ok(v),
        },
        Err(e) => Err(e.to_string()),
    }
}

/// Copies the database into `copy` with the online backup API, and verifies the copy.
fn copy_and_verify(store: &Store, copy: &Path, shown: &str) -> Result<Copied> {
    let mut dest = rusqlite::Connection::open(copy).context(|| format!("creating {shown}"))?;
    rusqlite::backup::Backup::new(store.conn(), &mut dest)
        .and_then(|b| b.run_to_completion(256, Duration::from_millis(5), None))
        .context(|| format!("copying to {shown}"))
        .map_err(|e| store::disk_full(&dest, e))?;
    drop(dest);
    match first_trouble(integrity::verify_database(&Store::open(copy, Open::Inspect)?)) {
        Ok(verdict) => Ok(Copied::Sound(verdict)),
        Err(why) if first_trouble(integrity::verify_database(store)).err().as_ref() == Some(&why) => {
            Ok(Copied::AsItIs(why))
        }
        Err(why) => Err(Error::input(format!("the copy for {shown} does not verify: {why}; nothing was kept"))),
    }
}

pub fn run(ctx: &Ctx, a: Args) -> Result<()> {
    ctx.no_format("backup")?;
    let shown = a.file.display();
    // Not even a symbolic link: SQLite would write the copy wherever it points.
    if a.file.symlink_metadata().is_ok() {
        return Err(Error::input(format!("{shown} already exists; give a new file name (backup never overwrites)")));
    }
    let store = ctx.open_for_read()?;
    let tmp = output::beside(&a.file, "claimtrack-backup")?;
    let copied = copy_and_verify(&store, tmp.path(), &shown.to_string());
    if copied.is_err() {
        // SQLite's own files beside the copy, left when the copy failed part way.
        for suffix in ["-journal", "-wal", "-shm"] {
            let mut side = tmp.path().as_os_str().to_owned();
            side.push(suffix);
            let _ = std::fs::remove_file(side);
        }
    }
    let verdict = copied?;
    tmp.as_file().sync_all().context(|| format!("writing {shown}"))?;
    // Given its name only if the name is still free (a hard link never follows a link).
    tmp.persist_noclobber(&a.file).map_err(|e| match e.error.kind() {
        std::io::ErrorKind::AlreadyExists => {
            Error::input(format!("{shown} already exists; give a new file name (backup never overwrites)"))
        }
        _ => Error::Io { context: format!("writing {shown}"), source: e.error },
    })?;
    output::line(&shown)?;
    match verdict {
        Copied::Sound(v) => {
            ctx.say(format!("backed up to {shown}: {} events, {} records, verified sound", v.events, v.records))
        }
        Copied::AsItIs(why) => eprintln!(
            "warning: backed up to {shown} as it is, but the database itself does not verify: {why}; run `claimtrack verify` to see all of it"
        ),
    }
    Ok(())
}
