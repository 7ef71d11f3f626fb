//! What a report holds, as data every format renders: the summary, each proposition's
//! positions, claims, findings and dates, the stance matrix, the sources and parties.

use super::{digest, words};
use crate::date::{Date, Timestamp};
use crate::model::{DateBasis, Finding, FindingKind, Reliability, SilenceReason, Stance, Status};
use crate::reconcile::{ClaimStatus, Side};
use serde::Serialize;
use std::collections::BTreeMap;

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
    /// Open (and acknowledged) findings by kind.
    pub open_findings: FindingCounts,
}

/// Findings counted by kind, listed (and written as JSON keys) in the order of the kinds'
/// names, as the report has always listed them.
#[derive(Clone, Debug, Default)]
pub struct FindingCounts(BTreeMap<FindingKind, usize>);

impl FindingCounts {
    pub fn add(&mut self, kind: FindingKind) {
        *self.0.entry(kind).or_insert(0) += 1;
    }

    /// Each kind counted, by name.
    pub fn by_name(&self) -> Vec<(FindingKind, usize)> {
        let mut counts: Vec<(FindingKind, usize)> = self.0.iter().map(|(k, n)| (*k, *n)).collect();
        counts.sort_by_key(|(k, _)| k.as_str());
        counts
    }
}

impl Serialize for FindingCounts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.by_name().into_iter().map(|(k, n)| (k.as_str(), n)))
    }
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

    pub(super) fn of_stance(stance: Stance) -> Cell {
        match stance {
            Stance::Affirms => Cell::Affirms,
            Stance::Denies => Cell::Denies,
            Stance::Qualifies => Cell::Qualifies,
            _ => Cell::Neutral,
        }
    }

    pub(super) fn of_silence(reason: SilenceReason) -> Cell {
        match reason {
            SilenceReason::Declined => Cell::Declined,
            SilenceReason::Awaiting => Cell::Awaiting,
            SilenceReason::NoResponse => Cell::NoResponse,
            SilenceReason::NotAsked => Cell::NotAsked,
        }
    }
}
