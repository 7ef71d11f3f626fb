//! Rule-by-rule tests of the reconciler on small stories of their own, loaded through the
//! real store (SQLite in memory) so dates and ids are what the program would see.

use super::*;
use crate::model::Bundle;
use crate::store::{self, Store};
use serde_json::{json, Value};

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

/// A store holding the parties a, b, c (named), anon (anonymous), the sources given, and
/// proposition p expecting the parties given; `rest` adds claims, links, requests...
fn load(store: &mut Store, bundle: Value) {
    let bundle: Bundle = serde_json::from_value(bundle).expect("test bundle parses");
    store
        .write(false, |tx| store::apply(tx, bundle, "import", store::Refs::Ids, &|p, i, f| format!("{p}[{i}].{f}")))
        .expect("test bundle loads");
}

fn base(sources: Value, expected: &[&str]) -> Value {
    json!({
        "claimtrack": 1,
        "parties": [
            {"id": "a", "name": "Alpha", "kind": "government"},
            {"id": "b", "name": "Beta", "kind": "company"},
            {"id": "c", "name": "Gamma", "kind": "media"},
            {"id": "anon", "name": "Unnamed officials", "kind": "official", "anonymous": true},
            {"id": "anon2", "name": "Unnamed engineers", "kind": "group", "anonymous": true}
        ],
        "sources": sources,
        "propositions": [{"id": "p", "text": "The thing happened", "expected": expected},
                         {"id": "q", "text": "Another thing happened"}]
    })
}

fn one_source() -> Value {
    json!([{"id": "s1", "title": "Report one", "kind": "article"}, {"id": "s2", "title": "Report two", "kind": "article"}])
}

fn claim(id: &str, party: &str, stance: &str, source: &str, stated: &str) -> Value {
    json!({"id": id, "proposition": "p", "party": party, "stance": stance, "source": source, "stated": stated})
}

fn story_with(base: Value, claims: Value, extra: Value) -> (Store, Story) {
    let mut store = Store::memory().unwrap();
    load(&mut store, base);
    let mut bundle = json!({"claimtrack": 1, "claims": claims});
    if let (Value::Object(b), Value::Object(e)) = (&mut bundle, extra) {
        b.extend(e);
    }
    load(&mut store, bundle);
    let story = store::story(store.conn()).unwrap();
    (store, story)
}

fn kinds(o: &Outcome, kind: FindingKind) -> Vec<&Finding> {
    o.findings.iter().filter(|f| f.kind == kind).collect()
}

fn status(o: &Outcome, prop: &str) -> Status {
    o.propositions.iter().find(|p| p.id == prop).unwrap().status
}

#[test]
fn conflict_when_one_party_affirms_what_another_denies() {
    let claims =
        json!([claim("c1", "a", "affirms", "s1", "2025-01-01"), claim("c2", "b", "denies", "s2", "2025-01-02")]);
    let (_, story) = story_with(base(one_source(), &[]), claims, json!({}));
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
    let (_, story) = story_with(base(one_source(), &["b", "c"]), claims, json!({}));
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
    let (_, story) = story_with(base(one_source(), &[]), claims, json!({}));
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
    assert!(reversals[0].detail.contains("affirms on 2025-01-01, then denies on 2025-02-01"));
    assert_eq!(status(&after, "p"), Status::Denied);
}

#[test]
fn same_day_ties_go_to_the_later_recorded_claim() {
    let mut first = claim("a1", "a", "affirms", "s1", "2025-01-01");
    first["recorded"] = json!("2025-01-01T10:00:00Z");
    let mut second = claim("a2", "a", "denies", "s1", "2025-01-01");
    second["recorded"] = json!("2025-01-01T11:00:00Z");
    let (_, story) = story_with(base(one_source(), &[]), json!([second, first]), json!({}));
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
    let (_, story) = story_with(base(one_source(), &["a", "anon", "anon2", "b"]), claims, requests);
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
    let (_, story) = story_with(base(rewrites(), &[]), claims, json!({}));
    let o = reconcile(&story, d("2025-02-01"), None);
    let single = kinds(&o, FindingKind::SingleSource);
    assert_eq!(single.len(), 1);
    assert!(single[0].detail.contains("The original report (orig)"));
    assert_eq!(status(&o, "p"), Status::SingleSource);
    assert_eq!(o.propositions[0].support["affirms"].roots, ["orig"]);
}

#[test]
fn two_independent_roots_corroborate() {
    let claims =
        json!([claim("c1", "a", "affirms", "rw3", "2025-01-01"), claim("c2", "b", "affirms", "indep", "2025-01-01")]);
    let (_, story) = story_with(base(rewrites(), &[]), claims, json!({}));
    let o = reconcile(&story, d("2025-02-01"), None);
    assert!(kinds(&o, FindingKind::SingleSource).is_empty());
    assert_eq!(status(&o, "p"), Status::Corroborated);
    let side = &o.propositions[0].support["affirms"];
    assert_eq!(side.roots, ["indep", "orig"]);
    assert_eq!(side.grade, 1, "confirmed by independent sources");
}

#[test]
fn claims_citing_one_report_rest_on_its_roots() {
    let claims =
        json!([claim("c1", "a", "affirms", "orig", "2025-01-01"), claim("c2", "b", "affirms", "indep", "2025-01-02")]);
    let links = json!({"links": [{"from": "c2", "rel": "cites", "to": "c1"}]});
    let (_, story) = story_with(base(rewrites(), &[]), claims, links);
    let o = reconcile(&story, d("2025-02-01"), None);
    assert_eq!(status(&o, "p"), Status::SingleSource, "c2 only cites c1");
}

#[test]
fn support_counts_claims_sharing_a_root_once() {
    let mut c1 = claim("c1", "a", "affirms", "rw3", "2025-01-01");
    c1["confidence"] = json!(0.8);
    let mut c2 = claim("c2", "b", "affirms", "rw1", "2025-01-01");
    c2["confidence"] = json!(0.8);
    let (_, story) = story_with(base(rewrites(), &[]), json!([c1.clone(), c2]), json!({}));
    let o = reconcile(&story, d("2025-02-01"), None);
    assert_eq!(o.propositions[0].support["affirms"].support, 0.8);
    let mut c3 = claim("c3", "c", "affirms", "indep", "2025-01-01");
    c3["confidence"] = json!(0.8);
    let (_, story) = story_with(base(rewrites(), &[]), json!([c1, c3]), json!({}));
    let o = reconcile(&story, d("2025-02-01"), None);
    assert_eq!(o.propositions[0].support["affirms"].support, 0.96);
    assert_eq!(o.propositions[0].support["denies"].grade, 6);
}

#[test]
fn anonymous_only_when_every_affirming_party_is_anonymous() {
    let claims = json!([
        claim("c1", "anon", "affirms", "s1", "2025-01-01"),
        claim("c2", "anon2", "affirms", "s2", "2025-01-01")
    ]);
    let (_, story) = story_with(base(one_source(), &[]), claims.clone(), json!({}));
    let o = reconcile(&story, d("2025-02-01"), None);
    assert_eq!(kinds(&o, FindingKind::AnonymousOnly).len(), 1);
    let mut named = claims;
    named.as_array_mut().unwrap().push(claim("c3", "a", "affirms", "s1", "2025-01-01"));
    let (_, story) = story_with(base(one_source(), &[]), named, json!({}));
    assert!(kinds(&reconcile(&story, d("2025-02-01"), None), FindingKind::AnonymousOnly).is_empty());
}

#[test]
fn a_derivation_loop_is_circular_sourcing() {
    let sources = json!([
        {"id": "x", "title": "Post X", "kind": "social", "derived_from": ["y"]},
        {"id": "y", "title": "Post Y", "kind": "social", "derived_from": ["x"]},
        {"id": "z", "title": "Unrelated", "kind": "article"}
    ]);
    let (_, story) = story_with(base(sources, &[]), json!([claim("c1", "a", "affirms", "x", "2025-01-01")]), json!({}));
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
    let (_, story) = story_with(base(rewrites(), &[]), claims, extra);
    let before = reconcile(&story, d("2025-01-10"), None);
    assert!(kinds(&before, FindingKind::RetractedBasis).is_empty());
    let after = reconcile(&story, d("2025-01-20"), None);
    let basis = kinds(&after, FindingKind::RetractedBasis);
    assert_eq!(basis.len(), 1);
    assert_eq!(basis[0].claims, ["c1"]);
    assert!(basis[0].detail.contains("upstream"));
}

#[test]
fn citing_a_retracted_claim_is_a_retracted_basis() {
    let claims =
        json!([claim("c1", "a", "affirms", "s1", "2025-01-01"), claim("c2", "b", "affirms", "s2", "2025-01-02")]);
    let extra = json!({"links": [{"from": "c2", "rel": "cites", "to": "c1"}],
                       "retractions": [{"target": "c1", "date": "2025-01-05", "reason": "misquoted"}]});
    let (_, story) = story_with(base(one_source(), &[]), claims, extra);
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
    let (_, story) = story_with(base(one_source(), &[]), claims, extra);
    assert_eq!(kinds(&reconcile(&story, d("2025-01-09"), None), FindingKind::Conflict).len(), 1);
    assert!(kinds(&reconcile(&story, d("2025-01-10"), None), FindingKind::Conflict).is_empty());
}

#[test]
fn a_contradicts_link_across_propositions_is_a_conflict() {
    let mut other = claim("c2", "b", "affirms", "s2", "2025-01-02");
    other["proposition"] = json!("q");
    let claims = json!([claim("c1", "a", "affirms", "s1", "2025-01-01"), other]);
    let extra = json!({"links": [{"from": "c2", "rel": "contradicts", "to": "c1"}]});
    let (_, story) = story_with(base(one_source(), &[]), claims, extra);
    let o = reconcile(&story, d("2025-02-01"), None);
    let conflicts = kinds(&o, FindingKind::Conflict);
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].claims, ["c2", "c1"]);
    assert_eq!(conflicts[0].parties, ["a", "b"]);
}

#[test]
fn known_at_drops_records_logged_later() {
    let mut late = claim("c2", "b", "denies", "s2", "2025-01-02");
    late["recorded"] = json!("2025-03-01T00:00:00Z");
    let mut early = claim("c1", "a", "affirms", "s1", "2025-01-01");
    early["recorded"] = json!("2025-01-01T00:00:00Z");
    let (_, story) = story_with(base(one_source(), &[]), json!([early, late]), json!({}));
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
    let (_, one) = story_with(base(one_source(), &["c"]), claims, json!({}));
    let (_, two) = story_with(base(one_source(), &["c"]), reversed, json!({}));
    let ids = |s: &Story| reconcile(s, d("2025-02-01"), None).findings.iter().map(|f| f.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&one), ids(&two));
    assert_eq!(ids(&one).len(), 3, "conflict, single-source... and c is not asked: {:?}", ids(&one));
}

#[test]
fn triage_survives_reruns_and_new_evidence_reopens() {
    let claims =
        json!([claim("c1", "a", "affirms", "s1", "2025-01-01"), claim("c2", "b", "denies", "s2", "2025-01-02")]);
    let (mut store, story) = story_with(base(one_source(), &[]), claims, json!({}));
    let now = Timestamp::now();
    let run = |store: &mut Store| {
        let story = store::story(store.conn()).unwrap();
        let mut o = reconcile(&story, d("2025-02-01"), None);
        let changes = store.write(false, |tx| store::save(tx, &mut o.findings, now)).unwrap();
        (o, changes)
    };
    let (first, changes) = run(&mut store);
    assert_eq!(changes.new, first.findings.len());
    let conflict = kinds(&first, FindingKind::Conflict)[0].id.clone();
    store.write(false, |tx| store::triage(tx, &conflict, FindingState::Dismissed, Some("known"), "ed", now)).unwrap();

    let (second, changes) = run(&mut store);
    assert_eq!((changes.new, changes.reopened, changes.cleared, changes.updated), (0, 0, 0, 0));
    assert_eq!(
        second.findings.iter().map(|f| &f.id).collect::<Vec<_>>(),
        first.findings.iter().map(|f| &f.id).collect::<Vec<_>>()
    );
    assert_eq!(kinds(&second, FindingKind::Conflict)[0].state, FindingState::Dismissed);

    load(&mut store, json!({"claimtrack": 1, "claims": [claim("c3", "c", "denies", "s1", "2025-01-03")]}));
    let (third, changes) = run(&mut store);
    assert_eq!(changes.reopened, 1);
    assert_eq!(kinds(&third, FindingKind::Conflict)[0].state, FindingState::Open);

    load(&mut store, json!({"claimtrack": 1, "retractions": [{"target": "c1", "date": "2025-01-20", "reason": "x"}]}));
    let (fourth, changes) = run(&mut store);
    assert!(kinds(&fourth, FindingKind::Conflict).is_empty());
    assert!(changes.cleared >= 1);
    let stored = store::findings(store.conn()).unwrap();
    assert_eq!(stored.iter().find(|f| f.id == conflict).unwrap().state, FindingState::Cleared);
    let history = store::triage_history(store.conn(), Some(&conflict)).unwrap();
    let states: Vec<FindingState> = history.iter().map(|e| e.state).collect();
    assert_eq!(states, [FindingState::Open, FindingState::Dismissed, FindingState::Open, FindingState::Cleared]);
    drop(story);
}
