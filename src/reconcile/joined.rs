//! Propositions merged into another (`proposition merge A --into B`): the reconciler reads
//! A's claims, requests, verdicts and expected parties as B's, and does not read A on its own,
//! so an affirmation logged on A and a denial on B are one conflict.

use crate::model::Story;
use std::collections::HashMap;

/// How many merges deep a proposition is followed to the one that stands (the write path
/// makes no chains; corrections carried in a bundle may, in another order).
const DEEPEST: usize = 16;

/// The story with each merged proposition folded into the one it was merged into; `None`
/// when no proposition of the story is merged (the story reads as it is).
pub fn fold(story: &Story) -> Option<Story> {
    let into: HashMap<&str, &str> =
        story.propositions.iter().filter_map(|p| p.merged_into.as_deref().map(|b| (p.id.as_str(), b))).collect();
    if into.is_empty() {
        return None;
    }
    let standing: HashMap<&str, usize> = story
        .propositions
        .iter()
        .enumerate()
        .filter(|(_, p)| p.merged_into.is_none())
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    // Each merged proposition's standing one, when the story holds it.
    let root = |id: &str| -> Option<String> {
        let mut at = id;
        for _ in 0..DEEPEST {
            match into.get(at) {
                Some(next) => at = next,
                None => break,
            }
        }
        standing.contains_key(at).then(|| at.to_string())
    };
    let roots: HashMap<String, String> = into.keys().filter_map(|a| root(a).map(|r| (a.to_string(), r))).collect();
    let mut s = story.clone();
    for p in &story.propositions {
        let Some(r) = roots.get(&p.id) else { continue };
        let target = &mut s.propositions[standing[r.as_str()]];
        for party in &p.expected {
            if !target.expected.contains(party) {
                target.expected.push(party.clone());
            }
        }
    }
    s.propositions.retain(|p| !roots.contains_key(&p.id));
    let moved = |id: &mut String| {
        if let Some(r) = roots.get(id.as_str()) {
            *id = r.clone();
        }
    };
    s.claims.iter_mut().for_each(|c| moved(&mut c.claim.proposition));
    s.requests.iter_mut().for_each(|q| moved(&mut q.proposition));
    s.verdicts.iter_mut().for_each(|v| moved(&mut v.proposition));
    Some(s)
}
