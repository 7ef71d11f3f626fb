//! A deterministic generator of realistic synthetic stories, for benchmarks:
//! `cargo run --release --example gen -- --claims 1000000 --seed 1 > story.jsonl`
//! writes JSON Lines (docs/FORMAT.md); `--csv DIR` writes the same rows as one CSV file per
//! table instead, for the sqlite3 shell to import as the reference.
//!
//! `--words` prints the vocabulary instead (language, rank, word), for the benchmark's queries.
//!
//! Per million claims: 100,000 propositions, 5,000 parties (a tenth anonymous), 50,000
//! sources with derivation chains up to 5 deep and a few loops, requests for comment,
//! retractions. Quotes are about 100 characters in one language each (English, Russian,
//! Ukrainian, Chinese, Arabic, German, French), drawn from 13,500 words made of syllables with
//! a Zipf-like frequency (the word of rank r is drawn in proportion to 1/r), inflected half the
//! time.

use std::io::{BufWriter, Write};
use std::path::PathBuf;

/// SplitMix64: small, fast and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const STANCES: &[(&str, u64)] =
    &[("affirms", 38), ("denies", 18), ("qualifies", 10), ("neutral", 16), ("declined", 6), ("no-response", 12)];
const PARTY_KINDS: &[&str] =
    &["government", "official", "military", "intelligence", "company", "media", "ngo", "person", "group", "other"];
const SOURCE_KINDS: &[&str] = &["article", "document", "statement", "transcript", "social", "interview", "dataset"];

/// A language of the synthetic vocabulary: how its words are built and how often a quote is
/// in it.
struct Language {
    code: &'static str,
    /// Percent of quotes.
    share: u64,
    words: usize,
    /// Syllable onsets, nuclei and codas; for Chinese, onsets are characters and words have
    /// no spaces between them.
    onsets: &'static [&'static str],
    nuclei: &'static [&'static str],
    codas: &'static [&'static str],
    /// Inflectional endings a word takes half the time (the first, "", is the bare stem).
    endings: &'static [&'static str],
    spaced: bool,
}

const LANGUAGES: &[Language] = &[
    Language {
        code: "en",
        share: 35,
        words: 3000,
        onsets: &[
            "b", "c", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "w", "st", "tr", "pl", "ch",
            "sh", "br",
        ],
        nuclei: &["a", "e", "i", "o", "u", "ea", "ou", "ai", "ee"],
        codas: &["", "", "n", "r", "s", "t", "l", "nd", "ck", "m"],
        endings: &["", "s", "ed", "ing", "es"],
        spaced: true,
    },
    Language {
        code: "ru",
        share: 15,
        words: 2000,
        onsets: &[
            "б", "в", "г", "д", "ж", "з", "к", "л", "м", "н", "п", "р", "с", "т", "ф", "х", "ч", "ш", "пр", "ст", "кр",
        ],
        nuclei: &["а", "е", "и", "о", "у", "ы", "я", "ё"],
        codas: &["", "", "н", "р", "с", "т", "л", "к", "в"],
        endings: &["", "а", "у", "ой", "ы", "е", "ом", "ию", "ия", "ами"],
        spaced: true,
    },
    Language {
        code: "uk",
        share: 10,
        words: 1500,
        onsets: &["б", "в", "г", "ґ", "д", "ж", "з", "к", "л", "м", "н", "п", "р", "с", "т", "х", "ч", "ш", "пр", "ст"],
        nuclei: &["а", "е", "и", "і", "о", "у", "ї", "є", "я"],
        codas: &["", "", "н", "р", "с", "т", "л", "к", "в"],
        endings: &["", "а", "у", "ою", "і", "ів", "ами", "ію", "ія"],
        spaced: true,
    },
    Language {
        code: "zh",
        share: 15,
        words: 2500,
        onsets: &[],
        nuclei: &[],
        codas: &[],
        endings: &[""],
        spaced: false,
    },
    Language {
        code: "ar",
        share: 10,
        words: 1500,
        onsets: &["ب", "ت", "ج", "د", "ر", "س", "ش", "ع", "ف", "ق", "ك", "ل", "م", "ن", "ه", "و", "ي", "أ"],
        nuclei: &["ا", "و", "ي", "", "َ", "ُ"],
        codas: &["", "", "ن", "ر", "ل", "م", "ت", "ة"],
        endings: &["", "ات", "ون", "ين"],
        spaced: true,
    },
    Language {
        code: "de",
        share: 8,
        words: 1500,
        onsets: &["b", "d", "f", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "w", "z", "sch", "st", "br", "kr"],
        nuclei: &["a", "e", "i", "o", "u", "ä", "ö", "ü", "ei", "au", "ie"],
        codas: &["", "n", "r", "s", "t", "l", "ng", "ch", "ß"],
        endings: &["", "en", "e", "er", "es"],
        spaced: true,
    },
    Language {
        code: "fr",
        share: 7,
        words: 1500,
        onsets: &["b", "c", "d", "f", "g", "j", "l", "m", "n", "p", "r", "s", "t", "v", "ch", "pr", "tr"],
        nuclei: &["a", "e", "é", "i", "o", "u", "ou", "ai", "è", "ê"],
        codas: &["", "", "n", "r", "s", "t", "l"],
        endings: &["", "s", "e", "es", "ent", "ation", "ations"],
        spaced: true,
    },
];

/// The language whose share of quotes `percent` (0-99) falls in.
fn pick_language(mut percent: u64) -> usize {
    for (i, l) in LANGUAGES.iter().enumerate() {
        if percent < l.share {
            return i;
        }
        percent -= l.share;
    }
    0
}

/// Each language's words, most frequent first, and the cumulative Zipf weights (1/rank) to draw
/// them by. Built from syllables with a fixed seed: the same vocabulary for every --seed.
struct Vocabulary {
    words: Vec<Vec<String>>,
    cumulative: Vec<Vec<u64>>,
}

impl Vocabulary {
    fn new() -> Vocabulary {
        let mut rng = Rng(0x5EA7C4);
        let mut words = Vec::new();
        let mut cumulative = Vec::new();
        for lang in LANGUAGES {
            let mut seen = std::collections::HashSet::new();
            let mut list = Vec::new();
            while list.len() < lang.words {
                let word = if lang.spaced {
                    let syllables = 1 + rng.below(3) as usize;
                    (0..syllables)
                        .map(|_| {
                            let pick =
                                |rng: &mut Rng, from: &[&'static str]| from[rng.below(from.len() as u64) as usize];
                            [pick(&mut rng, lang.onsets), pick(&mut rng, lang.nuclei), pick(&mut rng, lang.codas)]
                                .concat()
                        })
                        .collect::<String>()
                } else {
                    // Chinese: one to three characters from a pool of 1,200 common-range ones.
                    let n = 1 + rng.below(3) as usize + usize::from(rng.chance(40));
                    (0..n.min(3)).map(|_| char::from_u32(0x4E00 + rng.below(1200) as u32 * 13).unwrap()).collect()
                };
                if seen.insert(word.clone()) {
                    list.push(word);
                }
            }
            let mut total = 0u64;
            cumulative.push(
                (0..list.len())
                    .map(|rank| {
                        total += 1_000_000_000 / (rank as u64 + 1);
                        total
                    })
                    .collect(),
            );
            words.push(list);
        }
        Vocabulary { words, cumulative }
    }

    fn draw(&self, rng: &mut Rng, lang: usize) -> &str {
        let weights = &self.cumulative[lang];
        let roll = rng.below(*weights.last().unwrap());
        &self.words[lang][weights.partition_point(|&w| w <= roll)]
    }

    /// A quote of about 95 characters (40 in Chinese) in one language, words in their inflected
    /// forms half the time, with a comma now and then.
    fn quote(&self, rng: &mut Rng) -> String {
        let lang = pick_language(rng.below(100));
        let spec = &LANGUAGES[lang];
        let (target, mut q) = (if spec.spaced { 95 } else { 40 }, String::new());
        while q.chars().count() < target {
            if !q.is_empty() && spec.spaced {
                q.push_str(if rng.chance(8) { ", " } else { " " });
            } else if !q.is_empty() && rng.chance(10) {
                q.push('，');
            }
            q.push_str(self.draw(rng, lang));
            if rng.chance(50) {
                q.push_str(spec.endings[rng.below(spec.endings.len() as u64) as usize]);
            }
        }
        q
    }
}

fn date(rng: &mut Rng) -> String {
    format!("20{:02}-{:02}-{:02}", 20 + rng.below(6), 1 + rng.below(12), 1 + rng.below(28))
}

fn stance(rng: &mut Rng) -> &'static str {
    let mut roll = rng.below(100);
    for (s, weight) in STANCES {
        if roll < *weight {
            return s;
        }
        roll -= weight;
    }
    "affirms"
}

/// One table's rows, as the bundle's JSON Lines or as CSV for the reference.
enum Sink {
    Jsonl(BufWriter<std::io::Stdout>),
    Csv(PathBuf, std::collections::HashMap<&'static str, csv::Writer<std::fs::File>>),
}

impl Sink {
    /// `columns` name the table's columns in order, with their values; `record` is the
    /// same row as a JSON Lines record.
    fn row(&mut self, table: &'static str, columns: &[(&str, String)], record: serde_json::Value) {
        match self {
            Sink::Jsonl(out) => {
                serde_json::to_writer(&mut *out, &record).unwrap();
                out.write_all(b"\n").unwrap();
            }
            Sink::Csv(dir, writers) => {
                let w = writers.entry(table).or_insert_with(|| {
                    let mut w = csv::Writer::from_path(dir.join(format!("{table}.csv"))).unwrap();
                    w.write_record(columns.iter().map(|c| c.0)).unwrap();
                    w
                });
                w.write_record(columns.iter().map(|c| c.1.as_str())).unwrap();
            }
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let claims: u64 = arg("--claims").map_or(10_000, |v| v.parse().expect("--claims N"));
    let mut rng = Rng(arg("--seed").map_or(1, |v| v.parse().expect("--seed N")));
    let vocabulary = Vocabulary::new();
    if args.iter().any(|a| a == "--words") {
        for (lang, words) in LANGUAGES.iter().zip(&vocabulary.words) {
            words.iter().enumerate().for_each(|(rank, w)| println!("{}\t{rank}\t{w}", lang.code));
        }
        return;
    }
    let mut sink = match arg("--csv") {
        Some(dir) => {
            std::fs::create_dir_all(&dir).unwrap();
            Sink::Csv(PathBuf::from(dir), Default::default())
        }
        None => {
            let mut out = BufWriter::with_capacity(1 << 20, std::io::stdout());
            writeln!(out, "{{\"claimtrack\":1}}").unwrap();
            Sink::Jsonl(out)
        }
    };
    let (n_props, n_parties, n_sources) = ((claims / 10).max(1), (claims / 200).max(2), (claims / 20).max(1));
    let (user, recorded) = ("bench", "2025-10-01T12:00:00.000000Z");

    for i in 0..n_parties {
        let anonymous = i % 10 == 0;
        let kind = PARTY_KINDS[rng.below(PARTY_KINDS.len() as u64) as usize];
        let (id, name) = (format!("party-{i}"), format!("Party {i} {}", vocabulary.draw(&mut rng, 0)));
        let aliases = serde_json::json!([format!("P{i}")]);
        sink.row(
            "party",
            &[
                ("id", id.clone()),
                ("name", name.clone()),
                ("kind", kind.into()),
                ("anonymous", (anonymous as u8).to_string()),
                ("country", String::new()),
                ("parent", String::new()),
                ("aliases", aliases.to_string()),
                ("logged_by", user.into()),
                ("recorded", recorded.into()),
            ],
            serde_json::json!({"type": "party", "id": id, "name": name, "kind": kind, "anonymous": anonymous,
                               "aliases": aliases, "logged_by": user, "recorded": recorded}),
        );
    }
    // Chains up to 5 deep: a source derives from an earlier one whose depth allows it; every
    // 10,000th pair derives from each other (a loop).
    let mut depth = vec![0u8; n_sources as usize];
    for i in 0..n_sources {
        let mut upstream = Vec::new();
        if i % 10_000 == 9_998 {
            upstream.push(format!("source-{}", i + 1));
        } else if i % 10_000 == 9_999 {
            upstream.push(format!("source-{}", i - 1));
        } else if i > 0 && rng.chance(50) {
            let j = rng.below(i);
            if depth[j as usize] < 4 {
                depth[i as usize] = depth[j as usize] + 1;
                upstream.push(format!("source-{j}"));
            }
        }
        let (id, title) = (
            format!("source-{i}"),
            format!("Report {i}: {}", vocabulary.quote(&mut rng).chars().take(40).collect::<String>()),
        );
        let kind = SOURCE_KINDS[rng.below(SOURCE_KINDS.len() as u64) as usize];
        let publisher = format!("party-{}", rng.below(n_parties));
        let published = date(&mut rng);
        for (position, up) in upstream.iter().enumerate() {
            if let Sink::Csv(..) = sink {
                sink.row(
                    "source_derivation",
                    &[("source", id.clone()), ("derived_from", up.clone()), ("position", position.to_string())],
                    serde_json::Value::Null,
                );
            }
        }
        sink.row(
            "source",
            &[("id", id.clone()), ("title", title.clone()), ("kind", kind.into()), ("publisher", publisher.clone()),
              ("url", String::new()), ("published", published.clone()), ("accessed", String::new()), ("reliability", "F".into()),
              ("sha256", String::new()), ("logged_by", user.into()), ("recorded", recorded.into())],
            serde_json::json!({"type": "source", "id": id, "title": title, "kind": kind, "publisher": publisher,
                               "published": published, "derived_from": upstream, "logged_by": user, "recorded": recorded}),
        );
    }
    for i in 0..n_props {
        let (id, text) = (format!("prop-{i}"), format!("Proposition {i}: {}", vocabulary.quote(&mut rng)));
        let tags = serde_json::json!([format!("tag-{}", i % 2000)]);
        let expected: Vec<String> = (0..2)
            .map(|_| format!("party-{}", rng.below(n_parties)))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        for (position, party) in expected.iter().enumerate() {
            if let Sink::Csv(..) = sink {
                sink.row(
                    "proposition_expected",
                    &[("proposition", id.clone()), ("party", party.clone()), ("position", position.to_string())],
                    serde_json::Value::Null,
                );
            }
        }
        sink.row(
            "proposition",
            &[
                ("id", id.clone()),
                ("text", text.clone()),
                ("tags", tags.to_string()),
                ("logged_by", user.into()),
                ("recorded", recorded.into()),
            ],
            serde_json::json!({"type": "proposition", "id": id, "text": text, "tags": tags, "expected": expected,
                               "logged_by": user, "recorded": recorded}),
        );
    }
    for i in 0..claims {
        let id = format!("claim-{i}");
        let prop = format!("prop-{}", rng.below(n_props));
        let party = format!("party-{}", rng.below(n_parties));
        let source = format!("source-{}", rng.below(n_sources));
        let stance = stance(&mut rng);
        let stated = date(&mut rng);
        let q = vocabulary.quote(&mut rng);
        let confidence = format!("{:.2}", 0.3 + rng.below(70) as f64 / 100.0);
        sink.row(
            "claim",
            &[("id", id.clone()), ("proposition", prop.clone()), ("party", party.clone()), ("stance", stance.into()),
              ("source", source.clone()), ("via", String::new()), ("stated", stated.clone()), ("quote", q.clone()),
              ("note", String::new()), ("confidence", confidence.clone()), ("grade", String::new()),
              ("logged_by", user.into()), ("recorded", recorded.into())],
            serde_json::json!({"type": "claim", "id": id, "proposition": prop, "party": party, "stance": stance,
                               "source": source, "stated": stated, "quote": q,
                               "confidence": confidence.parse::<f64>().unwrap(), "logged_by": user, "recorded": recorded}),
        );
    }
    for i in 0..claims / 20 {
        let id = format!("request-{i}");
        let (party, prop, by) = (
            format!("party-{}", rng.below(n_parties)),
            format!("prop-{}", rng.below(n_props)),
            format!("party-{}", rng.below(n_parties)),
        );
        let asked = date(&mut rng);
        sink.row(
            "request",
            &[("id", id.clone()), ("party", party.clone()), ("proposition", prop.clone()), ("by_party", by.clone()),
              ("asked", asked.clone()), ("deadline", String::new()), ("channel", "email".into()), ("note", String::new()),
              ("logged_by", user.into()), ("recorded", recorded.into())],
            serde_json::json!({"type": "request", "id": id, "party": party, "proposition": prop, "by": by, "asked": asked,
                               "channel": "email", "logged_by": user, "recorded": recorded}),
        );
    }
    for i in 0..claims / 1000 {
        let target = format!("claim-{}", i * 997 % claims);
        let d = date(&mut rng);
        sink.row(
            "retraction",
            &[
                ("target", target.clone()),
                ("target_kind", "claim".into()),
                ("date", d.clone()),
                ("reason", "corrected by the outlet".into()),
                ("logged_by", user.into()),
                ("recorded", recorded.into()),
            ],
            serde_json::json!({"type": "retraction", "target": target, "date": d, "reason": "corrected by the outlet",
                               "logged_by": user, "recorded": recorded}),
        );
    }
    if let Sink::Jsonl(mut out) = sink {
        out.flush().unwrap();
    } else if let Sink::Csv(_, writers) = sink {
        for (_, mut w) in writers {
            w.flush().unwrap();
        }
    }
}
