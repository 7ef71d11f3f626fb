//! `claimtrack clone URL [FILE]`: a new local replica holding everything on a desk.

use super::Ctx;
use crate::desk::{self, Desk};
use crate::error::{Error, Result};
use std::path::PathBuf;

/// Make a new local replica of a desk: a claimtrack database holding everything on it, that
/// remembers the desk, so that `claimtrack sync` keeps the two in step. The replica's user
/// is the desk role it connects as: everything logged in it is logged as that role
/// (CLAIMTRACK_USER does not apply). Every command works on it, offline
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  claimtrack clone postgres://maria@desk.example.org/newsdesk story.db\n  PGPASSWORD=... claimtrack clone 'postgres://maria@desk.example.org/newsdesk?sslmode=require'"
)]
pub struct Args {
    /// The desk, as a PostgreSQL URL (postgres://USER@HOST/DB; ?sslmode=require for TLS)
    url: String,
    /// The new replica [default: --db, else claimtrack.db]
    file: Option<PathBuf>,
}

pub fn run(ctx: &Ctx, a: Args) -> Result<()> {
    ctx.no_format("clone")?;
    let path = a.file.unwrap_or_else(|| ctx.db.clone());
    if path.exists() {
        return Err(Error::input(format!(
            "{} exists; clone makes a new replica: name a new file, or run `claimtrack sync` in the replica you have",
            path.display()
        )));
    }
    let mut desk = Desk::connect(&a.url)?;
    crate::clock::act_as(&desk.user);
    let here = Ctx { db: path.clone(), db_on_command_line: true, format: None, quiet: ctx.quiet, width: ctx.width };
    let moved = here.write(false, |tx| desk::clone_into(tx, &mut desk))?;
    super::report_problems(ctx, &moved);
    ctx.say(format!(
        "cloned {} into {}: {}{}; it syncs as {}",
        desk.url,
        path.display(),
        desk::entry::in_words(&moved.counts),
        super::from_people(&moved),
        desk.user
    ));
    Ok(())
}
