//! The domain records (party, source, proposition, claim, link, request, retraction, verdict)
//! and the interchange bundle that carries them, with every field validated as it is read;
//! and (in `finding`) what the reconciler finds.

mod correction;
mod finding;

pub use correction::*;
pub use finding::*;

use crate::date::{Date, Timestamp};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;

/// Defines a closed vocabulary stored as text: parsing names the allowed values, serde and
/// clap speak the same words, and `ALL` lets the schema's CHECK lists be tested against it.
macro_rules! text_enum {
    ($(#[$doc:meta])* $name:ident, $what:literal { $($(#[$va:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$va])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub const WHAT: &'static str = $what;

            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(format!("'{s}' is not a valid {}; use one of: {}", Self::WHAT,
                        [$($text),+].join(", "))),
                }
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                <String as ::serde::Deserialize>::deserialize(d)?.parse().map_err(::serde::de::Error::custom)
            }
        }

        impl clap::ValueEnum for $name {
            fn value_variants<'a>() -> &'a [Self] { Self::ALL }
            fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
                Some(clap::builder::PossibleValue::new(self.as_str()))
            }
        }
    };
}

pub(crate) use text_enum;

text_enum!(
    /// What sort of party speaks.
    PartyKind, "party kind" {
        Government = "government", Official = "official", Military = "military",
        Intelligence = "intelligence", Company = "company", Media = "media", Ngo = "ngo",
        Person = "person", Group = "group", Other = "other",
    }
);

text_enum!(
    /// What sort of document a source is.
    SourceKind, "source kind" {
        Article = "article", Document = "document", Statement = "statement",
        Transcript = "transcript", Social = "social", Interview = "interview",
        Dataset = "dataset", Other = "other",
    }
);

text_enum!(
    /// Admiralty (NATO) source reliability: A completely reliable ... F cannot be judged.
    #[derive(Default)]
    Reliability, "reliability grade" {
        A = "A", B = "B", C = "C", D = "D", E = "E", #[default] F = "F",
    }
);

text_enum!(
    /// A party's stance on a proposition in one claim.
    Stance, "stance" {
        Affirms = "affirms", Denies = "denies", Qualifies = "qualifies", Neutral = "neutral",
        Declined = "declined", NoResponse = "no-response",
    }
);

text_enum!(
    /// How one claim relates to another.
    LinkRel, "link relation" {
        Contradicts = "contradicts", Supports = "supports", Cites = "cites",
        Supersedes = "supersedes",
    }
);

text_enum!(
    /// Where a claim's date comes from: its own `stated` date, its source's `published` date,
    /// or neither (an undated claim).
    DateBasis, "date basis" { Stated = "stated", Published = "published", Undated = "undated" }
);

text_enum!(
    /// The kinds of record claimtrack logs.
    RecordKind, "record kind" {
        Party = "party", Source = "source", Proposition = "proposition", Claim = "claim",
        Link = "link", Request = "request", Retraction = "retraction", Verdict = "verdict",
        Correction = "correction",
    }
);

impl RecordKind {
    /// The kinds with tables of their own, each row logged by one event, in the order a
    /// bundle lists them (a correction is a change to one of them, not a record of its own).
    pub const TABLED: [RecordKind; 8] = [
        RecordKind::Party,
        RecordKind::Source,
        RecordKind::Proposition,
        RecordKind::Claim,
        RecordKind::Link,
        RecordKind::Request,
        RecordKind::Retraction,
        RecordKind::Verdict,
    ];

    /// The bundle key ("parties").
    pub fn plural(self) -> &'static str {
        match self {
            RecordKind::Party => "parties",
            RecordKind::Source => "sources",
            RecordKind::Proposition => "propositions",
            RecordKind::Claim => "claims",
            RecordKind::Link => "links",
            RecordKind::Request => "requests",
            RecordKind::Retraction => "retractions",
            RecordKind::Verdict => "verdicts",
            RecordKind::Correction => "corrections",
        }
    }
}

text_enum!(
    /// Which table a retraction's target lives in (claims and sources share one id space).
    TargetKind, "retraction target kind" { Claim = "claim", Source = "source" }
);

impl Stance {
    /// The stance in words for reports ("no response" rather than "no-response").
    pub fn label(self) -> &'static str {
        match self {
            Stance::NoResponse => "no response",
            Stance::Declined => "declined to comment",
            other => other.as_str(),
        }
    }

    /// Whether the stance is a position: the party commented (affirms, denies, qualifies,
    /// neutral), as opposed to declining or not answering.
    pub fn is_position(self) -> bool {
        matches!(self, Stance::Affirms | Stance::Denies | Stance::Qualifies | Stance::Neutral)
    }
}

/// Defines a validated scalar: parsed from text by clap and from JSON by serde with the same
/// check, so a bad value reads the same wherever it came from.
macro_rules! checked_value {
    ($(#[$doc:meta])* $name:ident($inner:ty), $json:ty, |$v:ident| $check:expr) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, PartialOrd)]
        pub struct $name(pub $inner);

        impl $name {
            fn check($v: $inner) -> Result<Self, String> {
                $check.map($name)
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                let parsed: $json = s
                    .parse()
                    .map_err(|_| format!("'{s}' is not a valid {}", stringify!($name).to_lowercase()))?;
                Self::check(parsed.into())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                self.0.serialize(s)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let raw = <$json>::deserialize(d)?;
                Self::check(raw.into()).map_err(serde::de::Error::custom)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

checked_value!(
    /// How sure the logger is that the party really holds the stance: 0 to 1.
    Confidence(f64), f64, |v| if (0.0..=1.0).contains(&v) {
        Ok(zero_signless(v))
    } else {
        Err(format!("{v} is out of range; confidence runs from 0 to 1"))
    }
);

checked_value!(
    /// A point on a verdict's scale (the rating, and the scale's best and worst ends).
    Rating(f64), f64, |v| if v.is_finite() {
        Ok(zero_signless(v))
    } else {
        Err(format!("{v} is not a finite number; give a rating such as 1 or 2.5"))
    }
);

/// -0 as 0: SQLite stores both as 0, so a -0 kept in the audit log's copy of a record would
/// never match the table again.
fn zero_signless(v: f64) -> f64 {
    v + 0.0
}

/// A web address as records and settings take it: http or https only, since exports and
/// reports turn it into a link (a `javascript:` or `file:` URL would run or open something).
pub fn check_url(url: &str) -> Result<(), String> {
    let lower = url.to_ascii_lowercase();
    let host = lower.strip_prefix("https://").or_else(|| lower.strip_prefix("http://"));
    let clean = !url.chars().any(|c| c.is_whitespace() || crate::text::is_invisible(c));
    match host {
        Some(h) if clean && !h.is_empty() && !h.starts_with('/') => Ok(()),
        _ => Err(format!("'{url}' is not a web address; give an http:// or https:// URL")),
    }
}

checked_value!(
    /// Admiralty information credibility: 1 confirmed ... 6 cannot be judged.
    Grade(u8), u8, |v| if (1..=6).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{v} is out of range; grade is an Admiralty credibility from 1 to 6"))
    }
);

checked_value!(
    /// An ISO 3166-1 alpha-2 country code, upper case.
    Country(String), String, |v| {
        let upper = v.to_ascii_uppercase();
        if upper.len() == 2 && upper.bytes().all(|b| b.is_ascii_uppercase()) {
            Ok(upper)
        } else {
            Err(format!("'{v}' is not an ISO 3166 alpha-2 country code (two letters, e.g. CN)"))
        }
    }
);

checked_value!(
    /// The SHA-256 of an archived copy of a source, as 64 lower-case hex digits.
    Sha256Hex(String), String, |v| {
        let lower = v.to_ascii_lowercase();
        if lower.len() == 64 && lower.bytes().all(|b| b.is_ascii_hexdigit()) {
            Ok(lower)
        } else {
            Err(format!("'{v}' is not a SHA-256 digest (64 hex digits)"))
        }
    }
);

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
    /// The kind of record it names ("party").
    pub kind: &'static str,
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
        fn one<'a>(field: &str, kind: &'static str, id: &'a mut String) -> Reference<'a> {
            Reference { field: field.to_string(), kind, id }
        }
        fn each<'a>(
            field: &'static str,
            kind: &'static str,
            ids: &'a mut [String],
        ) -> impl Iterator<Item = Reference<'a>> {
            ids.iter_mut().enumerate().map(move |(k, id)| one(&format!("{field}[{k}]"), kind, id))
        }
        match self {
            Record::Party(p) => p.parent.as_mut().map(|id| one("parent", "party", id)).into_iter().collect(),
            Record::Source(s) => {
                let publisher = s.publisher.as_mut().map(|id| one("publisher", "party", id));
                publisher.into_iter().chain(each("derived_from", "source", &mut s.derived_from)).collect()
            }
            Record::Proposition(p) => {
                let into = p.merged_into.as_mut().map(|id| one("merged_into", "proposition", id));
                each("expected", "party", &mut p.expected).chain(into).collect()
            }
            Record::Claim(c) => {
                let mut refs = vec![
                    one("proposition", "proposition", &mut c.proposition),
                    one("party", "party", &mut c.party),
                    one("source", "source", &mut c.source),
                ];
                refs.extend(each("basis", "source", &mut c.basis));
                refs.extend(c.via.as_mut().map(|id| one("via", "party", id)));
                refs
            }
            Record::Link(l) => vec![one("from", "claim", &mut l.from), one("to", "claim", &mut l.to)],
            Record::Request(q) => vec![
                one("party", "party", &mut q.party),
                one("proposition", "proposition", &mut q.proposition),
                one("by", "party", &mut q.by),
            ],
            Record::Verdict(v) => {
                let mut refs = vec![one("proposition", "proposition", &mut v.proposition)];
                refs.extend(v.claimant.as_mut().map(|id| one("claimant", "party", id)));
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
    /// then by id; each one's dates worked out once rather than at every comparison.
    pub fn sort_chronologically(claims: &mut [ClaimRow]) {
        claims.sort_by_cached_key(|c| {
            let (day, recorded, id) = c.time_key();
            (day, recorded, id.to_string())
        });
    }
}

/// What a date sorts by ([`Date::sort_key`]).
type DateKey = (chrono::DateTime<chrono::Utc>, u8);

/// Everything logged about a story, loaded for the reconciler, reports and export.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Story {
    pub parties: Vec<Party>,
    pub sources: Vec<Source>,
    pub propositions: Vec<Proposition>,
    /// Claims in time order (see [`ClaimRow::sort_chronologically`]), with their dates.
    pub claims: Vec<ClaimRow>,
    pub links: Vec<Link>,
    pub requests: Vec<Request>,
    pub retractions: Vec<Retraction>,
    /// Every verdict, oldest first: the last on a proposition stands.
    pub verdicts: Vec<Verdict>,
}

impl Story {
    /// The story a store holds once `bundle` is written to an empty one, read in memory
    /// (the reconciler's tests build their stories this way, without SQLite): the ids a
    /// write derives ([`Record::give_id`]), each kind in the order `store::story` loads it,
    /// and every claim dated ([`Story::date_claims`]). A store test holds the two readings
    /// equal. What a write adds of its own is left as given: a record without `logged_by`
    /// or `recorded` keeps none (a store stamps who wrote it and when; a test that needs a
    /// moment, as an undated claim does, gives one), and nothing is checked (a bundle a
    /// store would refuse still becomes a story). A bundle with corrections is refused:
    /// applying them is the store's. Settings and findings are not part of a story.
    #[cfg(test)]
    pub fn from_bundle(bundle: Bundle) -> Result<Story, String> {
        if !bundle.corrections.is_empty() {
            return Err("a bundle with corrections becomes a story through a store, which applies them".into());
        }
        let mut story = Story::default();
        for (_, _, mut record) in bundle.into_records() {
            record.give_id();
            match record {
                Record::Party(r) => story.parties.push(r),
                Record::Source(r) => story.sources.push(r),
                Record::Proposition(r) => story.propositions.push(r),
                Record::Claim(r) => story.claims.push(ClaimRow::new(r, None, None)),
                Record::Link(r) => story.links.push(r),
                Record::Request(r) => story.requests.push(r),
                Record::Retraction(r) => story.retractions.push(r),
                Record::Verdict(r) => story.verdicts.push(r),
                Record::Correction(_) | Record::Setting(_) | Record::Finding(_) => {}
            }
        }
        // The loaders' ORDER BY clauses (store/records.rs), text compared as SQLite does.
        story.parties.sort_by(|a, b| a.id.cmp(&b.id));
        story.sources.sort_by(|a, b| a.id.cmp(&b.id));
        story.propositions.sort_by(|a, b| a.id.cmp(&b.id));
        story.links.sort_by(|a, b| (&a.from, a.rel.as_str(), &a.to).cmp(&(&b.from, b.rel.as_str(), &b.to)));
        story.requests.sort_by_cached_key(|q| {
            (q.proposition.clone(), q.party.clone(), q.asked.map(|d| d.to_string()), q.id.clone())
        });
        story.retractions.sort_by(|a, b| a.target.cmp(&b.target));
        // Oldest first, in written order within one moment; one logged with no moment is
        // written now, after every moment given.
        story.verdicts.sort_by_key(|v| (v.recorded.is_none(), v.recorded));
        story.date_claims();
        Ok(story)
    }

    /// Gives every claim its date from its own and its source's version in this story and
    /// its retraction from this story's retractions ([`ClaimRow::new`]), and puts the claims
    /// in time order: what the store's claim query does, done again for a story changed or
    /// built in memory (cut back to a moment, or read from a bundle).
    pub fn date_claims(&mut self) {
        let published: std::collections::HashMap<&str, Option<Date>> =
            self.sources.iter().map(|s| (s.id.as_str(), s.published)).collect();
        let retracted: std::collections::HashMap<&str, Date> =
            self.retractions.iter().map(|x| (x.target.as_str(), x.date)).collect();
        let rows = std::mem::take(&mut self.claims);
        self.claims = rows
            .into_iter()
            .map(|row| {
                let source = published.get(row.claim.source.as_str()).copied().flatten();
                let gone = retracted.get(row.id()).copied();
                ClaimRow::new(row.claim, source, gone)
            })
            .collect();
        ClaimRow::sort_chronologically(&mut self.claims);
    }

    /// The story as an interchange bundle.
    pub fn into_bundle(self) -> Bundle {
        Bundle {
            claimtrack: FormatVersion::default(),
            parties: self.parties,
            sources: self.sources,
            propositions: self.propositions,
            claims: self.claims.into_iter().map(|r| r.claim).collect(),
            links: self.links,
            requests: self.requests,
            retractions: self.retractions,
            verdicts: self.verdicts,
            corrections: Vec::new(),
            settings: Vec::new(),
            findings: Vec::new(),
        }
    }
}

/// The interchange format: every record kind in one JSON object (docs/FORMAT.md).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bundle {
    pub claimtrack: FormatVersion,
    #[serde(default)]
    pub parties: Vec<Party>,
    #[serde(default)]
    pub sources: Vec<Source>,
    #[serde(default)]
    pub propositions: Vec<Proposition>,
    #[serde(default)]
    pub claims: Vec<Claim>,
    #[serde(default)]
    pub links: Vec<Link>,
    #[serde(default)]
    pub requests: Vec<Request>,
    #[serde(default)]
    pub retractions: Vec<Retraction>,
    #[serde(default)]
    pub verdicts: Vec<Verdict>,
    /// Corrections of the records above (or of records already stored), oldest first: each
    /// record is listed as first logged, and these bring it to its current version.
    #[serde(default)]
    pub corrections: Vec<Correction>,
    /// The newsroom's settings, every value each key had, oldest first (the last stands).
    #[serde(default)]
    pub settings: Vec<Setting>,
    /// The findings with their triage (see [`CarriedFinding`]).
    #[serde(default)]
    pub findings: Vec<CarriedFinding>,
}

/// One value a setting was given (`claimtrack config set`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Setting {
    pub key: String,
    pub value: String,
    pub logged_by: String,
    pub recorded: Timestamp,
}

checked_value!(
    /// The interchange format's version; this claimtrack reads and writes version 1.
    FormatVersion(u32), u32, |v| if v == 1 {
        Ok(v)
    } else {
        Err(format!("format version {v} is not supported; this claimtrack reads version 1"))
    }
);

impl Default for FormatVersion {
    fn default() -> Self {
        FormatVersion(1)
    }
}

impl Bundle {
    /// Every record, in the order a write takes them: what others refer to first.
    pub fn into_records(self) -> impl Iterator<Item = (&'static str, usize, Record)> {
        fn tagged<T>(
            plural: &'static str,
            list: Vec<T>,
            wrap: fn(T) -> Record,
        ) -> impl Iterator<Item = (&'static str, usize, Record)> {
            list.into_iter().enumerate().map(move |(i, r)| (plural, i, wrap(r)))
        }
        tagged("parties", self.parties, Record::Party)
            .chain(tagged("sources", self.sources, Record::Source))
            .chain(tagged("propositions", self.propositions, Record::Proposition))
            .chain(tagged("claims", self.claims, Record::Claim))
            .chain(tagged("links", self.links, Record::Link))
            .chain(tagged("requests", self.requests, Record::Request))
            .chain(tagged("retractions", self.retractions, Record::Retraction))
            .chain(tagged("verdicts", self.verdicts, Record::Verdict))
            .chain(tagged("corrections", self.corrections, Record::Correction))
            .chain(tagged("settings", self.settings, Record::Setting))
            .chain(tagged("findings", self.findings, Record::Finding))
    }
}

/// A record that is logged: it knows its bundle key and carries who logged it and when.
pub trait Logged: Serialize {
    /// The record kind in the singular, as users say it ("party").
    const KIND: &'static str;
    /// The bundle key ("parties").
    const PLURAL: &'static str;
    /// The fields of the record in documented order: CSV headers.
    const FIELDS: &'static [&'static str];
    /// The identity of the record ("c-…" for a claim, "from rel to" for a link).
    fn key(&self) -> String;
    fn stamp(&mut self, logged_by: &str, recorded: Timestamp);
}

macro_rules! logged {
    ($t:ty, $kind:literal, $plural:literal, [$($field:literal),+], |$s:ident| $key:expr) => {
        impl Logged for $t {
            const KIND: &'static str = $kind;
            const PLURAL: &'static str = $plural;
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

logged!(Party, "party", "parties", ["id", "name", "kind", "anonymous", "country", "parent", "aliases", "note"], |s| s
    .id
    .clone());
logged!(
    Source,
    "source",
    "sources",
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
logged!(Proposition, "proposition", "propositions", ["id", "text", "tags", "expected", "note", "merged_into"], |s| s
    .id
    .clone());
logged!(
    Claim,
    "claim",
    "claims",
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
logged!(Link, "link", "links", ["from", "rel", "to"], |s| format!("{} {} {}", s.from, s.rel, s.to));
logged!(
    Request,
    "request",
    "requests",
    ["id", "party", "proposition", "by", "asked", "deadline", "channel", "note"],
    |s| s.id.clone().unwrap_or_default()
);
logged!(Retraction, "retraction", "retractions", ["target", "date", "reason"], |s| s.target.clone());
logged!(
    Verdict,
    "verdict",
    "verdicts",
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

#[cfg(test)]
mod tests {
    use super::*;

    fn claim() -> Claim {
        serde_json::from_str(r#"{"proposition":"p","party":"x","stance":"denies","source":"s","quote":"no"}"#).unwrap()
    }

    #[test]
    fn derived_ids_ignore_who_logged_and_when() {
        let a = claim();
        let mut b = claim();
        b.stamp("someone", Timestamp::now());
        assert_eq!(a.derived_id(), b.derived_id());
        assert!(a.derived_id().starts_with("c-") && a.derived_id().len() == 14);
        let c = Claim { quote: Some("yes".into()), ..claim() };
        assert_ne!(a.derived_id(), c.derived_id());
    }

    #[test]
    fn vocabularies_name_the_allowed_values() {
        let err = "deny".parse::<Stance>().unwrap_err();
        assert!(err.contains("'deny'") && err.contains("denies") && err.contains("no-response"));
        for s in Stance::ALL {
            assert_eq!(s.as_str().parse::<Stance>().unwrap(), *s);
        }
    }

    #[test]
    fn checked_values_refuse_out_of_range() {
        assert!("1.5".parse::<Confidence>().is_err());
        assert!("-0.1".parse::<Confidence>().is_err());
        assert!("NaN".parse::<Confidence>().is_err());
        assert!("inf".parse::<Confidence>().is_err());
        for zero in ["-0", "-0.0", "0"] {
            assert!(zero.parse::<Confidence>().unwrap().0.is_sign_positive(), "{zero}");
            assert!(zero.parse::<Rating>().unwrap().0.is_sign_positive(), "{zero}");
        }
        for bad in ["inf", "-inf", "NaN", "infinity"] {
            assert!(bad.parse::<Rating>().is_err(), "{bad}");
        }
        let toml_zero: Confidence = toml::from_str::<toml::Value>("c = -0.0").unwrap()["c"].clone().try_into().unwrap();
        assert!(toml_zero.0.is_sign_positive());
        assert_eq!("0.8".parse::<Confidence>().unwrap().0, 0.8);
        assert!("7".parse::<Grade>().is_err());
        assert!("0".parse::<Grade>().is_err());
        assert_eq!("cn".parse::<Country>().unwrap().0, "CN");
        assert!("CHN".parse::<Country>().is_err());
        assert!("zz".repeat(32).parse::<Sha256Hex>().is_err());
        assert!("ab".repeat(32).parse::<Sha256Hex>().is_ok());
    }

    #[test]
    fn unknown_fields_are_refused() {
        let err = serde_json::from_str::<Claim>(
            r#"{"proposition":"p","party":"x","stance":"denies","source":"s","stnace":"x"}"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("stnace"));
    }
}
