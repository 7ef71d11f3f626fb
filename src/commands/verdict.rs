//! `claimtrack verdict`: an editor's verdict on a proposition, exported as ClaimReview.

use super::{add, chosen_propositions, resolve_flag, Ctx, DATA_FORMATS};
use crate::date::Date;
use crate::error::Result;
use crate::model::{content_id, Bundle, Logged, Rating, RecordKind, Verdict};
use crate::{output, store};
use clap::Subcommand;

#[derive(Subcommand)]
pub enum Command {
    /// Record a verdict on a proposition (the latest one stands; earlier ones stay as history)
    #[command(
        after_help = "Example:\n  claimtrack verdict set p-experts-helped-kupol --rating 3 --best 5 --worst 1 \\\n      --label \"Unproven\" --explanation \"Rests on one set of documents\" --url https://example.org/fc/1 \\\n      --claimant eu-security-officials"
    )]
    Set(SetArgs),
    /// List verdicts, oldest first
    #[command(after_help = "Example:\n  claimtrack verdict list --prop p-experts-helped-kupol")]
    List {
        /// Only verdicts on this proposition
        #[arg(long)]
        prop: Option<String>,
    },
    /// Show the verdict that stands on a proposition
    #[command(after_help = "Example:\n  claimtrack verdict show p-experts-helped-kupol")]
    Show {
        /// The proposition's id
        prop: String,
    },
}

#[derive(clap::Args)]
pub struct SetArgs {
    /// The proposition judged
    prop: String,
    /// The rating on your organisation's scale
    #[arg(long, allow_negative_numbers = true)]
    rating: Rating,
    /// The best rating on the scale
    #[arg(long, allow_negative_numbers = true)]
    best: Rating,
    /// The worst rating on the scale
    #[arg(long, allow_negative_numbers = true)]
    worst: Rating,
    /// The rating in words ("False", "Misleading")
    #[arg(long)]
    label: String,
    /// Why: the verdict's reasoning in a sentence or two
    #[arg(long)]
    explanation: Option<String>,
    /// Where the fact-check is published
    #[arg(long)]
    url: Option<String>,
    /// Who reviewed it [default: you]
    #[arg(long)]
    reviewer: Option<String>,
    /// When the fact-check was published [default: today]
    #[arg(long)]
    published: Option<Date>,
    /// The party whose claim is reviewed (id or name), named as the claim's author in the
    /// ClaimReview export [default: the earliest party whose affirming claim stands]
    #[arg(long)]
    claimant: Option<String>,
}

const COLUMNS: &[&str] =
    &["id", "proposition", "rating", "best", "worst", "label", "reviewer", "published", "recorded"];

pub fn run(ctx: &Ctx, command: Command) -> Result<()> {
    match command {
        Command::Set(a) => {
            let mut verdict = Verdict {
                id: None,
                proposition: a.prop,
                rating: a.rating,
                best: a.best,
                worst: a.worst,
                label: a.label,
                explanation: a.explanation,
                url: a.url,
                reviewer: a.reviewer,
                published: Some(a.published.unwrap_or_else(Date::today)),
                claimant: a.claimant,
                logged_by: None,
                recorded: None,
            };
            // Setting the verdict that already stands changes nothing; any other is a new
            // verdict, even one going back to an earlier ruling: its id covers the verdict it
            // replaces (imports keep plain content ids).
            let standing = match ctx.db.exists() {
                true => store::verdicts(ctx.open_for_read()?.conn())?
                    .into_iter()
                    .rfind(|v| v.proposition == verdict.proposition),
                false => None,
            };
            let content = |v: &Verdict| Verdict { id: None, logged_by: None, recorded: None, ..v.clone() };
            if let Some(s) = standing.as_ref().filter(|s| content(s) == verdict) {
                let id = s.id.clone().unwrap_or_default();
                output::line(&id)?;
                ctx.say(format!("verdict {id} is already logged and stands; nothing written"));
                return Ok(());
            }
            verdict.id = Some(content_id("v-", &(&verdict, standing.and_then(|s| s.id))));
            add(ctx, "verdict set", Bundle { verdicts: vec![verdict], ..Bundle::default() }, Verdict::KIND)
        }
        Command::List { prop } => {
            let format = ctx.format("verdict list", DATA_FORMATS)?;
            let store = ctx.open_for_read()?;
            let prop = resolve_flag(&store, RecordKind::Proposition, "--prop", prop)?;
            let mut verdicts = store::verdicts(store.conn())?;
            verdicts.retain(|v| prop.as_ref().is_none_or(|p| v.proposition == *p));
            output::list(&verdicts, format, COLUMNS, Verdict::FIELDS, ctx.table_width())
        }
        Command::Show { prop } => {
            let format = ctx.format("verdict show", DATA_FORMATS)?;
            let store = ctx.open_for_read()?;
            let prop = chosen_propositions(&store, "PROP", &[prop])?.remove(0);
            let standing = store::verdicts(store.conn())?.into_iter().rfind(|v| v.proposition == prop);
            match standing {
                Some(v) => output::show(&v, format, Verdict::FIELDS, ctx.table_width()),
                None => Err(crate::error::Error::input(format!(
                    "no verdict on '{prop}' yet; set one with `claimtrack verdict set {prop} --rating ... --best ... --worst ... --label ...`"
                ))),
            }
        }
    }
}
