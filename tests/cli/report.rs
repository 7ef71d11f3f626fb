//! The editor's reports end to end: `report` in every format against golden files, `matrix`
//! and `trace`, byte-for-byte determinism, the HTML page's structure and its handling of
//! hostile text, Markdown tables that survive `|` and newlines, `--as-of` around a reversal,
//! and the reconcile / findings commands with the SQL views over what they store.
//!
//! Golden files live in tests/golden/. To regenerate them after an intended change to a
//! report, run
//!
//!     UPDATE_GOLDEN=1 cargo test --test cli report::
//!
//! which writes the files instead of comparing; then read the diff (`git diff tests/golden`)
//! before committing it.

use crate::common::*;
use scraper::{ElementRef, Html, Selector};
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// Each fixture with the day its golden reports are taken as of.
const STORIES: &[(&str, &str)] =
    &[("kupol-drones", "2025-10-01"), ("reversal", "2024-05-01"), ("rewrites", "2024-05-01")];

/// Each report format with the extension of its golden file.
const FORMATS: &[(&str, &str)] = &[("table", "txt"), ("markdown", "md"), ("html", "html"), ("json", "json")];

/// In rewrites.json: the Mitteleuropa-Echo rewrite of a rewrite of a (retracted) rewrite.
const ECHO_CLAIM: &str = "c-engineers-concrete-echo";

/// A database holding one fixture (`kupol-drones`, without `.json`).
fn story(name: &str) -> Db {
    Db::with_fixture(&format!("{name}.json"))
}

/// Runs the binary in the database's directory with `--db story.db`, so that the database
/// path the reports print is the same relative path on every machine.
fn local(db: &Db, args: &(impl Args + ?Sized)) -> Outcome {
    let mut cmd = db.bare_cmd();
    cmd.args(["--db", "story.db"]).args(args.to_args());
    outcome(&mut cmd)
}

/// Like [`local`], for a command that must succeed: its stdout.
fn local_ok(db: &Db, args: &(impl Args + ?Sized)) -> String {
    local(db, args).success().stdout
}

/// `report --as-of DATE --format FORMAT`, run locally.
fn report(db: &Db, as_of: &str, format: &str) -> String {
    local_ok(db, &["report", "--as-of", as_of, "--format", format])
}

/// The report as parsed JSON.
fn report_json(db: &Db, extra: &[&str]) -> Value {
    let mut args = vec!["report", "--format", "json"];
    args.extend(extra);
    let out = local_ok(db, &args);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("report JSON is invalid ({e}):\n{out}"))
}

// ---------------------------------------------------------------------------------------------
// 1. Golden files

#[test]
fn report_matches_golden_files_in_every_format() {
    for (name, as_of) in STORIES {
        let db = story(name);
        for (format, ext) in FORMATS {
            golden(&format!("{name}.{ext}"), &report(&db, as_of, format));
        }
    }
}

#[test]
fn report_header_names_the_database_as_given() {
    let db = story("reversal");
    assert!(report(&db, "2024-05-01", "table").starts_with("Story report: story.db, as of 1 May 2024\n"));
    assert_eq!(report_json(&db, &["--as-of", "2024-05-01"])["database"], "story.db");
}

#[test]
fn matrix_matches_golden_files() {
    for (name, as_of) in STORIES {
        let db = story(name);
        golden(&format!("{name}.matrix.txt"), &local_ok(&db, &["matrix", "--as-of", as_of]));
    }
}

#[test]
fn trace_matches_golden_files() {
    let db = story("rewrites");
    golden("rewrites.trace.txt", &local_ok(&db, &["trace", ECHO_CLAIM, "--as-of", "2024-05-01"]));
    golden("rewrites.trace.json", &local_ok(&db, &["trace", ECHO_CLAIM, "--as-of", "2024-05-01", "--format", "json"]));
}

// ---------------------------------------------------------------------------------------------
// 2. Determinism

#[test]
fn same_database_and_date_give_the_same_bytes() {
    for (name, as_of) in STORIES {
        let db = story(name);
        for (format, _) in FORMATS {
            let first = report(&db, as_of, format);
            let second = report(&db, as_of, format);
            assert!(first == second, "{name} as of {as_of}, {format}: two runs differ");
        }
        let m = ["matrix", "--as-of", as_of];
        assert_eq!(local_ok(&db, &m), local_ok(&db, &m), "{name}: matrix");
    }
}

#[test]
fn the_same_story_in_another_database_gives_the_same_bytes() {
    // Imported again elsewhere, at the same pinned time: nothing in the report depends on the
    // file, its directory or the order of hash maps.
    for (name, as_of) in STORIES {
        let (a, b) = (story(name), story(name));
        for (format, _) in FORMATS {
            assert!(report(&a, as_of, format) == report(&b, as_of, format), "{name}, {format}");
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 3. HTML

fn select(selector: &str) -> Selector {
    Selector::parse(selector).unwrap_or_else(|e| panic!("selector {selector}: {e:?}"))
}

fn all<'a>(doc: &'a Html, selector: &str) -> Vec<ElementRef<'a>> {
    doc.select(&select(selector)).collect()
}

fn text(e: ElementRef) -> String {
    e.text().collect()
}

/// No scripts, no images, no event handlers and nothing fetched from the web.
fn assert_inert(doc: &Html, context: &str) {
    assert!(all(doc, "script").is_empty(), "{context}: a <script> element");
    assert!(all(doc, "img").is_empty(), "{context}: an <img> element");
    for e in all(doc, "*") {
        for (attr, value) in e.value().attrs() {
            assert!(!attr.to_ascii_lowercase().starts_with("on"), "{context}: <{} {attr}=...>", e.value().name());
            if matches!(attr.to_ascii_lowercase().as_str(), "src" | "href" | "xlink:href" | "action" | "srcset") {
                let v = value.trim().to_ascii_lowercase();
                assert!(
                    !v.starts_with("http:") && !v.starts_with("https:") && !v.starts_with("//"),
                    "{context}: <{} {attr}={value:?}> fetches from the web",
                    e.value().name()
                );
            }
        }
    }
    for style in all(doc, "style") {
        let css = text(style).to_ascii_lowercase();
        assert!(!css.contains("@import") && !css.contains("url("), "{context}: the CSS fetches something");
    }
}

#[test]
fn html_report_is_one_self_contained_page() {
    for (name, as_of) in STORIES {
        let db = story(name);
        let page = report(&db, as_of, "html");
        let r = report_json(&db, &["--as-of", as_of]);
        let doc = Html::parse_document(&page);
        let context = format!("{name} as of {as_of}");

        assert!(doc.errors.is_empty(), "{context}: the HTML parser complained: {:?}", doc.errors);
        assert!(page.starts_with("<!DOCTYPE html>\n"), "{context}");
        assert_eq!(page.matches("<html").count(), 1, "{context}: one <html>");
        assert_eq!(all(&doc, "html").len(), 1, "{context}");
        assert_eq!(all(&doc, "head > style").len(), 1, "{context}: one <style> in the head");
        assert_inert(&doc, &context);

        // The matrix: a header cell per proposition, a row per party, a cell per proposition.
        let props: Vec<&str> =
            r["matrix"]["propositions"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
        let rows = r["matrix"]["rows"].as_array().unwrap();
        let matrix = all(&doc, "section#matrix table.matrix");
        assert_eq!(matrix.len(), 1, "{context}: one matrix table");
        // Its columns are the questions, in words, numbered; the ids stay in attributes.
        let header = all(&doc, "table.matrix thead th");
        assert_eq!(header.len(), props.len() + 1, "{context}: matrix header");
        for (i, (th, p)) in header[1..].iter().zip(r["propositions"].as_array().unwrap()).enumerate() {
            let words = text(*th);
            assert!(words.starts_with(&format!("{}. ", i + 1)), "{context}: {words}");
            let start: String = p["text"].as_str().unwrap().chars().take(12).collect();
            assert!(words.contains(&start), "{context}: {words} is not {}", p["text"]);
            assert_eq!(th.value().attr("title"), p["text"].as_str(), "{context}");
        }
        let body_rows = all(&doc, "table.matrix tbody tr");
        assert_eq!(body_rows.len(), rows.len(), "{context}: one matrix row per party");
        let parties: BTreeSet<&str> = rows.iter().map(|r| r["party"].as_str().unwrap()).collect();
        assert_eq!(parties.len(), rows.len(), "{context}: no party twice in the matrix");
        for (tr, row) in body_rows.iter().zip(rows) {
            let th: Vec<String> = tr.select(&select("th")).map(text).collect();
            assert_eq!(th, vec![row["party_name"].as_str().unwrap().to_string()], "{context}");
            let cells: Vec<String> = tr.select(&select("td")).map(text).collect();
            assert_eq!(cells.len(), props.len(), "{context}: a cell per proposition for {}", row["party"]);
        }

        // The summary first, then a section per proposition in the report's order; a
        // timeline chart only where there are two dates or more, and no copy of it as a table.
        let sections = all(&doc, "section.proposition");
        let summary = all(&doc, "section.summary");
        assert_eq!(summary.len(), 1, "{context}: one summary");
        assert!(page.find("class=\"summary\"").unwrap() < page.find("class=\"proposition\"").unwrap(), "{context}");
        let reported = r["propositions"].as_array().unwrap();
        assert_eq!(sections.len(), reported.len(), "{context}: one section per proposition");
        assert_eq!(sections.len(), r["counts"]["propositions"].as_u64().unwrap() as usize, "{context}");
        for (n, (section, p)) in sections.iter().zip(reported).enumerate() {
            let id = p["id"].as_str().unwrap();
            let anchor = format!("p{}", n + 1);
            assert_eq!(section.value().attr("id"), Some(anchor.as_str()), "{context}");
            assert_eq!(section.value().attr("data-id"), Some(id), "{context}");
            let h2: Vec<String> = section.select(&select("h2")).map(text).collect();
            assert_eq!(h2.len(), 1, "{context}: {id}");
            assert!(
                h2[0].starts_with(&format!("{}. {}", n + 1, p["text"].as_str().unwrap())),
                "{context}: {:?}",
                h2[0]
            );
            let svgs: Vec<ElementRef> = section.select(&select("svg")).collect();
            let events = p["timeline"].as_array().unwrap();
            let dates: BTreeSet<&str> = events.iter().filter_map(|e| e["date"].as_str()).collect();
            if dates.len() >= 2 {
                assert_eq!(svgs.len(), 1, "{context}: one inline <svg> for {id}'s timeline");
                assert_eq!(svgs[0].value().attr("class"), Some("timeline"), "{context}");
                let marks = svgs[0].select(&select("title")).count();
                assert_eq!(marks, events.len(), "{context}: {id}: a mark per timeline event");
            } else {
                assert!(svgs.is_empty(), "{context}: {id} has fewer than two dates: no chart");
            }
            assert_eq!(section.select(&select("table.timeline")).count(), 0, "{context}: {id}");
            // Matrix headers link to the sections.
            assert_eq!(all(&doc, &format!("table.matrix a[href=\"#{anchor}\"]")).len(), 1, "{context}: {id}");
        }
        // Every id on the page is unique.
        let mut ids = BTreeSet::new();
        for e in all(&doc, "[id]") {
            let id = e.value().attr("id").unwrap();
            assert!(ids.insert(id), "{context}: id {id} twice");
        }
    }
}

const SCRIPT: &str = "<script>alert(1)</script>";
const IMG: &str = "\"><img src=x onerror=alert(1)>";
const QUOTE_BREAK: &str = "' onmouseover='x";

#[test]
fn hostile_text_stays_text_in_html() {
    let hostile = |what: &str| format!("{what} {SCRIPT} {IMG} {QUOTE_BREAK}");
    let (party, prop, title, quote) = (hostile("Party"), hostile("Prop"), hostile("Title"), hostile("Quote"));
    let (asker, note) = (hostile("Asker"), hostile("Note"));
    let db = Db::new();
    let bundle = bundle(serde_json::json!({
        "parties": [
            {"id": "evil", "name": party, "kind": "group"},
            {"id": "other", "name": asker, "kind": "media", "anonymous": true},
        ],
        "sources": [{"id": "s-evil", "title": title, "kind": "article", "publisher": "other",
                     "url": "https://example.com/\"><script>alert(1)</script>", "published": "2025-09-01"}],
        "propositions": [{"id": "p-evil", "text": prop, "expected": ["evil", "other"]}],
        "claims": [
            {"id": "c-evil", "proposition": "p-evil", "party": "evil", "stance": "affirms", "source": "s-evil",
             "stated": "2025-09-02", "quote": quote, "note": note},
            {"id": "c-other", "proposition": "p-evil", "party": "other", "stance": "denies", "source": "s-evil",
             "stated": "2025-09-03", "quote": quote},
        ],
        "requests": [{"party": "evil", "proposition": "p-evil", "by": "other", "asked": "2025-09-01",
                      "note": note}],
    }));
    db.import_str(&bundle).success();

    let page = report(&db, TODAY, "html");
    let doc = Html::parse_document(&page);
    assert_inert(&doc, "hostile bundle");
    assert!(!page.contains(SCRIPT) && !page.contains("<img"), "hostile markup reached the page unescaped");
    let body = text(all(&doc, "body")[0]);
    for typed in [&party, &prop, &title, &quote] {
        assert!(body.contains(typed.as_str()), "{typed:?} should appear in the page's text exactly as typed");
    }
    // In attribute values too (the matrix header's title holds the proposition text).
    let titled: Vec<&str> =
        all(&doc, "table.matrix thead th[title]").iter().filter_map(|e| e.value().attr("title")).collect();
    assert_eq!(titled, vec![prop.as_str()]);
    // And the page has the parts it should: the party's row, the proposition's section.
    let rows: Vec<String> = all(&doc, "table.matrix tbody th").into_iter().map(text).collect();
    assert!(rows.contains(&party), "{rows:?}");
    assert_eq!(all(&doc, "section.proposition").len(), 1);

    // The other formats keep the text too (Markdown escapes its own punctuation).
    let json = report_json(&db, &["--as-of", TODAY]);
    assert_eq!(json["propositions"][0]["text"], prop.as_str());
    assert_eq!(json["propositions"][0]["positions"][0]["source_title"], title.as_str());
    let md = report(&db, TODAY, "markdown");
    let ours = ["<br>", "<sub>", "</sub>"];
    let bare = md
        .match_indices('<')
        .filter(|(i, _)| !md[..*i].ends_with('\\') && !ours.iter().any(|o| md[*i..].starts_with(o)));
    assert_eq!(bare.count(), 0, "an unescaped < in the Markdown:\n{md}");
}

// ---------------------------------------------------------------------------------------------
// 4. Markdown tables

/// How many `|` in a line are not escaped by a backslash.
fn unescaped_pipes(line: &str) -> usize {
    let (mut n, mut escaped) = (0, false);
    for c in line.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '|' => n += 1,
            _ => {}
        }
    }
    n
}

/// The tables in a Markdown document: each a list of lines (header, rule, rows).
fn md_tables(md: &str) -> Vec<Vec<&str>> {
    let mut tables: Vec<Vec<&str>> = Vec::new();
    let mut in_table = false;
    for line in md.lines() {
        if line.starts_with('|') {
            if !in_table {
                tables.push(Vec::new());
            }
            tables.last_mut().unwrap().push(line);
            in_table = true;
        } else {
            assert!(!in_table || line.is_empty(), "a table ends with a blank line, not {line:?}:\n{md}");
            in_table = false;
        }
    }
    tables
}

#[test]
fn markdown_tables_survive_pipes_and_newlines() {
    let awkward = "a | b\nline1\nline2\r\nend \\ | `x` |";
    let db = Db::new();
    db.import_str(&bundle(serde_json::json!({
        "parties": [
            {"id": "pipe", "name": format!("Pipe {awkward}"), "kind": "group"},
            {"id": "plain", "name": "Plain", "kind": "media"},
            {"id": "mute", "name": format!("Mute {awkward}"), "kind": "person"},
        ],
        "sources": [{"id": "s1", "title": format!("Title {awkward}"), "kind": "article", "published": "2025-09-01"}],
        "propositions": [{"id": "p-pipe", "text": format!("Prop {awkward}"), "expected": ["mute"]}],
        "claims": [
            {"id": "c-1", "proposition": "p-pipe", "party": "pipe", "stance": "affirms", "source": "s1",
             "stated": "2025-09-01", "quote": format!("Quote {awkward}"), "via": "plain"},
            {"id": "c-2", "proposition": "p-pipe", "party": "plain", "stance": "denies", "source": "s1",
             "stated": "2025-09-02", "quote": "line1\nline2 | a | b"},
        ],
    })))
    .success();
    let md = report(&db, TODAY, "markdown");
    let tables = md_tables(&md);
    // The matrix and the claims.
    assert_eq!(tables.len(), 2, "{md}");
    for table in &tables {
        let columns = unescaped_pipes(table[0]);
        assert!(table.len() >= 2 && table[1].starts_with("|---|"), "a header rule:\n{}", table.join("\n"));
        for line in table {
            assert!(line.ends_with('|'), "a row broken across lines: {line:?}\n{md}");
            assert_eq!(unescaped_pipes(line), columns, "{line:?} has a different number of cells from its header");
        }
    }
    let [matrix, claims] = &tables[..] else { panic!("two tables expected:\n{md}") };
    assert_eq!(matrix.len(), 2 + 3, "a row per party (pipe, plain, mute):\n{md}");
    assert_eq!(claims.len(), 2 + 2, "a row per claim:\n{md}");
    // The text is all there, escaped: pipes, backslashes and backticks escaped, newlines <br>.
    let escaped = "a \\| b<br>line1<br>line2<br>end \\\\ \\| \\`x\\` \\|";
    for what in ["Pipe", "Mute", "Prop", "Title", "Quote"] {
        assert!(md.contains(&format!("{what} {escaped}")), "{what} text lost or mangled:\n{md}");
    }
    // Outside tables, no line of logged text starts a Markdown block of its own.
    assert!(!md.lines().any(|l| l.starts_with("line")), "{md}");
}

// ---------------------------------------------------------------------------------------------
// 5. --as-of around a reversal

/// The report's entry for one proposition.
fn prop<'a>(r: &'a Value, id: &str) -> &'a Value {
    r["propositions"].as_array().unwrap().iter().find(|p| p["id"] == id).unwrap_or_else(|| panic!("no {id} in {r}"))
}

/// The matrix cell of a party on a proposition.
fn cell<'a>(r: &'a Value, party: &str, id: &str) -> &'a str {
    let m = &r["matrix"];
    let col = m["propositions"].as_array().unwrap().iter().position(|p| p == id).unwrap();
    let row = m["rows"].as_array().unwrap().iter().find(|r| r["party"] == party).unwrap();
    row["cells"][col].as_str().unwrap()
}

fn kinds(p: &Value) -> Vec<&str> {
    p["findings"].as_array().unwrap().iter().map(|f| f["kind"].as_str().unwrap()).collect()
}

#[test]
fn as_of_before_and_after_a_reversal() {
    const LEAD: &str = "p-northgate-lead-exceeded";
    let db = story("reversal");

    let before = report_json(&db, &["--as-of", "2024-04-10"]);
    let p = prop(&before, LEAD);
    assert_eq!(p["status"], "contested");
    assert!(kinds(p).contains(&"conflict"), "{:?}", kinds(p));
    assert!(!kinds(p).contains(&"reversal"), "{:?}", kinds(p));
    let conflict = p["findings"].as_array().unwrap().iter().find(|f| f["kind"] == "conflict").unwrap();
    assert_eq!(conflict["parties"], serde_json::json!(["northgate-residents", "vellmoor-water"]));
    assert_eq!(cell(&before, "vellmoor-water", LEAD), "denies");
    assert_eq!(cell(&before, "northgate-residents", LEAD), "affirms");
    assert!(p["timeline"].as_array().unwrap().iter().all(|e| e["reversal"] == false));
    assert!(!p["timeline"].as_array().unwrap().iter().any(|e| e["claim"] == "c-vwc-affirms-lead"), "not yet said");

    let after = report_json(&db, &["--as-of", "2024-05-01"]);
    let p = prop(&after, LEAD);
    assert_eq!(p["status"], "corroborated");
    assert!(kinds(p).contains(&"reversal"), "{:?}", kinds(p));
    assert!(!kinds(p).contains(&"conflict"), "the reversal ends the conflict: {:?}", kinds(p));
    assert_eq!(cell(&after, "vellmoor-water", LEAD), "affirms");
    let reversal = p["findings"].as_array().unwrap().iter().find(|f| f["kind"] == "reversal").unwrap();
    assert_eq!(reversal["parties"], serde_json::json!(["vellmoor-water"]));
    let marked: BTreeSet<&str> = p["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["reversal"] == true)
        .map(|e| e["claim"].as_str().unwrap())
        .collect();
    // Only the claim where the party turned is marked, not the one it turned from.
    assert_eq!(marked, BTreeSet::from(["c-vwc-affirms-lead"]));
    let position = p["positions"].as_array().unwrap().iter().find(|x| x["party"] == "vellmoor-water").unwrap();
    assert_eq!(position["stance"], "affirms");
    assert_eq!(position["claim"], "c-vwc-affirms-lead");

    // The other formats say the same.
    let table = report(&db, "2024-05-01", "table");
    assert!(table.contains("22 Apr 2024: Vellmoor Water Company affirmed"), "{table}");
    assert!(table.contains("(turned)"), "{table}");
    let before_table = report(&db, "2024-04-10", "table");
    assert!(!before_table.contains("turned"), "{before_table}");
}

// ---------------------------------------------------------------------------------------------
// 6. Report, matrix and trace options

#[test]
fn report_prop_limits_to_that_proposition() {
    let db = story("kupol-drones");
    let r = report_json(&db, &["--prop", "p-vektor-sanctioned"]);
    let ids: Vec<&str> = r["propositions"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec!["p-vektor-sanctioned"]);
    assert_eq!(r["matrix"]["propositions"], serde_json::json!(["p-vektor-sanctioned"]));
    let parties: BTreeSet<&str> =
        r["matrix"]["rows"].as_array().unwrap().iter().map(|r| r["party"].as_str().unwrap()).collect();
    assert_eq!(parties, BTreeSet::from(["seed-publisher"]));

    let two = report_json(&db, &["--prop", "p-vektor-sanctioned", "--prop", "p-experts-helped-kupol"]);
    let ids: Vec<&str> = two["propositions"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec!["p-experts-helped-kupol", "p-vektor-sanctioned"], "most contested first");

    let table = local_ok(&db, "report --prop p-vektor-sanctioned");
    assert_eq!(table.matches("\n[1] TSK Vektor").count(), 2, "in the matrix's key and as a block:\n{table}");
    assert!(table.contains("(SINGLE-SOURCE)") && !table.contains("Chinese experts helped"), "{table}");
    let md = local_ok(&db, "report --prop p-vektor-sanctioned --format markdown");
    assert_eq!(md.matches("\n## \\[").count(), 1, "one proposition:\n{md}");
}

#[test]
fn report_unknown_prop_fails_with_a_suggestion() {
    let db = story("kupol-drones");
    let out = local(&db, "report --prop p-experts-helped");
    assert_eq!(out.code, 1, "{out:#?}");
    assert!(out.stdout.is_empty(), "{out:#?}");
    assert_error_line(&out.stderr, &["no proposition 'p-experts-helped'", "did you mean 'p-experts-helped-kupol'"]);
    // One unknown among known ones is enough to refuse.
    let out = local(&db, "report --prop p-vektor-sanctioned --prop p-vektor-sanctionned --format html");
    assert_eq!(out.code, 1, "{out:#?}");
    assert!(out.stdout.is_empty());
    assert_error_line(&out.stderr, &["'p-vektor-sanctionned'", "did you mean 'p-vektor-sanctioned'"]);
    // The same goes for a file: none is written.
    let out = local(&db, "report --prop nope -o r.html");
    assert_eq!(out.code, 1, "{out:#?}");
    assert!(!db.file("r.html").exists());
}

#[test]
fn matrix_unknown_prop_fails_with_a_suggestion() {
    let db = story("kupol-drones");
    let out = local(&db, "matrix --prop p-experts-helped");
    assert_eq!(out.code, 1, "{out:#?}");
    assert!(out.stdout.is_empty(), "{out:#?}");
    assert_error_line(&out.stderr, &["no proposition 'p-experts-helped'", "did you mean 'p-experts-helped-kupol'"]);
}

#[test]
fn report_output_file_takes_its_format_from_the_extension() {
    let db = story("reversal");
    let out = local(&db, "report --as-of 2024-05-01 -o out.html").success();
    assert_eq!(out.stdout, "", "nothing on stdout when writing a file");
    assert!(out.stderr.contains("out.html"), "{out:#?}");
    let written = std::fs::read_to_string(db.file("out.html")).expect("the report was written");
    assert_eq!(written, report(&db, "2024-05-01", "html"), "the file holds the HTML report");
    assert!(!db.file("out.claimtrack-tmp").exists(), "no temporary file left behind");

    for (file, format) in [("out.md", "markdown"), ("out.json", "json"), ("out.txt", "table")] {
        let out = local(&db, &["report", "--as-of", "2024-05-01", "-o", file]).success();
        assert_eq!(out.stdout, "", "{file}");
        assert_eq!(std::fs::read_to_string(db.file(file)).unwrap(), report(&db, "2024-05-01", format), "{file}");
    }
    // --format wins over the extension.
    local(&db, "report --as-of 2024-05-01 -o forced.html --format markdown").success();
    assert_eq!(std::fs::read_to_string(db.file("forced.html")).unwrap(), report(&db, "2024-05-01", "markdown"));
}

#[test]
fn matrix_tag_filters_propositions() {
    let db = story("kupol-drones");
    let m = local_ok(&db, "matrix --tag sanctions --format json");
    let m: Value = serde_json::from_str(&m).unwrap();
    let fixture: Value = serde_json::from_str(&fixture_text("kupol-drones.json")).unwrap();
    let tagged: BTreeSet<&str> = fixture["propositions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["tags"].as_array().unwrap().iter().any(|t| t == "sanctions"))
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(tagged, BTreeSet::from(["p-vektor-sanctioned", "p-d30sn-components-unsanctioned"]));
    let shown: BTreeSet<&str> = m["propositions"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
    assert_eq!(shown, tagged);
    let parties: BTreeSet<&str> = m["rows"].as_array().unwrap().iter().map(|r| r["party"].as_str().unwrap()).collect();
    assert_eq!(parties, BTreeSet::from(["seed-publisher", "ukraine-hur"]));

    let table = local_ok(&db, "matrix --tag tsk-vektor");
    assert!(table.contains("IEMZ Kupol received shipments") && table.contains("TSK Vektor is subject"), "{table}");
    assert!(!table.contains("Chinese experts helped"), "{table}");

    let out = local(&db, "matrix --tag no-such-tag");
    assert_eq!(out.code, 1, "{out:#?}");
    assert_error_line(&out.stderr, &["no proposition is tagged 'no-such-tag'"]);
}

#[test]
fn trace_marks_a_retracted_upstream_source() {
    let db = story("rewrites");
    let table = local_ok(&db, &["trace", ECHO_CLAIM]);
    let ostblick = table.lines().find(|l| l.contains("(s-ostblick-rewrite,")).expect("the Ostblick rewrite is traced");
    assert!(ostblick.ends_with("[retracted by the source in Apr 2024]"), "{table}");
    assert_eq!(table.matches("retracted").count(), 1, "only the Ostblick article is retracted:\n{table}");
    assert!(table.lines().last().unwrap().contains("(s-visnyk-original,") && table.ends_with("[root]\n"), "{table}");
    assert!(!table.contains("withdrawn by the party"), "the claim itself stands:\n{table}");

    let json: Value = serde_json::from_str(&local_ok(&db, &["trace", ECHO_CLAIM, "--format", "json"])).unwrap();
    let chain: Vec<(&str, Option<&str>)> = json["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["source"].as_str().unwrap(), t["retracted"].as_str()))
        .collect();
    assert_eq!(
        chain,
        vec![
            ("s-echo-rewrite", None),
            ("s-danube-rewrite", None),
            ("s-ostblick-rewrite", Some("2024-04")),
            ("s-visnyk-original", None)
        ]
    );

    // Before the retraction nothing is marked.
    let earlier = local_ok(&db, &["trace", ECHO_CLAIM, "--as-of", "2024-03-31"]);
    assert!(!earlier.contains("retracted"), "{earlier}");
    // A retracted claim is marked as such.
    let reversal = story("reversal");
    let penhale = local_ok(&reversal, "trace c-penhale-affirms-knew");
    assert!(penhale.lines().next().unwrap().ends_with("[withdrawn by the party on 12 Apr 2024]"), "{penhale}");
}

// ---------------------------------------------------------------------------------------------
// 7. Reconcile, findings and the SQL views

fn keys(v: &Value) -> BTreeSet<&str> {
    v.as_object().unwrap_or_else(|| panic!("an object expected, got {v}")).keys().map(String::as_str).collect()
}

fn set<'a>(words: &[&'a str]) -> BTreeSet<&'a str> {
    words.iter().copied().collect()
}

const FINDING_KEYS: &[&str] =
    &["id", "kind", "severity", "proposition", "propositions", "parties", "claims", "reason", "detail", "state"];

/// A finding as docs/FORMAT.md describes it: the keys always there, and those there only
/// when they hold something.
fn assert_finding_shape(f: &Value) {
    let mut want = set(FINDING_KEYS);
    for optional in ["note", "state_by", "requests", "related", "roots", "said"] {
        if f.get(optional).is_some() {
            want.insert(optional);
        }
    }
    if f.get("note").is_some() {
        assert!(f["note"].is_string(), "{f}");
    }
    if f["kind"] == "silence" {
        assert!(f["requests"].is_array() || f.get("requests").is_none(), "{f}");
    }
    assert_eq!(keys(f), want, "{f}");
    assert!(f["id"].as_str().unwrap().starts_with("f-") && f["id"].as_str().unwrap().len() == 12, "{f}");
    let kinds =
        ["conflict", "reversal", "silence", "single-source", "anonymous-only", "circular-sourcing", "retracted-basis"];
    assert!(kinds.contains(&f["kind"].as_str().unwrap()), "{f}");
    assert!(["high", "medium", "low"].contains(&f["severity"].as_str().unwrap()), "{f}");
    assert!(
        ["open", "acknowledged", "resolved", "dismissed", "cleared"].contains(&f["state"].as_str().unwrap()),
        "{f}"
    );
    if f["kind"] == "silence" {
        assert!(["no-response", "declined", "awaiting", "not-asked"].contains(&f["reason"].as_str().unwrap()), "{f}");
    } else {
        assert!(f["reason"].is_null(), "{f}");
    }
    assert!(f["parties"].is_array() && f["claims"].is_array() && f["detail"].is_string(), "{f}");
    assert!(f["proposition"].is_string() || f["kind"] == "circular-sourcing", "{f}");
}

#[test]
fn reconcile_json_has_the_documented_keys() {
    for (name, _) in STORIES {
        let db = story(name);
        let out = db.json("reconcile");
        assert_eq!(
            keys(&out),
            set(&["as_of", "findings", "propositions", "retracted"]),
            "{name}: known_at only when given"
        );
        assert_eq!(out["as_of"], TODAY);
        for f in out["findings"].as_array().unwrap() {
            assert_finding_shape(f);
        }
        for p in out["propositions"].as_array().unwrap() {
            let want = ["id", "text", "status", "support", "positions", "claims", "requests", "expected"];
            assert_eq!(keys(p), set(&want), "{p}");
            let statuses = ["contested", "denied", "corroborated", "single-source", "unanswered"];
            assert!(statuses.contains(&p["status"].as_str().unwrap()), "{p}");
            assert_eq!(keys(&p["support"]), set(&["affirms", "denies"]), "{p}");
            for side in ["affirms", "denies"] {
                let s = &p["support"][side];
                let want =
                    ["parties", "claims", "roots", "lines", "support", "grade", "credibility", "reason", "reliability"];
                assert_eq!(keys(s), set(&want), "{p}");
                assert!(s["support"].is_null() || (0.0..=1.0).contains(&s["support"].as_f64().unwrap()), "{s}");
                assert!((1..=6).contains(&s["grade"].as_u64().unwrap()), "{s}");
                if p["status"] == "contested" && s["lines"].as_array().unwrap().iter().any(|l| l["retracted"] == false)
                {
                    assert_eq!((s["grade"].as_u64(), s["reason"].as_str()), (Some(6), Some("contested")), "{s}");
                }
                for line in s["lines"].as_array().unwrap() {
                    let want = ["parties", "claims", "roots", "first_hand", "words", "reliability", "retracted"];
                    assert_eq!(keys(line), set(&want), "{s}");
                }
            }
        }
        // findings --format json lists the same findings with the same fields.
        let stored = db.json("findings");
        assert_eq!(stored.as_array().unwrap().len(), out["findings"].as_array().unwrap().len(), "{name}");
        for f in stored.as_array().unwrap() {
            assert_finding_shape(f);
        }
    }
    let db = story("kupol-drones");
    let out = db.json("reconcile --known-at 2025-10-01T12:00:00Z");
    assert_eq!(keys(&out), set(&["as_of", "known_at", "findings", "propositions", "retracted"]));
    // Printed like `recorded`, with microseconds (docs/FORMAT.md's example leaves them out).
    let known_at = out["known_at"].as_str().unwrap();
    assert!(known_at.starts_with("2025-10-01T12:00:00") && known_at.ends_with('Z'), "{known_at}");
}

#[test]
fn report_json_has_the_documented_keys() {
    for (name, as_of) in STORIES {
        let r = report_json(&story(name), &["--as-of", as_of]);
        let want = ["database", "as_of", "counts", "summary", "matrix", "propositions", "sources", "parties"];
        assert_eq!(keys(&r), set(&want), "{name}");
        let groups = ["contested", "unanswered", "thin", "retracted_basis", "retractions", "verdicts"];
        assert_eq!(keys(&r["summary"]), set(&groups), "{name}");
        assert_eq!(
            keys(&r["counts"]),
            set(&["propositions", "claims", "retracted_claims", "parties", "open_findings"]),
            "{name}"
        );
        assert_eq!(keys(&r["matrix"]), set(&["propositions", "texts", "rows"]), "{name}");
        let cells =
            ["affirms", "denies", "qualifies", "neutral", "declined", "no-response", "awaiting", "not-asked", "blank"];
        for row in r["matrix"]["rows"].as_array().unwrap() {
            assert_eq!(keys(row), set(&["party", "party_name", "cells"]), "{name}");
            assert!(row["cells"].as_array().unwrap().iter().all(|c| cells.contains(&c.as_str().unwrap())), "{row}");
        }
        for p in r["propositions"].as_array().unwrap() {
            let mut want = set(&[
                "id",
                "text",
                "status",
                "support",
                "positions",
                "claims",
                "findings",
                "provenance",
                "timeline",
                "requests",
                "verdict",
                "retractions",
                "triaged",
            ]);
            if p.get("note").is_some() {
                want.insert("note");
            }
            assert_eq!(keys(p), want, "{name}");
            for x in p["retractions"].as_array().unwrap() {
                assert_eq!(keys(x), set(&["target", "kind", "date", "reason", "said"]), "{name}");
            }
            for f in p["triaged"].as_array().unwrap() {
                assert_finding_shape(f);
                assert!(["resolved", "dismissed"].contains(&f["state"].as_str().unwrap()), "{f}");
            }
            for pos in p["positions"].as_array().unwrap() {
                let want = [
                    "party",
                    "party_name",
                    "stance",
                    "date",
                    "date_basis",
                    "claim",
                    "source",
                    "source_title",
                    "via",
                    "confidence",
                    "grade",
                ];
                assert_eq!(keys(pos), set(&want), "{name}");
            }
            for f in p["findings"].as_array().unwrap() {
                assert_finding_shape(f);
                assert!(["open", "acknowledged"].contains(&f["state"].as_str().unwrap()), "{f}");
            }
            for l in p["provenance"].as_array().unwrap() {
                let want = [
                    "claim",
                    "party",
                    "stance",
                    "date",
                    "date_basis",
                    "via",
                    "read_in",
                    "rests_on",
                    "roots",
                    "sources",
                ];
                assert_eq!(keys(l), set(&want), "{name}");
                for t in l["sources"].as_array().unwrap() {
                    let mut want = set(&[
                        "source",
                        "title",
                        "kind",
                        "publisher",
                        "published",
                        "retracted",
                        "derived_from",
                        "depth",
                        "root",
                    ]);
                    if t.get("shown_above").is_some() {
                        want.insert("shown_above");
                    }
                    assert_eq!(keys(t), want, "{name}");
                }
            }
            for e in p["timeline"].as_array().unwrap() {
                assert_eq!(
                    keys(e),
                    set(&["date", "date_basis", "kind", "party", "party_name", "stance", "claim", "reversal", "text"]),
                    "{name}"
                );
                assert!(["claim", "request", "deadline", "retraction"].contains(&e["kind"].as_str().unwrap()), "{e}");
            }
        }
    }
}

#[test]
fn reconcile_twice_changes_nothing() {
    let db = story("kupol-drones");
    let first = db.run("reconcile").success();
    assert!(first.stderr.contains("18 new"), "{first:#?}");
    let findings = db.ok("findings --format json");
    let second = db.run("reconcile").success();
    assert_eq!(
        second.stderr,
        "as of 1 Oct 2025: 18 findings (0 new, 0 reopened, 0 cleared)\n\
         18 findings stand (2 conflict, 5 silence, 9 single-source, 2 anonymous-only); \
         the open ones: claimtrack findings --state open --limit 20\n"
    );
    assert_eq!(second.stdout, "", "nothing changed, so no table");
    assert_eq!(db.ok("reconcile --all"), first.stdout, "--all lists what stands: here, what the first run found");
    assert_eq!(db.ok("findings --format json"), findings, "same ids, same states");
}

#[test]
fn reconcile_prints_what_changed_a_page_at_most_then_the_totals() {
    let db = story("kupol-drones");
    let first = db.run("reconcile").success();
    let rows = |out: &str| out.lines().filter(|l| l.contains("| f-")).count();
    assert_eq!(rows(&first.stdout), 18, "every new finding: {}", first.stdout);
    assert!(first.stderr.contains("  new: conflict on"), "each change in words: {}", first.stderr);
    // One more claim: only the finding it changes is printed.
    db.ok("claim add --prop p-kupol-state-owned --party kremlin --stance denies --source s-seed-article");
    let after = db.run("reconcile").success();
    assert!(after.stderr.contains("(1 new, 0 reopened, 0 cleared)"), "{}", after.stderr);
    assert_eq!(rows(&after.stdout), 1, "the new conflict alone: {}", after.stdout);
    assert!(after.stdout.contains("p-kupol-state-owned") && after.stdout.contains("conflict"), "{}", after.stdout);
    assert!(after.stderr.ends_with("the open ones: claimtrack findings --state open --limit 20\n"), "{}", after.stderr);
    // More changes than a page: the first page, and how many were left out.
    let many = Db::new();
    let mut bundle = json!({"claimtrack": 1, "parties": [{"id": "a", "name": "A", "kind": "media"}],
        "sources": [{"id": "s", "title": "S", "kind": "article"}], "propositions": [], "claims": []});
    for i in 0..25 {
        bundle["propositions"]
            .as_array_mut()
            .unwrap()
            .push(json!({"id": format!("p{i:02}"), "text": format!("Matter {i}")}));
        bundle["claims"]
            .as_array_mut()
            .unwrap()
            .push(json!({"id": format!("c{i:02}"), "proposition": format!("p{i:02}"),
            "party": "a", "stance": "affirms", "source": "s"}));
    }
    many.import_str(&bundle.to_string()).success();
    let out = many.run("reconcile").success();
    assert_eq!(rows(&out.stdout), 20, "{}", out.stdout);
    assert!(!out.stderr.contains("  new:"), "no line per change past a page: {}", out.stderr);
    assert!(
        out.stderr.contains("the first 20 of 25 changed findings above; 25 findings stand (25 single-source)"),
        "{}",
        out.stderr
    );
}

/// The id of the conflict on a proposition, as `findings` lists it.
fn conflict_id(db: &Db, prop: &str) -> String {
    let ids = db.column(&*format!("findings --kind conflict --prop {prop}"), "id");
    assert_eq!(ids.len(), 1, "{ids:?}");
    ids[0].clone()
}

#[test]
fn a_dismissed_finding_stays_dismissed() {
    let db = story("kupol-drones");
    db.ok("reconcile");
    let id = conflict_id(&db, "p-experts-helped-kupol");
    let out = db.run(&["findings", "dismiss", &id, "--note", "x"]).success();
    assert_eq!(out.stdout, format!("{id}\n"));
    db.ok("reconcile");
    db.ok("reconcile");
    let f = db.json(&["findings", "show", &id]);
    assert_eq!((f["state"].as_str(), f["note"].as_str()), (Some("dismissed"), Some("x")));
    // A dismissed finding leaves the report's open findings (the matrix and status stay).
    let r = report_json(&db, &[]);
    let p = prop(&r, "p-experts-helped-kupol");
    assert!(!p["findings"].as_array().unwrap().iter().any(|f| f["id"] == id.as_str()), "{p}");
    assert_eq!(p["status"], "contested");
    assert_eq!(r["counts"]["open_findings"]["conflict"], 1);
}

#[test]
fn dismiss_needs_a_note() {
    let db = story("kupol-drones");
    db.ok("reconcile");
    let id = conflict_id(&db, "p-experts-helped-kupol");
    let before = db.ok("findings --format json");
    for args in [vec!["findings", "dismiss", id.as_str()], vec!["findings", "dismiss", id.as_str(), "--note", "  "]] {
        let out = db.run(&args);
        assert_eq!(out.code, 2, "{args:?}: {out:#?}");
        assert!(out.stdout.is_empty());
        assert_error_line(&out.stderr, &["--note"]);
    }
    assert_eq!(db.ok("findings --format json"), before, "nothing changed");
}

#[test]
fn a_finding_id_prefix_works() {
    let db = story("kupol-drones");
    db.ok("reconcile");
    let id = conflict_id(&db, "p-experts-helped-kupol");
    let all = db.column("findings", "id");
    let prefix = (3..id.len())
        .map(|n| &id[..n])
        .find(|p| all.iter().filter(|i| i.starts_with(p)).count() == 1)
        .expect("some prefix is unique");
    assert!(prefix.len() < id.len());
    let out = db.run(&["findings", "ack", prefix, "--note", "asking again"]).success();
    assert_eq!(out.stdout, format!("{id}\n"), "the full id is printed");
    assert_eq!(db.json(&["findings", "show", prefix])["state"], "acknowledged");

    let out = db.run("findings ack f- --note x");
    assert_eq!(out.code, 1, "{out:#?}");
    assert_error_line(&out.stderr, &["'f-' matches several findings"]);
    let out = db.run("findings ack f-zzzz --note x");
    assert_eq!(out.code, 1, "{out:#?}");
    assert_error_line(&out.stderr, &["no finding 'f-zzzz'"]);
}

#[test]
fn sql_views_are_queryable_after_a_reconcile() {
    let db = story("kupol-drones");
    db.ok("reconcile");
    let conn = rusqlite::Connection::open_with_flags(db.path(), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let strings = |sql: &str| -> Vec<String> {
        let mut stmt = conn.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
        stmt.query_map([], |r| r.get::<_, String>(0)).unwrap().collect::<rusqlite::Result<_>>().unwrap()
    };

    let conflicts = strings("SELECT parties FROM conflicts WHERE proposition = 'p-experts-helped-kupol'");
    assert_eq!(conflicts.len(), 1, "{conflicts:?}");
    let parties: Vec<String> = serde_json::from_str(&conflicts[0]).unwrap();
    assert_eq!(parties, vec!["china-mfa", "eu-security-officials"]);
    let text = strings("SELECT proposition_text FROM conflicts WHERE proposition = 'p-experts-helped-kupol'");
    assert_eq!(text, vec!["Chinese experts helped IEMZ Kupol develop military drones for Russia."]);

    let silent = strings(
        "SELECT party || ' ' || reason FROM silences WHERE proposition = 'p-experts-helped-kupol' ORDER BY party",
    );
    assert_eq!(silent, vec!["kremlin no-response", "kupol no-response", "russia-mod no-response"]);
    let names = strings("SELECT party_name FROM silences WHERE party = 'russia-mod'");
    assert_eq!(names, vec!["Russian defense ministry"]);

    let open = strings("SELECT id FROM findings_open ORDER BY id");
    let mut listed = db.column("findings --state open", "id");
    listed.sort();
    assert_eq!(open, listed);
    assert_eq!(open.len(), 18);

    // positions agrees with the report's positions tables.
    let positions = strings("SELECT proposition || ' ' || party || ' ' || stance FROM positions ORDER BY 1");
    let r = report_json(&db, &[]);
    let mut reported: Vec<String> = r["propositions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| {
            p["positions"].as_array().unwrap().iter().map(move |x| {
                format!(
                    "{} {} {}",
                    p["id"].as_str().unwrap(),
                    x["party"].as_str().unwrap(),
                    x["stance"].as_str().unwrap()
                )
            })
        })
        .collect();
    reported.sort();
    assert_eq!(positions, reported);
    assert!(positions.contains(&"p-experts-helped-kupol china-mfa denies".to_string()));

    let claims = strings("SELECT id FROM claims_full");
    assert_eq!(claims.len(), 16);
    let row = strings(
        "SELECT party_name || ' | ' || coalesce(via_name, '-') || ' | ' || coalesce(date, 'undated') || ' | ' \
         || quote || ' | ' || source_title FROM claims_full WHERE id = 'c-mfa-denies-experts'",
    );
    assert_eq!(
        row,
        vec![
            "China's foreign ministry | - | undated | neutral and fair position | The Evolving Dynamics of Military \
             Drone Collaboration Between China and Russia"
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// 8. The editor's page: fitted to the terminal, summary first

/// The words of a text, each trimmed of the punctuation around it.
fn words(text: &str) -> Vec<String> {
    let trim = |c: char| !c.is_alphanumeric() && c != '…';
    text.split_whitespace().map(|w| w.trim_matches(trim).to_string()).filter(|w| !w.is_empty()).collect()
}

#[test]
fn the_terminal_report_fits_its_width_and_splits_no_word() {
    for (name, as_of) in STORIES {
        let db = story(name);
        // Wide enough that nothing wraps or is cut: its words are the only words there are.
        let wide = local_ok(&db, &["report", "--as-of", as_of, "--width", "60000"]);
        let known: BTreeSet<String> = words(&wide).into_iter().collect();
        for width in [80usize, 120] {
            let text = local_ok(&db, &["report", "--as-of", as_of, "--width", &width.to_string()]);
            for line in text.lines() {
                assert!(
                    line.chars().count() <= width,
                    "{name} at {width}: a line of {}:\n{line}",
                    line.chars().count()
                );
            }
            for word in words(&text) {
                match word.strip_suffix('…') {
                    // A cell cut short: what is left begins a word, or is a word.
                    Some(stem) => assert!(
                        stem.is_empty() || known.iter().any(|k| k.starts_with(stem)),
                        "{name} at {width}: {word:?} is not the start of any word"
                    ),
                    None => assert!(known.contains(&word), "{name} at {width}: {word:?} is a split word"),
                }
            }
        }
    }
}

#[test]
fn the_summary_lists_exactly_what_an_editor_must_ask_about() {
    for (name, as_of) in STORIES {
        let db = story(name);
        let reading = db.json(&["reconcile", "--as-of", as_of]);
        let open: Vec<&Value> = reading["findings"].as_array().unwrap().iter().collect();
        let props_with = |kinds: &[&str]| -> BTreeSet<String> {
            open.iter()
                .filter(|f| kinds.contains(&f["kind"].as_str().unwrap()))
                .filter_map(|f| f["proposition"].as_str().map(str::to_string))
                .collect()
        };
        let contested: BTreeSet<String> = reading["propositions"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["status"] == "contested")
            .map(|p| p["id"].as_str().unwrap().to_string())
            .collect();
        let want = [
            ("contested", contested),
            ("unanswered", props_with(&["silence"])),
            ("thin", props_with(&["single-source", "anonymous-only"])),
            ("retracted_basis", props_with(&["retracted-basis"])),
        ];
        let r = report_json(&db, &["--as-of", as_of]);
        let page = Html::parse_document(&report(&db, as_of, "html"));
        let groups = all(&page, "section.summary div");
        // The desk's record (retractions, verdicts) follows the four groups when it holds something.
        let desk =
            ["retractions", "verdicts"].iter().filter(|k| !r["summary"][**k].as_array().unwrap().is_empty()).count();
        assert_eq!(groups.len(), 4 + desk, "{name}");
        let anchors: Vec<String> =
            r["propositions"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_string()).collect();
        for ((key, props), group) in want.iter().zip(groups) {
            let listed: BTreeSet<String> = r["summary"][key]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l["proposition"].as_str().unwrap().to_string())
                .collect();
            assert_eq!(&listed, props, "{name}: summary {key}");
            // The page's summary links to the same propositions' sections.
            let linked: BTreeSet<String> = group
                .select(&select("a"))
                .map(|a| {
                    let n: usize = a.value().attr("href").unwrap().trim_start_matches("#p").parse().unwrap();
                    anchors[n - 1].clone()
                })
                .collect();
            assert_eq!(&linked, props, "{name}: the page's summary, {key}");
        }
    }
}
