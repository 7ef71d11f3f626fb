//! Speaking the ecosystem's formats: verdicts and settings; ClaimReview and PROV-JSON exports
//! checked field by field; CSV and JSON Lines out and back in (hostile cells, errors that name
//! their line, a 100,000-claim import); and the database itself as a documented API (every
//! example query in docs/SCHEMA.md runs).

use crate::common::*;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::Path;

// ---- shared helpers

fn list(v: &Value) -> &Vec<Value> {
    v.as_array().unwrap_or_else(|| panic!("expected a JSON list, got {v}"))
}

fn ids(v: &Value, field: &str) -> Vec<String> {
    list(v).iter().map(|r| r[field].as_str().unwrap_or_default().to_string()).collect()
}

fn parse(text: &str, what: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{what} is not JSON ({e}):\n{text}"))
}

/// A path as the one argument a command takes.
fn arg(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 path")
}

// ---- 1. verdicts and settings

const KUPOL: &str = "kupol-drones.json";
const EXPERTS: &str = "p-experts-helped-kupol";

/// A verdict with every field Google asks for.
const SET_FALSE: &str = r#"verdict set p-experts-helped-kupol --rating 1 --best 5 --worst 1 --label False
    --explanation "Rests on one set of documents, seen only by Reuters" --url https://factcheck.example.org/fc/1"#;

fn set_false(db: &Db) -> String {
    db.ok(SET_FALSE).trim().to_string()
}

#[test]
fn verdict_set_prints_its_id_and_the_latest_verdict_stands() {
    let db = Db::with_fixture(KUPOL);
    let out = db.run(SET_FALSE).success();
    let first = out.stdout.trim().to_string();
    assert!(first.starts_with("v-") && out.stdout == format!("{first}\n"), "one v- id on stdout: {out:#?}");
    assert_eq!(out.stderr, format!("added verdict {first}\n"));

    let shown = db.json(&["verdict", "show", EXPERTS]);
    assert_eq!(shown["id"], first.as_str());
    assert_eq!(shown["proposition"], EXPERTS);
    assert_eq!(
        (shown["rating"].as_f64(), shown["best"].as_f64(), shown["worst"].as_f64()),
        (Some(1.0), Some(5.0), Some(1.0))
    );
    assert_eq!(shown["label"], "False");
    assert_eq!(shown["explanation"], "Rests on one set of documents, seen only by Reuters");
    assert_eq!(shown["url"], "https://factcheck.example.org/fc/1");
    assert_eq!(shown["published"], TODAY, "published defaults to today");
    assert_eq!(shown["logged_by"], USER);

    // A second verdict: it stands, and the first stays as history.
    let second = db.ok("verdict set p-experts-helped-kupol --rating 3 --best 5 --worst 1 --label Unproven");
    let second = second.trim().to_string();
    assert!(second.starts_with("v-") && second != first);
    let shown = db.json(&["verdict", "show", EXPERTS]);
    assert_eq!(shown["id"], second.as_str(), "the latest verdict stands: {shown}");
    assert_eq!(shown["label"], "Unproven");
    assert!(shown.get("url").is_none() && shown.get("explanation").is_none(), "{shown}");
    assert_eq!(db.column("verdict list", "id"), vec![first.clone(), second.clone()], "history kept, oldest first");
    assert_eq!(db.column(&["verdict", "list", "--prop", EXPERTS], "id"), vec![first.clone(), second.clone()]);
    assert!(db.column("verdict list --prop p-experts-flight-tests", "id").is_empty());
    let table = db.ok(&["verdict", "show", EXPERTS]);
    assert!(table.contains("Unproven") && !table.contains("False"), "{table}");
    let csv_text = db.ok("verdict list --format csv");
    assert!(
        csv_text.starts_with(
            "id,proposition,rating,best,worst,label,explanation,url,reviewer,published,claimant,logged_by,recorded\n"
        ),
        "{csv_text}"
    );
    assert_eq!(csv_text.lines().count(), 3);

    // The same verdict set again is the record already there: nothing new.
    let again =
        db.run(&["verdict", "set", EXPERTS, "--rating", "3", "--best", "5", "--worst", "1", "--label", "Unproven"]);
    let again = again.success();
    assert_eq!(again.stdout.trim(), second);
    assert!(again.stderr.contains("already logged"), "{}", again.stderr);
    assert_eq!(db.column("verdict list", "id").len(), 2);
}

#[test]
fn verdict_set_back_to_an_earlier_verdict_makes_it_stand_again() {
    let db = Db::with_fixture(KUPOL);
    set_false(&db);
    db.ok("verdict set p-experts-helped-kupol --rating 3 --best 5 --worst 1 --label Unproven");
    set_false(&db);
    assert_eq!(db.json(&["verdict", "show", EXPERTS])["label"], "False", "the editor went back to False");
}

#[test]
fn verdict_set_refuses_bad_values_naming_the_flag() {
    let db = Db::with_fixture(KUPOL);
    set_false(&db);
    let base = |rating: &str, best: &str, worst: &str, label: &str, prop: &str| -> Vec<String> {
        ["verdict", "set", prop, "--rating", rating, "--best", best, "--worst", worst, "--label", label]
            .iter()
            .map(|s| s.to_string())
            .collect()
    };
    let cases: Vec<(Vec<String>, Vec<&str>)> = vec![
        (base("6", "5", "1", "False", EXPERTS), vec!["--rating", "6 is outside the scale from worst 1 to best 5"]),
        (base("0", "5", "1", "False", EXPERTS), vec!["--rating", "0 is outside the scale"]),
        (base("-1", "5", "1", "False", EXPERTS), vec!["--rating", "-1 is outside the scale"]),
        (base("6", "1", "5", "False", EXPERTS), vec!["--rating", "from worst 5 to best 1"]),
        (base("1", "1", "1", "False", EXPERTS), vec!["--best", "best and worst are both 1"]),
        (
            base("1", "5", "1", "False", "p-experts-helped-kupo"),
            vec!["PROP: no proposition 'p-experts-helped-kupo'", "(did you mean 'p-experts-helped-kupol'?)"],
        ),
        (base("1", "5", "1", "", EXPERTS), vec!["--label", "label is empty"]),
        (base("1", "5", "1", "   ", EXPERTS), vec!["--label", "label is empty"]),
    ];
    let history = db.column("verdict list", "id");
    for (args, needles) in cases {
        assert_refused(&db, &args, None, 1, &needles);
        assert_eq!(db.column("verdict list", "id"), history, "{args:?} wrote a verdict");
    }
    // A flag missing altogether is clap's to refuse.
    assert_refused(&db, "verdict set p-experts-helped-kupol --rating 1 --best 5 --worst 1", None, 2, &["--label"]);

    // A scale may run either way: 1 is the best on this one.
    let id = db.ok("verdict set p-experts-flight-tests --rating 2 --best 1 --worst 5 --label Misleading");
    assert!(id.starts_with("v-"), "{id}");

    // show: a proposition with no verdict, and one that does not exist.
    assert_refused(
        &db,
        "verdict show p-vektor-sanctioned",
        None,
        1,
        &["no verdict on 'p-vektor-sanctioned' yet", "verdict set"],
    );
    assert_refused(
        &db,
        "verdict show p-vektor-sanctione",
        None,
        1,
        &["no proposition", "did you mean 'p-vektor-sanctioned'"],
    );
}

#[test]
fn verdict_reviewer_is_stored_only_when_given_but_claimreview_names_who_logged_it() {
    let db = Db::with_fixture(KUPOL);
    // Logged by maria; exported by the tester.
    let out = outcome(
        db.cmd()
            .args(["verdict", "set", EXPERTS, "--rating", "1", "--best", "5", "--worst", "1", "--label", "False"])
            .env("CLAIMTRACK_USER", "maria"),
    )
    .success();
    let id = out.stdout.trim().to_string();
    let shown = db.json(&["verdict", "show", EXPERTS]);
    assert!(shown.get("reviewer").is_none(), "no reviewer is stored by default: {shown}");
    assert_eq!(shown["logged_by"], "maria");
    assert_eq!(db.export_json()["verdicts"][0]["id"], id.as_str());
    assert!(db.export_json()["verdicts"][0].get("reviewer").is_none());

    let doc = claimreview(&db);
    assert_eq!(doc["@graph"][0]["author"], json!({"@type": "Person", "name": "maria"}));

    // A reviewer given is the author.
    db.ok(r#"verdict set p-experts-flight-tests --rating 2 --best 5 --worst 1 --label "Mostly false" --reviewer "Ann Editor""#);
    assert_eq!(db.json("verdict show p-experts-flight-tests")["reviewer"], "Ann Editor");
    let doc = claimreview(&db);
    let review =
        list(&doc["@graph"]).iter().find(|r| r["claimReviewed"].as_str().unwrap().contains("flight tests")).unwrap();
    assert_eq!(review["author"], json!({"@type": "Person", "name": "Ann Editor"}));
}

#[test]
fn config_sets_gets_and_lists_the_organisation() {
    let db = Db::with_fixture(KUPOL);
    assert_eq!(db.json("config list"), json!([]));
    assert_refused(&db, "config get org.name", None, 1, &["org.name is not set", "claimtrack config set org.name"]);

    let out = db.run(&["config", "set", "org.name", "Example Fact Check"]).success();
    assert_eq!((out.stdout.as_str(), out.stderr.as_str()), ("", "org.name = Example Fact Check\n"));
    assert_eq!(db.ok("config get org.name"), "Example Fact Check\n");
    db.ok("config set org.url https://factcheck.example.org");
    assert_eq!(db.ok("config get org.url"), "https://factcheck.example.org\n");

    // The latest value stands.
    db.ok(&["config", "set", "org.name", "Факт-чек «Приклад» 🔎"]);
    assert_eq!(db.ok("config get org.name"), "Факт-чек «Приклад» 🔎\n");
    assert_eq!(
        db.json("config list"),
        json!([{"key": "org.name", "value": "Факт-чек «Приклад» 🔎"}, {"key": "org.url", "value": "https://factcheck.example.org"}])
    );
    assert_eq!(
        db.ok("config list --format csv"),
        "key,value\norg.name,Факт-чек «Приклад» 🔎\norg.url,https://factcheck.example.org\n"
    );
    assert!(db.ok("config list").contains("org.url"));

    // Unknown keys are refused, naming the ones there are.
    let before = db.json("config list");
    for args in [
        vec!["config", "set", "org.logo", "x.png"],
        vec!["config", "get", "org.logo"],
        vec!["config", "set", "org.Name", "X"],
    ] {
        assert_refused(&db, &args, None, 1, &[&format!("'{}' is not a setting", args[2]), "org.name, org.url"]);
    }
    assert_eq!(db.json("config list"), before);
    assert_refused(&db, "config set org.name", None, 2, &["VALUE"]);
}

// ---- 2. ClaimReview

const GOOGLE_REQUIRED: &[&str] = &["claimReviewed", "reviewRating", "url"];
const GOOGLE_RECOMMENDED: &[&str] = &["author", "datePublished", "itemReviewed"];
const RATING_FIELDS: &[&str] = &["ratingValue", "bestRating", "worstRating", "alternateName"];
const CLAIM_FIELDS: &[&str] = &["author", "appearance", "firstAppearance"];
const LABELS: &[&str] = &["False", "Mostly false", "Unproven", "Mostly true", "True"];

/// A fixture with a verdict on every proposition: rating i % 5 + 1 of 5, with a URL.
fn with_verdicts(name: &str) -> Db {
    let db = Db::with_fixture(name);
    for (i, prop) in db.column("prop list", "id").iter().enumerate() {
        let rating = (i % 5 + 1).to_string();
        let explanation = format!("Explanation {i}: what the evidence shows");
        let url = format!("https://factcheck.example.org/fc/{prop}");
        let label = LABELS[i % 5];
        db.ok(&*format!(
            r#"verdict set {prop} --rating {rating} --best 5 --worst 1 --label "{label}" --explanation "{explanation}" --url {url}"#
        ));
    }
    db
}

/// The ClaimReview export as a draft (the fixtures set no organisation): the only warnings
/// allowed are that none signs the reviews, and a verdict's missing URL.
fn claimreview(db: &Db) -> Value {
    let out = db.run("export --format claimreview --draft").success();
    for line in out.stderr.lines() {
        let known = line.starts_with("warning: no organisation signs the reviews")
            || line.contains("has no --url")
            || line.contains("no live claim affirms it");
        assert!(known, "unexpected warning: {line}");
    }
    parse(&out.stdout, "export --format claimreview")
}

fn number(v: &Value) -> f64 {
    v.as_f64().unwrap_or_else(|| panic!("{v} should be a JSON number"))
}

/// One review against what the database holds, field by field.
fn assert_review(db: &Db, review: &Value, prop: &Value, verdict: &Value, author: &Value) {
    let id = prop["id"].as_str().unwrap();
    for field in GOOGLE_REQUIRED.iter().chain(GOOGLE_RECOMMENDED) {
        assert!(review.get(*field).is_some(), "{id}: ClaimReview lacks {field}: {review:#}");
    }
    assert_eq!(review["@type"], "ClaimReview");
    assert_eq!(review["@id"], format!("urn:claimtrack:claimreview:{id}"));
    assert_eq!(review["url"], verdict["url"]);
    assert_eq!(review["claimReviewed"], prop["text"]);
    assert_eq!(review["datePublished"], verdict["published"]);
    assert_eq!(&review["author"], author, "{id}: author");

    let rating = &review["reviewRating"];
    for field in RATING_FIELDS {
        assert!(rating.get(*field).is_some(), "{id}: reviewRating lacks {field}: {rating}");
    }
    assert_eq!(rating["@type"], "Rating");
    assert_eq!(number(&rating["ratingValue"]), number(&verdict["rating"]));
    assert_eq!(number(&rating["bestRating"]), number(&verdict["best"]));
    assert_eq!(number(&rating["worstRating"]), number(&verdict["worst"]));
    assert_eq!(rating["alternateName"], verdict["label"]);
    assert_eq!(rating["ratingExplanation"], verdict["explanation"]);

    // The claim reviewed: made by the first party whose affirming claim stands, appearing in
    // the sources of the affirming claims that stand (never a denial's, nor a withdrawn one's).
    let item = &review["itemReviewed"];
    assert_eq!(item["@type"], "Claim");
    assert_eq!(item["@id"], format!("urn:claimtrack:claim:{id}"));
    let claims = db.json(&["claim", "list", "--prop", id]);
    let making: Vec<&Value> = list(&claims)
        .iter()
        .filter(|c| c["stance"] == "affirms" && c.get("retracted").is_none_or(Value::is_null))
        .collect();
    let Some(claimant) = making.first() else {
        for field in CLAIM_FIELDS {
            assert!(item.get(*field).is_none(), "{id}: no live claim affirms it, yet it has {field}: {item:#}");
        }
        return;
    };
    for field in CLAIM_FIELDS {
        assert!(item.get(*field).is_some(), "{id}: itemReviewed lacks {field}: {item:#}");
    }
    let party = db.json(&["party", "show", claimant["party"].as_str().unwrap()]);
    let kind = if party["kind"] == "person" { "Person" } else { "Organization" };
    assert_eq!(item["author"], json!({"@type": kind, "name": party["name"]}), "{id}: the claim's author");
    // An undated claim is published on no date.
    assert_eq!(item.get("datePublished").unwrap_or(&Value::Null), &claimant["date"]);

    let appearances = list(&item["appearance"]);
    assert_eq!(item["firstAppearance"], appearances[0], "{id}: the first appearance leads the list");
    let sources: BTreeSet<String> = making.iter().map(|c| c["source"].as_str().unwrap().to_string()).collect();
    assert_eq!(appearances.len(), sources.len(), "{id}: one appearance per source");
    for source in &sources {
        let s = db.json(&["source", "show", source]);
        let a = appearances
            .iter()
            .find(|a| a["headline"] == s["title"])
            .unwrap_or_else(|| panic!("{id}: no appearance for {source}"));
        assert_eq!(a["@type"], "CreativeWork");
        assert_eq!(a.get("url"), s.get("url"), "{id}: {source} url");
        assert_eq!(a.get("datePublished"), s.get("published"), "{id}: {source} date");
        match s.get("publisher") {
            Some(p) => {
                let publisher = db.json(&["party", "show", p.as_str().unwrap()]);
                assert_eq!(a["publisher"], json!({"@type": "Organization", "name": publisher["name"]}));
            }
            None => assert!(a.get("publisher").is_none()),
        }
    }
    // First appearance first: dates, where known, never go back (text order is time order).
    let dates: Vec<&str> = appearances.iter().filter_map(|a| a["datePublished"].as_str()).collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted, "{id}: appearances in order of publication");
}

#[test]
fn claimreview_has_every_google_field_on_each_fixture() {
    for name in FIXTURES {
        let db = with_verdicts(name);
        let doc = claimreview(&db);
        assert_eq!(doc["@context"], "https://schema.org", "{name}");
        let props = db.json("prop list");
        let verdicts = db.json("verdict list");
        let reviews = list(&doc["@graph"]);
        assert_eq!(reviews.len(), list(&props).len(), "{name}: one review per proposition with a verdict");
        for (prop, review) in list(&props).iter().zip(reviews) {
            let verdict = list(&verdicts).iter().find(|v| v["proposition"] == prop["id"]).unwrap();
            let author = json!({"@type": "Person", "name": USER});
            assert_review(&db, review, prop, verdict, &author);
        }
        // The numbers read as people write them: 1, not 1.0.
        let text = db.ok("export --format claimreview --draft");
        assert!(text.contains("\"ratingValue\": 1,") && text.contains("\"bestRating\": 5,"), "{text}");
    }
}

#[test]
fn claimreview_author_is_the_organisation_once_set_and_ids_follow_its_url() {
    let db = Db::with_fixture(KUPOL);
    set_false(&db);
    let review = |db: &Db| claimreview(db)["@graph"][0].clone();
    let before = review(&db);
    assert_eq!(before["author"], json!({"@type": "Person", "name": USER}));
    assert_eq!(before["@id"], "urn:claimtrack:claimreview:p-experts-helped-kupol");

    db.ok(&["config", "set", "org.name", "Example Fact Check"]);
    let named = review(&db);
    assert_eq!(named["author"], json!({"@type": "Organization", "name": "Example Fact Check"}));
    assert_eq!(named["@id"], before["@id"], "without org.url the ids stay URNs");

    db.ok("config set org.url https://factcheck.example.org/");
    let signed = review(&db);
    assert_eq!(
        signed["author"],
        json!({"@type": "Organization", "name": "Example Fact Check", "url": "https://factcheck.example.org/"})
    );
    assert_eq!(signed["@id"], "https://factcheck.example.org/claimtrack/claimreview/p-experts-helped-kupol");
    assert_eq!(signed["itemReviewed"]["@id"], "https://factcheck.example.org/claimtrack/claim/p-experts-helped-kupol");

    // Stable: the same document on every export, and a later verdict keeps the review's @id.
    assert_eq!(db.ok("export --format claimreview"), db.ok("export --format claimreview"));
    db.ok("verdict set p-experts-helped-kupol --rating 2 --best 5 --worst 1 --label Misleading --url https://factcheck.example.org/fc/2");
    let later = review(&db);
    assert_eq!(later["@id"], signed["@id"]);
    assert_eq!(later["reviewRating"]["alternateName"], "Misleading", "the latest verdict is the one exported");
}

#[test]
fn claimreview_ids_are_stable_and_unique() {
    let db = with_verdicts("reversal.json");
    let first = db.ok("export --format claimreview --draft");
    assert_eq!(first, db.ok("export --format claimreview --draft"));
    let doc = parse(&first, "claimreview");
    let mut seen = BTreeSet::new();
    for r in list(&doc["@graph"]) {
        assert!(seen.insert(r["@id"].to_string()), "duplicate {}", r["@id"]);
        assert!(seen.insert(r["itemReviewed"]["@id"].to_string()), "duplicate {}", r["itemReviewed"]["@id"]);
    }
    // Another database with the same story gives the same ids.
    let copy = Db::new();
    copy.import_str(&db.export()).success();
    assert_eq!(copy.ok("export --format claimreview --draft"), first);
}

#[test]
fn claimreview_leaves_out_propositions_without_a_verdict() {
    let db = Db::with_fixture(KUPOL);
    db.ok(&["config", "set", "org.name", "Example Fact Check"]);
    // Nothing to publish is refused, saying what to do; a draft says what is missing.
    assert_refused(
        &db,
        "export --format claimreview",
        None,
        1,
        &["no proposition has a verdict", "claimtrack verdict set", "--draft"],
    );
    let draft = db.run("export --format claimreview --draft").success();
    assert_eq!(parse(&draft.stdout, "draft"), json!({"@context": "https://schema.org", "@graph": []}));
    assert!(draft.stderr.starts_with("warning: no proposition has a verdict"), "{}", draft.stderr);
    set_false(&db);
    let doc = claimreview(&db);
    let reviewed: Vec<&str> = list(&doc["@graph"]).iter().map(|r| r["@id"].as_str().unwrap()).collect();
    assert_eq!(reviewed, ["urn:claimtrack:claimreview:p-experts-helped-kupol"]);
}

#[test]
fn claimreview_warns_about_a_verdict_without_a_url() {
    let db = Db::with_fixture(KUPOL);
    db.ok(&["config", "set", "org.name", "Example Fact Check"]);
    db.ok("verdict set p-experts-flight-tests --rating 2 --best 5 --worst 1 --label Unproven");
    let out = db.run("export --format claimreview").success();
    assert_eq!(
        out.stderr,
        "warning: p-experts-flight-tests: the verdict has no --url; Google requires the fact-check's URL\n"
    );
    let doc = parse(&out.stdout, "claimreview");
    assert!(doc["@graph"][0].get("url").is_none());
    assert!(doc["@graph"][0]["reviewRating"].get("ratingExplanation").is_none());

    // To a file: the warning still reaches the terminal; --quiet silences it.
    let path = db.file("claimreview.jsonld");
    let out = db.run(&["export", "--format", "claimreview", "-o", arg(&path)]).success();
    assert!(
        out.stderr.starts_with("warning: p-experts-flight-tests:") && out.stderr.contains("wrote"),
        "{}",
        out.stderr
    );
    let quiet = db.run("--quiet export --format claimreview").success();
    assert!(quiet.stderr.is_empty(), "{}", quiet.stderr);

    // With a URL, no warning.
    set_false(&db);
    db.ok("verdict set p-experts-flight-tests --rating 2 --best 5 --worst 1 --label Unproven --url https://factcheck.example.org/fc/3");
    claimreview(&db);
}

#[test]
fn claimreview_first_appearance_is_the_earliest_source() {
    // Four outlets carry the engineers' claim, all stated "2024-03": the first appearance is
    // the original Visnyk article (March 2024), not the rewrites that followed it. The
    // builder's denial (20 March) is a rebuttal, not an appearance of the claim.
    let db = with_verdicts("rewrites.json");
    let doc = claimreview(&db);
    let review =
        list(&doc["@graph"]).iter().find(|r| r["@id"] == "urn:claimtrack:claimreview:p-substandard-concrete").unwrap();
    let item = &review["itemReviewed"];
    assert_eq!(item["firstAppearance"]["url"], "https://visnyk-novopil.example/2024/03/mist-beton");
    let dates: Vec<&str> = list(&item["appearance"]).iter().map(|a| a["datePublished"].as_str().unwrap()).collect();
    assert_eq!(dates, ["2024-03", "2024-03-18", "2024-03-19", "2024-03-21"]);
}

/// The object keys of a JSON-LD node (an object, or the first of a list).
fn keys(node: &Value) -> BTreeSet<String> {
    let node = node.as_array().and_then(|a| a.first()).unwrap_or(node);
    node.as_object().unwrap_or_else(|| panic!("{node} is not a node")).keys().cloned().collect()
}

#[test]
fn claimreview_speaks_the_vocabulary_of_googles_example() {
    let reference = parse(&repo_file("fixtures/reference/google-factcheck-example.jsonld"), "Google's example");
    let context = parse(&repo_file("fixtures/reference/schemaorgcontext.jsonld"), "the schema.org context");
    let terms = context["@context"].as_object().unwrap();
    let db = with_verdicts("rewrites.json");
    db.ok(&["config", "set", "org.name", "Example Fact Check"]);
    db.ok("config set org.url https://factcheck.example.org");
    let doc = claimreview(&db);
    assert_eq!(doc["@context"], reference["@context"]);

    // What ours adds to Google's example, and what it leaves out (all optional there).
    let extras: &[&str] = &["@id", "datePublished", "ratingExplanation", "firstAppearance", "url"];
    // (A source without a URL gives an appearance without one.)
    let optional: &[&str] = &["@context", "sameAs", "image", "author", "logo", "url"];
    for review in list(&doc["@graph"]) {
        let levels: [(&str, &Value, &Value); 6] = [
            ("ClaimReview", &reference, review),
            ("reviewRating", &reference["reviewRating"], &review["reviewRating"]),
            ("author", &reference["author"], &review["author"]),
            ("itemReviewed", &reference["itemReviewed"], &review["itemReviewed"]),
            ("itemReviewed.author", &reference["itemReviewed"]["author"], &review["itemReviewed"]["author"]),
            ("appearance", &reference["itemReviewed"]["appearance"], &review["itemReviewed"]["appearance"]),
        ];
        for (level, theirs, ours) in levels {
            let (theirs, ours) = (keys(theirs), keys(ours));
            let added: Vec<&String> = ours.difference(&theirs).filter(|k| !extras.contains(&k.as_str())).collect();
            let missing: Vec<&String> = theirs.difference(&ours).filter(|k| !optional.contains(&k.as_str())).collect();
            assert!(added.is_empty() && missing.is_empty(), "{level}: adds {added:?}, misses {missing:?}");
        }
        // Values of the same JSON kind as in the example: numbers stay numbers.
        for field in ["ratingValue", "bestRating", "worstRating"] {
            assert!(review["reviewRating"][field].is_number() && reference["reviewRating"][field].is_number());
        }
    }

    // Every property and type we write is a schema.org term.
    fn walk(v: &Value, terms: &serde_json::Map<String, Value>, path: &str) {
        match v {
            Value::Object(map) => {
                for (k, child) in map {
                    if !k.starts_with('@') {
                        assert!(terms.contains_key(k), "{path}.{k} is not a schema.org term");
                    }
                    if k == "@type" {
                        let t = child.as_str().unwrap();
                        assert!(terms.contains_key(t), "{path}: @type {t} is not a schema.org type");
                    }
                    walk(child, terms, &format!("{path}.{k}"));
                }
            }
            Value::Array(items) => items.iter().for_each(|i| walk(i, terms, path)),
            _ => {}
        }
    }
    walk(&doc["@graph"], terms, "@graph");
}

// ---- 3. PROV-JSON

fn prov(db: &Db) -> Value {
    parse(&db.ok("export --format prov"), "export --format prov")
}

/// The first moment of a claimtrack date, as PROV's xsd:dateTime in UTC.
fn first_moment(date: &str) -> String {
    match date.len() {
        4 => format!("{date}-01-01T00:00:00Z"),
        7 => format!("{date}-01T00:00:00Z"),
        10 => format!("{date}T00:00:00Z"),
        _ => date.to_string(),
    }
}

fn node<'a>(map: &'a serde_json::Map<String, Value>, key: &str) -> &'a Value {
    map.get(key).unwrap_or_else(|| panic!("PROV-JSON has no {key}"))
}

/// Whether a source can reach itself through `derived_from`.
fn in_loop(source: &str, sources: &BTreeMap<String, Vec<String>>) -> bool {
    let mut todo: Vec<&String> = sources[source].iter().collect();
    let mut seen = BTreeSet::new();
    while let Some(s) = todo.pop() {
        if s == source {
            return true;
        }
        if seen.insert(s) {
            todo.extend(sources[s].iter());
        }
    }
    false
}

#[test]
fn prov_holds_the_provenance_graph_of_each_fixture() {
    for name in FIXTURES {
        let db = Db::with_fixture(name);
        let doc = prov(&db);
        let bundle = db.export_json();
        assert_eq!(doc["prefix"]["ct"], "urn:claimtrack:", "{name}");
        for key in ["entity", "agent", "wasDerivedFrom", "wasAttributedTo", "actedOnBehalfOf", "wasInvalidatedBy"] {
            assert!(doc[key].is_object(), "{name}: PROV-JSON has {key}");
        }
        let entity = doc["entity"].as_object().unwrap();
        let agent = doc["agent"].as_object().unwrap();
        let relations = |key: &str| -> Vec<Value> { doc[key].as_object().unwrap().values().cloned().collect() };
        let (derived, attributed, delegated, invalidated) = (
            relations("wasDerivedFrom"),
            relations("wasAttributedTo"),
            relations("actedOnBehalfOf"),
            relations("wasInvalidatedBy"),
        );

        // Parties are agents.
        for p in list(&bundle["parties"]) {
            let a = node(agent, &format!("ct:party/{}", p["id"].as_str().unwrap()));
            assert_eq!(a["prov:label"], p["name"], "{name}: {}", p["id"]);
            let kind = if p["kind"] == "person" { "prov:Person" } else { "prov:Organization" };
            assert_eq!(a["prov:type"], json!({"$": kind, "type": "prov:QUALIFIED_NAME"}));
        }
        assert_eq!(agent.len(), list(&bundle["parties"]).len(), "{name}: one agent per party");

        // Sources are entities; derivations from a root source are primary sources.
        let upstream: BTreeMap<String, Vec<String>> = list(&bundle["sources"])
            .iter()
            .map(|s| {
                let from = s.get("derived_from").and_then(Value::as_array).cloned().unwrap_or_default();
                (s["id"].as_str().unwrap().to_string(), from.iter().map(|f| f.as_str().unwrap().to_string()).collect())
            })
            .collect();
        let derivation = |generated: &str, used: &str| -> Value {
            let found: Vec<&Value> = derived
                .iter()
                .filter(|d| d["prov:generatedEntity"] == generated && d["prov:usedEntity"] == used)
                .collect();
            assert_eq!(found.len(), 1, "{name}: one derivation of {generated} from {used}");
            found[0].clone()
        };
        for s in list(&bundle["sources"]) {
            let id = s["id"].as_str().unwrap();
            let e = node(entity, &format!("ct:source/{id}"));
            assert_eq!(e["prov:label"], s["title"], "{name}: {id}");
            assert_eq!(e["ct:kind"], s["kind"]);
            assert_eq!(e.get("prov:location"), s.get("url"));
            if let Some(publisher) = s.get("publisher") {
                let publisher = format!("ct:party/{}", publisher.as_str().unwrap());
                assert!(
                    attributed
                        .iter()
                        .any(|a| a["prov:entity"] == format!("ct:source/{id}") && a["prov:agent"] == publisher),
                    "{name}: {id} attributed to its publisher"
                );
            }
            for up in &upstream[id] {
                let d = derivation(&format!("ct:source/{id}"), &format!("ct:source/{up}"));
                // Inside a loop of sources no source is a root; the exporter follows the
                // reconciler, for which a loop counts as one root named by its lowest id.
                if in_loop(up, &upstream) {
                    continue;
                }
                let primary = upstream[up].is_empty();
                assert_eq!(
                    d.get("prov:type"),
                    primary.then(|| json!({"$": "prov:PrimarySource", "type": "prov:QUALIFIED_NAME"})).as_ref(),
                    "{name}: {id} from {up}"
                );
            }
        }

        // Claims are entities, attributed to their party, derived from their source (a
        // quotation when quoted); a relaying outlet acts on behalf of the party it relays.
        let mut delegations = BTreeSet::new();
        for c in list(&bundle["claims"]) {
            let id = c["id"].as_str().unwrap();
            let key = format!("ct:claim/{id}");
            let e = node(entity, &key);
            assert_eq!(e["ct:stance"], c["stance"], "{name}: {id}");
            assert_eq!(e["ct:proposition"], c["proposition"]);
            assert_eq!(e.get("prov:value"), c.get("quote"));
            let party = format!("ct:party/{}", c["party"].as_str().unwrap());
            assert!(
                attributed.iter().any(|a| a["prov:entity"] == key && a["prov:agent"] == party),
                "{name}: {id} attributed"
            );
            let d = derivation(&key, &format!("ct:source/{}", c["source"].as_str().unwrap()));
            let quotation = c.get("quote").map(|_| json!({"$": "prov:Quotation", "type": "prov:QUALIFIED_NAME"}));
            assert_eq!(d.get("prov:type"), quotation.as_ref(), "{name}: {id}");
            if let Some(via) = c.get("via") {
                delegations.insert((format!("ct:party/{}", via.as_str().unwrap()), party));
            }
        }
        assert_eq!(entity.len(), list(&bundle["sources"]).len() + list(&bundle["claims"]).len(), "{name}: entities");
        let source_edges: usize = upstream.values().map(Vec::len).sum();
        let bases: usize = list(&bundle["claims"])
            .iter()
            .flat_map(|c| {
                c.get("basis").map(|b| ids_str(b)).unwrap_or_default().into_iter().filter(move |b| *b != c["source"])
            })
            .count();
        assert_eq!(derived.len(), source_edges + list(&bundle["claims"]).len() + bases, "{name}: derivations");
        let with_publisher = list(&bundle["sources"]).iter().filter(|s| s.get("publisher").is_some()).count();
        assert_eq!(attributed.len(), with_publisher + list(&bundle["claims"]).len(), "{name}: attributions");

        // Delegations: a party under its parent, and relays (once per outlet and party).
        for p in list(&bundle["parties"]) {
            if let Some(parent) = p.get("parent") {
                delegations.insert((
                    format!("ct:party/{}", p["id"].as_str().unwrap()),
                    format!("ct:party/{}", parent.as_str().unwrap()),
                ));
            }
        }
        let got: Vec<(String, String)> = delegated
            .iter()
            .map(|d| {
                (d["prov:delegate"].as_str().unwrap().to_string(), d["prov:responsible"].as_str().unwrap().to_string())
            })
            .collect();
        assert_eq!(got.iter().cloned().collect::<BTreeSet<_>>(), delegations, "{name}: actedOnBehalfOf");
        assert_eq!(got.len(), delegations.len(), "{name}: each delegation once");

        // Retractions are invalidations at an RFC 3339 instant.
        let retractions = list(&bundle["retractions"]);
        assert_eq!(invalidated.len(), retractions.len(), "{name}: one invalidation per retraction");
        for x in retractions {
            let target = x["target"].as_str().unwrap();
            let kind = if upstream.contains_key(target) { "source" } else { "claim" };
            let i = invalidated
                .iter()
                .find(|i| i["prov:entity"] == format!("ct:{kind}/{target}"))
                .unwrap_or_else(|| panic!("{name}: no invalidation of {target}"));
            let time = i["prov:time"].as_str().unwrap();
            chrono::DateTime::parse_from_rfc3339(time).unwrap_or_else(|e| panic!("{name}: prov:time {time}: {e}"));
            assert_eq!(time, first_moment(x["date"].as_str().unwrap()), "{name}: {target}");
            assert_eq!(i["ct:date"], x["date"]);
            assert_eq!(i["ct:reason"], x["reason"]);
        }

        // Every relation names records the document holds.
        for (key, role, holder) in [
            ("wasDerivedFrom", "prov:generatedEntity", entity),
            ("wasDerivedFrom", "prov:usedEntity", entity),
            ("wasAttributedTo", "prov:entity", entity),
            ("wasAttributedTo", "prov:agent", agent),
            ("actedOnBehalfOf", "prov:delegate", agent),
            ("actedOnBehalfOf", "prov:responsible", agent),
            ("wasInvalidatedBy", "prov:entity", entity),
        ] {
            for r in relations(key) {
                let target = r[role].as_str().unwrap();
                assert!(holder.contains_key(target), "{name}: {key} {role} {target} is not in the document");
            }
        }
    }
}

#[test]
fn prov_types_the_derivations_of_roots_and_quotes() {
    let kupol = prov(&Db::with_fixture(KUPOL));
    let primary = json!({"$": "prov:PrimarySource", "type": "prov:QUALIFIED_NAME"});
    let typed = |doc: &Value, generated: &str, used: &str| -> Option<Value> {
        doc["wasDerivedFrom"]
            .as_object()
            .unwrap()
            .values()
            .find(|d| d["prov:generatedEntity"] == generated && d["prov:usedEntity"] == used)
            .unwrap_or_else(|| panic!("no derivation of {generated} from {used}"))
            .get("prov:type")
            .cloned()
    };
    // The article read rests on the Reuters report, a root.
    assert_eq!(typed(&kupol, "ct:source/s-seed-article", "ct:source/s-reuters-report"), Some(primary.clone()));
    // China's denial is quoted; the officials' claim is paraphrased, and rests on two bases.
    assert_eq!(
        typed(&kupol, "ct:claim/c-mfa-denies-experts", "ct:source/s-seed-article"),
        Some(json!({"$": "prov:Quotation", "type": "prov:QUALIFIED_NAME"}))
    );
    assert_eq!(typed(&kupol, "ct:claim/c-officials-affirm-experts", "ct:source/s-seed-article"), None);
    assert_eq!(typed(&kupol, "ct:claim/c-officials-affirm-experts", "ct:source/s-reuters-documents"), None);
    assert_eq!(typed(&kupol, "ct:claim/c-officials-affirm-experts", "ct:source/s-officials-to-reuters"), None);
    // Rewrites of rewrites: only the one built on the original cites a primary source.
    let rewrites = prov(&Db::with_fixture("rewrites.json"));
    assert_eq!(typed(&rewrites, "ct:source/s-ostblick-rewrite", "ct:source/s-visnyk-original"), Some(primary));
    assert_eq!(typed(&rewrites, "ct:source/s-danube-rewrite", "ct:source/s-ostblick-rewrite"), None);
    assert_eq!(typed(&rewrites, "ct:source/s-echo-rewrite", "ct:source/s-danube-rewrite"), None);
}

#[test]
fn prov_marks_retractions_and_relays() {
    let db = Db::with_fixture(KUPOL);
    db.ok("retract c-mfa-denies-experts --reason withdrawn --date 2025-10-01T09:30:00+02:00");
    let doc = prov(&db);
    let invalidations: Vec<&Value> = doc["wasInvalidatedBy"].as_object().unwrap().values().collect();
    assert_eq!(invalidations.len(), 1);
    let i = invalidations[0];
    assert_eq!(i["prov:entity"], "ct:claim/c-mfa-denies-experts");
    assert_eq!(i["prov:time"], "2025-10-01T07:30:00Z");
    assert_eq!(i["ct:reason"], "withdrawn");
    // Reuters relays four parties' claims: it acts on behalf of each, once.
    let on_behalf: BTreeSet<String> = doc["actedOnBehalfOf"]
        .as_object()
        .unwrap()
        .values()
        .filter(|d| d["prov:delegate"] == "ct:party/reuters")
        .map(|d| d["prov:responsible"].as_str().unwrap().to_string())
        .collect();
    let want: BTreeSet<String> =
        ["eu-security-officials", "kremlin", "kupol", "russia-mod"].iter().map(|p| format!("ct:party/{p}")).collect();
    assert_eq!(on_behalf, want);
    // And the PROV export is stable.
    assert_eq!(db.ok("export --format prov"), db.ok("export --format prov"));
}

#[test]
fn python_checks_of_the_exports_pass() {
    let probe = std::process::Command::new("python3").args(["-c", "import prov, jsonschema, pyld"]).output();
    if skip_unless(
        probe.as_ref().is_ok_and(|o| o.status.success()),
        "python_checks_of_the_exports_pass",
        "python3 with prov, jsonschema and PyLD (pip install prov jsonschema PyLD)",
    ) {
        return;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/python/check_exports.py");
    let out = std::process::Command::new("python3")
        .arg(&script)
        .arg(env!("CARGO_BIN_EXE_claimtrack"))
        .env_remove("CLAIMTRACK_DB")
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "check_exports.py failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.trim_end().ends_with(" passed, 0 failed"), "{stdout}");
}

// ---- 4. CSV

const CLAIM_HEADER: &str =
    "id,proposition,party,stance,source,via,stated,quote,note,confidence,grade,basis,logged_by,recorded,\
     retracted,retraction_reason,corrected,correction_reason";
const PARTY_HEADER: &str = "id,name,kind,anonymous,country,parent,aliases,note,logged_by,recorded";
const SOURCE_HEADER: &str =
    "id,title,kind,publisher,url,published,accessed,reliability,derived_from,sha256,note,logged_by,recorded";
const FINDING_HEADER: &str = "id,kind,severity,proposition,parties,claims,reason,detail,state,note";

/// The cells of a CSV text, header first, exactly as written (no apostrophe taken off).
fn csv_cells(text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    reader.records().map(|r| r.expect("valid CSV").iter().map(str::to_string).collect()).collect()
}

#[test]
fn csv_export_has_the_documented_header_and_one_row_per_record() {
    for name in FIXTURES {
        let db = Db::with_fixture(name);
        db.ok("reconcile");
        let bundle = db.export_json();
        let mut findings = db.column("findings", "id");
        findings.sort();
        for (what, header, want) in [
            ("claims", CLAIM_HEADER, ids(&bundle["claims"], "id")),
            ("parties", PARTY_HEADER, ids(&bundle["parties"], "id")),
            ("sources", SOURCE_HEADER, ids(&bundle["sources"], "id")),
            ("findings", FINDING_HEADER, findings.clone()),
        ] {
            let text = db.ok(&["export", "--format", "csv", "--what", what]);
            let cells = csv_cells(&text);
            assert_eq!(cells[0].join(","), header, "{name}: {what} header");
            let mut got: Vec<String> = cells[1..].iter().map(|row| row[0].clone()).collect();
            if what == "findings" {
                got.sort();
            }
            assert_eq!(got, want, "{name}: {what}: one row per record");
            assert!(!want.is_empty(), "{name}: some {what}");
            assert!(cells.iter().all(|row| row.len() == cells[0].len()), "{name}: {what}: ragged rows");
        }
        // A listed field reads as its JSON value: lists joined with "; ".
        let parties = csv_cells(&db.ok("export --format csv --what parties"));
        for (row, party) in parties[1..].iter().zip(list(&bundle["parties"])) {
            let aliases: Vec<&str> = party.get("aliases").map(|a| ids_str(a)).unwrap_or_default();
            assert_eq!(row[6], aliases.join("; "), "{name}: aliases of {}", row[0]);
            assert_eq!(row[3], party["anonymous"].to_string());
        }
    }
}

fn ids_str(v: &Value) -> Vec<&str> {
    list(v).iter().map(|s| s.as_str().unwrap()).collect()
}

/// Text a spreadsheet or a naive CSV reader gets wrong.
const HOSTILE: &[&str] = &[
    "=1+1",
    "+SUM(A1:A9)",
    "-2+3",
    "@cmd|' /C calc'!A0",
    "\tindented by a tab",
    "\rcarriage return first",
    "=HYPERLINK(\"http://evil.example\",\"click\")",
    "He said \"no\", and \"never\"",
    "a, b, c",
    "two\nlines",
    "CRLF\r\nline",
    "Кирилиця: «не відповідає»",
    "emoji 🚀👩‍💻🇺🇦",
    "ממנוע — שלום עולם, RTL",
    "\u{202E}reversed\u{202C} text",
    "'=an apostrophe, then a formula",
    "''-two apostrophes, then a minus",
    "'a plain leading apostrophe",
    "-",
    "=",
    "1-2 is not a formula",
];

/// What the raw CSV cell must be: apostrophe-prefixed when it would read as a formula.
fn defused(cell: &str) -> String {
    let formula = |s: &str| s.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if formula(cell.trim_start_matches('\'')) {
        format!("'{cell}")
    } else {
        cell.to_string()
    }
}

/// Parties, sources and a proposition for claims to refer to.
fn csv_story() -> Value {
    json!({
        "parties": [{"id": "ministry", "name": "Ministry", "kind": "government"},
                    {"id": "outlet", "name": "=Outlet", "kind": "media"}],
        "sources": [{"id": "s-1", "title": "Statement", "kind": "statement", "published": "2025-09"},
                    {"id": "s-2", "title": "+Article", "kind": "article", "publisher": "outlet"}],
        "propositions": [{"id": "p", "text": "Something happened"}],
    })
}

#[test]
fn csv_hostile_cells_are_defused_and_round_trip() {
    let claims: Vec<Value> = HOSTILE
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let stance = ["affirms", "denies", "qualifies", "neutral", "declined", "no-response"][i % 6];
            let source = if i % 2 == 0 { "s-1" } else { "s-2" };
            let mut c = json!({"id": format!("c-{i:02}"), "proposition": "p", "party": "ministry", "stance": stance,
                               "source": source, "quote": s, "note": HOSTILE[HOSTILE.len() - 1 - i]});
            if i % 3 == 0 {
                c["via"] = json!("outlet");
                c["stated"] = json!(["2025-09-30", "2025-09", "2025-09-30T08:15:00Z"][i % 9 / 3]);
                c["confidence"] = json!(0.25);
                c["grade"] = json!(i % 6 + 1);
            }
            c
        })
        .collect();
    let mut story = csv_story();
    story["claims"] = json!(claims);
    let db = Db::new();
    db.import_str(&bundle(story)).success();

    let text = db.ok("export --format csv --what claims");
    // Raw: every cell that would start a formula carries an apostrophe, nothing else does.
    let cells = csv_cells(&text);
    assert_eq!(cells[0].join(","), CLAIM_HEADER);
    assert_eq!(cells.len(), HOSTILE.len() + 1);
    for row in &cells[1..] {
        let i: usize = row[0].trim_start_matches("c-").parse().unwrap();
        assert_eq!(row[7], defused(HOSTILE[i]), "quote of {}", row[0]);
        assert_eq!(row[8], defused(HOSTILE[HOSTILE.len() - 1 - i]), "note of {}", row[0]);
        for cell in row {
            assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "a cell reads as a formula: {cell:?}");
        }
    }
    assert!(
        text.contains(",'=1+1,") && text.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\""),
        "{text}"
    );
    assert!(text.contains(",'-,") && text.contains(",'=,") && text.contains(",1-2 is not a formula,"), "{text}");
    assert!(text.contains("\"two\nlines\""), "a newline inside a cell is quoted: {text}");

    // Back in: a second database with the same parties, propositions and sources.
    let path = db.file("claims.csv");
    std::fs::write(&path, &text).unwrap();
    let copy = Db::new();
    copy.import_str(&bundle(csv_story())).success();
    let out = copy.run(&["import", "--format", "csv", arg(&path)]).success();
    assert!(out.stderr.contains(&format!("added {} claims", HOSTILE.len())), "{}", out.stderr);
    assert_eq!(copy.export_json()["claims"], db.export_json()["claims"], "CSV round trip changed a claim");
    assert_eq!(copy.export(), db.export());
    // The extension says CSV, and a second import changes nothing.
    let again = copy.run(&["import", arg(&path)]).success();
    assert!(again.stderr.contains("added nothing"), "{}", again.stderr);
}

#[test]
fn csv_claims_of_every_fixture_round_trip() {
    for name in FIXTURES {
        let db = Db::with_fixture(name);
        let text = db.ok("export --format csv --what claims");
        let mut story = db.export_json();
        for key in ["claims", "links", "retractions", "verdicts"] {
            story.as_object_mut().unwrap().remove(key);
        }
        let copy = Db::new();
        copy.import_str(&story.to_string()).success();
        copy.run_with("import --format csv -", Some(&text)).success();
        assert_eq!(copy.export_json()["claims"], db.export_json()["claims"], "{name}");
    }
}

#[test]
fn csv_import_refuses_a_bad_header_column() {
    let db = Db::new();
    db.import_str(&bundle(csv_story())).success();
    for (header, bad) in [
        ("id,proposition,party,stnace,source", "stnace"),
        ("id,proposition,party,stance,source,type", "type"),
        ("id,proposition,party,stance,source,Quote", "Quote"),
    ] {
        let text = format!("{header}\nc-x,p,ministry,affirms,s-1\n");
        assert_refused(
            &db,
            "import --format csv -",
            Some(&text),
            1,
            &["<stdin>: line 1", &format!("'{bad}' is not a claim field"), "use: id, proposition"],
        );
    }
}

#[test]
fn csv_import_names_the_line_and_column_of_a_bad_value() {
    let db = Db::new();
    db.import_str(&bundle(csv_story())).success();
    let cases: &[(&str, &[&str])] = &[
        (
            "id,proposition,party,stance,source\nc-ok,p,ministry,affirms,s-1\nc-bad,p,ministry,deny,s-1\n",
            &["<stdin>: line 3, column stance", "'deny' is not a valid stance"],
        ),
        // The line in the file, where a quoted cell before it spans two.
        (
            "id,proposition,party,stance,source,quote\nc-ok,p,ministry,affirms,s-1,\"two\nlines\"\nc-bad,p,ministry,deny,s-1,x\n",
            &["<stdin>: line 4, column stance", "'deny'"],
        ),
        (
            "id,proposition,party,stance,source,confidence\nc-bad,p,ministry,affirms,s-1,2\n",
            &["line 2, column confidence", "0 to 1"],
        ),
        ("id,proposition,party,stance,source\nc-bad,p,minstry,affirms,s-1\n", &["line 2, column party", "did you mean 'ministry'"]),
        ("id,proposition,party,stance,source\nc-bad,p,ministry,affirms\n", &["line 2", "4 fields"]),
    ];
    for (text, needles) in cases {
        assert_refused(&db, "import --format csv -", Some(text), 1, needles);
    }
}

#[test]
fn csv_export_needs_what_and_what_needs_csv() {
    let db = Db::with_fixture(KUPOL);
    let needles = &["--what goes with --format csv", "--what claims|parties|sources|findings"];
    assert_refused(&db, "export --what claims", None, 2, needles);
    assert_refused(&db, "export --format json --what parties", None, 2, needles);
    assert_refused(&db, "export --format jsonl --what sources", None, 2, needles);
    assert_refused(&db, "export --format csv", None, 2, needles);
    let path = db.file("claims.csv");
    assert_refused(&db, &["export", "-o", arg(&path)], None, 2, needles);
    assert!(!path.exists(), "a refused export wrote {}", path.display());
    assert_refused(&db, "export --format csv --what verdicts", None, 2, &["verdicts"]);
    // With both, -o takes the format from the extension.
    db.ok(&["export", "-o", arg(&path), "--what", "claims"]);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), db.ok("export --format csv --what claims"));
}

// ---- 5. JSON Lines

const KINDS: &[(&str, &str)] = &[
    ("parties", "party"),
    ("sources", "source"),
    ("propositions", "proposition"),
    ("claims", "claim"),
    ("links", "link"),
    ("requests", "request"),
    ("retractions", "retraction"),
    ("verdicts", "verdict"),
];

#[test]
fn jsonl_export_is_a_header_then_one_typed_record_a_line() {
    for name in FIXTURES {
        let db = with_verdicts(name);
        let text = db.ok("export --format jsonl");
        assert!(text.ends_with('\n'));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], r#"{"claimtrack":1}"#, "{name}");
        let bundle = db.export_json();
        let want: Vec<Value> = KINDS
            .iter()
            .flat_map(|(plural, kind)| {
                list(&bundle[*plural]).iter().map(move |r| {
                    let mut r = r.clone();
                    r.as_object_mut().unwrap().insert("type".into(), json!(kind));
                    r
                })
            })
            .collect();
        let got: Vec<Value> = lines[1..].iter().map(|l| parse(l, "a JSON Lines record")).collect();
        for record in &got {
            let kind = record["type"].as_str().unwrap_or_else(|| panic!("{name}: a line without a type: {record}"));
            assert!(KINDS.iter().any(|k| k.1 == kind), "{name}: type {kind}");
        }
        assert_eq!(got, want, "{name}: the bundle's records, one a line, in its order");
        assert!(lines.len() > 20, "{name}");
    }
}

#[test]
fn jsonl_round_trips_into_an_empty_database_and_twice_changes_nothing() {
    for name in FIXTURES {
        let db = with_verdicts(name);
        let path = db.file("story.jsonl");
        let out = db.run(&["export", "-o", arg(&path)]).success();
        assert!(out.stderr.contains("wrote"), "{}", out.stderr);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(text, db.ok("export --format jsonl"), "-o story.jsonl writes JSON Lines");

        let copy = Db::new();
        let out = copy.run(&["import", arg(&path)]).success();
        assert!(out.stderr.ends_with("; 0 already present, unchanged\n"), "{}", out.stderr);
        assert_eq!(copy.export(), db.export(), "{name}: JSON Lines → import → export differs");

        let before = copy.snapshot();
        let again = copy.run(&["import", arg(&path)]).success();
        assert!(again.stderr.contains(": added nothing; "), "{}", again.stderr);
        assert_unchanged(&before, &copy.snapshot(), "importing JSON Lines twice");
        let stdin = copy.run_with("import --format jsonl -", Some(&text)).success();
        assert!(stdin.stderr.starts_with("<stdin>: added nothing; "), "{}", stdin.stderr);

        // Into a database that already holds the story: nothing new either.
        let out = db.run(&["import", arg(&path)]).success();
        assert!(out.stderr.contains("added nothing"), "{}", out.stderr);
    }
}

#[test]
fn jsonl_errors_name_the_line_and_write_nothing() {
    let db = Db::with_fixture(KUPOL);
    let header = r#"{"claimtrack":1}"#;
    let party = r#"{"type":"party","id":"new-outlet","name":"New outlet","kind":"media"}"#;
    let cases: Vec<(String, Vec<&str>)> = vec![
        (format!("{header}\n{party}\n{{\"type\":\"party\",\n"), vec!["<stdin>: line 3: not valid JSON"]),
        (format!("{header}\n{party}\nnot json at all\n"), vec!["<stdin>: line 3: not valid JSON"]),
        (format!("{header}\n{party}\n{{\"type\":\"gadget\",\"id\":\"x\"}}\n"), vec!["<stdin>: line 3", "gadget"]),
        (format!("{header}\n{party}\n{{\"id\":\"x\",\"name\":\"X\",\"kind\":\"media\"}}\n"), vec!["<stdin>: line 3", "type"]),
        (format!("{party}\n{header}\n"), vec!["<stdin>: line 1", "start with the line {\"claimtrack\": 1}"]),
        (format!("{{\"claimtrack\":2}}\n{party}\n"), vec!["<stdin>: line 1", "{\"claimtrack\": 1}"]),
        (String::new(), vec!["<stdin>: empty", "{\"claimtrack\": 1}"]),
        ("\n\n".to_string(), vec!["<stdin>: empty"]),
        (
            format!("{header}\n{party}\n{{\"type\":\"party\",\"id\":\"y\",\"name\":\"Y\",\"kind\":\"medium\"}}\n"),
            vec!["<stdin>: line 3", "'medium' is not a valid party kind"],
        ),
        (
            format!(
                "{header}\n{party}\n{{\"type\":\"claim\",\"proposition\":\"{EXPERTS}\",\"party\":\"kremlin\",\"stance\":\"deny\",\"source\":\"s-reuters-report\"}}\n"
            ),
            vec!["<stdin>: line 3", "'deny' is not a valid stance"],
        ),
        (
            format!("{header}\n{party}\n{{\"type\":\"party\",\"id\":\"z\",\"name\":\"Z\",\"kind\":\"media\",\"colour\":\"red\"}}\n"),
            vec!["<stdin>: line 3", "colour"],
        ),
        // Blank lines count: the bad record is on line 6 of the file.
        (format!("\n{header}\n\n{party}\n\n{{\"type\":\"party\"}}\n"), vec!["<stdin>: line 6"]),
        // A record that clashes with one stored.
        (
            format!("{header}\n{party}\n{{\"type\":\"party\",\"id\":\"kremlin\",\"name\":\"Not the Kremlin\",\"kind\":\"media\"}}\n"),
            vec!["<stdin>: line 3: name", "party 'kremlin' already exists with a different name"],
        ),
    ];
    for (text, needles) in &cases {
        assert_refused(&db, "import --format jsonl -", Some(text), 1, needles);
        assert!(db.run("party show new-outlet").code == 1, "the valid line 2 was written");
    }
    // From a file, the error names the file.
    let path = db.file("bad.jsonl");
    std::fs::write(&path, &cases[0].0).unwrap();
    assert_refused(&db, &["import", arg(&path)], None, 1, &["bad.jsonl: line 3: not valid JSON"]);
    // A dry run finds the same errors.
    assert_refused(&db, "import --dry-run --format jsonl -", Some(&cases[2].0), 1, &["line 3", "gadget"]);
}

#[test]
fn jsonl_forward_references_resolve_and_unknown_ones_are_reported_with_their_line() {
    let header = r#"{"claimtrack":1}"#;
    let claim = r#"{"type":"claim","id":"c-early","proposition":"p-later","party":"later-party","stance":"affirms","source":"s-later","via":"later-outlet"}"#;
    let rest = [
        r#"{"type":"link","from":"c-early","rel":"supports","to":"c-second"}"#,
        r#"{"type":"claim","id":"c-second","proposition":"p-later","party":"later-outlet","stance":"neutral","source":"s-later"}"#,
        r#"{"type":"source","id":"s-later","title":"Later","kind":"article","publisher":"later-outlet"}"#,
        r#"{"type":"proposition","id":"p-later","text":"Stated after the claims","expected":["later-party"]}"#,
        r#"{"type":"party","id":"later-party","name":"Later party","kind":"official","parent":"later-outlet"}"#,
        r#"{"type":"party","id":"later-outlet","name":"Later outlet","kind":"media"}"#,
    ];
    let text = format!("{header}\n{claim}\n{}\n", rest.join("\n"));
    let db = Db::new();
    let out = db.run_with("import --format jsonl -", Some(&text)).success();
    assert!(
        out.stderr.starts_with("<stdin>: added 2 claims, 1 link, 1 source, 1 proposition, 2 parties"),
        "{}",
        out.stderr
    );
    assert_eq!(db.json("claim show c-early")["party"], "later-party");
    assert_eq!(db.column("link list", "to"), ["c-second"]);

    // An unknown reference is reported once the stream has ended, with its line.
    let db = Db::with_fixture(KUPOL);
    let unknown = |field: &str, value: &str| {
        let mut c: Value = parse(claim, "claim");
        c[field] = json!(value);
        format!("{header}\n{c}\n{}\n", rest.join("\n"))
    };
    assert_refused(
        &db,
        "import --format jsonl -",
        Some(&unknown("party", "nobody")),
        1,
        &["<stdin>: line 2: party: no party 'nobody'"],
    );
    assert_refused(
        &db,
        "import --format jsonl -",
        Some(&unknown("party", "later-prty")),
        1,
        &["<stdin>: line 2: party: no party 'later-prty'", "(did you mean 'later-party'?)"],
    );
    assert_refused(
        &db,
        "import --format jsonl -",
        Some(&unknown("source", "s-nowhere")),
        1,
        &["<stdin>: line 2: source: no source 's-nowhere'"],
    );
    let dangling =
        format!("{header}\n{}\n{}\n", rest[1], r#"{"type":"link","from":"c-second","rel":"cites","to":"c-gone"}"#);
    let before = db.snapshot();
    let out = db.run_with("import --format jsonl -", Some(&dangling));
    assert_eq!(out.code, 1, "{out:#?}");
    assert_errors(
        &out.stderr,
        &[
            "<stdin>: line 2: proposition: no proposition 'p-later'",
            "<stdin>: line 2: party: no party 'later-outlet'",
            "<stdin>: line 2: source: no source 's-later'",
            "<stdin>: line 3: to: no claim 'c-gone' (did you mean 'c-second'?)",
        ],
    );
    assert_eq!(out.stderr.lines().count(), 4, "one line for each unknown reference:\n{}", out.stderr);
    assert_unchanged(&before, &db.snapshot(), "a bundle with unknown references");
}

/// The quote of the i-th generated claim: about 100 characters, non-ASCII included.
fn bulk_quote(i: usize) -> String {
    format!("Заявление №{i:06}: «дроны не поставлялись» — שלום 🚀; the ministry denies shipment {i} reached Kupol.")
}

#[test]
fn jsonl_import_of_100k_claims_is_complete() {
    let n = heavy(100_000, 10_000);
    let fixture = parse(&fixture_text(KUPOL), "the Kupol fixture");
    let names = |plural: &str| ids(&fixture[plural], "id");
    let (parties, sources, props) = (names("parties"), names("sources"), names("propositions"));
    let stances = ["affirms", "denies", "qualifies", "neutral", "declined", "no-response"];

    let db = Db::new();
    let path = db.file("bulk.jsonl");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    writeln!(out, r#"{{"claimtrack":1}}"#).unwrap();
    for (plural, kind) in &KINDS[..3] {
        for record in list(&fixture[*plural]) {
            let mut r = record.clone();
            r.as_object_mut().unwrap().insert("type".into(), json!(kind));
            writeln!(out, "{r}").unwrap();
        }
    }
    for i in 0..n {
        let claim = json!({"type": "claim", "id": format!("c-bulk-{i:06}"), "proposition": props[i % props.len()],
                           "party": parties[i % parties.len()], "stance": stances[i % stances.len()],
                           "source": sources[i % sources.len()], "quote": bulk_quote(i)});
        writeln!(out, "{claim}").unwrap();
    }
    out.into_inner().unwrap().sync_all().unwrap();
    assert!((90..=110).contains(&bulk_quote(n - 1).chars().count()), "{}", bulk_quote(n - 1).chars().count());

    let result = db.run(&["import", arg(&path)]).success();
    assert!(result.stderr.contains(&format!("{n} claims")), "{}", result.stderr);

    let conn = rusqlite::Connection::open(db.path()).unwrap();
    let count: i64 = conn.query_row("SELECT count(*) FROM claim", [], |r| r.get(0)).unwrap();
    assert_eq!(count, n as i64);
    let mut stmt = conn.prepare("SELECT id, party, stance, quote FROM claim ORDER BY id").unwrap();
    let rows = stmt
        .query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
        })
        .unwrap();
    let mut read = 0;
    for (i, row) in rows.enumerate() {
        let (id, party, stance, quote) = row.unwrap();
        assert_eq!(id, format!("c-bulk-{i:06}"));
        assert_eq!(
            (party.as_str(), stance.as_str()),
            (parties[i % parties.len()].as_str(), stances[i % stances.len()])
        );
        assert_eq!(quote, bulk_quote(i), "{id}");
        read += 1;
    }
    assert_eq!(read, n);
    // Every claim is searchable and logged.
    let indexed: i64 =
        conn.query_row("SELECT count(*) FROM search_record WHERE kind = 'claim'", [], |r| r.get(0)).unwrap();
    assert_eq!(indexed, n as i64);
    // The first 5,000 records have an event each, the rest are logged in batches.
    let logged: i64 =
        conn.query_row("SELECT count(*) FROM claim c JOIN event e ON e.seq = c.event", [], |r| r.get(0)).unwrap();
    assert_eq!(logged, n as i64);
    let own: i64 = conn.query_row("SELECT count(*) FROM event WHERE kind = 'claim'", [], |r| r.get(0)).unwrap();
    let before = (parties.len() + sources.len() + props.len()) as i64;
    assert_eq!(own, 5000 - before, "the claims among the first 5,000 records");
    db.ok("verify");
    let last = format!("{:06}", n - 1);
    let hits = db.json(&["search", &format!("№{last}")]);
    assert_eq!(ids(&hits, "record"), [format!("c-bulk-{last}")]);
}

// ---- 6. the database as an API (docs/SCHEMA.md)

/// The ```sql blocks of a Markdown text.
fn sql_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```sql") => current = Some(String::new()),
            (Some(_), "```") => blocks.push(current.take().unwrap()),
            (Some(block), text) => {
                block.push_str(text);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    assert!(current.is_none(), "an unclosed ```sql block");
    blocks
}

#[test]
fn schema_doc_explains_every_table_and_view() {
    // What a migrated database holds, not what schema.sql mentions on the way there.
    let db = Db::with_fixture(KUPOL);
    let doc = repo_file("docs/SCHEMA.md");
    let conn = rusqlite::Connection::open(db.path()).unwrap();
    let names: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite_%' \
             AND name NOT LIKE 'search\\_%' ESCAPE '\\' ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert!(names.len() >= 20, "{names:?}");
    let headings: Vec<&str> = doc.lines().filter(|l| l.starts_with("### ")).collect();
    for name in &names {
        let quoted = format!("`{name}`");
        assert!(headings.iter().any(|h| h.contains(&quoted)), "docs/SCHEMA.md has no section on {quoted}");
    }
}

#[test]
fn schema_doc_examples_run_on_a_reconciled_database() {
    let db = Db::new();
    for name in FIXTURES {
        db.import_fixture(name);
    }
    db.ok("reconcile");
    let finding = db.column("findings", "id")[0].clone();
    db.ok(&["findings", "ack", &finding, "--note", "covered in paragraph 4"]);
    db.ok("verdict set p-experts-helped-kupol --rating 3 --best 5 --worst 1 --label Unproven");
    db.ok("verdict set p-experts-helped-kupol --rating 2 --best 5 --worst 1 --label \"Mostly false\" --url https://factcheck.example.org/fc/1");
    db.ok("verdict set p-substandard-concrete --rating 4 --best 5 --worst 1 --label \"Mostly true\"");
    db.ok(&["config", "set", "org.name", "Example Fact Check"]);

    let blocks = sql_blocks(&repo_file("docs/SCHEMA.md"));
    assert!(blocks.len() >= 12, "{} examples", blocks.len());
    let conn = rusqlite::Connection::open_with_flags(db.path(), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut results = Vec::new();
    for sql in &blocks {
        let mut stmt = conn.prepare(sql).unwrap_or_else(|e| panic!("docs/SCHEMA.md example fails ({e}):\n{sql}"));
        let columns: Vec<String> = stmt.column_names().iter().map(|c| c.to_string()).collect();
        let rows: Vec<BTreeMap<String, String>> = stmt
            .query_map([], |r| {
                let mut row = BTreeMap::new();
                for (i, c) in columns.iter().enumerate() {
                    let text = match r.get_ref(i)? {
                        rusqlite::types::ValueRef::Null => String::new(),
                        rusqlite::types::ValueRef::Integer(n) => n.to_string(),
                        rusqlite::types::ValueRef::Real(x) => x.to_string(),
                        rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                        rusqlite::types::ValueRef::Blob(_) => "<blob>".into(),
                    };
                    row.insert(c.clone(), text);
                }
                Ok(row)
            })
            .and_then(|rows| rows.collect::<rusqlite::Result<Vec<_>>>())
            .unwrap_or_else(|e| panic!("docs/SCHEMA.md example fails ({e}):\n{sql}"));
        assert!(!rows.is_empty(), "docs/SCHEMA.md example returns no rows on the fixtures:\n{sql}");
        results.push((sql.clone(), rows));
    }
    let result = |needle: &str| -> &Vec<BTreeMap<String, String>> {
        let matching: Vec<_> = results.iter().filter(|(sql, _)| sql.contains(needle)).collect();
        assert_eq!(matching.len(), 1, "one example contains {needle:?}");
        &matching[0].1
    };
    // The answers are the right ones, not just some rows.
    let latest = result("ORDER BY w.recorded DESC, w.rowid DESC");
    let labels: BTreeMap<&str, &str> =
        latest.iter().map(|r| (r["proposition"].as_str(), r["label"].as_str())).collect();
    assert_eq!(labels, BTreeMap::from([(EXPERTS, "Mostly false"), ("p-substandard-concrete", "Mostly true")]));
    assert_eq!(latest[0]["reviewer"], USER);
    assert_eq!(result("WHERE proposition = 'p-experts-helped-kupol'").len(), 2, "the verdict history");
    assert_eq!(result("MATCH 'neutral position'")[0]["record"], "c-mfa-denies-experts");
    let roots = result("WITH RECURSIVE upstream");
    assert!(
        roots.iter().any(|r| r["proposition"] == "p-substandard-concrete"
            && r["stance"] == "affirms"
            && r["claims"] == "4"
            && r["root"] == "s-visnyk-original"),
        "four rewrites, one root: {roots:#?}"
    );
    let denials = result("WHERE stance = 'denies' AND retracted IS NULL");
    assert!(denials.iter().any(|r| r["quote"] == "neutral and fair position"));
    let silences = result("FROM silences");
    assert!(silences.iter().any(|r| r["party"] == "kremlin"));
    let triage = result("FROM finding_triage t");
    assert_eq!(triage[0]["note"], "covered in paragraph 4");
    assert_eq!(result("FROM settings")[0]["value"], "Example Fact Check");
    let history = result("WHERE record = 'c-mfa-denies-experts'");
    assert_eq!(history[0]["stance"], "denies");
}
