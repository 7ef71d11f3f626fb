//! The reconciler: pure rules over a loaded story that mark what an editor must know before
//! publishing: conflicts, reversals, silences and weak sourcing (docs/RECONCILER.md).
//! No SQL here: the store loads the story and keeps the findings' triage.

pub mod sourcing;

use crate::date::{Date, Timestamp};
use crate::model::{hash_id, text_enum, ClaimRow, LinkRel, Party, Proposition, Request, Source, Stance, Story};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sourcing::SourceGraph;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use std::str::FromStr;

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
    /// Why an expected party has no position.
    SilenceReason, "silence reason" {
        NoResponse = "no-response", Declined = "declined", Awaiting = "awaiting", NotAsked = "not-asked",
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

/// One thing an editor must know, with a stable id derived from what it is about.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Finding {
    pub id: String,
    pub kind: FindingKind,
    pub severity: Severity,
    pub proposition: Option<String>,
    pub parties: Vec<String>,
    pub claims: Vec<String>,
    pub reason: Option<SilenceReason>,
    pub detail: String,
    pub state: FindingState,
    /// The editor's note from the last triage, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// A digest of the evidence: when it changes, a dismissed finding reopens.
    #[serde(skip)]
    pub evidence: String,
}

/// How strongly one side of a proposition is supported (docs/RECONCILER.md).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Side {
    /// Parties whose current position is this side.
    pub parties: Vec<String>,
    /// Their claims with this stance that count.
    pub claims: Vec<String>,
    /// The independent root sources those claims rest on.
    pub roots: Vec<String>,
    /// Combined confidence, claims sharing a root counted once: 0 to 1.
    pub support: f64,
    /// The Admiralty information credibility this implies: 1 confirmed ... 6 cannot be judged.
    pub grade: u8,
}

/// A proposition's standing as of the reconcile date.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PropositionOutcome {
    pub id: String,
    pub text: String,
    pub status: Status,
    pub support: BTreeMap<&'static str, Side>,
}

/// What a reconcile found.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Outcome {
    pub as_of: Date,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub known_at: Option<Timestamp>,
    pub findings: Vec<Finding>,
    pub propositions: Vec<PropositionOutcome>,
}

/// Confidence assumed for a claim logged without one: "cannot be judged" either way.
pub const DEFAULT_CONFIDENCE: f64 = 0.5;

/// Reconciles the story as it stood on `as_of`, using only records logged by `known_at`.
pub fn reconcile(story: &Story, as_of: Date, known_at: Option<Timestamp>) -> Outcome {
    reconcile_with_progress(story, as_of, known_at, &mut |_, _| {})
}

/// [`reconcile`], telling `progress` how many propositions of how many are done.
pub fn reconcile_with_progress(
    story: &Story,
    as_of: Date,
    known_at: Option<Timestamp>,
    progress: &mut dyn FnMut(usize, usize),
) -> Outcome {
    let view = View::new(story, &as_of, known_at);
    let mut findings = Vec::new();
    let mut propositions = Vec::new();
    for (i, p) in view.propositions.iter().enumerate() {
        propositions.push(view.proposition(p, &as_of, &mut findings));
        if i % 1024 == 0 {
            progress(i, view.propositions.len());
        }
    }
    view.linked_conflicts(&mut findings);
    view.retracted_bases(&mut findings);
    view.loops(&mut findings);
    for f in &mut findings {
        finish(f);
    }
    findings.sort_by(|a, b| {
        (a.severity, &a.proposition, a.kind, &a.parties, &a.id).cmp(&(
            b.severity,
            &b.proposition,
            b.kind,
            &b.parties,
            &b.id,
        ))
    });
    Outcome { as_of, known_at, findings, propositions }
}

/// The story filtered to what counts on the reconcile date, with indexes the rules share.
struct View<'a> {
    parties: HashMap<&'a str, &'a Party>,
    sources: HashMap<&'a str, &'a Source>,
    propositions: Vec<&'a Proposition>,
    graph: SourceGraph,
    /// Claims dated by the reconcile date and not retracted by then, in date order.
    live: Vec<&'a ClaimRow>,
    live_by_id: HashMap<&'a str, &'a ClaimRow>,
    /// Retracted targets (claims and sources) and the retraction's date.
    retracted: HashMap<&'a str, Date>,
    cites: HashMap<&'a str, Vec<&'a str>>,
    contradicts: Vec<(&'a str, &'a str)>,
    /// Counted requests, by proposition.
    requests: HashMap<&'a str, Vec<&'a Request>>,
    /// Live claims, by proposition, in date order.
    live_by_prop: HashMap<&'a str, Vec<&'a ClaimRow>>,
    /// Each (proposition, party)'s current position claim.
    positions: HashMap<(&'a str, &'a str), &'a ClaimRow>,
}

fn subject_id(subject: &str) -> String {
    hash_id("f-", subject.as_bytes(), 10)
}

impl<'a> View<'a> {
    fn new(story: &'a Story, as_of: &Date, known_at: Option<Timestamp>) -> View<'a> {
        let known = |recorded: &Option<Timestamp>| known_at.is_none_or(|k| recorded.is_none_or(|t| t <= k));
        let retracted: HashMap<&str, Date> = story
            .retractions
            .iter()
            .filter(|x| known(&x.recorded) && x.date.on_or_before(as_of))
            .map(|x| (x.target.as_str(), x.date))
            .collect();
        let retracted_ids: HashSet<&str> = retracted.keys().copied().collect();
        let graph = SourceGraph::new(story.sources.iter().filter(|s| known(&s.recorded)), &retracted_ids);
        let live: Vec<&ClaimRow> = story
            .claims
            .iter()
            .filter(|c| known(&c.claim.recorded) && c.date.on_or_before(as_of))
            .filter(|c| !retracted.contains_key(c.id()))
            .collect();
        let live_by_id: HashMap<&str, &ClaimRow> = live.iter().map(|c| (c.id(), *c)).collect();
        let (mut cites, mut superseded, mut contradicts) = (HashMap::new(), HashSet::new(), Vec::new());
        let is_live = |id: &str| live_by_id.contains_key(id);
        for l in story.links.iter().filter(|l| known(&l.recorded) && is_live(&l.from)) {
            match l.rel {
                // A cited claim may itself be retracted: that is what retracted-basis looks for.
                LinkRel::Cites => cites.entry(l.from.as_str()).or_insert_with(Vec::new).push(l.to.as_str()),
                LinkRel::Supersedes if is_live(&l.to) => {
                    superseded.insert(l.to.as_str());
                }
                LinkRel::Contradicts if is_live(&l.to) => contradicts.push((l.from.as_str(), l.to.as_str())),
                _ => {}
            }
        }
        let mut positions = HashMap::new();
        for c in &live {
            if c.claim.stance.is_position() && !superseded.contains(c.id()) {
                positions.insert((c.claim.proposition.as_str(), c.claim.party.as_str()), *c);
            }
        }
        let mut requests: HashMap<&str, Vec<&Request>> = HashMap::new();
        for q in story.requests.iter().filter(|q| known(&q.recorded)) {
            if q.asked.or(q.recorded.map(|t| t.date())).is_none_or(|d| d.on_or_before(as_of)) {
                requests.entry(q.proposition.as_str()).or_default().push(q);
            }
        }
        let mut live_by_prop: HashMap<&str, Vec<&ClaimRow>> = HashMap::new();
        for c in &live {
            live_by_prop.entry(c.claim.proposition.as_str()).or_default().push(c);
        }
        View {
            parties: story.parties.iter().map(|p| (p.id.as_str(), p)).collect(),
            sources: story.sources.iter().map(|s| (s.id.as_str(), s)).collect(),
            propositions: story.propositions.iter().filter(|p| known(&p.recorded)).collect(),
            graph,
            live,
            live_by_id,
            retracted,
            cites,
            contradicts,
            requests,
            live_by_prop,
            positions,
        }
    }

    fn anonymous(&self, party: &str) -> bool {
        self.parties.get(party).is_some_and(|p| p.anonymous)
    }

    fn name(&self, party: &str) -> String {
        self.parties.get(party).map(|p| p.name.clone()).unwrap_or_else(|| party.to_string())
    }

    /// The root sources a claim rests on: those of the claims it cites, else its source's.
    fn claim_roots(&self, claim: &ClaimRow) -> BTreeSet<String> {
        let mut seen = HashSet::new();
        self.claim_roots_from(claim, &mut seen)
    }

    fn claim_roots_from(&self, claim: &'a ClaimRow, seen: &mut HashSet<&'a str>) -> BTreeSet<String> {
        seen.insert(claim.id());
        let cited: Vec<&ClaimRow> = self
            .cites
            .get(claim.id())
            .into_iter()
            .flatten()
            .filter(|id| !seen.contains(*id))
            .filter_map(|id| self.live_by_id.get(id).copied())
            .collect();
        if cited.is_empty() {
            return self.graph.roots(&claim.claim.source);
        }
        cited.into_iter().flat_map(|c| self.claim_roots_from(c, seen)).collect()
    }

    /// The rules that look at one proposition: conflict, reversal, silence, sourcing, status.
    fn proposition(&self, p: &Proposition, as_of: &Date, findings: &mut Vec<Finding>) -> PropositionOutcome {
        let claims: Vec<&ClaimRow> = self.live_by_prop.get(p.id.as_str()).cloned().unwrap_or_default();
        let mut by_party: BTreeMap<&str, Vec<&ClaimRow>> = BTreeMap::new();
        for c in &claims {
            by_party.entry(c.claim.party.as_str()).or_default().push(c);
        }
        let position = |party: &str| self.positions.get(&(p.id.as_str(), party)).map(|c| c.claim.stance);
        let side_parties = |stance: Stance| {
            by_party.keys().copied().filter(|party| position(party) == Some(stance)).collect::<Vec<_>>()
        };
        let (affirmers, deniers) = (side_parties(Stance::Affirms), side_parties(Stance::Denies));

        if !affirmers.is_empty() && !deniers.is_empty() {
            findings.push(self.conflict(p, &affirmers, &deniers));
        }
        for (party, own) in &by_party {
            if let Some(f) = self.reversal(p, party, own) {
                findings.push(f);
            }
        }
        self.silences(p, &by_party, as_of, findings);

        let side = |parties: &[&str], stance: Stance| {
            let claims: Vec<&ClaimRow> = claims
                .iter()
                .copied()
                .filter(|c| c.claim.stance == stance && parties.contains(&c.claim.party.as_str()))
                .collect();
            self.side(parties, &claims)
        };
        let (affirms, denies) = (side(&affirmers, Stance::Affirms), side(&deniers, Stance::Denies));
        let (affirms, denies) = (with_grade(affirms, &denies), with_grade(denies, &side(&affirmers, Stance::Affirms)));
        if !affirmers.is_empty() {
            let affirming: Vec<&ClaimRow> = claims
                .iter()
                .copied()
                .filter(|c| c.claim.stance == Stance::Affirms && affirmers.contains(&c.claim.party.as_str()))
                .collect();
            self.weak_sourcing(p, &affirmers, &affirming, &affirms.roots, findings);
        }
        let status = match (affirmers.is_empty(), deniers.is_empty()) {
            (false, false) => Status::Contested,
            (true, false) => Status::Denied,
            (false, true) if affirms.roots.len() >= 2 => Status::Corroborated,
            (false, true) => Status::SingleSource,
            (true, true) => Status::Unanswered,
        };
        PropositionOutcome {
            id: p.id.clone(),
            text: p.text.clone(),
            status,
            support: BTreeMap::from([("affirms", affirms), ("denies", denies)]),
        }
    }

    /// A finding about `subject` (what makes its id); severity and evidence come in `finish`.
    fn finding(
        &self,
        kind: FindingKind,
        subject: String,
        proposition: Option<&str>,
        parties: Vec<String>,
        claims: Vec<String>,
        detail: String,
    ) -> Finding {
        Finding {
            id: subject_id(&subject),
            kind,
            severity: Severity::Medium,
            proposition: proposition.map(str::to_string),
            parties,
            claims,
            reason: None,
            detail,
            state: FindingState::Open,
            note: None,
            evidence: String::new(),
        }
    }

    fn conflict(&self, p: &Proposition, affirmers: &[&str], deniers: &[&str]) -> Finding {
        let names = |side: &[&str]| side.iter().map(|x| self.name(x)).collect::<Vec<_>>().join(", ");
        let mut parties: Vec<String> = affirmers.iter().chain(deniers).map(|s| s.to_string()).collect();
        parties.sort();
        let mut claims: Vec<String> = affirmers
            .iter()
            .chain(deniers)
            .filter_map(|party| self.positions.get(&(p.id.as_str(), *party)).map(|c| c.id().to_string()))
            .collect();
        claims.sort();
        let detail = format!("affirmed by {}; denied by {}", names(affirmers), names(deniers));
        self.finding(FindingKind::Conflict, format!("conflict|{}", p.id), Some(&p.id), parties, claims, detail)
    }

    /// A party that affirmed and later denied (or the reverse): the claims where it turned.
    fn reversal(&self, p: &Proposition, party: &str, own: &[&ClaimRow]) -> Option<Finding> {
        let sided: Vec<&ClaimRow> =
            own.iter().copied().filter(|c| matches!(c.claim.stance, Stance::Affirms | Stance::Denies)).collect();
        let mut turns = Vec::new();
        for pair in sided.windows(2) {
            if pair[0].claim.stance != pair[1].claim.stance {
                turns.push(pair);
            }
        }
        if turns.is_empty() {
            return None;
        }
        let mut claims: Vec<String> =
            turns.iter().flat_map(|t| [t[0].id().to_string(), t[1].id().to_string()]).collect();
        claims.dedup();
        let steps: Vec<String> = turns
            .iter()
            .map(|t| format!("{} on {}, then {} on {}", t[0].claim.stance, t[0].date, t[1].claim.stance, t[1].date))
            .collect();
        let detail = format!("{} {}", self.name(party), steps.join("; "));
        Some(self.finding(
            FindingKind::Reversal,
            format!("reversal|{}|{party}", p.id),
            Some(&p.id),
            vec![party.to_string()],
            claims,
            detail,
        ))
    }

    /// Expected parties (listed, or asked) with no position, and why.
    fn silences(
        &self,
        p: &Proposition,
        by_party: &BTreeMap<&str, Vec<&ClaimRow>>,
        as_of: &Date,
        findings: &mut Vec<Finding>,
    ) {
        let asked: Vec<&Request> = self.requests.get(p.id.as_str()).cloned().unwrap_or_default();
        let mut expected: BTreeSet<&str> = p.expected.iter().map(String::as_str).collect();
        expected.extend(asked.iter().map(|q| q.party.as_str()));
        for party in expected {
            if self.positions.contains_key(&(p.id.as_str(), party)) {
                continue;
            }
            let own = by_party.get(party).map(Vec::as_slice).unwrap_or_default();
            let requests: Vec<&Request> = asked.iter().copied().filter(|q| q.party == party).collect();
            let last_of = |stance: Stance| own.iter().rev().find(|c| c.claim.stance == stance).copied();
            let pending = requests.iter().find(|q| q.deadline.is_some_and(|d| !d.passed_by(as_of)));
            let (reason, claims, detail) = if let Some(q) = pending {
                let due = q.deadline.map(|d| d.to_string()).unwrap_or_default();
                (
                    SilenceReason::Awaiting,
                    vec![],
                    format!("{}: {}, answer due {due}", self.name(party), self.asked_text(q)),
                )
            } else if let Some(c) = last_of(Stance::Declined) {
                (
                    SilenceReason::Declined,
                    vec![c.id().to_string()],
                    format!("{}: declined to comment ({})", self.name(party), c.date),
                )
            } else if let Some(q) = requests.last() {
                let deadline = q.deadline.map(|d| format!(" (deadline {d})")).unwrap_or_default();
                let claims = last_of(Stance::NoResponse).map(|c| vec![c.id().to_string()]).unwrap_or_default();
                (
                    SilenceReason::NoResponse,
                    claims,
                    format!("{}: {}, no response{deadline}", self.name(party), self.asked_text(q)),
                )
            } else if let Some(c) = last_of(Stance::NoResponse) {
                let via = c.claim.via.as_deref().map(|v| format!(" to {}", self.name(v))).unwrap_or_default();
                (
                    SilenceReason::NoResponse,
                    vec![c.id().to_string()],
                    format!("{}: did not respond{via}", self.name(party)),
                )
            } else {
                (
                    SilenceReason::NotAsked,
                    vec![],
                    format!("{}: expected to speak, never asked; someone should ask", self.name(party)),
                )
            };
            let subject = format!("silence|{}|{party}", p.id);
            let finding =
                self.finding(FindingKind::Silence, subject, Some(&p.id), vec![party.to_string()], claims, detail);
            findings.push(Finding { reason: Some(reason), ..finding });
        }
    }

    fn asked_text(&self, q: &Request) -> String {
        let when = q.asked.map(|d| format!(" on {d}")).unwrap_or_default();
        format!("asked by {}{when}", self.name(&q.by))
    }

    /// single-source and anonymous-only marks on an affirmed proposition.
    fn weak_sourcing(
        &self,
        p: &Proposition,
        affirmers: &[&str],
        affirming: &[&ClaimRow],
        roots: &[String],
        findings: &mut Vec<Finding>,
    ) {
        let parties: Vec<String> = affirmers.iter().map(|s| s.to_string()).collect();
        let claims: Vec<String> = affirming.iter().map(|c| c.id().to_string()).collect();
        if roots.len() == 1 {
            let root =
                self.sources.get(roots[0].as_str()).map_or(roots[0].clone(), |s| format!("{} ({})", s.title, s.id));
            let detail = format!("every affirming claim ({}) traces back to one root source: {root}", claims.len());
            findings.push(self.finding(
                FindingKind::SingleSource,
                format!("single-source|{}", p.id),
                Some(&p.id),
                parties.clone(),
                claims.clone(),
                detail,
            ));
        }
        if affirmers.iter().all(|a| self.anonymous(a)) {
            let names: Vec<String> = affirmers.iter().map(|a| self.name(a)).collect();
            let detail = format!("affirmed only by anonymous parties: {}", names.join(", "));
            findings.push(self.finding(
                FindingKind::AnonymousOnly,
                format!("anonymous-only|{}", p.id),
                Some(&p.id),
                parties,
                claims,
                detail,
            ));
        }
    }

    /// The support for one side: claims grouped by shared roots, each group counted once.
    fn side(&self, parties: &[&str], claims: &[&ClaimRow]) -> Side {
        let mut groups: Vec<(BTreeSet<String>, f64)> = Vec::new();
        for c in claims {
            let mut roots = self.claim_roots(c);
            let mut confidence = c.claim.confidence.as_ref().map_or(DEFAULT_CONFIDENCE, |x| x.0);
            // Merge every group this claim shares a root with: they are one line of evidence.
            groups.retain(|(g, conf)| {
                if g.is_disjoint(&roots) {
                    return true;
                }
                roots.extend(g.iter().cloned());
                confidence = confidence.max(*conf);
                false
            });
            groups.push((roots, confidence));
        }
        let support = 1.0 - groups.iter().map(|g| 1.0 - g.1).product::<f64>();
        let roots: BTreeSet<String> = groups.iter().flat_map(|g| g.0.iter().cloned()).collect();
        Side {
            parties: parties.iter().map(|s| s.to_string()).collect(),
            claims: claims.iter().map(|c| c.id().to_string()).collect(),
            roots: roots.into_iter().collect(),
            support: (support * 1000.0).round() / 1000.0,
            grade: 6,
        }
    }

    /// `contradicts` links between standing claims of different parties, on any propositions.
    fn linked_conflicts(&self, findings: &mut Vec<Finding>) {
        for (from, to) in &self.contradicts {
            let (a, b) = (self.live_by_id[from], self.live_by_id[to]);
            let stands = |c: &ClaimRow| {
                self.positions
                    .get(&(c.claim.proposition.as_str(), c.claim.party.as_str()))
                    .is_some_and(|p| p.id() == c.id())
            };
            let stances = [a.claim.stance, b.claim.stance];
            // On one proposition, an affirmation against a denial is already the position conflict.
            let covered = a.claim.proposition == b.claim.proposition
                && stances.contains(&Stance::Affirms)
                && stances.contains(&Stance::Denies);
            if a.claim.party == b.claim.party || !stands(a) || !stands(b) || covered {
                continue;
            }
            let mut parties = vec![a.claim.party.clone(), b.claim.party.clone()];
            parties.sort();
            let detail = format!(
                "the claim by {} on {} contradicts the claim by {} on {} (linked)",
                self.name(&a.claim.party),
                a.claim.proposition,
                self.name(&b.claim.party),
                b.claim.proposition
            );
            findings.push(self.finding(
                FindingKind::Conflict,
                format!("conflict|link|{from}|{to}"),
                Some(&a.claim.proposition),
                parties,
                vec![from.to_string(), to.to_string()],
                detail,
            ));
        }
    }

    /// Live claims whose source, a source upstream, or a claim they cite is retracted.
    fn retracted_bases(&self, findings: &mut Vec<Finding>) {
        for c in &self.live {
            let source = self.graph.retracted_upstream(&c.claim.source).map(|s| {
                let what = if s == c.claim.source { "its source" } else { "a source upstream of its source" };
                let title = self.sources.get(s).map_or(String::new(), |x| format!("“{}” ", x.title));
                format!("{what}, {title}({s}), was retracted on {}", self.retracted[s])
            });
            let cited = || {
                self.retracted_citation(c.id())
                    .map(|x| format!("it cites claim {x}, retracted on {}", self.retracted[x]))
            };
            if let Some(why) = source.or_else(cited) {
                findings.push(self.finding(
                    FindingKind::RetractedBasis,
                    format!("retracted-basis|{}", c.id()),
                    Some(&c.claim.proposition),
                    vec![c.claim.party.clone()],
                    vec![c.id().to_string()],
                    format!("claim {} by {}: {why}", c.id(), self.name(&c.claim.party)),
                ));
            }
        }
    }

    fn retracted_citation(&self, claim: &str) -> Option<&'a str> {
        self.cites.get(claim)?.iter().copied().find(|x| self.retracted.contains_key(x))
    }

    /// Loops of derivation, reported once per proposition whose claims rest on them.
    fn loops(&self, findings: &mut Vec<Finding>) {
        for members in self.graph.loops() {
            let mut by_prop: BTreeMap<&str, Vec<&ClaimRow>> = BTreeMap::new();
            for c in &self.live {
                if self.graph.rests_on_loop(&c.claim.source, &members[0]) {
                    by_prop.entry(c.claim.proposition.as_str()).or_default().push(c);
                }
            }
            let detail = format!("sources derive from each other in a loop: {}", members.join(" → "));
            let list = members.join("|");
            if by_prop.is_empty() {
                findings.push(self.finding(
                    FindingKind::CircularSourcing,
                    format!("circular-sourcing|{list}"),
                    None,
                    vec![],
                    vec![],
                    detail.clone(),
                ));
            }
            for (prop, claims) in by_prop {
                let mut parties: Vec<String> = claims.iter().map(|c| c.claim.party.clone()).collect();
                parties.sort();
                parties.dedup();
                findings.push(self.finding(
                    FindingKind::CircularSourcing,
                    format!("circular-sourcing|{prop}|{list}"),
                    Some(prop),
                    parties,
                    claims.iter().map(|c| c.id().to_string()).collect(),
                    detail.clone(),
                ));
            }
        }
    }
}

/// Sets a finding's severity and the digest of its evidence.
fn finish(f: &mut Finding) {
    f.severity = match (f.kind, f.reason) {
        (FindingKind::Conflict | FindingKind::RetractedBasis, _) => Severity::High,
        (FindingKind::Silence, Some(SilenceReason::NotAsked)) => Severity::Medium,
        (FindingKind::Silence, _) => Severity::Low,
        _ => Severity::Medium,
    };
    let evidence = format!("{}|{:?}|{:?}|{:?}|{}", f.kind, f.parties, f.claims, f.reason, f.detail);
    f.evidence = hash_id("", evidence.as_bytes(), 12);
}

/// The Admiralty credibility a side's support implies (docs/RECONCILER.md).
fn with_grade(mut side: Side, other: &Side) -> Side {
    side.grade = if side.claims.is_empty() {
        6
    } else if side.roots.len() >= 2 && other.claims.is_empty() {
        1
    } else if side.support >= 0.8 {
        2
    } else if side.support >= 0.6 {
        3
    } else if side.support >= 0.4 {
        4
    } else {
        5
    };
    side
}

#[cfg(test)]
mod tests;
