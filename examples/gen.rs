//! A deterministic generator of realistic synthetic stories, for benchmarks:
//! `cargo run --release --example gen -- --claims 1000000 --seed 1 > story.jsonl`
//! writes JSON Lines (docs/FORMAT.md); `--csv DIR` writes the same rows as one CSV file per
//! table instead, for the sqlite3 shell to import as the reference.
//!
//! Per million claims: 100,000 propositions, 5,000 parties (a tenth anonymous), 50,000
//! sources with derivation chains up to 5 deep and a few loops, requests for comment,
//! retractions, quotes of about 100 characters with non-ASCII text.

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

const WORDS: &[&str] = &[
    "ministry",
    "officials",
    "documents",
    "drones",
    "shipments",
    "sanctions",
    "Міністерство",
    "заявило",
    "Behörde",
    "bestätigt",
    "prüfen",
    "expertos",
    "informe",
    "négocie",
    "été",
    "数据",
    "报告",
    "test",
    "flight",
    "intermediary",
    "denied",
    "involvement",
    "neutral",
    "position",
    "exports",
    "components",
    "Kupol",
    "Вектор",
];

const STANCES: &[(&str, u64)] =
    &[("affirms", 38), ("denies", 18), ("qualifies", 10), ("neutral", 16), ("declined", 6), ("no-response", 12)];
const PARTY_KINDS: &[&str] =
    &["government", "official", "military", "intelligence", "company", "media", "ngo", "person", "group", "other"];
const SOURCE_KINDS: &[&str] = &["article", "document", "statement", "transcript", "social", "interview", "dataset"];

fn quote(rng: &mut Rng) -> String {
    let mut q = String::new();
    while q.chars().count() < 95 {
        if !q.is_empty() {
            q.push(' ');
        }
        q.push_str(WORDS[rng.below(WORDS.len() as u64) as usize]);
    }
    q
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
        let (id, name) = (format!("party-{i}"), format!("Party {i} {}", WORDS[(i % 28) as usize]));
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
        let (id, title) =
            (format!("source-{i}"), format!("Report {i}: {}", quote(&mut rng).chars().take(40).collect::<String>()));
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
        let (id, text) = (format!("prop-{i}"), format!("Proposition {i}: {}", quote(&mut rng)));
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
        let q = quote(&mut rng);
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
