//! The language of a Latin-script text, for its stems: whatlang 0.18's combined detection
//! (letters and trigrams) among the languages claimtrack stems, with the answer
//! `whatlang::Detector::with_allowlist` gives over them, step for step, but cheaper. whatlang
//! looks each of a language's 300 trigrams up among the text's, language after language
//! (4,200 lookups a text); this looks each of the text's trigrams up once in one table of
//! every language's. The answer chooses the stemmer, so any difference from whatlang changes
//! the index (terms.rs): the tests compare the two over texts of every language.

use rustc_hash::FxHashMap;
use std::cmp::Reverse;
use std::sync::OnceLock;
use whatlang::Lang;

/// The trigram profiles of whatlang 0.18 (src/trigrams/profiles.rs; MIT licence, Serhii
/// Potapov; the notice is in latin_trigrams.LICENSE) for these languages, in whatlang's order:
/// a line each, its code, a tab, then its 300 trigrams, most frequent first.
const PROFILES: &str = include_str!("latin_trigrams.txt");

/// The letters of each language (whatlang's src/alphabets/latin.rs), in the order of
/// [`PROFILES`], which is also their order among whatlang's Latin languages.
const ALPHABETS: [&str; 14] = [
    "abcdefghijklmnopqrstuvwxyz¡¿áéíñóúü",
    "abcdefghijklmnopqrstuvwxyz",
    "abcdefghijklmnopqrstuvwxyzàáâãçéêíóôõú",
    "abcdefghijklmnopqrstuvwxyzàâçèéêëîïôùûüÿœ",
    "abcdefghijklmnopqrstuvwxyzßäöü",
    "abcdefghijklmnopqrstuvwxyzàèéìòù",
    "abcdefghijklmnopqrstuvwxyzçöüğış̇",
    "abcdefghijklmnopqrstuvwxyzâîăşţ",
    "abcdefghijklmnopqrstuvwxyzàèéëïĳ",
    "abcdefghijklmnopqrstuvwxyzáéíóöúüőű",
    "abcdefghijklmnopqrstuvwxyzäåö",
    "abcdefghijklmnopqrstuvwxyzäöšž",
    "abcdefghijklmnopqrstuvwxyzåæø",
    "abcdefghijklmnopqrstuvwxyzåæø",
];

/// whatlang's constants: a trigram's greatest distance, and how many of a text's are ranked.
const MAX_TRIGRAM_DISTANCE: i64 = 300;
const TEXT_TRIGRAMS_SIZE: usize = 600;

type Trigram = (char, char, char);

struct Table {
    langs: Vec<Lang>,
    /// Each letter of any alphabet, with a bit for each language whose alphabet has it.
    letters: Vec<(char, u16)>,
    /// Each trigram of any profile, with (language, rank) for each profile that has it.
    trigrams: FxHashMap<Trigram, Vec<(usize, i64)>>,
    /// How many trigrams each profile has.
    sizes: Vec<i64>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut langs = Vec::new();
        let mut trigrams: FxHashMap<Trigram, Vec<(usize, i64)>> = FxHashMap::default();
        let mut sizes = Vec::new();
        for (l, line) in PROFILES.lines().enumerate() {
            let (code, profile) = line.split_once('\t').expect("a code, a tab, the trigrams");
            langs.push(Lang::from_code(code).expect("whatlang's code"));
            let chars: Vec<char> = profile.chars().collect();
            for (rank, t) in chars.chunks(3).enumerate() {
                trigrams.entry((t[0], t[1], t[2])).or_default().push((l, rank as i64));
            }
            sizes.push((chars.len() / 3) as i64);
        }
        let mut letters: Vec<(char, u16)> = Vec::new();
        for (l, alphabet) in ALPHABETS.iter().enumerate() {
            for c in alphabet.chars() {
                match letters.iter_mut().find(|x| x.0 == c) {
                    Some(x) => x.1 |= 1 << l,
                    None => letters.push((c, 1 << l)),
                }
            }
        }
        letters.sort_unstable();
        Table { langs, letters, trigrams, sizes }
    })
}

/// The languages told apart, in whatlang's order.
#[cfg(test)]
pub fn languages() -> &'static [Lang] {
    &table().langs
}

/// The language of a text and how sure of it whatlang would be (its confidence, 0 to 1), if
/// the text is mostly Latin script.
pub fn detect(text: &str) -> Option<(Lang, f64)> {
    if whatlang::detect_script(text) != Some(whatlang::Script::Latin) {
        return None;
    }
    let table = table();
    let lower = text.to_lowercase();
    let (letters, by_letters) = letter_scores(table, &lower);
    let (count, by_trigrams) = trigram_scores(table, &lower);
    // whatlang's combined score: the letters weigh less the longer the text.
    let letters_weight = (-(letters as f64 / 300.0) + 2.0 / 3.0).clamp(1.0 / 3.0, 2.0 / 3.0);
    let trigrams_weight = 1.0 - letters_weight;
    let mut scores: Vec<(Lang, f64)> = by_letters
        .iter()
        .map(|&(lang, a)| {
            let t = by_trigrams.iter().find(|s| s.0 == lang).map_or(0.0, |s| s.1);
            (lang, a * letters_weight + t * trigrams_weight)
        })
        .collect();
    scores.sort_unstable_by(|a, b| b.1.partial_cmp(&a.1).unwrap_or(std::cmp::Ordering::Less));
    let (lang, first) = scores[0];
    Some((lang, confidence(first, scores[1].1, count)))
}

/// How many letters (characters that are not whatlang's stop characters) the lower-case text
/// has, and each language's score for them, best first: twice the letters of its alphabet
/// less all the letters, over all the letters.
fn letter_scores(table: &Table, lower: &str) -> (usize, Vec<(Lang, f64)>) {
    let mut all = 0;
    let mut in_alphabet = [0usize; ALPHABETS.len()];
    for c in lower.chars().filter(|&c| !is_stop_char(c)) {
        all += 1;
        if let Ok(i) = table.letters.binary_search_by_key(&c, |l| l.0) {
            let mut langs = table.letters[i].1;
            while langs != 0 {
                in_alphabet[langs.trailing_zeros() as usize] += 2;
                langs &= langs - 1;
            }
        }
    }
    let mut raw: Vec<(Lang, usize)> =
        table.langs.iter().zip(in_alphabet).map(|(&lang, n)| (lang, n.saturating_sub(all))).collect();
    raw.sort_unstable_by_key(|(_, score)| Reverse(*score));
    (all, raw.into_iter().map(|(lang, score)| (lang, score as f64 / all as f64)).collect())
}

/// How many distinct trigrams of the text are ranked, and each language's score, best first:
/// one less the distance of its profile from the text's trigrams in order of frequency.
fn trigram_scores(table: &Table, lower: &str) -> (usize, Vec<(Lang, f64)>) {
    // Fx, not SipHash: a long text counts a trigram per letter, and SipHash was most of that.
    let mut counts: FxHashMap<Trigram, u32> = FxHashMap::default();
    counts.reserve(lower.len().min(2048));
    let mut chars = lower.chars().map(|c| if is_stop_char(c) { ' ' } else { c }).chain(Some(' '));
    let (mut c1, mut c2) = (' ', chars.next().expect("a space at the end at least"));
    for c3 in chars {
        if !(c2 == ' ' && (c1 == ' ' || c3 == ' ')) {
            *counts.entry((c1, c2, c3)).or_insert(0) += 1;
        }
        (c1, c2) = (c2, c3);
    }
    let mut ranked: Vec<(u32, Trigram)> = counts.into_iter().map(|(t, n)| (n, t)).collect();
    ranked.sort_unstable_by(|a, b| b.cmp(a));
    ranked.truncate(TEXT_TRIGRAMS_SIZE);
    // A profile's trigram absent from the text is MAX_TRIGRAM_DISTANCE away; one present,
    // as far as their ranks differ.
    let mut distances: Vec<i64> = table.sizes.iter().map(|n| n * MAX_TRIGRAM_DISTANCE).collect();
    for (rank, (_, trigram)) in ranked.iter().enumerate() {
        for &(lang, in_profile) in table.trigrams.get(trigram).map_or(&[][..], Vec::as_slice) {
            distances[lang] += (rank as i64 - in_profile).abs() - MAX_TRIGRAM_DISTANCE;
        }
    }
    let count = ranked.len() as i64;
    let max_total = MAX_TRIGRAM_DISTANCE * MAX_TRIGRAM_DISTANCE;
    let mut by_distance: Vec<(Lang, i64)> = table
        .langs
        .iter()
        .zip(distances)
        .map(|(&lang, d)| {
            let d = if MAX_TRIGRAM_DISTANCE > count {
                d - (MAX_TRIGRAM_DISTANCE - count) * MAX_TRIGRAM_DISTANCE
            } else {
                d
            };
            (lang, d.clamp(0, max_total))
        })
        .collect();
    by_distance.sort_unstable_by_key(|(_, d)| *d);
    let max = count * MAX_TRIGRAM_DISTANCE;
    (ranked.len(), by_distance.into_iter().map(|(lang, d)| (lang, (max - d) as f64 / max as f64)).collect())
}

/// whatlang's confidence in the best score given the second.
fn confidence(first: f64, second: f64, count: usize) -> f64 {
    if first == 0.0 {
        return 0.0;
    }
    if second == 0.0 {
        return first;
    }
    let confident_rate = (3.0 / count as f64) + 0.015;
    let rate = (first - second) / second;
    if rate > confident_rate {
        1.0
    } else {
        rate / confident_rate
    }
}

/// Punctuation, digits and symbols of ASCII, which whatlang reads as spaces.
fn is_stop_char(c: char) -> bool {
    matches!(c, '\u{0000}'..='\u{0040}' | '\u{005B}'..='\u{0060}' | '\u{007B}'..='\u{007E}')
}
