//! Which propositions are the same matter as a text, however it is worded: the records
//! holding most of the text's rarest keys, weighed by rarity, are candidates (read from the
//! index's lists, `store::term_entries`, without FTS5's bm25), each scored
//! against its text and note, and what is around it: half BM25 over all the text's keys
//! (`similarity::bm25`), half the IDF-weighted cosine with phrase and entity overlap
//! (`similarity::score`). A proposition merged into another stands for the one it was merged
//! into. Best first; of two scored alike, the one logged first (the original, where the
//! other is a copy).

use crate::error::Result;
use crate::search::similarity::{self, Candidate, Key, Keys};
use crate::store::{self, Conn, MatchProfile};
use std::collections::{HashMap, HashSet};

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
    /// What the score was made of ([`FEATURES`] of them), for fitting the weights.
    pub features: [f64; FEATURES],
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
/// How many of a proposition's claims' quotes are read to score it.
const QUOTES: usize = 8;
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
    let mut seen = HashSet::new();
    let mut candidates: Vec<Found> = Vec::new();
    for (entry, held) in found {
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
            let (own, note) = (similarity::keys(&profile.text), similarity::keys(&profile.note));
            let mut text = own.clone();
            text.seq.extend(note.seq.iter().cloned());
            text.entities.extend(note.entities.iter().cloned());
            let candidate = Candidate { text, around: similarity::keys(&profile.around) };
            let position = candidates.len();
            // How a proposition was worded where it appeared: its claims' quotes (a claim
            // ranked is its own quote).
            let quotes = match claim {
                Some(_) => Vec::new(),
                None => store::proposition_quotes(conn, &profile.proposition, QUOTES)?
                    .iter()
                    .map(|q| similarity::keys(&similarity::clean_post(q)))
                    .collect(),
            };
            candidates.push(Found { claim, profile, candidate, own, note, quotes, held, position });
        }
        if seen.len() >= SCORED {
            break;
        }
    }
    let mean =
        |f: &dyn Fn(&Found) -> usize| candidates.iter().map(f).sum::<usize>() as f64 / candidates.len().max(1) as f64;
    let averages = [mean(&|c| c.candidate.text.seq.len()), mean(&|c| c.own.seq.len()), mean(&|c| c.note.seq.len())];
    let idf = |k: &Key| weights.get(k).copied().unwrap_or(usual);
    let searched_weight: f64 = searched.iter().map(|(_, k, _)| weights[k]).sum();
    let mut scored: Vec<Match> = Vec::new();
    for found in candidates {
        let features = features(&query, &found, &averages, searched_weight, &idf);
        let score = BM25 * features[3] + (1.0 - BM25) * features[14];
        let Found { claim, profile, .. } = found;
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
            None => scored.push(Match { claim, profile, score, merged, features }),
        }
    }
    // Scores equal but for rounding are equal: the earlier record comes first.
    let key = |m: &Match| (m.score * 1e9).round() as i64;
    scored.sort_by(|a, b| key(b).cmp(&key(a)).then_with(|| a.profile.order.cmp(&b.profile.order)));
    scored.truncate(limit);
    Ok(scored)
}

/// A candidate as read for scoring: its keys (text and note together, and each alone), the
/// weight of the rare keys it holds, and its place among the candidates.
struct Found {
    claim: Option<String>,
    profile: MatchProfile,
    candidate: Candidate,
    own: Keys,
    note: Keys,
    quotes: Vec<Keys>,
    held: f64,
    position: usize,
}

/// How many numbers describe a candidate for the re-ranking.
pub const FEATURES: usize = 17;

/// The share of the weight of `keys`' distinct keys that `query` holds too.
fn covered(keys: &Keys, query: &HashSet<&Key>, idf: &dyn Fn(&Key) -> f64) -> f64 {
    let distinct: HashSet<&Key> = keys.seq.iter().collect();
    let total: f64 = distinct.iter().map(|k| idf(k)).sum();
    if total == 0.0 {
        return 0.0;
    }
    distinct.iter().filter(|k| query.contains(*k)).map(|k| idf(k)).sum::<f64>() / total
}

/// What a candidate shares with the query, as numbers: the parts of `similarity::score`,
/// BM25 over text and note together and each alone, how much of the text and of the note the
/// query covers, the rare keys' weight held and the candidate's place, the numbers shared and
/// not, the query's entities found, the lengths' ratio, `similarity::score` itself, the
/// best cosine with one of its quotes and how many were read.
fn features(query: &Keys, c: &Found, averages: &[f64; 3], searched: f64, idf: &dyn Fn(&Key) -> f64) -> [f64; FEATURES] {
    let parts = similarity::parts(query, &c.candidate, idf);
    let score = similarity::score(query, &c.candidate, idf);
    let asked: HashSet<&Key> = query.seq.iter().collect();
    let number = |k: &&Key| matches!(k, Key::Stem(s) if s.starts_with(|ch: char| ch.is_ascii_digit()));
    let numbers: HashSet<&Key> = c.candidate.text.seq.iter().filter(number).collect();
    let shared_numbers = numbers.iter().filter(|k| asked.contains(*k)).count() as f64;
    let (shared_numbers, other_numbers) = if numbers.is_empty() {
        (0.0, 0.0)
    } else {
        (shared_numbers / numbers.len() as f64, 1.0 - shared_numbers / numbers.len() as f64)
    };
    let holds: HashSet<&Key> = c.candidate.text.seq.iter().chain(&c.candidate.around.seq).collect();
    let entity_weight: f64 = query.entities.iter().map(idf).sum();
    let entities = if entity_weight == 0.0 {
        0.0
    } else {
        query.entities.iter().filter(|k| holds.contains(k)).map(idf).sum::<f64>() / entity_weight
    };
    let quoted = c
        .quotes
        .iter()
        .map(|q| similarity::parts(query, &Candidate { text: q.clone(), around: Keys::default() }, idf).cosine)
        .fold(0.0, f64::max);
    let ratio = ((c.candidate.text.seq.len().max(1) as f64) / (query.seq.len().max(1) as f64)).ln();
    [
        parts.cosine,
        parts.phrase,
        parts.around,
        similarity::bm25(query, &c.candidate.text, averages[0], idf),
        similarity::bm25(query, &c.own, averages[1], idf),
        similarity::bm25(query, &c.note, averages[2], idf),
        covered(&c.own, &asked, idf),
        covered(&c.note, &asked, idf),
        if searched > 0.0 { c.held / searched } else { 0.0 },
        (1.0 + c.position as f64).ln(),
        shared_numbers,
        other_numbers,
        entities,
        ratio,
        score,
        quoted,
        (1.0 + c.quotes.len() as f64).ln(),
    ]
}
