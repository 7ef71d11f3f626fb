//! The report model: the summary an editor reads first, then for each proposition who says
//! what, read where and resting on what, its findings and its dates; the stance matrix; the
//! sources and parties named, with their notes. Built from one reading of the record
//! ([`Outcome`]) and the records' names, titles and notes: it never decides on its own what
//! counts. Rendered by one module per format, so every format says the same thing.

pub mod digest;
pub mod html;
pub mod markdown;
pub mod terminal;
pub mod words;

use crate::date::{Date, Timestamp};
use crate::error::Result;
use crate::model::{
    ClaimRow, DateBasis, Finding, FindingKind, FindingState, Party, Reliability, SilenceReason, Source, Stance, Status,
    Story, Verdict,
};
use crate::output::{self, Format};
use crate::reconcile::{ClaimReading, ClaimStatus, Outcome, PropositionOutcome, Side};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Everything an editor's page holds.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// The story's title: `report.title` when set, else the text of the proposition that
    /// matters most (the first shown).
    pub title: String,
    pub database: String,
    pub as_of: Date,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub known_at: Option<Timestamp>,
    /// With `--since`: what changed since then, and below, each new or changed thing marked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<digest::Digest>,
    pub counts: Counts,
    pub summary: Summary,
    pub matrix: Matrix,
    pub propositions: Vec<PropositionReport>,
    /// Every source the report mentions, once, in date order.
    pub sources: Vec<SourceEntry>,
    /// Every party the report names, once, by name.
    pub parties: Vec<PartyEntry>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Counts {
    pub propositions: usize,
    /// Claims that count as of the date on the propositions shown.
    pub claims: usize,
    /// Of those claims, how many are retracted.
    pub retracted_claims: usize,
    /// Parties named on the propositions shown (claims, expected, asked).
    pub parties: usize,
    /// Open (and acknowledged) findings by kind (`FindingKind`'s names, in the order of the
    /// names: the JSON report's key order).
    pub open_findings: BTreeMap<String, usize>,
}

/// What an editor must know before publishing, one line per proposition and point.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    /// Propositions one party affirms and another denies.
    pub contested: Vec<SummaryLine>,
    /// Parties expected or asked with no position: overdue first, then awaiting an answer,
    /// then never asked, then those that declined to comment.
    pub unanswered: Vec<SummaryLine>,
    /// Affirmed on one line of evidence only, or only by anonymous parties.
    pub thin: Vec<SummaryLine>,
    /// Claims resting on a retracted source or citing a withdrawn claim.
    pub retracted_basis: Vec<SummaryLine>,
    /// Claims withdrawn by their party and sources retracted, with date and reason.
    pub retractions: Vec<SummaryLine>,
    /// The verdicts the desk has set that stand.
    pub verdicts: Vec<SummaryLine>,
}

impl Summary {
    /// The groups every format prints, in order, each with its heading: only those that
    /// hold something (no heading over nothing).
    pub fn groups(&self) -> Vec<(&'static str, &[SummaryLine])> {
        [
            ("Contested", &self.contested[..]),
            ("Who has not answered", &self.unanswered[..]),
            ("Resting on one line of evidence, or on anonymous parties only", &self.thin[..]),
            ("Resting on a retracted source", &self.retracted_basis[..]),
            ("Withdrawn or retracted", &self.retractions[..]),
            ("Verdicts set", &self.verdicts[..]),
        ]
        .into_iter()
        .filter(|(_, lines)| !lines.is_empty())
        .collect()
    }

    /// What the summary says when no group has a line.
    pub const NOTHING: &'static str =
        "Nothing is contested, unanswered, thinly sourced or resting on a retracted source.";
}

/// One line of the summary: the proposition it is about and what to know.
#[derive(Clone, Debug, Serialize)]
pub struct SummaryLine {
    pub proposition: String,
    pub text: String,
    pub what: String,
}

/// What `report --since` marks: added in the window, or changed in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mark {
    Changed,
    New,
}

impl Mark {
    pub fn word(self) -> &'static str {
        match self {
            Mark::New => "new",
            Mark::Changed => "changed",
        }
    }
}

/// One proposition: its standing, claims, findings, provenance and timeline.
#[derive(Clone, Debug, Serialize)]
pub struct PropositionReport {
    pub id: String,
    pub text: String,
    pub status: Status,
    /// With `--since`: something in it is new or changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<Mark>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    pub support: BTreeMap<&'static str, Side>,
    pub positions: Vec<Position>,
    /// Every claim that counts as of the date, oldest first (undated ones by when logged).
    pub claims: Vec<ClaimLine>,
    /// Open and acknowledged findings bearing on the proposition.
    pub findings: Vec<ReportFinding>,
    pub provenance: Vec<Lineage>,
    pub timeline: Vec<TimelineEntry>,
    /// Requests for comment that count, with their notes.
    pub requests: Vec<RequestLine>,
    /// The verdict that stands on it as of the date (the desk's own words), if any.
    pub verdict: Option<VerdictLine>,
    /// Every retraction bearing on it as of the date, with its reason: claims withdrawn by
    /// their party, sources its claims were read in or rest on retracted by the source.
    pub retractions: Vec<RetractionLine>,
    /// Findings an editor resolved or dismissed, with the state and note (open and
    /// acknowledged ones are in `findings`).
    pub triaged: Vec<ReportFinding>,
}

/// The verdict that stands on a proposition, as `verdict set` logged it.
#[derive(Clone, Debug, Serialize)]
pub struct VerdictLine {
    pub verdict: String,
    pub label: String,
    pub rating: f64,
    pub best: f64,
    pub worst: f64,
    pub explanation: Option<String>,
    pub url: Option<String>,
    /// Who reviewed it (the reviewer given, else who logged it).
    pub reviewer: Option<String>,
    pub published: Option<Date>,
    /// The party whose claim is reviewed, when the desk named one, and its name.
    pub claimant: Option<String>,
    pub claimant_name: Option<String>,
    /// The verdict in words, the same in every format.
    pub said: String,
}

/// A retraction bearing on a proposition: a claim withdrawn or a source retracted.
#[derive(Clone, Debug, Serialize)]
pub struct RetractionLine {
    pub target: String,
    /// `claim` or `source`.
    pub kind: &'static str,
    pub date: Date,
    pub reason: String,
    /// The retraction in words ("Columnist V withdrew the affirming claim on 20 Mar 2024:
    /// “...”"), the same in every format.
    pub said: String,
}

impl Report {
    /// The report under the story's own title (`report.title`), when one is set.
    pub fn with_title(mut self, title: Option<String>) -> Report {
        if let Some(title) = title {
            self.title = title;
        }
        self
    }

    /// The title of the source every claim in the report was read in, when they share one:
    /// said once at the top instead of on every row.
    pub fn read_in_by_all(&self) -> Option<&str> {
        let mut claims = self.propositions.iter().flat_map(|p| &p.claims);
        let first = claims.next()?;
        claims.all(|c| c.read_in == first.read_in).then_some(first.read_in_title.as_str())
    }
}

impl PropositionReport {
    /// The requests for comment as a block lists them: those asked by the same party on the
    /// same terms, with the same note, on one line ("Kremlin and IEMZ Kupol, asked by
    /// Reuters (no date given). Note: ..."), each with the strongest mark of its requests.
    pub fn request_lines(&self) -> Vec<(String, Option<Mark>)> {
        let mut groups: Vec<(&RequestLine, Vec<String>, Option<Mark>)> = Vec::new();
        for q in &self.requests {
            let same =
                |g: &&RequestLine| (&g.by, g.asked, g.deadline, &g.note) == (&q.by, q.asked, q.deadline, &q.note);
            match groups.iter_mut().find(|(g, _, _)| same(g)) {
                Some((_, names, change)) => {
                    names.push(q.party_name.clone());
                    *change = (*change).max(q.change);
                }
                None => groups.push((q, vec![q.party_name.clone()], q.change)),
            }
        }
        groups
            .into_iter()
            .map(|(q, names, change)| {
                let asked = q.asked.map_or_else(|| "no date given".to_string(), |d| d.on());
                let deadline = q.deadline.map(|d| format!(", due {}", d.human())).unwrap_or_default();
                let note = q.note.as_deref().map(|n| format!(" Note: {n}")).unwrap_or_default();
                (format!("{}, asked by {} ({asked}{deadline}).{note}", words::list(&names), q.by_name), change)
            })
            .collect()
    }

    /// The findings as a block lists them: each on its line, but silences for the same
    /// reason together ("Kremlin and IEMZ Kupol: asked by Reuters, no answer").
    pub fn finding_lines(&self) -> Vec<FindingLine<'_>> {
        let mut lines: Vec<FindingLine> = Vec::new();
        let mut silences: Vec<(SilenceReason, Vec<&ReportFinding>)> = Vec::new();
        for f in &self.findings {
            match (f.finding.kind, f.finding.reason) {
                (FindingKind::Silence, Some(reason)) if f.finding.related.is_empty() => {
                    match silences.iter_mut().find(|(r, _)| *r == reason) {
                        Some((_, group)) => group.push(f),
                        None => silences.push((reason, vec![f])),
                    }
                }
                _ => lines.push(FindingLine {
                    severity: f.finding.severity,
                    kind: f.finding.kind,
                    said: f.said.clone(),
                    ids: vec![&f.finding.id],
                    change: f.change,
                }),
            }
        }
        for (_, group) in silences {
            let names: Vec<String> = group.iter().map(|f| f.silent.clone()).collect();
            let findings: Vec<&Finding> = group.iter().map(|f| &f.finding).collect();
            lines.push(FindingLine {
                severity: group[0].finding.severity,
                kind: FindingKind::Silence,
                said: format!("{}: {}", words::list(&names), words::silence_reason(&findings)),
                ids: group.iter().map(|f| f.finding.id.as_str()).collect(),
                change: group.iter().filter_map(|f| f.change).max(),
            });
        }
        lines.sort_by_key(|l| l.severity);
        lines
    }
}

/// A finding with what it says in an editor's words.
#[derive(Clone, Debug, Serialize)]
pub struct ReportFinding {
    #[serde(flatten)]
    pub finding: Finding,
    /// The finding in an editor's words ("Kremlin: asked by Reuters, no answer").
    pub said: String,
    /// A silence's party, by name.
    #[serde(skip)]
    pub silent: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<Mark>,
}

/// Findings as a block lists them: silences for the same reason on one line.
pub struct FindingLine<'a> {
    pub severity: crate::model::Severity,
    pub kind: FindingKind,
    pub said: String,
    pub ids: Vec<&'a str>,
    pub change: Option<Mark>,
}

/// A party's standing claim, as the positions table shows it.
#[derive(Clone, Debug, Serialize)]
pub struct Position {
    pub party: String,
    pub party_name: String,
    pub stance: Stance,
    /// Null for an undated claim.
    pub date: Option<Date>,
    pub date_basis: DateBasis,
    pub claim: String,
    pub source: String,
    pub source_title: String,
    pub via: Option<String>,
    /// The logger's confidence that the party made the claim as logged (attribution).
    pub confidence: Option<f64>,
    /// The logger's own credibility grade for the claim.
    pub grade: Option<u8>,
}

/// One claim as the claims table shows it.
#[derive(Clone, Debug, Serialize)]
pub struct ClaimLine {
    pub claim: String,
    pub party: String,
    pub party_name: String,
    pub stance: Stance,
    pub date: Option<Date>,
    pub date_basis: DateBasis,
    /// When it was logged (shown beside "undated").
    pub logged: Option<Timestamp>,
    /// The source it was read in.
    pub read_in: String,
    pub read_in_title: String,
    /// The sources it rests on directly, when other than the one it was read in.
    pub rests_on: Vec<String>,
    pub rests_on_titles: Vec<String>,
    /// The name of the party that relayed it.
    pub via: Option<String>,
    #[serde(skip)]
    pub via_id: Option<String>,
    pub quote: Option<String>,
    pub note: Option<String>,
    /// Attribution confidence: how sure the logger is that the party said it as logged.
    pub confidence: Option<f64>,
    /// The logger's own credibility grade.
    pub grade: Option<u8>,
    pub status: ClaimStatus,
    pub retracted: Option<Date>,
    /// Why it was withdrawn, as the retraction says.
    pub retraction_reason: Option<String>,
    /// It is its party's position.
    pub position: bool,
    /// Its party turned here.
    pub reversal: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<Mark>,
}

/// A request for comment on the proposition.
#[derive(Clone, Debug, Serialize)]
pub struct RequestLine {
    pub id: String,
    pub party: String,
    pub party_name: String,
    pub by: String,
    pub by_name: String,
    pub asked: Option<Date>,
    pub deadline: Option<Date>,
    pub deadline_passed: bool,
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<Mark>,
}

/// How one claim reaches back to its root sources: every source on the way, each once.
#[derive(Clone, Debug, Serialize)]
pub struct Lineage {
    pub claim: String,
    pub party: String,
    pub stance: Stance,
    /// The claim's date (null when undated) and what it is: `stated`, `published` (its
    /// source's publication) or `undated`.
    pub date: Option<Date>,
    pub date_basis: DateBasis,
    pub via: Option<String>,
    /// The source the claim was read in.
    pub read_in: String,
    /// The sources it rests on directly.
    pub rests_on: Vec<String>,
    pub roots: Vec<String>,
    /// The sources from `read_in` and `rests_on` up to the roots, each once, in the order a
    /// walk first meets them; `derived_from` names the next ones by id.
    pub sources: Vec<TraceSource>,
}

/// One source on a claim's way to its roots.
#[derive(Clone, Debug, Serialize)]
pub struct TraceSource {
    pub source: String,
    pub title: String,
    pub kind: String,
    pub publisher: Option<String>,
    pub published: Option<Date>,
    pub retracted: Option<Date>,
    pub derived_from: Vec<String>,
    /// Of `derived_from`, those already listed higher up (the walk joins them there).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shown_above: Vec<String>,
    /// How many derivations from where the walk started.
    pub depth: usize,
    /// It derives from nothing further.
    pub root: bool,
}

/// One mark on a proposition's timeline.
#[derive(Clone, Debug, Serialize)]
pub struct TimelineEntry {
    /// Null for an undated claim: such claims are listed apart from dated events.
    pub date: Option<Date>,
    /// For claims: where the date comes from (stated, published or undated).
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

impl TimelineEntry {
    /// Its date as the timeline shows it: a claim's says whether the party said it then or
    /// the source reporting it was published then ("12 Mar 2024 (published)").
    pub fn when(&self) -> String {
        match (self.date, self.date_basis) {
            (date, Some(basis)) => words::claim_date(date, basis, None),
            (Some(d), None) => d.human(),
            (None, None) => "undated".to_string(),
        }
    }
}

/// A source the report mentions.
#[derive(Clone, Debug, Serialize)]
pub struct SourceEntry {
    pub id: String,
    /// The title, or what is known of an untitled source.
    pub title: String,
    /// The title cut for tables.
    pub short: String,
    pub kind: String,
    pub publisher: Option<String>,
    pub published: Option<Date>,
    pub reliability: Reliability,
    pub retracted: Option<Date>,
    /// Why the source retracted it.
    pub retraction_reason: Option<String>,
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub change: Option<Mark>,
}

/// A party the report names.
#[derive(Clone, Debug, Serialize)]
pub struct PartyEntry {
    pub id: String,
    pub name: String,
    pub anonymous: bool,
    pub note: Option<String>,
}

/// Parties as rows, propositions as columns, each cell the party's position.
#[derive(Clone, Debug, Serialize)]
pub struct Matrix {
    pub propositions: Vec<String>,
    /// The propositions' texts, in column order.
    pub texts: Vec<String>,
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
    /// Asked, and no answer by the deadline (or none set).
    NoResponse,
    /// Asked, and the deadline has not passed.
    Awaiting,
    /// Expected to speak, and nobody has asked.
    NotAsked,
    Blank,
}

impl Matrix {
    /// Who stands where on the `i`-th proposition: each position with its parties, the
    /// stances first (affirms, denies, qualifies, neutral), then the silences; no position,
    /// no entry.
    pub fn stands(&self, i: usize) -> Vec<(Cell, Vec<String>)> {
        let mut by_cell: Vec<(Cell, Vec<String>)> = Vec::new();
        for r in &self.rows {
            let c = r.cells[i];
            if c == Cell::Blank {
                continue;
            }
            match by_cell.iter_mut().find(|(k, _)| *k == c) {
                Some((_, names)) => names.push(r.party_name.clone()),
                None => by_cell.push((c, vec![r.party_name.clone()])),
            }
        }
        by_cell.sort_by_key(|(c, _)| *c as u8);
        by_cell
    }
}

impl Cell {
    pub fn label(self) -> &'static str {
        match self {
            Cell::Affirms => "affirms",
            Cell::Denies => "denies",
            Cell::Qualifies => "qualifies",
            Cell::Neutral => "neutral",
            Cell::Declined => "declined",
            Cell::NoResponse => "no answer",
            Cell::Awaiting => "awaiting",
            Cell::NotAsked => "not asked",
            Cell::Blank => "",
        }
    }

    fn of_stance(stance: Stance) -> Cell {
        match stance {
            Stance::Affirms => Cell::Affirms,
            Stance::Denies => Cell::Denies,
            Stance::Qualifies => Cell::Qualifies,
            _ => Cell::Neutral,
        }
    }

    fn of_silence(reason: SilenceReason) -> Cell {
        match reason {
            SilenceReason::Declined => Cell::Declined,
            SilenceReason::Awaiting => Cell::Awaiting,
            SilenceReason::NoResponse => Cell::NoResponse,
            SilenceReason::NotAsked => Cell::NotAsked,
        }
    }
}

/// Names, titles and notes by id: what the reading does not carry.
struct Names<'a> {
    parties: HashMap<&'a str, &'a Party>,
    sources: HashMap<&'a str, &'a Source>,
    claims: HashMap<&'a str, &'a ClaimRow>,
    retracted: &'a BTreeMap<String, Date>,
    /// Each retraction's reason, by what it retracts.
    reasons: HashMap<&'a str, &'a str>,
}

impl<'a> Names<'a> {
    fn new(story: &'a Story, outcome: &'a Outcome) -> Names<'a> {
        Names {
            parties: story.parties.iter().map(|p| (p.id.as_str(), p)).collect(),
            sources: story.sources.iter().map(|s| (s.id.as_str(), s)).collect(),
            claims: story.claims.iter().map(|c| (c.id(), c)).collect(),
            retracted: &outcome.retracted,
            reasons: story.retractions.iter().map(|x| (x.target.as_str(), x.reason.as_str())).collect(),
        }
    }

    fn party(&self, id: &str) -> String {
        self.parties.get(id).map_or_else(|| id.to_string(), |p| p.name.clone())
    }

    fn source(&self, id: &str) -> String {
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
    let mut open_findings = BTreeMap::new();
    let shown: HashSet<&str> = propositions.iter().map(|p| p.id.as_str()).collect();
    for f in outcome
        .findings
        .iter()
        .filter(|f| f.state.is_open() && f.propositions.iter().any(|p| shown.contains(p.as_str())))
    {
        *open_findings.entry(f.kind.to_string()).or_insert(0) += 1;
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

/// How a report is drawn beyond its format.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    /// The width the terminal report fits.
    pub width: usize,
    /// Show record ids beside the words.
    pub show_ids: bool,
}

impl Default for Style {
    fn default() -> Self {
        Style { width: terminal::DEFAULT_WIDTH, show_ids: false }
    }
}

/// The report in one of its formats.
pub fn render(report: &Report, format: Format, style: Style) -> Result<String> {
    Ok(match format {
        Format::Markdown => markdown::render(report, style),
        Format::Html => html::render(report, style),
        Format::Json => {
            let mut out = Vec::new();
            output::json(&mut out, report)?;
            String::from_utf8(out).expect("JSON is UTF-8")
        }
        _ => terminal::render(report, style),
    })
}
