//! The one way a command gets a reading of the story: load what the view needs (the whole
//! story, or what bears on some propositions), reconcile it once for the `--as-of` and
//! `--known-at` asked for and show it with the stored triage; or, for a present-day
//! `reconcile`, read again only what the writes since the last one touched and store it.

use crate::date::{Date, Timestamp};
use crate::error::{Error, Result};
use crate::model::{Finding, FindingKind, Published, Source, Story, TriageEntry};
use crate::reconcile::{self, AllSources, Outcome};
use crate::report::digest::{self, Digest, Known};
use crate::store::{self, Changes, Store, Window};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Which moment of the story to read.
#[derive(Clone, Copy, Debug, Default)]
pub struct When {
    /// The day to read the story as of [default: today].
    pub as_of: Option<Date>,
    /// Only what was logged in this database by this moment.
    pub known_at: Option<Timestamp>,
}

impl When {
    pub fn as_of(&self) -> Date {
        self.as_of.unwrap_or_else(Date::today)
    }

    /// Today, with everything logged: the only reading that may be stored.
    pub fn is_present(&self) -> bool {
        self.as_of() == Date::today() && self.known_at.is_none()
    }
}

/// What the reading is of.
#[derive(Clone, Copy, Debug)]
pub enum Scope<'a> {
    Story,
    /// Only these propositions (and what bears on them): the same reading of them as the
    /// whole story gives.
    Propositions(&'a [String]),
}

/// The story read, and what was found.
pub struct Reading {
    pub story: Story,
    pub outcome: Outcome,
}

/// The present-day reading as stored by [`reconcile`]: every finding that has not cleared
/// with its triage, and each proposition's reading. Serialises as an [`Outcome`] does.
#[derive(Serialize)]
pub struct Present {
    pub as_of: Date,
    pub findings: Vec<Finding>,
    /// Each proposition's stored reading (JSON, as [`reconcile::PropositionOutcome`]
    /// serialises), by id; empty unless asked for.
    pub propositions: Vec<serde_json::Value>,
    pub retracted: BTreeMap<String, Date>,
    /// Each proposition's status, by id.
    #[serde(skip)]
    pub status: BTreeMap<String, String>,
    /// How many findings of each kind have not cleared.
    #[serde(skip)]
    pub live: BTreeMap<FindingKind, usize>,
}

/// What a present-day reconcile returns of the stored reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Show {
    /// Every finding that has not cleared, and each proposition's status.
    Findings,
    /// That, and each proposition's whole reading.
    Readings,
    /// Only the findings this run found, reopened or cleared (cleared ones as cleared), the
    /// first `n` of them in listing order (`None`: all), and the status of their
    /// propositions: what an editor reads after a few writes to a large story.
    Changes(Option<usize>),
}

/// What a present-day reconcile stored, and what it changed.
pub struct Stored {
    pub present: Present,
    pub changes: Changes,
}

/// How many propositions a reconcile loads and reads at a time: memory stays bounded
/// however large the story.
const BATCH: usize = 2000;

/// The first batch of a run of many. Nothing is written until it is loaded and read, so it
/// is small; each batch after is twice the one before, up to [`BATCH`].
const FIRST_BATCH: usize = 250;

/// The batches a reconcile reads `propositions` in: one when they fit in [`BATCH`], else
/// from [`FIRST_BATCH`] up.
fn batches(propositions: &[String]) -> Vec<&[String]> {
    let mut size = if propositions.len() > BATCH { FIRST_BATCH } else { BATCH };
    let mut batches = Vec::new();
    let mut rest = propositions;
    while !rest.is_empty() {
        let (batch, after) = rest.split_at(size.min(rest.len()));
        batches.push(batch);
        rest = after;
        size = (size * 2).min(BATCH);
    }
    batches
}

/// The present-day reconcile: reads again the propositions the writes since the last one
/// touched (every proposition with `full`, or when none was stored yet), holds each part's
/// findings against the stored ones with their triage (docs/RECONCILER.md), and returns the
/// stored reading `show` asks for, read after the commit. One write transaction, so two
/// reconciles at once cannot undo each other's findings; what it changed is counted as it
/// goes, not held, so memory does not grow with the findings a first run opens.
pub fn reconcile(db: &mut Store, full: bool, show: Show, progress: &mut dyn FnMut(usize, usize)) -> Result<Stored> {
    let as_of = Date::today();
    let keep = match show {
        Show::Changes(first) => first,
        _ => Some(0),
    };
    let file = db.file();
    let mut changes = db.write(false, |tx| {
        let now = Timestamp::now();
        let stale = store::stale(tx, as_of, full)?;
        let propositions: Vec<String> = stale.propositions.into_iter().collect();
        let mut changes = Changes::keeping(keep);
        let mut steps = store::Steps::new(tx, now)?;
        let parts = batches(&propositions);
        // Where each batch starts, for the progress shown.
        let starts: Vec<usize> = parts
            .iter()
            .scan(0, |at, part| {
                *at += part.len();
                Some(*at - part.len())
            })
            .collect();
        let mut save = |i: usize, part: Part| -> Result<()> {
            progress(starts[i], propositions.len());
            let Part { ids, merged, mut outcome } = part;
            let stored = store::findings_about(tx, &ids)?;
            let new_before = changes.new;
            store::save_part(tx, &mut outcome, &stored, &mut steps, &mut changes)?;
            // An editor's triage of a merged proposition's finding stays with the same finding
            // on the proposition it was merged into.
            if !merged.is_empty() && changes.new > new_before {
                for f in outcome.findings.iter().filter(|f| !stored.contains_key(&f.id)) {
                    if let Some(s) = reconcile::carried(&stored, f, &merged) {
                        let from = s.proposition.as_deref().unwrap_or_default();
                        let note =
                            format!("carried from {} on {from} (merged): {}", s.id, s.note.as_deref().unwrap_or(""));
                        steps.set(tx, &f.id, s.state, Some(note.trim_end_matches(": ")))?;
                    }
                }
            }
            let read: HashSet<&String> = outcome.readings.iter().map(|p| &p.id).collect();
            store::forget_readings(tx, ids.iter().filter(|p| !read.contains(p)))
        };
        // A run of many batches (or a full one) reads every source and builds their graph
        // once, and each batch's reading uses them, instead of loading and graphing the
        // sources upstream of its claims (nearly all of them, in a large story).
        let whole = full || parts.len() > 1;
        let sources = |conn: &store::Conn| -> Result<Option<Story>> {
            if !whole {
                return Ok(None);
            }
            Ok(Some(Story {
                sources: store::sources(conn)?,
                retractions: store::retractions(conn)?,
                ..Story::default()
            }))
        };
        match file.filter(|_| parts.len() > 1) {
            // Many batches: three stages on threads of their own, so that on two cores the
            // writing is the only wait. One loads the next batch's story on a connection of
            // its own while a second reads the batch before it (the rules, and each reading
            // serialised for storing) and this one writes the batch before that: loading and
            // reading together took longer than writing. Rendezvous channels: at most a batch
            // in each stage is held, so memory stays flat.
            Some(file) => std::thread::scope(|scope| {
                let (send_sources, sources_loaded) = std::sync::mpsc::sync_channel(1);
                let (send_story, stories) = std::sync::mpsc::sync_channel(0);
                let (send_part, parts_read) = std::sync::mpsc::sync_channel(0);
                let loader = scope.spawn(move || -> Result<()> {
                    let conn = store::reader_beside(&file)?;
                    let sources = sources(&conn)?;
                    let published = sources.as_ref().map(Story::published);
                    // The rules thread builds the sources' graph while the first batch loads.
                    if send_sources.send(sources).is_err() {
                        return Ok(());
                    }
                    for part in parts {
                        if send_story.send(load_part(&conn, part, published.as_ref())?).is_err() {
                            break;
                        }
                    }
                    Ok(())
                });
                let rules = scope.spawn(move || {
                    // Nothing comes when the loader fails; its error is returned below.
                    let Ok(sources) = sources_loaded.recv() else { return };
                    let all = sources.as_ref().map(|s| AllSources::new(s, as_of));
                    for story in stories {
                        if send_part.send(read_part(story, as_of, all.as_ref())).is_err() {
                            break;
                        }
                    }
                });
                let written = parts_read.iter().enumerate().try_for_each(|(i, part)| save(i, part));
                // The writer's error first: the others stop once nothing receives.
                drop(parts_read);
                rules.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                let loaded = loader.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                written.and(loaded)
            })?,
            None => {
                let sources = sources(tx)?;
                let all = sources.as_ref().map(|s| AllSources::new(s, as_of));
                let published = sources.as_ref().map(Story::published);
                for (i, part) in parts.into_iter().enumerate() {
                    save(i, read_part(load_part(tx, part, published.as_ref())?, as_of, all.as_ref()))?;
                }
            }
        }
        if stale.sources || changes.moved_loops {
            let sources = Story { sources: store::sources(tx)?, ..Story::default() };
            let findings = reconcile::loose_loops(&sources, as_of, &store::used_loops(tx)?);
            let mut outcome = store::ToStore { as_of, findings, readings: Vec::new() };
            store::save_part(tx, &mut outcome, &store::loose_findings(tx)?, &mut steps, &mut changes)?;
        }
        steps.close(tx)?;
        store::settle(tx, as_of)?;
        Ok(changes)
    })?;
    let present = db.read(|conn| present(conn, as_of, show, &mut changes))?;
    Ok(Stored { present, changes })
}

/// One batch of propositions loaded for a present-day reconcile.
struct Loaded {
    /// The propositions to read: the batch and those merged into them.
    ids: Vec<String>,
    story: Story,
}

/// One batch of propositions read for a present-day reconcile, to be held against the
/// stored findings.
struct Part {
    /// The propositions read: the batch and those merged into them.
    ids: Vec<String>,
    /// Which of them were merged into which.
    merged: HashMap<String, String>,
    outcome: store::ToStore,
}

/// `published`: the sources are read once for every batch (these are their publication
/// dates), so a batch is loaded without them.
fn load_part(conn: &store::Conn, part: &[String], published: Option<&Published>) -> Result<Loaded> {
    // A merged proposition is read with the one it was merged into.
    let ids = store::with_merged(conn, part)?;
    let story = match published {
        Some(published) => store::story_of_claims(conn, &ids, published)?,
        None => store::story_of(conn, &ids)?,
    };
    Ok(Loaded { ids, story })
}

fn read_part(loaded: Loaded, as_of: Date, all: Option<&AllSources>) -> Part {
    let Loaded { ids, story } = loaded;
    let outcome = reconcile::reconcile_propositions(&story, as_of, all);
    let merged = story.propositions.iter().filter_map(|p| Some((p.id.clone(), p.merged_into.clone()?))).collect();
    // The story goes before the readings are serialised: less is held at once.
    drop(story);
    Part { ids, merged, outcome: store::ToStore::new(outcome) }
}

/// The present-day reading as stored; for [`Show::Changes`], the changed findings kept, as
/// stored (cleared ones as cleared), with the status of their propositions.
fn present(conn: &store::Conn, as_of: Date, show: Show, changes: &mut Changes) -> Result<Present> {
    let mut status = BTreeMap::new();
    let mut propositions = Vec::new();
    let only_changes = matches!(show, Show::Changes(_));
    // Only the changes: the statuses of their propositions are read one by one, after.
    let readings = if only_changes { Vec::new() } else { store::stored_readings(conn, show == Show::Readings)? };
    for (id, st, json) in readings {
        if let Some(json) = json {
            propositions.push(serde_json::from_str(&json).map_err(|e| {
                Error::input(format!("the stored reading of {id} is not JSON ({e}); run `claimtrack reconcile --full`"))
            })?);
        }
        status.insert(id, st);
    }
    let retracted = store::retractions(conn)?
        .into_iter()
        .filter(|x| x.date.on_or_before(&as_of))
        .map(|x| (x.target, x.date))
        .collect();
    let (findings, live) = if only_changes {
        let mut findings = Vec::new();
        for c in changes.first_in_order() {
            let Some(f) = store::finding(conn, &c.key.4)? else { continue };
            if let Some(p) = &f.proposition {
                if let Some(st) = store::stored_status(conn, p)? {
                    status.insert(p.clone(), st);
                }
            }
            findings.push(f);
        }
        (findings, store::live_findings_by_kind(conn)?)
    } else {
        let all = store::live_findings(conn)?;
        let mut live = BTreeMap::new();
        for f in &all {
            *live.entry(f.kind).or_default() += 1;
        }
        (all, live)
    };
    Ok(Present { as_of, findings, propositions, retracted, status, live })
}

/// The story the reading needs, cut back at a `--known-at` moment to what the database knew
/// then. Some propositions are loaded with what bears on them, as the whole story would
/// read them (a later correction may have moved a claim from one proposition to another:
/// see [`store::story_of_known_at`]).
fn load(conn: &store::Conn, scope: Scope, known_at: Option<Timestamp>) -> Result<Story> {
    match (scope, known_at) {
        (Scope::Story, None) => store::story(conn),
        (Scope::Propositions(ids), None) => store::story_of(conn, &store::with_merged(conn, ids)?),
        (Scope::Story, Some(t)) => {
            let mut story = store::story(conn)?;
            store::as_known_at(conn, &mut story, t)?;
            Ok(story)
        }
        (Scope::Propositions(ids), Some(t)) => store::story_of_known_at(conn, &store::with_merged(conn, ids)?, t),
    }
}

/// Reads the story as of `when`, without writing: each finding with its stored triage.
pub fn read(db: &mut Store, scope: Scope, when: When, progress: &mut dyn FnMut(usize, usize)) -> Result<Reading> {
    let as_of = when.as_of();
    db.read(|conn| {
        let story = load(conn, scope, when.known_at)?;
        let mut outcome = reconcile::reconcile_with_progress(&story, as_of, when.known_at, progress);
        store::overlay(conn, &mut outcome.findings)?;
        Ok(Reading { story, outcome })
    })
}

/// A window of the database's knowledge: from `since` to `until` (now when none).
#[derive(Clone, Copy, Debug)]
pub struct Span {
    pub since: Timestamp,
    pub until: Option<Timestamp>,
}

/// What changed in a window (see [`digest`]): what the audit log's window logged, and the
/// propositions it touched (within `only`, when given) read as the database knew them just
/// before it and at its end, both as of `as_of`. Only those propositions are read: a day's
/// window costs what that day touched, not the whole story twice.
pub fn changes(db: &mut Store, span: Span, as_of: Date, only: &[String]) -> Result<Digest> {
    let conn = db.conn();
    let window = Window::between(conn, span.since, span.until)?;
    let log = store::window_log(conn, window)?;
    let mut touched = store::propositions_touched(conn, window, &log)?;
    touched.extend(store::requests_due(conn, span.since, as_of)?.into_iter().map(|(_, p)| p));
    if !only.is_empty() {
        touched.retain(|p| only.contains(p));
    }
    let props: Vec<String> = touched.into_iter().collect();
    let mut at = |known_at| {
        let when = When { as_of: Some(as_of), known_at };
        read(db, Scope::Propositions(&props), when, &mut |_, _| {})
    };
    let before = at(Some(span.since.just_before()))?;
    let after = at(span.until)?;
    let conn = db.conn();
    let found: BTreeSet<&str> =
        before.outcome.findings.iter().chain(&after.outcome.findings).map(|f| f.id.as_str()).collect();
    let triage_by = |seq: i64, ids: &BTreeSet<&str>| -> Result<HashMap<String, TriageEntry>> {
        let mut states = HashMap::new();
        for id in ids {
            states.extend(store::triage_by_event(conn, id, seq)?.map(|t| (id.to_string(), t)));
        }
        Ok(states)
    };
    let gone_before = findings_gone_before(conn, &props, &before.outcome, window)?;
    let mut triaged = HashMap::new();
    for t in &log.triage {
        triaged.extend(store::finding(conn, &t.finding)?.map(|f| (f.id.clone(), f)));
    }
    let mut sources: HashMap<String, Source> = log.sources.iter().map(|s| (s.id.clone(), s.clone())).collect();
    for (x, _) in &log.retractions {
        sources.extend(store::source(conn, &x.target)?.map(|s| (s.id.clone(), s)));
    }
    let mut moved = HashMap::new();
    for c in &log.corrections {
        for id in [c.correction.set.get("proposition"), c.before.get("proposition")].into_iter().flatten() {
            if let Some(p) = id.as_str().map(|id| store::proposition(conn, id)).transpose()?.flatten() {
                moved.insert(p.id, p.text);
            }
        }
    }
    Ok(digest::build(&digest::Inputs {
        since: span.since,
        until: span.until.unwrap_or_else(Timestamp::now),
        log: &log,
        before: Known { story: &before.story, outcome: &before.outcome },
        after: Known { story: &after.story, outcome: &after.outcome },
        propositions: &props,
        limited: !only.is_empty(),
        triage_before: &triage_by(window.after, &found)?,
        triage_after: &triage_by(window.through, &found)?,
        gone_before: &gone_before,
        triaged: &triaged,
        sources: &sources,
        moved: &moved,
    }))
}

/// The stored findings on these propositions that had been triaged before the window but
/// that the reading just before it does not find: cleared then, reopened if found again.
fn findings_gone_before(
    conn: &store::Conn,
    props: &[String],
    before: &Outcome,
    window: Window,
) -> Result<Vec<Finding>> {
    let mut gone = Vec::new();
    for f in store::findings_on(conn, props)? {
        let found = before.findings.iter().any(|b| b.id == f.id);
        if !found && store::triage_by_event(conn, &f.id, window.after)?.is_some() {
            gone.push(f);
        }
    }
    Ok(gone)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sizes(n: usize) -> Vec<usize> {
        let propositions: Vec<String> = (0..n).map(|i| format!("p{i}")).collect();
        let parts = batches(&propositions);
        assert_eq!(parts.concat(), propositions, "the batches are the propositions, in order, each once");
        parts.iter().map(|p| p.len()).collect()
    }

    #[test]
    fn a_run_of_many_batches_starts_small_and_doubles_up_to_a_batch() {
        assert_eq!(sizes(0), Vec::<usize>::new());
        assert_eq!(sizes(7), [7]);
        assert_eq!(sizes(BATCH), [BATCH]);
        assert_eq!(sizes(BATCH + 1), [250, 500, 1000, 251]);
        assert_eq!(sizes(4500), [250, 500, 1000, 2000, 750]);
        assert_eq!(sizes(10_000), [250, 500, 1000, 2000, 2000, 2000, 2000, 250]);
    }
}
