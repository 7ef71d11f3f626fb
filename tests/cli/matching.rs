//! One proposition however it is worded (issue 28): ClaimReview archives imported, `match`,
//! duplicate warnings when logging, and `proposition merge`.

use crate::common::*;
use serde_json::{json, Value};

const KUPOL: &str = "kupol-drones.json";

/// The kupol fixture with a verdict on every proposition and an organisation to sign them.
fn kupol_with_verdicts() -> Db {
    let db = Db::with_fixture(KUPOL);
    db.ok("config set org.name Example-Fact-Check");
    db.ok("config set org.url https://factcheck.example.org");
    for (i, prop) in db.column("prop list", "id").iter().enumerate() {
        db.ok(&*format!(
            "verdict set {prop} --rating {} --best 5 --worst 1 --label L{i} --url https://factcheck.example.org/fc/{i}",
            i % 5 + 1
        ));
    }
    db
}

/// Each record of `list` with only `fields`, sorted: what a round trip must give back.
fn pick(list: &Value, fields: &[&str]) -> Vec<Value> {
    let mut out: Vec<Value> = list
        .as_array()
        .expect("a list")
        .iter()
        .map(|r| Value::Object(fields.iter().map(|f| (f.to_string(), r[*f].clone())).collect()))
        .collect();
    out.sort_by_key(|v| v.to_string());
    out
}

#[test]
fn claimreview_export_imported_into_a_fresh_database_gives_the_same_propositions_and_verdicts() {
    let db = kupol_with_verdicts();
    let file = db.file("published.jsonld");
    db.ok(&["export", "--format", "claimreview", "-o", file.to_str().unwrap()]);

    let fresh = Db::new();
    let out = fresh.run(&["import", file.to_str().unwrap()]).success();
    assert!(out.stderr.contains("added"), "{}", out.stderr);
    let props = ["id", "text"];
    assert_eq!(pick(&fresh.json("prop list"), &props), pick(&db.json("prop list"), &props));
    let verdicts = ["proposition", "rating", "best", "worst", "label", "url"];
    assert_eq!(pick(&fresh.json("verdict list"), &verdicts), pick(&db.json("verdict list"), &verdicts));
    // The claimant of each is a party affirming it, in a source where it appeared.
    let claims = fresh.json("claim list");
    assert!(!claims.as_array().unwrap().is_empty());
    assert!(claims.as_array().unwrap().iter().all(|c| c["stance"] == "affirms"), "{claims}");
    fresh.ok("verify");

    // Idempotent: a second import adds nothing.
    let before = fresh.export();
    let again = fresh.run(&["import", "--format", "claimreview", file.to_str().unwrap()]).success();
    assert!(again.stderr.contains("added nothing"), "{}", again.stderr);
    assert_eq!(fresh.export(), before);
}

#[test]
fn published_claimreview_shapes_are_read() {
    let db = Db::new();
    for name in [
        "google-factcheck-example.jsonld",
        "schemaorg-eg-0324-ClaimReview.jsonld",
        "schemaorg-eg-0325-ClaimReview.jsonld",
    ] {
        let path = repo_path("fixtures/reference").join(name);
        db.run(&["import", "--format", "claimreview", path.to_str().unwrap()]).success();
    }
    let props = db.json("prop list");
    assert_eq!(props.as_array().unwrap().len(), 3, "{props}");
    let flat = db.json("verdict list");
    let google = flat.as_array().unwrap().iter().find(|v| v["label"] == "False").expect("Google's example's verdict");
    assert_eq!((&google["rating"], &google["best"], &google["worst"]), (&json!(1.0), &json!(5.0), &json!(1.0)));
    assert_eq!(google["url"], "https://example.com/news/science/worldisflat.html");
    assert_eq!(google["reviewer"], "Example.com science watch");
    // The author is a party, the appearance a source with its publisher, the claim affirms.
    let party = db.json("party show square-world-society");
    assert_eq!(party["name"], "Square World Society");
    let sources = db.json("source list");
    let appearance = sources
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["url"] == "https://example.com/news/a122121")
        .expect("the appearance is a source");
    assert_eq!(appearance["published"], "2024-06-22");
    assert_eq!(appearance["publisher"], "skeptical-news");
    // 0325 has no rating at all: a proposition without a verdict, said on stderr.
    assert_eq!(flat.as_array().unwrap().len(), 2);
    db.ok("verify");
}

#[test]
fn a_bad_claimreview_file_names_every_error_and_writes_nothing() {
    let db = Db::new();
    let file = db.file("bad.jsonld");
    std::fs::write(
        &file,
        r#"{"@context":"https://schema.org","@graph":[
            {"@type":"ClaimReview","url":"https://fc.example/1"},
            {"@type":"ClaimReview","claimReviewed":"Drones were tested","datePublished":"last week",
             "reviewRating":{"ratingValue":7,"bestRating":5,"worstRating":1,"alternateName":"False"}},
            {"@type":"ClaimReview","claimReviewed":"Ships were sold",
             "reviewRating":{"ratingValue":9,"bestRating":5,"worstRating":1,"alternateName":"False"}}]}"#,
    )
    .unwrap();
    let out = db.run(&["import", file.to_str().unwrap()]);
    assert_eq!(out.code, 1, "{out:#?}");
    for expected in [
        "@graph[0].claimReviewed: missing",
        "@graph[1].datePublished: 'last week'",
        "@graph[2].reviewRating.ratingValue: 9 is outside",
    ] {
        assert!(out.stderr.contains(expected), "{expected} not in {}", out.stderr);
    }
    assert!(!db.exists() || db.json("prop list") == json!([]), "nothing is written");
}

#[test]
fn match_ranks_the_same_matter_first_from_a_pasted_post_with_verdict_and_status() {
    let db = kupol_with_verdicts();
    db.ok("reconcile");
    let post = "BREAKING 🚨 Chinese specialists helped the #Kupol drone maker, say officials @Reuters https://t.co/abc";
    let found = db.json(&["match", post]);
    let list = found.as_array().unwrap();
    assert!(!list.is_empty() && list.len() <= 5, "{found}");
    assert_eq!(list[0]["proposition"], "p-experts-helped-kupol", "{found}");
    for r in list {
        let keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["proposition", "text", "score", "status", "verdict"]);
    }
    assert_eq!(list[0]["status"], "contested");
    assert!(list[0]["verdict"].as_str().is_some_and(|v| v.starts_with('L')), "{found}");
    let scores: Vec<f64> = list.iter().map(|r| r["score"].as_f64().unwrap()).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "best first: {scores:?}");

    // --limit, --kind claim, and the other formats.
    assert_eq!(db.json(&["match", post, "--limit", "2"]).as_array().unwrap().len(), 2);
    let claims = db.json(&["match", "Chinese specialists made visits to Kupol", "--kind", "claim"]);
    assert_eq!(claims[0]["claim"], "c-publisher-visits", "{claims}");
    let md = db.ok(&["match", post, "--format", "markdown"]);
    assert!(md.starts_with("| score | proposition | text | verdict | status |\n|---|"), "{md}");
    assert!(db.ok(&["match", post]).contains("p-experts-helped-kupol"));
}

#[test]
fn match_finds_through_party_aliases_in_other_languages_and_says_when_nothing_is_alike() {
    let db = Db::with_fixture(KUPOL);
    // An alias of a party the proposition names, and no word of its text.
    let found = db.json(&["match", "Ministry of Foreign Affairs of China statement"]);
    let ids: Vec<&str> = found.as_array().unwrap().iter().map(|r| r["proposition"].as_str().unwrap()).collect();
    assert!(ids.contains(&"p-experts-helped-kupol"), "{found}");
    db.ok(&["prop", "add", "p-ru", "--text", "Китайские специалисты помогали концерну «Купол» разрабатывать дроны"]);
    db.ok(&["prop", "add", "p-zh", "--text", "中国专家帮助库波尔公司研发无人机"]);
    assert_eq!(db.json(&["match", "Китайский специалист помогал «Куполу» с дронами 🤔"])[0]["proposition"], "p-ru");
    assert_eq!(db.json(&["match", "网传：中国专家帮助研发无人机？"])[0]["proposition"], "p-zh");
    let out = db.run(&["match", "zebra crossing in the harbour"]).success();
    assert_eq!(out.stdout, "");
    assert!(out.stderr.contains("nothing in the archive is like it"), "{}", out.stderr);
    assert_eq!(db.json(&["match", "zebra crossing"]), json!([]));
    let zero = db.run(&["match", "drones", "--limit", "0"]);
    assert_eq!(zero.code, 2, "{zero:#?}");
}

#[test]
fn a_new_proposition_like_a_logged_one_is_warned_of_but_logged_as_written() {
    let db = Db::with_fixture(KUPOL);
    let out = db
        .run(&[
            "prop",
            "add",
            "p-cn-experts",
            "--text",
            "Chinese specialists helped IEMZ Kupol develop military drones",
        ])
        .success();
    assert!(
        out.stderr
            .contains("warning: p-cn-experts looks like p-experts-helped-kupol: 'Chinese experts helped IEMZ Kupol")
            && out.stderr.contains("use it with --prop p-experts-helped-kupol, or merge later"),
        "{}",
        out.stderr
    );
    assert_eq!(
        db.json("prop show p-cn-experts")["text"],
        "Chinese specialists helped IEMZ Kupol develop military drones"
    );
    // Another matter about the same company: no warning.
    let other = db.run(&["prop", "add", "p-private", "--text", "Kupol is a private company"]).success();
    assert!(!other.stderr.contains("looks like"), "{}", other.stderr);
    // In a log file too, before anything is written.
    let file = db.file("new.toml");
    std::fs::write(
        &file,
        "[source]\nid = \"s-new\"\nkind = \"article\"\ntitle = \"New\"\n\n[[proposition]]\nid = \"p-owned\"\ntext = \"IEMZ Kupol is owned by the state\"\n",
    )
    .unwrap();
    let logged = db.run(&["log", "--from", file.to_str().unwrap()]).success();
    assert!(logged.stderr.contains("p-owned looks like p-kupol-state-owned"), "{}", logged.stderr);
    assert_eq!(db.json("prop show p-owned")["id"], "p-owned");
}

/// Two propositions worded apart, an affirmation on one and a denial on the other.
fn worded_two_ways() -> Db {
    let db = Db::new();
    db.ok("party add kupol --name Kupol --kind company");
    db.ok("party add mfa --name MFA --kind government");
    db.ok("source add s --title S --kind article --published 2025-09-25");
    db.ok(&["prop", "add", "p-a", "--text", "Chinese specialists helped the Kupol drone maker"]);
    db.ok(&["prop", "add", "p-b", "--text", "Chinese experts helped IEMZ Kupol develop drones", "--expect", "kupol"]);
    db.ok("claim add --id c-a --prop p-a --party kupol --stance affirms --source s");
    db.ok("claim add --id c-b --prop p-b --party mfa --stance denies --source s");
    db
}

/// The kinds of the findings not cleared on `prop`, sorted.
fn findings_on(reading: &Value, prop: &str) -> Vec<String> {
    let mut kinds: Vec<String> = reading["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["proposition"] == prop && f["state"] != "cleared")
        .map(|f| f["kind"].as_str().unwrap().to_string())
        .collect();
    kinds.sort();
    kinds
}

const LATER: &str = "2025-10-02T09:00:00Z";

#[test]
fn a_merge_makes_an_affirmation_on_one_and_a_denial_on_the_other_a_conflict() {
    let db = worded_two_ways();
    assert!(!findings_on(&db.json("reconcile"), "p-b").contains(&"conflict".to_string()));
    let merged = outcome(db.cmd().env("CLAIMTRACK_NOW", LATER).args([
        "proposition",
        "merge",
        "p-a",
        "--into",
        "p-b",
        "--reason",
        "same matter",
    ]))
    .success();
    assert_eq!(merged.stdout, "p-a\n");
    assert!(merged.stderr.contains("merged p-a into p-b") && merged.stderr.contains("proposition unmerge p-a"));
    // --known-at before the merge reads the two apart (asked first: the commands after it
    // run at the pinned clock, before the merge's moment).
    let before = db.json(&["reconcile", "--known-at", "2025-10-01T13:00:00Z"]);
    assert!(!findings_on(&before, "p-b").contains(&"conflict".to_string()), "{before}");
    assert!(!findings_on(&before, "p-a").is_empty(), "{before}");
    let after = db.json("reconcile");
    assert!(findings_on(&after, "p-b").contains(&"conflict".to_string()), "{after}");
    assert!(findings_on(&after, "p-a").is_empty(), "p-a is read as p-b: {after}");
    // The merge is in both histories, with who, when and why.
    for prop in ["p-a", "p-b"] {
        let history = db.json(&["history", prop]);
        let merge = history.as_array().unwrap().iter().find(|e| e["what"].as_str().unwrap().contains("merged_into"));
        let merge = merge.unwrap_or_else(|| panic!("no merge in history {prop}: {history}"));
        assert_eq!((&merge["user"], &merge["at"].as_str().unwrap()[..10]), (&json!(USER), "2025-10-02"));
        assert!(merge["what"].as_str().unwrap().contains("same matter"), "{merge}");
    }
    db.ok("verify");

    // A bundle carries it.
    let bundle = db.file("story.json");
    db.ok(&["export", "-o", bundle.to_str().unwrap()]);
    let copy = Db::new();
    copy.ok(&["import", bundle.to_str().unwrap()]);
    assert!(findings_on(&copy.json("reconcile"), "p-b").contains(&"conflict".to_string()));
    copy.ok("verify");

    // Undone by unmerge: read apart again, the merge kept in the history.
    let undone = db.run(&["proposition", "unmerge", "p-a", "--reason", "different matters"]).success();
    assert!(undone.stderr.contains("unmerged p-a from p-b"), "{}", undone.stderr);
    let apart = db.json("reconcile");
    assert!(!findings_on(&apart, "p-b").contains(&"conflict".to_string()), "{apart}");
    assert!(!findings_on(&apart, "p-a").is_empty(), "{apart}");
    assert_eq!(db.json("history p-b").as_array().unwrap().iter().filter(|e| e["action"] == "correct").count(), 2);
    db.ok("verify");
}

#[test]
fn a_merge_into_itself_a_chain_or_twice_is_refused_and_writes_nothing() {
    let db = worded_two_ways();
    db.ok(&["prop", "add", "p-c", "--text", "Kupol got help"]);
    assert_refused(&db, "prop merge p-a --into p-a --reason x", None, 1, &["p-a cannot be merged into itself"]);
    db.ok("prop merge p-a --into p-b --reason same");
    assert_refused(
        &db,
        "prop merge p-c --into p-a --reason x",
        None,
        1,
        &["p-a is itself merged into p-b", "merge p-c into p-b instead"],
    );
    assert_refused(
        &db,
        "prop merge p-b --into p-c --reason x",
        None,
        1,
        &["p-a is merged into p-b", "unmerge it first"],
    );
    assert_refused(&db, "prop merge p-a --into p-b --reason again", None, 1, &["already merged into p-b"]);
    assert_refused(&db, "prop unmerge p-c --reason x", None, 1, &["p-c is not merged"]);
    assert_eq!(db.json("prop show p-c").get("merged_into"), None);
    db.ok("verify");
}

#[test]
fn triage_on_a_merged_propositions_finding_is_carried_to_the_same_finding_on_the_other() {
    let db = worded_two_ways();
    let reading = db.json("reconcile");
    let on_a = reading["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["proposition"] == "p-a" && f["kind"] == "single-source")
        .unwrap_or_else(|| panic!("a single-source finding on p-a: {reading}"))["id"]
        .as_str()
        .unwrap()
        .to_string();
    db.ok(&["findings", "dismiss", &on_a, "--note", "the company's own word is enough here"]);
    db.ok("prop merge p-a --into p-b --reason same");
    let after = db.json("reconcile");
    let on_b: Vec<&Value> = after["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["proposition"] == "p-b" && f["kind"] == "single-source")
        .collect();
    assert_eq!(on_b.len(), 1, "{after}");
    let shown = db.json(&["findings", "show", on_b[0]["id"].as_str().unwrap()]);
    assert_eq!(shown["state"], "dismissed", "{shown}");
    let note = shown["note"].as_str().unwrap();
    assert!(note.contains(&on_a) && note.contains("the company's own word is enough here"), "{note}");
    // The conflict, new on p-b, has no triage to carry: it is open.
    assert!(after["findings"].as_array().unwrap().iter().any(|f| f["kind"] == "conflict" && f["state"] == "open"));
    db.ok("verify");
}

#[test]
fn match_resolves_a_merged_proposition_to_the_one_it_was_merged_into_and_says_so() {
    let db = worded_two_ways();
    let words = "Chinese specialists helped the Kupol drone maker";
    let before = db.json(&["match", words]);
    assert_eq!(before[0]["proposition"], "p-a", "{before}");
    assert!(before[0].get("merged").is_none(), "no key without a merge: {before}");
    db.ok(&[
        "claim", "add", "--id", "c-q", "--prop", "p-a", "--party", "kupol", "--stance", "affirms", "--source", "s",
        "--quote", words,
    ]);
    db.ok(&["verdict", "set", "p-b", "--rating", "1", "--best", "5", "--worst", "1", "--label", "False"]);
    db.ok(&["proposition", "merge", "p-a", "--into", "p-b", "--reason", "Same matter"]);
    db.ok("reconcile");

    // A's words are found, and the answer is B: its text, verdict and status, and that it
    // absorbed A. A is not listed on its own.
    let after = db.json(&["match", words]);
    assert_eq!(after[0]["proposition"], "p-b", "{after}");
    assert_eq!(after[0]["merged"], json!(["p-a"]), "{after}");
    assert_eq!(after[0]["text"], "Chinese experts helped IEMZ Kupol develop drones");
    assert_eq!(after[0]["verdict"], "False");
    assert!(after[0]["status"].is_string(), "{after}");
    assert!(after.as_array().unwrap().iter().all(|r| r["proposition"] != "p-a"), "{after}");
    let table = db.ok(&["match", words]);
    assert!(table.contains("merged") && table.contains("p-a"), "{table}");
    let md = db.ok(&["match", words, "--format", "markdown"]);
    assert!(md.starts_with("| score | proposition | text | verdict | status | merged |"), "{md}");
    // A claim logged on A counts toward B.
    let claims = db.json(&["match", words, "--kind", "claim"]);
    let on_a = claims.as_array().unwrap().iter().find(|r| r["claim"] == "c-q").expect("c-q found");
    assert_eq!((&on_a["proposition"], &on_a["merged"]), (&json!("p-b"), &json!(["p-a"])), "{claims}");

    // The duplicate warning points at the proposition that stands.
    let out = db.run(&["prop", "add", "p-c", "--text", words]).success();
    assert!(out.stderr.contains("p-c looks like p-b"), "{}", out.stderr);

    // Undone, A is its own result again.
    outcome(db.cmd().env("CLAIMTRACK_NOW", LATER).args(["proposition", "unmerge", "p-a", "--reason", "Different"]))
        .success();
    assert_eq!(db.json(&["match", words])[0]["proposition"], "p-a", "the first logged of p-a and p-c");
}

#[test]
fn of_two_propositions_worded_alike_the_one_logged_first_ranks_first() {
    let db = Db::new();
    // Ids in the opposite order to the logging: the order is the logging's.
    db.ok(&["prop", "add", "p-z-original", "--text", "The mayor sold the harbour to a drone maker"]);
    db.ok(&["prop", "add", "p-a-copy", "--text", "The mayor sold the harbour to a drone maker"]);
    let found = db.json(&["match", "mayor sold harbour to drone maker?"]);
    assert_eq!(found[0]["score"], found[1]["score"], "{found}");
    assert_eq!((&found[0]["proposition"], &found[1]["proposition"]), (&json!("p-z-original"), &json!("p-a-copy")));
}
