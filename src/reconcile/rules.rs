//! The rules over one reading: each proposition's sides, status and claims, and the findings
//! (conflict, reversal, silence, single-source, anonymous-only, circular-sourcing,
//! retracted-basis), with their severity and a digest of the facts behind each.

use super::view::View;
use super::{ClaimReading, ClaimStatus, Line, Position, PropositionOutcome, RequestReading};
use crate::date::Date;
use crate::model::{
    hash_id, ClaimRow, Contact, ContactKind, Finding, FindingKind, FindingState, Proposition, RelatedStance, Relation,
    Request, Severity, SilenceReason, Stance, Status,
};
use rustc_hash::FxHashSet;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// A claim's date in prose, saying what it is: "on 1 Jan 2025" (said then), "reported 12
/// Mar 2024" (its source's publication), or "undated (logged ...)".
fn when(c: &ClaimRow) -> String {
    crate::phrases::claim_when(c.date, c.date_basis, c.claim.recorded)
}

/// A side taken, in the past tense (reads right for one body or many people).
fn past(stance: Stance) -> &'static str {
    match stance {
        Stance::Affirms => "affirmed",
        _ => "denied",
    }
}

fn quoted(text: &str) -> String {
    format!("“{text}”")
}

impl<'a> View<'a> {
    /// Reads one proposition: its claims, positions, sides and status, and the findings
    /// that are about it alone.
    pub fn read(&self, p: &'a Proposition, findings: &mut Vec<Finding>) -> PropositionOutcome {
        let id = p.id.as_str();
        let counted: &[&ClaimRow] = self.by_prop.get(id).map(Vec::as_slice).unwrap_or_default();
        let mut by_party: BTreeMap<&str, Vec<&ClaimRow>> = BTreeMap::new();
        for c in counted.iter().filter(|c| self.is_live(c.id())) {
            by_party.entry(c.claim.party.as_str()).or_default().push(c);
        }
        let standing: Vec<&ClaimRow> = by_party.keys().filter_map(|party| self.position(id, party)).collect();
        let side_of =
            |stance: Stance| standing.iter().copied().filter(|c| c.claim.stance == stance).collect::<Vec<_>>();
        let (affirming, denying) = (side_of(Stance::Affirms), side_of(Stance::Denies));
        let (affirm_lines, deny_lines) = (self.lines(&affirming), self.lines(&denying));
        let affirms = self.side(&affirming, affirm_lines, &deny_lines);
        let denies = self.side(&denying, deny_lines, &affirms.lines);

        if !affirming.is_empty() && !denying.is_empty() {
            findings.push(self.conflict(p, &affirming, &denying));
        }
        let mut turns = FxHashSet::default();
        for (party, own) in &by_party {
            if let Some((f, turned)) = self.reversal(p, party, own) {
                findings.push(f);
                turns.extend(turned);
            }
        }
        self.silences(p, &by_party, findings);
        if !affirming.is_empty() {
            self.weak_sourcing(p, &affirming, &affirms.lines, findings);
        }
        let live: Vec<&ClaimRow> = by_party.values().flatten().copied().collect();
        self.retracted_bases(p, &live, findings);
        self.loops_under(p, &live, findings);

        let status = match (affirming.is_empty(), denying.is_empty()) {
            (false, false) => Status::Contested,
            (true, false) => Status::Denied,
            (false, true) if affirms.lines.len() >= 2 => Status::Corroborated,
            (false, true) => Status::SingleSource,
            (true, true) => Status::Unanswered,
        };
        PropositionOutcome {
            id: p.id.clone(),
            text: p.text.clone(),
            status,
            support: BTreeMap::from([("affirms", affirms), ("denies", denies)]),
            positions: standing
                .iter()
                .map(|c| Position { party: c.claim.party.clone(), stance: c.claim.stance, claim: c.id().to_string() })
                .collect(),
            claims: counted.iter().map(|c| self.claim_reading(c, turns.contains(c.id()))).collect(),
            requests: self.requests_on(id).iter().map(|q| self.request_reading(q)).collect(),
            expected: p.expected.clone(),
        }
    }

    fn requests_on(&self, proposition: &str) -> &[&'a Request] {
        self.requests.get(proposition).map(Vec::as_slice).unwrap_or_default()
    }

    fn claim_reading(&self, c: &'a ClaimRow, turn: bool) -> ClaimReading {
        let retracted = self.retracted.get(c.id()).copied();
        let superseded_by = self.superseded.get(c.id()).map(|s| s.to_string());
        let status = match (retracted, &superseded_by) {
            (Some(_), _) => ClaimStatus::Retracted,
            (None, Some(_)) => ClaimStatus::Superseded,
            (None, None) => ClaimStatus::Live,
        };
        let live = status == ClaimStatus::Live;
        ClaimReading {
            claim: c.id().to_string(),
            party: c.claim.party.clone(),
            stance: c.claim.stance,
            date: c.date,
            date_basis: c.date_basis,
            logged: c.claim.recorded,
            source: c.claim.source.clone(),
            rests_on: self.rests_on(c).into_iter().map(str::to_string).collect(),
            cites: self.cites.get(c.id()).into_iter().flatten().map(|s| s.to_string()).collect(),
            roots: self.claim_roots(c).to_vec(),
            status,
            retracted,
            superseded_by,
            position: live && self.stands(c),
            turn,
            retracted_basis: self.retracted_basis(c).map(str::to_string),
        }
    }

    fn request_reading(&self, q: &Request) -> RequestReading {
        RequestReading {
            id: q.id.clone().unwrap_or_default(),
            party: q.party.clone(),
            by: q.by.clone(),
            asked: q.asked,
            deadline: q.deadline,
            deadline_passed: q.deadline.is_some_and(|d| d.passed_by(&self.as_of)),
        }
    }

    fn names(&self, claims: &[&ClaimRow]) -> String {
        let names: BTreeSet<String> = claims.iter().map(|c| self.name(&c.claim.party)).collect();
        names.into_iter().collect::<Vec<_>>().join(", ")
    }

    fn conflict(&self, p: &Proposition, affirming: &[&ClaimRow], denying: &[&ClaimRow]) -> Finding {
        let both: Vec<&ClaimRow> = affirming.iter().chain(denying).copied().collect();
        let detail = format!("affirmed by {}; denied by {}", self.names(affirming), self.names(denying));
        finding(FindingKind::Conflict, format!("conflict|{}", p.id), vec![p.id.clone()], &both, detail)
    }

    /// A party that affirmed and later denied (or the reverse): the finding and the claims
    /// where it turned.
    fn reversal(&self, p: &Proposition, party: &str, own: &[&'a ClaimRow]) -> Option<(Finding, Vec<&'a str>)> {
        let sided: Vec<&ClaimRow> =
            own.iter().copied().filter(|c| matches!(c.claim.stance, Stance::Affirms | Stance::Denies)).collect();
        let turns: Vec<[&ClaimRow; 2]> =
            sided.windows(2).filter(|w| w[0].claim.stance != w[1].claim.stance).map(|w| [w[0], w[1]]).collect();
        if turns.is_empty() {
            return None;
        }
        let mut claims: Vec<&ClaimRow> = turns.iter().flatten().copied().collect();
        claims.dedup_by_key(|c| c.id());
        let steps: Vec<String> = turns
            .iter()
            .map(|[a, b]| format!("{} {}, then {} {}", past(a.claim.stance), when(a), past(b.claim.stance), when(b)))
            .collect();
        let detail = format!("{} {}", self.name(party), steps.join("; "));
        let f =
            finding(FindingKind::Reversal, format!("reversal|{}|{party}", p.id), vec![p.id.clone()], &claims, detail);
        Some((f, turns.iter().map(|[_, b]| b.id()).collect()))
    }

    /// Expected parties (listed, asked, or with a logged refusal or non-answer: someone
    /// asked) with no position, and what they did: a refusal first, then a request still
    /// within its deadline, then no answer, then never asked.
    fn silences(&self, p: &Proposition, by_party: &BTreeMap<&str, Vec<&'a ClaimRow>>, findings: &mut Vec<Finding>) {
        let asked = self.requests_on(&p.id);
        let mut expected: BTreeSet<&str> = p.expected.iter().map(String::as_str).collect();
        expected.extend(asked.iter().map(|q| q.party.as_str()));
        let answered =
            |own: &Vec<&ClaimRow>| own.iter().any(|c| matches!(c.claim.stance, Stance::Declined | Stance::NoResponse));
        expected.extend(by_party.iter().filter(|(_, own)| answered(own)).map(|(party, _)| *party));
        for party in expected {
            if self.position(&p.id, party).is_some() {
                continue;
            }
            let own = by_party.get(party).map(Vec::as_slice).unwrap_or_default();
            let requests: Vec<&Request> = asked.iter().copied().filter(|q| q.party == party).collect();
            let answers: Vec<&ClaimRow> = own
                .iter()
                .copied()
                .filter(|c| matches!(c.claim.stance, Stance::Declined | Stance::NoResponse))
                .collect();
            let pending = requests.iter().any(|q| q.deadline.is_some_and(|d| !d.passed_by(&self.as_of)));
            let reason = if answers.iter().any(|c| c.claim.stance == Stance::Declined) {
                SilenceReason::Declined
            } else if pending {
                SilenceReason::Awaiting
            } else if !requests.is_empty() || !answers.is_empty() {
                SilenceReason::NoResponse
            } else {
                SilenceReason::NotAsked
            };
            let contacts = self.contacts(&requests, &answers);
            let related = self.related(&p.id, party);
            let detail = self.silence_detail(party, reason, &contacts, &related);
            let mut f = finding(
                FindingKind::Silence,
                format!("silence|{}|{party}", p.id),
                vec![p.id.clone()],
                &answers,
                detail,
            );
            f.parties = vec![party.to_string()];
            f.reason = Some(reason);
            f.requests = contacts;
            f.related = related;
            findings.push(f);
        }
    }

    /// The story of a silence, oldest first: each request, each refusal and non-answer.
    fn contacts(&self, requests: &[&Request], answers: &[&ClaimRow]) -> Vec<Contact> {
        let mut out: Vec<Contact> = requests
            .iter()
            .map(|q| Contact {
                kind: ContactKind::Request,
                record: q.id.clone().unwrap_or_default(),
                party: Some(q.by.clone()),
                party_name: Some(self.name(&q.by)),
                date: q.asked,
                date_basis: None,
                deadline: q.deadline,
                deadline_passed: q.deadline.map(|d| d.passed_by(&self.as_of)),
                quote: None,
            })
            .collect();
        out.extend(answers.iter().map(|c| Contact {
            kind: if c.claim.stance == Stance::Declined { ContactKind::Declined } else { ContactKind::NoResponse },
            record: c.id().to_string(),
            party: c.claim.via.clone(),
            party_name: c.claim.via.as_deref().map(|v| self.name(v)),
            date: c.date,
            date_basis: Some(c.date_basis),
            deadline: None,
            deadline_passed: None,
            quote: c.claim.quote.clone(),
        }));
        out.sort_by_key(|c| (c.date.is_none(), c.date));
        out
    }

    /// The silent party's parent and children that have a position on the proposition.
    fn related(&self, proposition: &str, party: &str) -> Vec<RelatedStance> {
        let parent = self.parties.get(party).and_then(|p| p.parent.as_deref()).map(|p| (p, Relation::Parent));
        let children = self.children.get(party).into_iter().flatten().map(|c| (*c, Relation::Child));
        parent
            .into_iter()
            .chain(children)
            .filter_map(|(other, relation)| {
                let c = self.position(proposition, other)?;
                Some(RelatedStance {
                    party: other.to_string(),
                    party_name: self.name(other),
                    relation,
                    stance: c.claim.stance,
                    claim: c.id().to_string(),
                })
            })
            .collect()
    }

    /// A silence in an editor's words: what the party did, then everything asked of it.
    fn silence_detail(
        &self,
        party: &str,
        reason: SilenceReason,
        contacts: &[Contact],
        related: &[RelatedStance],
    ) -> String {
        let mut parts: Vec<String> = contacts.iter().map(contact_words).collect();
        if reason == SilenceReason::NotAsked {
            parts.push("expected to speak; nobody has asked".into());
        }
        for r in related {
            parts.push(format!("its {}, {}, {}", r.relation, r.party_name, crate::phrases::said(r.stance)));
        }
        format!("{}: {}", self.name(party), parts.join("; "))
    }

    /// single-source and anonymous-only marks on an affirmed proposition.
    fn weak_sourcing(&self, p: &Proposition, affirming: &[&ClaimRow], lines: &[Line], findings: &mut Vec<Finding>) {
        if let [line] = lines {
            let detail = format!("one line of evidence: {}", line.words);
            let mut f = finding(
                FindingKind::SingleSource,
                format!("single-source|{}", p.id),
                vec![p.id.clone()],
                affirming,
                detail,
            );
            f.roots = line.roots.clone();
            findings.push(f);
        }
        if affirming.iter().all(|c| self.anonymous(&c.claim.party)) {
            let detail = format!("affirmed only by anonymous parties: {}", self.names(affirming));
            findings.push(finding(
                FindingKind::AnonymousOnly,
                format!("anonymous-only|{}", p.id),
                vec![p.id.clone()],
                affirming,
                detail,
            ));
        }
    }

    /// Live claims that rest on a retracted source or cite a retracted claim.
    fn retracted_bases(&self, p: &Proposition, live: &[&'a ClaimRow], findings: &mut Vec<Finding>) {
        for c in live {
            let Some(basis) = self.retracted_basis(c) else { continue };
            let date = self.retracted.get(basis).map(|d| d.human()).unwrap_or_default();
            let why = match self.sources.get(basis) {
                Some(s) if s.id == c.claim.source => {
                    format!("the source it was read in, {}, was retracted on {date}", quoted(&s.label()))
                }
                Some(s) => format!("it rests on {}, retracted on {date}", quoted(&s.label())),
                None => {
                    let by = self
                        .counted
                        .get(basis)
                        .map_or_else(String::new, |x| format!(" by {}", self.name(&x.claim.party)));
                    format!("it cites the claim{by}, withdrawn on {date}")
                }
            };
            let detail = format!("the claim by {}: {why}", self.name(&c.claim.party));
            let mut f = finding(
                FindingKind::RetractedBasis,
                format!("retracted-basis|{}", c.id()),
                vec![p.id.clone()],
                &[c],
                detail,
            );
            f.roots = vec![basis.to_string()];
            findings.push(f);
        }
    }

    /// Loops of derivation under the live claims of one proposition: one finding per loop.
    fn loops_under(&self, p: &Proposition, live: &[&'a ClaimRow], findings: &mut Vec<Finding>) {
        let mut by_loop: BTreeMap<String, Vec<&ClaimRow>> = BTreeMap::new();
        for c in live {
            for l in self.loops_of(c) {
                by_loop.entry(l).or_default().push(c);
            }
        }
        for (name, claims) in by_loop {
            let members = self.loop_members(&name);
            let detail = format!("sources derive from each other in a loop: {}", members.join(" → "));
            let subject = format!("circular-sourcing|{}|{}", p.id, members.join("|"));
            let mut f = finding(FindingKind::CircularSourcing, subject, vec![p.id.clone()], &claims, detail);
            f.roots = members;
            findings.push(f);
        }
    }

    /// The loops a claim's sources lie in or derive from, by name.
    fn loops_of(&self, c: &'a ClaimRow) -> BTreeSet<String> {
        self.read_or_rested_on(c).flat_map(|s| self.graph.loops_upstream(s)).collect()
    }

    fn loop_members(&self, name: &str) -> Vec<String> {
        self.graph.loops().into_iter().find(|m| m.first().map(String::as_str) == Some(name)).unwrap_or_default()
    }

    /// The loops the live claims rest on, by name.
    pub fn used_loops(&self) -> BTreeSet<String> {
        self.counted.values().filter(|c| self.is_live(c.id())).flat_map(|c| self.loops_of(c)).collect()
    }

    /// Loops of the graph not in `used`: one finding each, about no proposition.
    pub fn unused_loops(&self, used: &BTreeSet<String>, findings: &mut Vec<Finding>) {
        for members in self.graph.loops().into_iter().filter(|m| !used.contains(&m[0])) {
            let detail = format!("sources derive from each other in a loop: {}", members.join(" → "));
            let mut f = finding(
                FindingKind::CircularSourcing,
                format!("circular-sourcing|{}", members.join("|")),
                vec![],
                &[],
                detail,
            );
            f.roots = members;
            findings.push(f);
        }
    }

    /// `contradicts` links between the standing claims of two parties, on any propositions
    /// (an affirmation against a denial on one proposition is already the position conflict).
    pub fn linked_conflicts(&self, findings: &mut Vec<Finding>) {
        let readable: FxHashSet<&str> = self.propositions.iter().map(|p| p.id.as_str()).collect();
        for (from, to) in &self.contradicts {
            let (a, b) = (self.counted[from], self.counted[to]);
            let (pa, pb) = (a.claim.proposition.as_str(), b.claim.proposition.as_str());
            let stances = [a.claim.stance, b.claim.stance];
            let covered = pa == pb && stances.contains(&Stance::Affirms) && stances.contains(&Stance::Denies);
            if a.claim.party == b.claim.party || !self.stands(a) || !self.stands(b) || covered {
                continue;
            }
            // A scoped story loads the other end of a link without its proposition: the
            // finding still bears on both, as in the whole story.
            let mut propositions = vec![pa.to_string()];
            if pb != pa {
                propositions.push(pb.to_string());
            }
            if !propositions.iter().any(|p| readable.contains(p.as_str())) {
                continue;
            }
            let detail = format!(
                "the claim by {} contradicts the claim by {} (linked)",
                self.name(&a.claim.party),
                self.name(&b.claim.party)
            );
            findings.push(finding(
                FindingKind::Conflict,
                format!("conflict|link|{from}|{to}"),
                propositions,
                &[a, b],
                detail,
            ));
        }
    }
}

/// One entry of a silence's story in words.
fn contact_words(c: &Contact) -> String {
    let who = c.party_name.as_deref();
    let on = match (c.date, c.date_basis) {
        (Some(d), Some(basis)) => format!(" {}", crate::phrases::claim_when(Some(d), basis, None)),
        (Some(d), None) => format!(" {}", d.on()),
        (None, _) => String::new(),
    };
    match c.kind {
        ContactKind::Request => {
            let deadline = match (c.deadline, c.deadline_passed) {
                (Some(d), Some(true)) => format!(", no answer by the deadline ({})", d.human()),
                (Some(d), _) => format!(", answer due {}", d.human()),
                (None, _) => String::new(),
            };
            let asked = if on.is_empty() { " (date not given)".to_string() } else { on };
            format!("asked by {}{asked}{deadline}", who.unwrap_or("someone"))
        }
        ContactKind::Declined => {
            let to = who.map(|w| format!(" to {w}")).unwrap_or_default();
            let quote = c.quote.as_deref().map(|q| format!(": {}", quoted(q))).unwrap_or_default();
            format!("declined to comment{to}{on}{quote}")
        }
        ContactKind::NoResponse => {
            let to = who.map(|w| format!(" to {w}")).unwrap_or_default();
            format!("did not respond{to}{on}")
        }
    }
}

/// A finding about `subject` (what makes its id); severity and evidence come in `finish`.
fn finding(
    kind: FindingKind,
    subject: String,
    propositions: Vec<String>,
    claims: &[&ClaimRow],
    detail: String,
) -> Finding {
    let mut parties: Vec<String> = claims.iter().map(|c| c.claim.party.clone()).collect();
    parties.sort();
    parties.dedup();
    let mut ids: Vec<String> = claims.iter().map(|c| c.id().to_string()).collect();
    ids.sort();
    Finding {
        id: hash_id("f-", subject.as_bytes(), 10),
        kind,
        severity: Severity::Medium,
        proposition: propositions.first().cloned(),
        propositions,
        parties,
        claims: ids,
        reason: None,
        detail,
        requests: Vec::new(),
        related: Vec::new(),
        roots: Vec::new(),
        state: FindingState::Open,
        note: None,
        state_by: None,
        evidence: String::new(),
    }
}

/// The facts a finding's evidence digest covers: never its wording.
#[derive(Serialize)]
struct Evidence<'a> {
    kind: FindingKind,
    reason: Option<SilenceReason>,
    propositions: &'a [String],
    parties: &'a [String],
    /// Each claim with its date.
    claims: Vec<(&'a str, Option<Date>)>,
    roots: &'a [String],
    /// Each request or answer, with whether its deadline had passed.
    contacts: Vec<(&'a str, Option<bool>)>,
    related: Vec<(&'a str, Stance, &'a str)>,
}

/// Sets a finding's severity and the digest of its evidence.
pub(super) fn finish(f: &mut Finding, view: &View) {
    f.severity = match (f.kind, f.reason) {
        (FindingKind::Conflict | FindingKind::RetractedBasis, _) => Severity::High,
        (FindingKind::Silence, Some(SilenceReason::NotAsked)) => Severity::Medium,
        (FindingKind::Silence, _) => Severity::Low,
        _ => Severity::Medium,
    };
    let evidence = Evidence {
        kind: f.kind,
        reason: f.reason,
        propositions: &f.propositions,
        parties: &f.parties,
        claims: f.claims.iter().map(|c| (c.as_str(), view.counted.get(c.as_str()).and_then(|r| r.date))).collect(),
        roots: &f.roots,
        contacts: f.requests.iter().map(|c| (c.record.as_str(), c.deadline_passed)).collect(),
        related: f.related.iter().map(|r| (r.party.as_str(), r.stance, r.claim.as_str())).collect(),
    };
    f.evidence = hash_id("", &serde_json::to_vec(&evidence).expect("evidence serialises"), 12);
}
