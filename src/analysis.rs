//! The one way a command gets a reading of the story: load what the view needs (the whole
//! story, or what bears on some propositions), reconcile it once for the `--as-of` and
//! `--known-at` asked for, and either store the findings and readings (a present-day
//! `reconcile`) or only show them with their stored triage (everything else).

use crate::date::{Date, Timestamp};
use crate::error::Result;
use crate::model::{Finding, Source, Story};
use crate::reconcile::{self, Outcome};
use crate::report::digest::{self, Digest, Known};
use crate::store::{self, Changes, Store, TriageEntry, Window};
use std::collections::{BTreeSet, HashMap};

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

/// Whether to store what was read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Persist {
    /// A present-day reading of the whole story is stored: findings merged with their
    /// triage, each proposition's reading and positions. Any other reading is only shown.
    Save,
    /// Only show the reading, each finding with its stored triage.
    Look,
}

/// The story read, what was found, and (when stored) what changed.
pub struct Reading {
    pub story: Story,
    pub outcome: Outcome,
    pub changes: Option<Changes>,
}

/// The story the reading needs, cut back at a `--known-at` moment to what the database knew
/// then. Some propositions are loaded with what bears on them, as the whole story would
/// read them (a later correction may have moved a claim from one proposition to another:
/// see [`store::story_of_known_at`]).
fn load(conn: &rusqlite::Connection, scope: Scope, known_at: Option<Timestamp>) -> Result<Story> {
    match (scope, known_at) {
        (Scope::Story, None) => store::story(conn),
        (Scope::Propositions(ids), None) => store::story_of(conn, ids),
        (Scope::Story, Some(t)) => {
            let mut story = store::story(conn)?;
            store::as_known_at(conn, &mut story, t)?;
            Ok(story)
        }
        (Scope::Propositions(ids), Some(t)) => store::story_of_known_at(conn, ids, t),
    }
}

/// Reads the story. A stored reading is taken inside one write transaction, from what was
/// read in it, so two reconciles at once cannot undo each other's findings.
pub fn read(
    db: &mut Store,
    scope: Scope,
    when: When,
    persist: Persist,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Reading> {
    let as_of = when.as_of();
    let stored = persist == Persist::Save && when.is_present() && matches!(scope, Scope::Story);
    if stored {
        return db.write(false, |tx| {
            let story = load(tx, scope, when.known_at)?;
            let mut outcome = reconcile::reconcile_with_progress(&story, as_of, when.known_at, progress);
            let changes = store::save(tx, &mut outcome, Timestamp::now())?;
            Ok(Reading { story, outcome, changes: Some(changes) })
        });
    }
    db.read(|conn| {
        let story = load(conn, scope, when.known_at)?;
        let mut outcome = reconcile::reconcile_with_progress(&story, as_of, when.known_at, progress);
        store::overlay(conn, &mut outcome.findings)?;
        Ok(Reading { story, outcome, changes: None })
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
        read(db, Scope::Propositions(&props), when, Persist::Look, &mut |_, _| {})
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
    }))
}

/// The stored findings on these propositions that had been triaged before the window but
/// that the reading just before it does not find: cleared then, reopened if found again.
fn findings_gone_before(
    conn: &rusqlite::Connection,
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
