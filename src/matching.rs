//! Which propositions are the same matter as a text, however it is worded: the records
//! holding most of the text's rarest keys, weighed by rarity, are candidates (read from the
//! index's lists, `store::term_entries`, without FTS5's bm25), each scored
//! against its text and note, and what is around it: half BM25 over all the text's keys
//! (`similarity::bm25`), half the IDF-weighted cosine with phrase and entity overlap
//! (`similarity::score`). A proposition merged into another stands for the one it was merged
//! into. Best first; of two scored alike, the one logged first (the original, where the
//! other is a copy).

use crate::error::Result;
use crate::search::similarity::{self, Candidate, Key};
use crate::store::{self, Conn, MatchProfile};
use std::collections::HashMap;

/// The score above which a new proposition is said to look like an existing one
/// (docs/LOG.md): the same matter in other words usually scores above it, a different matter
/// about the same parties below.
pub const LOOKS_LIKE: f64 = 0.6;

/// What to rank: propositions, or single claims (by their quotes).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Ranked {
    Propositions,
    Claims,
}

/// One result: the proposition (and the claim, when claims are ranked), its score in 0..=1.
pub struct Match {
    pub claim: Option<String>,
    /// The proposition the result stands for (the one merged into, if the words found are
    /// those of a proposition merged into another).
    pub profile: MatchProfile,
    pub score: f64,
    /// The propositions merged into it whose words were found, in id order.
    pub merged: Vec<String>,
}

/// How many of a text's rarest keys are searched for candidates.
const KEYS_SEARCHED: usize = 24;
/// A key in more than this share of the indexed records (and more than [`FEW`]) is too
/// common to find candidates with: its records are not read (it still counts in the score).
const COMMON: f64 = 0.002;
const FEW: f64 = 3000.0;
/// How many of a text's rarest keys are searched when all are common.
const COMMON_SEARCHED: usize = 3;
/// How many of a key's records are read before its spread can tell it is common.
const SAMPLE: usize = 64;
/// Below this score a record shares no more than common words with the text.
const MIN_SCORE: f64 = 0.1;
/// How many index entries are read as candidates, and how many distinct ones are scored.
const INDEX_MATCHES: usize = 300;
const SCORED: usize = 50;
/// The share of the score BM25 makes (the rest is `similarity::score`): measured on the
/// CLEF 2020 dev split (BENCHMARKS.md), the blend ranks better than either alone.
const BM25: f64 = 0.5;
/// How many of the propositions naming a party found are scored.
const NAMED: usize = 20;

/// How many indexed records hold a key, and which (oldest first) when they are few (at most
/// `few`). Of a common key only the first records are read: `total` records hold about as
/// many as the share of the first ones reached says.
fn records_with(conn: &Conn, k: &Key, total: u64, few: usize) -> Result<(u64, Vec<i64>)> {
    let (column, term) = k.column();
    let mut entries = Vec::new();
    let mut common = false;
    store::term_entries(conn, column, term, |e| {
        entries.push(e);
        let n = entries.len();
        common = n > few || (n >= SAMPLE && n as f64 * total as f64 / e.max(1) as f64 > 2.0 * few as f64);
        !common
    })?;
    if !common {
        return Ok((entries.len() as u64, entries));
    }
    let reached = entries.last().copied().unwrap_or(1).max(1) as f64;
    Ok(((entries.len() as f64 * total as f64 / reached).round() as u64, Vec::new()))
}

/// The records most like `text`, at most `limit`, best first; none when it has no words.
pub fn rank(conn: &Conn, text: &str, ranked: Ranked, limit: usize) -> Result<Vec<Match>> {
    let query = similarity::keys(&similarity::clean_post(text));
    let total = store::indexed_records(conn)?;
    let few = (COMMON * total as f64).max(FEW) as usize;
    // The query's keys are weighed by their rarity; a candidate's other keys by the query's
    // mean weight: counting a key's records reads its list in the index, too slow for every
    // word of a hundred candidates.
    let mut weights: HashMap<Key, f64> = HashMap::new();
    let mut searched: Vec<(u64, Key, Vec<i64>)> = Vec::new();
    for k in &query.seq {
        if weights.contains_key(k) {
            continue;
        }
        let (n, entries) = records_with(conn, k, total, few)?;
        weights.insert(k.clone(), similarity::idf(total, n));
        if !entries.is_empty() {
            searched.push((n, k.clone(), entries));
        }
    }
    // A text of common words only still finds the records holding its rarest ones: the first
    // of them, a bounded read (the newest of a million would take a second to rank in full).
    if searched.is_empty() {
        let mut rarest: Vec<(&Key, f64)> = weights.iter().map(|(k, w)| (k, *w)).collect();
        rarest.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
        for (k, _) in rarest.into_iter().take(COMMON_SEARCHED) {
            let (column, term) = k.column();
            let mut entries = Vec::new();
            store::term_entries(conn, column, term, |e| {
                entries.push(e);
                entries.len() < store::RANKED_AT_MOST
            })?;
            searched.push((0, k.clone(), entries));
        }
    }
    searched.sort();
    searched.truncate(KEYS_SEARCHED);
    // Candidates: the records holding the most of the rare keys, weighed by rarity; of two
    // alike, the older.
    let mut overlap: HashMap<i64, f64> = HashMap::new();
    for (_, k, entries) in &searched {
        for e in entries {
            *overlap.entry(*e).or_default() += weights[k];
        }
    }
    let mut found: Vec<(i64, f64)> = overlap.into_iter().collect();
    found.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    found.truncate(INDEX_MATCHES);
    let usual = weights.values().sum::<f64>() / weights.len().max(1) as f64;
    let mut seen = std::collections::HashSet::new();
    let mut candidates: Vec<(Option<String>, MatchProfile, Candidate)> = Vec::new();
    for (entry, _) in found {
        // A party found stands for the propositions that name it.
        let records = match store::indexed_record(conn, entry, &["proposition", "claim", "party"])? {
            Some((kind, party)) if kind == "party" && ranked == Ranked::Propositions => {
                let named = store::propositions_naming(conn, &party, NAMED)?;
                named.into_iter().map(|p| ("proposition".to_string(), p)).collect()
            }
            Some(record) => vec![record],
            None => Vec::new(),
        };
        for (kind, record) in records {
            let (claim, profile) = match (ranked, kind.as_str()) {
                (Ranked::Claims, "claim") => (Some(record.clone()), store::claim_profile(conn, &record)?),
                (Ranked::Propositions, "proposition") => (None, store::proposition_profile(conn, &record)?),
                (Ranked::Propositions, "claim") => match store::claim_profile(conn, &record)? {
                    Some(c) => (None, store::proposition_profile(conn, &c.proposition)?),
                    None => continue,
                },
                _ => continue,
            };
            let Some(profile) = profile else { continue };
            if !seen.insert(claim.clone().unwrap_or_else(|| profile.proposition.clone())) {
                continue;
            }
            // A note says what the proposition is about as its text does (a fact-check's title).
            let described = format!("{}\n{}", profile.text, profile.note);
            let candidate = Candidate { text: similarity::keys(&described), around: similarity::keys(&profile.around) };
            candidates.push((claim, profile, candidate));
        }
        if seen.len() >= SCORED {
            break;
        }
    }
    let average = candidates.iter().map(|c| c.2.text.seq.len()).sum::<usize>() as f64 / candidates.len().max(1) as f64;
    let idf = |k: &Key| weights.get(k).copied().unwrap_or(usual);
    let mut scored: Vec<Match> = Vec::new();
    for (claim, profile, candidate) in candidates {
        let score = BM25 * similarity::bm25(&query, &candidate.text, average, &idf)
            + (1.0 - BM25) * similarity::score(&query, &candidate, &idf);
        if score < MIN_SCORE {
            continue;
        }
        // Words found on a merged proposition are found on the one it was merged into.
        let (profile, merged) = match profile.merged_into.as_deref() {
            Some(into) => match store::proposition_profile(conn, into)? {
                Some(into) if claim.is_some() => (
                    MatchProfile {
                        proposition: into.proposition,
                        status: into.status,
                        verdict: into.verdict,
                        ..profile
                    },
                    vec![profile.proposition],
                ),
                Some(into) => (into, vec![profile.proposition]),
                None => (profile, Vec::new()),
            },
            None => (profile, Vec::new()),
        };
        let same = scored
            .iter_mut()
            .find(|m| claim.is_none() && m.claim.is_none() && m.profile.proposition == profile.proposition);
        match same {
            Some(m) => {
                m.score = m.score.max(score);
                m.merged.extend(merged);
                m.merged.sort();
                m.merged.dedup();
            }
            None => scored.push(Match { claim, profile, score, merged }),
        }
    }
    // Scores equal but for rounding are equal: the earlier record comes first.
    let key = |m: &Match| (m.score * 1e9).round() as i64;
    scored.sort_by(|a, b| key(b).cmp(&key(a)).then_with(|| a.profile.order.cmp(&b.profile.order)));
    scored.truncate(limit);
    Ok(scored)
}
