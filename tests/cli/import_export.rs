//! Bundles in and out: every fixture imports, export and import round-trip byte for byte,
//! re-imports and dry runs write nothing, and awkward text and dates survive intact.

use crate::common::*;
use proptest::prelude::*;
use serde_json::{json, Value};

/// The key a record is known by in a bundle list.
fn key(kind: &str, record: &Value) -> String {
    match kind {
        "links" => format!("{} {} {}", record["from"], record["rel"], record["to"]),
        "retractions" => record["target"].to_string(),
        _ => record["id"].to_string(),
    }
}

const KINDS: &[&str] = &["parties", "sources", "propositions", "claims", "links", "requests", "retractions"];

/// Every field the fixture gives (empty lists aside) comes back unchanged in the export, and
/// the export adds only who logged each record and when.
fn assert_export_holds(fixture_name: &str, export: &Value) {
    let given: Value = serde_json::from_str(&fixture_text(fixture_name)).unwrap();
    assert_eq!(export["claimtrack"], 1);
    for kind in KINDS {
        let want = given[kind].as_array().cloned().unwrap_or_default();
        let got = export[kind].as_array().unwrap_or_else(|| panic!("export has no {kind}"));
        assert_eq!(got.len(), want.len(), "{fixture_name}: number of {kind}");
        for record in &want {
            let k = key(kind, record);
            let stored =
                got.iter().find(|r| key(kind, r) == k).unwrap_or_else(|| panic!("{fixture_name}: {kind} {k} lost"));
            for (field, value) in record.as_object().unwrap() {
                if value.as_array().is_some_and(Vec::is_empty) {
                    assert!(stored.get(field).is_none(), "{kind} {k}: empty {field} is left out");
                } else {
                    assert_eq!(&stored[field], value, "{fixture_name}: {kind} {k}.{field}");
                }
            }
            assert_eq!(stored["logged_by"], USER, "{kind} {k}");
            assert_eq!(stored["recorded"], RECORDED, "{kind} {k}");
        }
    }
}

#[test]
fn each_fixture_imports_and_exports_what_it_holds() {
    for name in FIXTURES {
        let db = Db::new();
        let message = db.import_fixture(name);
        assert!(message.contains(": added ") && message.ends_with("0 already present, unchanged\n"), "{message}");
        assert_export_holds(name, &db.export_json());
    }
}

#[test]
fn all_fixtures_share_one_database() {
    let db = Db::new();
    for name in FIXTURES {
        db.import_fixture(name);
    }
    let export = db.export_json();
    let claims = export["claims"].as_array().unwrap().len();
    assert_eq!(claims, 16 + 11 + 12);
}

#[test]
fn export_import_export_is_byte_identical() {
    let db = Db::new();
    for name in FIXTURES {
        db.import_fixture(name);
    }
    db.ok("retract c-mfa-denies-experts --reason test --date 2025-10-01T09:30:00+02:00");
    let first = db.export();
    let path = db.file("story.json");
    std::fs::write(&path, &first).unwrap();

    // Another person at another time imports it: who logged each record, and when, is kept.
    let copy = Db::new();
    let out = copy
        .cmd()
        .args(["import", path.to_str().unwrap()])
        .env("CLAIMTRACK_USER", "someone-else")
        .env("CLAIMTRACK_NOW", "2031-01-01T00:00:00Z")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(copy.export(), first, "export → import → export changed the bytes");

    // export -o writes the same bytes, and no temporary file is left behind.
    let out_path = db.file("out.json");
    let out = db.run(&["export", "-o", out_path.to_str().unwrap()]).success();
    assert!(out.stdout.is_empty() && out.stderr.contains("wrote"), "{out:#?}");
    assert_eq!(std::fs::read_to_string(&out_path).unwrap(), first);
    assert!(!db.file("out.claimtrack-tmp").exists());
}

#[test]
fn importing_the_same_bundle_twice_changes_nothing() {
    for name in FIXTURES {
        let db = Db::with_fixture(name);
        let before = db.snapshot();
        let message = db.import_fixture(name);
        assert!(
            message.contains(": added nothing; ") && message.ends_with(" already present, unchanged\n"),
            "{message}"
        );
        assert_unchanged(&before, &db.snapshot(), &format!("re-importing {name}"));

        // The export, too, imports as unchanged.
        let export = db.export();
        let out = db.import_str(&export).success();
        assert!(out.stderr.starts_with("<stdin>: added nothing; "), "{}", out.stderr);
        assert_eq!(db.export(), export);
    }
}

#[test]
fn dry_run_checks_everything_but_writes_nothing() {
    let db = Db::with_fixture("kupol-drones.json");
    let before = db.snapshot();
    let path = fixture("reversal.json");
    let out = db.run(&["import", "--dry-run", path.to_str().unwrap()]).success();
    assert!(out.stderr.contains(": would add 6 parties, 10 sources"), "{}", out.stderr);
    assert!(out.stderr.ends_with("(dry run: nothing written)\n"), "{}", out.stderr);
    assert_unchanged(&before, &db.snapshot(), "import --dry-run");

    // A dry run still finds errors.
    let bad = bundle(json!({"parties": [{"id": "x", "name": "X", "kind": "media", "parent": "nobody"}]}));
    assert_refused(&db, "import --dry-run -", Some(&bad), 1, &["parties[0].parent", "'nobody'"]);

    // And the real import afterwards adds what the dry run promised.
    let real = db.run(&["import", path.to_str().unwrap()]).success();
    assert_eq!(real.stderr.replace("added", "would add"), out.stderr.replace(" (dry run: nothing written)", ""));
}

#[test]
fn dry_run_into_a_missing_database_creates_no_file() {
    let db = Db::new();
    db.run(&["import", "--dry-run", fixture("kupol-drones.json").to_str().unwrap()]).success();
    assert!(!db.exists(), "a dry run created {}", db.path().display());
}

#[test]
fn import_reads_standard_input() {
    let db = Db::new();
    let out = db.import_str(&fixture_text("rewrites.json")).success();
    assert!(
        out.stderr.starts_with("<stdin>: added 9 parties, 10 sources, 4 propositions, 12 claims"),
        "{}",
        out.stderr
    );
    let from_file = Db::with_fixture("rewrites.json");
    assert_eq!(db.export(), from_file.export(), "stdin and file imports agree");
}

#[test]
fn records_may_refer_to_records_later_in_the_bundle() {
    let db = Db::new();
    // Each reference points forward: at a later record of its kind or at a later list.
    let text = r#"{
      "retractions": [{"target": "c-b", "date": "2025-09-30", "reason": "withdrawn"}],
      "links": [{"from": "c-a", "rel": "contradicts", "to": "c-b"}],
      "requests": [{"id": "r-1", "party": "child", "proposition": "p", "by": "zz-outlet"}],
      "claims": [
        {"id": "c-a", "proposition": "p", "party": "child", "stance": "denies", "source": "s-rewrite", "via": "zz-outlet"},
        {"id": "c-b", "proposition": "p", "party": "zz-parent", "stance": "affirms", "source": "s-original"}
      ],
      "propositions": [{"id": "p", "text": "Something happened", "expected": ["child", "zz-parent"]}],
      "sources": [
        {"id": "s-rewrite", "title": "Rewrite", "kind": "article", "publisher": "zz-outlet", "derived_from": ["s-original"]},
        {"id": "s-original", "title": "Original", "kind": "article", "publisher": "zz-outlet"}
      ],
      "parties": [
        {"id": "child", "name": "Child", "kind": "official", "parent": "zz-parent"},
        {"id": "zz-outlet", "name": "Outlet", "kind": "media"},
        {"id": "zz-parent", "name": "Parent", "kind": "government"}
      ],
      "claimtrack": 1
    }"#;
    let out = db.import_str(text).success();
    assert!(out.stderr.starts_with("<stdin>: added 3 parties, 2 sources, 1 "), "{}", out.stderr);
    let export = db.export_json();
    let counts: Vec<usize> = KINDS.iter().map(|k| export[k].as_array().unwrap().len()).collect();
    assert_eq!(counts, [3, 2, 1, 2, 1, 1, 1]);
    assert_eq!(db.json("party show child")["parent"], "zz-parent");
    assert_eq!(db.json("source show s-rewrite")["derived_from"], json!(["s-original"]));
    assert_eq!(db.json("claim show c-b")["retracted"], "2025-09-30");
    assert_eq!(db.column("link list", "to"), vec!["c-b".to_string()]);
}

/// Strings that break naive SQL, CSV, JSON or terminal handling.
const NASTY: &[&str] = &[
    "'; DROP TABLE claim; --",
    "Robert'); DELETE FROM party WHERE ('1'='1",
    "He said \"no\" and 'never'",
    "back\\slash, comma; semicolon | pipe",
    "Новопільський вісник — «цитата»",
    "ممنوع — שלום עולם — mixed עברית and English",
    "\u{202E}reversed\u{202C} and zero\u{200B}width",
    "emoji 🚀🇺🇦👩‍💻 and accents é ü ß",
    "tab\tand\nnewline\r\nand CR",
    "%s %d {} $1 ${PATH} `ls`",
];

/// A web address (only http and https are taken) with characters that break naive handling.
const AWKWARD_URL: &str = "https://example.org/%s%d{}$1${PATH}`ls`'\";|<x>&";

#[test]
fn awkward_text_survives_import_and_export() {
    let db = Db::new();
    let parties: Vec<Value> = NASTY
        .iter()
        .enumerate()
        .map(|(i, s)| json!({"id": format!("party-{i}"), "name": s, "kind": "person", "aliases": [s, "plain"]}))
        .collect();
    let claims: Vec<Value> = NASTY
        .iter()
        .enumerate()
        .map(|(i, s)| {
            json!({"id": format!("c-{i}"), "proposition": "p", "party": format!("party-{i}"), "stance": "affirms",
                   "source": "s", "quote": s, "note": s})
        })
        .collect();
    let text = bundle(json!({
        "parties": parties,
        "sources": [{"id": "s", "title": NASTY[0], "kind": "other", "url": AWKWARD_URL}],
        "propositions": [{"id": "p", "text": NASTY[4], "tags": NASTY}],
        "claims": claims,
        "requests": [{"id": "r", "party": "party-1", "proposition": "p", "by": "party-2",
                      "channel": NASTY[5], "note": NASTY[2]}],
    }));
    db.import_str(&text).success();

    let export = db.export_json();
    for (i, s) in NASTY.iter().enumerate() {
        let party = export["parties"].as_array().unwrap().iter().find(|p| p["id"] == format!("party-{i}")).unwrap();
        assert_eq!(party["name"], *s);
        assert_eq!(party["aliases"], json!([s, "plain"]));
        let claim = db.json(&["claim", "show", &format!("c-{i}")]);
        assert_eq!(claim["quote"], *s);
        assert_eq!(claim["note"], *s);
    }
    assert_eq!(export["propositions"][0]["tags"], json!(NASTY));
    assert_eq!(export["sources"][0]["title"], NASTY[0]);
    assert_eq!(export["requests"][0]["channel"], NASTY[5]);
    assert_eq!(db.column("party list", "id").len(), NASTY.len(), "no table was dropped, no row deleted");

    // CSV quotes what needs quoting.
    let csv_text = db.ok("claim list --format csv");
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let quotes: Vec<String> = reader.records().map(|r| r.unwrap()[7].to_string()).collect();
    let mut want: Vec<String> = NASTY.iter().map(|s| s.to_string()).collect();
    let mut got = quotes.clone();
    want.sort();
    got.sort();
    assert_eq!(got, want);

    // And the round trip holds for these too.
    let copy = Db::new();
    copy.import_str(&db.export()).success();
    assert_eq!(copy.export(), db.export());
}

#[test]
fn awkward_text_survives_claim_add_quote() {
    let db = Db::new();
    db.ok(&["party", "add", "p1", "--name", NASTY[0], "--kind", "person", "--alias", NASTY[5]]);
    db.ok(&["prop", "add", "q", "--text", NASTY[4], "--tag", NASTY[7]]);
    db.ok(&["source", "add", "s", "--title", NASTY[2], "--kind", "other"]);
    for s in NASTY {
        let quote = format!("--quote={s}");
        let id =
            db.ok(&["claim", "add", "--prop", "q", "--party", "p1", "--stance", "affirms", "--source", "s", &quote]);
        let id = id.trim();
        assert!(id.starts_with("c-"), "{id}");
        assert_eq!(db.json(&["claim", "show", id])["quote"], *s);
    }
    // A quote that looks like SQL or a flag, given with a space.
    db.ok(r#"claim add --id c-sql --prop q --party p1 --stance denies --source s --quote "'; DROP TABLE claim; --""#);
    assert_eq!(db.json("claim show c-sql")["quote"], "'; DROP TABLE claim; --");
    assert_eq!(db.column("claim list", "id").len(), NASTY.len() + 1);
    assert_eq!(db.json("party show p1")["name"], NASTY[0]);
    assert_eq!(db.json("party show p1")["aliases"], json!([NASTY[5]]));
    assert_eq!(db.json("prop show q")["tags"], json!([NASTY[7]]));
    let copy = Db::new();
    copy.import_str(&db.export()).success();
    assert_eq!(copy.export(), db.export());
}

#[test]
fn ids_may_be_any_non_space_text() {
    let db = Db::new();
    for id in ["ид-один", "中国外交部", "a.b:c/d_e", "emoji-🚀", "o'brien"] {
        assert_eq!(db.ok(&["party", "add", id, "--name", "N", "--kind", "other"]), format!("{id}\n"));
        assert_eq!(db.json(&["party", "show", id])["id"], id);
    }
}

#[test]
fn partial_dates_keep_their_precision() {
    let db = Db::new();
    let text = bundle(json!({
        "parties": [{"id": "x", "name": "X", "kind": "media"}],
        "sources": [{"id": "s", "title": "S", "kind": "article", "published": "2025-09", "accessed": "2025"}],
        "propositions": [{"id": "p", "text": "P"}],
        "claims": [
            {"id": "c-month", "proposition": "p", "party": "x", "stance": "affirms", "source": "s", "stated": "2025-09"},
            {"id": "c-from-source", "proposition": "p", "party": "x", "stance": "denies", "source": "s"}
        ],
        "requests": [{"id": "r", "party": "x", "proposition": "p", "by": "x", "asked": "2025-09", "deadline": "2025-10"}],
        "retractions": [{"target": "c-month", "date": "2025-11", "reason": "R"}]
    }));
    db.import_str(&text).success();
    let export = db.export_json();
    assert_eq!(export["sources"][0]["published"], "2025-09", "a month stays a month, not 2025-09-01");
    assert_eq!(export["sources"][0]["accessed"], "2025");
    let month = export["claims"].as_array().unwrap().iter().find(|c| c["id"] == "c-month").unwrap();
    assert_eq!(month["stated"], "2025-09");
    assert_eq!(export["requests"][0]["asked"], "2025-09");
    assert_eq!(export["requests"][0]["deadline"], "2025-10");
    assert_eq!(export["retractions"][0]["date"], "2025-11");
    for id in ["c-month", "c-from-source"] {
        assert_eq!(db.json(&["claim", "show", id])["date"], "2025-09", "{id}");
    }
    assert_eq!(db.json("claim show c-month")["retracted"], "2025-11");
    let out = db.ok("claim add --prop p --party x --stance neutral --source s --stated 2024-02");
    assert_eq!(db.json(&["claim", "show", out.trim()])["stated"], "2024-02");
}

#[test]
fn rfc3339_with_an_offset_is_normalised_to_utc() {
    let db = Db::new();
    let text = bundle(json!({
        "parties": [{"id": "x", "name": "X", "kind": "media"}],
        "sources": [{"id": "s", "title": "S", "kind": "article", "published": "2025-09-25T23:00:00-05:00"}],
        "propositions": [{"id": "p", "text": "P"}],
        "claims": [{"id": "c", "proposition": "p", "party": "x", "stance": "affirms", "source": "s",
                    "stated": "2025-09-26T01:30:00+02:00"}],
        "retractions": [{"target": "c", "date": "2025-09-27T00:00:00+00:00", "reason": "R"}]
    }));
    db.import_str(&text).success();
    let export = db.export_json();
    assert_eq!(export["sources"][0]["published"], "2025-09-26T04:00:00Z");
    assert_eq!(export["claims"][0]["stated"], "2025-09-25T23:30:00Z");
    assert_eq!(export["retractions"][0]["date"], "2025-09-27T00:00:00Z");

    let id = db.ok("claim add --prop p --party x --stance denies --source s --stated 2025-09-25T20:15:00-04:00");
    assert_eq!(db.json(&["claim", "show", id.trim()])["stated"], "2025-09-26T00:15:00Z");

    // The normalised form imports as the same record: no conflict, nothing new.
    let before = db.snapshot();
    let out = db.import_str(&text).success();
    assert!(out.stderr.contains("added nothing"), "{}", out.stderr);
    assert_unchanged(&before, &db.snapshot(), "re-importing the same instants");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any text at all, control characters included, comes back from a bundle as it went in.
    #[test]
    fn any_quote_survives_a_bundle(quote in "\\PC*|.*|[\\x00-\\x1f\\u{7f}-\\u{9f}'\";\\\\]*") {
        let db = Db::new();
        let text = bundle(json!({
            "parties": [{"id": "x", "name": "X", "kind": "media"}],
            "sources": [{"id": "s", "title": "S", "kind": "article"}],
            "propositions": [{"id": "p", "text": "P"}],
            "claims": [{"id": "c", "proposition": "p", "party": "x", "stance": "affirms", "source": "s", "quote": quote}],
        }));
        let out = db.import_str(&text);
        prop_assert_eq!(out.code, 0, "{:?}", out);
        prop_assert_eq!(&db.export_json()["claims"][0]["quote"], &json!(quote));
    }

    /// Any printable text given to --quote is stored as given.
    #[test]
    fn any_printable_quote_survives_claim_add(quote in "\\PC{0,60}") {
        let db = Db::new();
        db.ok("party add x --name X --kind media");
        db.ok("prop add p --text P");
        db.ok("source add s --title S --kind article");
        let flag = format!("--quote={quote}");
        let id = db.ok(&["claim", "add", "--prop", "p", "--party", "x", "--stance", "affirms", "--source", "s", &flag]);
        prop_assert_eq!(&db.json(&["claim", "show", id.trim()])["quote"], &json!(quote));
    }
}
