//! What a write tells the person: what it added and found unchanged, and the nearest id when
//! a reference names nothing.

use crate::model::RecordKind;
use serde::Serialize;

/// What a write added and what it found already there, per record kind.
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    /// Per kind, in the order the kinds were first met.
    pub added: Vec<(Counted, usize)>,
    pub unchanged: Vec<(Counted, usize)>,
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

    pub(super) fn count(list: &mut Vec<(Counted, usize)>, kind: Counted) {
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
    pub fn describe(counts: &[(Counted, usize)]) -> String {
        let parts: Vec<String> =
            counts.iter().filter(|c| c.1 > 0).map(|(k, n)| format!("{n} {}", k.noun(*n))).collect();
        if parts.is_empty() {
            "nothing".into()
        } else {
            parts.join(", ")
        }
    }
}

/// What a write counts: records of a kind, settings and findings carried in a bundle.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counted {
    Record(RecordKind),
    Setting,
    Finding,
}

impl Counted {
    /// "party" for one, "parties" for many.
    fn noun(self, n: usize) -> &'static str {
        match (self, n) {
            (Counted::Record(kind), 1) => kind.as_str(),
            (Counted::Record(kind), _) => kind.plural(),
            (Counted::Setting, 1) => "setting",
            (Counted::Setting, _) => "settings",
            (Counted::Finding, 1) => "finding",
            (Counted::Finding, _) => "findings",
        }
    }
}

/// As the bundle key ("parties").
impl Serialize for Counted {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.noun(2))
    }
}

/// What a person named when a reference found nothing: one kind, a retraction's target, or
/// any record a correction may fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Named {
    Kind(RecordKind),
    ClaimOrSource,
    Record,
}

impl std::fmt::Display for Named {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Named::Kind(kind) => kind.as_str(),
            Named::ClaimOrSource => "claim or source",
            Named::Record => "record",
        })
    }
}

/// " (did you mean 'x'?)" for the nearest known id, or a hint when there are none.
pub fn suggest(wanted: &str, known: &[String], kind: Named) -> String {
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
fn where_listed(kind: Named) -> String {
    match kind {
        Named::Kind(
            RecordKind::Party
            | RecordKind::Source
            | RecordKind::Proposition
            | RecordKind::Claim
            | RecordKind::Request
            | RecordKind::Verdict,
        ) => format!("list the known ones with `claimtrack {kind} list`"),
        Named::ClaimOrSource => "list the known ones with `claimtrack claim list` or `claimtrack source list`".into(),
        Named::Kind(RecordKind::Link | RecordKind::Retraction | RecordKind::Correction) | Named::Record => {
            "find it with `claimtrack search WORDS`".into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_the_nearest_id() {
        let known = vec!["china-mfa".to_string(), "kremlin".to_string()];
        let party = Named::Kind(RecordKind::Party);
        assert_eq!(suggest("china-mf", &known, party), " (did you mean 'china-mfa'?)");
        assert!(suggest("zzzzzz", &known, party).contains("claimtrack party list"));
        assert!(suggest("x", &[], party).contains("no party is logged yet"));
    }
}
