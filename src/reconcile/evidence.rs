//! Lines of evidence: what a claim rests on, how the standing claims on one side group into
//! independent lines (a party never corroborates itself; lines sharing a root are one), and
//! the credibility the structure of the evidence suggests (docs/RECONCILER.md).

use super::view::View;
use super::{Line, Side};
use crate::model::{ClaimRow, Reliability};
use rustc_hash::FxHashSet;
use std::collections::BTreeSet;
use std::rc::Rc;

/// How many root sources a line names in its words (a line resting on thousands of roots
/// would otherwise be a page long).
pub(super) const ROOTS_NAMED: usize = 5;

/// What a line of evidence rests on: a root source, or a speaker (a party's organisation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Origin<'r> {
    Root(&'r str),
    Speaker(&'r str),
}

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
    pub fn claim_roots(&self, claim: &'a ClaimRow) -> Rc<[String]> {
        if let Some(roots) = self.cited_roots.get(claim.id()) {
            return Rc::clone(roots);
        }
        match self.rests_on(claim)[..] {
            // One source's roots are sorted and distinct already: no set to build.
            [one] => self.graph.roots(one),
            ref many => {
                let roots: BTreeSet<String> = many.iter().flat_map(|s| self.graph.roots(s).to_vec()).collect();
                roots.into_iter().collect()
            }
        }
    }

    /// The retracted source a claim rests on (directly, upstream, or through the source it
    /// was read in), or the retracted claim it cites.
    pub fn retracted_basis(&self, c: &'a ClaimRow) -> Option<&'a str> {
        self.read_or_rested_on(c)
            .find_map(|s| self.graph.retracted_upstream(s))
            .and_then(|s| self.sources.get(s).map(|x| x.id.as_str()))
            .or_else(|| self.cites.get(c.id())?.iter().copied().find(|x| self.retracted.contains_key(x)))
    }

    /// The sources a claim rests on directly ([`View::rests_on`]), then the one it was read
    /// in; without a list made: its basis, if any, then its source.
    pub fn read_or_rested_on(&self, c: &'a ClaimRow) -> impl Iterator<Item = &'a str> {
        c.claim.basis.iter().map(String::as_str).chain([c.claim.source.as_str()])
    }

    /// The best reliability letter among the sources a claim rests on directly (F, "cannot
    /// be judged", when it rests on none).
    fn reliability(&self, c: &'a ClaimRow) -> Reliability {
        self.rests_on(c).iter().filter_map(|s| self.sources.get(s)).map(|s| s.reliability).min().unwrap_or_default()
    }

    /// The organisation a party belongs to: the top of its `parent` chain (itself when it
    /// has no parent). A chain that loops stops where it would repeat.
    pub fn organisation(&self, party: &'a str) -> &'a str {
        let mut top = party;
        // Filled at the first parent: most parties have none.
        let mut seen = FxHashSet::default();
        while let Some(parent) = self.parties.get(top).and_then(|p| p.parent.as_deref()) {
            if seen.is_empty() {
                seen.insert(party);
            }
            if !seen.insert(parent) {
                break;
            }
            top = parent;
        }
        top
    }

    /// Whether a claim is first-hand in the source it was read in: the party's own words
    /// reported by someone else (a quote, a denial, words told to the reporter), with no
    /// basis of its own and citing no claim. Its origin is the party itself, not the outlet.
    pub fn first_hand(&self, c: &'a ClaimRow) -> bool {
        if !c.claim.basis.is_empty() || self.cited(c.id()).next().is_some() {
            return false;
        }
        let publisher = self.sources.get(c.claim.source.as_str()).and_then(|s| s.publisher.as_deref());
        publisher.is_some_and(|p| self.organisation(p) != self.organisation(&c.claim.party))
    }

    /// What one standing claim (`side[i]`, resting on `roots[i]`, first-hand when
    /// `first_hand[i]`) has its line keyed by (its party's organisation, and for a claim that
    /// is not first-hand the roots it rests on), and the first-hand parties it rests on: its
    /// own party when first-hand, else those of the first-hand claims of `side` it reports,
    /// read in a source it reads or rests on, or upstream of one.
    fn origin<'r>(
        &self,
        i: usize,
        side: &[&'a ClaimRow],
        roots: &'r [Rc<[String]>],
        first_hand: &[bool],
    ) -> (BTreeSet<Origin<'r>>, BTreeSet<&'a str>)
    where
        'a: 'r,
    {
        let c = side[i];
        let mut keys = BTreeSet::from([Origin::Speaker(self.organisation(&c.claim.party))]);
        let mut reported = BTreeSet::new();
        if first_hand[i] {
            reported.insert(c.claim.party.as_str());
            return (keys, reported);
        }
        keys.extend(roots[i].iter().map(|r| Origin::Root(r.as_str())));
        let others = |j: usize| first_hand[j] && side[j].id() != c.id();
        // Only a side with another first-hand claim needs the walk upstream.
        if (0..side.len()).any(others) {
            let read: Vec<&str> = self.read_or_rested_on(c).collect();
            let upstream = self.graph.upstream_of(&read);
            for d in (0..side.len()).filter(|&j| others(j)).map(|j| side[j]) {
                if self.graph.within(&upstream, &d.claim.source) {
                    reported.insert(d.claim.party.as_str());
                }
            }
        }
        (keys, reported)
    }

    /// The lines of evidence of one side: claims whose origins meet are one line. A party's
    /// origin is its organisation (a ministry never corroborates its president); a
    /// first-hand claim rests on its party alone; any other on its roots. An outlet's claim
    /// that reports first-hand claims of the side joins the line of the first of them by
    /// party id (ten
    /// outlets rewriting a wire story that quotes one insider are one line with that
    /// insider), and never joins two first-hand lines into one.
    pub fn lines(&self, standing: &[&'a ClaimRow]) -> Vec<Line> {
        // Each claim's roots and whether it is first-hand, worked out once: the grouping
        // and the lines both ask, for every pair of claims.
        let roots: Vec<Rc<[String]>> = standing.iter().map(|c| self.claim_roots(c)).collect();
        let first_hand: Vec<bool> = standing.iter().map(|c| self.first_hand(c)).collect();
        // Claims by their place in `standing`.
        type Group<'r, 'b> = (BTreeSet<Origin<'r>>, BTreeSet<&'b str>, Vec<usize>);
        let mut lines: Vec<Group<'_, 'a>> = Vec::new();
        let mut reporting = Vec::new();
        for i in 0..standing.len() {
            let (mut keys, mut reported) = self.origin(i, standing, &roots, &first_hand);
            if !reported.is_empty() && !first_hand[i] {
                reporting.push((i, keys, reported));
                continue;
            }
            let mut claims = vec![i];
            lines.retain(|(k, f, cs)| {
                if k.is_disjoint(&keys) {
                    return true;
                }
                keys.extend(k.iter().copied());
                reported.extend(f);
                claims.extend(cs);
                false
            });
            lines.push((keys, reported, claims));
        }
        for (i, keys, reported) in reporting {
            // The line of the first reported party by id: the same whatever the order.
            let first = reported.first().copied();
            match lines.iter_mut().find(|(_, f, _)| first.is_some_and(|p| f.contains(p))) {
                Some((_, _, claims)) => claims.push(i),
                None => lines.push((keys, reported, vec![i])),
            }
        }
        let mut out: Vec<Line> = lines
            .into_iter()
            .map(|(_, first_hand, mut claims)| {
                claims.sort_by(|&a, &b| {
                    let (a, b) = (standing[a], standing[b]);
                    (&a.claim.party, a.id()).cmp(&(&b.claim.party, b.id()))
                });
                let retracted = claims.iter().all(|&i| self.retracted_basis(standing[i]).is_some());
                // The roots of what its claims were read in or rest on, first-hand or not:
                // where the record found them, whatever the line is keyed by.
                let mut line_roots: Vec<&str> =
                    claims.iter().flat_map(|&i| roots[i].iter().map(String::as_str)).collect();
                line_roots.sort_unstable();
                line_roots.dedup();
                let roots: Vec<String> = line_roots.into_iter().map(str::to_string).collect();
                let mut parties: Vec<String> = claims.iter().map(|&i| standing[i].claim.party.clone()).collect();
                parties.dedup();
                let first_hand: Vec<String> = first_hand.into_iter().map(str::to_string).collect();
                Line {
                    words: self.line_words(&parties, &first_hand, &roots),
                    claims: claims.iter().map(|&i| standing[i].id().to_string()).collect(),
                    reliability: claims.iter().map(|&i| self.reliability(standing[i])).min().unwrap_or_default(),
                    parties,
                    roots,
                    first_hand,
                    retracted,
                }
            })
            .collect();
        out.sort_by(|a, b| a.parties.cmp(&b.parties));
        out
    }

    /// A line in the report's words: who is on it, and what it rests on ("Columnist V,
    /// resting on an anonymous insider"; "Police of A, first-hand"; "Outlet X, resting on
    /// “Wire report”"), saying when parties are one organisation.
    fn line_words(&self, parties: &[String], first_hand: &[String], roots: &[String]) -> String {
        let names = |ids: &[&String]| {
            let names: Vec<String> = ids.iter().map(|p| self.name(p)).collect();
            crate::phrases::list(&names)
        };
        let mut organisations: Vec<&str> = parties.iter().map(|p| self.organisation(p)).collect();
        organisations.sort();
        let shared: BTreeSet<&str> = organisations.windows(2).filter(|w| w[0] == w[1]).map(|w| w[0]).collect();
        let one_body: Vec<String> = shared.iter().map(|o| format!("one organisation, {}", self.name(o))).collect();
        let body = if one_body.is_empty() { String::new() } else { format!(" ({})", one_body.join("; ")) };
        let relaying: Vec<&String> = parties.iter().filter(|p| !first_hand.contains(p)).collect();
        let speaking: Vec<&String> = first_hand.iter().collect();
        if relaying.is_empty() {
            return format!("{}{body}, first-hand", names(&speaking));
        }
        let resting = if !speaking.is_empty() {
            names(&speaking)
        } else {
            let mut named: Vec<String> =
                roots.iter().take(ROOTS_NAMED).map(|r| format!("“{}”", self.source_name(r))).collect();
            if roots.len() > ROOTS_NAMED {
                named.push(format!("{} more root sources", roots.len() - ROOTS_NAMED));
            }
            crate::phrases::list(&named)
        };
        if resting.is_empty() {
            format!("{}{body}", names(&relaying))
        } else {
            format!("{}{body}, resting on {resting}", names(&relaying))
        }
    }

    /// One side, graded against the lines of the other.
    pub fn side(&self, standing: &[&'a ClaimRow], lines: Vec<Line>, other: &[Line]) -> Side {
        let roots: BTreeSet<String> = lines.iter().flat_map(|l| l.roots.iter().cloned()).collect();
        let anonymous = !standing.is_empty() && standing.iter().all(|c| self.anonymous(&c.claim.party));
        let Credibility { grade, label, reason } = credibility(&lines, other, anonymous);
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
            reason,
            reliability,
        }
    }
}

/// A suggested Admiralty information-credibility grade, its words, and why it is 6 when
/// it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Credibility {
    pub grade: u8,
    pub label: &'static str,
    /// Why nothing is suggested: "contested" (both sides have usable lines) or "no usable
    /// line".
    pub reason: Option<&'static str>,
}

/// The credibility the structure of the evidence suggests for one side, from its usable
/// lines (those not resting wholly on retracted sources), the reliability letters of what
/// they rest on, and whether every party on the side is anonymous. Never from attribution
/// confidence, and never a middle grade by default: with nothing to judge, 6. When the
/// other side has usable lines too the record does not settle it: 6, "contested", for
/// both. The table is in docs/RECONCILER.md.
pub fn credibility(lines: &[Line], other: &[Line], anonymous: bool) -> Credibility {
    let usable: Vec<&Line> = lines.iter().filter(|l| !l.retracted).collect();
    let against = other.iter().filter(|l| !l.retracted).count();
    let rated = usable.iter().filter(|l| l.reliability <= Reliability::C).count();
    let (grade, label, reason) = match (usable.len(), against) {
        (0, _) => (6, "cannot be judged", Some("no usable line")),
        (_, 1..) => (6, "cannot be judged", Some("contested")),
        (n, _) if n >= 2 && rated >= 2 && !anonymous => (1, "confirmed by independent sources", None),
        (n, _) if n >= 2 => (2, "probably true", None),
        (_, _) if rated == 1 && !anonymous => (2, "probably true", None),
        _ => (3, "possibly true", None),
    };
    Credibility { grade, label, reason }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(reliability: Reliability, retracted: bool) -> Line {
        Line {
            parties: vec![],
            claims: vec![],
            roots: vec![],
            first_hand: vec![],
            words: String::new(),
            reliability,
            retracted,
        }
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
    fn contested_suggests_nothing_for_either_side() {
        let one = [line(Reliability::A, false)];
        let two = [line(Reliability::A, false), line(Reliability::B, false)];
        for (mine, theirs) in [(&one[..], &two[..]), (&two[..], &one[..]), (&one[..], &one[..])] {
            let c = credibility(mine, theirs, false);
            assert_eq!((c.grade, c.label, c.reason), (6, "cannot be judged", Some("contested")));
        }
        let c = credibility(&one, &[line(Reliability::A, true)], false);
        assert_eq!((c.grade, c.reason), (2, None), "a retracted line on the other side does not contest");
    }
}
