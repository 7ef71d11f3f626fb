//! `claimtrack claim`: log, list and show claims; on a terminal, `claim add` asks for what
//! its flags leave out.

use super::{add, not_found, resolve_flag, Ctx, DATA_FORMATS};
use crate::date::{Date, When};
use crate::error::{Error, Result};
use crate::model::{Bundle, Claim, ClaimRow, Confidence, Grade, Logged, RecordKind, Stance};
use crate::prompt::Choice;
use crate::store::{self, ClaimFilter};
use crate::{output, prompt};
use clap::Subcommand;

#[derive(Subcommand)]
pub enum Command {
    /// Log a claim: one party's stance on one proposition in one source
    ///
    /// Parties, propositions and sources may be given by id, or by name or alias, title or
    /// text (case and accents ignored). On a terminal, leave out --prop, --party, --stance or
    /// --source to be asked for each field in turn, choosing among what is logged by typing
    /// part of it; the claim is shown for you to confirm before it is written. Off a terminal
    /// nothing is asked and those four flags are required.
    #[command(
        after_help = "Examples:\n  claimtrack claim add --prop experts-helped --party china-mfa --stance denies \\\n      --source reuters-report --via reuters --stated 2025-09-25 \\\n      --quote \"neutral and fair position\" --confidence 0.8\n  claimtrack claim add --party \"China's foreign ministry\" --prop experts-helped --stance denies --source reuters-report\n  claimtrack claim add        # on a terminal: asks for each field"
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
    #[arg(long, required = true)]
    prop: Option<String>,
    /// The party whose stance it is
    #[arg(long, required = true, value_name = "PARTY")]
    party: Option<String>,
    /// affirms, denies, qualifies, neutral (reports it without taking a side), declined (to
    /// comment), no-response (did not answer)
    #[arg(long, required = true)]
    stance: Option<Stance>,
    /// The source you read it in
    #[arg(long, required = true)]
    source: Option<String>,
    /// A source its content comes from, when not simply the one it was read in: the
    /// statement a report quotes, the documents it rests on (repeat for more)
    #[arg(long = "basis", value_name = "SOURCE")]
    basis: Vec<String>,
    /// The party that relayed it (e.g. the outlet quoting anonymous officials)
    #[arg(long, value_name = "PARTY")]
    via: Option<String>,
    /// When the party said it (YYYY, YYYY-MM, YYYY-MM-DD or RFC 3339)
    #[arg(long)]
    stated: Option<Date>,
    /// The party's words, verbatim
    #[arg(long)]
    quote: Option<String>,
    /// A note or caveat about the claim, shown in reports
    #[arg(long)]
    note: Option<String>,
    /// Attribution confidence: how sure you are that the party made this claim as logged,
    /// 0 to 1 (not how likely the claim is to be true)
    #[arg(long, allow_negative_numbers = true)]
    confidence: Option<Confidence>,
    /// Your own Admiralty credibility grade for the claim, 1 (confirmed) to 6 (cannot be judged)
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
    /// Only claims with this stance
    #[arg(long)]
    stance: Option<Stance>,
    /// Only claims found in this source
    #[arg(long)]
    source: Option<String>,
    /// Only claims dated on or after this date (an undated claim counts from the day it was
    /// logged); also today, yesterday, a weekday, 3d...
    #[arg(long, value_name = "WHEN")]
    since: Option<When>,
    /// Only claims dated on or before this date
    #[arg(long, value_name = "WHEN")]
    until: Option<When>,
}

impl AddArgs {
    /// The claim, given the four fields it cannot do without.
    fn claim(self, proposition: String, party: String, stance: Stance, source: String) -> Claim {
        Claim {
            id: self.id,
            proposition,
            party,
            stance,
            source,
            basis: self.basis,
            via: self.via,
            stated: self.stated,
            quote: self.quote,
            note: self.note,
            confidence: self.confidence,
            grade: self.grade,
            logged_by: None,
            recorded: None,
        }
    }
}

/// The flags `claim add` asks for on a terminal rather than requiring them (see `cli`).
pub fn asking(add: clap::Command) -> clap::Command {
    ["prop", "party", "stance", "source"].into_iter().fold(add, |c, flag| c.mut_arg(flag, |a| a.required(false)))
}

/// Asks for each field the flags left out, offering what is logged, and for a yes before
/// anything is written.
fn ask(ctx: &Ctx, mut a: AddArgs) -> Result<Claim> {
    if !prompt::on_terminal() {
        return Err(Error::Usage(
            "claim add: --prop, --party, --stance and --source are required off a terminal".into(),
        ));
    }
    let store = ctx.open_for_read()?;
    let conn = store.conn();
    let all_parties = store::parties(conn)?;
    let name_of = |id: &str| all_parties.iter().find(|p| p.id == id).map(|p| p.name.as_str());
    let choice = |id: &str, label: String, names: Vec<String>| Choice {
        label: format!("{id} · {label}"),
        names: std::iter::once(id.to_string()).chain(names).collect(),
        id: id.to_string(),
    };
    let sources: Vec<Choice> = store::sources(conn)?
        .into_iter()
        .map(|s| choice(&s.id, s.label_by(s.publisher.as_deref().and_then(name_of)), s.title.into_iter().collect()))
        .collect();
    let parties: Vec<Choice> = all_parties
        .iter()
        .map(|p| {
            let aliases = if p.aliases.is_empty() { String::new() } else { format!(" ({})", p.aliases.join(", ")) };
            let names = std::iter::once(p.name.clone()).chain(p.aliases.iter().cloned()).collect();
            choice(&p.id, format!("{}{aliases}", p.name), names)
        })
        .collect();
    let props: Vec<Choice> =
        store::propositions(conn)?.into_iter().map(|p| choice(&p.id, p.text.clone(), vec![p.text])).collect();
    let stances: Vec<Choice> =
        Stance::ALL.iter().map(|s| choice(s.as_str(), s.label().to_string(), Vec::new())).collect();
    let relays: Vec<Choice> = std::iter::once(choice("-", "nobody: the party said it directly".into(), Vec::new()))
        .chain(parties.iter().map(|p| Choice { id: p.id.clone(), label: p.label.clone(), names: p.names.clone() }))
        .collect();

    let ask = |given: Option<String>, prompt: &str, known: &[Choice], kind: RecordKind, flag: &str| match given {
        Some(text) => store::resolve(conn, kind, &text, flag),
        None => pick(prompt, known, kind.as_str()),
    };
    let source = ask(a.source.take(), "Source (the document you read)", &sources, RecordKind::Source, "--source")?;
    let party = ask(a.party.take(), "Party (whose stance it is)", &parties, RecordKind::Party, "--party")?;
    let prop = ask(a.prop.take(), "Proposition (the matter in question)", &props, RecordKind::Proposition, "--prop")?;
    let stance = match a.stance {
        Some(stance) => stance,
        None => pick("Stance", &stances, "stance")?.parse::<Stance>().map_err(Error::input)?,
    };
    a.via = match a.via.take() {
        Some(via) => Some(store::resolve(conn, RecordKind::Party, &via, "--via")?),
        None => Some(pick("Relayed by", &relays, RecordKind::Party.as_str())?).filter(|v| v != "-"),
    };
    if a.quote.is_none() {
        a.quote = prompt::value("Quote (the party's words, verbatim; Enter for none)")?;
    }
    if a.stated.is_none() {
        a.stated = prompt::value::<When>(
            "Stated on (2025-09-25, 8 Feb 2023, Feb 2023, yesterday 09:00, 15:20...; Enter if not known)",
        )?
        .map(|w| w.as_date());
    }
    if a.confidence.is_none() {
        a.confidence =
            prompt::value("Attribution confidence: how sure you are the party said this, 0 to 1 (Enter to skip)")?;
    }
    if a.grade.is_none() {
        a.grade = prompt::value("Admiralty grade, 1 (confirmed) to 6 (cannot be judged) (Enter to skip)")?;
    }
    if a.note.is_none() {
        a.note = prompt::value("Note (Enter for none)")?;
    }
    let claim = a.claim(prop, party, stance, source);
    let shown = serde_json::to_value(&claim).expect("a claim serialises");
    eprintln!("\nThe claim:");
    for (field, value) in shown.as_object().into_iter().flatten() {
        let text = value.as_str().map_or_else(|| value.to_string(), str::to_string);
        eprintln!("  {field}: {}", crate::output::visible(&text));
    }
    if !prompt::confirm("Log this claim?")? {
        return Err(prompt::aborted("claim add", "not confirmed"));
    }
    Ok(claim)
}

/// The id of the one picked from `known`.
fn pick(prompt: &str, known: &[Choice], kind: &str) -> Result<String> {
    if known.is_empty() {
        return Err(Error::input(format!(
            "claim add: no {kind} is logged yet; add one first (claimtrack {kind} add ...), or log a whole source with `claimtrack log`"
        )));
    }
    match prompt::pick(prompt, known)? {
        Some(i) => Ok(known[i].id.clone()),
        None => Err(prompt::aborted("claim add", "left with Esc")),
    }
}

const COLUMNS: &[&str] =
    &["id", "date", "proposition", "party", "stance", "source", "via", "confidence", "quote", "retracted"];
/// A claim as listed or shown: its fields as logged, then what the reading adds (`ClaimRow`).
fn list_fields() -> Vec<&'static str> {
    Claim::FIELDS.iter().chain(ClaimRow::READ_FIELDS).copied().collect()
}

pub fn run(ctx: &Ctx, command: Command) -> Result<()> {
    match command {
        Command::Add(a) => {
            let claim = match (a.prop.clone(), a.party.clone(), a.stance, a.source.clone()) {
                (Some(prop), Some(party), Some(stance), Some(source)) => a.claim(prop, party, stance, source),
                _ => ask(ctx, a)?,
            };
            add(ctx, "claim add", Bundle { claims: vec![claim], ..Bundle::default() }, Claim::KIND)
        }
        Command::List(a) => {
            let format = ctx.format("claim list", DATA_FORMATS)?;
            let store = ctx.open_for_read()?;
            let filter = ClaimFilter {
                proposition: resolve_flag(&store, RecordKind::Proposition, "--prop", a.prop)?,
                party: resolve_flag(&store, RecordKind::Party, "--party", a.party)?,
                stance: a.stance,
                source: resolve_flag(&store, RecordKind::Source, "--source", a.source)?,
                since: a.since.map(|w| w.date()),
                until: a.until.map(|w| w.date()),
            };
            let claims = store::claims(store.conn(), &filter)?;
            output::list(&claims, format, COLUMNS, &list_fields(), ctx.table_width())
        }
        Command::Show { id } => {
            let format = ctx.format("claim show", DATA_FORMATS)?;
            let store = ctx.open_for_read()?;
            let claim = store::claim(store.conn(), &id)?.ok_or_else(|| not_found(&store, Claim::KIND, &id))?;
            output::show(&claim, format, &list_fields(), ctx.table_width())
        }
    }
}
