//! Builds a report (and a claim's trace) from one reading of the record: every line comes
//! from the `Outcome`; the story only lends names, titles and notes.

use super::*;
use crate::date::Date;
use crate::model::{
    ClaimRow, Finding, FindingKind, FindingState, Party, SilenceReason, Source, Status, Story, Verdict,
};
use crate::reconcile::{ClaimReading, ClaimStatus, Outcome, PropositionOutcome};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Names, titles and notes by id: what the reading does not carry.
pub(super) struct Names<'a> {
    pub(super) parties: HashMap<&'a str, &'a Party>,
    pub(super) sources: HashMap<&'a str, &'a Source>,
    pub(super) claims: HashMap<&'a str, &'a ClaimRow>,
    pub(super) retracted: &'a BTreeMap<String, Date>,
    /// Each retraction's reason, by what it retracts.
    pub(super) reasons: HashMap<&'a str, &'a str>,
}

impl<'a> Names<'a> {
    pub(super) fn new(story: &'a Story, outcome: &'a Outcome) -> Names<'a> {
        Names {
            parties: story.parties.iter().map(|p| (p.id.as_str(), p)).collect(),
            sources: story.sources.iter().map(|s| (s.id.as_str(), s)).collect(),
            claims: story.claims.iter().map(|c| (c.id(), c)).collect(),
            retracted: &outcome.retracted,
            reasons: story.retractions.iter().map(|x| (x.target.as_str(), x.reason.as_str())).collect(),
        }
    }

    pub(super) fn party(&self, id: &str) -> String {
        self.parties.get(id).map_or_else(|| id.to_string(), |p| p.name.clone())
    }

    pub(super) fn source(&self, id: &str) -> String {
        self.sources
            .get(id)
            .map_or_else(|| id.to_string(), |s| s.label_by(s.publisher.as_deref().map(|p| self.party(p)).as_deref()))
    }
}

/// Builds the report for the propositions chosen (all when `only` is empty), most
/// contested first. Everything comes from `outcome`; `story` only lends names and notes.
pub fn build(database: &str, story: &Story, outcome: &Outcome, only: &[String]) -> Report {
    let names = Names::new(story, outcome);
    let findings = ByProposition::new(outcome);
    let only: HashSet<&str> = only.iter().map(String::as_str).collect();
    let mut chosen: Vec<&PropositionOutcome> =
        outcome.propositions.iter().filter(|p| only.is_empty() || only.contains(p.id.as_str())).collect();
    chosen.sort_by_cached_key(|p| {
        let open: Vec<&Finding> = findings.open_on(&p.id).collect();
        let worst = open.iter().map(|f| f.severity).min();
        (p.status != Status::Contested, worst.is_none(), worst, std::cmp::Reverse(open.len()), p.id.clone())
    });
    let notes: HashMap<&str, &str> =
        story.propositions.iter().filter_map(|p| Some((p.id.as_str(), p.note.as_deref()?))).collect();
    let request_notes: HashMap<&str, &str> =
        story.requests.iter().filter_map(|q| Some((q.id.as_deref()?, q.note.as_deref()?))).collect();
    // The verdict that stands as of the reading: the latest logged by `known_at` and
    // published on or before the date.
    let mut verdicts: HashMap<&str, &Verdict> = HashMap::new();
    for v in story.verdicts.iter().filter(|v| {
        let known = outcome.known_at.is_none_or(|k| v.recorded.is_none_or(|t| t <= k));
        known && v.published.or(v.recorded.map(|t| t.date())).is_none_or(|d| d.on_or_before(&outcome.as_of))
    }) {
        verdicts.insert(v.proposition.as_str(), v);
    }
    let propositions: Vec<PropositionReport> = chosen
        .iter()
        .map(|p| {
            let mut block = proposition(&names, &findings, p, notes.get(p.id.as_str()).copied(), &request_notes);
            block.verdict = verdicts.get(p.id.as_str()).map(|v| verdict_line(&names, v));
            block
        })
        .collect();
    let mut open_findings = FindingCounts::default();
    let shown: HashSet<&str> = propositions.iter().map(|p| p.id.as_str()).collect();
    for f in outcome
        .findings
        .iter()
        .filter(|f| f.state.is_open() && f.propositions.iter().any(|p| shown.contains(p.as_str())))
    {
        open_findings.add(f.kind);
    }
    let party_ids: BTreeSet<&str> = propositions.iter().flat_map(named_parties).collect();
    let counts = Counts {
        propositions: propositions.len(),
        claims: propositions.iter().map(|p| p.claims.len()).sum(),
        retracted_claims: propositions
            .iter()
            .flat_map(|p| &p.claims)
            .filter(|c| c.status == ClaimStatus::Retracted)
            .count(),
        parties: party_ids.len(),
        open_findings,
    };
    Report {
        title: propositions.first().map_or_else(|| "Story report".to_string(), |p| p.text.clone()),
        database: database.to_string(),
        as_of: outcome.as_of,
        known_at: outcome.known_at,
        changes: None,
        counts,
        summary: summary(&names, &propositions),
        matrix: matrix(&names, &findings, &propositions),
        sources: sources(&names, &propositions),
        parties: parties(&names, &party_ids),
        propositions,
    }
}

/// Each proposition's number in the order the report shows them (from 1): the summary and
/// the matrix point at those numbers. Looked up, not searched for, once per summary line.
pub fn numbers(props: &[PropositionReport]) -> HashMap<&str, usize> {
    props.iter().enumerate().map(|(i, p)| (p.id.as_str(), i + 1)).collect()
}

fn verdict_line(names: &Names, v: &Verdict) -> VerdictLine {
    let mut line = VerdictLine {
        verdict: v.id.clone().unwrap_or_default(),
        label: v.label.clone(),
        rating: v.rating.0,
        best: v.best.0,
        worst: v.worst.0,
        explanation: v.explanation.clone(),
        url: v.url.clone(),
        reviewer: v.reviewer.clone().or_else(|| v.logged_by.clone()),
        published: v.published,
        claimant: v.claimant.clone(),
        claimant_name: v.claimant.as_deref().map(|c| names.party(c)),
        said: String::new(),
    };
    line.said = words::verdict_said(&line);
    line
}

/// The findings bearing on each proposition, in the outcome's order: looked up once per
/// proposition, where scanning every finding for each made a report quadratic.
struct ByProposition<'a>(HashMap<&'a str, Vec<&'a Finding>>);

impl<'a> ByProposition<'a> {
    fn new(outcome: &'a Outcome) -> Self {
        let mut by: HashMap<&str, Vec<&Finding>> = HashMap::new();
        for f in &outcome.findings {
            for p in &f.propositions {
                let list = by.entry(p.as_str()).or_default();
                // A proposition named twice by one finding still bears it once.
                if !list.last().is_some_and(|last| std::ptr::eq(*last, f)) {
                    list.push(f);
                }
            }
        }
        ByProposition(by)
    }

    /// Every finding bearing on a proposition, whatever its state.
    fn on(&self, proposition: &str) -> impl Iterator<Item = &'a Finding> + '_ {
        self.0.get(proposition).into_iter().flatten().copied()
    }

    /// The open findings bearing on a proposition.
    fn open_on(&self, proposition: &str) -> impl Iterator<Item = &'a Finding> + '_ {
        self.on(proposition).filter(|f| f.state.is_open())
    }
}

/// Every party a proposition's block names.
fn named_parties(p: &PropositionReport) -> impl Iterator<Item = &str> {
    let claims = p.claims.iter().flat_map(|c| [Some(c.party.as_str()), c.via_id.as_deref()]).flatten();
    let requests = p.requests.iter().flat_map(|q| [q.party.as_str(), q.by.as_str()]);
    let silent = p
        .findings
        .iter()
        .filter(|f| f.finding.kind == FindingKind::Silence)
        .flat_map(|f| f.finding.parties.iter().map(String::as_str));
    claims.chain(requests).chain(silent)
}

fn proposition(
    names: &Names,
    findings: &ByProposition,
    p: &PropositionOutcome,
    note: Option<&str>,
    request_notes: &HashMap<&str, &str>,
) -> PropositionReport {
    let claims: Vec<ClaimLine> = p.claims.iter().map(|c| claim_line(names, c)).collect();
    let by_id: HashMap<&str, &ClaimLine> = claims.iter().map(|c| (c.claim.as_str(), c)).collect();
    let positions = p
        .positions
        .iter()
        .filter_map(|pos| by_id.get(pos.claim.as_str()))
        .map(|c| Position {
            party: c.party.clone(),
            party_name: c.party_name.clone(),
            stance: c.stance,
            date: c.date,
            date_basis: c.date_basis,
            claim: c.claim.clone(),
            source: c.read_in.clone(),
            source_title: names.source(&c.read_in),
            via: c.via.clone(),
            confidence: c.confidence,
            grade: c.grade,
        })
        .collect();
    let sided: BTreeSet<&str> = p.support.values().flat_map(|s| s.claims.iter().map(String::as_str)).collect();
    let provenance = p.claims.iter().filter(|c| sided.contains(c.claim.as_str())).map(|c| lineage(names, c)).collect();
    let requests: Vec<RequestLine> = p
        .requests
        .iter()
        .map(|q| RequestLine {
            id: q.id.clone(),
            party: q.party.clone(),
            party_name: names.party(&q.party),
            by: q.by.clone(),
            by_name: names.party(&q.by),
            asked: q.asked,
            deadline: q.deadline,
            deadline_passed: q.deadline_passed,
            note: request_notes.get(q.id.as_str()).map(|n| n.to_string()),
            change: None,
        })
        .collect();
    PropositionReport {
        id: p.id.clone(),
        text: p.text.clone(),
        status: p.status,
        change: None,
        note: note.map(str::to_string),
        support: p.support.clone(),
        positions,
        timeline: timeline(names, p, &claims, &requests),
        retractions: retractions(names, p, &claims),
        claims,
        findings: findings.open_on(&p.id).map(|f| report_finding(names, f)).collect(),
        triaged: findings
            .on(&p.id)
            .filter(|f| matches!(f.state, FindingState::Resolved | FindingState::Dismissed))
            .map(|f| report_finding(names, f))
            .collect(),
        verdict: None,
        provenance,
        requests,
    }
}

/// A finding with its words.
fn report_finding(names: &Names, f: &Finding) -> ReportFinding {
    let silent = f.parties.first().map(|id| names.party(id)).unwrap_or_default();
    ReportFinding { said: words::finding_said(f, &silent), finding: f.clone(), silent, change: None }
}

/// The retractions bearing on a proposition, oldest first: its claims withdrawn, and the
/// sources its claims were read in or rest on (or cite through) retracted.
fn retractions(names: &Names, p: &PropositionOutcome, claims: &[ClaimLine]) -> Vec<RetractionLine> {
    let reason = |id: &str| names.reasons.get(id).map(|r| r.to_string()).unwrap_or_default();
    let mut out: Vec<RetractionLine> = claims
        .iter()
        .filter_map(|c| {
            let date = c.retracted?;
            let reason = reason(&c.claim);
            let said = words::withdrawn(&c.party_name, c.stance, date, &reason);
            Some(RetractionLine { target: c.claim.clone(), kind: "claim", date, reason, said })
        })
        .collect();
    let mut sources: BTreeSet<&str> = BTreeSet::new();
    for c in &p.claims {
        sources.extend(c.rests_on.iter().chain([&c.source]).map(String::as_str));
        sources.extend(c.retracted_basis.as_deref());
    }
    for s in sources {
        if let (Some(date), true) = (names.retracted.get(s), names.sources.contains_key(s)) {
            let reason = reason(s);
            let said = words::retracted_source(&names.source(s), *date, &reason);
            out.push(RetractionLine { target: s.to_string(), kind: "source", date: *date, reason, said });
        }
    }
    out.sort_by(|a, b| (a.date, &a.target).cmp(&(b.date, &b.target)));
    out
}

fn claim_line(names: &Names, c: &ClaimReading) -> ClaimLine {
    let logged = names.claims.get(c.claim.as_str()).map(|r| &r.claim);
    let rests_on = if c.rests_on == [c.source.clone()] { Vec::new() } else { c.rests_on.clone() };
    let via_id = logged.and_then(|l| l.via.clone());
    ClaimLine {
        claim: c.claim.clone(),
        party: c.party.clone(),
        party_name: names.party(&c.party),
        stance: c.stance,
        date: c.date,
        date_basis: c.date_basis,
        logged: c.logged,
        read_in: c.source.clone(),
        read_in_title: names.source(&c.source),
        rests_on_titles: rests_on.iter().map(|s| names.source(s)).collect(),
        rests_on,
        via: via_id.as_deref().map(|v| names.party(v)),
        via_id,
        quote: logged.and_then(|l| l.quote.clone()),
        note: logged.and_then(|l| l.note.clone()),
        confidence: logged.and_then(|l| l.confidence.as_ref()).map(|x| x.0),
        grade: logged.and_then(|l| l.grade.as_ref()).map(|g| g.0),
        status: c.status,
        retracted: c.retracted,
        retraction_reason: c.retracted.and(names.reasons.get(c.claim.as_str())).map(|r| r.to_string()),
        position: c.position,
        reversal: c.turn,
        change: None,
    }
}

/// A claim's lineage, walked without recursion: each source once, however the derivations
/// branch and rejoin, so a chain or a diamond of any size costs what it holds.
fn lineage(names: &Names, c: &ClaimReading) -> Lineage {
    let mut sources = Vec::new();
    let mut seen = BTreeSet::new();
    let start: Vec<&String> = std::iter::once(&c.source).chain(&c.rests_on).collect();
    let mut todo: Vec<(&str, usize)> = start.iter().rev().map(|s| (s.as_str(), 0)).collect();
    while let Some((id, depth)) = todo.pop() {
        if !seen.insert(id) {
            continue;
        }
        let s = names.sources.get(id);
        let derived: Vec<String> = s.map(|s| s.derived_from.clone()).unwrap_or_default();
        // What is not listed yet is listed next, under this source; the rest was above.
        let (below, above): (Vec<&String>, Vec<&String>) =
            s.into_iter().flat_map(|s| &s.derived_from).partition(|d| !seen.contains(d.as_str()));
        todo.extend(below.iter().rev().map(|d| (d.as_str(), depth + 1)));
        sources.push(TraceSource {
            source: id.to_string(),
            title: names.source(id),
            kind: s.map_or_else(String::new, |s| s.kind.to_string()),
            publisher: s.and_then(|s| s.publisher.as_deref()).map(|p| names.party(p)),
            published: s.and_then(|s| s.published),
            retracted: names.retracted.get(id).copied(),
            root: derived.is_empty(),
            derived_from: derived,
            shown_above: above.into_iter().cloned().collect(),
            depth,
        });
    }
    Lineage {
        claim: c.claim.clone(),
        party: names.party(&c.party),
        stance: c.stance,
        date: c.date,
        date_basis: c.date_basis,
        via: names.claims.get(c.claim.as_str()).and_then(|r| r.claim.via.as_deref()).map(|v| names.party(v)),
        read_in: c.source.clone(),
        rests_on: c.rests_on.clone(),
        roots: c.roots.clone(),
        sources,
    }
}

/// The provenance of one claim as of a reading (for `claimtrack trace`).
pub fn trace(story: &Story, outcome: &Outcome, claim: &str) -> Option<Lineage> {
    let names = Names::new(story, outcome);
    let reading = outcome.propositions.iter().flat_map(|p| &p.claims).find(|c| c.claim == claim)?;
    Some(lineage(&names, reading))
}

fn timeline(
    names: &Names,
    p: &PropositionOutcome,
    claims: &[ClaimLine],
    requests: &[RequestLine],
) -> Vec<TimelineEntry> {
    let event = |date: Option<Date>, kind: &'static str, party: &str, text: String| TimelineEntry {
        date,
        date_basis: None,
        kind,
        party: party.to_string(),
        party_name: if party.is_empty() { "(sources)".to_string() } else { names.party(party) },
        stance: None,
        claim: None,
        reversal: false,
        text,
    };
    let mut events = Vec::new();
    for c in claims {
        events.push(TimelineEntry {
            date_basis: Some(c.date_basis),
            stance: Some(c.stance),
            claim: Some(c.claim.clone()),
            reversal: c.reversal,
            ..event(c.date, "claim", &c.party, words::claim_said(c))
        });
        if let Some(date) = c.retracted {
            let text = format!("{} withdrew {}", c.party_name, words::the_claim(c.stance));
            events.push(TimelineEntry {
                claim: Some(c.claim.clone()),
                ..event(Some(date), "retraction", &c.party, text)
            });
        }
    }
    // A retracted source undermines the claims read in it or resting on it.
    let mut sources: BTreeSet<&str> = BTreeSet::new();
    for c in &p.claims {
        sources.extend(c.rests_on.iter().chain([&c.source]).map(String::as_str));
        sources.extend(c.retracted_basis.as_deref());
    }
    for s in sources {
        if let (Some(date), Some(src)) = (names.retracted.get(s), names.sources.get(s)) {
            let publisher = src.publisher.as_deref().unwrap_or("");
            events.push(event(
                Some(*date),
                "retraction",
                publisher,
                format!("“{}” retracted by the source", src.label()),
            ));
        }
    }
    for q in requests {
        if q.asked.is_some() {
            events.push(event(q.asked, "request", &q.party, format!("{} asked by {}", q.party_name, q.by_name)));
        }
        if let Some(deadline) = q.deadline {
            events.push(event(Some(deadline), "deadline", &q.party, format!("deadline for {}", q.party_name)));
        }
    }
    // Dated events in time order; undated claims last, in the order they were logged.
    events.sort_by(|a, b| {
        (a.date.is_none(), a.date, a.kind, &a.party).cmp(&(b.date.is_none(), b.date, b.kind, &b.party))
    });
    events
}

fn summary(names: &Names, props: &[PropositionReport]) -> Summary {
    let mut s = Summary::default();
    let line =
        |p: &PropositionReport, what: String| SummaryLine { proposition: p.id.clone(), text: p.text.clone(), what };
    for p in props {
        if p.status == Status::Contested {
            s.contested.push(line(p, words::sides(p)));
        }
        let mut thin = Vec::new();
        for f in &p.findings {
            let parties: Vec<String> = f.finding.parties.iter().map(|id| names.party(id)).collect();
            match f.finding.kind {
                FindingKind::SingleSource => thin.push(format!("one line of evidence ({})", words::list(&parties))),
                FindingKind::AnonymousOnly => thin.push("affirmed only by anonymous parties".to_string()),
                FindingKind::RetractedBasis => s.retracted_basis.push(line(p, f.said.clone())),
                _ => {}
            }
        }
        if !thin.is_empty() {
            s.thin.push(line(p, thin.join("; ")));
        }
        s.retractions.extend(p.retractions.iter().map(|x| line(p, x.said.clone())));
        s.verdicts.extend(p.verdict.iter().map(|v| line(p, v.said.clone())));
    }
    // Who has not answered: one line per proposition, each of its silent parties with its
    // reason, in the editor's order (overdue, awaiting, never asked, declined); the
    // propositions with the most pressing silence first, then in the report's order.
    let order = [SilenceReason::NoResponse, SilenceReason::Awaiting, SilenceReason::NotAsked, SilenceReason::Declined];
    let mut unanswered: Vec<(usize, SummaryLine)> = Vec::new();
    for p in props {
        let mut said = Vec::new();
        let mut first = None;
        for (rank, reason) in order.iter().enumerate() {
            let silent: Vec<&Finding> = p
                .findings
                .iter()
                .map(|f| &f.finding)
                .filter(|f| f.kind == FindingKind::Silence && f.reason == Some(*reason))
                .collect();
            if !silent.is_empty() {
                let parties: Vec<String> = silent.iter().flat_map(|f| &f.parties).map(|id| names.party(id)).collect();
                said.push(format!("{}: {}", words::list(&parties), words::silence_reason(&silent)));
                first.get_or_insert(rank);
            }
        }
        if let Some(rank) = first {
            unanswered.push((rank, line(p, said.join("; "))));
        }
    }
    unanswered.sort_by_key(|(rank, _)| *rank);
    s.unanswered = unanswered.into_iter().map(|(_, l)| l).collect();
    s
}

fn matrix(names: &Names, findings: &ByProposition, props: &[PropositionReport]) -> Matrix {
    let mut cells: BTreeMap<&str, BTreeMap<&str, Cell>> = BTreeMap::new();
    for p in props {
        for pos in &p.positions {
            cells.entry(pos.party.as_str()).or_default().insert(p.id.as_str(), Cell::of_stance(pos.stance));
        }
        // Silences whatever their triage: a dismissed silence is still one.
        let silences = findings.on(&p.id).filter(|f| f.kind == FindingKind::Silence);
        for f in silences {
            if let (Some(party), Some(reason)) = (f.parties.first(), f.reason) {
                cells.entry(party.as_str()).or_default().insert(p.id.as_str(), Cell::of_silence(reason));
            }
        }
    }
    let mut rows: Vec<MatrixRow> = cells
        .into_iter()
        .map(|(party, row)| MatrixRow {
            party: party.to_string(),
            party_name: names.party(party),
            cells: props.iter().map(|p| row.get(p.id.as_str()).copied().unwrap_or(Cell::Blank)).collect(),
        })
        .collect();
    rows.sort_by(|a, b| (a.party_name.to_lowercase(), &a.party).cmp(&(b.party_name.to_lowercase(), &b.party)));
    Matrix {
        propositions: props.iter().map(|p| p.id.clone()).collect(),
        texts: props.iter().map(|p| p.text.clone()).collect(),
        rows,
    }
}

/// The sources the report names, in date order (earliest published first, the undated
/// last; then by title).
fn sources(names: &Names, props: &[PropositionReport]) -> Vec<SourceEntry> {
    let mut ids: BTreeSet<&str> = BTreeSet::new();
    for p in props {
        for c in &p.claims {
            ids.insert(&c.read_in);
            ids.extend(c.rests_on.iter().map(String::as_str));
        }
        for l in &p.provenance {
            ids.extend(l.sources.iter().map(|s| s.source.as_str()));
        }
    }
    let mut entries: Vec<SourceEntry> = ids
        .into_iter()
        .filter_map(|id| names.sources.get(id))
        .map(|s| SourceEntry {
            id: s.id.clone(),
            title: names.source(&s.id),
            short: words::short(&names.source(&s.id), 48),
            kind: s.kind.to_string(),
            publisher: s.publisher.as_deref().map(|p| names.party(p)),
            published: s.published,
            reliability: s.reliability,
            retracted: names.retracted.get(&s.id).copied(),
            retraction_reason: names.retracted.get(&s.id).and(names.reasons.get(s.id.as_str())).map(|r| r.to_string()),
            note: s.note.clone(),
            change: None,
        })
        .collect();
    entries.sort_by(|a, b| {
        let key = |e: &SourceEntry| (e.published.is_none(), e.published, e.title.to_lowercase());
        key(a).cmp(&key(b)).then_with(|| a.id.cmp(&b.id))
    });
    entries
}

fn parties(names: &Names, ids: &BTreeSet<&str>) -> Vec<PartyEntry> {
    let mut out: Vec<PartyEntry> = ids
        .iter()
        .filter_map(|id| names.parties.get(id))
        .map(|p| PartyEntry { id: p.id.clone(), name: p.name.clone(), anonymous: p.anonymous, note: p.note.clone() })
        .collect();
    out.sort_by(|a, b| (a.name.to_lowercase(), &a.id).cmp(&(b.name.to_lowercase(), &b.id)));
    out
}
