//! `claimtrack search`: full-text search in every language, ranked, matches shown in context.

use super::{logged, Ctx, DATA_FORMATS};
use crate::error::{Error, Result};
use crate::model::RecordKind;

/// Where a match starts and ends, in colour (Unicode private-use characters).
const MARK_OPEN: &str = "\u{e000}";
const MARK_CLOSE: &str = "\u{e001}";
use crate::output::{self, Format};
use crate::search::{highlight, Query};
use crate::store;

/// Search quotes and notes, proposition texts, party names and aliases, source titles and
/// request notes, in any language. Every word must match, in any of its forms (denies finds
/// denied, публикация finds публикацию); case, accents and letter variants are ignored.
/// Chinese, Japanese and Korean match any run of characters. "exact phrase" matches those
/// words in that order and no other forms; OR between words matches either (it binds tighter
/// than the space: kupol drones OR missiles); -word excludes; a word ending in * is a prefix.
/// Best matches first, exact forms above other forms.
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  claimtrack search \"neutral position\"\n  claimtrack search 'drone* -kupol' --kind claim --prop p-experts-helped-kupol\n  claimtrack search '客观公正 OR публикация' --format json"
)]
pub struct Args {
    /// The words to look for
    text: String,
    /// Only this kind of record
    #[arg(long, value_parser = ["claim", "proposition", "party", "source", "request"])]
    kind: Option<String>,
    /// Only claims on this proposition
    #[arg(long)]
    prop: Option<String>,
    /// Only claims by this party
    #[arg(long)]
    party: Option<String>,
    /// At most this many matches, 1 or more
    #[arg(long, default_value_t = 50, value_parser = super::count_from(1))]
    limit: usize,
}

/// One match, as printed.
#[derive(serde::Serialize)]
struct Hit {
    kind: String,
    record: String,
    /// The record's searchable text, its fields one per line.
    text: String,
    /// The matched words marked, in a window around the first match for long texts.
    highlighted: String,
    /// bm25: lower is a better match.
    rank: f64,
}

pub fn run(ctx: &Ctx, a: Args) -> Result<()> {
    let format = ctx.format("search", DATA_FORMATS)?;
    let query = Query::parse(&a.text).map_err(|e| Error::Usage(e.message(&a.text)))?;
    let mut store = ctx.open_for_read()?;
    // Text written with plain SQL since claimtrack last wrote is indexed first, where the
    // database can be written; a read-only one is searched as it is.
    if store.can_write() {
        store.index_waiting_text()?;
    }
    // A filter naming nothing logged is refused: "nothing matches" would hide the typo.
    let prop = a.prop.map(|p| logged(&store, RecordKind::Proposition, "--prop", &p)).transpose()?;
    let party = a.party.map(|p| logged(&store, RecordKind::Party, "--party", &p)).transpose()?;
    let colour = format == Format::Table && output::colour();
    // In colour, the matches are marked with private-use characters that the table's escaping
    // of logged text leaves alone, and only then turned into the terminal's colour codes.
    let marks = if colour { (MARK_OPEN, MARK_CLOSE) } else { ("**", "**") };
    let patterns = query.patterns();
    let found = store::search(store.conn(), &query, a.kind.as_deref(), prop.as_deref(), party.as_deref(), a.limit)?;
    let mut hits = Vec::with_capacity(found.len());
    for f in found {
        let fields = store::searched_fields(store.conn(), &f.kind, &f.record)?.unwrap_or_default();
        let (text, highlighted) = highlight(&fields, &patterns, marks);
        hits.push(Hit { kind: f.kind, record: f.record, text, highlighted, rank: f.rank });
    }
    if hits.is_empty() {
        ctx.say(format!("nothing matches {}", a.text));
        // A table of no rows says nothing; JSON and CSV stay parseable.
        if format == Format::Table {
            return Ok(());
        }
    }
    let columns: &[&str] = &["kind", "record", "highlighted"];
    if !colour {
        return output::list(
            &hits,
            format,
            columns,
            &["kind", "record", "text", "highlighted", "rank"],
            ctx.table_width(),
        );
    }
    let mut t = output::Grid::new(columns);
    for h in &hits {
        let highlighted =
            output::visible(&h.highlighted).replace(MARK_OPEN, "\x1b[1;33m").replace(MARK_CLOSE, "\x1b[0m");
        t.add_styled([output::visible(&h.kind).into_owned(), output::visible(&h.record).into_owned(), highlighted]);
    }
    output::print(&t.render(ctx.table_width()))
}
