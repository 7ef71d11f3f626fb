//! The query language people type: words (all must match), `"exact phrases"`, `OR` between
//! alternatives, `-word` to exclude, `prefix*`. The text is parsed into a [`Query`] here, and
//! each term says what it looks up in the index ([`Term::lookup`]); the store writes FTS5
//! from that tree, so nothing the user types ever reaches FTS5 as syntax.
//!
//! `OR` binds tighter than the space between words, as in web search engines:
//! `kupol drones OR missiles` is kupol and (drones or missiles).

use super::terms::{self, bigram_chain, cjk_run_len, query_stems, Token};

/// A parsed query: every group must match, a group when any of its terms does, and no
/// excluded term may match.
#[derive(Clone, Debug, PartialEq)]
pub struct Query {
    pub all: Vec<Vec<Term>>,
    pub excluded: Vec<Term>,
}

/// A word or a quoted phrase.
#[derive(Clone, Debug, PartialEq)]
pub struct Term {
    /// As typed, without the quotes or the trailing `*`.
    pub text: String,
    /// Quoted: these exact words, in this order, and no other forms.
    pub exact: bool,
    /// Ends in `*`: the last word is a prefix.
    pub prefix: bool,
}

/// Why a query cannot run. `at` counts characters from 1.
#[derive(Clone, Debug, PartialEq)]
pub enum QueryError {
    UnclosedQuote { at: usize },
    LoneMinus { at: usize },
    MisplacedOr { at: usize },
    OnlyExclusions,
    NoWords,
}

impl QueryError {
    /// One line: what is wrong, where, and how to fix it.
    pub fn message(&self, text: &str) -> String {
        match self {
            QueryError::UnclosedQuote { at } => format!(
                "the quote at character {at} of '{text}' is never closed; close it (\"exact phrase\") or remove it"
            ),
            QueryError::LoneMinus { at } => format!(
                "the '-' at character {at} of '{text}' excludes nothing; put the word to exclude right after it (-drones) or remove it"
            ),
            QueryError::MisplacedOr { at } => format!(
                "the OR at character {at} of '{text}' needs a word on each side (drones OR missiles); to find the word itself, write \"OR\" in quotes"
            ),
            QueryError::OnlyExclusions => {
                format!("'{text}' only excludes words; add a word to look for (drones -missiles)")
            }
            QueryError::NoWords => format!("'{text}' has no words to search for; give at least one word"),
        }
    }
}

/// One item of the query as typed.
enum Item {
    Term { term: Term, excluded: bool },
    Or { at: usize },
}

impl Query {
    pub fn parse(text: &str) -> Result<Query, QueryError> {
        let mut all: Vec<Vec<Term>> = Vec::new();
        let mut excluded = Vec::new();
        // Where an OR waits for the term after it; whether the last item was a term to find.
        let (mut open_or, mut after_term) = (None, false);
        for item in items(text)? {
            match item {
                Item::Or { at } if !after_term || open_or.is_some() => return Err(QueryError::MisplacedOr { at }),
                Item::Or { at } => open_or = Some(at),
                Item::Term { term, excluded: true } => {
                    if let Some(at) = open_or {
                        return Err(QueryError::MisplacedOr { at });
                    }
                    excluded.push(term);
                    after_term = false;
                }
                Item::Term { term, excluded: false } => {
                    match (open_or.take(), all.last_mut()) {
                        (Some(_), Some(group)) => group.push(term),
                        _ => all.push(vec![term]),
                    }
                    after_term = true;
                }
            }
        }
        if let Some(at) = open_or {
            return Err(QueryError::MisplacedOr { at });
        }
        match (all.is_empty(), excluded.is_empty()) {
            (true, true) => Err(QueryError::NoWords),
            (true, false) => Err(QueryError::OnlyExclusions),
            _ => Ok(Query { all, excluded }),
        }
    }

    /// What to mark in a matching text: the terms to find, each as a run of steps.
    pub fn patterns(&self) -> Vec<Vec<Step>> {
        self.all.iter().flatten().map(Term::steps).collect()
    }
}

/// The items of a query: words, quoted phrases, `-` before either, and `OR`.
fn items(text: &str) -> Result<Vec<Item>, QueryError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i].is_whitespace() {
            i += 1;
            continue;
        }
        let at = i + 1;
        let excluded = chars[i] == '-';
        if excluded {
            i += 1;
            if chars.get(i).is_none_or(|c| c.is_whitespace()) {
                return Err(QueryError::LoneMinus { at });
            }
        }
        let term = if chars[i] == '"' {
            let close =
                (i + 1..chars.len()).find(|&j| chars[j] == '"').ok_or(QueryError::UnclosedQuote { at: i + 1 })?;
            let prefix = chars.get(close + 1) == Some(&'*');
            let text: String = chars[i + 1..close].iter().collect();
            i = close + 1 + usize::from(prefix);
            Term { text, exact: true, prefix }
        } else {
            let end = (i..chars.len()).find(|&j| chars[j].is_whitespace() || chars[j] == '"').unwrap_or(chars.len());
            let word: String = chars[i..end].iter().collect();
            i = end;
            if word == "OR" && !excluded {
                out.push(Item::Or { at });
                continue;
            }
            Term { text: word.trim_end_matches('*').to_string(), exact: false, prefix: word.ends_with('*') }
        };
        if terms::tokens(&term.text).is_empty() {
            // Punctuation alone is no word; excluding it excludes nothing.
            if excluded {
                return Err(QueryError::LoneMinus { at });
            }
            continue;
        }
        out.push(Item::Term { term, excluded });
    }
    Ok(out)
}

/// What one term looks up in the index: a run of the index's terms in its `words` column,
/// and other forms of the term that match too, in its `stems` column.
#[derive(Clone, Debug, PartialEq)]
pub struct Lookup {
    /// The index's terms for the text, in order: words, and CJK runs as bigrams.
    pub words: Vec<String>,
    /// The last of `words` begins the terms it matches rather than being one.
    pub prefix: bool,
    /// Other forms of the term (none for a phrase or a prefix).
    pub forms: Vec<String>,
}

/// One step of a pattern: what one token of a matching text must be.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    Exact(String),
    Prefix(String),
    /// The word or, by its stem, another form of it.
    Form {
        folded: String,
        stems: Vec<String>,
    },
}

impl Step {
    pub fn matches(&self, token: &Token) -> bool {
        match self {
            Step::Exact(f) => token.folded == *f,
            Step::Prefix(p) => token.folded.starts_with(p.as_str()),
            Step::Form { folded, stems } => token.folded == *folded || token.stems.iter().any(|s| stems.contains(s)),
        }
    }
}

impl Term {
    fn tokens(&self) -> Vec<Token> {
        terms::tokens(&self.text)
    }

    /// Whether the term ends in a prefix: asked for with `*` after a word, or a lone CJK
    /// character at the end (it begins a bigram of the index).
    fn ends_in_prefix(tokens: &[Token], prefix: bool) -> bool {
        match tokens.last() {
            Some(last) if last.cjk => tokens.len() == 1 || !tokens[tokens.len() - 2].cjk,
            Some(_) => prefix,
            None => false,
        }
    }

    /// A word on its own, not quoted and not a prefix: other forms of it match too.
    fn takes_other_forms(&self, tokens: &[Token]) -> bool {
        !self.exact && !self.prefix && (tokens.len() == 1 || cjk_run_len(tokens) == tokens.len() && tokens[0].cjk)
    }

    /// What this term looks up in the index.
    pub fn lookup(&self) -> Lookup {
        let tokens = self.tokens();
        // The index's terms for this text: words, and CJK runs as bigrams; a run that another
        // token follows ends with its last character alone, as in the index.
        let mut words: Vec<String> = Vec::new();
        let mut i = 0;
        while i < tokens.len() {
            if tokens[i].cjk {
                let run = cjk_run_len(&tokens[i..]);
                let chars: Vec<&str> = tokens[i..i + run].iter().map(|t| t.folded.as_str()).collect();
                words.extend(bigram_chain(&chars, i + run < tokens.len()));
                i += run;
            } else {
                words.push(tokens[i].folded.clone());
                i += 1;
            }
        }
        let prefix = Self::ends_in_prefix(&tokens, self.prefix);
        let forms = match self.takes_other_forms(&tokens) {
            false => Vec::new(),
            true if tokens[0].cjk && tokens.len() < 2 => Vec::new(),
            // jieba's words of the text are in `stems`: a query that is one of them ranks
            // higher. (Cutting the query with jieba would load its dictionary, a quarter of a
            // second: too slow for a search.)
            true if tokens[0].cjk => vec![tokens.iter().map(|t| t.folded.as_str()).collect()],
            true => query_stems(&self.text[..]),
        };
        Lookup { words, prefix, forms }
    }

    fn steps(&self) -> Vec<Step> {
        let tokens = self.tokens();
        let mut steps: Vec<Step> = tokens.iter().map(|t| Step::Exact(t.folded.clone())).collect();
        if self.takes_other_forms(&tokens) && !tokens[0].cjk {
            steps = vec![Step::Form { folded: tokens[0].folded.clone(), stems: query_stems(&self.text) }];
        } else if self.prefix && tokens.last().is_some_and(|t| !t.cjk) {
            if let Some(Step::Exact(last)) = steps.pop() {
                steps.push(Step::Prefix(last));
            }
        }
        steps
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(text: &str) -> Term {
        Term { text: text.into(), exact: false, prefix: false }
    }

    #[test]
    fn words_phrases_or_exclusions_and_prefixes() {
        let q = Query::parse("kupol \"neutral position\" drones OR missiles -denied launch*").unwrap();
        assert_eq!(
            q.all,
            [
                vec![term("kupol")],
                vec![Term { text: "neutral position".into(), exact: true, prefix: false }],
                vec![term("drones"), term("missiles")],
                vec![Term { text: "launch".into(), exact: false, prefix: true }],
            ]
        );
        assert_eq!(q.excluded, [term("denied")]);
        // Hyphens and apostrophes inside a word are part of it; lower-case or is a word.
        let q = Query::parse("re-testing or l'armée").unwrap();
        assert_eq!(q.all.len(), 3);
        assert!(q.excluded.is_empty());
    }

    #[test]
    fn malformed_queries_say_where() {
        assert_eq!(Query::parse("neutral \"position"), Err(QueryError::UnclosedQuote { at: 9 }));
        assert_eq!(Query::parse("drones -"), Err(QueryError::LoneMinus { at: 8 }));
        assert_eq!(Query::parse("drones -;"), Err(QueryError::LoneMinus { at: 8 }));
        assert_eq!(Query::parse("OR drones"), Err(QueryError::MisplacedOr { at: 1 }));
        assert_eq!(Query::parse("drones OR"), Err(QueryError::MisplacedOr { at: 8 }));
        assert_eq!(Query::parse("a OR OR b"), Err(QueryError::MisplacedOr { at: 6 }));
        assert_eq!(Query::parse("a OR -b"), Err(QueryError::MisplacedOr { at: 3 }));
        assert_eq!(Query::parse("-drones"), Err(QueryError::OnlyExclusions));
        assert_eq!(Query::parse(" ; * 🚀 \"\""), Err(QueryError::NoWords));
        let message = QueryError::UnclosedQuote { at: 9 }.message("neutral \"position");
        assert!(message.contains("character 9") && message.contains("close it"), "{message}");
    }

    #[test]
    fn patterns_mark_forms_phrases_and_prefixes() {
        let q = Query::parse("denies \"fair position\" drone*").unwrap();
        let p = q.patterns();
        assert!(matches!(&p[0][..], [Step::Form { folded, .. }] if folded == "denies"));
        assert_eq!(p[1], [Step::Exact("fair".into()), Step::Exact("position".into())]);
        assert_eq!(p[2], [Step::Prefix("drone".into())]);
    }
}
