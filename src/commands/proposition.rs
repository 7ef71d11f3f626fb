//! `claimtrack proposition` (alias `prop`): add, list and show the matters in question, and
//! merge one worded two ways.

use super::{add, list_records, show_record, Ctx};
use crate::error::{Error, Result};
use crate::model::{Bundle, Correction, Logged, Proposition, Record, RecordKind};
use crate::store::{self, Refs, Writer};
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
    /// Merge a proposition into another worded differently: from now on its claims,
    /// requests, verdicts and expected parties count toward the other in every reading (an
    /// affirmation on one and a denial on the other are a conflict). A correction of the
    /// proposition, in its history and the other's; `--known-at` before it reads the two
    /// apart; `proposition unmerge` undoes it
    #[command(
        after_help = "Example:\n  claimtrack proposition merge cn-specialists-kupol --into p-experts-helped-kupol \\\n      --reason \"Same matter: Reuters' wording and ours\""
    )]
    Merge {
        /// The proposition merged away
        id: String,
        /// The proposition it counts toward from now on
        #[arg(long, value_name = "PROP")]
        into: String,
        /// Why they are one matter (kept in the history)
        #[arg(long)]
        reason: String,
    },
    /// Undo a merge: the proposition is read on its own again (a new correction; the merge
    /// stays in the history)
    #[command(
        after_help = "Example:\n  claimtrack proposition unmerge cn-specialists-kupol --reason \"Different matters after all\""
    )]
    Unmerge {
        /// The merged proposition
        id: String,
        /// Why they are not one matter
        #[arg(long)]
        reason: String,
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
                merged_into: None,
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
        Command::Merge { id, into, reason } => merge(ctx, &id, Some(into), reason),
        Command::Unmerge { id, reason } => merge(ctx, &id, None, reason),
    }
}

/// Merges `id` into `into`, or with `None` undoes its merge: a correction of its
/// `merged_into`, through the same checks as `claimtrack correct`.
fn merge(ctx: &Ctx, id: &str, into: Option<String>, reason: String) -> Result<()> {
    ctx.no_format(if into.is_some() { "proposition merge" } else { "proposition unmerge" })?;
    let locate = |field: &str| if field == "merged_into" { "--into".to_string() } else { field.to_string() };
    let (id, was) = ctx.write(false, |tx| {
        let mut writer = Writer::new(tx, "correct", Refs::IdsOrNames)?;
        let (_, id) = writer.correction_target(id, Some(RecordKind::Proposition), &locate)?;
        let was = store::proposition(tx, &id)?.and_then(|p| p.merged_into);
        let mut into = into.clone();
        if let Some(target) = &mut into {
            *target = store::resolve(tx, RecordKind::Proposition, target, "--into")?;
        }
        match (&was, &into) {
            (None, None) => {
                return Err(Error::input(format!("{id} is not merged into any proposition; nothing to undo")))
            }
            (Some(w), Some(i)) if w == i => {
                return Err(Error::input(format!("{id} is already merged into {w}; nothing written")))
            }
            _ => {}
        }
        let mut set = serde_json::Map::new();
        set.insert("merged_into".into(), into.map_or(serde_json::Value::Null, serde_json::Value::String));
        let correction = Correction {
            target: id.clone(),
            kind: Some(RecordKind::Proposition),
            set,
            add: serde_json::Map::new(),
            remove: serde_json::Map::new(),
            reason,
            logged_by: None,
            recorded: None,
        };
        writer.add(Record::Correction(correction), &locate)?;
        writer.finish()?;
        Ok((id, was))
    })?;
    println!("{id}");
    match (into, was) {
        (Some(into), _) => ctx.say(format!(
            "merged {id} into {into}: its claims, requests, verdicts and expected parties count toward {into} from now on (undo: claimtrack proposition unmerge {id} --reason WHY)"
        )),
        (None, Some(was)) => ctx.say(format!("unmerged {id} from {was}: it is read on its own again")),
        (None, None) => {}
    }
    Ok(())
}
