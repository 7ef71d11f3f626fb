//! The story a reading loads, and the bundle that carries records in and out.

use super::*;
use crate::date::{Date, Timestamp};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

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
        let published: rustc_hash::FxHashMap<&str, Option<Date>> =
            self.sources.iter().map(|s| (s.id.as_str(), s.published)).collect();
        date_rows(&mut self.claims, |s| published.get(s).copied().flatten(), &self.retractions);
    }

    /// [`Story::date_claims`] with the publication dates of the claims' sources given, by
    /// source: for a story read without its sources (`store::story_of_claims`).
    pub fn date_claims_by(&mut self, published: &Published) {
        date_rows(&mut self.claims, |s| published.get(s).copied().flatten(), &self.retractions);
    }

    /// Each of its sources' publication date, by source.
    pub fn published(&self) -> Published {
        self.sources.iter().map(|s| (s.id.clone(), s.published)).collect()
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

/// Sources' publication dates, by source: what the claims of a story read without its
/// sources are dated from (`store::story_of_claims`), read once for a run of many batches.
pub type Published = rustc_hash::FxHashMap<String, Option<Date>>;

/// Dates claims from their sources' publication dates and their retractions
/// ([`ClaimRow::new`]) and puts them in time order.
fn date_rows(claims: &mut Vec<ClaimRow>, published: impl Fn(&str) -> Option<Date>, retractions: &[Retraction]) {
    let retracted: rustc_hash::FxHashMap<&str, Date> =
        retractions.iter().map(|x| (x.target.as_str(), x.date)).collect();
    let rows = std::mem::take(claims);
    *claims = rows
        .into_iter()
        .map(|row| {
            let source = published(&row.claim.source);
            let gone = retracted.get(row.id()).copied();
            ClaimRow::new(row.claim, source, gone)
        })
        .collect();
    ClaimRow::sort_chronologically(claims);
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
        tagged(RecordKind::Party.plural(), self.parties, Record::Party)
            .chain(tagged(RecordKind::Source.plural(), self.sources, Record::Source))
            .chain(tagged(RecordKind::Proposition.plural(), self.propositions, Record::Proposition))
            .chain(tagged(RecordKind::Claim.plural(), self.claims, Record::Claim))
            .chain(tagged(RecordKind::Link.plural(), self.links, Record::Link))
            .chain(tagged(RecordKind::Request.plural(), self.requests, Record::Request))
            .chain(tagged(RecordKind::Retraction.plural(), self.retractions, Record::Retraction))
            .chain(tagged(RecordKind::Verdict.plural(), self.verdicts, Record::Verdict))
            .chain(tagged(RecordKind::Correction.plural(), self.corrections, Record::Correction))
            .chain(tagged("settings", self.settings, Record::Setting))
            .chain(tagged("findings", self.findings, Record::Finding))
    }
}
