//! Lines of evidence: what a claim rests on, how the standing claims on one side group into
//! independent lines (a party never corroborates itself; lines sharing a root are one), and
//! the credibility the structure of the evidence suggests (docs/RECONCILER.md).

use super::view::View;
use super::{Line, Side};
use crate::model::{ClaimRow, Reliability};
use std::collections::BTreeSet;

impl<'a> View<'a> {
    /// The sources a claim rests on directly: its basis, else the source it was read in;
    /// none when it has no basis and only repeats claims it cites.
    pub fn rests_on(&self, c: &'a ClaimRow) -> Vec<&'a str> {
        if !c.claim.basis.is_empty() {
            c.claim.basis.iter().map(String::as_str).collect()
        } else if self.cited(c.id()).next().is_some() {
            Vec::new()
        } else {
            vec![c.claim.source.as_str()]
        }
    }

    /// The live claims a claim cites.
    pub fn cited(&self, claim: &str) -> impl Iterator<Item = &'a str> + '_ {
        self.cites.get(claim).into_iter().flatten().copied().filter(|c| self.is_live(c))
    }

    /// The root sources a claim rests on: those of the sources it rests on directly, and
    /// those of the live claims it cites, near or far (computed once for the whole graph of
    /// `cites`: [`View::cited_roots`]).
    pub fn claim_roots(&self, claim: &'a ClaimRow) -> Vec<String> {
        if let Some(roots) = self.cited_roots.get(claim.id()) {
            return roots.iter().cloned().collect();
        }
        let roots: BTreeSet<String> = self.rests_on(claim).into_iter().flat_map(|s| self.graph.roots(s)).collect();
        roots.into_iter().collect()
    }

    /// The retracted source a claim rests on (directly, upstream, or through the source it
    /// was read in), or the retracted claim it cites.
    pub fn retracted_basis(&self, c: &'a ClaimRow) -> Option<&'a str> {
        let mut read = self.rests_on(c);
        read.push(&c.claim.source);
        read.into_iter()
            .find_map(|s| self.graph.retracted_upstream(s))
            .and_then(|s| self.sources.get(s).map(|x| x.id.as_str()))
            .or_else(|| self.cites.get(c.id())?.iter().copied().find(|x| self.retracted.contains_key(x)))
    }

    /// The best reliability letter among the sources a claim rests on directly (F, "cannot
    /// be judged", when it rests on none).
    fn reliability(&self, c: &'a ClaimRow) -> Reliability {
        self.rests_on(c).iter().filter_map(|s| self.sources.get(s)).map(|s| s.reliability).min().unwrap_or_default()
    }

    /// The lines of evidence of one side: each party's standing claim is one line, and lines
    /// that share a root source merge (ten outlets rewriting one report are one line).
    pub fn lines(&self, standing: &[&'a ClaimRow]) -> Vec<Line> {
        let mut lines: Vec<(BTreeSet<String>, Vec<&'a ClaimRow>)> = Vec::new();
        for c in standing {
            let mut roots: BTreeSet<String> = self.claim_roots(c).into_iter().collect();
            let mut claims = vec![*c];
            lines.retain(|(r, cs)| {
                if r.is_disjoint(&roots) {
                    return true;
                }
                roots.extend(r.iter().cloned());
                claims.extend(cs);
                false
            });
            lines.push((roots, claims));
        }
        let mut out: Vec<Line> = lines
            .into_iter()
            .map(|(roots, mut claims)| {
                claims.sort_by(|a, b| (&a.claim.party, a.id()).cmp(&(&b.claim.party, b.id())));
                let retracted = claims.iter().all(|c| self.retracted_basis(c).is_some());
                Line {
                    parties: claims.iter().map(|c| c.claim.party.clone()).collect(),
                    claims: claims.iter().map(|c| c.id().to_string()).collect(),
                    reliability: claims.iter().map(|c| self.reliability(c)).min().unwrap_or_default(),
                    roots: roots.into_iter().collect(),
                    retracted,
                }
            })
            .collect();
        out.sort_by(|a, b| a.parties.cmp(&b.parties));
        out
    }

    /// One side, graded against the lines of the other.
    pub fn side(&self, standing: &[&'a ClaimRow], lines: Vec<Line>, other: &[Line]) -> Side {
        let roots: BTreeSet<String> = lines.iter().flat_map(|l| l.roots.iter().cloned()).collect();
        let anonymous = !standing.is_empty() && standing.iter().all(|c| self.anonymous(&c.claim.party));
        let Credibility { grade, label } = credibility(&lines, other, anonymous);
        let mut reliability: Vec<Reliability> = lines.iter().map(|l| l.reliability).collect();
        reliability.sort();
        reliability.dedup();
        // Each line counts once, at the highest attribution confidence logged in it.
        let confidences: Vec<f64> = lines
            .iter()
            .filter_map(|l| {
                l.claims
                    .iter()
                    .filter_map(|id| self.counted.get(id.as_str())?.claim.confidence.as_ref().map(|c| c.0))
                    .reduce(f64::max)
            })
            .collect();
        let support = (!confidences.is_empty())
            .then(|| ((1.0 - confidences.iter().map(|c| 1.0 - c).product::<f64>()) * 1000.0).round() / 1000.0);
        let mut parties: Vec<String> = standing.iter().map(|c| c.claim.party.clone()).collect();
        parties.sort();
        let mut claims: Vec<String> = standing.iter().map(|c| c.id().to_string()).collect();
        claims.sort();
        Side {
            parties,
            claims,
            roots: roots.into_iter().collect(),
            lines,
            support,
            grade,
            credibility: label,
            reliability,
        }
    }
}

/// A suggested Admiralty information-credibility grade and its words.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Credibility {
    pub grade: u8,
    pub label: &'static str,
}

/// The credibility the structure of the evidence suggests for one side, from its usable
/// lines (those not resting wholly on retracted sources), the reliability letters of what
/// they rest on, whether every party on the side is anonymous, and the other side's usable
/// lines. Never from attribution confidence, and never a middle grade by default: with
/// nothing to judge, 6. The table is in docs/RECONCILER.md.
pub fn credibility(lines: &[Line], other: &[Line], anonymous: bool) -> Credibility {
    let usable: Vec<&Line> = lines.iter().filter(|l| !l.retracted).collect();
    let against = other.iter().filter(|l| !l.retracted).count();
    let rated = usable.iter().filter(|l| l.reliability <= Reliability::C).count();
    let (grade, label) = match (usable.len(), against) {
        (0, _) => (6, "cannot be judged"),
        (n, 0) if n >= 2 && rated >= 2 && !anonymous => (1, "confirmed by independent sources"),
        (n, 0) if n >= 2 => (2, "probably true"),
        (1, 0) if rated == 1 && !anonymous => (2, "probably true"),
        (1, 0) => (3, "possibly true"),
        (n, m) if n > m => (3, "possibly true"),
        (n, m) if n + 1 < m => (5, "improbable"),
        _ => (4, "doubtful"),
    };
    Credibility { grade, label }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(reliability: Reliability, retracted: bool) -> Line {
        Line { parties: vec![], claims: vec![], roots: vec![], reliability, retracted }
    }

    #[test]
    fn nothing_to_judge_is_six_not_a_middle_grade() {
        assert_eq!(credibility(&[], &[], false).grade, 6);
        assert_eq!(credibility(&[line(Reliability::A, true)], &[], false).grade, 6, "only retracted lines");
    }

    #[test]
    fn independent_rated_lines_confirm() {
        let two = [line(Reliability::B, false), line(Reliability::C, false)];
        assert_eq!(credibility(&two, &[], false).grade, 1);
        assert_eq!(credibility(&two, &[], true).grade, 2, "anonymous parties only");
        let unrated = [line(Reliability::F, false), line(Reliability::F, false)];
        assert_eq!(credibility(&unrated, &[], false).grade, 2);
    }

    #[test]
    fn one_line_is_at_best_probably_true() {
        assert_eq!(credibility(&[line(Reliability::A, false)], &[], false).grade, 2);
        assert_eq!(credibility(&[line(Reliability::F, false)], &[], false).grade, 3);
        assert_eq!(credibility(&[line(Reliability::A, false)], &[], true).grade, 3);
    }

    #[test]
    fn the_other_side_weighs() {
        let one = [line(Reliability::F, false)];
        let two = [line(Reliability::F, false), line(Reliability::F, false)];
        let three = [line(Reliability::F, false), line(Reliability::F, false), line(Reliability::F, false)];
        assert_eq!(credibility(&two, &one, false).grade, 3);
        assert_eq!(credibility(&one, &one, false).grade, 4);
        assert_eq!(credibility(&one, &two, false).grade, 4);
        assert_eq!(credibility(&one, &three, false).grade, 5);
        assert_eq!(credibility(&one, &[line(Reliability::A, true)], false).grade, 3, "a retracted line does not weigh");
    }
}
