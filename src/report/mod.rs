//! The report model: for each proposition who says what, through which sources, what
//! conflicts and who is silent; the stance matrix; timelines; provenance traces. One model,
//! rendered by one module per format, so every format says the same thing.

pub mod html;
pub mod markdown;
pub mod terminal;

use crate::date::Date;
use crate::model::{ClaimRow, DateBasis, Party, Request, Source, Stance, Story};
use crate::reconcile::{Finding, FindingKind, FindingState, Outcome, PropositionOutcome, Side, SilenceReason, Status};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Everything an editor's one page holds.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    pub database: String,
    pub as_of: Date,
    pub counts: Counts,
    pub matrix: Matrix,
    pub propositions: Vec<PropositionReport>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Counts {
    pub propositions: usize,
    pub claims: usize,
    /// Of those claims, how many are retracted.
    pub retracted_claims: usize,
    pub parties: usize,
    /// Open (and acknowledged) findings by kind.
    pub open_findings: BTreeMap<String, usize>,
}

/// One proposition: its standing, positions, open findings, provenance and timeline.
#[derive(Clone, Debug, Serialize)]
pub struct PropositionReport {
    pub id: String,
    pub text: String,
    pub status: Status,
    pub support: BTreeMap<&'static str, Side>,
    pub positions: Vec<Position>,
    pub findings: Vec<Finding>,
    pub provenance: Vec<Lineage>,
    pub timeline: Vec<Event>,
}

/// A party's latest stance on the proposition, as the positions table shows it.
#[derive(Clone, Debug, Serialize)]
pub struct Position {
    pub party: String,
    pub party_name: String,
    pub stance: Stance,
    pub date: Date,
    /// stated, published (the source's date) or logged (no date was given).
    pub date_basis: DateBasis,
    pub claim: String,
    pub source: String,
    pub source_title: String,
    pub via: Option<String>,
    pub confidence: Option<f64>,
    pub grade: Option<u8>,
}

/// How one claim reaches back to its root sources.
#[derive(Clone, Debug, Serialize)]
pub struct Lineage {
    pub claim: String,
    pub party: String,
    pub stance: Stance,
    pub via: Option<String>,
    pub trace: Trace,
}

/// A source and what it derives from, down to the roots.
#[derive(Clone, Debug, Serialize)]
pub struct Trace {
    pub source: String,
    pub title: String,
    pub kind: String,
    pub publisher: Option<String>,
    pub published: Option<Date>,
    pub retracted: Option<Date>,
    /// The source was already shown higher up this chain: a derivation loop.
    pub loops_back: bool,
    pub derived_from: Vec<Trace>,
}

/// One mark on a proposition's timeline.
#[derive(Clone, Debug, Serialize)]
pub struct Event {
    pub date: Date,
    /// For claims: where the date comes from (stated, published or logged).
    pub date_basis: Option<DateBasis>,
    /// claim, request, deadline or retraction.
    pub kind: &'static str,
    pub party: String,
    pub party_name: String,
    pub stance: Option<Stance>,
    pub claim: Option<String>,
    /// The claim is where its party turned from affirming to denying, or back.
    pub reversal: bool,
    pub text: String,
}

/// Parties as rows, propositions as columns, each cell the party's position.
#[derive(Clone, Debug, Serialize)]
pub struct Matrix {
    pub propositions: Vec<String>,
    pub rows: Vec<MatrixRow>,
}

#[derive(Clone, Debug, Serialize)]
pub struct MatrixRow {
    pub party: String,
    pub party_name: String,
    /// One cell per proposition, in the matrix's column order.
    pub cells: Vec<Cell>,
}

/// What the matrix shows for one party on one proposition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cell {
    Affirms,
    Denies,
    Qualifies,
    Neutral,
    Declined,
    NoResponse,
    /// Expected (or asked) but no position and no recorded reason: awaiting or never asked.
    SilentButExpected,
    Blank,
}

impl Cell {
    pub fn label(self) -> &'static str {
        match self {
            Cell::Affirms => "affirms",
            Cell::Denies => "denies",
            Cell::Qualifies => "qualifies",
            Cell::Neutral => "neutral",
            Cell::Declined => "declined",
            Cell::NoResponse => "no response",
            Cell::SilentButExpected => "silent (expected)",
            Cell::Blank => "",
        }
    }
}

/// Whether a finding still asks for an editor's attention.
pub fn is_open(f: &Finding) -> bool {
    matches!(f.state, FindingState::Open | FindingState::Acknowledged)
}

struct Index<'a> {
    parties: HashMap<&'a str, &'a Party>,
    sources: HashMap<&'a str, &'a Source>,
    retracted: HashMap<&'a str, Date>,
    reasons: HashMap<&'a str, &'a str>,
}

impl<'a> Index<'a> {
    fn new(story: &'a Story, as_of: &Date) -> Index<'a> {
        Index {
            parties: story.parties.iter().map(|p| (p.id.as_str(), p)).collect(),
            sources: story.sources.iter().map(|s| (s.id.as_str(), s)).collect(),
            retracted: story
                .retractions
                .iter()
                .filter(|x| x.date.on_or_before(as_of))
                .map(|x| (x.target.as_str(), x.date))
                .collect(),
            reasons: story.retractions.iter().map(|x| (x.target.as_str(), x.reason.as_str())).collect(),
        }
    }

    fn party_name(&self, id: &str) -> String {
        self.parties.get(id).map_or_else(|| id.to_string(), |p| p.name.clone())
    }

    /// The derivation tree of a source; a source seen higher up the chain is marked, not followed.
    fn trace(&self, source: &str, path: &mut Vec<String>) -> Trace {
        let s = self.sources.get(source);
        let loops_back = path.iter().any(|p| p == source);
        let mut trace = Trace {
            source: source.to_string(),
            title: s.map_or_else(String::new, |s| s.title.clone()),
            kind: s.map_or_else(String::new, |s| s.kind.to_string()),
            publisher: s.and_then(|s| s.publisher.as_deref()).map(|p| self.party_name(p)),
            published: s.and_then(|s| s.published),
            retracted: self.retracted.get(source).copied(),
            loops_back,
            derived_from: Vec::new(),
        };
        if !loops_back {
            path.push(source.to_string());
            trace.derived_from =
                s.map(|s| s.derived_from.iter().map(|d| self.trace(d, path)).collect()).unwrap_or_default();
            path.pop();
        }
        trace
    }
}

/// The provenance chain of one claim (for `claimtrack trace`).
pub fn trace_claim(story: &Story, claim: &ClaimRow, as_of: &Date) -> Lineage {
    let index = Index::new(story, as_of);
    lineage(&index, claim)
}

fn lineage(index: &Index, c: &ClaimRow) -> Lineage {
    Lineage {
        claim: c.id().to_string(),
        party: index.party_name(&c.claim.party),
        stance: c.claim.stance,
        via: c.claim.via.as_deref().map(|v| index.party_name(v)),
        trace: index.trace(&c.claim.source, &mut Vec::new()),
    }
}

/// Builds the report for the propositions chosen (all, most contested first, when `only` is
/// empty).
pub fn build(database: &str, story: &Story, outcome: &Outcome, only: &[String]) -> Report {
    let as_of = outcome.as_of;
    let index = Index::new(story, &as_of);
    let counted: Vec<&ClaimRow> = story.claims.iter().filter(|c| c.date.on_or_before(&as_of)).collect();
    let mut open_findings = BTreeMap::new();
    for f in outcome.findings.iter().filter(|f| is_open(f)) {
        *open_findings.entry(f.kind.to_string()).or_insert(0) += 1;
    }
    let mut chosen: Vec<&PropositionOutcome> =
        outcome.propositions.iter().filter(|p| only.is_empty() || only.contains(&p.id)).collect();
    chosen.sort_by_key(|p| {
        let worst = outcome
            .findings
            .iter()
            .filter(|f| is_open(f) && f.proposition.as_deref() == Some(p.id.as_str()))
            .map(|f| f.severity)
            .min();
        (
            p.status != Status::Contested,
            worst.is_none(),
            worst,
            std::cmp::Reverse(open_count(outcome, &p.id)),
            p.id.clone(),
        )
    });
    let propositions: Vec<PropositionReport> =
        chosen.iter().map(|p| proposition(&index, story, outcome, &counted, p)).collect();
    Report {
        database: database.to_string(),
        as_of,
        counts: Counts {
            propositions: story.propositions.len(),
            claims: counted.len(),
            retracted_claims: counted.iter().filter(|c| index.retracted.contains_key(c.id())).count(),
            parties: story.parties.len(),
            open_findings,
        },
        matrix: matrix(&index, outcome, &propositions),
        propositions,
    }
}

fn open_count(outcome: &Outcome, prop: &str) -> usize {
    outcome.findings.iter().filter(|f| is_open(f) && f.proposition.as_deref() == Some(prop)).count()
}

fn proposition(
    index: &Index,
    story: &Story,
    outcome: &Outcome,
    counted: &[&ClaimRow],
    p: &PropositionOutcome,
) -> PropositionReport {
    let live: Vec<&ClaimRow> = counted
        .iter()
        .copied()
        .filter(|c| c.claim.proposition == p.id && !index.retracted.contains_key(c.id()))
        .collect();
    let mut latest: BTreeMap<&str, &ClaimRow> = BTreeMap::new();
    for c in live.iter().filter(|c| c.claim.stance.is_position()) {
        latest.insert(c.claim.party.as_str(), c);
    }
    let positions: Vec<Position> = latest
        .values()
        .map(|c| Position {
            party: c.claim.party.clone(),
            party_name: index.party_name(&c.claim.party),
            stance: c.claim.stance,
            date: c.date,
            date_basis: c.date_basis,
            claim: c.id().to_string(),
            source: c.claim.source.clone(),
            source_title: index.sources.get(c.claim.source.as_str()).map_or_else(String::new, |s| s.title.clone()),
            via: c.claim.via.as_deref().map(|v| index.party_name(v)),
            confidence: c.claim.confidence.as_ref().map(|x| x.0),
            grade: c.claim.grade.as_ref().map(|g| g.0),
        })
        .collect();
    let findings: Vec<Finding> = outcome
        .findings
        .iter()
        .filter(|f| is_open(f) && f.proposition.as_deref() == Some(p.id.as_str()))
        .cloned()
        .collect();
    let sided: BTreeSet<&str> = p.support.values().flat_map(|s| s.claims.iter().map(String::as_str)).collect();
    let provenance = live.iter().filter(|c| sided.contains(c.id())).map(|c| lineage(index, c)).collect();
    let turns: HashSet<&str> = outcome
        .findings
        .iter()
        .filter(|f| f.kind == FindingKind::Reversal && f.proposition.as_deref() == Some(p.id.as_str()))
        .flat_map(|f| f.claims.iter().skip(1).map(String::as_str))
        .collect();
    let requests: Vec<&Request> = story
        .requests
        .iter()
        .filter(|q| q.proposition == p.id && q.asked.is_none_or(|d| d.on_or_before(&outcome.as_of)))
        .collect();
    PropositionReport {
        id: p.id.clone(),
        text: p.text.clone(),
        status: p.status,
        support: p.support.clone(),
        positions,
        findings,
        provenance,
        timeline: timeline(index, counted, &p.id, &requests, &turns, &outcome.as_of),
    }
}

fn timeline(
    index: &Index,
    counted: &[&ClaimRow],
    prop: &str,
    requests: &[&Request],
    turns: &HashSet<&str>,
    as_of: &Date,
) -> Vec<Event> {
    let mut events = Vec::new();
    let event = |date: Date, kind: &'static str, party: &str, text: String| Event {
        date,
        date_basis: None,
        kind,
        party: party.to_string(),
        party_name: if party.is_empty() { "(sources)".to_string() } else { index.party_name(party) },
        stance: None,
        claim: None,
        reversal: false,
        text,
    };
    let mut retracted_sources = BTreeSet::new();
    for c in counted.iter().filter(|c| c.claim.proposition == prop) {
        let quote = c.claim.quote.as_deref().map(|q| format!(": “{q}”")).unwrap_or_default();
        let via = c.claim.via.as_deref().map(|v| format!(" (via {})", index.party_name(v))).unwrap_or_default();
        let name = index.party_name(&c.claim.party);
        events.push(Event {
            date_basis: Some(c.date_basis),
            stance: Some(c.claim.stance),
            claim: Some(c.id().to_string()),
            reversal: turns.contains(c.id()),
            ..event(c.date, "claim", &c.claim.party, format!("{name} {}{via}{quote}", c.claim.stance.label()))
        });
        if let Some(date) = index.retracted.get(c.id()) {
            let reason = index.reasons.get(c.id()).map(|r| format!(": {r}")).unwrap_or_default();
            let text = format!("{name}'s claim ({}) retracted{reason}", c.claim.stance.label());
            events.push(Event { claim: Some(c.id().to_string()), ..event(*date, "retraction", &c.claim.party, text) });
        }
        retracted_sources.insert(c.claim.source.as_str());
    }
    // A retracted source undermines the claims found in it: it belongs on their timeline.
    for source in retracted_sources {
        if let (Some(date), Some(s)) = (index.retracted.get(source), index.sources.get(source)) {
            let reason = index.reasons.get(source).map(|r| format!(": {r}")).unwrap_or_default();
            let publisher = s.publisher.as_deref().unwrap_or("");
            events.push(event(*date, "retraction", publisher, format!("source “{}” retracted{reason}", s.title)));
        }
    }
    for q in requests {
        if let Some(asked) = q.asked {
            let text = format!("{} asked by {}", index.party_name(&q.party), index.party_name(&q.by));
            events.push(event(asked, "request", &q.party, text));
        }
        if let Some(deadline) = q.deadline.filter(|d| d.on_or_before(as_of) || q.asked.is_some()) {
            events.push(event(deadline, "deadline", &q.party, format!("deadline for {}", index.party_name(&q.party))));
        }
    }
    events.sort_by(|a, b| (a.date, a.kind, &a.party).cmp(&(b.date, b.kind, &b.party)));
    events
}

/// A date as reports show it: one that only says when a claim was logged is marked so.
pub fn shown_date(date: &Date, basis: Option<DateBasis>) -> String {
    match basis {
        Some(DateBasis::Logged) => format!("{date} (logged)"),
        _ => date.to_string(),
    }
}

fn matrix(index: &Index, outcome: &Outcome, props: &[PropositionReport]) -> Matrix {
    let mut cells: BTreeMap<&str, BTreeMap<&str, Cell>> = BTreeMap::new();
    for p in props {
        for pos in &p.positions {
            let cell = match pos.stance {
                Stance::Affirms => Cell::Affirms,
                Stance::Denies => Cell::Denies,
                Stance::Qualifies => Cell::Qualifies,
                _ => Cell::Neutral,
            };
            cells.entry(pos.party.as_str()).or_default().insert(p.id.as_str(), cell);
        }
    }
    // Silences come from the reconciler, whatever their triage: a dismissed silence is still one.
    for f in outcome.findings.iter().filter(|f| f.kind == FindingKind::Silence && f.state != FindingState::Cleared) {
        let (Some(prop), Some(party)) = (f.proposition.as_deref(), f.parties.first()) else { continue };
        if !props.iter().any(|p| p.id == prop) {
            continue;
        }
        let cell = match f.reason {
            Some(SilenceReason::Declined) => Cell::Declined,
            Some(SilenceReason::NoResponse) => Cell::NoResponse,
            _ => Cell::SilentButExpected,
        };
        cells.entry(party.as_str()).or_default().insert(prop, cell);
    }
    let propositions: Vec<String> = props.iter().map(|p| p.id.clone()).collect();
    let mut rows: Vec<MatrixRow> = cells
        .into_iter()
        .map(|(party, row)| MatrixRow {
            party: party.to_string(),
            party_name: index.party_name(party),
            cells: propositions.iter().map(|p| row.get(p.as_str()).copied().unwrap_or(Cell::Blank)).collect(),
        })
        .collect();
    rows.sort_by(|a, b| (a.party_name.to_lowercase(), &a.party).cmp(&(b.party_name.to_lowercase(), &b.party)));
    Matrix { propositions, rows }
}

/// A finding in an editor's words: the reconciler's detail, with the triage note if any.
pub fn plain(f: &Finding) -> String {
    let mut text = f.detail.clone();
    if f.state == FindingState::Acknowledged {
        text.push_str(" [acknowledged");
        if let Some(note) = &f.note {
            text.push_str(": ");
            text.push_str(note);
        }
        text.push(']');
    }
    text
}

/// A trace as one line: "Title (id) ← Upstream (id2) ← Root (id3)"; branches in braces.
pub fn chain(t: &Trace) -> String {
    let mut label = format!("{} ({})", t.title, t.source);
    if let Some(d) = t.retracted {
        label.push_str(&format!(" [retracted {d}]"));
    }
    if t.loops_back {
        return format!("{label} [loop]");
    }
    match t.derived_from.as_slice() {
        [] => format!("{label} [root]"),
        [one] => format!("{label} ← {}", chain(one)),
        many => format!("{label} ← {{{}}}", many.iter().map(chain).collect::<Vec<_>>().join("; ")),
    }
}

/// The header's counts in words: "6 propositions, 14 claims (1 retracted), 13 parties; open
/// findings: 2 conflict, 8 silence".
pub fn counts_line(c: &Counts) -> String {
    let findings: Vec<String> = c.open_findings.iter().map(|(k, n)| format!("{n} {k}")).collect();
    let retracted = if c.retracted_claims > 0 { format!(" ({} retracted)", c.retracted_claims) } else { String::new() };
    format!(
        "{} propositions, {} claims{retracted}, {} parties; open findings: {}",
        c.propositions,
        c.claims,
        c.parties,
        if findings.is_empty() { "none".to_string() } else { findings.join(", ") }
    )
}

/// How solid each side is, in words; sides nobody takes are left out.
pub fn support_line(p: &PropositionReport) -> String {
    let sides: Vec<String> = p
        .support
        .iter()
        .filter(|(_, s)| !s.claims.is_empty())
        .map(|(side, s)| {
            format!(
                "{side}: support {:.2}, Admiralty grade {}, {} independent root(s)",
                s.support,
                s.grade,
                s.roots.len()
            )
        })
        .collect();
    if sides.is_empty() {
        "no party affirms or denies".to_string()
    } else {
        sides.join("; ")
    }
}
