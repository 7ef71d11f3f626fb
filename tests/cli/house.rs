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

/// The names a file takes from `super`: `super::x::…`, `super::x;` and the items of
/// `use super::{…}`.
fn taken_from_super(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    for (i, _) in text.match_indices("super::") {
        let rest = &text[i + "super::".len()..];
        if let Some(list) = rest.strip_prefix('{') {
            let list = &list[..list.find('}').unwrap_or(list.len())];
            names.extend(list.split(',').map(|n| n.trim().split("::").next().unwrap_or("").to_string()));
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
        for taken in taken_from_super(text) {
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
    assert_eq!(taken_from_super(text), ["add", "Ctx", "sync", "changes"]);
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
