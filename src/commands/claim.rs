//! `claimtrack claim`: log, list and show claims.

use super::{add, not_found, Ctx, DATA_FORMATS};
use crate::date::Date;
use crate::error::Result;
use crate::model::{Bundle, Claim, Confidence, Grade, Logged, Stance};
use crate::output;
use crate::store::{self, ClaimFilter};
use clap::Subcommand;

#[derive(Subcommand)]
pub enum Command {
    /// Log a claim: one party's stance on one proposition in one source
    #[command(
        after_help = "Example:\n  claimtrack claim add --prop experts-helped --party china-mfa --stance denies \\\n      --source reuters-report --via reuters --stated 2025-09-25 \\\n      --quote \"neutral and fair position\" --confidence 0.8"
    )]
    Add(AddArgs),
    /// List claims, oldest first
    #[command(after_help = "Example:\n  claimtrack claim list --prop experts-helped --stance denies --since 2025-09")]
    List(ListArgs),
    /// Show one claim
    #[command(after_help = "Example:\n  claimtrack claim show c-mfa-denies")]
    Show {
        /// The claim's id
        id: String,
    },
}

#[derive(clap::Args)]
pub struct AddArgs {
    /// The claim's id [default: derived from its content]
    #[arg(long)]
    id: Option<String>,
    /// The proposition the claim is about
    #[arg(long)]
    prop: String,
    /// The party whose stance it is
    #[arg(long)]
    party: String,
    /// affirms, denies, qualifies, neutral (reports it without taking a side), declined (to
    /// comment), no-response (did not answer)
    #[arg(long)]
    stance: Stance,
    /// The source it was found in
    #[arg(long)]
    source: String,
    /// The party that relayed it (e.g. the outlet quoting anonymous officials)
    #[arg(long)]
    via: Option<String>,
    /// When the party said it (YYYY, YYYY-MM, YYYY-MM-DD or RFC 3339)
    #[arg(long)]
    stated: Option<Date>,
    /// The party's words, verbatim
    #[arg(long)]
    quote: Option<String>,
    #[arg(long)]
    note: Option<String>,
    /// How sure you are the party holds this stance, 0 to 1
    #[arg(long, allow_negative_numbers = true)]
    confidence: Option<Confidence>,
    /// Admiralty information credibility, 1 (confirmed) to 6 (cannot be judged)
    #[arg(long, allow_negative_numbers = true)]
    grade: Option<Grade>,
}

#[derive(clap::Args)]
pub struct ListArgs {
    /// Only claims on this proposition
    #[arg(long)]
    prop: Option<String>,
    /// Only claims by this party
    #[arg(long)]
    party: Option<String>,
    #[arg(long)]
    stance: Option<Stance>,
    /// Only claims found in this source
    #[arg(long)]
    source: Option<String>,
    /// Only claims dated on or after this date
    #[arg(long)]
    since: Option<Date>,
    /// Only claims dated on or before this date
    #[arg(long)]
    until: Option<Date>,
}

const COLUMNS: &[&str] =
    &["id", "date", "proposition", "party", "stance", "source", "via", "confidence", "quote", "retracted"];
const LIST_FIELDS: &[&str] = &[
    "id",
    "proposition",
    "party",
    "stance",
    "source",
    "via",
    "stated",
    "quote",
    "note",
    "confidence",
    "grade",
    "logged_by",
    "recorded",
    "date",
    "retracted",
];

pub fn run(ctx: &Ctx, command: Command) -> Result<()> {
    match command {
        Command::Add(a) => {
            let claim = Claim {
                id: a.id,
                proposition: a.prop,
                party: a.party,
                stance: a.stance,
                source: a.source,
                via: a.via,
                stated: a.stated,
                quote: a.quote,
                note: a.note,
                confidence: a.confidence,
                grade: a.grade,
                logged_by: None,
                recorded: None,
            };
            add(ctx, Bundle { claims: vec![claim], ..Bundle::default() }, Claim::KIND).map(drop)
        }
        Command::List(a) => {
            let format = ctx.format("claim list", DATA_FORMATS)?;
            let store = ctx.open_for_read()?;
            let filter = ClaimFilter {
                proposition: a.prop,
                party: a.party,
                stance: a.stance,
                source: a.source,
                since: a.since,
                until: a.until,
            };
            let claims = store::claims(store.conn(), &filter)?;
            output::list(&claims, format, COLUMNS, LIST_FIELDS)
        }
        Command::Show { id } => {
            let format = ctx.format("claim show", DATA_FORMATS)?;
            let store = ctx.open_for_read()?;
            let claim = store::claim(store.conn(), &id)?.ok_or_else(|| not_found(&store, Claim::KIND, &id))?;
            output::show(&claim, format, LIST_FIELDS)
        }
    }
}
