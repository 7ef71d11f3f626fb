//! The reconciler: pure rules over a loaded story. For one `--as-of` and `--known-at` it
//! reads the record once: which claims count, each party's position, the lines of evidence
//! on each side, and what an editor must know before publishing (conflicts, reversals,
//! silences, weak sourcing, loops, retracted bases). Every view (report, matrix, timeline,
//! trace, exports, the stored `positions`) reads this one result and never filters on its
//! own (docs/RECONCILER.md). No SQL here: the store loads the story and keeps the triage.

mod evidence;
mod joined;
mod merge;
mod rules;
pub mod sourcing;
mod view;

pub use merge::{carried, merge, Change};
pub use view::AllSources;

use crate::date::{Date, Timestamp};
use crate::model::{DateBasis, Finding, Reliability, Stance, Status, Story};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use view::View;

/// A proposition's standing as of the reconcile date: the one reading every view shows.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PropositionOutcome {
    pub id: String,
    pub text: String,
    pub status: Status,
    /// The two sides, `affirms` and `denies`.
    pub support: BTreeMap<&'static str, Side>,
    /// Each party's position: its standing claim that affirms, denies, qualifies or is
    /// neutral, by party id.
    pub positions: Vec<Position>,
    /// Every claim on the proposition that counts as of the date (logged by `known_at`,
    /// dated on or before `as_of`), retracted and superseded ones included, oldest first.
    pub claims: Vec<ClaimReading>,
    /// The requests for comment on the proposition that count as of the date.
    pub requests: Vec<RequestReading>,
    /// The parties from whom a stance is expected.
    pub expected: Vec<String>,
}

/// One party's position on a proposition.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Position {
    pub party: String,
    pub stance: Stance,
    pub claim: String,
}

/// One side of a proposition (docs/RECONCILER.md, "Lines of evidence").
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Side {
    /// Parties whose position is this side.
    pub parties: Vec<String>,
    /// Their standing claims: what the lines are made of.
    pub claims: Vec<String>,
    /// Every root source those claims rest on.
    pub roots: Vec<String>,
    /// Independent lines of evidence: one per party, lines sharing a root merged.
    pub lines: Vec<Line>,
    /// Combined attribution confidence, lines counted once: the chance that at least one
    /// line is attributed as logged, from the confidences the loggers gave (null when none
    /// was given). It says nothing about whether the proposition is true.
    pub support: Option<f64>,
    /// The suggested information credibility (Admiralty 1 to 6) the structure of the
    /// evidence implies; 6 when it cannot be judged.
    pub grade: u8,
    /// The grade in words ("probably true").
    pub credibility: &'static str,
    /// Why no credibility is suggested (grade 6): "contested" when both sides have usable
    /// lines, "no usable line" when this side has none; null when one is suggested.
    pub reason: Option<&'static str>,
    /// The reliability letters of the sources the lines rest on directly, best first.
    pub reliability: Vec<Reliability>,
}

/// One line of evidence: parties whose standing claims share an origin (the same speaker,
/// organisation or root source; docs/RECONCILER.md, "Lines of evidence").
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Line {
    pub parties: Vec<String>,
    pub claims: Vec<String>,
    /// The root sources its claims were read in or rest on.
    pub roots: Vec<String>,
    /// The parties whose own word it rests on: a first-hand statement a source reports.
    pub first_hand: Vec<String>,
    /// The line in the report's words: its parties and what it rests on ("Columnist V,
    /// resting on an anonymous insider").
    pub words: String,
    /// The best reliability letter among the sources its claims rest on directly.
    pub reliability: Reliability,
    /// Every claim in it rests on a retracted source or cites a retracted claim: it does not
    /// count towards the suggested credibility.
    pub retracted: bool,
}

/// Whether a claim counts on the reconcile date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClaimStatus {
    /// It counts.
    Live,
    /// Retracted on or before the date: it no longer counts.
    Retracted,
    /// A live claim of the same party `supersedes` it: it is history, not a position.
    Superseded,
}

/// One claim as the reconciler reads it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClaimReading {
    pub claim: String,
    pub party: String,
    pub stance: Stance,
    /// Null for an undated claim.
    pub date: Option<Date>,
    pub date_basis: DateBasis,
    /// When it was logged (an undated claim counts from that day).
    pub logged: Option<Timestamp>,
    /// The source it was read in.
    pub source: String,
    /// The sources it rests on directly: its `basis`, else the source it was read in
    /// (none when it only repeats claims it cites).
    pub rests_on: Vec<String>,
    /// The claims it cites (it repeats them, and rests on what they rest on).
    pub cites: Vec<String>,
    /// The root sources it rests on.
    pub roots: Vec<String>,
    pub status: ClaimStatus,
    pub retracted: Option<Date>,
    pub superseded_by: Option<String>,
    /// It is its party's position.
    pub position: bool,
    /// Its party turned here, from affirming to denying or back.
    pub turn: bool,
    /// A source it rests on (or one upstream), or a claim it cites, that is retracted.
    pub retracted_basis: Option<String>,
}

/// A request for comment as of the reconcile date.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RequestReading {
    pub id: String,
    pub party: String,
    pub by: String,
    pub asked: Option<Date>,
    pub deadline: Option<Date>,
    pub deadline_passed: bool,
}

/// What a reconcile found.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Outcome {
    pub as_of: Date,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub known_at: Option<Timestamp>,
    pub findings: Vec<Finding>,
    pub propositions: Vec<PropositionOutcome>,
    /// Every retraction that counts as of the date (claims and sources): its date.
    pub retracted: BTreeMap<String, Date>,
}

impl Outcome {
    /// The reading of one proposition, if it was read.
    #[cfg(test)]
    pub fn proposition(&self, id: &str) -> Option<&PropositionOutcome> {
        self.propositions.iter().find(|p| p.id == id)
    }
}

/// Reconciles the story as it stood on `as_of`, using only records logged by `known_at`.
#[cfg(test)]
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
    read(story, as_of, known_at, None, Loops::FromStory, progress)
}

/// The reading of the propositions of a story loaded for them (`store::story_of`): their
/// outcomes and every finding that bears on them, as the whole story's reading has them.
/// The loops no claim rests on are left to [`loose_loops`]: they bear on no proposition.
/// `all`: every source of the story, when a run of many parts read them (the story then
/// holds none: `store::story_of_claims`).
pub fn reconcile_propositions<'a>(story: &'a Story, as_of: Date, all: Option<&'a AllSources<'a>>) -> Outcome {
    read(story, as_of, None, all, Loops::Elsewhere, &mut |_, _| {})
}

/// The findings on loops of derivation that no live claim rests on, given the sources (the
/// whole graph) and the loops the live claims rest on (by name, the smallest source id in
/// each: the roots of the stored circular-sourcing findings of every proposition).
pub fn loose_loops(sources: &Story, as_of: Date, used: &BTreeSet<String>) -> Vec<Finding> {
    let view = View::new(sources, as_of, None, None);
    let mut findings = Vec::new();
    view.unused_loops(used, &mut findings);
    finish(&mut findings, &view);
    findings
}

/// Where the reading takes the loops no claim rests on from.
enum Loops {
    /// The story is whole: the loops its live claims rest on are the ones used.
    FromStory,
    /// The story holds some propositions only: another reading finds them.
    Elsewhere,
}

fn read<'a>(
    story: &'a Story,
    as_of: Date,
    known_at: Option<Timestamp>,
    all: Option<&'a AllSources<'a>>,
    loops: Loops,
    progress: &mut dyn FnMut(usize, usize),
) -> Outcome {
    let folded = joined::fold(story);
    let view = View::new(folded.as_ref().unwrap_or(story), as_of, known_at, all);
    let mut findings = Vec::new();
    // Sized at once: a batch's readings are large, and growing them copied each again.
    let mut propositions = Vec::with_capacity(view.propositions.len());
    for (i, p) in view.propositions.iter().enumerate() {
        propositions.push(view.read(p, &mut findings));
        if i % 1024 == 0 {
            progress(i, view.propositions.len());
        }
    }
    view.linked_conflicts(&mut findings);
    if matches!(loops, Loops::FromStory) && !view.graph.loops().is_empty() {
        view.unused_loops(&view.used_loops(), &mut findings);
    }
    finish(&mut findings, &view);
    let retracted = view.retracted.iter().map(|(k, v)| (k.to_string(), *v)).collect();
    Outcome { as_of, known_at, findings, propositions, retracted }
}

/// Sets each finding's severity and evidence, and puts them in the order every view shows.
fn finish(findings: &mut [Finding], view: &View) {
    for f in findings.iter_mut() {
        rules::finish(f, view);
    }
    Finding::sort(findings);
}

#[cfg(test)]
pub(crate) mod fixtures;
#[cfg(test)]
mod tests;
