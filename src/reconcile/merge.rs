//! The triage rule across runs, as a pure function: a present-day reconcile's findings held
//! against the stored ones decide what is new, what reopens, what clears, and what keeps the
//! editor's triage (docs/RECONCILER.md, "Triage across runs").

use crate::model::{Finding, FindingState};
use std::collections::{HashMap, HashSet};

/// What one finding's row must become.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// Found for the first time: stored open.
    New(String),
    /// Found again after it cleared, or its evidence changed under a triage: open again.
    Reopened { id: String, why: &'static str },
    /// No longer supported by the evidence.
    Cleared(String),
    /// Same triage, but its wording, severity or facts changed: the row is rewritten.
    Updated(String),
}

/// Holds `computed` against `stored` (by id). Each computed finding takes the stored triage
/// it keeps (state, note, who set it); the changes to write come back in a stable order.
pub fn merge(stored: &HashMap<String, Finding>, computed: &mut [Finding]) -> Vec<Change> {
    let mut changes = Vec::new();
    let mut seen = HashSet::new();
    for f in computed.iter_mut() {
        seen.insert(f.id.clone());
        let Some(s) = stored.get(&f.id) else {
            changes.push(Change::New(f.id.clone()));
            continue;
        };
        let reopen = match s.state {
            FindingState::Cleared => Some("found again"),
            FindingState::Open => None,
            _ if s.evidence != f.evidence => Some("reopened: new evidence"),
            _ => None,
        };
        match reopen {
            Some(why) => changes.push(Change::Reopened { id: f.id.clone(), why }),
            None => {
                f.state = s.state;
                f.note = s.note.clone();
                f.state_by = s.state_by.clone();
                let same = s.evidence == f.evidence
                    && s.severity == f.severity
                    && s.detail == f.detail
                    && s.facts() == f.facts()
                    && s.claims == f.claims
                    && s.parties == f.parties;
                if !same {
                    changes.push(Change::Updated(f.id.clone()));
                }
            }
        }
    }
    let mut gone: Vec<&Finding> =
        stored.values().filter(|s| !seen.contains(&s.id) && s.state != FindingState::Cleared).collect();
    gone.sort_by(|a, b| a.id.cmp(&b.id));
    changes.extend(gone.into_iter().map(|s| Change::Cleared(s.id.clone())));
    changes
}

/// The triaged finding of a merged proposition that a new finding on the proposition it was
/// merged into is the same as: the same kind about the same parties, on one of the
/// propositions `merged` maps to the new finding's. Its triage carries over.
pub fn carried<'a>(
    stored: &'a HashMap<String, Finding>,
    new: &Finding,
    merged: &HashMap<String, String>,
) -> Option<&'a Finding> {
    let on = new.proposition.as_ref()?;
    let mut same: Vec<&Finding> = stored
        .values()
        .filter(|s| s.proposition.as_ref().and_then(|p| merged.get(p)) == Some(on))
        .filter(|s| s.kind == new.kind && s.parties == new.parties)
        .filter(|s| matches!(s.state, FindingState::Acknowledged | FindingState::Resolved | FindingState::Dismissed))
        .collect();
    same.sort_by(|a, b| a.id.cmp(&b.id));
    same.into_iter().next()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{FindingKind, Severity};

    fn f(id: &str, evidence: &str, state: FindingState) -> Finding {
        Finding {
            id: id.into(),
            kind: FindingKind::Conflict,
            severity: Severity::High,
            proposition: Some("p".into()),
            propositions: vec!["p".into()],
            parties: vec![],
            claims: vec![],
            reason: None,
            detail: "d".into(),
            requests: vec![],
            related: vec![],
            roots: vec![],
            state,
            note: None,
            state_by: None,
            evidence: evidence.into(),
        }
    }

    fn stored(list: Vec<Finding>) -> HashMap<String, Finding> {
        list.into_iter().map(|f| (f.id.clone(), f)).collect()
    }

    #[test]
    fn triage_is_kept_until_the_evidence_changes() {
        let mut dismissed = f("f1", "e1", FindingState::Dismissed);
        dismissed.note = Some("not ours".into());
        let store = stored(vec![dismissed]);
        let mut same = vec![f("f1", "e1", FindingState::Open)];
        assert!(merge(&store, &mut same).is_empty());
        assert_eq!(same[0].state, FindingState::Dismissed);
        assert_eq!(same[0].note.as_deref(), Some("not ours"));
        let mut changed = vec![f("f1", "e2", FindingState::Open)];
        assert_eq!(
            merge(&store, &mut changed),
            vec![Change::Reopened { id: "f1".into(), why: "reopened: new evidence" }]
        );
        assert_eq!(changed[0].state, FindingState::Open);
    }

    #[test]
    fn new_cleared_and_found_again() {
        let store = stored(vec![f("gone", "e", FindingState::Acknowledged), f("back", "e", FindingState::Cleared)]);
        let mut now = vec![f("back", "e", FindingState::Open), f("fresh", "e", FindingState::Open)];
        assert_eq!(
            merge(&store, &mut now),
            vec![
                Change::Reopened { id: "back".into(), why: "found again" },
                Change::New("fresh".into()),
                Change::Cleared("gone".into())
            ]
        );
    }

    #[test]
    fn rewording_alone_rewrites_the_row_but_keeps_the_triage() {
        let store = stored(vec![f("f1", "e1", FindingState::Resolved)]);
        let mut reworded = vec![Finding { detail: "new words".into(), ..f("f1", "e1", FindingState::Open) }];
        assert_eq!(merge(&store, &mut reworded), vec![Change::Updated("f1".into())]);
        assert_eq!(reworded[0].state, FindingState::Resolved);
    }
}
