//! `claimtrack proposition` (alias `prop`): add, list and show the matters in question.

use super::{add, not_found, Ctx, DATA_FORMATS};
use crate::error::Result;
use crate::model::{Bundle, Logged, Proposition};
use crate::{output, store};
use clap::Subcommand;

#[derive(Subcommand)]
pub enum Command {
    /// Add a proposition
    #[command(
        after_help = "Example:\n  claimtrack prop add experts-helped --text \"Chinese experts helped IEMZ Kupol develop drones\" \\\n      --tag china --expect china-mfa --expect kremlin"
    )]
    Add(AddArgs),
    /// List propositions
    #[command(after_help = "Example:\n  claimtrack prop list --tag drones")]
    List {
        /// Only propositions with this tag
        #[arg(long)]
        tag: Option<String>,
    },
    /// Show one proposition
    #[command(after_help = "Example:\n  claimtrack prop show experts-helped")]
    Show {
        /// The proposition's id
        id: String,
    },
}

#[derive(clap::Args)]
pub struct AddArgs {
    /// A short handle, e.g. experts-helped
    id: String,
    /// The matter, stated once and neutrally
    #[arg(long)]
    text: String,
    /// A tag (repeat for more)
    #[arg(long = "tag", value_name = "TAG")]
    tags: Vec<String>,
    /// A party from whom a stance is expected (repeat for more)
    #[arg(long = "expect", value_name = "PARTY")]
    expected: Vec<String>,
}

const COLUMNS: &[&str] = &["id", "text", "tags", "expected"];

pub fn run(ctx: &Ctx, command: Command) -> Result<()> {
    match command {
        Command::Add(a) => {
            let proposition = Proposition {
                id: a.id,
                text: a.text,
                tags: a.tags,
                expected: a.expected,
                logged_by: None,
                recorded: None,
            };
            add(ctx, Bundle { propositions: vec![proposition], ..Bundle::default() }, Proposition::KIND).map(drop)
        }
        Command::List { tag } => {
            let format = ctx.format("proposition list", DATA_FORMATS)?;
            let store = ctx.open_for_read()?;
            let mut props = store::propositions(store.conn())?;
            props.retain(|p| tag.as_ref().is_none_or(|t| p.tags.contains(t)));
            output::list(&props, format, COLUMNS, Proposition::FIELDS)
        }
        Command::Show { id } => {
            let format = ctx.format("proposition show", DATA_FORMATS)?;
            let store = ctx.open_for_read()?;
            let prop =
                store::proposition(store.conn(), &id)?.ok_or_else(|| not_found(&store, Proposition::KIND, &id))?;
            output::show(&prop, format, Proposition::FIELDS)
        }
    }
}
