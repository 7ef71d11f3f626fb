//! `claimtrack request`: log and list requests for comment.

use super::{add, resolve_flag, Ctx, DATA_FORMATS};
use crate::date::Date;
use crate::error::Result;
use crate::model::{Bundle, Logged, RecordKind, Request};
use crate::{output, store};
use clap::Subcommand;

#[derive(Subcommand)]
pub enum Command {
    /// Log a request for comment
    #[command(
        after_help = "Example:\n  claimtrack request add --party kremlin --prop experts-helped --by reuters \\\n      --asked 2025-09-24 --deadline 2025-09-26 --channel email"
    )]
    Add(AddArgs),
    /// List requests for comment
    #[command(after_help = "Example:\n  claimtrack request list --prop experts-helped")]
    List {
        /// Only requests about this proposition
        #[arg(long)]
        prop: Option<String>,
        /// Only requests to this party
        #[arg(long)]
        party: Option<String>,
    },
}

#[derive(clap::Args)]
pub struct AddArgs {
    /// The request's id [default: derived from its content]
    #[arg(long)]
    id: Option<String>,
    /// The party asked
    #[arg(long)]
    party: String,
    /// The proposition it was asked about
    #[arg(long)]
    prop: String,
    /// The party who asked (your newsroom, or the outlet that reports asking)
    #[arg(long)]
    by: String,
    /// When it was asked
    #[arg(long)]
    asked: Option<Date>,
    /// When an answer is due
    #[arg(long)]
    deadline: Option<Date>,
    /// email, phone, in person, ...
    #[arg(long)]
    channel: Option<String>,
    /// A note on the request (its scope, who was reached), shown in reports
    #[arg(long)]
    note: Option<String>,
}

const COLUMNS: &[&str] = &["id", "party", "proposition", "by", "asked", "deadline", "channel", "note"];

pub fn run(ctx: &Ctx, command: Command) -> Result<()> {
    match command {
        Command::Add(a) => {
            let request = Request {
                id: a.id,
                party: a.party,
                proposition: a.prop,
                by: a.by,
                asked: a.asked,
                deadline: a.deadline,
                channel: a.channel,
                note: a.note,
                logged_by: None,
                recorded: None,
            };
            add(ctx, "request add", Bundle { requests: vec![request], ..Bundle::default() }, Request::KIND)
        }
        Command::List { prop, party } => {
            let format = ctx.format("request list", DATA_FORMATS)?;
            let store = ctx.open_for_read()?;
            let prop = resolve_flag(&store, RecordKind::Proposition, "--prop", prop)?;
            let party = resolve_flag(&store, RecordKind::Party, "--party", party)?;
            let mut requests = store::requests(store.conn())?;
            requests.retain(|q| {
                prop.as_ref().is_none_or(|p| q.proposition == *p) && party.as_ref().is_none_or(|p| q.party == *p)
            });
            output::list(&requests, format, COLUMNS, Request::FIELDS, ctx.table_width())
        }
    }
}
