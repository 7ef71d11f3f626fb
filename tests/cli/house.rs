//! The house rules docs/ARCHITECTURE.md states, checked against the source itself, so that
//! the floor plan cannot drift from the house (as jj's `test_no_forgotten_test_files` does).

use std::path::{Path, PathBuf};

fn source(dir: &str) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    files
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| (p.file_stem().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
        .collect()
}

/// The names a file takes from a path such as `super::` or `crate::`: `super::x::…`,
/// `super::x;` and the items of `use super::{…}` (nested lists included).
fn taken_from(text: &str, path: &str) -> Vec<String> {
    let mut names = Vec::new();
    for (i, _) in text.match_indices(path) {
        let rest = &text[i + path.len()..];
        if let Some(list) = rest.strip_prefix('{') {
            let (mut depth, mut items, mut item) = (0, Vec::new(), String::new());
            for c in list.chars() {
                match c {
                    '}' if depth == 0 => break,
                    ',' if depth == 0 => {
                        items.push(std::mem::take(&mut item));
                        continue;
                    }
                    '{' => depth += 1,
                    '}' => depth -= 1,
                    _ => {}
                }
                item.push(c);
            }
            items.push(item);
            let first = |i: &String| i.trim().split("::").next().unwrap_or("").to_string();
            names.extend(items.iter().map(first).filter(|n| !n.is_empty()));
        } else {
            let end = rest.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(rest.len());
            if rest[end..].starts_with("::") || rest[end..].starts_with(';') {
                names.push(rest[..end].to_string());
            }
        }
    }
    names
}

#[test]
fn commands_never_import_each_other() {
    let files = source("src/commands");
    let commands: Vec<&str> = files.iter().map(|(name, _)| name.as_str()).filter(|n| *n != "mod").collect();
    assert!(commands.len() > 20, "the commands are found: {commands:?}");
    let mut found = Vec::new();
    for (name, text) in &files {
        for taken in taken_from(text, "super::") {
            if taken != *name && commands.contains(&taken.as_str()) {
                found.push(format!("src/commands/{name}.rs takes `{taken}` from another command"));
            }
        }
        for other in &commands {
            if text.contains(&format!("commands::{other}")) && other != name {
                found.push(format!("src/commands/{name}.rs names crate::commands::{other}"));
            }
        }
    }
    assert!(found.is_empty(), "shared helpers belong in src/commands/mod.rs:\n{}", found.join("\n"));
}

#[test]
fn the_import_finder_sees_each_form_of_import() {
    let text = "use super::{add, Ctx};\nlet x = super::sync::conflict_line(c);\nuse super::changes;\n";
    assert_eq!(taken_from(text, "super::"), ["add", "Ctx", "sync", "changes"]);
    let text = "use crate::{date::Date, model::{A, B}, store};\nlet w = crate::report::words::list(x);\n";
    assert_eq!(taken_from(text, "crate::"), ["date", "model", "store", "report"]);
}

/// The reconciler is pure: no SQL, no report or output code, in its rules or its tests
/// (they build stories in memory with `Story::from_bundle`; docs/ARCHITECTURE.md).
#[test]
fn the_reconciler_and_its_tests_never_name_the_store_sqlite_reports_or_output() {
    let files = source("src/reconcile");
    assert!(files.iter().any(|(name, _)| name == "tests"), "the reconciler's tests are read too");
    let mut found = Vec::new();
    for (name, text) in &files {
        // From src/reconcile/x.rs the crate is `super::super::`; from its mod.rs, `super::`.
        let mut taken = taken_from(text, "crate::");
        taken.extend(taken_from(text, "super::super::"));
        if name == "mod" {
            taken.extend(taken_from(text, "super::"));
        }
        for module in ["store", "report", "output"] {
            if taken.iter().any(|t| t == module) {
                found.push(format!("src/reconcile/{name}.rs names crate::{module}"));
            }
        }
        if text.contains("rusqlite") {
            found.push(format!("src/reconcile/{name}.rs names rusqlite"));
        }
    }
    assert!(found.is_empty(), "the reconciler is pure: it reads a Story and returns an Outcome:\n{}", found.join("\n"));
}

/// Finding order is decided once (`Finding::sort`, and the same order in SQL for `findings`):
/// the reconciler's reading and the stored list agree, on the worked example (where kind by
/// name and kind by declaration disagreed) and on the contradiction-rich fixture.
#[test]
fn reconcile_and_findings_list_findings_in_one_order() {
    use crate::common::Db;
    for fixture in ["kupol-drones.json", "sabotage.json"] {
        let db = Db::with_fixture(fixture);
        let reading: serde_json::Value = serde_json::from_str(&db.ok("reconcile --format json")).unwrap();
        let listed: serde_json::Value = serde_json::from_str(&db.ok("findings --format json")).unwrap();
        let ids = |list: &serde_json::Value| -> Vec<String> {
            list.as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap().to_string()).collect()
        };
        let (read, stored) = (ids(&reading["findings"]), ids(&listed));
        assert!(read.len() > 1, "{fixture}: findings to order ({})", read.len());
        assert_eq!(read, stored, "{fixture}: one order");
    }
}

/// What bears on a proposition is declared once (src/model/bearing.rs): the three places
/// that follow it (the reconciler's view, the scoped story, the stale set) follow a link
/// only by its relation's declared reach, never by naming a relation, and each names every
/// reach, so a relation the table does not declare cannot be followed in one of them and a
/// reach the table declares cannot be left out of one.
#[test]
fn the_three_readers_of_a_proposition_follow_links_only_as_the_table_declares() {
    let table = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/model/bearing.rs")).unwrap();
    let reaches: Vec<&str> = table
        .split("pub enum LinkReach {")
        .nth(1)
        .unwrap()
        .split('}')
        .next()
        .unwrap()
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with("///") && !l.is_empty())
        .map(|l| l.trim_end_matches(','))
        .collect();
    assert_eq!(reaches, ["Cited", "Standing", "Opposed", "Unread"], "the reaches are read from the table");
    let relations = ["\"cites\"", "\"supersedes\"", "\"contradicts\"", "\"supports\"", "LinkRel::"];
    let mut found = Vec::new();
    for file in ["src/reconcile/view.rs", "src/store/story.rs", "src/store/stale.rs"] {
        let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap();
        for r in relations.iter().filter(|r| text.contains(*r)) {
            found.push(format!("{file} names a relation ({r}): follow links by `rel.reach()`"));
        }
        for r in reaches.iter().filter(|r| !text.contains(&format!("LinkReach::{r}"))) {
            found.push(format!("{file} never says how it follows a link of reach {r}"));
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// Every `.rs` file under `dir`, at any depth, as (path from the crate's root, text).
fn source_tree(dir: &str) -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut dirs = vec![root.join(dir)];
    let mut files = Vec::new();
    while let Some(d) = dirs.pop() {
        for path in std::fs::read_dir(&d).unwrap().map(|e| e.unwrap().path()) {
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let shown = path.strip_prefix(root).unwrap().to_string_lossy().into_owned();
                files.push((shown, std::fs::read_to_string(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

/// SQLite stays in the store: no other file names rusqlite (but `backup`, which copies the
/// file with SQLite's online-backup API) or queries a connection itself (but `desk/`, whose
/// queries go to PostgreSQL); they hand the store's `Conn`/`Tx` back to store functions.
#[test]
fn only_the_store_names_sqlite_or_queries_it() {
    let files = source_tree("src");
    assert!(files.iter().any(|(path, _)| path == "src/store/mod.rs"), "the tree is read whole");
    let queries =
        [".prepare(", ".prepare_cached(", ".query_row(", ".query_map(", ".execute(", ".execute_batch(", ".pragma_"];
    let mut found = Vec::new();
    for (path, text) in &files {
        if path.starts_with("src/store/") {
            continue;
        }
        if text.contains("rusqlite") && path != "src/commands/backup.rs" {
            found.push(format!("{path} names rusqlite"));
        }
        if !path.starts_with("src/desk/") {
            found.extend(queries.iter().filter(|q| text.contains(*q)).map(|q| format!("{path} calls {q}…)")));
        }
    }
    assert!(found.is_empty(), "SQLite belongs in src/store/ (a store function owns the SQL):\n{}", found.join("\n"));
}
