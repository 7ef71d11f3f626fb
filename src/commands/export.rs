//! `claimtrack export`: the whole database as a bundle, or in the formats others read.

use super::Ctx;
use crate::date::Date;
use crate::error::{Error, Result};
use crate::export::{claimreview, prov};
use crate::interchange::write;
use crate::model::{Claim, Finding, Logged, Party, RecordKind, Source, Story};
use crate::output::{self, Format};
use crate::reconcile;
use crate::store;

/// Write every record, retracted ones included. `--format json` (the default) writes the
/// bundle (docs/FORMAT.md): exporting, importing into an empty database and exporting again
/// gives the same bytes. `jsonl` writes the same records one a line; `csv` one table
/// (`--what`); `claimreview` schema.org ClaimReview JSON-LD for propositions with a verdict;
/// `prov` W3C PROV-JSON of the provenance graph.
/// Which table `export --format csv` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum What {
    Claims,
    Parties,
    Sources,
    Findings,
}

#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  claimtrack export > story.json\n  claimtrack export --format jsonl -o story.jsonl\n  claimtrack export --format csv --what claims > claims.csv\n  claimtrack export --format claimreview -o claimreview.jsonld\n  claimtrack export --format prov -o provenance.json"
)]
pub struct Args {
    #[command(flatten)]
    to: output::Destination,
    /// With --format csv: which records
    #[arg(long, value_enum)]
    what: Option<What>,
    /// With --format claimreview: write what there is even with no verdict or no
    /// organisation set, with a warning for each thing missing
    #[arg(long)]
    draft: bool,
}

const FORMATS: &[Format] = &[Format::Json, Format::Jsonl, Format::Csv, Format::Claimreview, Format::Prov];

pub fn run(ctx: &Ctx, a: Args) -> Result<()> {
    let mut format = ctx.format("export", FORMATS)?;
    if ctx.format.is_none() {
        format = a.to.output.as_deref().and_then(output::format_of).filter(|f| FORMATS.contains(f)).unwrap_or(format);
    }
    if a.draft && format != Format::Claimreview {
        return Err(Error::Usage("--draft goes with --format claimreview".into()));
    }
    if a.what.is_some() != (format == Format::Csv) {
        return Err(Error::Usage(
            "--what goes with --format csv, and --format csv needs --what claims|parties|sources|findings".into(),
        ));
    }
    let store = ctx.open_for_read()?;
    let story = store::story(store.conn())?;
    let mut out = Vec::new();
    match format {
        Format::Jsonl => write::jsonl(&mut out, store::bundle(store.conn())?)?,
        Format::Csv => match a.what.expect("checked above") {
            What::Claims => claims_csv(&mut out, store.conn(), story)?,
            What::Parties => write::records::<Party>(&mut out, &story.parties)?,
            What::Sources => write::records::<Source>(&mut out, &story.sources)?,
            What::Findings => {
                let findings = store::findings(store.conn())?;
                write::fields(&mut out, &findings, Finding::FIELDS)?
            }
        },
        Format::Claimreview => {
            let settings = store::settings(store.conn())?;
            let get = |k: &str| settings.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
            let org = claimreview::Organisation { name: get("org.name"), url: get("org.url") };
            let missing = claimreview::missing(&story, &org);
            if !a.draft {
                if let Some(first) = missing.first() {
                    return Err(Error::input(format!(
                        "nothing fit to publish: {first}{}; or give --draft to write it anyway",
                        if missing.len() > 1 { format!(" (and {} more)", missing.len() - 1) } else { String::new() }
                    )));
                }
            }
            let outcome = reconcile::reconcile(&story, Date::today(), None);
            let (doc, warnings) = claimreview::document(&story, &outcome, &org);
            for w in missing.iter().chain(&warnings) {
                ctx.say(format!("warning: {w}"));
            }
            output::json(&mut out, &doc)?
        }
        Format::Prov => output::json(&mut out, &prov::document(&story))?,
        _ => output::json(&mut out, &store::bundle(store.conn())?)?,
    }
    a.to.write(&String::from_utf8(out).expect("exports are UTF-8"), &ctx.db)?;
    if let Some(path) = &a.to.output {
        ctx.say(format!("wrote {}", path.display()));
    }
    Ok(())
}

/// Claims as CSV: each claim's fields as logged (corrected), then what became of it, so a
/// spreadsheet never shows a withdrawn or corrected claim as if it stood as first logged:
/// the retraction's date and reason, and the latest correction's time and reason.
fn claims_csv(out: &mut Vec<u8>, conn: &rusqlite::Connection, story: Story) -> Result<()> {
    let retractions: std::collections::HashMap<&str, &crate::model::Retraction> =
        story.retractions.iter().map(|x| (x.target.as_str(), x)).collect();
    let mut corrected = std::collections::HashMap::new();
    for c in store::corrections(conn)?.into_iter().filter(|c| c.correction.kind == Some(RecordKind::Claim)) {
        corrected.insert(c.correction.target.clone(), c.correction);
    }
    let rows: Vec<serde_json::Value> = story
        .claims
        .iter()
        .map(|r| {
            let mut row = serde_json::to_value(&r.claim).expect("claims serialise");
            let retraction = retractions.get(r.id());
            let correction = corrected.get(r.id());
            row["retracted"] = serde_json::json!(retraction.map(|x| x.date));
            row["retraction_reason"] = serde_json::json!(retraction.map(|x| &x.reason));
            row["corrected"] = serde_json::json!(correction.and_then(|c| c.recorded));
            row["correction_reason"] = serde_json::json!(correction.map(|c| &c.reason));
            row
        })
        .collect();
    let fields: Vec<&str> = Claim::FIELDS.iter().chain(write::CLAIM_HISTORY_COLUMNS).copied().collect();
    write::fields(out, &rows, &fields)
}
