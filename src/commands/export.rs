//! `claimtrack export`: the whole database as a bundle, or in the formats others read.

use super::Ctx;
use crate::analysis::{self, Reading, Scope, When};
use crate::error::{Error, Result};
use crate::export::{claimreview, prov};
use crate::interchange::write;
use crate::model::{Claim, Finding, Logged, Party, RecordKind, Source, Story};
use crate::output::{self, Format};
use crate::store::{self, Store};

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
    let mut store = ctx.open_for_read()?;
    let mut out = Vec::new();
    if matches!(format, Format::Json | Format::Jsonl) {
        bundle(ctx, store.conn(), format, &mut out)?;
    } else {
        derived(ctx, &mut store, format, a.what, a.draft, &mut out).map_err(|e| match e {
            Error::Unreadable(cell) => {
                Error::input(format!("{cell}; `claimtrack export --format json` copies such a row as it is stored"))
            }
            other => other,
        })?;
    }
    a.to.write(&String::from_utf8(out).expect("exports are UTF-8"), &ctx.db)?;
    if let Some(path) = &a.to.output {
        ctx.say(format!("wrote {}", path.display()));
    }
    Ok(())
}

/// The bundle as JSON or JSON Lines. A value claimtrack cannot read does not stop it: the
/// row is written with the value as it is stored, and a warning says where, so that the
/// file holds everything and an import names the value to mend.
fn bundle(ctx: &Ctx, conn: &store::Conn, format: Format, out: &mut Vec<u8>) -> Result<()> {
    let (bundle, rescued) = match store::bundle(conn) {
        Ok(bundle) => (bundle, Vec::new()),
        Err(Error::Unreadable(_)) => store::rescue_bundle(conn)?,
        Err(other) => return Err(other),
    };
    let fix = |record: &mut serde_json::Value| {
        if let Some(kind) = record.get("type").and_then(|t| t.as_str()).and_then(|t| t.parse().ok()) {
            store::restore(kind, record, &rescued);
        }
    };
    if format == Format::Jsonl {
        write::jsonl(out, bundle, fix)?;
    } else if rescued.is_empty() {
        output::json(out, &bundle)?;
    } else {
        let mut doc = serde_json::to_value(&bundle).expect("bundles serialise");
        for kind in RecordKind::TABLED {
            for record in doc.get_mut(kind.plural()).and_then(|l| l.as_array_mut()).into_iter().flatten() {
                store::restore(kind, record, &rescued);
            }
        }
        output::json(out, &doc)?;
    }
    for r in &rescued {
        ctx.say(format!(
            "warning: {}: exported as it is stored ({}); an import of the file refuses it until the value is mended there",
            r.cell, r.stored
        ));
    }
    Ok(())
}

/// The formats built from the story: CSV tables and PROV from its records, ClaimReview from
/// the one `Outcome` every view reads, with its stored triage (only it needs a reading).
fn derived(
    ctx: &Ctx,
    store: &mut Store,
    format: Format,
    what: Option<What>,
    draft: bool,
    out: &mut Vec<u8>,
) -> Result<()> {
    if format == Format::Claimreview {
        return claim_reviews(ctx, store, draft, out);
    }
    let conn = store.conn();
    let story = store::story(conn)?;
    match what {
        None => output::json(out, &prov::document(&story)),
        Some(What::Claims) => claims_csv(out, conn, story),
        Some(What::Parties) => write::records::<Party>(out, &story.parties),
        Some(What::Sources) => write::records::<Source>(out, &story.sources),
        Some(What::Findings) => write::fields(out, &store::findings(conn)?, Finding::FIELDS),
    }
}

/// ClaimReview JSON-LD for the propositions with a verdict; refused (before anything is
/// read again) when the organisation or a verdict is missing, unless `--draft`.
fn claim_reviews(ctx: &Ctx, store: &mut Store, draft: bool, out: &mut Vec<u8>) -> Result<()> {
    let settings = store::settings(store.conn())?;
    let get = |k: &str| settings.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
    let org = claimreview::Organisation { name: get("org.name"), url: get("org.url") };
    let Reading { story, outcome } = analysis::read(store, Scope::Story, When::default(), &mut |_, _| {})?;
    let missing = claimreview::missing(&story, &org);
    if !draft {
        if let Some(first) = missing.first() {
            return Err(Error::input(format!(
                "nothing fit to publish: {first}{}; or give --draft to write it anyway",
                if missing.len() > 1 { format!(" (and {} more)", missing.len() - 1) } else { String::new() }
            )));
        }
    }
    let (doc, warnings) = claimreview::document(&story, &outcome, &org);
    for w in missing.iter().chain(&warnings) {
        ctx.say(format!("warning: {w}"));
    }
    output::json(out, &doc)
}

/// Claims as CSV: each claim's fields as logged (corrected), then what became of it, so a
/// spreadsheet never shows a withdrawn or corrected claim as if it stood as first logged:
/// the retraction's date and reason, and the latest correction's time and reason.
fn claims_csv(out: &mut Vec<u8>, conn: &store::Conn, story: Story) -> Result<()> {
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
