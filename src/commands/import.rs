//! `claimtrack import`: load a bundle in one transaction, all or nothing.

use super::Ctx;
use crate::error::{Context, Error, Result};
use crate::model::Bundle;
use crate::store::{self, Summary};
use std::io::Read;
use std::path::PathBuf;

/// Load a bundle (docs/FORMAT.md) into the database. Records already there with the same
/// content are left as they are, so importing the same file twice changes nothing; a record
/// whose id exists with other content is refused. Any error writes nothing.
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  claimtrack import fixtures/kupol-drones.json\n  claimtrack import --dry-run - < bundle.json"
)]
pub struct Args {
    /// The bundle file, or - for standard input
    file: PathBuf,
    /// Check everything and say what would be added, but write nothing
    #[arg(long)]
    dry_run: bool,
}

/// Reads a file, or standard input for "-".
pub fn read_input(file: &PathBuf) -> Result<String> {
    let mut text = String::new();
    if file.as_os_str() == "-" {
        std::io::stdin().read_to_string(&mut text).context(|| "reading standard input".into())?;
    } else {
        text = std::fs::read_to_string(file).context(|| format!("reading {}", file.display()))?;
    }
    Ok(text)
}

/// Parses a bundle, naming the JSON path of any bad value.
pub fn parse_bundle(name: &str, text: &str) -> Result<Bundle> {
    let mut de = serde_json::Deserializer::from_str(text);
    let bundle: Bundle = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        if inner.is_syntax() || inner.is_eof() {
            Error::input(format!("{name}: not valid JSON: {inner}"))
        } else if path == "." {
            Error::input(format!("{name}: {inner}; a bundle is an object that starts {{\"claimtrack\": 1, ...}}"))
        } else {
            Error::input(format!("{name}: {path}: {inner}"))
        }
    })?;
    de.end().map_err(|e| Error::input(format!("{name}: text after the bundle: {e}")))?;
    Ok(bundle)
}

pub fn run(ctx: &Ctx, a: Args) -> Result<()> {
    let name = if a.file.as_os_str() == "-" { "<stdin>".to_string() } else { a.file.display().to_string() };
    let bundle = parse_bundle(&name, &read_input(&a.file)?)?;
    let locate = |plural: &str, index: usize, field: &str| format!("{name}: {plural}[{index}].{field}");
    let summary = ctx.write(a.dry_run, |tx| store::apply(tx, bundle, "import", &locate))?;
    let verb = if a.dry_run { "would add" } else { "added" };
    ctx.say(format!(
        "{name}: {verb} {}; {} already present, unchanged{}",
        Summary::describe(&summary.added),
        summary.total_unchanged(),
        if a.dry_run { " (dry run: nothing written)" } else { "" }
    ));
    Ok(())
}
