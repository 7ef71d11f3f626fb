//! `claimtrack search`: real sentences in Chinese, Russian, Ukrainian, Arabic, German, French
//! and English found by a substring, another form of a word or a folded spelling, and not by
//! what they do not say; the query language and its errors; what each result shows; the index
//! following records written, corrected and deleted with plain SQL, rebuilt for an older
//! database, and checked by `verify`.

use crate::common::*;
use rusqlite::Connection;
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// One claim per language, with a party, a source and a proposition to hang them on.
const SAID: &[(&str, &str)] = &[
    ("c-zh", "中方在乌克兰问题上始终坚持客观公正立场，从未向任何一方提供致命性武器，并严格管控两用物项出口。"),
    ("c-ru", "Министерство обороны опровергло публикацию о поставках дронов и назвало её ложью."),
    (
        "c-uk",
        "Головне управління розвідки заявило, що жителі Приозер’я бачили дрони, а публікація підтверджує постачання.",
    ),
    ("c-ar", "نفت وزارة الخارجية الإماراتية التقارير التي تحدثت عن شحنات الطائرات المسيّرة."),
    ("c-de", "Die Behörde bestätigt, dass die Drohne über der Brücke abgestürzt ist."),
    ("c-fr", "Le ministère des Armées a démenti toute négociation avec les fabricants de drones."),
    ("c-en", "The ministry denied that its experts had helped test the drones."),
    ("c-en2", "The ministry denies any role in the shipments."),
];

fn multilingual() -> Db {
    let db = Db::new();
    let claims: Vec<Value> = SAID
        .iter()
        .map(|(id, quote)| {
            json!({"id": id, "proposition": "p-drones", "party": "mod", "stance": "denies", "source": "s-wire", "quote": quote})
        })
        .collect();
    db.import_str(&bundle(json!({
        "parties": [
            {"id": "mod", "name": "Министерство обороны", "kind": "government", "aliases": ["Минобороны", "MoD"]},
            {"id": "hur", "name": "Головне управління розвідки", "kind": "intelligence", "aliases": ["ГУР"]},
        ],
        "sources": [{"id": "s-wire", "title": "Agence France-Presse: dépêche sur les drones", "kind": "article"}],
        "propositions": [{"id": "p-drones", "text": "Experts helped test the Garpiya drones"}],
        "claims": claims,
        "requests": [{"id": "r-1", "party": "hur", "proposition": "p-drones", "by": "mod", "note": "Asked by Signal, no answer yet"}],
    })))
    .success();
    db
}

/// The records a query finds, as kind:record, best first.
fn found(db: &Db, query: &str) -> Vec<String> {
    let out = db.run(&["search", "--format", "json", "--limit", "100", "--", query]);
    assert_eq!(out.code, 0, "{query}: {out:#?}");
    let hits: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{query}: {e}: {}", out.stdout));
    hits.as_array()
        .unwrap()
        .iter()
        .map(|h| format!("{}:{}", h["kind"].as_str().unwrap(), h["record"].as_str().unwrap()))
        .collect()
}

fn claims_found(db: &Db, query: &str) -> BTreeSet<String> {
    found(db, query).into_iter().filter_map(|f| f.strip_prefix("claim:").map(str::to_string)).collect()
}

/// Each query must find `claim`; each query in `not` must not.
fn finds(db: &Db, claim: &str, queries: &[&str], not: &[&str]) {
    for q in queries {
        assert!(claims_found(db, q).contains(claim), "{q:?} should find {claim}");
    }
    for q in not {
        assert!(!claims_found(db, q).contains(claim), "{q:?} should not find {claim}");
    }
}

#[test]
fn chinese_is_found_by_any_run_of_characters() {
    let db = multilingual();
    finds(
        &db,
        "c-zh",
        &["客观公正", "两用", "公正立场", "管控两用物项", "武器", "乌", "问", "中方 两用", "毛宁 OR 两用"],
        &["客观事实", "民用", "克乌", "两 用x", "\"两用 武器\""],
    );
    assert_eq!(claims_found(&db, "客观公正"), BTreeSet::from(["c-zh".to_string()]), "nothing else");
}

#[test]
fn russian_words_match_in_any_form_and_with_е_for_ё() {
    let db = multilingual();
    finds(
        &db,
        "c-ru",
        &["публикация", "публикацию", "поставка", "дроны", "ее", "ОБОРОНЫ", "опровергло публикации"],
        &["публицист", "поставщик", "\"публикация\"", "оборона -ложь"],
    );
}

#[test]
fn ukrainian_words_match_in_any_form_and_with_any_apostrophe() {
    let db = multilingual();
    finds(
        &db,
        "c-uk",
        &["публікацію", "публікації", "дронів", "Приозер'я", "Приозерʼя", "розвідка", "постачання"],
        &["публіцист", "дроворуб", "\"публікацію\""],
    );
    assert!(found(&db, "ГУР").contains(&"party:hur".to_string()), "aliases in Cyrillic");
}

#[test]
fn arabic_is_found_without_harakat_and_with_any_alef() {
    let db = multilingual();
    finds(
        &db,
        "c-ar",
        &["المسيرة", "المسيّرة", "مسيرة", "الاماراتية", "الإماراتية", "إماراتية", "وزاره", "التقارير", "خارجية"],
        &["صواريخ", "الحربية"],
    );
}

#[test]
fn german_words_match_in_any_form_and_without_umlauts() {
    let db = multilingual();
    finds(
        &db,
        "c-de",
        &["Drohnen", "Drohne", "Brucke", "BRÜCKE", "Behörden", "Behorde", "abgesturzt"],
        &["Drohung", "Brückenkopf"],
    );
}

#[test]
fn french_words_match_in_any_form_and_without_accents() {
    let db = multilingual();
    finds(
        &db,
        "c-fr",
        &["negociations", "négociation", "ministere", "démentir", "armee", "fabricant"],
        &["ministre", "négoce", "\"armées démenti\""],
    );
}

#[test]
fn english_words_match_in_any_form() {
    let db = multilingual();
    finds(
        &db,
        "c-en",
        &["denies", "deny", "helps", "DRONE", "expert*", "\"helped test\""],
        &["density", "\"test drones\""],
    );
}

#[test]
fn the_exact_form_ranks_above_another_form() {
    let db = multilingual();
    let english = |q: &str| found(&db, q).into_iter().filter(|f| f.starts_with("claim:c-en")).collect::<Vec<_>>();
    assert_eq!(english("denies"), ["claim:c-en2", "claim:c-en"]);
    assert_eq!(english("denied"), ["claim:c-en", "claim:c-en2"]);
}

#[test]
fn everything_a_person_searches_for_says_what_it_is() {
    let db = multilingual();
    assert_eq!(found(&db, "Минобороны"), ["party:mod"], "a party alias");
    assert_eq!(found(&db, "Garpiya"), ["proposition:p-drones"], "a proposition");
    assert_eq!(found(&db, "dépêche"), ["source:s-wire"], "a source title");
    assert_eq!(found(&db, "signal"), ["request:r-1"], "a request's note");
    let drones: BTreeSet<String> = found(&db, "drones").into_iter().collect();
    for kind in ["claim", "proposition", "source"] {
        assert!(drones.iter().any(|f| f.starts_with(kind)), "{kind} in {drones:?}");
    }
    for kind in ["claim", "proposition", "party", "source", "request"] {
        let out = db.json(&["search", "drones OR signal OR MoD", "--kind", kind]);
        let hits = out.as_array().unwrap();
        assert!(!hits.is_empty() && hits.iter().all(|h| h["kind"] == kind), "--kind {kind}: {out}");
    }
}

#[test]
fn matches_are_marked_in_context() {
    let db = multilingual();
    let hit = &db.json(&["search", "публикация"])[0];
    assert_eq!(hit["record"], "c-ru");
    assert!(hit["highlighted"].as_str().unwrap().contains("опровергло **публикацию** о"), "{hit}");
    let hit = &db.json(&["search", "两用"])[0];
    assert!(hit["highlighted"].as_str().unwrap().contains("管控**两用**物项"), "{hit}");
    // A long quote shows a window around its first match.
    let long = format!("{} The needle is here. {}", "Hay and more hay. ".repeat(20), "Straw again. ".repeat(20));
    db.ok(&[
        "claim", "add", "--prop", "p-drones", "--party", "mod", "--stance", "affirms", "--source", "s-wire", "--quote",
        &long,
    ]);
    let hit = &db.json(&["search", "needle"])[0];
    let shown = hit["highlighted"].as_str().unwrap();
    assert!(shown.starts_with('…') && shown.ends_with('…') && shown.contains("**needle**"), "{shown}");
    assert!(shown.chars().count() < 200 && hit["text"] == long.as_str(), "{shown}");
    // The table shows kind, record and the marked text.
    let table = db.ok("search публикация");
    assert!(table.contains("claim") && table.contains("c-ru") && table.contains("**публикацию**"), "{table}");
}

#[test]
fn the_query_language_words_phrases_or_exclusions_prefixes() {
    let db = multilingual();
    let c = |q: &str| claims_found(&db, q).into_iter().collect::<Vec<_>>();
    assert_eq!(c("ministry drones"), ["c-en"], "every word must match");
    assert_eq!(c("ministry"), ["c-en", "c-en2"]);
    assert_eq!(c("ministry -shipments"), ["c-en"], "-word excludes");
    assert_eq!(c("ministry -\"any role\""), ["c-en"], "-\"phrase\" excludes");
    assert_eq!(c("Drohne OR публикация"), ["c-de", "c-ru"]);
    assert_eq!(c("ministry experts OR shipments"), ["c-en", "c-en2"], "OR binds tighter than the space");
    assert_eq!(c("\"denied that\""), ["c-en"]);
    assert_eq!(c("\"that denied\""), Vec::<String>::new(), "a phrase keeps its order");
    assert_eq!(c("shipment*"), ["c-en2"]);
    assert_eq!(c("опроверг*"), ["c-ru"]);
    // Operators and SQL are never syntax: words like any other.
    for q in ["neutral AND position", "NEAR(x y)", "text:drones", "drones; DROP TABLE claim;", "{drones}", "^drones"] {
        let out = db.run(&["search", "--", q]);
        assert_eq!(out.code, 0, "{q}: {out:#?}");
    }
    assert_eq!(db.column("claim list", "id").len(), SAID.len());
    assert!(c("\"OR\" drones").is_empty(), "a quoted OR is the word");
}

#[test]
fn a_query_the_index_cannot_run_is_one_line_and_exit_2() {
    let db = multilingual();
    for (query, needles) in [
        ("drones \"neutral", &["quote at character 8", "never closed"][..]),
        ("drones -", &["'-' at character 8", "excludes nothing"]),
        ("drones --", &["'-' at character 8"]),
        ("- drones", &["'-' at character 1"]),
        ("drones OR", &["OR at character 8", "a word on each side"]),
        ("OR", &["OR at character 1"]),
        ("drones OR OR x", &["OR at character 11"]),
        ("-drones", &["only excludes words", "add a word to look for"]),
        ("", &["has no words to search for", "give at least one word"]),
        (" ; * 🚀 ", &["has no words to search for"]),
    ] {
        assert_refused(&db, &["search", "--", query], None, 2, needles);
    }
}

#[test]
fn nothing_matches_is_said_alone() {
    let db = multilingual();
    let out = db.run("search zyxwvut").success();
    assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("", "nothing matches zyxwvut\n"), "no empty table");
    let out = db.run("search zyxwvut --format json").success();
    assert_eq!(out.stdout.trim(), "[]", "JSON stays parseable");
}

#[test]
fn search_finds_records_as_soon_as_they_are_written() {
    let db = Db::with_fixture("kupol-drones.json");
    assert!(found(&db, "zyxwvut").is_empty());
    db.ok("party add zyx-agency --name \"Zyxwvut Agency\" --kind media --alias Qwertyuiop");
    db.ok("source add s-zyx --title \"Zyxwvut bulletin\" --kind article --publisher zyx-agency");
    db.ok("prop add p-zyx --text \"Zyxwvut drones were sighted\"");
    let claim = db.ok(&[
        "claim",
        "add",
        "--prop",
        "p-zyx",
        "--party",
        "zyx-agency",
        "--stance",
        "affirms",
        "--source",
        "s-zyx",
        "--quote",
        "We saw Zyxwvut drones over the river",
        "--note",
        "Plumbago, the note",
    ]);
    let claim = format!("claim:{}", claim.trim());
    let got: BTreeSet<String> = found(&db, "zyxwvut").into_iter().collect();
    let want: BTreeSet<String> =
        ["party:zyx-agency", "source:s-zyx", "proposition:p-zyx", claim.as_str()].map(String::from).into();
    assert_eq!(got, want);
    assert_eq!(found(&db, "qwertyuiop"), ["party:zyx-agency"], "aliases are searched");
    assert_eq!(found(&db, "plumbago"), [claim], "notes are searched");
    let text =
        "{\"claimtrack\":1}\n{\"type\":\"party\",\"id\":\"jl\",\"name\":\"Jsonlines Quokka\",\"kind\":\"person\"}\n";
    db.run_with("import --format jsonl -", Some(text)).success();
    assert_eq!(found(&db, "quokka"), ["party:jl"]);
}

/// Runs SQL on the file as someone with sqlite3 could.
fn sql(db: &Db, sql: &str) {
    Connection::open(db.path()).unwrap().execute_batch(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// The problems `verify --format json` reports about the search index.
fn search_problems(db: &Db) -> Vec<String> {
    let out = db.run("verify --format json");
    let verdict: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {out:#?}"));
    verdict["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["check"] == "search")
        .map(|p| p["message"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_index_follows_records_corrected_in_place() {
    let db = multilingual();
    db.ok(&[
        "correct",
        "c-en",
        "--set",
        "quote=The ministry confirmed the shipments of Kupol drones.",
        "--reason",
        "misquoted",
    ][..]);
    db.ok(&["correct", "mod", "--remove", "aliases=MoD", "--add", "aliases=Минобороны России", "--reason", "x"][..]);
    assert!(claims_found(&db, "confirmed kupol").contains("c-en"), "the new text is found");
    assert!(!claims_found(&db, "experts").contains("c-en"), "the old text is not");
    assert!(found(&db, "MoD").is_empty(), "nor the old alias");
    assert!(!found(&db, "Минобороны").is_empty(), "the new alias is");
    assert_eq!(search_problems(&db), Vec::<String>::new(), "the index matches the records");
}

#[test]
fn verify_catches_a_poisoned_index() {
    let db = multilingual();
    assert_eq!(search_problems(&db), Vec::<String>::new());
    let row = "(SELECT id FROM search_record WHERE kind = 'claim' AND record = 'c-en')";
    // Fabricated words against a real claim: search would find it for words it never said.
    sql(&db, &format!("UPDATE search SET words = words || ' zyxconfession' WHERE rowid = {row};"));
    assert_eq!(claims_found(&db, "zyxconfession"), BTreeSet::from(["c-en".to_string()]));
    let out = db.run("verify");
    assert_eq!(out.code, 1, "{out:#?}");
    assert_error_line(&out.stderr, &["claim c-en", "search index", "\"zyxconfession\""]);

    let db = multilingual();
    sql(&db, &format!("DELETE FROM search WHERE rowid = {row};"));
    assert_eq!(
        search_problems(&db),
        ["claim c-en is missing from the search index: the index was edited behind claimtrack's back"]
    );

    let db = multilingual();
    sql(
        &db,
        "INSERT INTO search_record (id, kind, record) VALUES (9999, 'claim', 'c-ghost');
         INSERT INTO search (rowid, words, stems) VALUES (9999, 'ghost', 'ghost');
         INSERT INTO search (rowid, words, stems) VALUES (10000, 'stray', 'stray');",
    );
    let problems = search_problems(&db);
    assert!(problems[0].contains("claim c-ghost, which does not exist"), "{problems:?}");
    assert!(problems[1].contains("row (10000) that belongs to no record"), "{problems:?}");
}

#[test]
fn an_older_database_is_indexed_when_opened() {
    let db = Db::new();
    let schema = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.sql")).unwrap();
    let before = &schema[..schema.find("-- migration 6:").expect("migration 6")];
    sql(
        &db,
        &format!(
            "{before}
             INSERT INTO party (id, name, kind, logged_by, recorded) VALUES ('mfa', '外交部', 'government', 'u', 't');
             INSERT INTO source (id, title, kind, logged_by, recorded) VALUES ('s', 'Briefing', 'transcript', 'u', 't');
             INSERT INTO proposition (id, text, logged_by, recorded) VALUES ('p', 'Dual-use exports', 'u', 't');
             INSERT INTO claim (id, proposition, party, stance, source, quote, logged_by, recorded)
             VALUES ('c', 'p', 'mfa', 'denies', 's', '中方严格管控两用物项出口', 'u', 't');
             PRAGMA user_version = 5;"
        ),
    );
    assert_eq!(found(&db, "两用"), ["claim:c"]);
    assert_eq!(found(&db, "外交"), ["party:mfa"]);
    let conn = Connection::open(db.path()).unwrap();
    let queued: i64 = conn.query_row("SELECT count(*) FROM search_queue", [], |r| r.get(0)).unwrap();
    assert_eq!(queued, 0, "indexed when migrated, not left waiting");
}
