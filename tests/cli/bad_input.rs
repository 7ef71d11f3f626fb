//! Bad input of every kind: each case must exit 1 (bad data) or 2 (usage), print one error
//! line that names where the problem is and the bad value, and leave the database as it was.

use crate::common::*;
use serde_json::{json, Value};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// A valid record of each kind for a database holding the Kupol fixture: a bad case is one of
/// these with one field spoiled.
fn base(kind: &str) -> Value {
    match kind {
        "parties" => json!({"id": "new-party", "name": "New party", "kind": "media"}),
        "sources" => json!({"id": "s-new", "title": "New source", "kind": "article"}),
        "propositions" => json!({"id": "p-new", "text": "A new proposition"}),
        "claims" => json!({"proposition": "p-experts-helped-kupol", "party": "china-mfa", "stance": "denies",
                           "source": "s-seed-article"}),
        "links" => json!({"from": "c-mfa-denies-experts", "rel": "contradicts", "to": "c-publisher-visits"}),
        "requests" => json!({"party": "kremlin", "proposition": "p-experts-flight-tests", "by": "reuters"}),
        "retractions" => json!({"target": "c-mfa-denies-experts", "date": "2025-10-01", "reason": "Corrected"}),
        _ => panic!("no record kind {kind}"),
    }
}

/// A bundle holding one record of `kind`: the base record with `fields` set over it.
fn one(kind: &str, fields: Value) -> String {
    let mut record = base(kind);
    let (Value::Object(r), Value::Object(f)) = (&mut record, fields) else { panic!("objects only") };
    r.extend(f);
    let mut lists = serde_json::Map::new();
    lists.insert(kind.to_string(), json!([record]));
    bundle(Value::Object(lists))
}

/// Runs every case, reporting all the ones that fail rather than stopping at the first.
fn check_all<T: std::fmt::Debug>(cases: &[T], check: impl Fn(&T)) {
    let failed: Vec<String> = cases
        .iter()
        .filter(|case| catch_unwind(AssertUnwindSafe(|| check(case))).is_err())
        .map(|case| format!("{case:?}"))
        .collect();
    assert!(failed.is_empty(), "{} of {} cases failed:\n{}", failed.len(), cases.len(), failed.join("\n"));
}

/// Bundles that must be refused by a database holding the Kupol fixture.
fn refuse_bundles(cases: &[(String, &[&str])]) {
    let db = Db::with_fixture("kupol-drones.json");
    check_all(cases, |(text, needles)| assert_import_refused(&db, text, needles));
}

/// Commands that must be refused by a database holding the Kupol fixture.
/// Command lines that must be refused by a database holding the Kupol fixture, with their
/// exit code and what the message must name.
fn refuse_commands(cases: &[(&str, i32, &[&str])]) {
    let db = Db::with_fixture("kupol-drones.json");
    check_all(cases, |(line, code, needles)| {
        assert_refused(&db, *line, None, *code, needles);
    });
}

/// A valid `claim add` command line on the Kupol fixture, with more flags after it.
macro_rules! claim_add {
    ($($more:literal)?) => {
        concat!("claim add --prop p-experts-helped-kupol --party china-mfa --stance denies --source s-seed-article"
                $(, " ", $more)?)
    };
}

#[test]
fn the_base_records_are_valid() {
    // So that each case below fails for its one spoiled field alone.
    let db = Db::with_fixture("kupol-drones.json");
    for kind in ["parties", "sources", "propositions", "claims", "links", "requests", "retractions"] {
        let out = db.run_with("import --dry-run -", Some(&one(kind, json!({}))));
        assert_eq!(out.code, 0, "{kind}: {out:#?}");
        assert!(out.stderr.contains("would add 1 "), "{kind}: {}", out.stderr);
    }
}

#[test]
fn malformed_bundles() {
    refuse_bundles(&[
        (r#"{"claimtrack": 1, "parties": ["#.into(), &["<stdin>: not valid JSON", "EOF while parsing"]),
        (r#"{"claimtrack": 1, "parties": [],}"#.into(), &["<stdin>: not valid JSON", "trailing comma"]),
        (r#"{"claimtrack": 1, "parties": [{"id": "x",}]}"#.into(), &["not valid JSON", "trailing comma"]),
        ("".into(), &["<stdin>: empty; a bundle is an object"]),
        ("[]".into(), &["<stdin>: not a bundle; a bundle is an object"]),
        // serde would fill a bundle from an array by position: this one would add party x.
        (r#"[1,[{"id":"x","name":"X","kind":"other"}]]"#.into(), &["<stdin>: not a bundle"]),
        (r#""claims""#.into(), &["<stdin>: not a bundle; a bundle is an object"]),
        ("42".into(), &["<stdin>: not a bundle; a bundle is an object"]),
        ("{}".into(), &["missing field `claimtrack`", "a bundle is an object"]),
        (r#"{"claimtrack": 2}"#.into(), &["<stdin>: claimtrack: ", "format version 2 is not supported"]),
        (r#"{"claimtrack": "1"}"#.into(), &["<stdin>: claimtrack: ", "invalid type: string \"1\""]),
        (r#"{"claimtrack": 1, "partys": []}"#.into(), &["partys: ", "unknown field `partys`"]),
        (r#"{"claimtrack": 1, "claims": {}}"#.into(), &["claims: ", "invalid type: map"]),
        (r#"{"claimtrack": 1} {"claimtrack": 1}"#.into(), &["<stdin>: text after the bundle"]),
        (one("claims", json!({"stnace": "denies"})), &["claims[0].stnace: ", "unknown field `stnace`"]),
        (one("parties", json!({"contry": "CN"})), &["parties[0].contry: ", "unknown field `contry`"]),
        (
            bundle(json!({"claims": [{"party": "china-mfa", "stance": "denies", "source": "s-seed-article"}]})),
            &["claims[0]", "missing field `proposition`"],
        ),
        (one("parties", json!({"aliases": ["ok", 3]})), &["parties[0].aliases[1]: ", "integer `3`"]),
        (one("parties", json!({"anonymous": "yes"})), &["parties[0].anonymous: ", "string \"yes\""]),
    ]);
    // What a bundle looks like is said once, whichever way the top level is wrong.
    let db = Db::with_fixture("kupol-drones.json");
    for text in ["\"x\"", "{}", "[]"] {
        let out = db.run_with("import -", Some(text));
        assert_eq!(out.stderr.matches("a bundle is an object").count(), 1, "{text}: {}", out.stderr);
    }
}

#[test]
fn references_to_unknown_records() {
    refuse_bundles(&[
        (
            one("claims", json!({"party": "china-mfx"})),
            &["<stdin>: claims[0].party: ", "no party 'china-mfx'", "(did you mean 'china-mfa'?)"],
        ),
        (
            one("claims", json!({"proposition": "p-experts-helped-kupox"})),
            &["claims[0].proposition: ", "'p-experts-helped-kupox'", "did you mean 'p-experts-helped-kupol'"],
        ),
        (
            one("claims", json!({"source": "s-reuters-reporx"})),
            &["claims[0].source: ", "'s-reuters-reporx'", "did you mean 's-reuters-report'"],
        ),
        (one("claims", json!({"source": "reuters"})), &["claims[0].source: ", "no source 'reuters'"]),
        (
            one("claims", json!({"via": "reuterz"})),
            &["claims[0].via: ", "no party 'reuterz'", "did you mean 'reuters'"],
        ),
        (
            one("sources", json!({"publisher": "nobody-at-all"})),
            &["sources[0].publisher: ", "no party 'nobody-at-all'"],
        ),
        (
            one("sources", json!({"derived_from": ["s-reuters-report", "s-nope"]})),
            &["sources[0].derived_from[1]: ", "no source 's-nope'"],
        ),
        (
            one("propositions", json!({"expected": ["china-mfa", "kremlinn"]})),
            &["propositions[0].expected[1]: ", "no party 'kremlinn'", "did you mean 'kremlin'"],
        ),
        (one("parties", json!({"parent": "zzz"})), &["parties[0].parent: ", "no party 'zzz'", "claimtrack party list"]),
        (one("links", json!({"from": "c-nope"})), &["links[0].from: ", "no claim 'c-nope'"]),
        (
            one("links", json!({"to": "c-mfa-denies-expert"})),
            &["links[0].to: ", "no claim 'c-mfa-denies-expert'", "did you mean 'c-mfa-denies-experts'"],
        ),
        (one("links", json!({"to": "s-reuters-report"})), &["links[0].to: ", "no claim 's-reuters-report'"]),
        (one("requests", json!({"party": "nobody"})), &["requests[0].party: ", "no party 'nobody'"]),
        (
            one("requests", json!({"by": "reutersx"})),
            &["requests[0].by: ", "no party 'reutersx'", "did you mean 'reuters'"],
        ),
        (one("requests", json!({"proposition": "p-nope"})), &["requests[0].proposition: ", "no proposition 'p-nope'"]),
        (one("retractions", json!({"target": "c-nope"})), &["retractions[0].target: ", "no claim or source 'c-nope'"]),
        (one("retractions", json!({"target": "kremlin"})), &["retractions[0].target: ", "'kremlin'"]),
    ]);
}

#[test]
fn values_outside_their_vocabulary_or_range() {
    refuse_bundles(&[
        (
            one("claims", json!({"stance": "deny"})),
            &["claims[0].stance: ", "'deny' is not a valid stance", "no-response"],
        ),
        (one("parties", json!({"kind": "alien"})), &["parties[0].kind: ", "'alien' is not a valid party kind"]),
        (one("sources", json!({"kind": "blog"})), &["sources[0].kind: ", "'blog' is not a valid source kind"]),
        (one("links", json!({"rel": "refutes"})), &["links[0].rel: ", "'refutes' is not a valid link relation"]),
        (one("sources", json!({"reliability": "G"})), &["sources[0].reliability: ", "'G' is not a valid reliability"]),
        (one("sources", json!({"reliability": "b"})), &["sources[0].reliability: ", "'b'"]),
        (one("claims", json!({"confidence": 1.5})), &["claims[0].confidence: ", "1.5 is out of range"]),
        (one("claims", json!({"confidence": -0.1})), &["claims[0].confidence: ", "-0.1 is out of range"]),
        (one("claims", json!({"confidence": "0.5"})), &["claims[0].confidence: ", "string \"0.5\""]),
        (one("claims", json!({"grade": 7})), &["claims[0].grade: ", "7 is out of range", "1 to 6"]),
        (one("claims", json!({"grade": 0})), &["claims[0].grade: ", "0 is out of range"]),
        (one("parties", json!({"country": "CHN"})), &["parties[0].country: ", "'CHN' is not an ISO 3166 alpha-2"]),
        (one("sources", json!({"sha256": "abc"})), &["sources[0].sha256: ", "'abc' is not a SHA-256 digest"]),
        (
            one("parties", json!({"recorded": "yesterday"})),
            &["parties[0].recorded: ", "'yesterday' is not an RFC 3339"],
        ),
    ]);
}

#[test]
fn impossible_dates() {
    refuse_bundles(&[
        (
            one("claims", json!({"stated": "2025-02-30"})),
            &["claims[0].stated: ", "'2025-02-30' is not a day of the calendar"],
        ),
        (one("sources", json!({"published": "2025-13"})), &["sources[0].published: ", "'2025-13' has no month 13"]),
        (one("sources", json!({"accessed": "2025-00"})), &["sources[0].accessed: ", "'2025-00'"]),
        (one("requests", json!({"asked": "yesterday"})), &["requests[0].asked: ", "'yesterday' is not a valid date"]),
        (one("requests", json!({"deadline": "2025/09/26"})), &["requests[0].deadline: ", "'2025/09/26'"]),
        (one("retractions", json!({"date": "2025-09-31"})), &["retractions[0].date: ", "'2025-09-31'"]),
        (one("claims", json!({"stated": "2025-09-25T25:00:00Z"})), &["claims[0].stated: ", "'2025-09-25T25:00:00Z'"]),
    ]);
}

#[test]
fn ids_that_clash_or_are_malformed() {
    let party = |id: &str, name: &str| json!({"id": id, "name": name, "kind": "media"});
    let claim = |id: &str, stance: &str| {
        json!({"id": id, "proposition": "p-experts-helped-kupol", "party": "china-mfa", "stance": stance,
               "source": "s-seed-article"})
    };
    let kremlin = json!({"id": "kremlin", "name": "The Kremlin", "kind": "government", "country": "RU",
                         "parent": "russia-gov", "aliases": ["The Kremlin"]});
    refuse_bundles(&[
        (
            bundle(json!({"parties": [party("dup", "First"), party("dup", "Second")]})),
            &["parties[1].name: ", "party 'dup' appears twice", "different name"],
        ),
        (
            bundle(json!({"claims": [claim("c-dup", "denies"), claim("c-dup", "affirms")]})),
            &["claims[1].stance: ", "claim 'c-dup' appears twice", "different stance"],
        ),
        (
            bundle(json!({"parties": [kremlin]})),
            &["parties[0].name: ", "party 'kremlin' already exists with a different name", "never overwritten"],
        ),
        (
            bundle(json!({"claims": [json!({"id": "c-mfa-denies-experts", "proposition": "p-experts-helped-kupol",
            "party": "china-mfa", "stance": "affirms", "source": "s-seed-article",
            "quote": "neutral and fair position"})]})),
            &["claims[0].stance: ", "claim 'c-mfa-denies-experts' already exists with a different stance"],
        ),
        (
            one(
                "sources",
                json!({
                    "id": "s-reuters-report",
                    "title": null,
                    "publisher": "reuters",
                    "reliability": "A",
                    "note": "The Reuters report the article relays; the article gives no title, date or URL for it."
                }),
            ),
            &["sources[0].reliability: ", "source 's-reuters-report' already exists with a different reliability"],
        ),
        (one("parties", json!({"id": "new party"})), &["parties[0].id: ", "id 'new party' contains ' '"]),
        (one("claims", json!({"id": "c-tab\there"})), &["claims[0].id: ", "contains '\\t'"]),
        (one("parties", json!({"id": ""})), &["parties[0].id: ", "an id cannot be empty"]),
        (one("parties", json!({"id": "x".repeat(201)})), &["parties[0].id: ", "longer than 200 characters"]),
        (one("parties", json!({"name": ""})), &["parties[0].name: ", "name is empty"]),
        (one("sources", json!({"title": "   "})), &["sources[0].title: ", "title is empty"]),
        (one("propositions", json!({"text": "\t"})), &["propositions[0].text: ", "text is empty"]),
        (one("retractions", json!({"reason": ""})), &["retractions[0].reason: ", "reason is empty"]),
        (
            one("claims", json!({"id": "s-hur-disclosure"})),
            &["claims[0].id: ", "'s-hur-disclosure' is already a source id"],
        ),
        (
            one("sources", json!({"id": "c-mfa-denies-experts"})),
            &["sources[0].id: ", "'c-mfa-denies-experts' is already a claim id"],
        ),
        (
            bundle(json!({"sources": [base("sources")], "claims": [claim("s-new", "denies")]})),
            &["claims[0].id: ", "'s-new' is already a source id"],
        ),
        (one("links", json!({"to": "c-mfa-denies-experts"})), &["links[0].to: ", "a claim cannot be linked to itself"]),
        (one("parties", json!({"parent": "new-party"})), &["parties[0].parent: ", "a party cannot be its own parent"]),
        (
            one("sources", json!({"derived_from": ["s-hur-disclosure", "s-hur-disclosure"]})),
            &["sources[0].derived_from: ", "'s-hur-disclosure' is listed twice"],
        ),
        (
            one("propositions", json!({"expected": ["kremlin", "kremlin"]})),
            &["propositions[0].expected: ", "'kremlin' is listed twice"],
        ),
        (
            one("requests", json!({"asked": "2025-09-24", "deadline": "2025-09-20"})),
            &["requests[0].deadline: ", "deadline 2025-09-20 is before the request was made (2025-09-24)"],
        ),
        (
            bundle(json!({"retractions": [
                base("retractions"),
                {"target": "c-mfa-denies-experts", "date": "2025-10-01", "reason": "Other"}
            ]})),
            &["retractions[1].reason: ", "'c-mfa-denies-experts' appears twice"],
        ),
    ]);
}

#[test]
fn self_references_name_the_id() {
    refuse_bundles(&[
        (one("links", json!({"to": "c-mfa-denies-experts"})), &["links[0].to: ", "c-mfa-denies-experts"]),
        (one("parties", json!({"parent": "new-party"})), &["parties[0].parent: ", "new-party"]),
    ]);
}

#[test]
fn a_bad_record_after_good_ones_writes_nothing() {
    let good_party = json!({"id": "ok-party", "name": "OK", "kind": "media"});
    let good_claims: Vec<Value> = (0..3)
        .map(|i| {
            json!({"id": format!("c-ok-{i}"), "proposition": "p-experts-helped-kupol", "party": "ok-party",
                   "stance": "affirms", "source": "s-seed-article"})
        })
        .collect();
    let mut claims = good_claims.clone();
    claims.push(
        json!({"proposition": "p-experts-helped-kupol", "party": "ok-party", "stance": "denies", "source": "s-nope"}),
    );
    refuse_bundles(&[
        (
            bundle(json!({"parties": [good_party.clone()], "claims": claims})),
            &["claims[3].source: ", "no source 's-nope'"],
        ),
        // Every kind is fine until the very last list.
        (
            bundle(json!({
               "parties": [good_party.clone()],
               "sources": [base("sources")],
               "propositions": [base("propositions")],
               "claims": good_claims,
               "links": [{"from": "c-ok-0", "rel": "supports", "to": "c-ok-1"}],
               "requests": [base("requests")],
               "retractions": [
                   {"target": "c-ok-2", "date": "2025-10-01", "reason": "R"},
                   {"target": "c-gone", "date": "2025-10-01", "reason": "R"}
               ]
            })),
            &["retractions[1].target: ", "'c-gone'"],
        ),
        // A fixture with one claim spoiled is refused as a whole.
        (
            fixture_text("reversal.json").replace("\"stance\": \"qualifies\"", "\"stance\": \"hedges\""),
            &["claims[4].stance: ", "'hedges'"],
        ),
        (
            fixture_text("rewrites.json").replace("\"to\": \"c-pryozerya-paid-in-full\"}", "\"to\": \"c-pryozerya\"}"),
            &["links[6].to: ", "no claim 'c-pryozerya'"],
        ),
    ]);
}

#[test]
fn bad_flags_on_commands_that_write() {
    refuse_commands(&[
        // Values clap checks: usage errors, exit 2.
        (
            claim_add!("--confidence 1.5"),
            2,
            &["--confidence", "'1.5'", "1.5 is out of range; confidence runs from 0 to 1"],
        ),
        (claim_add!("--confidence=-0.1"), 2, &["--confidence", "'-0.1'", "out of range"]),
        (claim_add!("--grade 7"), 2, &["--grade", "'7'", "out of range"]),
        (claim_add!("--stated 2025-02-30"), 2, &["--stated", "'2025-02-30'", "not a day of the calendar"]),
        (claim_add!("--stated 2025-13"), 2, &["--stated", "'2025-13'"]),
        (
            "claim add --prop p-experts-helped-kupol --party china-mfa --stance deny
             --source s-seed-article",
            2,
            &["--stance", "'deny'"],
        ),
        ("party add x --name X --kind media --country CHN", 2, &["--country", "'CHN'"]),
        ("party add x --name X --kind alien", 2, &["--kind", "'alien'"]),
        ("source add s --title S --kind article --reliability G", 2, &["--reliability", "'G'"]),
        ("source add s --title S --kind article --sha256 xyz", 2, &["--sha256", "'xyz'"]),
        ("link add c-mfa-denies-experts refutes c-publisher-visits", 2, &["'refutes'", "<REL>"]),
        ("retract c-mfa-denies-experts --reason R --date 2025-02-30", 2, &["--date", "'2025-02-30'"]),
        // Values only the store can check: bad data, exit 1, one line naming the flag.
        (
            "claim add --prop p-experts-helped-kupol --party china-mfx --stance denies
             --source s-seed-article",
            1,
            &["error: --party: ", "no party 'china-mfx'", "(did you mean 'china-mfa'?)"],
        ),
        (
            "claim add --prop p-nope --party china-mfa --stance denies --source s-seed-article",
            1,
            &["--prop: ", "no proposition 'p-nope'"],
        ),
        (
            "claim add --prop p-experts-helped-kupol --party china-mfa --stance denies --source s-nope",
            1,
            &["--source: ", "no source 's-nope'"],
        ),
        (claim_add!("--via reuterz"), 1, &["--via: ", "no party 'reuterz'"]),
        (claim_add!("--id s-hur-disclosure"), 1, &["--id: ", "'s-hur-disclosure' is already a source id"]),
        (claim_add!(r#"--id "has space""#), 1, &["--id: ", "id 'has space' contains ' '"]),
        (
            claim_add!("--id c-mfa-denies-experts"),
            1,
            &["--quote: ", "claim 'c-mfa-denies-experts' already exists with a different quote"],
        ),
        (r#"party add "sp ace" --name X --kind media"#, 1, &["ID: ", "'sp ace'"]),
        (r#"party add x --name "  " --kind media"#, 1, &["--name: ", "name is empty"]),
        ("party add kremlin --name Other --kind government", 1, &["--name: ", "party 'kremlin' already exists"]),
        ("party add x --name X --kind media --parent nobody", 1, &["--parent: ", "'nobody'"]),
        ("source add s --title S --kind article --publisher nobody", 1, &["--publisher: ", "'nobody'"]),
        ("source add s --title S --kind article --derived-from s-nope", 1, &["--derived-from: ", "'s-nope'"]),
        ("source add c-mfa-denies-experts --title S --kind article", 1, &["ID: ", "already a claim id"]),
        (
            "source add s --title S --kind article --archive no-such-file.html",
            1,
            &["--archive no-such-file.html: cannot open the file"],
        ),
        ("prop add p --text P --expect kremlinn", 1, &["--expect: ", "'kremlinn'", "did you mean 'kremlin'"]),
        (r#"prop add p --text """#, 1, &["--text: ", "text is empty"]),
        ("link add c-mfa-denies-experts cites c-mfa-denies-experts", 1, &["TO: ", "itself"]),
        ("link add c-nope cites c-mfa-denies-experts", 1, &["FROM: ", "no claim 'c-nope'"]),
        ("link add c-mfa-denies-experts cites c-nope", 1, &["TO: ", "no claim 'c-nope'"]),
        ("request add --party nobody --prop p-experts-flight-tests --by reuters", 1, &["--party: ", "'nobody'"]),
        ("request add --party kremlin --prop p-nope --by reuters", 1, &["--prop: ", "'p-nope'"]),
        ("request add --party kremlin --prop p-experts-flight-tests --by nobody", 1, &["--by: ", "'nobody'"]),
        (
            "request add --party kremlin --prop p-experts-flight-tests --by reuters
             --asked 2025-09-24 --deadline 2025-09-20",
            1,
            &["--deadline: ", "2025-09-20", "2025-09-24"],
        ),
        ("retract c-nope --reason R", 1, &["TARGET: ", "no claim or source 'c-nope'"]),
        (r#"retract c-mfa-denies-experts --reason """#, 1, &["--reason: ", "reason is empty"]),
    ]);
}

#[test]
fn bad_arguments_to_commands_that_read() {
    refuse_commands(&[
        (
            "claim show c-mfa-denies-experst",
            1,
            &["no claim 'c-mfa-denies-experst'", "did you mean 'c-mfa-denies-experts'"],
        ),
        ("party show kremlinn", 1, &["no party 'kremlinn'", "did you mean 'kremlin'"]),
        ("source show nothing-like-it", 1, &["no source 'nothing-like-it'", "claimtrack source list"]),
        ("prop show p-nope", 1, &["no proposition 'p-nope'"]),
        ("claim list --since 2025-02-30", 2, &["--since", "'2025-02-30'"]),
        ("claim list --stance maybe", 2, &["--stance", "'maybe'"]),
        ("party list --kind alien", 2, &["--kind", "'alien'"]),
        ("import no-such-bundle.json", 1, &["reading no-such-bundle.json"]),
        ("import .", 1, &["reading ."]),
    ]);
}

#[test]
fn a_negative_confidence_after_a_space_is_named() {
    let db = Db::with_fixture("kupol-drones.json");
    let args = claim_add!("--confidence -0.1");
    assert_refused(&db, args, None, 2, &["--confidence", "-0.1"]);
}

#[test]
fn bad_flag_values_read_like_bad_bundle_values() {
    let db = Db::with_fixture("kupol-drones.json");
    let args = claim_add!("--confidence 1.5");
    let out = db.run(args);
    assert_error_line(&out.stderr, &["--confidence", "1.5"]);
    assert_eq!(out.code, 2, "a value the flag's own parser refuses is a usage error");
}

/// A file at `name` beside the database, holding `bytes`, checked after each command.
fn refuse_db_file(name: &str, bytes: &[u8], needles: &[&str]) {
    let db = Db::new();
    let path = db.file(name);
    std::fs::write(&path, bytes).unwrap();
    let p = path.to_str().unwrap();
    let kupol = fixture("kupol-drones.json");
    let commands: &[&[&str]] = &[
        &["--db", p, "party", "list"],
        &["--db", p, "claim", "list", "--format", "json"],
        &["--db", p, "export"],
        &["--db", p, "import", kupol.to_str().unwrap()],
        &["--db", p, "party", "add", "x", "--name", "X", "--kind", "media"],
    ];
    for &args in commands {
        let out = db.run(args);
        assert_eq!(out.code, 1, "{args:?}: {out:#?}");
        assert_error_line(&out.stderr, needles);
        assert!(out.stdout.is_empty(), "{args:?}: {}", out.stdout);
        assert_eq!(std::fs::read(&path).unwrap(), bytes, "{args:?} changed {name}");
        let mut left: Vec<String> = std::fs::read_dir(db.dir())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(left, [name], "{args:?} left files behind");
    }
    assert!(!db.exists(), "--db overrides CLAIMTRACK_DB");
}

#[test]
fn a_file_that_is_not_sqlite_is_refused_untouched() {
    let garbage: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    refuse_db_file("garbage.db", &garbage, &["garbage.db is not a SQLite database"]);
    refuse_db_file("notes.txt", b"These are my notes, not a database.\n", &["notes.txt is not a SQLite database"]);
    refuse_db_file(
        "story.json",
        fixture_text("kupol-drones.json").as_bytes(),
        &["story.json is not a SQLite database"],
    );
}

/// A SQLite database with one table of someone else's, in rollback-journal mode.
fn foreign_db(db: &Db, user_version: u32) -> std::path::PathBuf {
    let path = db.file("other.sqlite");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch(
        "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers (name) VALUES ('Ada');",
    )
    .unwrap();
    conn.pragma_update(None, "user_version", user_version).unwrap();
    path
}

fn foreign_contents(path: &std::path::Path) -> (Vec<String>, Vec<String>, u32) {
    let conn = rusqlite::Connection::open(path).unwrap();
    let tables = conn
        .prepare("SELECT name FROM sqlite_schema ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<Vec<String>, _>>()
        .unwrap();
    let names = conn
        .prepare("SELECT name FROM customers")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<Vec<String>, _>>()
        .unwrap();
    let version = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
    (tables, names, version)
}

#[test]
fn a_sqlite_database_that_is_not_claimtracks_is_refused() {
    for (version, needles) in [
        (0, &["other.sqlite is a SQLite database but not a claimtrack one"][..]),
        (99, &["other.sqlite was written by a newer claimtrack (schema 99", "upgrade claimtrack"][..]),
    ] {
        let db = Db::new();
        let path = foreign_db(&db, version);
        let p = path.to_str().unwrap();
        let kupol = fixture("kupol-drones.json");
        for args in [
            vec!["--db", p, "party", "list"],
            vec!["--db", p, "import", kupol.to_str().unwrap()],
            vec!["--db", p, "party", "add", "x", "--name", "X", "--kind", "media"],
        ] {
            let out = db.run(&args);
            assert_eq!(out.code, 1, "{args:?}: {out:#?}");
            assert_error_line(&out.stderr, needles);
            let (tables, names, v) = foreign_contents(&path);
            assert_eq!(tables, ["customers"], "{args:?} added tables");
            assert_eq!(names, ["Ada"], "{args:?}");
            assert_eq!(v, version, "{args:?}");
        }
    }
}

#[test]
fn a_foreign_sqlite_database_is_left_byte_for_byte_as_it_was() {
    let db = Db::new();
    let path = foreign_db(&db, 0);
    let before = std::fs::read(&path).unwrap();
    let out = db.run(&["--db", path.to_str().unwrap(), "party", "list"]);
    assert_eq!(out.code, 1);
    let mode: String =
        rusqlite::Connection::open(&path).unwrap().pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
    assert_eq!(mode, "delete", "the journal mode of someone else's database was changed");
    assert_eq!(std::fs::read(&path).unwrap(), before);
}

#[test]
fn errors_found_before_opening_leave_a_missing_database_missing() {
    let db = Db::new();
    // (arguments, standard input, exit code, what the message names)
    type Case<'a> = (&'a str, Option<&'a str>, i32, &'a [&'a str]);
    let cases: &[Case] = &[
        ("import -", Some(r#"{"claimtrack": 1,"#), 1, &["not valid JSON"]),
        (
            "import -",
            Some(r#"{"claimtrack": 1, "parties": [{"id": "x", "name": "X", "kind": "alien"}]}"#),
            1,
            &["parties[0].kind"],
        ),
        ("import missing.json", None, 1, &["reading missing.json"]),
        ("claim add --prop p --party x --stance denies --source s --confidence 2", None, 2, &["--confidence"]),
        ("party add x --name X --kind media --country CHN", None, 2, &["--country"]),
    ];
    check_all(cases, |(line, stdin, code, needles)| {
        assert_refused(&db, *line, *stdin, *code, needles);
        assert!(!db.exists());
    });
}

#[test]
fn a_refused_write_leaves_a_missing_database_missing() {
    let db = Db::new();
    let text = bundle(json!({"parties": [{"id": "x", "name": "X", "kind": "media", "parent": "nobody"}]}));
    assert_import_refused(&db, &text, &["parties[0].parent: ", "'nobody'"]);
    assert_refused(
        &db,
        &["party", "add", "x", "--name", "X", "--kind", "media", "--parent", "nobody"],
        None,
        1,
        &["--parent"],
    );
    assert!(!db.exists(), "a refused write created {}", db.path().display());
}
