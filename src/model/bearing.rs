//! What bears on a proposition's reading, declared once: every field by which one record
//! names another, and how a reading follows it. Three places follow these ways: the
//! reconciler's view (reconcile/view.rs), the scoped story a reading of some propositions
//! loads (`Scope` in store/story.rs), and, the other way round, the propositions a changed
//! record makes stale (store/stale.rs). A link is followed by its relation's [`LinkReach`],
//! which the three match without a wildcard; stale.rs walks back from a party by the
//! [`Follow::Party`] rows of [`BEARINGS`]; a test holds the table to every reference
//! [`Record::references_mut`](super::Record::references_mut) makes.

use super::{LinkRel, RecordKind};

/// One field by which a record of `kind` names a record of `names`, and how a reading of a
/// proposition follows it. A link's field is its relation (`cites`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bearing {
    pub kind: RecordKind,
    pub field: &'static str,
    pub names: RecordKind,
    pub follow: Follow,
}

/// How a reading of a proposition follows a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Follow {
    /// The proposition the record is on: a reading reads every such record of its
    /// proposition, and a change to the record makes that proposition stale.
    On,
    /// Read as the proposition it names (`merged_into`: the reconciler folds it in, a
    /// scoped reading loads the two together, a merge makes both stale).
    Merged,
    /// A source: read with every source upstream of it; a changed source makes stale the
    /// claims resting on it or on a source downstream.
    Upstream,
    /// A party: every party is loaded with any story; a changed party makes stale what
    /// names it in this field.
    Party,
    /// A party read through the party itself (`parent`: silences and organisations), whose
    /// change makes stale what names the changed party or any party below it (an
    /// organisation is the top of the `parent` chain).
    PartyOnly,
    /// A claim at the other end of a link, by the relation's [`LinkReach`].
    Link(LinkReach),
    /// The claim or source retracted: read with the retraction, which makes the target
    /// stale as if it had changed.
    Retracted,
    /// Read by no rule: a verdict's claimant.
    Unread,
}

/// How a link relation makes one claim's reading depend on the claim at its other end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkReach {
    /// The citing claim rests on what the cited one rests on, link after link (`cites`): a
    /// claim is read with every claim it cites, near or far, and a changed claim makes the
    /// claims citing it stale.
    Cited,
    /// Which claim stands, decided along a chain or loop of links either way
    /// (`supersedes`): a claim is read, and made stale, with the whole chain.
    Standing,
    /// A conflict between the two parties' positions (`contradicts`): a claim is read with
    /// the other party's every claim on the other proposition; the finding is about both.
    Opposed,
    /// Read by no rule (`supports`): a scoped reading carries the link and its other claim,
    /// and a changed claim makes the other end's proposition stale, as for every link.
    Unread,
}

impl LinkRel {
    /// How a link of this relation bears on a reading (the one place a relation says so).
    pub const fn reach(self) -> LinkReach {
        match self {
            LinkRel::Cites => LinkReach::Cited,
            LinkRel::Supersedes => LinkReach::Standing,
            LinkRel::Contradicts => LinkReach::Opposed,
            LinkRel::Supports => LinkReach::Unread,
        }
    }
}

const fn bearing(kind: RecordKind, field: &'static str, names: RecordKind, follow: Follow) -> Bearing {
    Bearing { kind, field, names, follow }
}

const fn link(rel: LinkRel) -> Bearing {
    bearing(RecordKind::Link, rel.as_str(), RecordKind::Claim, Follow::Link(rel.reach()))
}

use Follow::*;
use RecordKind::{Claim, Party as P, Proposition, Request, Retraction, Source, Verdict};

/// Every way one record bears on a proposition's reading (docs/ARCHITECTURE.md lists them).
pub const BEARINGS: &[Bearing] = &[
    bearing(Claim, "proposition", Proposition, On),
    bearing(Request, "proposition", Proposition, On),
    bearing(Verdict, "proposition", Proposition, On),
    bearing(Proposition, "merged_into", Proposition, Merged),
    bearing(Claim, "source", Source, Upstream),
    bearing(Claim, "basis", Source, Upstream),
    bearing(Source, "derived_from", Source, Upstream),
    bearing(Claim, "party", P, Party),
    bearing(Claim, "via", P, Party),
    bearing(Source, "publisher", P, Party),
    bearing(Proposition, "expected", P, Party),
    bearing(Request, "party", P, Party),
    bearing(Request, "by", P, Party),
    bearing(P, "parent", P, PartyOnly),
    bearing(Verdict, "claimant", P, Unread),
    link(LinkRel::Contradicts),
    link(LinkRel::Supports),
    link(LinkRel::Cites),
    link(LinkRel::Supersedes),
    bearing(Retraction, "target", Claim, Retracted),
    bearing(Retraction, "target", Source, Retracted),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Record;
    use std::collections::BTreeSet;

    /// One record of each kind with every field that names another record filled.
    fn every_reference() -> Vec<(RecordKind, Record)> {
        let json = [
            (RecordKind::Party, r#"{"id":"x","name":"X","kind":"person","parent":"y"}"#),
            (RecordKind::Source, r#"{"id":"s","title":"S","kind":"article","publisher":"x","derived_from":["t"]}"#),
            (RecordKind::Proposition, r#"{"id":"p","text":"P","expected":["x"],"merged_into":"q"}"#),
            (
                RecordKind::Claim,
                r#"{"proposition":"p","party":"x","stance":"denies","source":"s","basis":["t"],"via":"y","quote":"no"}"#,
            ),
            (RecordKind::Link, r#"{"from":"c-1","rel":"cites","to":"c-2"}"#),
            (RecordKind::Request, r#"{"party":"x","proposition":"p","by":"y","asked":"2024-01-02"}"#),
            (RecordKind::Retraction, r#"{"target":"c-1","date":"2024-01-02","reason":"wrong"}"#),
            (
                RecordKind::Verdict,
                r#"{"proposition":"p","rating":1,"best":5,"worst":1,"label":"False","claimant":"x"}"#,
            ),
        ];
        json.iter()
            .map(|(kind, j)| {
                let mut value: serde_json::Value = serde_json::from_str(j).unwrap();
                value["type"] = kind.as_str().into();
                (*kind, serde_json::from_value(value).unwrap())
            })
            .collect()
    }

    /// A record kind cannot gain a field naming another record, nor links a relation,
    /// without this table saying how a reading follows it.
    #[test]
    fn the_table_declares_every_reference_a_record_makes() {
        let mut made: BTreeSet<(RecordKind, String, RecordKind)> = BTreeSet::new();
        for (kind, mut record) in every_reference() {
            for r in record.references_mut() {
                let field = r.field.split('[').next().unwrap().to_string();
                made.insert((kind, field, r.kind));
            }
        }
        made.extend(LinkRel::ALL.iter().map(|r| (RecordKind::Link, r.as_str().to_string(), RecordKind::Claim)));
        // A retraction's target, checked on its own, is a claim or a source.
        for target in crate::model::TargetKind::ALL {
            made.insert((RecordKind::Retraction, "target".into(), target.as_str().parse().unwrap()));
        }
        // Links are declared by relation: the write path checks their two ends.
        made.retain(|(kind, field, _)| *kind != RecordKind::Link || (field != "from" && field != "to"));
        let declared: BTreeSet<(RecordKind, String, RecordKind)> =
            BEARINGS.iter().map(|b| (b.kind, b.field.to_string(), b.names)).collect();
        assert_eq!(declared.len(), BEARINGS.len(), "a bearing is declared twice");
        assert_eq!(made, declared);
    }
}
