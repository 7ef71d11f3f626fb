//! What a window of the audit log logged (`claimtrack changes`, `report --since`): the records
//! it added, its corrections and triage steps, as the store reads them for the digest.

use super::{Link, Retraction, Source, StoredCorrection, TargetKind, TriageEntry};

/// What a window logged, each kind in the order it was logged.
#[derive(Debug, Default)]
pub struct WindowLog {
    pub claims: Vec<String>,
    pub requests: Vec<String>,
    pub propositions: Vec<String>,
    pub verdicts: Vec<String>,
    pub sources: Vec<Source>,
    pub links: Vec<Link>,
    pub retractions: Vec<(Retraction, TargetKind)>,
    pub corrections: Vec<StoredCorrection>,
    /// Every change of a finding's state, by an editor or by `reconcile`.
    pub triage: Vec<TriageEntry>,
}
