//! `claimtrack party`: add, list and show the parties who speak or are expected to.

use super::{add, list_records, show_record, Ctx};
use crate::error::Result;
use crate::model::{Bundle, Country, Logged, Party, PartyKind};
use crate::store;
use clap::Subcommand;

#[derive(Subcommand)]
pub enum Command {
    /// Add a party
    #[command(
        after_help = "Example:\n  claimtrack party add china-mfa --name \"China's foreign ministry\" --kind government --country CN --parent china-gov"
    )]
    Add(AddArgs),
    /// List parties
    #[command(after_help = "Example:\n  claimtrack party list --kind media --format csv")]
    List {
        /// Only parties of this kind
        #[arg(long)]
        kind: Option<PartyKind>,
    },
    /// Show one party
    #[command(after_help = "Example:\n  claimtrack party show china-mfa")]
    Show {
        /// The party's id
        id: String,
    },
}

#[derive(clap::Args)]
pub struct AddArgs {
    /// A short handle, e.g. china-mfa
    id: String,
    /// The party's name as the story gives it
    #[arg(long)]
    name: String,
    /// What sort of party it is
    #[arg(long)]
    kind: PartyKind,
    /// The party is unnamed ("European security officials")
    #[arg(long)]
    anonymous: bool,
    /// ISO 3166 alpha-2 country code
    #[arg(long)]
    country: Option<Country>,
    /// The party it sits under (a ministry under its government)
    #[arg(long)]
    parent: Option<String>,
    /// Another name it goes by (repeat for more)
    #[arg(long = "alias", value_name = "ALIAS")]
    aliases: Vec<String>,
    /// A note or caveat about the party, shown in reports
    #[arg(long)]
    note: Option<String>,
}

const COLUMNS: &[&str] = &["id", "name", "kind", "anonymous", "country", "parent", "aliases"];

pub fn run(ctx: &Ctx, command: Command) -> Result<()> {
    match command {
        Command::Add(a) => {
            let party = Party {
                id: a.id,
                name: a.name,
                kind: a.kind,
                anonymous: a.anonymous,
                country: a.country,
                parent: a.parent,
                aliases: a.aliases,
                note: a.note,
                logged_by: None,
                recorded: None,
            };
            add(ctx, "party add", Bundle { parties: vec![party], ..Bundle::default() }, Party::KIND)
        }
        Command::List { kind } => list_records(ctx, store::parties, |p| kind.is_none_or(|k| p.kind == k), COLUMNS),
        Command::Show { id } => show_record(ctx, &id, store::party),
    }
}
