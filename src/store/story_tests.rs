//! The store's side of reading stories: triage kept across reconciles, a scoped story
//! ([`store::story_of`], [`store::story_of_known_at`]) read as the whole story is, and a
//! bundle written and loaded read as [`Story::from_bundle`] reads it in memory (the
//! reconciler's own tests build their stories that way).

use crate::date::Timestamp;
use crate::model::{Bundle, Finding, FindingKind, FindingState, Story};
use crate::reconcile::fixtures::{base, bundle, claim, d, kinds, one_source};
use crate::reconcile::{reconcile, Outcome};
use crate::store::{self, Store};
use serde_json::{json, Value};

/// Writes a bundle in JSON to the store, as an import does.
fn load(store: &mut Store, bundle: Value) {
    let bundle: Bundle = serde_json::from_value(bundle).expect("test bundle parses");
    store
        .write(false, |tx| store::apply(tx, bundle, "import", store::Refs::Ids, &|p, i, f| format!("{p}[{i}].{f}")))
        .expect("test bundle loads");
}

/// A store in memory holding a bundle in JSON.
fn stored(bundle: Value) -> Store {
    let mut store = Store::memory().unwrap();
    load(&mut store, bundle);
    store
}

#[test]
fn triage_survives_reruns_and_new_evidence_reopens() {
    let claims =
        json!([claim("c1", "a", "affirms", "s1", "2025-01-01"), claim("c2", "b", "denies", "s2", "2025-01-02")]);
    let mut store = stored(bundle(base(one_source(), &[]), claims, json!({})));
    let now = Timestamp::now();
    let run = |store: &mut Store| {
        let story = store::story(store.conn()).unwrap();
        let mut o = reconcile(&story, d("2025-02-01"), None);
        let changes = store.write(false, |tx| store::save(tx, &mut o, now)).unwrap();
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
    assert!(changes.cleared > 0);
    let stored = store::findings(store.conn()).unwrap();
    assert_eq!(stored.iter().find(|f| f.id == conflict).unwrap().state, FindingState::Cleared);
    let history = store::triage_history(store.conn(), Some(&conflict)).unwrap();
    let states: Vec<FindingState> = history.iter().map(|e| e.state).collect();
    assert_eq!(states, [FindingState::Open, FindingState::Dismissed, FindingState::Open, FindingState::Cleared]);
}

// ---- one proposition reads as the whole story does

/// A small deterministic generator: the same seed gives the same story.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.roll(100) < percent
    }
}

/// A random story over four propositions: derivation chains and loops, bases, links across
/// propositions (contradicts, cites, supersedes, their chains and loops), requests with
/// deadlines, retractions of claims and sources, claims logged at different moments.
fn random_story(seed: u64) -> Value {
    let mut dice = Dice(seed | 1);
    let stances = ["affirms", "denies", "qualifies", "neutral", "declined", "no-response"];
    let parties = ["a", "b", "c", "anon", "anon2"];
    let props = ["p", "q", "r", "s"];
    let day = |dice: &mut Dice| format!("2025-01-{:02}", 1 + dice.roll(28));
    let moment = |dice: &mut Dice| format!("2025-01-{:02}T{:02}:00:00Z", 1 + dice.roll(28), dice.roll(24));
    let n_sources = 2 + dice.roll(6);
    let sources: Vec<Value> = (0..n_sources)
        .map(|i| {
            let from: Vec<String> =
                (0..n_sources).filter(|j| *j != i && dice.chance(20)).map(|j| format!("s{j}")).collect();
            let mut s =
                json!({"id": format!("s{i}"), "title": format!("Source {i}"), "kind": "article", "derived_from": from});
            s["recorded"] = json!(moment(&mut dice));
            if dice.chance(30) {
                s["published"] = json!(day(&mut dice));
            }
            s
        })
        .collect();
    let mut story = base(json!(sources), &["b", "c"]);
    story["parties"][0]["parent"] = json!("b");
    let mut propositions = vec![];
    for p in props {
        let expected: Vec<&str> = parties.iter().copied().filter(|_| dice.chance(30)).collect();
        propositions.push(json!({"id": p, "text": format!("Proposition {p}"), "expected": expected}));
    }
    story["propositions"] = json!(propositions);
    let n_claims = 4 + dice.roll(14);
    let claims: Vec<Value> = (0..n_claims)
        .map(|i| {
            let mut c = json!({
                "id": format!("c{i}"), "proposition": props[dice.roll(4)], "party": parties[dice.roll(5)],
                "stance": stances[dice.roll(6)], "source": format!("s{}", dice.roll(n_sources)),
                "recorded": moment(&mut dice),
            });
            if dice.chance(70) {
                c["stated"] = json!(day(&mut dice));
            }
            if dice.chance(25) {
                c["basis"] = json!([format!("s{}", dice.roll(n_sources))]);
            }
            if dice.chance(30) {
                c["confidence"] = json!(0.5);
            }
            c
        })
        .collect();
    let rels = ["contradicts", "cites", "supersedes", "supports"];
    let mut links = std::collections::BTreeMap::new();
    for _ in 0..dice.roll(2 * n_claims) {
        let (from, to) = (dice.roll(n_claims), dice.roll(n_claims));
        let rel = rels[dice.roll(4)];
        if from != to {
            let recorded = moment(&mut dice);
            links.insert(
                (from, rel, to),
                json!({"from": format!("c{from}"), "rel": rel, "to": format!("c{to}"), "recorded": recorded}),
            );
        }
    }
    let requests: Vec<Value> = (0..dice.roll(4))
        .map(|i| {
            let asked = format!("2025-01-{:02}", 1 + dice.roll(14));
            let mut q = json!({"id": format!("r{i}"), "party": parties[dice.roll(5)], "proposition": props[dice.roll(4)], "by": "c", "asked": asked});
            if dice.chance(60) {
                q["deadline"] = json!(format!("2025-01-{:02}", 15 + dice.roll(14)));
            }
            q
        })
        .collect();
    let mut retracted = std::collections::BTreeSet::new();
    let retractions: Vec<Value> = (0..dice.roll(3))
        .filter_map(|_| {
            let target = if dice.chance(50) {
                format!("c{}", dice.roll(n_claims))
            } else {
                format!("s{}", dice.roll(n_sources))
            };
            retracted
                .insert(target.clone())
                .then(|| json!({"target": target, "date": day(&mut dice), "reason": "withdrawn"}))
        })
        .collect();
    let mut all = story;
    all["claims"] = json!(claims);
    all["links"] = json!(links.into_values().collect::<Vec<_>>());
    all["requests"] = json!(requests);
    all["retractions"] = json!(retractions);
    all
}

/// What a view shows of one proposition, to hold a scoped reading against the whole.
fn shown(story: &Story, o: &Outcome, prop: &str) -> Value {
    let mut findings: Vec<&Finding> = o.findings.iter().filter(|f| f.bears_on(prop)).collect();
    findings.sort_by(|a, b| a.id.cmp(&b.id));
    let report = crate::report::build("db", story, o, &[prop.to_string()]);
    let traces: Vec<_> = o
        .proposition(prop)
        .map(|p| p.claims.iter().map(|c| crate::report::trace(story, o, &c.claim)).collect())
        .unwrap_or_default();
    json!({
        "reading": o.proposition(prop),
        "findings": findings,
        "report": report.propositions,
        "matrix": report.matrix,
        "summary": report.summary,
        "counts": report.counts,
        "traces": traces,
    })
}

#[test]
fn one_proposition_reads_as_it_does_in_the_whole_story() {
    let cases = scope_cases(200, 40);
    for seed in 1..=cases {
        let mut store = Store::memory().unwrap();
        load(&mut store, random_story(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15)));
        let whole = store::story(store.conn()).unwrap();
        for (as_of, known_at) in [
            ("2025-02-15", None),
            ("2025-01-14", None),
            ("2025-01-20", Some("2025-01-12T00:00:00Z")),
            ("2025-02-15", Some("2025-01-20T12:00:00Z")),
        ] {
            let known_at: Option<Timestamp> = known_at.map(|k| k.parse().unwrap());
            let all = reconcile(&whole, d(as_of), known_at);
            for prop in ["p", "q", "r", "s"] {
                let part = store::story_of(store.conn(), &[prop.to_string()]).unwrap();
                let scoped = reconcile(&part, d(as_of), known_at);
                let (a, b) = (shown(&whole, &all, prop), shown(&part, &scoped, prop));
                assert!(a == b, "seed {seed}, {prop} as of {as_of} known at {known_at:?}:\nwhole  {a}\nscoped {b}");
            }
        }
    }
}

/// The random story written in steps, each at a moment of its own, with corrections between
/// them that move claims and requests to other propositions and change what claims and
/// sources rest on; returns the store and a moment just after each step.
fn written_in_steps(seed: u64) -> (Store, Vec<Timestamp>) {
    let mut dice = Dice(seed | 1);
    let story = random_story(seed);
    let mut store = Store::memory().unwrap();
    let list = |key: &str| story[key].as_array().cloned().unwrap_or_default();
    let claims = list("claims");
    let half = claims.len() / 2;
    let steps = [
        json!({"claimtrack": 1, "parties": story["parties"], "sources": story["sources"],
               "propositions": story["propositions"], "claims": claims[..half]}),
        json!({"claimtrack": 1, "claims": claims[half..], "requests": list("requests")}),
        json!({"claimtrack": 1, "links": list("links"), "retractions": list("retractions")}),
    ];
    let n_sources = list("sources").len();
    let mut moments = Vec::new();
    for step in steps {
        load(&mut store, step);
        moments.push(pause());
        for _ in 0..2 {
            let correction = random_correction(&mut dice, &claims, &list("requests"), n_sources);
            let bundle: Bundle = serde_json::from_value(json!({"claimtrack": 1, "corrections": [correction]})).unwrap();
            // A correction that changes nothing is refused: the story stays as it was.
            let _ = store.write(false, |tx| {
                store::apply(tx, bundle, "import", store::Refs::Ids, &|p, i, f| format!("{p}[{i}].{f}"))
            });
            moments.push(pause());
        }
    }
    (store, moments)
}

/// Now, once the clock has moved on: every later write is logged after it.
fn pause() -> Timestamp {
    let t = Timestamp::now();
    std::thread::sleep(std::time::Duration::from_millis(2));
    t
}

/// One correction of a claim (its proposition, source or basis), a request (its
/// proposition) or a source (its derivation or publication date), chosen by the dice.
fn random_correction(dice: &mut Dice, claims: &[Value], requests: &[Value], n_sources: usize) -> Value {
    let prop = ["p", "q", "r", "s"][dice.roll(4)];
    let source = format!("s{}", dice.roll(n_sources));
    let claim = claims[dice.roll(claims.len())]["id"].clone();
    match dice.roll(5) {
        0 => json!({"target": claim, "kind": "claim", "set": {"proposition": prop}, "reason": "moved"}),
        1 => json!({"target": claim, "kind": "claim", "set": {"source": source}, "reason": "read elsewhere"}),
        2 => json!({"target": claim, "kind": "claim", "set": {"basis": [source]}, "reason": "rests elsewhere"}),
        3 if !requests.is_empty() => {
            let request = requests[dice.roll(requests.len())]["id"].clone();
            json!({"target": request, "kind": "request", "set": {"proposition": prop}, "reason": "moved"})
        }
        _ => {
            let other = format!("s{}", dice.roll(n_sources));
            json!({"target": source, "kind": "source", "set": {"derived_from": [other], "published": "2025-01-09"},
                   "reason": "traced"})
        }
    }
}

#[test]
fn one_proposition_known_at_a_moment_reads_as_the_whole_story_cut_back_to_it() {
    let cases = scope_cases(100, 20);
    for seed in 1..=cases {
        let (store, moments) = written_in_steps(seed.wrapping_mul(0x2545_F491_4F6C_DD1D));
        for (step, t) in moments.iter().enumerate() {
            let mut whole = store::story(store.conn()).unwrap();
            store::as_known_at(store.conn(), &mut whole, *t).unwrap();
            for as_of in ["2025-01-14", "2025-02-15"] {
                let all = reconcile(&whole, d(as_of), Some(*t));
                for prop in ["p", "q", "r", "s"] {
                    let part = store::story_of_known_at(store.conn(), &[prop.to_string()], *t).unwrap();
                    let scoped = reconcile(&part, d(as_of), Some(*t));
                    let (a, b) = (shown(&whole, &all, prop), shown(&part, &scoped, prop));
                    assert!(
                        a == b,
                        "seed {seed}, {prop} as of {as_of} known after step {step}:\nwhole  {a}\nscoped {b}"
                    );
                }
            }
        }
    }
}

/// How many random stories a scope property runs: CLAIMTRACK_SCOPE_CASES if set, else `full`
/// under CLAIMTRACK_TEST_HEAVY=1 (as in CI) and `short` in the README's `cargo test`.
fn scope_cases(full: u64, short: u64) -> u64 {
    let heavy = std::env::var_os("CLAIMTRACK_TEST_HEAVY").is_some_and(|v| v == "1");
    std::env::var("CLAIMTRACK_SCOPE_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(if heavy {
        full
    } else {
        short
    })
}

// ---- a bundle reads in memory as the store loads it

/// `bundle` with who logged each record and when wherever it gives neither (as a write
/// stamps them), so that the store and the reading in memory hold the same values.
fn stamped(mut bundle: Value) -> Value {
    for (_, list) in bundle.as_object_mut().unwrap().iter_mut() {
        for (i, record) in list.as_array_mut().into_iter().flatten().enumerate() {
            record.as_object_mut().unwrap().entry("logged_by").or_insert(json!("tester"));
            let moment = format!("2025-02-{:02}T00:00:00Z", 1 + i % 28);
            record.as_object_mut().unwrap().entry("recorded").or_insert(json!(moment));
        }
    }
    bundle
}

#[test]
fn a_bundle_reads_in_memory_as_the_store_loads_it() {
    for seed in 1..=scope_cases(100, 20) {
        let mut story = random_story(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        // Records without ids (given the ids a write derives), undated requests, verdicts
        // in the order written, and a retracted claim among the rest.
        let lists = story.as_object_mut().unwrap();
        lists["claims"].as_array_mut().unwrap().extend([
            json!({"proposition": "q", "party": "b", "stance": "denies", "source": "s0", "stated": "2025-01"}),
            json!({"proposition": "q", "party": "c", "stance": "affirms", "source": "s1"}),
        ]);
        lists["requests"].as_array_mut().unwrap().extend([
            json!({"party": "a", "proposition": "q", "by": "c", "asked": "2025-01"}),
            json!({"party": "a", "proposition": "q", "by": "c", "asked": "2025-01-02"}),
            json!({"party": "a", "proposition": "q", "by": "c", "note": "not yet asked"}),
        ]);
        let verdict = |rating: f64, label: &str, at: &str| json!({"proposition": "p", "rating": rating, "best": 1, "worst": 5, "label": label, "recorded": at});
        lists.insert(
            "verdicts".into(),
            json!([
                verdict(5.0, "False", "2025-03-01T00:00:00Z"),
                verdict(1.0, "True", "2025-02-01T00:00:00Z"),
                verdict(3.0, "Mixed", "2025-02-01T00:00:00Z")
            ]),
        );
        let bundle = stamped(story);
        let from_store = store::story(stored(bundle.clone()).conn()).unwrap();
        let in_memory = Story::from_bundle(serde_json::from_value(bundle).unwrap()).unwrap();
        assert_eq!(in_memory, from_store, "seed {seed}");
    }
}

#[test]
fn a_bundle_with_corrections_is_read_through_a_store() {
    let correction = json!({"target": "p", "set": {"text": "Moved"}, "reason": "typo"});
    let bundle =
        json!({"claimtrack": 1, "propositions": [{"id": "p", "text": "The thing"}], "corrections": [correction]});
    let err = Story::from_bundle(serde_json::from_value(bundle).unwrap()).unwrap_err();
    assert!(err.contains("through a store"), "{err}");
}
