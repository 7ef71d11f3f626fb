//! The records claimtrack logs (party, source, proposition, claim, link, request,
//! retraction, verdict), one record of any kind, and a claim as read with its dates.

use super::*;
use crate::date::{Date, Timestamp};
use serde::{Deserialize, Serialize};

/// Who is logged as saying or expected to say something.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Party {
    pub id: String,
    pub name: String,
    pub kind: PartyKind,
    #[serde(default)]
    pub anonymous: bool,
    pub country: Option<Country>,
    pub parent: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    pub note: Option<String>,
    pub logged_by: Option<String>,
    pub recorded: Option<Timestamp>,
}

/// Where a claim was found.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub id: String,
    /// Left out when the source's title is not known.
    pub title: Option<String>,
    pub kind: SourceKind,
    pub publisher: Option<String>,
    pub url: Option<String>,
    pub published: Option<Date>,
    pub accessed: Option<Date>,
    #[serde(default)]
    pub reliability: Reliability,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub derived_from: Vec<String>,
    pub sha256: Option<Sha256Hex>,
    pub note: Option<String>,
    pub logged_by: Option<String>,
    pub recorded: Option<Timestamp>,
}

impl Source {
    /// The source as a person reads it: its title, or what is known of it when it has none
    /// ("untitled Reuters article"), given its publisher's name.
    pub fn label_by(&self, publisher: Option<&str>) -> String {
        match (&self.title, publisher) {
            (Some(t), _) => t.clone(),
            (None, Some(p)) => format!("untitled {p} {}", self.kind),
            (None, None) => format!("untitled {}", self.kind),
        }
    }

    /// [`Source::label_by`] with the publisher's id, for where names are not at hand.
    pub fn label(&self) -> String {
        self.label_by(self.publisher.as_deref())
    }
}

/// The matter in question, stated once and neutrally.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Proposition {
    pub id: String,
    pub text: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expected: Vec<String>,
    pub note: Option<String>,
    /// The proposition this one was merged into (`proposition merge`): its claims, requests,
    /// verdicts and expected parties count toward that one. Set and cleared by corrections.
    pub merged_into: Option<String>,
    pub logged_by: Option<String>,
    pub recorded: Option<Timestamp>,
}

/// One party's stance on one proposition in one source.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    pub id: Option<String>,
    pub proposition: String,
    pub party: String,
    pub stance: Stance,
    /// The source the claim was read in.
    pub source: String,
    /// The sources its content comes from, when not simply the one it was read in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub basis: Vec<String>,
    pub via: Option<String>,
    pub stated: Option<Date>,
    pub quote: Option<String>,
    pub note: Option<String>,
    pub confidence: Option<Confidence>,
    pub grade: Option<Grade>,
    pub logged_by: Option<String>,
    pub recorded: Option<Timestamp>,
}

/// A typed relation from one claim to another.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    pub from: String,
    pub rel: LinkRel,
    pub to: String,
    pub logged_by: Option<String>,
    pub recorded: Option<Timestamp>,
}

/// A request for comment: who was asked about what, by whom, when, and by when.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Request {
    pub id: Option<String>,
    pub party: String,
    pub proposition: String,
    pub by: String,
    pub asked: Option<Date>,
    pub deadline: Option<Date>,
    pub channel: Option<String>,
    pub note: Option<String>,
    pub logged_by: Option<String>,
    pub recorded: Option<Timestamp>,
}

/// The retraction of a claim or a source. The target stays, marked as retracted.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Retraction {
    pub target: String,
    pub date: Date,
    pub reason: String,
    pub logged_by: Option<String>,
    pub recorded: Option<Timestamp>,
}

/// An editor's verdict on a proposition, on the organisation's own scale. The latest
/// verdict on a proposition is the one that stands; earlier ones stay as history.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Verdict {
    pub id: Option<String>,
    pub proposition: String,
    pub rating: Rating,
    pub best: Rating,
    pub worst: Rating,
    /// The textual rating ("False", "Misleading").
    pub label: String,
    pub explanation: Option<String>,
    /// Where the fact-check is published.
    pub url: Option<String>,
    /// Who reviewed it [default: who logged it].
    pub reviewer: Option<String>,
    /// When the fact-check was published [default: the day it was logged].
    pub published: Option<Date>,
    /// The party whose claim is reviewed, as the fact-checker names it [default: the earliest
    /// party whose affirming claim stands].
    pub claimant: Option<String>,
    pub logged_by: Option<String>,
    pub recorded: Option<Timestamp>,
}

/// One record of any kind, as a line of JSON Lines carries it (`"type": "claim"`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Record {
    Party(Party),
    Source(Source),
    Proposition(Proposition),
    Claim(Claim),
    Link(Link),
    Request(Request),
    Retraction(Retraction),
    Verdict(Verdict),
    Correction(Correction),
    Setting(Setting),
    Finding(CarriedFinding),
}

/// A field of a record that names another record.
pub struct Reference<'a> {
    /// The field, as a bundle names it (`derived_from[1]`).
    pub field: String,
    /// The kind of record it names.
    pub kind: RecordKind,
    pub id: &'a mut String,
}

impl Record {
    /// A record of a correctable `kind` read back from JSON, every field checked as when it
    /// is first read.
    pub fn from_json(kind: RecordKind, value: serde_json::Value) -> Result<Record, String> {
        fn read<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<T, String> {
            serde_path_to_error::deserialize(value).map_err(|e| {
                let path = e.path().to_string();
                format!("{}{}", if path == "." { String::new() } else { format!("{path}: ") }, e.into_inner())
            })
        }
        Ok(match kind {
            RecordKind::Party => Record::Party(read(value)?),
            RecordKind::Source => Record::Source(read(value)?),
            RecordKind::Proposition => Record::Proposition(read(value)?),
            RecordKind::Claim => Record::Claim(read(value)?),
            RecordKind::Request => Record::Request(read(value)?),
            RecordKind::Verdict => Record::Verdict(read(value)?),
            other => return Err(format!("a {other} cannot be corrected")),
        })
    }

    /// A record's JSON as claimtrack stores it: read as its kind and written back, so that a
    /// whole number in a number field becomes the number the row holds (1 as 1.0), a country
    /// code upper case, a digest lower case and an instant UTC. JSON that does not read as
    /// the kind is given back as it is.
    pub fn normalised(kind: RecordKind, value: serde_json::Value) -> serde_json::Value {
        match Record::from_json(kind, value.clone()) {
            Ok(record) => {
                let mut json = serde_json::to_value(&record).expect("records serialise");
                json.as_object_mut().map(|o| o.remove("type"));
                json
            }
            Err(_) => value,
        }
    }
}

impl Record {
    /// Gives a claim, request or verdict logged without an id the one derived from its
    /// content ([`Claim::derived_id`]), as every write does before anything reads it.
    pub fn give_id(&mut self) {
        match self {
            Record::Claim(r) if r.id.is_none() => r.id = Some(r.derived_id()),
            Record::Request(r) if r.id.is_none() => r.id = Some(r.derived_id()),
            Record::Verdict(r) if r.id.is_none() => r.id = Some(r.derived_id()),
            _ => {}
        }
    }

    /// Every field that names another record, in the order the write path checks them. A
    /// retraction is not here: its target may be a claim or a source, and is checked on its own.
    pub fn references_mut(&mut self) -> Vec<Reference<'_>> {
        fn one<'a>(field: &str, kind: RecordKind, id: &'a mut String) -> Reference<'a> {
            Reference { field: field.to_string(), kind, id }
        }
        fn each<'a>(
            field: &'static str,
            kind: RecordKind,
            ids: &'a mut [String],
        ) -> impl Iterator<Item = Reference<'a>> {
            ids.iter_mut().enumerate().map(move |(k, id)| one(&format!("{field}[{k}]"), kind, id))
        }
        match self {
            Record::Party(p) => p.parent.as_mut().map(|id| one("parent", RecordKind::Party, id)).into_iter().collect(),
            Record::Source(s) => {
                let publisher = s.publisher.as_mut().map(|id| one("publisher", RecordKind::Party, id));
                publisher.into_iter().chain(each("derived_from", RecordKind::Source, &mut s.derived_from)).collect()
            }
            Record::Proposition(p) => {
                let into = p.merged_into.as_mut().map(|id| one("merged_into", RecordKind::Proposition, id));
                each("expected", RecordKind::Party, &mut p.expected).chain(into).collect()
            }
            Record::Claim(c) => {
                let mut refs = vec![
                    one("proposition", RecordKind::Proposition, &mut c.proposition),
                    one("party", RecordKind::Party, &mut c.party),
                    one("source", RecordKind::Source, &mut c.source),
                ];
                refs.extend(each("basis", RecordKind::Source, &mut c.basis));
                refs.extend(c.via.as_mut().map(|id| one("via", RecordKind::Party, id)));
                refs
            }
            Record::Link(l) => {
                vec![one("from", RecordKind::Claim, &mut l.from), one("to", RecordKind::Claim, &mut l.to)]
            }
            Record::Request(q) => vec![
                one("party", RecordKind::Party, &mut q.party),
                one("proposition", RecordKind::Proposition, &mut q.proposition),
                one("by", RecordKind::Party, &mut q.by),
            ],
            Record::Verdict(v) => {
                let mut refs = vec![one("proposition", RecordKind::Proposition, &mut v.proposition)];
                refs.extend(v.claimant.as_mut().map(|id| one("claimant", RecordKind::Party, id)));
                refs
            }
            // A retraction's target may be a claim or a source, and a correction's values
            // are references only in some fields: both are resolved on their own.
            Record::Retraction(_) | Record::Correction(_) => Vec::new(),
            Record::Setting(_) | Record::Finding(_) => Vec::new(),
        }
    }
}

/// A claim as lists and reports show it: with its date (stated, else its source's
/// publication date, else none: undated) and the date of its retraction, if any.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClaimRow {
    #[serde(flatten)]
    pub claim: Claim,
    /// Null for an undated claim: neither it nor its source gives a date.
    pub date: Option<Date>,
    /// Where `date` comes from: stated, published (the source's date) or undated.
    pub date_basis: DateBasis,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retracted: Option<Date>,
}

impl ClaimRow {
    /// The fields a reading adds to a claim's own (`Claim::FIELDS`), in the order listed.
    pub const READ_FIELDS: &'static [&'static str] = &["date", "date_basis", "retracted"];

    /// The one rule for a claim's date: its own, else its source's publication date, else
    /// none. (The `claims_full` view applies the same rule for SQL users.)
    pub fn new(claim: Claim, source_published: Option<Date>, retracted: Option<Date>) -> ClaimRow {
        let (date, date_basis) = match (claim.stated, source_published) {
            (Some(d), _) => (Some(d), DateBasis::Stated),
            (None, Some(d)) => (Some(d), DateBasis::Published),
            (None, None) => (None, DateBasis::Undated),
        };
        ClaimRow { claim, date, date_basis, retracted }
    }

    /// The claim's id (always set once stored).
    pub fn id(&self) -> &str {
        self.claim.id.as_deref().unwrap_or_default()
    }

    /// When the claim counts from for `--as-of` and where it sorts: its date, or for an
    /// undated claim the day it was logged.
    pub fn counts_from(&self) -> Option<Date> {
        self.date.or(self.claim.recorded.map(|t| t.date()))
    }

    fn time_key(&self) -> (Option<DateKey>, Option<Timestamp>, &str) {
        (self.counts_from().map(|d| d.sort_key()), self.claim.recorded, self.id())
    }

    /// Sorts claims in time: by the day they count from, then by when they were logged,
    /// then by id; each one's dates worked out once rather than at every comparison, and
    /// its id compared where it is (a batch sorts tens of thousands).
    pub fn sort_chronologically(claims: &mut [ClaimRow]) {
        let keys: Vec<_> = claims.iter().map(ClaimRow::time_key).collect();
        let mut order: Vec<usize> = (0..claims.len()).collect();
        order.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
        drop(keys);
        put_in_order(claims, &order);
    }
}

/// Puts `items` in `order` (for each place, where its item is now), in place: what a sort
/// by keys borrowed from the items does once the keys are dropped.
pub(crate) fn put_in_order<T>(items: &mut [T], order: &[usize]) {
    // Where each item now in a place goes, kept in step with the swaps.
    let mut goes = vec![0; order.len()];
    for (to, &from) in order.iter().enumerate() {
        goes[from] = to;
    }
    for i in 0..items.len() {
        while goes[i] != i {
            let j = goes[i];
            items.swap(i, j);
            goes.swap(i, j);
        }
    }
}

/// What a date sorts by ([`Date::sort_key`]).
type DateKey = (chrono::DateTime<chrono::Utc>, u8);
