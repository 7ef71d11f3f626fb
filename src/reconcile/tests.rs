//! Rule-by-rule tests of the reconciler on small stories of their own, built in memory from
//! bundles ([`Story::from_bundle`]) with the dates and ids a store would give them: no SQLite
//! (what the store adds, triage and scoped loading, is tested in src/store/story_tests.rs).

use super::fixtures::{base, bundle, claim, d, in_memory, kinds, one_source};
use super::*;
use crate::date::Timestamp;
use crate::model::{ContactKind, FindingKind, Relation, Severity, SilenceReason};
use serde_json::{json, Value};

/// The story of `base` with `claims` and the records `extra` adds (links, requests...).
fn story_with(base: Value, claims: Value, extra: Value) -> Story {
    in_memory(bundle(base, claims, extra))
}

fn status(o: &Outcome, prop: &str) -> Status {
    o.propositions.iter().find(|p| p.id == prop).unwrap().status
}

#[test]
fn conflict_when_one_party_affirms_what_another_denies() {
    let claims =
        json!([claim("c1", "a", "affirms", "s1", "2025-01-01"), claim("c2", "b", "denies", "s2", "2025-01-02")]);
    let story = story_with(base(one_source(), &[]), claims, json!({}));
    let o = reconcile(&story, d("2025-02-01"), None);
    let conflicts = kinds(&o, FindingKind::Conflict);
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].parties, ["a", "b"]);
    assert_eq!(conflicts[0].claims, ["c1", "c2"]);
    assert_eq!(conflicts[0].severity, Severity::High);
    assert_eq!(status(&o, "p"), Status::Contested);
}

#[test]
fn qualifying_or_neutral_is_not_taking_a_side() {
    let claims = json!([
        claim("c1", "a", "affirms", "s1", "2025-01-01"),
        claim("c2", "b", "qualifies", "s2", "2025-01-02"),
        claim("c3", "c", "neutral", "s2", "2025-01-02")
    ]);
    let story = story_with(base(one_source(), &["b", "c"]), claims, json!({}));
    let o = reconcile(&story, d("2025-02-01"), None);
    assert!(kinds(&o, FindingKind::Conflict).is_empty());
    assert!(kinds(&o, FindingKind::Silence).is_empty(), "qualifies and neutral are positions");
}

#[test]
fn a_reversal_ends_the_conflict_from_its_date_on() {
    let claims = json!([
        claim("a1", "a", "affirms", "s1", "2025-01-01"),
        claim("b1", "b", "denies", "s2", "2025-01-15"),
        claim("a2", "a", "denies", "s1", "2025-02-01")
    ]);
    let story = story_with(base(one_source(), &[]), claims, json!({}));
    let before = reconcile(&story, d("2025-01-20"), None);
    assert_eq!(kinds(&before, FindingKind::Conflict).len(), 1);
    assert!(kinds(&before, FindingKind::Reversal).is_empty());
    assert_eq!(status(&before, "p"), Status::Contested);

    let after = reconcile(&story, d("2025-02-10"), None);
    assert!(kinds(&after, FindingKind::Conflict).is_empty());
    let reversals = kinds(&after, FindingKind::Reversal);
    assert_eq!(reversals.len(), 1);
    assert_eq!(reversals[0].parties, ["a"]);
    assert_eq!(reversals[0].claims, ["a1", "a2"]);
    assert!(
        reversals[0].detail.contains("affirmed on 1 Jan 2025, then denied on 1 Feb 2025"),
        "{}",
        reversals[0].detail
    );
    assert_eq!(status(&after, "p"), Status::Denied);
}

#[test]
fn same_day_ties_go_to_the_later_recorded_claim() {
    let mut first = claim("a1", "a", "affirms", "s1", "2025-01-01");
    first["recorded"] = json!("2025-01-01T10:00:00Z");
    let mut second = claim("a2", "a", "denies", "s1", "2025-01-01");
    second["recorded"] = json!("2025-01-01T11:00:00Z");
    let story = story_with(base(one_source(), &[]), json!([second, first]), json!({}));
    let o = reconcile(&story, d("2025-02-01"), None);
    assert_eq!(status(&o, "p"), Status::Denied);
}

#[test]
fn silences_say_why() {
    let claims = json!([
        claim("c1", "a", "affirms", "s1", "2025-01-01"),
        claim("d1", "anon", "declined", "s1", "2025-01-02"),
        claim("n1", "anon2", "no-response", "s1", "2025-01-02")
    ]);
    let requests = json!({"requests": [
        {"id": "r-b", "party": "b", "proposition": "p", "by": "a", "asked": "2025-01-03", "deadline": "2025-01-10"},
        {"id": "r-c", "party": "c", "proposition": "p", "by": "a", "asked": "2025-01-03"}
    ]});
    let story = story_with(base(one_source(), &["a", "anon", "anon2", "b"]), claims, requests);
    let reason = |o: &Outcome, party: &str| {
        kinds(o, FindingKind::Silence).iter().find(|f| f.parties == [party]).and_then(|f| f.reason)
    };
    let early = reconcile(&story, d("2025-01-05"), None);
    assert_eq!(reason(&early, "a"), None, "a has a position");
    assert_eq!(reason(&early, "anon"), Some(SilenceReason::Declined));
    assert_eq!(reason(&early, "anon2"), Some(SilenceReason::NoResponse));
    assert_eq!(reason(&early, "b"), Some(SilenceReason::Awaiting));
    assert_eq!(reason(&early, "c"), Some(SilenceReason::NoResponse), "asked without a deadline, no reply");
    let on_deadline = reconcile(&story, d("2025-01-10"), None);
    assert_eq!(reason(&on_deadline, "b"), Some(SilenceReason::Awaiting), "the deadline day is not over");
    let late = reconcile(&story, d("2025-01-11"), None);
    assert_eq!(reason(&late, "b"), Some(SilenceReason::NoResponse));
    let before_asking = reconcile(&story, d("2025-01-02"), None);
    assert_eq!(reason(&before_asking, "b"), Some(SilenceReason::NotAsked));
    assert_eq!(reason(&before_asking, "c"), None, "c is neither expected nor asked yet");
    let not_asked = kinds(&before_asking, FindingKind::Silence).into_iter().find(|f| f.parties == ["b"]).unwrap();
    assert_eq!(not_asked.severity, Severity::Medium);
}

fn rewrites() -> Value {
    json!([
        {"id": "orig", "title": "The original report", "kind": "article"},
        {"id": "rw1", "title": "First rewrite", "kind": "article", "derived_from": ["orig"]},
        {"id": "rw2", "title": "Second rewrite", "kind": "article", "derived_from": ["rw1"]},
        {"id": "rw3", "title": "Third rewrite", "kind": "article", "derived_from": ["rw2"]},
        {"id": "indep", "title": "Independent report", "kind": "document"}
    ])
}

#[test]
fn a_chain_of_three_rewrites_is_one_source() {
    let claims = json!([
        claim("c1", "a", "affirms", "rw3", "2025-01-01"),
        claim("c2", "b", "affirms", "rw1", "2025-01-01"),
        claim("c3", "c", "affirms", "orig", "2025-01-01")
    ]);
    let story = story_with(base(rewrites(), &[]), claims, json!({}));
    let o = reconcile(&story, d("2025-02-01"), None);
    let single = kinds(&o, FindingKind::SingleSource);
    assert_eq!(single.len(), 1);
    assert!(single[0].detail.contains("“The original report”"), "{}", single[0].detail);
    assert_eq!(single[0].roots, ["orig"]);
    assert_eq!(status(&o, "p"), Status::SingleSource);
    assert_eq!(o.propositions[0].support["affirms"].roots, ["orig"]);
}

#[test]
fn two_independent_roots_corroborate() {
    let claims =
        json!([claim("c1", "a", "affirms", "rw3", "2025-01-01"), claim("c2", "b", "affirms", "indep", "2025-01-01")]);
    let story = story_with(base(rewrites(), &[]), claims, json!({}));
    let o = reconcile(&story, d("2025-02-01"), None);
    assert!(kinds(&o, FindingKind::SingleSource).is_empty());
    assert_eq!(status(&o, "p"), Status::Corroborated);
    let side = &o.propositions[0].support["affirms"];
    assert_eq!(side.roots, ["indep", "orig"]);
    assert_eq!(side.lines.len(), 2);
    assert_eq!(side.grade, 2, "two unrated lines: probably true");
}

#[test]
fn claims_citing_one_report_rest_on_its_roots() {
    let claims =
        json!([claim("c1", "a", "affirms", "orig", "2025-01-01"), claim("c2", "b", "affirms", "indep", "2025-01-02")]);
    let links = json!({"links": [{"from": "c2", "rel": "cites", "to": "c1"}]});
    let story = story_with(base(rewrites(), &[]), claims, links);
    let o = reconcile(&story, d("2025-02-01"), None);
    assert_eq!(status(&o, "p"), Status::SingleSource, "c2 only cites c1");
}

#[test]
fn support_counts_claims_sharing_a_root_once() {
    let mut c1 = claim("c1", "a", "affirms", "rw3", "2025-01-01");
    c1["confidence"] = json!(0.8);
    let mut c2 = claim("c2", "b", "affirms", "rw1", "2025-01-01");
    c2["confidence"] = json!(0.8);
    let story = story_with(base(rewrites(), &[]), json!([c1.clone(), c2]), json!({}));
    let o = reconcile(&story, d("2025-02-01"), None);
    assert_eq!(o.propositions[0].support["affirms"].support, Some(0.8));
    assert_eq!(o.propositions[0].support["affirms"].lines.len(), 1, "two parties on one root are one line");
    let mut c3 = claim("c3", "c", "affirms", "indep", "2025-01-01");
    c3["confidence"] = json!(0.8);
    let story = story_with(base(rewrites(), &[]), json!([c1, c3]), json!({}));
    let o = reconcile(&story, d("2025-02-01"), None);
    assert_eq!(o.propositions[0].support["affirms"].support, Some(0.96));
    assert_eq!(o.propositions[0].support["denies"].grade, 6);
    assert_eq!(o.propositions[0].support["denies"].support, None, "no confidence to combine");
}

#[test]
fn anonymous_only_when_every_affirming_party_is_anonymous() {
    let claims = json!([
        claim("c1", "anon", "affirms", "s1", "2025-01-01"),
        claim("c2", "anon2", "affirms", "s2", "2025-01-01")
    ]);
    let story = story_with(base(one_source(), &[]), claims.clone(), json!({}));
    let o = reconcile(&story, d("2025-02-01"), None);
    assert_eq!(kinds(&o, FindingKind::AnonymousOnly).len(), 1);
    let mut named = claims;
    named.as_array_mut().unwrap().push(claim("c3", "a", "affirms", "s1", "2025-01-01"));
    let story = story_with(base(one_source(), &[]), named, json!({}));
    assert!(kinds(&reconcile(&story, d("2025-02-01"), None), FindingKind::AnonymousOnly).is_empty());
}

#[test]
fn a_derivation_loop_is_circular_sourcing() {
    let sources = json!([
        {"id": "x", "title": "Post X", "kind": "social", "derived_from": ["y"]},
        {"id": "y", "title": "Post Y", "kind": "social", "derived_from": ["x"]},
        {"id": "z", "title": "Unrelated", "kind": "article"}
    ]);
    let story = story_with(base(sources, &[]), json!([claim("c1", "a", "affirms", "x", "2025-01-01")]), json!({}));
    let o = reconcile(&story, d("2025-02-01"), None);
    let loops = kinds(&o, FindingKind::CircularSourcing);
    assert_eq!(loops.len(), 1);
    assert_eq!(loops[0].claims, ["c1"]);
    assert!(loops[0].detail.contains("x → y"));
}

#[test]
fn a_retraction_upstream_undermines_the_claims_below() {
    let claims =
        json!([claim("c1", "a", "affirms", "rw3", "2025-01-01"), claim("c2", "b", "affirms", "indep", "2025-01-01")]);
    let extra = json!({"retractions": [{"target": "rw1", "date": "2025-01-15", "reason": "fabricated"}]});
    let story = story_with(base(rewrites(), &[]), claims, extra);
    let before = reconcile(&story, d("2025-01-10"), None);
    assert!(kinds(&before, FindingKind::RetractedBasis).is_empty());
    let after = reconcile(&story, d("2025-01-20"), None);
    let basis = kinds(&after, FindingKind::RetractedBasis);
    assert_eq!(basis.len(), 1);
    assert_eq!(basis[0].claims, ["c1"]);
    assert!(basis[0].detail.contains("rests on “First rewrite”, retracted on 15 Jan 2025"), "{}", basis[0].detail);
}

#[test]
fn citing_a_retracted_claim_is_a_retracted_basis() {
    let claims =
        json!([claim("c1", "a", "affirms", "s1", "2025-01-01"), claim("c2", "b", "affirms", "s2", "2025-01-02")]);
    let extra = json!({"links": [{"from": "c2", "rel": "cites", "to": "c1"}],
                       "retractions": [{"target": "c1", "date": "2025-01-05", "reason": "misquoted"}]});
    let story = story_with(base(one_source(), &[]), claims, extra);
    let o = reconcile(&story, d("2025-01-06"), None);
    let basis = kinds(&o, FindingKind::RetractedBasis);
    assert_eq!(basis.len(), 1);
    assert_eq!(basis[0].claims, ["c2"]);
}

#[test]
fn retracted_claims_stop_counting_from_their_retraction() {
    let claims =
        json!([claim("c1", "a", "affirms", "s1", "2025-01-01"), claim("c2", "b", "denies", "s2", "2025-01-02")]);
    let extra = json!({"retractions": [{"target": "c2", "date": "2025-01-10", "reason": "wrong party"}]});
    let story = story_with(base(one_source(), &[]), claims, extra);
    assert_eq!(kinds(&reconcile(&story, d("2025-01-09"), None), FindingKind::Conflict).len(), 1);
    assert!(kinds(&reconcile(&story, d("2025-01-10"), None), FindingKind::Conflict).is_empty());
}

#[test]
fn a_contradicts_link_across_propositions_is_a_conflict() {
    let mut other = claim("c2", "b", "affirms", "s2", "2025-01-02");
    other["proposition"] = json!("q");
    let claims = json!([claim("c1", "a", "affirms", "s1", "2025-01-01"), other]);
    let extra = json!({"links": [{"from": "c2", "rel": "contradicts", "to": "c1"}]});
    let story = story_with(base(one_source(), &[]), claims, extra);
    let o = reconcile(&story, d("2025-02-01"), None);
    let conflicts = kinds(&o, FindingKind::Conflict);
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].claims, ["c1", "c2"]);
    assert_eq!(conflicts[0].parties, ["a", "b"]);
    assert_eq!(conflicts[0].propositions, ["q", "p"], "it bears on both propositions");
}

#[test]
fn known_at_drops_records_logged_later() {
    let mut late = claim("c2", "b", "denies", "s2", "2025-01-02");
    late["recorded"] = json!("2025-03-01T00:00:00Z");
    let mut early = claim("c1", "a", "affirms", "s1", "2025-01-01");
    early["recorded"] = json!("2025-01-01T00:00:00Z");
    let story = story_with(base(one_source(), &[]), json!([early, late]), json!({}));
    let then: Timestamp = "2025-02-01T00:00:00Z".parse().unwrap();
    assert!(kinds(&reconcile(&story, d("2025-02-01"), Some(then)), FindingKind::Conflict).is_empty());
    assert_eq!(kinds(&reconcile(&story, d("2025-02-01"), None), FindingKind::Conflict).len(), 1);
}

#[test]
fn finding_ids_depend_on_what_they_are_about_not_on_order() {
    let claims =
        json!([claim("c1", "a", "affirms", "s1", "2025-01-01"), claim("c2", "b", "denies", "s2", "2025-01-02")]);
    let reversed =
        json!([claim("c2", "b", "denies", "s2", "2025-01-02"), claim("c1", "a", "affirms", "s1", "2025-01-01")]);
    let one = story_with(base(one_source(), &["c"]), claims, json!({}));
    let two = story_with(base(one_source(), &["c"]), reversed, json!({}));
    let ids = |s: &Story| reconcile(s, d("2025-02-01"), None).findings.iter().map(|f| f.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&one), ids(&two));
    assert_eq!(ids(&one).len(), 3, "conflict, single-source... and c is not asked: {:?}", ids(&one));
}

#[test]
fn rewording_a_finding_does_not_reopen_it() {
    let claims =
        json!([claim("c1", "a", "affirms", "s1", "2025-01-01"), claim("c2", "b", "denies", "s2", "2025-01-02")]);
    let story = story_with(base(one_source(), &[]), claims, json!({}));
    let o = reconcile(&story, d("2025-02-01"), None);
    let mut reworded = o.clone();
    for f in &mut reworded.findings {
        f.detail = format!("in other words: {}", f.detail);
        rules::finish(f, &view::View::new(&story, d("2025-02-01"), None, None));
    }
    let evidence = |o: &Outcome| o.findings.iter().map(|f| f.evidence.clone()).collect::<Vec<_>>();
    assert_eq!(evidence(&o), evidence(&reworded), "the digest covers facts, not words");
}

// ---- lines of evidence (a party never corroborates itself)

fn mayor_story() -> Value {
    let mut story = base(
        json!([
            {"id": "paper", "title": "The Daily", "kind": "article"},
            {"id": "radio", "title": "Radio interview", "kind": "interview"},
            {"id": "presser", "title": "Press conference", "kind": "transcript"},
            {"id": "lab", "title": "Lab results", "kind": "document", "reliability": "B"},
            {"id": "wire", "title": "Wire report", "kind": "article", "reliability": "B"},
            {"id": "rw-a", "title": "Rewrite A", "kind": "article", "derived_from": ["wire"]},
            {"id": "rw-b", "title": "Rewrite B", "kind": "article", "derived_from": ["wire"]}
        ]),
        &[],
    );
    story["parties"].as_array_mut().unwrap().push(json!({"id": "mayor", "name": "The mayor", "kind": "person"}));
    story
}

#[test]
fn one_party_repeating_itself_across_outlets_is_one_line() {
    let claims = json!([
        claim("m1", "mayor", "affirms", "paper", "2025-01-01"),
        claim("m2", "mayor", "affirms", "radio", "2025-01-02"),
        claim("m3", "mayor", "affirms", "presser", "2025-01-03")
    ]);
    let story = story_with(mayor_story(), claims, json!({}));
    let o = reconcile(&story, d("2025-02-01"), None);
    assert_eq!(status(&o, "p"), Status::SingleSource, "the mayor three times is still one line");
    let side = &o.propositions[0].support["affirms"];
    assert_eq!(side.lines.len(), 1);
    assert_eq!(side.claims, ["m3"], "the standing claim; earlier ones are history");
    assert_ne!(side.grade, 1);
    let single = kinds(&o, FindingKind::SingleSource);
    assert_eq!(single.len(), 1);
    assert!(single[0].detail.contains("The mayor"), "{}", single[0].detail);
}

#[test]
fn a_second_independent_party_corroborates() {
    let claims = json!([
        claim("m1", "mayor", "affirms", "paper", "2025-01-01"),
        claim("l1", "c", "affirms", "lab", "2025-01-02")
    ]);
    let story = story_with(mayor_story(), claims, json!({}));
    let o = reconcile(&story, d("2025-02-01"), None);
    assert_eq!(status(&o, "p"), Status::Corroborated);
    assert!(kinds(&o, FindingKind::SingleSource).is_empty());
    let side = &o.propositions[0].support["affirms"];
    assert_eq!(side.lines.len(), 2);
    assert_eq!(side.reliability, [Reliability::B, Reliability::F]);
}

#[test]
fn two_outlets_rewriting_one_report_are_one_line() {
    let claims =
        json!([claim("a1", "a", "affirms", "rw-a", "2025-01-01"), claim("b1", "b", "affirms", "rw-b", "2025-01-02")]);
    let story = story_with(mayor_story(), claims, json!({}));
    let o = reconcile(&story, d("2025-02-01"), None);
    let side = &o.propositions[0].support["affirms"];
    assert_eq!(side.lines.len(), 1);
    assert_eq!(side.lines[0].parties, ["a", "b"]);
    assert_eq!(side.lines[0].roots, ["wire"]);
    assert_eq!(status(&o, "p"), Status::SingleSource);
}

#[test]
fn a_basis_replaces_the_chain_of_the_source_it_was_read_in() {
    // Read in rewrite A (which derives from the wire report), but resting on the lab results.
    let mut quoted = claim("a1", "a", "denies", "rw-a", "2025-01-01");
    quoted["basis"] = json!(["lab"]);
    let claims = json!([quoted, claim("b1", "b", "affirms", "rw-b", "2025-01-02")]);
    let story = story_with(mayor_story(), claims, json!({}));
    let o = reconcile(&story, d("2025-02-01"), None);
    let reading = o.propositions[0].claims.iter().find(|c| c.claim == "a1").unwrap();
    assert_eq!(reading.source, "rw-a");
    assert_eq!(reading.rests_on, ["lab"]);
    assert_eq!(reading.roots, ["lab"], "not the wire report its outlet rewrote");
    assert_eq!(o.propositions[0].support["denies"].roots, ["lab"]);
}

#[test]
fn confidence_is_not_credibility() {
    let mut denial = claim("b1", "b", "denies", "s1", "2025-01-02");
    denial["confidence"] = json!(0.9);
    let story = story_with(base(one_source(), &[]), json!([denial]), json!({}));
    let o = reconcile(&story, d("2025-02-01"), None);
    let side = &o.propositions[0].support["denies"];
    assert_eq!(side.support, Some(0.9));
    assert_eq!(side.grade, 3, "one unrated line: possibly true, whatever the attribution confidence");
    assert_eq!(o.propositions[0].support["affirms"].grade, 6, "nothing to judge: 6, not a middle grade");
}

// ---- one reading: positions, supersedes, undated claims

#[test]
fn a_superseded_claim_is_history_in_every_view() {
    let claims =
        json!([claim("c-old", "a", "affirms", "s1", "2025-01-01"), claim("c-new", "a", "denies", "s1", "2025-01-02")]);
    let links = json!({"links": [{"from": "c-old", "rel": "supersedes", "to": "c-new"}]});
    let story = story_with(base(one_source(), &[]), claims, links);
    let o = reconcile(&story, d("2025-02-01"), None);
    let p = &o.propositions[0];
    assert_eq!(p.positions.len(), 1);
    assert_eq!((p.positions[0].stance, p.positions[0].claim.as_str()), (Stance::Affirms, "c-old"));
    assert_eq!(p.status, Status::SingleSource, "the status agrees with the position");
    let new = p.claims.iter().find(|c| c.claim == "c-new").unwrap();
    assert_eq!((new.status, new.superseded_by.as_deref()), (ClaimStatus::Superseded, Some("c-old")));
}

#[test]
fn claims_that_supersede_each_other_cancel_out() {
    let claims =
        json!([claim("c1", "a", "affirms", "s1", "2025-01-01"), claim("c2", "a", "denies", "s1", "2025-01-02")]);
    let links = json!({"links": [{"from": "c1", "rel": "supersedes", "to": "c2"}, {"from": "c2", "rel": "supersedes", "to": "c1"}]});
    let story = story_with(base(one_source(), &[]), claims, links);
    let o = reconcile(&story, d("2025-02-01"), None);
    let p = &o.propositions[0];
    assert_eq!(p.positions[0].claim, "c2", "in a loop nothing is superseded: the latest stands");
    assert_eq!(p.status, Status::Denied);
    assert_eq!(p.support["denies"].parties, ["a"]);
}

#[test]
fn an_undated_claim_is_undated_and_counts_from_the_day_it_was_logged() {
    let mut undated = json!({"id": "u1", "proposition": "p", "party": "a", "stance": "affirms", "source": "s1"});
    undated["recorded"] = json!("2025-03-01T10:00:00Z");
    let story = story_with(base(one_source(), &[]), json!([undated]), json!({}));
    let before = reconcile(&story, d("2025-02-28"), None);
    assert!(before.propositions[0].claims.is_empty(), "not logged yet on 28 Feb");
    let after = reconcile(&story, d("2025-03-01"), None);
    let c = &after.propositions[0].claims[0];
    assert_eq!((c.date, c.date_basis), (None, DateBasis::Undated));
    assert_eq!(after.propositions[0].status, Status::SingleSource);
}

// ---- silences say what the party did (docs/RECONCILER.md, "Silences")

/// The police asked on 5 January, due 20 January; `claims` says what the police did.
fn police(claims: Value, expected: &[&str]) -> Story {
    let mut story = base(json!([{"id": "wire", "title": "Wire report", "kind": "article"}]), expected);
    story["parties"].as_array_mut().unwrap().extend([
        json!({"id": "police", "name": "City police", "kind": "official", "parent": "interior"}),
        json!({"id": "interior", "name": "Interior Ministry", "kind": "government"}),
        json!({"id": "wire-svc", "name": "the Wire Service", "kind": "media"}),
    ]);
    let requests = json!({"requests": [
        {"id": "r1", "party": "police", "proposition": "p", "by": "c", "asked": "2025-01-05", "deadline": "2025-01-20"}
    ]});
    story_with(story, claims, requests)
}

fn silence_of(o: &Outcome, party: &str) -> Option<Finding> {
    kinds(o, FindingKind::Silence).into_iter().find(|f| f.parties == [party]).cloned()
}

fn refusal(date: &str) -> Value {
    let mut c = claim("x1", "police", "declined", "wire", date);
    c["via"] = json!("wire-svc");
    c["quote"] = json!("We do not comment on ongoing operations");
    c
}

#[test]
fn a_refusal_beats_a_pending_request() {
    let story = police(json!([refusal("2025-01-06")]), &[]);
    let f = silence_of(&reconcile(&story, d("2025-01-10"), None), "police").unwrap();
    assert_eq!(f.reason, Some(SilenceReason::Declined), "the police answered: they declined");
    assert!(
        f.detail.contains(
            "declined to comment to the Wire Service on 6 Jan 2025: “We do not comment on ongoing operations”"
        ),
        "{}",
        f.detail
    );
    assert!(f.detail.contains("asked by Gamma on 5 Jan 2025, answer due 20 Jan 2025"), "{}", f.detail);
    assert_eq!(f.requests.len(), 2);
    assert_eq!(f.requests[0].kind, ContactKind::Request);
    assert_eq!(f.requests[0].deadline_passed, Some(false));
    assert_eq!(f.requests[1].quote.as_deref(), Some("We do not comment on ongoing operations"));
    let after = silence_of(&reconcile(&story, d("2025-01-25"), None), "police").unwrap();
    assert_eq!(after.reason, Some(SilenceReason::Declined), "and after the deadline");
    assert_eq!(after.requests[0].deadline_passed, Some(true));
}

#[test]
fn a_refusal_beats_no_response() {
    let mut silent = claim("n1", "police", "no-response", "wire", "2025-01-02");
    silent["via"] = json!("wire-svc");
    let story = police(json!([silent, refusal("2025-01-06")]), &[]);
    let f = silence_of(&reconcile(&story, d("2025-01-25"), None), "police").unwrap();
    assert_eq!(f.reason, Some(SilenceReason::Declined));
    assert!(f.detail.contains("did not respond to the Wire Service on 2 Jan 2025"), "{}", f.detail);
}

#[test]
fn awaiting_until_the_deadline_then_no_response() {
    let story = police(json!([]), &[]);
    let reason = |day: &str| silence_of(&reconcile(&story, d(day), None), "police").and_then(|f| f.reason);
    assert_eq!(reason("2025-01-04"), None, "not asked yet, not expected");
    assert_eq!(reason("2025-01-10"), Some(SilenceReason::Awaiting));
    assert_eq!(reason("2025-01-20"), Some(SilenceReason::Awaiting), "the deadline day is not over");
    assert_eq!(reason("2025-01-21"), Some(SilenceReason::NoResponse));
    let late = silence_of(&reconcile(&story, d("2025-01-21"), None), "police").unwrap();
    assert!(late.detail.contains("no answer by the deadline (20 Jan 2025)"), "{}", late.detail);
}

#[test]
fn nobody_asked_an_expected_party() {
    let mut story = base(json!([{"id": "wire", "title": "Wire report", "kind": "article"}]), &["b"]);
    story["parties"].as_array_mut().unwrap().push(json!({"id": "x", "name": "X", "kind": "other"}));
    let story = story_with(story, json!([]), json!({}));
    let f = silence_of(&reconcile(&story, d("2025-01-10"), None), "b").unwrap();
    assert_eq!(f.reason, Some(SilenceReason::NotAsked));
    assert_eq!(f.severity, Severity::Medium);
    assert!(f.detail.ends_with("nobody has asked"), "{}", f.detail);
}

#[test]
fn a_position_ends_the_silence_before_or_after_a_refusal() {
    let after_refusal =
        police(json!([refusal("2025-01-06"), claim("y1", "police", "denies", "wire", "2025-01-08")]), &[]);
    for day in ["2025-01-10", "2025-01-25"] {
        assert!(silence_of(&reconcile(&after_refusal, d(day), None), "police").is_none(), "a position after a refusal");
    }
    let before_refusal =
        police(json!([claim("y1", "police", "denies", "wire", "2025-01-04"), refusal("2025-01-06")]), &[]);
    for day in ["2025-01-10", "2025-01-25"] {
        assert!(
            silence_of(&reconcile(&before_refusal, d(day), None), "police").is_none(),
            "a refusal after a position"
        );
    }
}

#[test]
fn a_silence_names_a_related_party_that_answered() {
    let story = police(json!([claim("i1", "interior", "denies", "wire", "2025-01-07")]), &[]);
    let f = silence_of(&reconcile(&story, d("2025-01-25"), None), "police").unwrap();
    assert_eq!(f.reason, Some(SilenceReason::NoResponse), "it stays a silence: the police did not speak");
    assert_eq!(f.related.len(), 1);
    assert_eq!((f.related[0].relation, f.related[0].stance), (Relation::Parent, Stance::Denies));
    assert!(f.detail.contains("its parent, Interior Ministry, denied"), "{}", f.detail);
    let early = silence_of(&reconcile(&story, d("2025-01-06"), None), "police").unwrap();
    assert!(early.related.is_empty(), "before the ministry spoke");
}

#[test]
fn a_line_on_many_roots_names_a_few_and_counts_the_rest() {
    // One source derived from eight roots: one line of evidence resting on all eight.
    let mut sources: Vec<Value> =
        (0..8).map(|i| json!({"id": format!("r{i}"), "title": format!("Root {i}"), "kind": "document"})).collect();
    let all: Vec<String> = (0..8).map(|i| format!("r{i}")).collect();
    sources.push(json!({"id": "digest", "title": "The digest", "kind": "article", "derived_from": all}));
    let claims = json!([claim("c1", "a", "affirms", "digest", "2025-01-01")]);
    let story = story_with(base(json!(sources), &[]), claims, json!({}));
    let o = reconcile(&story, d("2025-02-01"), None);
    let single = kinds(&o, FindingKind::SingleSource);
    assert_eq!(single[0].roots.len(), 8, "the finding lists every root");
    assert!(single[0].detail.ends_with("“Root 4” and 3 more root sources"), "{}", single[0].detail);
    assert!(!single[0].detail.contains("Root 5"), "{}", single[0].detail);
}

/// Parties of a sabotage story: two governments' bodies, an agency, outlets, a columnist.
fn origin_story(sources: Value, claims: Value) -> Story {
    let parties = json!([
        {"id": "gov-x", "name": "Government of X", "kind": "government"},
        {"id": "president-x", "name": "President of X", "kind": "official", "parent": "gov-x"},
        {"id": "ministry-x", "name": "Foreign Ministry of X", "kind": "government", "parent": "gov-x"},
        {"id": "police-y", "name": "Police of Y", "kind": "government"},
        {"id": "prosecutor-z", "name": "Prosecutor of Z", "kind": "government"},
        {"id": "wire", "name": "Wire Agency", "kind": "media"},
        {"id": "outlet1", "name": "Outlet One", "kind": "media"},
        {"id": "outlet2", "name": "Outlet Two", "kind": "media"},
        {"id": "columnist", "name": "Columnist V", "kind": "person"},
        {"id": "insider", "name": "an anonymous person with knowledge of the operation", "kind": "person", "anonymous": true}
    ]);
    story_with(base(json!([]), &[]), claims, json!({"parties": parties, "sources": sources}))
}

fn side<'a>(o: &'a Outcome, name: &str) -> &'a Side {
    &o.proposition("p").unwrap().support[name]
}

#[test]
fn first_hand_statements_one_outlet_carried_are_lines_of_their_own() {
    let sources = json!([
        {"id": "wire-story", "title": "Wire story", "kind": "article", "publisher": "wire"},
        {"id": "rewrite1", "title": "Rewrite one", "kind": "article", "publisher": "outlet1", "derived_from": ["wire-story"]}
    ]);
    // An outlet rewriting the story rests on both statements but never joins them into one.
    let claims = json!([
        claim("c1", "police-y", "affirms", "wire-story", "2025-01-01"),
        claim("c2", "prosecutor-z", "affirms", "wire-story", "2025-01-01"),
        claim("c3", "outlet1", "affirms", "rewrite1", "2025-01-02")
    ]);
    let o = reconcile(&origin_story(sources, claims), d("2025-02-01"), None);
    let affirms = side(&o, "affirms");
    assert_eq!(affirms.lines.len(), 2, "{:?}", affirms.lines);
    assert_eq!(affirms.lines[0].first_hand, ["police-y"]);
    assert_eq!(affirms.lines[0].parties, ["outlet1", "police-y"]);
    assert_eq!(affirms.lines[0].words, "Outlet One, resting on Police of Y");
    assert_eq!(affirms.lines[1].words, "Prosecutor of Z, first-hand");
    assert_eq!(affirms.lines[0].roots, ["wire-story"], "the line still says where it was read");
    assert_eq!(status(&o, "p"), Status::Corroborated);
}

#[test]
fn one_organisation_is_one_line() {
    let sources = json!([
        {"id": "speech", "title": "Speech", "kind": "statement", "publisher": "president-x"},
        {"id": "note", "title": "Note verbale", "kind": "statement", "publisher": "ministry-x"}
    ]);
    let claims = json!([
        claim("c1", "president-x", "denies", "speech", "2025-01-01"),
        claim("c2", "ministry-x", "denies", "note", "2025-01-02")
    ]);
    let o = reconcile(&origin_story(sources, claims), d("2025-02-01"), None);
    let denies = side(&o, "denies");
    assert_eq!(denies.lines.len(), 1, "a ministry never corroborates its president: {:?}", denies.lines);
    assert_eq!(denies.lines[0].parties, ["ministry-x", "president-x"]);
    assert!(denies.lines[0].words.contains("one organisation, Government of X"), "{}", denies.lines[0].words);
}

#[test]
fn an_outlet_rests_on_the_first_hand_claims_it_reports() {
    let sources = json!([
        {"id": "column", "title": "The column", "kind": "article", "publisher": "columnist"},
        {"id": "wire-story", "title": "Wire story", "kind": "article", "publisher": "wire"},
        {"id": "rewrite1", "title": "Rewrite one", "kind": "article", "publisher": "outlet1", "derived_from": ["wire-story"]},
        {"id": "rewrite2", "title": "Rewrite two", "kind": "article", "publisher": "outlet2", "derived_from": ["wire-story"]}
    ]);
    // A columnist and his anonymous source are one line.
    let column = json!([
        claim("c1", "columnist", "affirms", "column", "2025-01-01"),
        claim("c2", "insider", "affirms", "column", "2025-01-01")
    ]);
    let o = reconcile(&origin_story(sources.clone(), column), d("2025-02-01"), None);
    let affirms = side(&o, "affirms");
    assert_eq!(affirms.lines.len(), 1, "{:?}", affirms.lines);
    assert_eq!(affirms.lines[0].words, "Columnist V, resting on an anonymous person with knowledge of the operation");
    // Outlets rewriting a wire story that quotes one insider are one line with that insider.
    let rewrites = json!([
        claim("c1", "insider", "affirms", "wire-story", "2025-01-01"),
        claim("c2", "outlet1", "affirms", "rewrite1", "2025-01-02"),
        claim("c3", "outlet2", "affirms", "rewrite2", "2025-01-02")
    ]);
    let o = reconcile(&origin_story(sources, rewrites), d("2025-02-01"), None);
    let affirms = side(&o, "affirms");
    assert_eq!(affirms.lines.len(), 1, "{:?}", affirms.lines);
    assert_eq!(affirms.lines[0].first_hand, ["insider"]);
    assert_eq!(status(&o, "p"), Status::SingleSource);
}

#[test]
fn lines_are_counted_on_both_sides_and_contested_suggests_nothing() {
    let sources = json!([
        {"id": "wire-story", "title": "Wire story", "kind": "article", "publisher": "wire", "reliability": "A"},
        {"id": "op-ed", "title": "Op-ed", "kind": "article", "publisher": "columnist"}
    ]);
    let claims = json!([
        claim("c1", "police-y", "affirms", "wire-story", "2025-01-01"),
        claim("c2", "prosecutor-z", "affirms", "wire-story", "2025-01-01"),
        claim("c3", "president-x", "denies", "op-ed", "2025-01-02"),
        claim("c4", "ministry-x", "denies", "op-ed", "2025-01-02")
    ]);
    let o = reconcile(&origin_story(sources, claims), d("2025-02-01"), None);
    assert_eq!(status(&o, "p"), Status::Contested);
    let (affirms, denies) = (side(&o, "affirms"), side(&o, "denies"));
    assert_eq!((affirms.lines.len(), denies.lines.len()), (2, 1));
    for s in [affirms, denies] {
        assert_eq!((s.grade, s.credibility, s.reason), (6, "cannot be judged", Some("contested")));
    }
}

#[test]
fn a_logged_non_answer_from_an_unexpected_unasked_party_is_a_silence() {
    let claims = json!([
        claim("c1", "a", "affirms", "s1", "2025-01-01"),
        claim("n1", "b", "no-response", "s1", "2025-01-02"),
        claim("d1", "c", "declined", "s2", "2025-01-03")
    ]);
    let story = story_with(base(one_source(), &[]), claims, json!({}));
    let o = reconcile(&story, d("2025-02-01"), None);
    let b = silence_of(&o, "b").expect("someone asked b: it is a silence");
    assert_eq!(b.reason, Some(SilenceReason::NoResponse));
    assert_eq!(b.claims, ["n1"]);
    assert_eq!(b.requests[0].kind, ContactKind::NoResponse);
    let c = silence_of(&o, "c").expect("a refusal is a silence with its reason");
    assert_eq!(c.reason, Some(SilenceReason::Declined));
    assert!(silence_of(&o, "a").is_none(), "a has a position");
}

#[test]
fn a_date_from_the_source_says_it_was_reported_then() {
    let sources = json!([{"id": "s1", "title": "Wire", "kind": "article", "published": "2024-03-12"},
                         {"id": "s2", "title": "Later", "kind": "article", "published": "2024-03-20"}]);
    let mut turned = claim("a2", "a", "denies", "s2", "");
    turned.as_object_mut().unwrap().remove("stated");
    let mut silent = claim("n1", "b", "no-response", "s1", "");
    silent.as_object_mut().unwrap().remove("stated");
    let claims = json!([claim("a1", "a", "affirms", "s1", "2024-03-11"), turned, silent]);
    let story = story_with(base(sources, &[]), claims, json!({}));
    let o = reconcile(&story, d("2024-04-01"), None);
    let reversal = &kinds(&o, FindingKind::Reversal)[0];
    assert!(
        reversal.detail.contains("affirmed on 11 Mar 2024, then denied reported 20 Mar 2024"),
        "{}",
        reversal.detail
    );
    let b = silence_of(&o, "b").unwrap();
    assert_eq!(b.requests[0].date_basis, Some(crate::model::DateBasis::Published));
    assert!(b.detail.contains("did not respond reported 12 Mar 2024"), "{}", b.detail);
}
