//! `claimtrack desk init|add|status`: create a desk in PostgreSQL, add people to it, and see
//! how a replica stands against it (docs/DESK.md).

use super::Ctx;
use crate::desk::{self, Desk, Role};
use crate::error::Result;
use crate::output::{self, Format};
use crate::store::replica;
use clap::Subcommand;

#[derive(Subcommand)]
pub enum Command {
    /// Create the desk in an empty PostgreSQL database: its log, and the group roles
    /// claimtrack_viewer, claimtrack_logger and claimtrack_editor with their rights.
    /// Run again, it changes nothing (or brings an older desk up to date); a database that
    /// holds other tables is refused
    #[command(after_help = "Examples:\n  claimtrack desk init postgres://admin@desk.example.org/newsdesk")]
    Init(InitArgs),
    /// Add a person to the desk: creates the login role USER (or takes the existing one) and
    /// makes it a member of exactly one group. Passwords and pg_hba.conf stay PostgreSQL's:
    /// set one with `ALTER ROLE USER PASSWORD '...'` in psql
    #[command(
        after_help = "Examples:\n  claimtrack desk add maria --role logger postgres://admin@desk.example.org/newsdesk\n  claimtrack desk add ed --role editor postgres://admin@desk.example.org/newsdesk"
    )]
    Add(AddArgs),
    /// How this replica stands against its desk: what it would push and pull, when it last
    /// synced, the conflicts waiting for you
    #[command(after_help = "Examples:\n  claimtrack desk status\n  claimtrack desk status --format json")]
    Status(StatusArgs),
}

#[derive(clap::Args)]
pub struct InitArgs {
    /// The PostgreSQL database, as a URL (postgres://USER@HOST/DB; add ?sslmode=require for TLS)
    url: String,
}

/// The role a person gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum RoleName {
    /// Reads the desk: clone, pull
    Viewer,
    /// Viewer, and pushes records and corrections of their own
    Logger,
    /// Logger, and pushes triage, verdicts, settings, retractions, any correction
    Editor,
}

#[derive(clap::Args)]
pub struct AddArgs {
    /// The PostgreSQL role (the person's login name)
    user: String,
    /// What the person may do on the desk
    #[arg(long, value_enum)]
    role: RoleName,
    /// The desk's database, connected to as its admin
    url: String,
}

#[derive(clap::Args)]
pub struct StatusArgs {}

pub fn run(ctx: &Ctx, c: Command) -> Result<()> {
    match c {
        Command::Init(a) => {
            ctx.no_format("desk init")?;
            let done = desk::init(&a.url)?;
            let shown = desk::without_password(&a.url);
            match (done.from, done.to) {
                (0, to) => ctx.say(format!("created the desk at {shown} (desk version {to}); add people with `claimtrack desk add USER --role logger|editor|viewer {shown}`")),
                (from, to) if from == to => ctx.say(format!("the desk at {shown} is already there (desk version {to}); nothing changed")),
                (from, to) => ctx.say(format!("brought the desk at {shown} from version {from} to {to}")),
            }
            Ok(())
        }
        Command::Add(a) => {
            ctx.no_format("desk add")?;
            let role = match a.role {
                RoleName::Viewer => Role::Viewer,
                RoleName::Logger => Role::Logger,
                RoleName::Editor => Role::Editor,
            };
            let created = desk::add_person(&a.url, &a.user, role)?;
            ctx.say(if created {
                format!(
                    "added {} as a {}; set a password with ALTER ROLE ... PASSWORD in psql, and allow it in pg_hba.conf",
                    a.user,
                    role.group()
                )
            } else {
                format!("made {} a {} (the role was there already; it is in no other claimtrack group now)", a.user, role.group())
            });
            Ok(())
        }
        Command::Status(_) => status(ctx),
    }
}

/// How a replica stands, as `desk status` prints it.
#[derive(serde::Serialize)]
struct Status {
    desk: String,
    user: String,
    role: Option<String>,
    reachable: bool,
    ahead: i64,
    behind: Option<i64>,
    last_sync: Option<String>,
    conflicts: Vec<replica::Conflict>,
}

fn status(ctx: &Ctx) -> Result<()> {
    let format = ctx.format("desk status", &[Format::Table, Format::Json])?;
    let store = ctx.open_for_read()?;
    let r = super::replica_of(&store)?;
    let ahead = desk::ahead(&store, r.pushed)?;
    let conflicts = store.read(replica::conflicts)?;
    let (reachable, role, behind) = match Desk::connect(&r.url).and_then(|mut d| {
        d.check_is_desk()?;
        let role = d.role()?;
        let behind = desk::behind(&mut d, r.pulled)?;
        Ok((role, behind))
    }) {
        Ok((role, behind)) => (true, role.map(|r| r.group().to_string()), Some(behind)),
        Err(e) => {
            ctx.say(format!("warning: {e}"));
            (false, None, None)
        }
    };
    let s = Status { desk: r.url, user: r.user, role, reachable, ahead, behind, last_sync: r.last_sync, conflicts };
    if format == Format::Json {
        return output::json(&mut std::io::stdout().lock(), &s);
    }
    println!("desk: {}", s.desk);
    println!("you: {}{}", s.user, s.role.as_ref().map(|r| format!(" ({r})")).unwrap_or_default());
    println!("ahead: {} local write{} to push", s.ahead, if s.ahead == 1 { "" } else { "s" });
    match s.behind {
        Some(n) => println!("behind: {n} desk entr{} to pull", if n == 1 { "y" } else { "ies" }),
        None => println!("behind: unknown (the desk cannot be reached)"),
    }
    println!("last sync: {}", s.last_sync.as_deref().unwrap_or("never"));
    println!("conflicts: {}", s.conflicts.len());
    for c in &s.conflicts {
        println!("{}", super::conflict_line(c));
    }
    Ok(())
}
