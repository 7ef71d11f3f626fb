//! What changed between two moments of this database's knowledge: the digest an editor reads
//! at the morning meeting (`claimtrack changes`, and the head of `report --since`). It holds
//! two readings of the propositions the window touched, as the database knew them just
//! before the window and at its end (both as of the later day), against each other and
//! against what the window logged. Every entry names its records by id and by name or text
//! (docs/FORMAT.md).

use super::{words, Mark, Names, Report};
use crate::date::{Date, Timestamp};
use crate::model::{
    ClaimRow, Finding, FindingKind, FindingState, Severity, SilenceReason, Source, Stance, StoredCorrection, Story,
    TargetKind, TriageEntry, WindowLog,
};
use crate::reconcile::{merge, Change, ClaimReading, ClaimStatus, Outcome, PropositionOutcome, RequestReading};
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// Everything that changed in a window, section by section (each in the order it happened).
#[derive(Clone, Debug, Serialize)]
pub struct Digest {
    pub since: Timestamp,
    pub until: Timestamp,
    pub claims_added: Vec<ClaimEntry>,
    pub claims_corrected: Vec<CorrectedClaim>,
    /// Claims and sources retracted.
    pub retractions: Vec<RetractionEntry>,
    pub positions_changed: Vec<PositionChange>,
    pub findings_new: Vec<FindingEntry>,
    pub findings_reopened: Vec<FindingEntry>,
    pub findings_cleared: Vec<FindingEntry>,
    /// Editors' triage (acknowledged, resolved, dismissed, reopened), with the state set.
    pub findings_triaged: Vec<Triaged>,
    pub requests_added: Vec<RequestEntry>,
    /// Requests whose party answered (took a position or declined to comment) in the window.
    pub requests_answered: Vec<RequestEntry>,
    /// Requests whose deadline passed in the window with no answer.
    pub requests_overdue: Vec<RequestEntry>,
    pub sources_added: Vec<SourceEntry>,
    pub verdicts: Vec<VerdictEntry>,
}

/// A claim, by its party, stance, proposition and the source it was read in.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize)]
pub struct ClaimEntry {
    pub claim: String,
    pub party: String,
    pub party_name: String,
    pub stance: Stance,
    pub proposition: String,
    pub proposition_text: String,
    pub source: String,
    pub source_title: String,
    pub quote: Option<String>,
}

/// A claim corrected, with each change (`field: old → new`), why, by whom and when.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize)]
pub struct CorrectedClaim {
    #[serde(flatten)]
    pub claim: ClaimEntry,
    pub changes: Vec<String>,
    pub reason: String,
    pub by: Option<String>,
    pub at: Option<Timestamp>,
}

/// A retraction: of a claim (named as in [`ClaimEntry`]) or of a source (by its title).
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize)]
pub struct RetractionEntry {
    pub target: String,
    pub kind: TargetKind,
    pub date: Date,
    pub reason: String,
    #[serde(flatten)]
    pub claim: Option<ClaimEntry>,
    pub title: Option<String>,
}

/// A party that took, changed or dropped a position: `from` and `to` are stances, or "none".
#[derive(Clone, Debug, Serialize)]
pub struct PositionChange {
    pub party: String,
    pub party_name: String,
    pub proposition: String,
    pub proposition_text: String,
    pub from: String,
    pub to: String,
    /// The claims that did it: the party's claims on the proposition the window added,
    /// corrected, retracted or linked (else its standing claim).
    pub claims: Vec<String>,
}

/// A finding, with its proposition and parties by name and what it says in words.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize)]
pub struct FindingEntry {
    pub finding: String,
    pub kind: FindingKind,
    pub reason: Option<SilenceReason>,
    pub severity: Severity,
    pub proposition: Option<String>,
    pub proposition_text: Option<String>,
    pub parties: Vec<String>,
    pub party_names: Vec<String>,
    pub said: String,
    pub state: FindingState,
    /// Why it reopened: "found again", or "reopened: new evidence" after a triage.
    pub why: Option<String>,
}

/// An editor's triage of a finding: the state it set, the note, who and when.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize)]
pub struct Triaged {
    #[serde(flatten)]
    pub finding: FindingEntry,
    pub note: Option<String>,
    pub by: String,
    pub at: String,
}

/// A request for comment; an answered one with the claim that answered it.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize)]
pub struct RequestEntry {
    pub request: String,
    pub party: String,
    pub party_name: String,
    pub proposition: String,
    pub proposition_text: String,
    pub by: String,
    pub by_name: String,
    pub asked: Option<Date>,
    pub deadline: Option<Date>,
    pub claim: Option<String>,
    pub stance: Option<Stance>,
}

/// A source added.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize)]
pub struct SourceEntry {
    pub source: String,
    /// Its title, or what is known of an untitled source.
    pub title: String,
    pub kind: String,
    pub publisher: Option<String>,
    pub publisher_name: Option<String>,
}

/// A verdict set.
#[serde_with::skip_serializing_none]
#[derive(Clone, Debug, Serialize)]
pub struct VerdictEntry {
    pub verdict: String,
    pub proposition: String,
    pub proposition_text: String,
    pub label: String,
    pub rating: f64,
    pub best: f64,
    pub worst: f64,
    pub explanation: Option<String>,
}

/// One side of the window: the story as the database knew it then, and its reading.
#[derive(Clone, Copy)]
pub struct Known<'a> {
    pub story: &'a Story,
    pub outcome: &'a Outcome,
}

/// What a digest is built from: the window, what it logged, the readings at either end and
/// the stored triage. Gathered by `analysis::changes`.
pub struct Inputs<'a> {
    pub since: Timestamp,
    pub until: Timestamp,
    pub log: &'a WindowLog,
    /// Just before the window began.
    pub before: Known<'a>,
    /// At its end.
    pub after: Known<'a>,
    /// The propositions both readings read: what the window touched (within `--prop`).
    pub propositions: &'a [String],
    /// Only some propositions were asked for (`--prop`).
    pub limited: bool,
    /// Each finding's last triage as the database knew it before the window and at its end.
    pub triage_before: &'a HashMap<String, TriageEntry>,
    pub triage_after: &'a HashMap<String, TriageEntry>,
    /// Stored findings on those propositions, triaged before the window, that the earlier
    /// reading does not find: found again, they reopen.
    pub gone_before: &'a [Finding],
    /// The stored findings the window triaged, by id.
    pub triaged: &'a HashMap<String, Finding>,
    /// The sources the window added or retracted, by id (a source no claim rests on yet is
    /// in neither reading).
    pub sources: &'a HashMap<String, Source>,
    /// The text of each proposition the window's corrections moved a claim from or to (it
    /// may be one the readings did not read).
    pub moved: &'a HashMap<String, String>,
}

impl Digest {
    /// Whether nothing changed in the window.
    pub fn is_empty(&self) -> bool {
        self.claims_added.is_empty()
            && self.claims_corrected.is_empty()
            && self.retractions.is_empty()
            && self.positions_changed.is_empty()
            && self.findings_new.is_empty()
            && self.findings_reopened.is_empty()
            && self.findings_cleared.is_empty()
            && self.findings_triaged.is_empty()
            && self.requests_added.is_empty()
            && self.requests_answered.is_empty()
            && self.requests_overdue.is_empty()
            && self.sources_added.is_empty()
            && self.verdicts.is_empty()
    }

    /// "28 Nov 2026, 00:00 UTC to 29 Nov 2026, 09:00 UTC"
    pub fn span(&self) -> String {
        format!("{} to {}", self.since.human(), self.until.human())
    }

    /// The one line that says an empty window is empty.
    pub fn nothing_line(&self) -> String {
        format!("Nothing changed from {}.", self.span())
    }
}

/// The names, titles and texts the entries use, as the database knew them at the window's end.
struct Naming<'a> {
    names: Names<'a>,
    texts: HashMap<&'a str, &'a str>,
    read: BTreeSet<&'a str>,
    /// Each reading's propositions by id: looked up once each, not searched for.
    before: HashMap<&'a str, &'a PropositionOutcome>,
    after: HashMap<&'a str, &'a PropositionOutcome>,
}

impl<'a> Naming<'a> {
    fn new(w: &'a Inputs) -> Naming<'a> {
        let mut texts: HashMap<&str, &str> = HashMap::new();
        for (id, text) in w.moved {
            texts.insert(id, text);
        }
        for p in w.before.story.propositions.iter().chain(&w.after.story.propositions) {
            texts.insert(&p.id, &p.text);
        }
        Naming {
            names: Names::new(w.after.story, w.after.outcome),
            texts,
            read: w.propositions.iter().map(String::as_str).collect(),
            before: by_id(w.before.outcome),
            after: by_id(w.after.outcome),
        }
    }

    /// The party's answer on a proposition in a reading: its latest standing claim that took
    /// a position or declined to comment.
    fn answer(
        reading: &HashMap<&'a str, &'a PropositionOutcome>,
        proposition: &str,
        party: &str,
    ) -> Option<&'a ClaimReading> {
        let p = reading.get(proposition)?;
        p.claims.iter().rfind(|c| c.party == party && c.status == ClaimStatus::Live && c.stance != Stance::NoResponse)
    }

    fn text(&self, proposition: &str) -> String {
        self.texts.get(proposition).map_or_else(|| proposition.to_string(), |t| t.to_string())
    }

    /// A source's title, or what is known of an untitled one (its publisher by name).
    fn title(&self, s: &Source) -> String {
        s.label_by(s.publisher.as_deref().map(|p| self.names.party(p)).as_deref())
    }

    fn bears(&self, f: &Finding) -> bool {
        f.propositions.iter().any(|p| self.read.contains(p.as_str()))
    }

    /// A claim on a proposition read, as known at the window's end.
    fn claim(&self, id: &str) -> Option<ClaimEntry> {
        self.names.claims.get(id).filter(|row| self.read.contains(row.claim.proposition.as_str()))?;
        self.claim_anywhere(id)
    }

    /// A claim as known at the window's end, wherever it stands now (a correction may have
    /// moved it off the propositions read).
    fn claim_anywhere(&self, id: &str) -> Option<ClaimEntry> {
        let row: &ClaimRow = self.names.claims.get(id)?;
        let c = &row.claim;
        Some(ClaimEntry {
            claim: id.to_string(),
            party: c.party.clone(),
            party_name: self.names.party(&c.party),
            stance: c.stance,
            proposition: c.proposition.clone(),
            proposition_text: self.text(&c.proposition),
            source: c.source.clone(),
            source_title: self.names.source(&c.source),
            quote: c.quote.clone(),
        })
    }

    fn finding(&self, f: &Finding, state: FindingState) -> FindingEntry {
        let party_names: Vec<String> = f.parties.iter().map(|p| self.names.party(p)).collect();
        let shown = Finding { state, ..f.clone() };
        FindingEntry {
            finding: f.id.clone(),
            kind: f.kind,
            reason: f.reason,
            severity: f.severity,
            proposition: f.proposition.clone(),
            proposition_text: f.proposition.as_deref().map(|p| self.text(p)),
            parties: f.parties.clone(),
            said: words::finding_said(&shown, party_names.first().map_or("", String::as_str)),
            party_names,
            state,
            why: None,
        }
    }

    fn request(&self, proposition: &str, q: &RequestReading) -> RequestEntry {
        RequestEntry {
            request: q.id.clone(),
            party: q.party.clone(),
            party_name: self.names.party(&q.party),
            proposition: proposition.to_string(),
            proposition_text: self.text(proposition),
            by: q.by.clone(),
            by_name: self.names.party(&q.by),
            asked: q.asked,
            deadline: q.deadline,
            claim: None,
            stance: None,
        }
    }
}

/// Builds the digest: what the window logged, named as the database knew it at the end, and
/// what the two readings say changed.
pub fn build(w: &Inputs) -> Digest {
    let n = Naming::new(w);
    let log = w.log;
    let claim_corrections =
        log.corrections.iter().filter(|c| c.correction.kind == Some(crate::model::RecordKind::Claim));
    let (new, reopened, cleared) = findings(w, &n);
    let (answered, overdue) = answers(w, &n);
    Digest {
        since: w.since,
        until: w.until,
        claims_added: log.claims.iter().filter_map(|id| n.claim(id)).collect(),
        claims_corrected: claim_corrections
            .filter_map(|c| {
                // A correction that moved a claim off a proposition read belongs to it too.
                let moved_off =
                    c.before.get("proposition").and_then(|p| p.as_str()).is_some_and(|p| n.read.contains(p));
                let target = &c.correction.target;
                Some(CorrectedClaim {
                    claim: n.claim(target).or_else(|| moved_off.then(|| n.claim_anywhere(target)).flatten())?,
                    changes: changes_named(&n, c),
                    reason: c.correction.reason.clone(),
                    by: c.correction.logged_by.clone(),
                    at: c.correction.recorded,
                })
            })
            .collect(),
        retractions: log.retractions.iter().filter_map(|(x, kind)| retraction(w, &n, x, *kind)).collect(),
        positions_changed: positions(w, &n),
        findings_new: new,
        findings_reopened: reopened,
        findings_cleared: cleared,
        findings_triaged: triaged(w, &n),
        requests_added: log
            .requests
            .iter()
            .filter_map(|id| requests(w.after.outcome).find(|(_, q)| &q.id == id).map(|(p, q)| n.request(p, q)))
            .collect(),
        requests_answered: answered,
        requests_overdue: overdue,
        sources_added: log
            .sources
            .iter()
            .filter(|s| !w.limited || n.names.sources.contains_key(s.id.as_str()))
            .map(|s| SourceEntry {
                source: s.id.clone(),
                title: n.title(s),
                kind: s.kind.to_string(),
                publisher: s.publisher.clone(),
                publisher_name: s.publisher.as_deref().map(|p| n.names.party(p)),
            })
            .collect(),
        verdicts: w
            .after
            .story
            .verdicts
            .iter()
            .filter(|v| v.id.as_ref().is_some_and(|id| log.verdicts.contains(id)))
            .filter(|v| n.read.contains(v.proposition.as_str()))
            .map(|v| VerdictEntry {
                verdict: v.id.clone().unwrap_or_default(),
                proposition: v.proposition.clone(),
                proposition_text: n.text(&v.proposition),
                label: v.label.clone(),
                rating: v.rating.0,
                best: v.best.0,
                worst: v.worst.0,
                explanation: v.explanation.clone(),
            })
            .collect(),
    }
}

fn retraction(w: &Inputs, n: &Naming, x: &crate::model::Retraction, kind: TargetKind) -> Option<RetractionEntry> {
    let (claim, title) = match kind {
        TargetKind::Claim => (Some(n.claim(&x.target)?), None),
        TargetKind::Source => {
            if w.limited && !n.names.sources.contains_key(x.target.as_str()) {
                return None;
            }
            let title = w.sources.get(&x.target).map(|s| n.title(s));
            (None, Some(title.unwrap_or_else(|| n.names.source(&x.target))))
        }
    };
    Some(RetractionEntry { target: x.target.clone(), kind, date: x.date, reason: x.reason.clone(), claim, title })
}

/// Every request for comment a reading holds, with its proposition.
fn requests(o: &Outcome) -> impl Iterator<Item = (&str, &RequestReading)> {
    o.propositions.iter().flat_map(|p| p.requests.iter().map(move |q| (p.id.as_str(), q)))
}

/// The claims the window added, corrected, retracted or linked.
fn claims_touched(log: &WindowLog) -> BTreeSet<&str> {
    let mut ids: BTreeSet<&str> = log.claims.iter().map(String::as_str).collect();
    ids.extend(log.corrections.iter().map(|c| c.correction.target.as_str()));
    ids.extend(log.retractions.iter().map(|(x, _)| x.target.as_str()));
    ids.extend(log.links.iter().flat_map(|l| [l.from.as_str(), l.to.as_str()]));
    ids
}

/// Each party whose position on a proposition read differs at the two ends.
fn positions(w: &Inputs, n: &Naming) -> Vec<PositionChange> {
    let touched = claims_touched(w.log);
    let mut out = Vec::new();
    for id in &n.read {
        let (before, after) = (n.before.get(id).copied(), n.after.get(id).copied());
        let stances = |p: Option<&PropositionOutcome>| -> HashMap<String, (Stance, String)> {
            p.map(|p| p.positions.iter().map(|x| (x.party.clone(), (x.stance, x.claim.clone()))).collect())
                .unwrap_or_default()
        };
        let (from, to) = (stances(before), stances(after));
        let mut parties: Vec<&String> = from.keys().chain(to.keys()).collect::<BTreeSet<_>>().into_iter().collect();
        parties.sort_by_key(|p| (n.names.party(p).to_lowercase(), p.to_string()));
        for party in parties {
            let (was, is) = (from.get(party), to.get(party));
            if was.map(|x| x.0) == is.map(|x| x.0) {
                continue;
            }
            // The party's claims the window touched, in a reading, taking `stance` when given.
            let said = |r: Option<&PropositionOutcome>, stance: Option<Stance>| -> Vec<String> {
                let Some(p) = r else { return Vec::new() };
                let on = |c: &&ClaimReading| &c.party == party && touched.contains(c.claim.as_str());
                p.claims
                    .iter()
                    .filter(on)
                    .filter(|c| stance.is_none_or(|s| c.stance == s))
                    .map(|c| c.claim.clone())
                    .collect()
            };
            // What did it: the claims taking the new stance, else (a position dropped) those
            // that held the old one, else whatever of the party's the window touched.
            let mut claims = is.map(|x| said(after, Some(x.0))).unwrap_or_default();
            if claims.is_empty() {
                claims = was.map(|x| said(before, Some(x.0))).unwrap_or_default();
            }
            if claims.is_empty() {
                claims = said(after, None).into_iter().chain(said(before, None)).collect();
                dedup(&mut claims);
            }
            if claims.is_empty() {
                claims.extend(is.or(was).map(|x| x.1.clone()));
            }
            let stance = |x: Option<&(Stance, String)>| x.map_or_else(|| "none".to_string(), |x| x.0.to_string());
            out.push(PositionChange {
                party: party.clone(),
                party_name: n.names.party(party),
                proposition: id.to_string(),
                proposition_text: n.text(id),
                from: stance(was),
                to: stance(is),
                claims,
            });
        }
    }
    out
}

/// Keeps the first of each repeated item, in order.
fn dedup(items: &mut Vec<String>) {
    let mut seen = BTreeSet::new();
    items.retain(|i| seen.insert(i.clone()));
}

/// The findings new, reopened and cleared between the two readings, by the rule a
/// present-day reconcile applies to the stored ones (docs/RECONCILER.md, "Triage across
/// runs"): the earlier reading, with each finding's triage as known then, stands for what
/// was stored.
fn findings(w: &Inputs, n: &Naming) -> (Vec<FindingEntry>, Vec<FindingEntry>, Vec<FindingEntry>) {
    let state = |states: &HashMap<String, TriageEntry>, id: &str| states.get(id).map(|t| t.state);
    let mut stored: HashMap<String, Finding> = HashMap::new();
    for f in w.before.outcome.findings.iter().filter(|f| n.bears(f)) {
        // Found at the time: a stored "cleared" only means no reconcile had run since.
        let was = state(w.triage_before, &f.id).filter(|s| *s != FindingState::Cleared).unwrap_or_default();
        stored.insert(f.id.clone(), Finding { state: was, ..f.clone() });
    }
    for f in w.gone_before {
        stored.entry(f.id.clone()).or_insert_with(|| Finding { state: FindingState::Cleared, ..f.clone() });
    }
    let mut computed: Vec<Finding> = w.after.outcome.findings.iter().filter(|f| n.bears(f)).cloned().collect();
    let now = |id: &str| state(w.triage_after, id).filter(|s| *s != FindingState::Cleared).unwrap_or_default();
    let by_id: HashMap<String, Finding> = computed.iter().map(|f| (f.id.clone(), f.clone())).collect();
    let (mut new, mut reopened, mut cleared) = (Vec::new(), Vec::new(), Vec::new());
    for change in merge(&stored, &mut computed) {
        match change {
            Change::New(id) => new.push(n.finding(&by_id[&id], now(&id))),
            Change::Reopened { id, why } => {
                reopened.push(FindingEntry { why: Some(why.to_string()), ..n.finding(&by_id[&id], now(&id)) })
            }
            Change::Cleared(id) => cleared.push(n.finding(&stored[&id], FindingState::Cleared)),
            Change::Updated(_) => {}
        }
    }
    (new, reopened, cleared)
}

/// Editors' triage in the window (the reconciler's own steps are the findings above).
fn triaged(w: &Inputs, n: &Naming) -> Vec<Triaged> {
    w.log
        .triage
        .iter()
        .filter(|t| t.by != "reconcile")
        .filter_map(|t| {
            let f = w.triaged.get(&t.finding).filter(|f| n.bears(f))?;
            let finding = Finding { note: t.note.clone(), ..f.clone() };
            Some(Triaged {
                finding: n.finding(&finding, t.state),
                note: t.note.clone(),
                by: t.by.clone(),
                at: t.at.clone(),
            })
        })
        .collect()
}

/// A correction's changes as a reader reads them: a proposition by its text, not its id.
fn changes_named(n: &Naming, c: &StoredCorrection) -> Vec<String> {
    let (mut correction, mut before) = (c.correction.clone(), c.before.clone());
    for values in [&mut correction.set, &mut before] {
        if let Some(serde_json::Value::String(id)) = values.get_mut("proposition") {
            *id = format!("“{}”", n.text(id));
        }
    }
    correction.changes(&before)
}

/// A reading's propositions by id.
fn by_id(o: &Outcome) -> HashMap<&str, &PropositionOutcome> {
    o.propositions.iter().map(|p| (p.id.as_str(), p)).collect()
}

/// Requests answered in the window, and those whose deadline passed in it unanswered.
fn answers(w: &Inputs, n: &Naming) -> (Vec<RequestEntry>, Vec<RequestEntry>) {
    let (mut answered, mut overdue) = (Vec::new(), Vec::new());
    for (p, q) in requests(w.after.outcome) {
        match Naming::answer(&n.after, p, &q.party) {
            Some(c) if Naming::answer(&n.before, p, &q.party).is_none() => {
                answered.push(RequestEntry { claim: Some(c.claim.clone()), stance: Some(c.stance), ..n.request(p, q) })
            }
            None if q.deadline_passed && q.deadline.is_some_and(|d| d.end() > w.since.0) => {
                overdue.push(n.request(p, q))
            }
            _ => {}
        }
    }
    (answered, overdue)
}

/// What a window added (new) and changed, by the ids of the records the report shows.
#[derive(Default)]
struct Marks {
    claims: HashMap<String, Mark>,
    findings: HashMap<String, Mark>,
    requests: HashMap<String, Mark>,
    sources: HashMap<String, Mark>,
    /// Propositions with a position changed or a verdict set.
    propositions: BTreeSet<String>,
}

/// Marks `id`, keeping the stronger mark (new over changed).
fn mark(marks: &mut HashMap<String, Mark>, id: &str, m: Mark) {
    let slot = marks.entry(id.to_string()).or_insert(m);
    *slot = (*slot).max(m);
}

impl Marks {
    fn of(d: &Digest) -> Marks {
        let mut m = Marks::default();
        for c in &d.claims_added {
            mark(&mut m.claims, &c.claim, Mark::New);
        }
        let changed_claims = d.claims_corrected.iter().map(|c| &c.claim.claim);
        let retracted_claims = d.retractions.iter().filter_map(|x| x.claim.as_ref()).map(|c| &c.claim);
        let turned = d.positions_changed.iter().flat_map(|p| &p.claims);
        for id in changed_claims.chain(retracted_claims).chain(turned) {
            mark(&mut m.claims, id, Mark::Changed);
        }
        for f in &d.findings_new {
            mark(&mut m.findings, &f.finding, Mark::New);
        }
        for f in d.findings_reopened.iter().chain(d.findings_triaged.iter().map(|t| &t.finding)) {
            mark(&mut m.findings, &f.finding, Mark::Changed);
        }
        for q in &d.requests_added {
            mark(&mut m.requests, &q.request, Mark::New);
        }
        for q in d.requests_answered.iter().chain(&d.requests_overdue) {
            mark(&mut m.requests, &q.request, Mark::Changed);
        }
        for s in &d.sources_added {
            mark(&mut m.sources, &s.source, Mark::New);
        }
        for x in d.retractions.iter().filter(|x| x.kind == TargetKind::Source) {
            mark(&mut m.sources, &x.target, Mark::Changed);
        }
        m.propositions.extend(d.positions_changed.iter().map(|p| p.proposition.clone()));
        m.propositions.extend(d.verdicts.iter().map(|v| v.proposition.clone()));
        m
    }
}

impl Report {
    /// The report opened with the digest of a window (`report --since`), and each claim,
    /// finding, request, source and proposition in its body that the window added or
    /// changed marked.
    pub fn with_changes(mut self, d: Digest) -> Report {
        let m = Marks::of(&d);
        for p in &mut self.propositions {
            for c in &mut p.claims {
                c.change = m.claims.get(&c.claim).copied();
            }
            for f in &mut p.findings {
                f.change = m.findings.get(&f.finding.id).copied();
            }
            for q in &mut p.requests {
                q.change = m.requests.get(&q.id).copied();
            }
            let inside = p.claims.iter().map(|c| c.change).chain(p.findings.iter().map(|f| f.change));
            let inside = inside.chain(p.requests.iter().map(|q| q.change)).flatten().next().is_some();
            p.change = (inside || m.propositions.contains(&p.id)).then_some(Mark::Changed);
        }
        for s in &mut self.sources {
            s.change = m.sources.get(&s.id).copied();
        }
        self.changes = Some(d);
        self
    }
}

/// A claim in words, by its party, stance, proposition and source, in the past tense so it
/// agrees with any name: "China's foreign ministry denied “Chinese experts helped…” (read
/// in Reuters report)", "German investigators affirmed …".
fn claim_entry(c: &ClaimEntry) -> String {
    let verb = match c.stance {
        Stance::Affirms => "affirmed",
        Stance::Denies => "denied",
        Stance::Qualifies => "qualified",
        Stance::Neutral => "commented without taking a side on",
        Stance::Declined => "declined to comment on",
        Stance::NoResponse => "did not respond on",
    };
    format!("{} {verb} {} (read in {})", c.party_name, quoted(&c.proposition_text), c.source_title)
}

/// A proposition's text in quotes, cut for a line.
fn quoted(text: &str) -> String {
    format!("“{}”", words::short(text, 80))
}

/// A finding in a digest's words: "conflict on “…”: affirmed by A; denied by B".
fn finding_entry(f: &FindingEntry) -> String {
    let on = f.proposition_text.as_deref().map(|t| format!(" on {}", quoted(t))).unwrap_or_default();
    let kind = f.kind.as_str();
    format!("{} {kind}{on}: {}", f.severity.as_str().to_uppercase(), f.said)
}

/// A request in words: "Kremlin, asked by Reuters about “…” (on 24 Sep 2025, due 26 Sep 2025)".
fn request_entry(q: &RequestEntry) -> String {
    let mut when: Vec<String> = q.asked.iter().map(|d| d.on()).collect();
    when.extend(q.deadline.map(|d| format!("due {}", d.human())));
    let when = if when.is_empty() { String::new() } else { format!(" ({})", when.join(", ")) };
    format!("{}, asked by {} about {}{when}", q.party_name, q.by_name, quoted(&q.proposition_text))
}

/// One section of the digest: its title and its lines, each with the id an editor acts on
/// (a finding's), if any.
pub type DigestSection = (&'static str, Vec<(String, Option<String>)>);

/// The digest in words, section by section, the same in every format; sections with
/// nothing in them are left out.
pub fn sections(d: &Digest) -> Vec<DigestSection> {
    let plain = |text: String| (text, None);
    let finding = |f: &FindingEntry, more: String| (format!("{}{more}", finding_entry(f)), Some(f.finding.clone()));
    let sections: Vec<DigestSection> = vec![
        ("Claims added", d.claims_added.iter().map(|c| plain(claim_entry(c))).collect()),
        (
            "Claims corrected",
            d.claims_corrected
                .iter()
                .map(|c| {
                    let by = c.by.as_deref().map(|b| format!("; by {b}")).unwrap_or_default();
                    plain(format!("{}: {} (why: {}{by})", claim_entry(&c.claim), c.changes.join("; "), c.reason))
                })
                .collect(),
        ),
        (
            "Retracted",
            d.retractions
                .iter()
                .map(|x| {
                    let what = match (&x.claim, &x.title) {
                        (Some(c), _) => format!("{} — withdrawn by the party", claim_entry(c)),
                        (None, title) => {
                            format!("“{}” — retracted by the source", title.as_deref().unwrap_or(&x.target))
                        }
                    };
                    plain(format!("{what} {}: {}", x.date.on(), x.reason))
                })
                .collect(),
        ),
        (
            "Positions changed",
            d.positions_changed
                .iter()
                .map(|p| plain(format!("{} on {}: {} → {}", p.party_name, quoted(&p.proposition_text), p.from, p.to)))
                .collect(),
        ),
        ("New findings", d.findings_new.iter().map(|f| finding(f, String::new())).collect()),
        (
            "Reopened findings",
            d.findings_reopened
                .iter()
                .map(|f| finding(f, format!(" ({})", f.why.as_deref().unwrap_or("reopened"))))
                .collect(),
        ),
        ("Cleared findings", d.findings_cleared.iter().map(|f| finding(f, String::new())).collect()),
        (
            "Findings triaged",
            d.findings_triaged
                .iter()
                .map(|t| {
                    let note = t.note.as_deref().map(|n| format!(": “{n}”")).unwrap_or_default();
                    let text = format!("{} by {}{note} — {}", t.finding.state, t.by, finding_entry(&t.finding));
                    (text, Some(t.finding.finding.clone()))
                })
                .collect(),
        ),
        ("Requests for comment added", d.requests_added.iter().map(|q| plain(request_entry(q))).collect()),
        (
            "Requests answered",
            d.requests_answered
                .iter()
                .map(|q| {
                    let stance = q.stance.map_or("answered", Stance::label);
                    plain(format!("{}: {stance}", request_entry(q)))
                })
                .collect(),
        ),
        (
            "Requests now overdue",
            d.requests_overdue
                .iter()
                .map(|q| plain(format!("{}: no answer by the deadline", request_entry(q))))
                .collect(),
        ),
        (
            "Sources added",
            d.sources_added
                .iter()
                .map(|s| {
                    let mut about = vec![s.kind.clone()];
                    about.extend(s.publisher_name.clone());
                    plain(format!("“{}” ({})", s.title, about.join(", ")))
                })
                .collect(),
        ),
        (
            "Verdicts set",
            d.verdicts
                .iter()
                .map(|v| {
                    let scale = format!("{} on a scale from {} to {}", v.rating, v.worst, v.best);
                    plain(format!("{}: {} ({scale})", quoted(&v.proposition_text), v.label))
                })
                .collect(),
        ),
    ];
    sections.into_iter().filter(|(_, lines)| !lines.is_empty()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_agree_with_any_party_name() {
        let entry = ClaimEntry {
            claim: "c".into(),
            party: "z".into(),
            party_name: "German investigators".into(),
            stance: Stance::Affirms,
            proposition: "p".into(),
            proposition_text: "Divers sabotaged the pipeline.".into(),
            source: "s".into(),
            source_title: "Wire story".into(),
            quote: None,
        };
        assert!(claim_entry(&entry).starts_with("German investigators affirmed “Divers"), "{}", claim_entry(&entry));
    }
}
