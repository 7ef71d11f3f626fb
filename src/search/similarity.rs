//! How alike a pasted text and a proposition are, for `match` and the duplicate warning: both
//! are read as the index reads text (`terms`), each key weighted by how rare it is in the
//! archive. `score` is the IDF-weighted cosine of the two texts' keys, raised by the pairs
//! of adjacent keys they share (a phrase), with what the query shares with the proposition's
//! tags and parties' names and aliases added; `bm25` is Okapi BM25 on the same 0-to-1 scale.
//! 1.0 is the same words; 0 nothing shared.

use super::terms::{bigram_chain, cjk_run_len, tokens};
use std::collections::{HashMap, HashSet};

/// A key of a text: a stem (for the index's `stems` column) or a CJK bigram (`words`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Key {
    Stem(String),
    Bigram(String),
}

impl Key {
    /// The FTS5 column and term that find it.
    pub fn column(&self) -> (&'static str, &str) {
        match self {
            Key::Stem(s) => ("stems", s),
            Key::Bigram(b) => ("words", b),
        }
    }
}

/// A text read for matching: its keys in order, and which of them name something (a
/// capitalised word not at a sentence's start, or a number: entities weigh more).
#[derive(Clone, Debug, Default)]
pub struct Keys {
    pub seq: Vec<Key>,
    pub entities: HashSet<Key>,
}

/// What a pasted post holds besides words: links (`pic.twitter.com/…` too) fall away, and
/// a handle or hashtag is kept as written and followed by its CamelCase words (@realDonaldTrump
/// is also real Donald Trump; #ChinaDrones also China Drones): the tag as a whole meets a text
/// that names it so, its words one that spells them out. Emoji and other symbols are not
/// words and fall away in `terms`.
pub fn clean_post(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    for piece in text.split_whitespace() {
        let lower = piece.to_ascii_lowercase();
        if ["http://", "https://", "www.", "pic.twitter.com/"].iter().any(|p| lower.starts_with(p)) {
            continue;
        }
        // A mark after opening punctuation ("(@handle)") still marks a tag; one after a
        // letter ("a@b.org") does not.
        let lead = piece.find(|c: char| c.is_alphanumeric() || c == '@' || c == '#').unwrap_or(piece.len());
        let (before, rest) = piece.split_at(lead);
        let Some(tagged) = rest.strip_prefix(['@', '#']) else {
            out.push_str(piece);
            out.push(' ');
            continue;
        };
        let end = tagged.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(tagged.len());
        let tag = &tagged[..end];
        out.push_str(before);
        out.push_str(tagged);
        out.push(' ');
        let mut words = String::new();
        let mut prev_lower = false;
        for c in tag.chars() {
            if c.is_uppercase() && prev_lower {
                words.push(' ');
            }
            prev_lower = c.is_lowercase() || c.is_ascii_digit();
            words.push(c);
        }
        if words.len() > tag.len() {
            out.push_str(&words);
            out.push(' ');
        }
    }
    out
}

/// The keys of a text, in order.
pub fn keys(text: &str) -> Keys {
    let toks = tokens(text);
    let mut out = Keys::default();
    let mut i = 0;
    while i < toks.len() {
        let t = &toks[i];
        if t.cjk {
            let run = cjk_run_len(&toks[i..]);
            let chars: Vec<&str> = toks[i..i + run].iter().map(|t| t.folded.as_str()).collect();
            out.seq.extend(bigram_chain(&chars, false).into_iter().map(Key::Bigram));
            i += run;
            continue;
        }
        let key = Key::Stem(t.stems.first().cloned().unwrap_or_else(|| t.folded.clone()));
        let first = text[t.start..t.end].chars().next().unwrap_or(' ');
        let sentence_start = text[..t.start].trim_end().chars().last().is_none_or(|c| ".!?:\n".contains(c));
        if first.is_ascii_digit() || (first.is_uppercase() && !sentence_start) {
            out.entities.insert(key.clone());
        }
        out.seq.push(key);
        i += 1;
    }
    out
}

/// A proposition (or a claim) as matching reads it: its own text and note, and the text
/// around it.
pub struct Candidate {
    pub text: Keys,
    /// Tags, names and aliases of the parties it names.
    pub around: Keys,
}

/// How much an entity's key weighs beside another word of the same rarity.
const ENTITY: f64 = 1.5;
/// The share of the score the phrase overlap makes.
const PHRASE: f64 = 0.15;
/// The most that what is around a proposition adds.
const AROUND: f64 = 0.3;

/// The score of a candidate for a query (see the module's paragraph), in 0..=1. `idf` weighs
/// a key by its rarity.
pub fn score(query: &Keys, c: &Candidate, idf: &dyn Fn(&Key) -> f64) -> f64 {
    let weight = |k: &Key, entities: &HashSet<Key>| idf(k) * if entities.contains(k) { ENTITY } else { 1.0 };
    let q: HashMap<&Key, f64> = query.seq.iter().map(|k| (k, weight(k, &query.entities))).collect();
    let t: HashMap<&Key, f64> = c.text.seq.iter().map(|k| (k, weight(k, &c.text.entities))).collect();
    let (qn, tn): (f64, f64) = (q.values().map(|w| w * w).sum(), t.values().map(|w| w * w).sum());
    if qn == 0.0 || tn == 0.0 {
        return 0.0;
    }
    let shared: f64 = q.iter().filter_map(|(k, w)| t.get(k).map(|v| w * v)).sum();
    let cosine = shared / (qn.sqrt() * tn.sqrt());
    let pairs = |seq: &[Key]| -> HashSet<(Key, Key)> { seq.windows(2).map(|w| (w[0].clone(), w[1].clone())).collect() };
    let (qp, tp) = (pairs(&query.seq), pairs(&c.text.seq));
    let phrase = if qp.is_empty() || tp.is_empty() {
        cosine
    } else {
        qp.intersection(&tp).count() as f64 / qp.len().min(tp.len()) as f64
    };
    let around: HashSet<&Key> = c.around.seq.iter().filter(|k| !t.contains_key(k)).collect();
    let q_total: f64 = q.values().sum();
    let extra = q.iter().filter(|(k, _)| around.contains(*k)).map(|(_, w)| w).sum::<f64>() / q_total;
    ((1.0 - PHRASE) * cosine + PHRASE * phrase + AROUND * extra).min(1.0)
}

/// BM25's saturation of a key's repeats, and how much a text's length counts against it.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// Okapi BM25 of a text for the query's distinct keys, as a share of the most a text could
/// score (every key found, at the usual length), in 0..=1: the ranking of a search engine
/// on a scale that can be read. `average` is the usual length of a text, in keys.
pub fn bm25(query: &Keys, text: &Keys, average: f64, idf: &dyn Fn(&Key) -> f64) -> f64 {
    let mut counts: HashMap<&Key, f64> = HashMap::new();
    text.seq.iter().for_each(|k| *counts.entry(k).or_default() += 1.0);
    let norm = K1 * (1.0 - B + B * text.seq.len() as f64 / average.max(1.0));
    let (mut found, mut most) = (0.0, 0.0);
    for k in query.seq.iter().collect::<HashSet<_>>() {
        let w = idf(k);
        most += w;
        if let Some(tf) = counts.get(k) {
            found += w * tf * (K1 + 1.0) / (tf + norm);
        }
    }
    if most == 0.0 {
        0.0
    } else {
        (found / most).min(1.0)
    }
}

/// A key's weight for an archive of `total` indexed records, `df` of which hold it (a key
/// no record holds weighs as one held by one).
pub fn idf(total: u64, df: u64) -> f64 {
    (1.0 + total.max(1) as f64 / df.max(1) as f64).ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(text: &str, around: &str) -> Candidate {
        Candidate { text: keys(text), around: keys(around) }
    }

    #[test]
    fn the_same_words_score_one_and_other_forms_meet() {
        let flat = |_: &Key| 1.0;
        let q = keys("Chinese experts helped IEMZ Kupol develop drones");
        assert!((score(&q, &cand("Chinese experts helped IEMZ Kupol develop drones", ""), &flat) - 1.0).abs() < 1e-9);
        let near = score(&q, &cand("Chinese specialists helped the Kupol drone maker", ""), &flat);
        let far = score(&q, &cand("The ministry denied the shipment of tanks", ""), &flat);
        assert!(near > 0.3 && far < 0.1, "{near} {far}");
    }

    #[test]
    fn posts_lose_links_handles_and_hashtag_marks() {
        let post = clean_post(
            "BREAKING 🚨 @MFA_China says #ChinaDrones are fake https://t.co/xyz www.x.org/y pic.twitter.com/abc",
        );
        assert_eq!(
            post.split_whitespace().collect::<Vec<_>>(),
            ["BREAKING", "🚨", "MFA_China", "says", "ChinaDrones", "China", "Drones", "are", "fake"]
        );
        let handle = clean_post("— Donald J. Trump (@realDonaldTrump) May 5, 2020");
        assert!(handle.contains("(realDonaldTrump) real Donald Trump May"), "{handle}");
        assert!(clean_post("write to a@b.org").contains("a@b.org"), "an address is no handle");
    }

    #[test]
    fn what_is_around_a_proposition_counts_and_cjk_is_read_in_bigrams() {
        let flat = |_: &Key| 1.0;
        let q = keys("Kremlin denies the report");
        let plain = score(&q, &cand("the report is denied", ""), &flat);
        let named = score(&q, &cand("the report is denied", "The Kremlin"), &flat);
        assert!(named > plain, "{named} {plain}");
        let zh = keys("中国专家帮助无人机");
        assert!(zh.seq.contains(&Key::Bigram("专家".into())));
        assert!(score(&zh, &cand("中国专家帮助", ""), &flat) > 0.5);
    }

    #[test]
    fn bm25_is_a_share_of_the_most_a_text_could_score() {
        let flat = |_: &Key| 1.0;
        let q = keys("Kupol drones");
        assert!((bm25(&q, &keys("Kupol drones"), 2.0, &flat) - 1.0).abs() < 1e-9);
        let half = bm25(&q, &keys("Kupol factory"), 2.0, &flat);
        let long = bm25(&q, &keys("Kupol factory near the river in the east of the country"), 2.0, &flat);
        assert!(half > long && long > 0.0 && half < 1.0, "{half} {long}");
        assert_eq!(bm25(&q, &keys("tanks"), 2.0, &flat), 0.0);
    }

    #[test]
    fn numbers_and_names_are_entities() {
        let k = keys("Officials said Kupol built 2000 drones");
        assert!(k.entities.contains(&Key::Stem("kupol".into())));
        assert!(k.entities.contains(&Key::Stem("2000".into())));
        assert!(!k.entities.contains(&Key::Stem("offici".into())), "a sentence's first word is no entity");
    }
}
