//! What a write tells the person: what it added and found unchanged, and the nearest id when
//! a reference names nothing.

use serde::Serialize;

/// What a write added and what it found already there, per record kind.
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    /// Per record kind (bundle key), in the order the kinds were first met.
    pub added: Vec<(&'static str, usize)>,
    pub unchanged: Vec<(&'static str, usize)>,
    /// The key of the first record written or found unchanged (the id a command prints).
    #[serde(skip)]
    pub first_key: Option<String>,
}

impl Summary {
    pub fn total_added(&self) -> usize {
        self.added.iter().map(|c| c.1).sum()
    }

    pub fn total_unchanged(&self) -> usize {
        self.unchanged.iter().map(|c| c.1).sum()
    }

    pub(super) fn count(list: &mut Vec<(&'static str, usize)>, kind: &'static str) {
        match list.iter_mut().find(|c| c.0 == kind) {
            Some(c) => c.1 += 1,
            None => list.push((kind, 1)),
        }
    }

    /// The line an import or a log says when it is done.
    pub fn said(&self, name: &str, dry_run: bool) -> String {
        format!(
            "{name}: {} {}; {} already present, unchanged{}",
            if dry_run { "would add" } else { "added" },
            Summary::describe(&self.added),
            self.total_unchanged(),
            if dry_run { " (dry run: nothing written)" } else { "" }
        )
    }

    /// "2 parties, 1 claim" (kinds with none left out).
    pub fn describe(counts: &[(&'static str, usize)]) -> String {
        let parts: Vec<String> =
            counts.iter().filter(|c| c.1 > 0).map(|(k, n)| format!("{n} {}", noun(k, *n))).collect();
        if parts.is_empty() {
            "nothing".into()
        } else {
            parts.join(", ")
        }
    }
}

/// "parties" for many, "party" for one.
fn noun(plural: &str, n: usize) -> String {
    match (n, plural) {
        (1, "parties") => "party".into(),
        (1, p) => p.trim_end_matches('s').into(),
        _ => plural.into(),
    }
}

/// " (did you mean 'x'?)" for the nearest known id, or a hint when there are none.
pub fn suggest(wanted: &str, known: &[String], kind: &str) -> String {
    if known.is_empty() {
        return format!(" (no {kind} is logged yet; add it first)");
    }
    let lower = wanted.to_lowercase();
    let best =
        known.iter().map(|k| (strsim::jaro_winkler(&lower, &k.to_lowercase()), k)).max_by(|a, b| a.0.total_cmp(&b.0));
    match best {
        Some((score, k)) if score >= 0.75 => format!(" (did you mean '{k}'?)"),
        _ => format!(" ({})", where_listed(kind)),
    }
}

/// Where a person finds the ids of a kind: a command that exists and lists them.
fn where_listed(kind: &str) -> String {
    match kind {
        "party" | "source" | "proposition" | "claim" | "request" | "verdict" => {
            format!("list the known ones with `claimtrack {kind} list`")
        }
        "claim or source" => "list the known ones with `claimtrack claim list` or `claimtrack source list`".into(),
        _ => "find it with `claimtrack search WORDS`".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_nearest_id() {
        let known = vec!["china-mfa".to_string(), "kremlin".to_string()];
        assert_eq!(suggest("china-mf", &known, "party"), " (did you mean 'china-mfa'?)");
        assert!(suggest("zzzzzz", &known, "party").contains("claimtrack party list"));
        assert!(suggest("x", &[], "party").contains("no party is logged yet"));
    }
}
