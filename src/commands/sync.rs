//! `claimtrack sync`, `push` and `pull`: a replica and its desk brought in step, in words.

use super::{from_people, report_problems, Ctx};
use crate::desk::{self, entry::in_words, Desk};
use crate::error::{Error, Result};
use crate::store::replica::{self, Replica};
use crate::store::Store;

#[derive(clap::Args)]
pub struct Args {
    /// Say what would move, and move nothing
    #[arg(long)]
    dry_run: bool,
}

/// Which way.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Way {
    Sync,
    Push,
    Pull,
}

/// The replica, its desk row, and the desk as the replica's owner; or the error for a
/// database that is no replica, or a connection as someone else. The role the owner has on
/// the desk now is noted in the replica (unless `dry_run`): what it may write from here on.
pub fn open(ctx: &Ctx, dry_run: bool) -> Result<(Store, Replica, Desk)> {
    let mut store = ctx.open_to_write()?;
    let mut r = super::replica_of(&store)?;
    let mut desk = Desk::connect(&r.url)?;
    if desk.user != r.user {
        return Err(Error::input(format!(
            "this replica is {}'s, but the desk took this connection as {}; connect as {} (PGUSER, or the URL's user)",
            r.user, desk.user, r.user
        )));
    }
    desk.check_is_desk()?;
    let role = desk.role()?;
    if role != r.role && !dry_run {
        store.write(false, |tx| replica::note_role(tx, role))?;
    }
    r.role = role;
    Ok((store, r, desk))
}

pub fn run(ctx: &Ctx, a: Args, way: Way) -> Result<()> {
    let name = match way {
        Way::Sync => "sync",
        Way::Push => "push",
        Way::Pull => "pull",
    };
    ctx.no_format(name)?;
    let (mut store, r, mut desk) = open(ctx, a.dry_run)?;
    let pushed = match way {
        Way::Pull => None,
        _ => Some(desk::push(&mut store, &r, &mut desk, a.dry_run)?.moved),
    };
    let pulled = match way {
        Way::Push => None,
        // A push noted how far it got: the pull reads the replica again.
        _ => {
            let r = Replica { role: r.role, ..super::replica_of(&store)? };
            Some(desk::pull(&mut store, &r, &mut desk, a.dry_run)?)
        }
    };
    if !a.dry_run {
        let now = crate::date::Timestamp::now().to_string();
        store.write(false, |tx| replica::note_sync(tx, &now))?;
        // Findings are the replica's own reading of the shared record: a replica that keeps
        // them reads again what the pull touched, so replicas in step show the same ones.
        let moved = pulled.as_ref().is_some_and(|m| m.total() > 0);
        if moved && store.read(crate::store::last_reconcile_event)? > 0 {
            crate::analysis::reconcile(&mut store, false, crate::analysis::Show::Changes(Some(0)), &mut |_, _| {})?;
        }
    }
    let (push_verb, pull_verb) = if a.dry_run { ("would push", "would pull") } else { ("pushed", "pulled") };
    let mut said = Vec::new();
    if let Some(m) = &pushed {
        report_problems(ctx, m);
        said.push(format!("{push_verb} {}", in_words(&m.counts)));
    }
    if let Some(m) = &pulled {
        report_problems(ctx, m);
        said.push(format!("{pull_verb} {}{}", in_words(&m.counts), from_people(m)));
    }
    ctx.say(format!("{}{}", said.join("; "), if a.dry_run { " (dry run: nothing moved)" } else { "" }));
    Ok(())
}
