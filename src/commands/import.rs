//! `claimtrack import`: load a bundle, JSON Lines or CSV claims in one transaction, all or
//! nothing.

use super::Ctx;
use crate::error::{Context, Result};
use crate::interchange::{claimreview, read};
use crate::output::{self, Format};
use crate::progress::Progress;
use crate::store::{self, Refs, Writer};
use std::io::{BufRead, BufReader};
use std::path::PathBuf;

/// Load records into the database (docs/FORMAT.md): a bundle (`--format json`, the default),
/// JSON Lines (`jsonl`, streamed: a large file is never held in memory) or claims as CSV
/// (`csv`, a header row of claim field names), or schema.org ClaimReview JSON-LD
/// (`claimreview`: one review, an array, or an @graph; each review a proposition with its
/// verdict, the claim's author a party affirming it in each appearance). The format follows
/// the file's extension (.jsonld is ClaimReview) when --format is not given. Records already there with the same content are left as they are,
/// so importing the same file twice changes nothing; a record whose id exists with other
/// content is refused. Any error writes nothing. Past the first 5,000 records an import logs
/// the rest in batches of 10,000 (as --bulk does from the first), so that a large archive
/// imports fast while a small import keeps one audit event per record.
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  claimtrack import fixtures/kupol-drones.json\n  claimtrack import --dry-run - < bundle.json\n  claimtrack import archive.jsonl\n  claimtrack import --format csv claims.csv\n  claimtrack import --format claimreview published-factchecks.jsonld"
)]
pub struct Args {
    /// The file, or - for standard input
    file: PathBuf,
    /// Check everything and say what would be added, but write nothing
    #[arg(long)]
    dry_run: bool,
    /// Log every record in batches of 10,000, each sealed by one hash over them, instead of
    /// one audit event per record. Without it, an import does so past its first 5,000
    /// records. `verify` checks them just the same; `history ID` shows the batch a record
    /// came in
    #[arg(long)]
    bulk: bool,
}

/// An import logs this many records one event each before it logs the rest in batches.
pub const BATCHED_PAST: usize = 5_000;

/// The input: a file, or standard input for "-".
fn open(file: &PathBuf) -> Result<Box<dyn BufRead + Send>> {
    if file.as_os_str() == "-" {
        return Ok(Box::new(BufReader::new(std::io::stdin())));
    }
    let f = std::fs::File::open(file).context(|| format!("reading {}", file.display()))?;
    Ok(Box::new(BufReader::with_capacity(1 << 16, f)))
}

/// The import's writer: logging records in batches past [`BATCHED_PAST`], or with --bulk
/// from the first.
fn writer(tx: &store::Conn, bulk: bool) -> Result<Writer<'_>> {
    let writer = Writer::new(tx, "import", Refs::Ids)?;
    Ok(writer.in_batches_past(if bulk { 0 } else { BATCHED_PAST }))
}

pub fn run(ctx: &Ctx, a: Args) -> Result<()> {
    const FORMATS: &[Format] = &[Format::Json, Format::Jsonl, Format::Csv, Format::Claimreview];
    let mut format = ctx.format("import", FORMATS)?;
    if ctx.format.is_none() {
        format = output::format_of(&a.file).filter(|f| FORMATS.contains(f)).unwrap_or(format);
    }
    let name = if a.file.as_os_str() == "-" { "<stdin>".to_string() } else { a.file.display().to_string() };
    let input = open(&a.file)?;
    let size = std::fs::metadata(&a.file).ok().filter(|m| m.is_file()).map(|m| m.len());
    let mut progress = Progress::new(ctx.quiet, size, "importing");
    let summary = match format {
        Format::Jsonl => ctx.write(a.dry_run, |tx| {
            let mut writer = writer(tx, a.bulk)?;
            read::jsonl(&name, input, &mut writer, &mut progress)?;
            writer.finish()
        })?,
        Format::Csv => ctx.write(a.dry_run, |tx| {
            let mut writer = writer(tx, a.bulk)?;
            read::csv_claims(&name, input, &mut writer, &mut progress)?;
            writer.finish()
        })?,
        Format::Claimreview => {
            let text = read::read_whole(input, read::MAX_BUNDLE, &name, "a ClaimReview document", "")?;
            let (bundle, notes) = claimreview::read(&name, &text)?;
            notes.into_iter().for_each(|n| ctx.say(n));
            let locate = |plural: &str, index: usize, field: &str| format!("{name}: {plural}[{index}].{field}");
            ctx.write(a.dry_run, |tx| store::apply_every(writer(tx, a.bulk)?, bundle, &locate))?
        }
        _ => {
            let instead = "; import a larger story as JSON Lines (--format jsonl), read a record at a time";
            let text = read::read_whole(input, read::MAX_BUNDLE, &name, "a bundle", instead)?;
            let bundle = read::parse_bundle(&name, &text)?;
            let locate = |plural: &str, index: usize, field: &str| format!("{name}: {plural}[{index}].{field}");
            ctx.write(a.dry_run, |tx| store::apply_in(writer(tx, a.bulk)?, bundle, &locate))?
        }
    };
    progress.finish();
    ctx.say(summary.said(&name, a.dry_run));
    Ok(())
}
