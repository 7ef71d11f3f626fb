//! The one way a command gets a reading of the story: load what the view needs (the whole
//! story, or what bears on some propositions), reconcile it once for the `--as-of` and
//! `--known-at` asked for, and either store the findings and readings (a present-day
//! `reconcile`) or only show them with their stored triage (everything else).

use crate::date::{Date, Timestamp};
use crate::error::Result;
use crate::model::Story;
use crate::reconcile::{self, Outcome};
use crate::store::{self, Changes, Store};

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

/// The story the reading needs. At a `--known-at` moment the whole story is loaded and cut
/// back to what the database knew then (a later correction may have moved a claim from
/// one proposition to another), keeping only the propositions asked for.
fn load(conn: &rusqlite::Connection, scope: Scope, known_at: Option<Timestamp>) -> Result<Story> {
    let Some(t) = known_at else {
        return match scope {
            Scope::Story => store::story(conn),
            Scope::Propositions(ids) => store::story_of(conn, ids),
        };
    };
    let mut story = store::story(conn)?;
    store::as_known_at(conn, &mut story, t)?;
    if let Scope::Propositions(ids) = scope {
        story.propositions.retain(|p| ids.contains(&p.id));
    }
    Ok(story)
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
