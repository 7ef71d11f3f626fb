//! `claimtrack proposition` (alias `prop`): add, list and show the matters in question.

use super::{add, list_records, show_record, Ctx};
use crate::error::Result;
use crate::model::{Bundle, Logged, Proposition};
use crate::store;
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
    /// A note or caveat about the proposition, shown in reports
    #[arg(long)]
    note: Option<String>,
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
                note: a.note,
                logged_by: None,
                recorded: None,
            };
            add(
                ctx,
                "proposition add",
                Bundle { propositions: vec![proposition], ..Bundle::default() },
                Proposition::KIND,
            )
        }
        Command::List { tag } => {
            list_records(ctx, store::propositions, |p| tag.as_ref().is_none_or(|t| p.tags.contains(t)), COLUMNS)
        }
        Command::Show { id } => show_record(ctx, &id, store::proposition),
    }
}
