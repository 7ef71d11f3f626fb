//! What the index holds for a text, and how a word of a query is read the same way.
//!
//! A text is cut into words at anything that is not a letter, digit or mark. Each word is
//! folded (case, accents, Arabic and Cyrillic letter variants) for the `words` column and
//! stemmed for the `stems` column: exact forms meet in `words`, other forms of the same word in
//! `stems`. Chinese, Japanese and Korean are written without spaces, so a run of their
//! characters goes into `words` as overlapping character bigrams ending with the last character
//! alone (any substring of two or more characters is a phrase of adjacent bigrams; one
//! character is a prefix of a bigram) and into `stems` as jieba's words, which only rank.
//!
//! Any change to what this module makes of a text, a jieba-rs or whatlang upgrade included,
//! needs a migration that re-queues every record, or `verify` reports the old entries.

use jieba_rs::Jieba;
use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::FxHashMap;
use std::cell::RefCell;
use std::sync::OnceLock;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;
use whatlang::Lang;

/// A record's index entry: space-separated terms for the FTS5 columns of the same names.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Terms {
    pub words: String,
    pub stems: String,
}

/// A stretch of a text with one meaning for search: a word, or one character of a CJK run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Token {
    /// Byte offsets in the text.
    pub start: usize,
    pub end: usize,
    /// The folded form.
    pub folded: String,
    /// The stems, for words of scripts with a stemmer (else the folded form); none for CJK.
    /// A Latin word whose language is uncertain has its English stem too.
    pub stems: Vec<String>,
    pub cjk: bool,
}

/// The index entry for a record's fields; `None` when they hold no word at all.
pub fn index_terms<'a>(fields: impl IntoIterator<Item = &'a str>) -> Option<Terms> {
    let mut terms = Terms::default();
    for field in fields {
        let tokens = tokens(field);
        let mut i = 0;
        while i < tokens.len() {
            if tokens[i].cjk {
                let run = cjk_run_len(&tokens[i..]);
                let chars: Vec<&str> = tokens[i..i + run].iter().map(|t| t.folded.as_str()).collect();
                push_all(&mut terms.words, bigram_chain(&chars, true));
                push_all(&mut terms.stems, jieba_words(&chars.concat()));
                i += run;
            } else {
                push(&mut terms.words, &tokens[i].folded);
                tokens[i].stems.iter().for_each(|s| push(&mut terms.stems, s));
                i += 1;
            }
        }
    }
    (!terms.words.is_empty()).then_some(terms)
}

/// How many tokens from the start of `tokens` are one unbroken CJK run.
pub fn cjk_run_len(tokens: &[Token]) -> usize {
    tokens.windows(2).take_while(|w| w[0].cjk && w[1].cjk && w[0].end == w[1].start).count() + 1
}

fn push(out: &mut String, term: &str) {
    if !out.is_empty() {
        out.push(' ');
    }
    out.push_str(term);
}

fn push_all(out: &mut String, terms: impl IntoIterator<Item = String>) {
    terms.into_iter().for_each(|t| push(out, &t));
}

/// A CJK run's bigrams; with `last`, its last character alone after them (a run of one
/// character is that character).
pub fn bigram_chain(chars: &[&str], last: bool) -> Vec<String> {
    let mut out: Vec<String> = chars.windows(2).map(|w| w.concat()).collect();
    if last || chars.len() == 1 {
        out.extend(chars.last().map(|c| c.to_string()));
    }
    out
}

/// jieba's words for a folded CJK run. The dictionary is loaded on first use only.
fn jieba_words(run: &str) -> Vec<String> {
    static JIEBA: OnceLock<Jieba> = OnceLock::new();
    JIEBA.get_or_init(Jieba::new).cut(run, true).into_iter().map(|t| t.word.to_string()).collect()
}

/// The words of a text, with their folded forms and stems, in order.
pub fn tokens(text: &str) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    let mut language: Option<Option<(Algorithm, bool)>> = None;
    let ukrainian =
        !text.is_ascii() && text.chars().any(|c| matches!(c, 'і' | 'ї' | 'є' | 'ґ' | 'І' | 'Ї' | 'Є' | 'Ґ'));
    for (start, end, cjk) in pieces(text) {
        let piece = &text[start..end];
        if cjk {
            for (offset, c) in piece.char_indices() {
                // A voicing mark belongs to the kana before it.
                if is_combining_mark(c) && offset > 0 {
                    if let Some(prev) = out.last_mut().filter(|p| p.end == start + offset) {
                        prev.end = start + offset + c.len_utf8();
                        prev.folded = fold(&text[prev.start..prev.end]);
                    }
                    continue;
                }
                let end = start + offset + c.len_utf8();
                let folded = fold(&text[start + offset..end]);
                if !folded.is_empty() {
                    out.push(Token { start: start + offset, end, folded, stems: Vec::new(), cjk: true });
                }
            }
            continue;
        }
        let unstemmed = fold_keeping_teh_marbuta(piece);
        if unstemmed.is_empty() {
            continue;
        }
        let folded = teh_marbuta_as_heh(&unstemmed);
        let ways = match script(piece) {
            Script::Latin => match *language.get_or_insert_with(|| latin_language(text)) {
                Some((lang, true)) if lang != Algorithm::English => vec![Stemming::Snowball(lang)],
                Some((lang, false)) if lang != Algorithm::English => {
                    vec![Stemming::Snowball(lang), Stemming::Snowball(Algorithm::English)]
                }
                _ => vec![Stemming::Snowball(Algorithm::English)],
            },
            Script::Cyrillic if ukrainian => vec![Stemming::Ukrainian],
            Script::Cyrillic => vec![Stemming::Snowball(Algorithm::Russian)],
            Script::Arabic => vec![Stemming::Snowball(Algorithm::Arabic)],
            Script::Greek => vec![Stemming::Snowball(Algorithm::Greek)],
            Script::Other => vec![Stemming::None],
        };
        let mut stems: Vec<String> = ways.into_iter().map(|w| w.stem(&unstemmed)).collect();
        stems.dedup();
        out.push(Token { start, end, folded, stems, cjk: false });
    }
    out
}

/// The (start, end, is CJK) byte ranges of a text's words: runs of letters, digits and marks,
/// split where CJK characters meet others.
fn pieces(text: &str) -> Vec<(usize, usize, bool)> {
    let mut out: Vec<(usize, usize, bool)> = Vec::new();
    let mut last_cjk = false;
    for (i, c) in text.char_indices() {
        let end = i + c.len_utf8();
        // ASCII first: most characters of most texts, and classed without a table.
        let cjk = if c.is_ascii() {
            if !c.is_ascii_alphanumeric() {
                continue;
            }
            false
        } else if is_combining_mark(c) {
            // A mark goes with the character before it.
            last_cjk
        } else if c.is_alphanumeric() && c != 'ʼ' {
            // ʼ (U+02BC) is a letter to Unicode but an apostrophe to Ukrainian writers.
            is_cjk(c)
        } else {
            continue;
        };
        match out.last_mut() {
            Some(p) if p.1 == i && p.2 == cjk => p.1 = end,
            _ => out.push((i, end, cjk)),
        }
        last_cjk = cjk;
    }
    out
}

/// Han, kana, Hangul and Bopomofo: scripts written without spaces between words (Korean has
/// spaces, but particles join the words they follow, so it is searched the same way).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x1100..=0x11FF | 0x3005 | 0x3040..=0x30FF | 0x3100..=0x312F | 0x3130..=0x318F | 0x31F0..=0x31FF
        | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFF66..=0xFF9F
        | 0x20000..=0x3FFFF)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Script {
    Latin,
    Cyrillic,
    Arabic,
    Greek,
    Other,
}

/// The script of a word's first letter.
fn script(word: &str) -> Script {
    match word.chars().find(|c| c.is_alphabetic()).map_or(0, |c| c as u32) {
        0x41..=0x24F | 0x1E00..=0x1EFF => Script::Latin,
        0x400..=0x52F => Script::Cyrillic,
        0x600..=0x6FF | 0x750..=0x77F | 0x8A0..=0x8FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => Script::Arabic,
        0x370..=0x3FF | 0x1F00..=0x1FFF => Script::Greek,
        _ => Script::Other,
    }
}

/// The languages written in Latin script that Snowball stems, for whatlang to choose from.
const LATIN: &[(Lang, Algorithm)] = &[
    (Lang::Eng, Algorithm::English),
    (Lang::Deu, Algorithm::German),
    (Lang::Fra, Algorithm::French),
    (Lang::Spa, Algorithm::Spanish),
    (Lang::Ita, Algorithm::Italian),
    (Lang::Por, Algorithm::Portuguese),
    (Lang::Nld, Algorithm::Dutch),
    (Lang::Swe, Algorithm::Swedish),
    (Lang::Dan, Algorithm::Danish),
    (Lang::Nob, Algorithm::Norwegian),
    (Lang::Fin, Algorithm::Finnish),
    (Lang::Hun, Algorithm::Hungarian),
    (Lang::Ron, Algorithm::Romanian),
    (Lang::Tur, Algorithm::Turkish),
];

/// The stemmer for a text's Latin-script words, and whether the language is sure (whatlang's
/// reliability: a confidence above 0.9), as `whatlang::Detector` over [`LATIN`] tells them
/// (search/latin.rs, which holds the same languages).
fn latin_language(text: &str) -> Option<(Algorithm, bool)> {
    let (lang, confidence) = super::latin::detect(text)?;
    LATIN.iter().find(|l| l.0 == lang).map(|l| (l.1, confidence > 0.9))
}

/// How a word is reduced to its stem.
#[derive(Clone, Copy)]
enum Stemming {
    Snowball(Algorithm),
    Ukrainian,
    None,
}

impl Stemming {
    /// The stem of a word folded but for teh marbuta, folded in full.
    fn stem(self, folded: &str) -> String {
        match self {
            Stemming::Snowball(algorithm) => snowball_stem(algorithm, folded),
            Stemming::Ukrainian => ukrainian_stem(folded),
            Stemming::None => teh_marbuta_as_heh(folded),
        }
    }
}

/// How many Snowball stems a thread keeps for the words it meets again.
const STEMS_KEPT: usize = 1 << 16;

/// A word's Snowball stem, folded in full. Words recur from record to record and a stem costs
/// far more than a hash lookup, so each thread keeps the stems it made, up to [`STEMS_KEPT`]
/// and then afresh (memory stays flat).
fn snowball_stem(algorithm: Algorithm, folded: &str) -> String {
    thread_local! {
        static MADE: RefCell<(usize, Vec<FxHashMap<String, String>>)> = RefCell::default();
    }
    MADE.with_borrow_mut(|(kept, by_algorithm)| {
        let i = algorithm as usize;
        if by_algorithm.len() <= i {
            by_algorithm.resize_with(i + 1, FxHashMap::default);
        }
        if let Some(stem) = by_algorithm[i].get(folded) {
            return stem.clone();
        }
        let stem = snowball(algorithm).stem(folded);
        let stem = teh_marbuta_as_heh(if stem.is_empty() { folded } else { &stem });
        if *kept == STEMS_KEPT {
            by_algorithm.iter_mut().for_each(FxHashMap::clear);
            *kept = 0;
        }
        by_algorithm[i].insert(folded.to_string(), stem.clone());
        *kept += 1;
        stem
    })
}

fn snowball(algorithm: Algorithm) -> &'static Stemmer {
    static STEMMERS: OnceLock<Vec<(Algorithm, Stemmer)>> = OnceLock::new();
    let all = STEMMERS.get_or_init(|| {
        LATIN
            .iter()
            .map(|l| l.1)
            .chain([Algorithm::Russian, Algorithm::Arabic, Algorithm::Greek])
            .map(|a| (a, Stemmer::create(a)))
            .collect()
    });
    &all.iter().find(|s| s.0 == algorithm).expect("every algorithm used is created").1
}

/// Every stem a query word may have in the index: a query is too short to tell its language,
/// so a word is stemmed as each language of its script would stem it.
pub fn query_stems(word: &str) -> Vec<String> {
    let folded = fold_keeping_teh_marbuta(word);
    let ways: Vec<Stemming> = match script(word) {
        Script::Latin => LATIN.iter().map(|l| Stemming::Snowball(l.1)).collect(),
        Script::Cyrillic => vec![Stemming::Snowball(Algorithm::Russian), Stemming::Ukrainian],
        Script::Arabic => vec![Stemming::Snowball(Algorithm::Arabic)],
        Script::Greek => vec![Stemming::Snowball(Algorithm::Greek)],
        Script::Other => vec![Stemming::None],
    };
    // A stem cut down to one or two letters, or to a stop word, matches unrelated words
    // ("ankara" stemmed as Turkish is "an"): only the word itself may be that short.
    let mut stems: Vec<String> = ways
        .into_iter()
        .map(|s| s.stem(&folded))
        .filter(|stem| *stem == folded || (stem.chars().count() >= 3 && !STOP_WORDS.contains(&stem.as_str())))
        .collect();
    if stems.is_empty() {
        stems.push(teh_marbuta_as_heh(&folded));
    }
    stems.sort();
    stems.dedup();
    stems
}

/// Common words of three letters or more in the languages stemmed above, that a stem of
/// another word must never become.
const STOP_WORDS: &[&str] = &[
    "the", "and", "for", "but", "not", "was", "are", "has", "had", "his", "her", "its", "our", "you", "she", "they",
    "this", "that", "with", "from", "der", "die", "das", "und", "ein", "eine", "den", "dem", "des", "mit", "les",
    "une", "est", "pas", "que", "qui", "dans", "pour", "los", "las", "del", "por", "con", "una", "uno", "che", "per",
    "non", "gli", "della", "het", "een", "van", "och", "att", "som", "det", "med", "var", "ist",
];

/// Ukrainian inflectional endings, longest first. Snowball has no Ukrainian stemmer; this
/// light rule removes one case, number or verb ending so that the forms of a word meet.
const UKRAINIAN_ENDINGS: &[&str] = &[
    "ами", "ями", "ові", "еві", "єві", "ого", "ому", "ими", "іми", "ати", "яти", "ити", "іти", "уть", "ють", "ать",
    "ять", "ить", "ємо", "емо", "имо", "ете", "єте", "ите", "ала", "ало", "али", "ила", "ило", "или", "ах", "ях", "ам",
    "ям", "ів", "їв", "ей", "ом", "ем", "єм", "ою", "ею", "єю", "ій", "ий", "ої", "их", "іх", "им", "ім", "ти", "ть",
    "ла", "ло", "ли", "ав", "ив", "а", "я", "у", "ю", "і", "ї", "о", "е", "є", "и", "ь", "й",
];

/// A Ukrainian word without its reflexive particle and one ending, keeping at least three
/// letters.
fn ukrainian_stem(word: &str) -> String {
    let word =
        word.strip_suffix("ся").or_else(|| word.strip_suffix("сь")).filter(|w| w.chars().count() >= 3).unwrap_or(word);
    UKRAINIAN_ENDINGS
        .iter()
        .filter_map(|e| word.strip_suffix(e))
        .find(|stem| stem.chars().count() >= 3)
        .unwrap_or(word)
        .to_string()
}

/// A word folded for matching: compatibility forms (full-width, ligatures) unified, lower case,
/// accents removed from Latin, Greek, Cyrillic, Hebrew and Arabic letters (but not from й, ї
/// and ў, which are letters of their own, nor from kana), ё as е, ß as ss; Arabic without
/// harakat or tatweel, alef variants as ا, alef maksura as ي, teh marbuta as ه (writers use
/// them interchangeably at the end of a word), Persian yeh and kaf as the Arabic letters, and
/// Arabic-Indic digits as 0-9. Anything that is not a letter, digit or mark is dropped.
pub fn fold(word: &str) -> String {
    teh_marbuta_as_heh(&fold_keeping_teh_marbuta(word))
}

fn teh_marbuta_as_heh(folded: &str) -> String {
    if folded.contains('ة') {
        folded.replace('ة', "ه")
    } else {
        folded.to_string()
    }
}

/// [`fold`] but for teh marbuta, which the Arabic stemmer reads as the feminine ending
/// (a final ه it takes for a pronoun).
fn fold_keeping_teh_marbuta(word: &str) -> String {
    // Most words of most texts: nothing to normalise.
    if word.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return word.to_ascii_lowercase();
    }
    fold_by_letter(word).unwrap_or_else(|| fold_in_full(word))
}

/// A word of letters that fold one by one ([`letters`]) and Han characters (which fold to
/// themselves), folded a letter at a time from a table: what [`fold_in_full`] makes of it,
/// without normalising the word three times. `None` for any other word.
fn fold_by_letter(word: &str) -> Option<String> {
    let letters = letters();
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        match c as usize {
            0x4E00..=0x9FFF => out.push(c),
            n if n < letters.len() => out.push_str(letters[n].as_deref()?),
            _ => return None,
        }
    }
    Some(out)
}

/// What each character below Devanagari (Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic,
/// Syriac, Thaana, NKo...) folds to alone, for those whose folding in a word is the same: not
/// combining marks (they fold with the letter before them), nor what compatibility maps to Σ
/// (lower case σ or final ς depends on the next letter), nor letters whose folding keeps a mark
/// or leaves the range (no two letters of the range compose under NFC, so the rest fold alone).
fn letters() -> &'static [Option<Box<str>>] {
    static LETTERS: OnceLock<Vec<Option<Box<str>>>> = OnceLock::new();
    LETTERS.get_or_init(|| {
        (0..0x900)
            .map(|n| {
                let c = char::from_u32(n).filter(|&c| !is_combining_mark(c) && !c.nfkc().any(|c| c == 'Σ'))?;
                let folded = fold_in_full(c.encode_utf8(&mut [0; 4]));
                let alone = folded.chars().all(|f| !is_combining_mark(f) && (f as u32) < 0x900);
                alone.then(|| folded.into_boxed_str())
            })
            .collect()
    })
}

/// [`fold_keeping_teh_marbuta`] of any word, normalising it in full.
fn fold_in_full(word: &str) -> String {
    let lower = word.nfkc().collect::<String>().to_lowercase();
    let mut out = String::with_capacity(lower.len());
    let mut base = ' ';
    for c in lower.nfd() {
        if is_combining_mark(c) {
            if keeps_mark(base, c) {
                out.push(c);
            }
            continue;
        }
        base = c;
        match c {
            'ß' => out.push_str("ss"),
            'æ' => out.push_str("ae"),
            'œ' => out.push_str("oe"),
            'ø' => out.push('o'),
            'ł' => out.push('l'),
            'đ' => out.push('d'),
            'ı' => out.push('i'),
            'ٱ' => out.push('ا'),
            'ى' | 'ی' => out.push('ي'),
            'ک' => out.push('ك'),
            'ـ' => {}
            '٠'..='٩' => out.push(char::from(b'0' + (c as u32 - 0x660) as u8)),
            '۰'..='۹' => out.push(char::from(b'0' + (c as u32 - 0x6F0) as u8)),
            c if c.is_alphanumeric() => out.push(c),
            _ => {}
        }
    }
    out.nfc().collect()
}

/// Whether a combining mark after `base` is part of the letter rather than an accent.
fn keeps_mark(base: char, mark: char) -> bool {
    match base as u32 {
        // й and ў (breve), ї and other diaeresis letters but ё.
        0x400..=0x52F => mark == '\u{306}' || (mark == '\u{308}' && base != 'е'),
        0x41..=0x24F | 0x1E00..=0x1EFF | 0x370..=0x3FF | 0x1F00..=0x1FFF | 0x590..=0x5FF | 0x600..=0x6FF => false,
        0x750..=0x77F | 0x8A0..=0x8FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => false,
        // Other scripts' marks are vowels and voicing (Devanagari, kana): part of the word.
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> String {
        index_terms([text]).map(|t| t.words).unwrap_or_default()
    }

    fn stems(text: &str) -> String {
        index_terms([text]).map(|t| t.stems).unwrap_or_default()
    }

    #[test]
    fn folding_removes_case_accents_and_letter_variants() {
        assert_eq!(fold("Brückner"), "bruckner");
        assert_eq!(fold("ÉTÉ"), "ete");
        assert_eq!(fold("Straße"), "strasse");
        assert_eq!(fold("Ｋｕｐｏｌ"), "kupol");
        assert_eq!(fold("Всё"), "все");
        assert_eq!(fold("ЙОГО"), "його", "й is a letter of its own");
        assert_eq!(fold("Її"), "її");
        assert_eq!(fold("за́мок"), "замок", "stress marks go");
        // Harakat, tatweel, alef variants, alef maksura, teh marbuta.
        assert_eq!(fold("الْمُسَيَّرَة"), "المسيره");
        assert_eq!(fold("أحمد"), fold("احمد"));
        assert_eq!(fold("إسرائيل"), fold("اسرائيل"));
        assert_eq!(fold("آخر"), "اخر");
        assert_eq!(fold("ٱلله"), "الله");
        assert_eq!(fold("مستشفى"), "مستشفي");
        assert_eq!(fold("كـــتب"), "كتب");
        assert_eq!(fold("٢٠٢٥"), "2025");
        assert_eq!(fold("が"), "が", "kana keep their voicing");
        assert_eq!(fold("हिंदी"), "हिंदी", "Devanagari keeps its vowel signs");
    }

    #[test]
    fn words_split_at_punctuation_and_keep_order() {
        assert_eq!(words("Neutral, fair — position!"), "neutral fair position");
        assert_eq!(words("re-testing l'armée Приозер’я"), "re testing l armee приозер я");
        assert_eq!(words("№054321"), "054321");
        assert_eq!(index_terms(["", " ;-) 🚀"]), None, "no words, no entry");
        // Fields follow each other.
        assert_eq!(index_terms(["Kupol", "drones"]).unwrap().words, "kupol drones");
    }

    #[test]
    fn cjk_runs_become_bigrams_ending_in_the_last_character() {
        assert_eq!(words("坚持客观公正"), "坚持 持客 客观 观公 公正 正");
        assert_eq!(words("毛宁：中方"), "毛宁 宁 中方 方");
        assert_eq!(words("Kupol无人机 test"), "kupol 无人 人机 机 test");
        assert_eq!(words("好"), "好");
        assert_eq!(words("ｶﾀｶﾅ"), "カタ タカ カナ ナ", "half-width kana are folded");
        assert_eq!(words("대한민국"), "대한 한민 민국 국");
        // jieba's words go to stems, in order.
        assert_eq!(stems("中方坚持客观公正立场"), "中方 坚持 客观 公正 立场");
    }

    #[test]
    fn words_are_stemmed_in_their_language() {
        let stem_of = |text: &str, word: &str| {
            tokens(text).into_iter().find(|t| t.folded == fold(word)).map(|t| t.stems[0].clone()).unwrap()
        };
        // English, German, French, Russian, Ukrainian, Arabic: two forms, one stem.
        let en = "The ministry denied that its experts had helped with the drones";
        assert_eq!(stem_of(en, "denied"), stem_of("The ministry denies everything it is accused of", "denies"));
        let de = "Die Behörde bestätigt, dass die Drohne abgestürzt ist und die Drohnen geprüft werden";
        assert_eq!(stem_of(de, "Drohne"), stem_of(de, "Drohnen"));
        let fr = "Le ministère a démenti toute négociation et les négociations continuent";
        assert_eq!(stem_of(fr, "négociation"), stem_of(fr, "négociations"));
        let ru = "Министерство опровергло публикацию, но публикация осталась на сайте";
        assert_eq!(stem_of(ru, "публикацию"), stem_of(ru, "публикация"));
        let uk = "Міністерство спростувало публікацію, але публікація залишилася на сайті публікації";
        assert_eq!(stem_of(uk, "публікацію"), "публікаці");
        assert_eq!(stem_of(uk, "публікація"), "публікаці");
        assert_eq!(stem_of(uk, "публікації"), "публікаці");
        assert_eq!(stem_of("نفت الوزارة التقرير", "التقرير"), stem_of("هذا تقرير كاذب", "تقرير"));
    }

    #[test]
    fn ukrainian_endings_leave_three_letters() {
        assert_eq!(words("Приозерʼя"), words("Приозер’я"));
        assert_eq!(ukrainian_stem("дронами"), "дрон");
        assert_eq!(ukrainian_stem("дронів"), "дрон");
        assert_eq!(ukrainian_stem("дрон"), "дрон");
        assert_eq!(ukrainian_stem("її"), "її");
        assert_eq!(ukrainian_stem("залишилася"), "залиш");
        assert_eq!(ukrainian_stem("залишився"), "залиш");
        assert_eq!(ukrainian_stem("заявили"), "заяв");
    }

    #[test]
    fn a_query_word_is_stemmed_every_way_its_script_allows() {
        let stems = query_stems("Drohnen");
        assert!(stems.contains(&"drohn".to_string()), "{stems:?}");
        assert!(query_stems("публікацію").contains(&"публікаці".to_string()));
        assert_eq!(query_stems("2025"), ["2025"]);
    }

    #[test]
    fn letters_fold_one_by_one_as_words_fold_in_full() {
        for c in (0x4E00..=0x9FFF).filter_map(char::from_u32) {
            assert_eq!(fold_in_full(&c.to_string()), c.to_string(), "{c} folds to itself");
        }
        let alone: Vec<char> =
            (0..0x900).filter(|&n| letters()[n].is_some()).filter_map(|n| char::from_u32(n as u32)).collect();
        assert!(alone.len() > 1000, "{}", alone.len());
        // Each letter beside a spread of the others, before and after.
        for (i, &a) in alone.iter().enumerate() {
            for b in alone.iter().skip(i % 17).step_by(17) {
                let word: String = [a, *b, a, '中'].iter().collect();
                assert_eq!(fold_by_letter(&word).as_deref(), Some(fold_in_full(&word).as_str()), "{word}");
            }
        }
        // Words that must fold in full: a mark, a final sigma, a letter outside the table.
        for word in ["e\u{301}", "ΟΔΟΣ", "हिंदी", "ｶﾀ"] {
            assert_eq!(fold_by_letter(word), None, "{word}");
        }
        assert_eq!(fold("ΟΔΟΣ"), "οδος");
        assert_eq!(fold("Ёлка"), "елка");
    }

    /// whatlang's answer for a text, as claimtrack asked it before search/latin.rs.
    fn whatlang_language(text: &str) -> Option<(Algorithm, bool)> {
        let detector = whatlang::Detector::with_allowlist(LATIN.iter().map(|l| l.0).collect());
        let info = detector.detect(text).filter(|info| info.script() == whatlang::Script::Latin)?;
        LATIN.iter().find(|l| l.0 == info.lang()).map(|l| (l.1, info.is_reliable()))
    }

    #[test]
    fn the_latin_languages_are_whatlangs_and_detected_as_it_detects_them() {
        let mut ours: Vec<Lang> = LATIN.iter().map(|l| l.0).collect();
        let mut table = crate::search::latin::languages().to_vec();
        ours.sort_by_key(|l| l.code());
        table.sort_by_key(|l| l.code());
        assert_eq!(ours, table);
        let sentences = [
            "The ministry denied that its experts had helped with the drones",
            "Die Behörde bestätigt, dass die Drohne abgestürzt ist und die Drohnen geprüft werden",
            "Le ministère a démenti toute négociation et les négociations continuent",
            "El ministerio negó que sus expertos hubieran ayudado con los drones ¿verdad?",
            "Il ministero ha smentito che i suoi esperti abbiano aiutato con i droni",
            "O ministério negou que os seus especialistas tivessem ajudado com os drones",
            "Het ministerie ontkende dat zijn experts hadden geholpen met de drones",
            "Ministeriet förnekade att dess experter hade hjälpt till med drönarna",
            "Ministeriet afviste, at dets eksperter havde hjulpet med dronerne",
            "Departementet nektet for at ekspertene hadde hjulpet med dronene",
            "Ministeriö kiisti, että sen asiantuntijat olisivat auttaneet droonien kanssa",
            "A minisztérium tagadta, hogy szakértői segítettek volna a drónokkal",
            "Ministerul a negat că experții săi au ajutat cu dronele",
            "Bakanlık, uzmanlarının insansız hava araçlarına yardım ettiğini yalanladı İstanbul",
            "Kupol 2025 №054321 — Brücke, İİ ĳ œuvre Straße ÆØÅ şţ",
            "Министерство опровергло публикацию, но Kupol осталась на сайте",
            "毛宁：中方坚持客观公正 Kupol",
        ];
        let words: Vec<&str> = sentences.iter().flat_map(|s| s.split(' ')).collect();
        let mut texts: Vec<String> = sentences.iter().map(|s| s.to_string()).collect();
        texts.extend(words.iter().map(|w| w.to_string()));
        // Mixtures of every length, from a fixed sequence.
        let mut seed: u64 = 27;
        for _ in 0..3000 {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let length = 1 + (seed >> 33) as usize % 60;
            let text: Vec<&str> = (0..length)
                .map(|i| words[((seed >> 13) as usize).wrapping_add(i * ((seed >> 40) as usize % 7 + 1)) % words.len()])
                .collect();
            texts.push(text.join(if seed.is_multiple_of(3) { ", " } else { " " }));
        }
        for text in &texts {
            assert_eq!(latin_language(text), whatlang_language(text), "{text}");
        }
    }

    #[test]
    fn tokens_point_at_the_text() {
        let text = "Ёлка «客观» Brücke";
        let t = tokens(text);
        let shown: Vec<&str> = t.iter().map(|t| &text[t.start..t.end]).collect();
        assert_eq!(shown, ["Ёлка", "客", "观", "Brücke"]);
        assert_eq!(t[0].folded, "елка");
        assert!(t[1].cjk && !t[3].cjk);
    }
}
