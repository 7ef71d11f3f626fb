//! What every logged record knows (its kind, bundle key, fields and key), and the ids
//! derived from content for records logged without one.

use super::*;
use crate::date::Timestamp;
use serde::Serialize;
use sha2::{Digest, Sha256};

/// A record that is logged: it knows its bundle key and carries who logged it and when.
pub trait Logged: Serialize {
    /// The record kind.
    const KIND: RecordKind;
    /// The fields of the record in documented order: CSV headers.
    const FIELDS: &'static [&'static str];
    /// The identity of the record ("c-…" for a claim, "from rel to" for a link).
    fn key(&self) -> String;
    fn stamp(&mut self, logged_by: &str, recorded: Timestamp);
}

macro_rules! logged {
    ($t:ident, [$($field:literal),+], |$s:ident| $key:expr) => {
        impl Logged for $t {
            const KIND: RecordKind = RecordKind::$t;
            const FIELDS: &'static [&'static str] = &[$($field),+, "logged_by", "recorded"];
            fn key(&self) -> String {
                let $s = self;
                $key
            }
            fn stamp(&mut self, logged_by: &str, recorded: Timestamp) {
                self.logged_by.get_or_insert_with(|| logged_by.to_string());
                self.recorded.get_or_insert(recorded);
            }
        }
    };
}

logged!(Party, ["id", "name", "kind", "anonymous", "country", "parent", "aliases", "note"], |s| s.id.clone());
logged!(
    Source,
    [
        "id",
        "title",
        "kind",
        "publisher",
        "url",
        "published",
        "accessed",
        "reliability",
        "derived_from",
        "sha256",
        "note"
    ],
    |s| s.id.clone()
);
logged!(Proposition, ["id", "text", "tags", "expected", "note", "merged_into"], |s| s.id.clone());
logged!(
    Claim,
    [
        "id",
        "proposition",
        "party",
        "stance",
        "source",
        "via",
        "stated",
        "quote",
        "note",
        "confidence",
        "grade",
        "basis"
    ],
    |s| s.id.clone().unwrap_or_default()
);
logged!(Link, ["from", "rel", "to"], |s| format!("{} {} {}", s.from, s.rel, s.to));
logged!(Request, ["id", "party", "proposition", "by", "asked", "deadline", "channel", "note"], |s| s
    .id
    .clone()
    .unwrap_or_default());
logged!(Retraction, ["target", "date", "reason"], |s| s.target.clone());
logged!(
    Verdict,
    [
        "id",
        "proposition",
        "rating",
        "best",
        "worst",
        "label",
        "explanation",
        "url",
        "reviewer",
        "published",
        "claimant"
    ],
    |s| s.id.clone().unwrap_or_default()
);

/// A record id derived from content, for claims and requests logged without one: the same
/// claim imported twice gets the same id, so a re-import changes nothing.
/// `prefix` + 12 base-32 characters (60 bits: no collision to expect below billions).
pub fn content_id<T: Serialize>(prefix: &str, content: &T) -> String {
    hash_id(prefix, &serde_json::to_vec(content).expect("records serialise"), 12)
}

/// `prefix` + `len` (at most 12) base-32 characters of the SHA-256 of `bytes`.
pub fn hash_id(prefix: &str, bytes: &[u8], len: usize) -> String {
    let digest = Sha256::digest(bytes);
    const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";
    let mut bits: u64 = u64::from_be_bytes(digest[..8].try_into().expect("8 bytes"));
    let mut id = String::from(prefix);
    for _ in 0..len.min(12) {
        id.push(ALPHABET[(bits >> 59) as usize] as char);
        bits <<= 5;
    }
    id
}

impl Claim {
    /// The id this claim gets when none is given: a hash of what it says, not of who logged it.
    pub fn derived_id(&self) -> String {
        let content = Claim { id: None, logged_by: None, recorded: None, ..self.clone() };
        content_id("c-", &content)
    }
}

impl Request {
    pub fn derived_id(&self) -> String {
        let content = Request { id: None, logged_by: None, recorded: None, ..self.clone() };
        content_id("r-", &content)
    }
}

impl Verdict {
    pub fn derived_id(&self) -> String {
        let content = Verdict { id: None, logged_by: None, recorded: None, ..self.clone() };
        content_id("v-", &content)
    }
}
