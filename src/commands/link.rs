//! `claimtrack link`: relate two claims (contradicts, supports, cites, supersedes).

use super::{add, Ctx, DATA_FORMATS};
use crate::error::Result;
use crate::model::{Bundle, Link, LinkRel, Logged};
use crate::{output, store};
use clap::Subcommand;

#[derive(Subcommand)]
pub enum Command {
    /// Link one claim to another
    #[command(after_help = "Example:\n  claimtrack link add c-mfa-denies contradicts c-officials-affirm")]
    Add {
        /// The claim the relation starts from
        from: String,
        /// contradicts, supports, cites or supersedes
        rel: LinkRel,
        /// The claim it points at
        to: String,
    },
    /// List links
    #[command(after_help = "Example:\n  claimtrack link list --format csv")]
    List,
}

pub fn run(ctx: &Ctx, command: Command) -> Result<()> {
    match command {
        Command::Add { from, rel, to } => {
            let link = Link { from, rel, to, logged_by: None, recorded: None };
            add(ctx, "link add", Bundle { links: vec![link], ..Bundle::default() }, Link::KIND)
        }
        Command::List => {
            let format = ctx.format("link list", DATA_FORMATS)?;
            let store = ctx.open_for_read()?;
            let links = store::links(store.conn())?;
            output::list(
                &links,
                format,
                &["from", "rel", "to", "logged_by", "recorded"],
                Link::FIELDS,
                ctx.table_width(),
            )
        }
    }
}
