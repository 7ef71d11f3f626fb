//! A desk entry: one record or desk event as the desk holds it (desk.sql, docs/DESK.md), made
//! from the replica's audit log for a push and read back as a record for a pull. Pure: no SQL.

use crate::error::{Error, Result};
use crate::model::{CarriedFinding, Record, RecordKind};
use crate::store::audit::{canonical, Event};
use crate::store::first_difference;
use serde_json::Value;

/// The record kinds by name, in the order a bundle lists them ([`RecordKind::TABLED`]).
pub const RECORD_KINDS: [&str; 8] = {
    let mut names = [""; 8];
    let mut i = 0;
    while i < 8 {
        names[i] = RecordKind::TABLED[i].as_str();
        i += 1;
    }
    names
};

/// One entry: what it is about and its content (the interchange form).
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub kind: String,
    /// The record's id; a correction's target; a setting's key; a finding's id.
    pub id: String,
    /// What makes two entries the same entry (desk.sql).
    pub key: String,
    pub content: Value,
}

/// The group role a write needs on the desk (desk.sql's policies).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Viewer,
    Logger,
    Editor,
}

impl Role {
    pub fn group(self) -> &'static str {
        match self {
            Role::Viewer => "claimtrack_viewer",
            Role::Logger => "claimtrack_logger",
            Role::Editor => "claimtrack_editor",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Logger => "logger",
            Role::Editor => "editor",
        }
    }

    /// The role [`Role::name`] names.
    pub fn named(name: &str) -> Option<Role> {
        [Role::Viewer, Role::Logger, Role::Editor].into_iter().find(|r| r.name() == name)
    }
}

impl Entry {
    /// A record as first logged.
    pub fn record(kind: &str, id: &str, content: Value) -> Entry {
        Entry { kind: kind.into(), id: id.into(), key: id.into(), content }
    }

    /// The entry a local event makes, if it makes one: a record's add or import, a
    /// correction, a setting, an editor's triage step. Batches (their records are read from
    /// the tables), and triage by `reconcile` (each replica reconciles for itself) make none;
    /// a triage step is completed with its finding by [`Entry::with_finding`].
    pub fn of_event(e: &Event) -> Option<Entry> {
        let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or_default().to_string();
        let body = &e.body;
        match e.kind.as_str() {
            kind if RECORD_KINDS.contains(&kind) => Some(Entry::record(kind, &e.record, body.clone())),
            "correction" => {
                let mut content = body.clone();
                content.as_object_mut()?.remove("before");
                let key = format!("{}|{}|{}", e.record, text(body, "logged_by"), text(body, "recorded"));
                Some(Entry { kind: "correction".into(), id: e.record.clone(), key, content })
            }
            "setting" => {
                let key = format!("{}|{}|{}", e.record, text(body, "logged_by"), text(body, "recorded"));
                Some(Entry { kind: "setting".into(), id: e.record.clone(), key, content: body.clone() })
            }
            "triage" if text(body, "by") != "reconcile" => {
                let key = format!("{}|{}|{}", e.record, text(body, "by"), text(body, "at"));
                Some(Entry { kind: "triage".into(), id: e.record.clone(), key, content: body.clone() })
            }
            _ => None,
        }
    }

    /// A triage step made whole: the finding it is about, with the step as its one triage,
    /// so a replica that has not reconciled yet learns the finding too.
    pub fn with_finding(mut self, finding: &CarriedFinding) -> Entry {
        let step = serde_json::json!({
            "state": self.content["state"], "note": self.content["note"],
            "by": self.content["by"], "at": self.content["at"],
        });
        let mut carried = serde_json::to_value(finding).expect("findings serialise");
        carried["triage"] = Value::Array(vec![step]);
        self.content = carried;
        self
    }

    /// The content as the desk stores it: canonical JSON.
    pub fn text(&self) -> String {
        canonical(&self.content)
    }

    /// The record the entry is, for the write path (as a line of JSON Lines is read).
    pub fn to_record(&self) -> Result<Record> {
        let mut value = self.content.clone();
        let kind = if self.kind == "triage" { "finding" } else { self.kind.as_str() };
        value
            .as_object_mut()
            .ok_or_else(|| Error::input(format!("desk entry {} {}: not a JSON object", self.kind, self.id)))?
            .insert("type".into(), Value::String(kind.into()));
        serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            Error::input(format!("desk entry {} {}: {path}: {}", self.kind, self.id, e.into_inner()))
        })
    }

    /// The role a push of this entry needs. A logger's correction must also be of a record it
    /// pushed itself (checked against the desk).
    pub fn needs(&self) -> Role {
        match self.kind.as_str() {
            "party" | "source" | "proposition" | "claim" | "link" | "request" | "correction" => Role::Logger,
            _ => Role::Editor,
        }
    }

    /// Whether `other` (the content the desk holds under the same key) says the same: for a
    /// record, who logged it and when are left out, as an import compares.
    pub fn same_as(&self, other: &Value) -> bool {
        if RECORD_KINDS.contains(&self.kind.as_str()) {
            first_difference(&self.content, other).is_none()
        } else {
            self.content == *other
        }
    }
}

/// "claims" for many, "claim" for one, in the words of `sync`: "3 triage steps".
pub fn noun(kind: &str, n: usize) -> String {
    let (one, many) = match kind {
        "party" => ("party", "parties"),
        "triage" => ("triage step", "triage steps"),
        other => (other, ""),
    };
    match (n, many) {
        (1, _) => one.to_string(),
        (_, "") => format!("{one}s"),
        (_, many) => many.to_string(),
    }
}

/// Counts by kind, in words: "12 claims, 1 correction" ("nothing" for none), the kinds in
/// bundle order, then the desk events.
pub fn in_words(counts: &std::collections::BTreeMap<String, usize>) -> String {
    let order = RECORD_KINDS.iter().copied().chain(["correction", "setting", "triage"]);
    let parts: Vec<String> =
        order.filter_map(|k| counts.get(k).filter(|n| **n > 0).map(|n| format!("{n} {}", noun(k, *n)))).collect();
    if parts.is_empty() {
        "nothing".into()
    } else {
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::audit::GENESIS;

    fn event(kind: &str, record: &str, body: Value) -> Event {
        Event {
            seq: 1,
            at: "t".into(),
            user: "u".into(),
            action: "add".into(),
            kind: kind.into(),
            record: record.into(),
            body,
            prev: GENESIS.into(),
            hash: String::new(),
        }
    }

    #[test]
    fn events_become_entries_keyed_by_who_and_when() {
        let c = event(
            "correction",
            "p1",
            serde_json::json!({"target": "p1", "set": {"name": "B"}, "reason": "typo", "logged_by": "ana", "recorded": "T", "before": {"name": "A"}}),
        );
        let e = Entry::of_event(&c).unwrap();
        assert_eq!(e.key, "p1|ana|T");
        assert!(e.content.get("before").is_none());
        let t = event(
            "triage",
            "f-1",
            serde_json::json!({"finding": "f-1", "state": "ack", "note": null, "by": "reconcile", "at": "T"}),
        );
        assert_eq!(Entry::of_event(&t), None);
        let p = event("party", "p1", serde_json::json!({"id": "p1", "name": "A"}));
        assert_eq!(Entry::of_event(&p).unwrap().key, "p1");
        assert_eq!(Entry::of_event(&event("batch", "batch 3", serde_json::json!({"opens": 3}))), None);
    }

    #[test]
    fn the_same_record_ignores_who_logged_it() {
        let mine = Entry::record("party", "p1", serde_json::json!({"id": "p1", "name": "A", "logged_by": "ana"}));
        assert!(mine.same_as(&serde_json::json!({"id": "p1", "name": "A", "logged_by": "bo"})));
        assert!(!mine.same_as(&serde_json::json!({"id": "p1", "name": "B", "logged_by": "ana"})));
    }

    #[test]
    fn roles_and_words() {
        assert_eq!(Entry::record("claim", "c", Value::Null).needs(), Role::Logger);
        assert_eq!(Entry::record("verdict", "v", Value::Null).needs(), Role::Editor);
        let mut counts = std::collections::BTreeMap::new();
        counts.insert("triage".to_string(), 3);
        counts.insert("claim".to_string(), 12);
        counts.insert("correction".to_string(), 1);
        counts.insert("party".to_string(), 1);
        assert_eq!(in_words(&counts), "1 party, 12 claims, 1 correction, 3 triage steps");
        assert_eq!(in_words(&Default::default()), "nothing");
    }
}
