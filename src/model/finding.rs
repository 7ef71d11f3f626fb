//! What the reconciler finds and how an editor triages it: the finding kinds, severities,
//! silence reasons, triage states and proposition statuses, and the finding itself.

use super::text_enum;
use crate::date::Date;
use serde::Serialize;

text_enum!(
    /// What a finding is about.
    FindingKind, "finding kind" {
        Conflict = "conflict", Reversal = "reversal", Silence = "silence",
        SingleSource = "single-source", AnonymousOnly = "anonymous-only",
        CircularSourcing = "circular-sourcing", RetractedBasis = "retracted-basis",
    }
);

text_enum!(
    /// How much a finding matters before publication; declared most severe first.
    Severity, "severity" { High = "high", Medium = "medium", Low = "low" }
);

text_enum!(
    /// Why an expected party has no position, in the order the reasons are tried: what the
    /// party did first, then what we are waiting for (docs/RECONCILER.md).
    SilenceReason, "silence reason" {
        Declined = "declined", Awaiting = "awaiting", NoResponse = "no-response", NotAsked = "not-asked",
    }
);

text_enum!(
    /// Where an editor's triage of a finding stands.
    #[derive(Default)]
    FindingState, "finding state" {
        #[default] Open = "open", Acknowledged = "acknowledged", Resolved = "resolved",
        Dismissed = "dismissed", Cleared = "cleared",
    }
);

text_enum!(
    /// The one status each proposition gets.
    Status, "status" {
        Contested = "contested", Denied = "denied", Corroborated = "corroborated",
        SingleSource = "single-source", Unanswered = "unanswered",
    }
);

text_enum!(
    /// What one entry of a silence's story is: a request for comment, or the party's
    /// refusal or non-answer logged as a claim.
    ContactKind, "contact kind" { Request = "request", Declined = "declined", NoResponse = "no-response" }
);

text_enum!(
    /// How a related party stands to the silent one.
    Relation, "relation" { Parent = "parent", Child = "child" }
);

impl SilenceReason {
    /// The reason in an editor's words, without dates.
    pub fn label(self) -> &'static str {
        match self {
            SilenceReason::Declined => "declined to comment",
            SilenceReason::Awaiting => "asked, no answer yet",
            SilenceReason::NoResponse => "asked, no answer",
            SilenceReason::NotAsked => "nobody has asked",
        }
    }
}

impl FindingState {
    /// Whether a finding in this state still asks for an editor's attention.
    pub fn is_open(self) -> bool {
        matches!(self, FindingState::Open | FindingState::Acknowledged)
    }
}

/// One thing in the story of a silence: a request for comment to the party, or a refusal or
/// non-answer the party gave (to whom, when, in what words).
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct Contact {
    pub kind: ContactKind,
    /// The request's id (requests) or the claim's (refusals and non-answers).
    pub record: String,
    /// Who asked (requests), or to whom the party answered (`via` of the claim).
    pub party: Option<String>,
    pub party_name: Option<String>,
    /// When it was asked, or the refusal's date; none when not given.
    pub date: Option<Date>,
    /// For a refusal or non-answer: whether `date` is when the party said it (`stated`) or
    /// when the source reporting it was published (`published`).
    pub date_basis: Option<super::DateBasis>,
    pub deadline: Option<Date>,
    /// Whether the deadline had passed as of the reconcile date.
    pub deadline_passed: Option<bool>,
    pub quote: Option<String>,
}

/// A party related to a silent one (its parent or a child) that has a position on the same
/// proposition: the silence stays, but the editor should know.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
pub struct RelatedStance {
    pub party: String,
    pub party_name: String,
    pub relation: Relation,
    pub stance: super::Stance,
    pub claim: String,
}

/// One thing an editor must know, with a stable id derived from what it is about.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    pub id: String,
    pub kind: FindingKind,
    pub severity: Severity,
    /// The proposition it is about; null only for a derivation loop no claim rests on.
    pub proposition: Option<String>,
    /// Every proposition it bears on, `proposition` first: a `contradicts` link between
    /// claims on two propositions bears on both.
    pub propositions: Vec<String>,
    pub parties: Vec<String>,
    pub claims: Vec<String>,
    pub reason: Option<SilenceReason>,
    pub detail: String,
    /// Silences: every request for comment to the party on the proposition, and every
    /// refusal or non-answer it gave.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub requests: Vec<Contact>,
    /// Silences: the party's parent or children that have a position on the proposition.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<RelatedStance>,
    /// Sourcing findings: the root sources the evidence rests on.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub roots: Vec<String>,
    pub state: FindingState,
    /// The editor's note from the last triage, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Who set the state: an editor, or "reconcile".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state_by: Option<String>,
    /// A digest of the facts behind the finding (claims and their versions, roots, dates,
    /// requests): when it changes, a triaged finding reopens. Never of the wording.
    #[serde(skip)]
    pub evidence: String,
}

/// A finding's place in the one order findings are listed in (see [`Finding::sort`]).
pub type OrderKey = (Severity, Option<String>, FindingKind, String, String);

impl Finding {
    /// The one order findings are listed in, by every command: most severe first, then by
    /// proposition, kind (as declared: conflicts first), parties and id. The parties compare
    /// as the JSON text the store keeps them in, so that `store`'s `IN_ORDER`, the same order
    /// in SQL read from the index `finding_in_order`, agrees exactly; tests hold them together.
    pub fn sort(findings: &mut [Finding]) {
        // The parties' JSON made once each, the rest compared where it is: a batch sorts
        // tens of thousands.
        let parties: Vec<String> = findings.iter().map(Finding::parties_json).collect();
        let mut order: Vec<usize> = (0..findings.len()).collect();
        order.sort_by(|&a, &b| findings[a].key_with(&parties[a]).cmp(&findings[b].key_with(&parties[b])));
        super::records::put_in_order(findings, &order);
    }

    /// Its place in that order.
    pub fn order_key(&self) -> OrderKey {
        let parties = self.parties_json();
        let (severity, proposition, kind, _, id) = self.key_with(&parties);
        let (proposition, id) = (proposition.map(str::to_string), id.to_string());
        (severity, proposition, kind, parties, id)
    }

    /// [`Finding::order_key`], borrowed, with its parties as JSON given.
    fn key_with<'a, 'p>(&'a self, parties: &'p str) -> (Severity, Option<&'a str>, FindingKind, &'p str, &'a str) {
        (self.severity, self.proposition.as_deref(), self.kind, parties, &self.id)
    }

    /// Its parties as the JSON text the store keeps them in.
    fn parties_json(&self) -> String {
        serde_json::to_string(&self.parties).expect("a list of text serialises")
    }
}

impl Finding {
    /// The fields `findings` lists and `export --format csv --what findings` writes, in order.
    pub const FIELDS: &'static [&'static str] =
        &["id", "kind", "severity", "proposition", "parties", "claims", "reason", "detail", "state", "note"];
}

/// The structured part of a finding that has no column of its own, stored as JSON.
#[derive(Clone, Debug, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct FindingFacts {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub propositions: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requests: Vec<Contact>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<RelatedStance>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roots: Vec<String>,
}

impl Finding {
    pub fn facts(&self) -> FindingFacts {
        FindingFacts {
            propositions: self.propositions.clone(),
            requests: self.requests.clone(),
            related: self.related.clone(),
            roots: self.roots.clone(),
        }
    }

    pub fn set_facts(&mut self, facts: FindingFacts) {
        self.propositions = facts.propositions;
        self.requests = facts.requests;
        self.related = facts.related;
        self.roots = facts.roots;
    }

    /// Whether the finding bears on a proposition.
    #[cfg(test)]
    pub fn bears_on(&self, proposition: &str) -> bool {
        self.propositions.iter().any(|p| p == proposition)
    }

    /// The kind with the silence reason, as lists show it ("silence: declined").
    pub fn kind_label(&self) -> String {
        match self.reason {
            Some(r) => format!("{}: {r}", self.kind),
            None => self.kind.to_string(),
        }
    }
}

/// A finding as bundles carry it: the row as the last reconcile stored it, with its whole
/// triage history, so that an editor's triage survives an export and an import.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CarriedFinding {
    pub id: String,
    pub kind: FindingKind,
    pub severity: Severity,
    pub proposition: Option<String>,
    pub parties: Vec<String>,
    pub claims: Vec<String>,
    pub reason: Option<SilenceReason>,
    pub detail: String,
    /// The digest of its evidence (see [`Finding::evidence`]).
    pub evidence: String,
    pub facts: serde_json::Value,
    /// The note the finding shows (its last triage's, or none for one just found).
    pub note: Option<String>,
    pub first_seen: String,
    pub updated: String,
    /// Every change of its state, oldest first: the last one is its state.
    pub triage: Vec<TriageStep>,
}

/// One change of a finding's state, by an editor or by `reconcile`.
#[derive(Clone, Debug, PartialEq, Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TriageStep {
    pub state: FindingState,
    pub note: Option<String>,
    pub by: String,
    pub at: String,
}

/// One change of a finding's state.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct TriageEntry {
    pub finding: String,
    pub state: FindingState,
    pub note: Option<String>,
    pub by: String,
    pub at: String,
}
