//! Small stories for tests, as bundles in JSON: the reconciler's tests read them in memory
//! ([`in_memory`]); the store's tests write them to SQLite.

use super::Outcome;
use crate::date::Date;
use crate::model::{Bundle, Finding, FindingKind, Story};
use serde_json::{json, Value};

pub fn d(s: &str) -> Date {
    s.parse().unwrap()
}

/// The parties a, b, c (named), anon and anon2 (anonymous), the sources given, and the
/// propositions p (expecting the parties given) and q.
pub fn base(sources: Value, expected: &[&str]) -> Value {
    json!({
        "claimtrack": 1,
        "parties": [
            {"id": "a", "name": "Alpha", "kind": "government"},
            {"id": "b", "name": "Beta", "kind": "company"},
            {"id": "c", "name": "Gamma", "kind": "media"},
            {"id": "anon", "name": "Unnamed officials", "kind": "official", "anonymous": true},
            {"id": "anon2", "name": "Unnamed engineers", "kind": "group", "anonymous": true}
        ],
        "sources": sources,
        "propositions": [{"id": "p", "text": "The thing happened", "expected": expected},
                         {"id": "q", "text": "Another thing happened"}]
    })
}

pub fn one_source() -> Value {
    json!([{"id": "s1", "title": "Report one", "kind": "article"}, {"id": "s2", "title": "Report two", "kind": "article"}])
}

pub fn claim(id: &str, party: &str, stance: &str, source: &str, stated: &str) -> Value {
    json!({"id": id, "proposition": "p", "party": party, "stance": stance, "source": source, "stated": stated})
}

/// One bundle: `base`, its `claims`, and the records `extra` adds (links, requests, more
/// parties or sources...), each kind's list after base's.
pub fn bundle(mut base: Value, claims: Value, extra: Value) -> Value {
    let mut more = vec![("claims".to_string(), claims)];
    if let Value::Object(e) = extra {
        more.extend(e);
    }
    for (key, value) in more {
        match (base.get_mut(&key), value) {
            (Some(Value::Array(list)), Value::Array(items)) => list.extend(items),
            (_, value) => base[&key] = value,
        }
    }
    base
}

/// The story a bundle in JSON holds, read in memory ([`Story::from_bundle`]).
pub fn in_memory(bundle: Value) -> Story {
    let bundle: Bundle = serde_json::from_value(bundle).expect("test bundle parses");
    Story::from_bundle(bundle).expect("test bundle has no corrections")
}

pub fn kinds(o: &Outcome, kind: FindingKind) -> Vec<&Finding> {
    o.findings.iter().filter(|f| f.kind == kind).collect()
}
