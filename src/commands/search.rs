//! `claimtrack search`: full-text search, ranked, matches highlighted.

use super::{resolve_flag, Ctx, DATA_FORMATS};
use crate::error::{Context, Error, Result};
use std::io::Write;

/// Where a match starts and ends, in colour (Unicode private-use characters).
const MARK_OPEN: &str = "\u{e000}";
const MARK_CLOSE: &str = "\u{e001}";
use crate::output::{self, Format};
use crate::store;

/// Search quotes and notes, proposition texts, party names and aliases and source titles.
/// Every word must match (accents and case ignored; a word ending in * matches as a prefix).
/// Best matches first.
#[derive(clap::Args)]
#[command(
    after_help = "Examples:\n  claimtrack search \"neutral position\"\n  claimtrack search drone* --kind claim --prop p-experts-helped-kupol\n  claimtrack search kupol --format json"
)]
pub struct Args {
    /// The words to look for
    text: String,
    /// Only this kind of record: claim, proposition, party or source
    #[arg(long, value_parser = ["claim", "proposition", "party", "source"])]
    kind: Option<String>,
    /// Only claims on this proposition
    #[arg(long)]
    prop: Option<String>,
    /// Only claims by this party
    #[arg(long)]
    party: Option<String>,
    /// At most this many matches
    #[arg(long, default_value_t = 50)]
    limit: usize,
}

/// The user's words as an FTS5 query: each word quoted (so punctuation is never syntax),
/// a trailing * kept as a prefix match, all words required.
pub fn fts_query(text: &str) -> Option<String> {
    let terms: Vec<String> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '*'))
        .filter(|w| !w.trim_matches('*').is_empty())
        .map(|w| {
            let prefix = w.ends_with('*');
            let word: String = w.chars().filter(|c| *c != '*').collect();
            format!("\"{word}\"{}", if prefix { "*" } else { "" })
        })
        .collect();
    (!terms.is_empty()).then(|| terms.join(" "))
}

pub fn run(ctx: &Ctx, a: Args) -> Result<()> {
    let format = ctx.format("search", DATA_FORMATS)?;
    let query = fts_query(&a.text)
        .ok_or_else(|| Error::Usage(format!("'{}' has no words to search for; give at least one word", a.text)))?;
    let mut store = ctx.open_for_read()?;
    // Text written with plain SQL since claimtrack last wrote is indexed first, where the
    // database can be written; a read-only one is searched as it is.
    if store::text_waiting(store.conn())? && store.can_write() {
        store.write(false, |_| Ok(()))?;
    }
    let prop = resolve_flag(&store, "proposition", "--prop", a.prop)?;
    let party = resolve_flag(&store, "party", "--party", a.party)?;
    let colour = format == Format::Table && output::colour();
    // In colour, the matches are marked with private-use characters that the table's escaping
    // of logged text leaves alone, and only then turned into the terminal's colour codes.
    let marks = if colour { (MARK_OPEN, MARK_CLOSE) } else { ("**", "**") };
    let hits =
        store::search(store.conn(), &query, a.kind.as_deref(), prop.as_deref(), party.as_deref(), marks, a.limit)?;
    if hits.is_empty() {
        ctx.say(format!("nothing matches {}", a.text));
    }
    let columns: &[&str] = &["kind", "record", "highlighted"];
    if !colour {
        return output::list(&hits, format, columns, &["kind", "record", "text", "highlighted", "rank"]);
    }
    let mut t = output::table(columns);
    for h in &hits {
        let highlighted =
            output::visible(&h.highlighted).replace(MARK_OPEN, "\x1b[1;33m").replace(MARK_CLOSE, "\x1b[0m");
        t.add_row([output::cell(&h.kind), output::cell(&h.record), comfy_table::Cell::new(highlighted)]);
    }
    writeln!(std::io::stdout().lock(), "{t}").context(|| "writing the table".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_text_never_becomes_query_syntax() {
        assert_eq!(fts_query("neutral position").unwrap(), "\"neutral\" \"position\"");
        assert_eq!(fts_query("drone* AND (x) NEAR \"y\"").unwrap(), "\"drone\"* \"AND\" \"x\" \"NEAR\" \"y\"");
        assert_eq!(fts_query("Приозер’я").unwrap(), "\"Приозер\" \"я\"");
        assert!(fts_query(" - ; ").is_none());
    }
}
