//! `claimtrack source`: add, list and show where claims were found.

use super::{add, list_records, show_record, Ctx};
use crate::date::Date;
use crate::error::{Context, Result};
use crate::model::{Bundle, Logged, Reliability, Sha256Hex, Source, SourceKind};
use crate::store;
use clap::Subcommand;
use sha2::{Digest, Sha256};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum Command {
    /// Add a source
    #[command(
        after_help = "Example:\n  claimtrack source add reuters-report --title \"Chinese experts helped Russian drone maker\" \\\n      --kind article --publisher reuters --derived-from kupol-documents --archive report.html"
    )]
    Add(Box<AddArgs>),
    /// List sources
    #[command(after_help = "Example:\n  claimtrack source list --format json")]
    List {
        /// Only sources of this kind
        #[arg(long)]
        kind: Option<SourceKind>,
    },
    /// Show one source
    #[command(after_help = "Example:\n  claimtrack source show reuters-report")]
    Show {
        /// The source's id
        id: String,
    },
}

#[derive(clap::Args)]
pub struct AddArgs {
    /// A short handle, e.g. reuters-report
    id: String,
    /// The source's title (leave it out when it is not known, and say so in --note)
    #[arg(long)]
    title: Option<String>,
    /// What sort of source it is
    #[arg(long)]
    kind: SourceKind,
    /// The party that published it
    #[arg(long)]
    publisher: Option<String>,
    /// Where the source can be read (http or https)
    #[arg(long)]
    url: Option<String>,
    /// When it was published (YYYY, YYYY-MM, YYYY-MM-DD or RFC 3339)
    #[arg(long)]
    published: Option<Date>,
    /// When you read it
    #[arg(long)]
    accessed: Option<Date>,
    /// Admiralty source reliability, A (completely reliable) to F (cannot be judged)
    #[arg(long, default_value = "F")]
    reliability: Reliability,
    /// A source this one derives from: a report from the documents it reviewed, a rewrite
    /// from the report (repeat for more)
    #[arg(long = "derived-from", value_name = "SOURCE")]
    derived_from: Vec<String>,
    /// An archived copy of the source: its SHA-256 is recorded
    #[arg(long, value_name = "FILE", conflicts_with = "sha256")]
    archive: Option<PathBuf>,
    /// The SHA-256 of an archived copy, if you computed it elsewhere
    #[arg(long)]
    sha256: Option<Sha256Hex>,
    /// A note or caveat about the source, shown in reports
    #[arg(long)]
    note: Option<String>,
}

const COLUMNS: &[&str] = &["id", "title", "kind", "publisher", "published", "reliability", "derived_from"];

fn hash_file(path: &PathBuf) -> Result<Sha256Hex> {
    let mut file =
        std::fs::File::open(path).context(|| format!("--archive {}: cannot open the file", path.display()))?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher).context(|| format!("--archive {}: cannot read the file", path.display()))?;
    Ok(Sha256Hex(format!("{:x}", hasher.finalize())))
}

pub fn run(ctx: &Ctx, command: Command) -> Result<()> {
    match command {
        Command::Add(a) => {
            let a = *a;
            let sha256 = match &a.archive {
                Some(path) => Some(hash_file(path)?),
                None => a.sha256,
            };
            let source = Source {
                id: a.id,
                title: a.title,
                kind: a.kind,
                publisher: a.publisher,
                url: a.url,
                published: a.published,
                accessed: a.accessed,
                reliability: a.reliability,
                derived_from: a.derived_from,
                sha256,
                note: a.note,
                logged_by: None,
                recorded: None,
            };
            add(ctx, "source add", Bundle { sources: vec![source], ..Bundle::default() }, Source::KIND)
        }
        Command::List { kind } => list_records(ctx, store::sources, |s| kind.is_none_or(|k| s.kind == k), COLUMNS),
        Command::Show { id } => show_record(ctx, &id, store::source),
    }
}
