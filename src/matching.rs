//! Which propositions are the same matter as a text, however it is worded: the index's bm25
//! over the text's rarest keys gives candidates (`store::match_candidates`), each scored
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
/// common to find candidates with: it would make bm25 read most of the index (it still
/// counts in the score).
const COMMON: f64 = 0.002;
const FEW: f64 = 3000.0;
/// Below this score a record shares no more than common words with the text.
const MIN_SCORE: f64 = 0.1;
/// How many index matches are read as candidates, and how many distinct ones are scored.
const INDEX_MATCHES: usize = 300;
const SCORED: usize = 100;
/// The share of the score BM25 makes (the rest is `similarity::score`): measured on the
/// CLEF 2020 dev split (BENCHMARKS.md), the blend ranks better than either alone.
const BM25: f64 = 0.5;
/// How many of the propositions naming a party found are scored.
const NAMED: usize = 20;

/// The records most like `text`, at most `limit`, best first; none when it has no words.
pub fn rank(conn: &Conn, text: &str, ranked: Ranked, limit: usize) -> Result<Vec<Match>> {
    let query = similarity::keys(&similarity::clean_post(text));
    let total = store::indexed_records(conn)?;
    let mut counts: HashMap<Key, u64> = HashMap::new();
    let mut count = |k: &Key| -> Result<u64> {
        if let Some(n) = counts.get(k) {
            return Ok(*n);
        }
        let (column, term) = k.column();
        let n = store::term_records(conn, column, term)?;
        counts.insert(k.clone(), n);
        Ok(n)
    };
    let mut searched: Vec<(u64, Key)> = Vec::new();
    for k in &query.seq {
        let n = count(k)?;
        if n > 0 && !searched.iter().any(|s| s.1 == *k) {
            searched.push((n, k.clone()));
        }
    }
    searched.sort();
    let rare = searched.iter().filter(|s| (s.0 as f64) <= (COMMON * total as f64).max(FEW)).count();
    searched.truncate(rare.max(3.min(searched.len())).min(KEYS_SEARCHED));
    if searched.is_empty() {
        return Ok(Vec::new());
    }
    let fts: Vec<String> = searched.iter().map(|(_, k)| format!("{} : \"{}\"", k.column().0, k.column().1)).collect();
    let found = store::match_candidates(conn, &fts.join(" OR "), INDEX_MATCHES)?;
    // The query's keys are weighed by their rarity; a candidate's other keys by the query's
    // mean weight: counting a key's records reads its whole list in the index, too slow for
    // every word of a hundred candidates.
    let mut weights: HashMap<Key, f64> = HashMap::new();
    for k in &query.seq {
        let n = count(k)?;
        weights.insert(k.clone(), similarity::idf(total, n));
    }
    let usual = weights.values().sum::<f64>() / weights.len().max(1) as f64;
    let mut seen = std::collections::HashSet::new();
    // A party found stands for the propositions that name it.
    let mut records: Vec<(String, String)> = Vec::new();
    for f in found {
        if f.kind == "party" {
            if ranked == Ranked::Propositions {
                let named = store::propositions_naming(conn, &f.record, NAMED)?;
                records.extend(named.into_iter().map(|p| ("proposition".to_string(), p)));
            }
        } else {
            records.push((f.kind, f.record));
        }
    }
    let mut candidates: Vec<(Option<String>, MatchProfile, Candidate)> = Vec::new();
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
