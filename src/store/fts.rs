//! FTS5's query syntax, written from a parsed [`Query`]: the store alone knows the index's
//! columns (`words`, `stems`) and how FTS5 says AND, OR, NOT, phrases and prefixes.

use crate::search::query::{Lookup, Query, Term};

/// The FTS5 query over the `words` and `stems` columns.
pub(super) fn fts5(query: &Query) -> String {
    let groups: Vec<String> = query
        .all
        .iter()
        .map(|group| match &group[..] {
            [one] => term(one),
            _ => format!("({})", group.iter().map(term).collect::<Vec<_>>().join(" OR ")),
        })
        .collect();
    let found = format!("({})", groups.join(" AND "));
    // One NOT of all the exclusions joined by OR: FTS5 keeps a run of ORs (or ANDs) as
    // one node, but each NOT is a level of its own, and 256 levels is its limit.
    match &query.excluded[..] {
        [] => found,
        terms => format!("{found} NOT ({})", terms.iter().map(term).collect::<Vec<_>>().join(" OR ")),
    }
}

/// One term: its run of words as a phrase, or that phrase or any of its other forms.
fn term(t: &Term) -> String {
    let Lookup { words, prefix, forms } = t.lookup();
    let star = if prefix { " *" } else { "" };
    let exact = format!("words : \"{}\"{star}", words.join(" "));
    if forms.is_empty() {
        return exact;
    }
    let forms: Vec<String> = forms.iter().map(|f| format!("stems : \"{f}\"")).collect();
    format!("({exact} OR {})", forms.join(" OR "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn fts(text: &str) -> String {
        fts5(&Query::parse(text).unwrap())
    }

    #[test]
    fn fts5_is_written_from_the_tree() {
        assert_eq!(fts("\"Neutral position\""), "(words : \"neutral position\")");
        assert_eq!(fts("drone*"), "(words : \"drone\" *)");
        assert_eq!(fts("a* OR \"b\" c*"), "((words : \"a\" * OR words : \"b\") AND words : \"c\" *)");
        assert!(fts("denies").starts_with("((words : \"denies\" OR ") && fts("denies").contains("stems : \"deni\""));
        assert!(fts("a -\"b c\"").ends_with(") NOT (words : \"b c\")"), "{}", fts("a -\"b c\""));
    }

    #[test]
    fn cjk_substrings_are_bigram_phrases() {
        assert_eq!(fts("两"), "(words : \"两\" *)");
        assert_eq!(fts("客观公正"), "((words : \"客观 观公 公正\" OR stems : \"客观公正\"))");
        assert_eq!(fts("\"无人机 drones\""), "(words : \"无人 人机 机 drones\")");
        assert_eq!(fts("\"drones 无\""), "(words : \"drones 无\" *)");
    }

    proptest! {
        #[test]
        fn parsing_never_panics_and_fts5_always_runs(text in "(\\PC|[\"*() :-]| OR |客观|Ё|é){0,40}") {
            if let Ok(query) = Query::parse(&text) {
                let store = crate::store::Store::memory().unwrap();
                crate::store::search(store.conn(), &query, None, None, None, 20)
                    .unwrap_or_else(|e| panic!("{text:?} gave {}: {e}", fts5(&query)));
            }
        }
    }
}
