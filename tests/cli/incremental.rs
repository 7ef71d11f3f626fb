//! Incremental reconcile: after any sequence of writes, reading again only what they touched
//! stores exactly what a full recompute from scratch gives (docs/RECONCILER.md,
//! "Incremental reconcile"), and the commands that show stored findings say when they are
//! older than the data.

use crate::common::*;
use proptest::prelude::*;
use serde_json::{json, Value};

/// Parties a, b, c (under a) and anon; sources s1 ← s2 (s2 derives from s1) and s3;
/// propositions p, q and r, each expecting some parties.
fn base() -> Db {
    let db = Db::new();
    db.import_str(&bundle(json!({
        "parties": [
            {"id": "a", "name": "Alpha Ministry", "kind": "government"},
            {"id": "b", "name": "Beta Corp", "kind": "company"},
            {"id": "c", "name": "Gamma Office", "kind": "official", "parent": "a"},
            {"id": "anon", "name": "Unnamed officials", "kind": "official", "anonymous": true},
        ],
        "sources": [
            {"id": "s1", "title": "Report one", "kind": "document", "published": "2025-09-01"},
            {"id": "s2", "title": "Article two", "kind": "article", "derived_from": ["s1"]},
            {"id": "s3", "title": "Statement three", "kind": "statement", "publisher": "b"},
        ],
        "propositions": [
            {"id": "p", "text": "The thing happened", "expected": ["a", "b"]},
            {"id": "q", "text": "Another thing happened", "expected": ["c"]},
            {"id": "r", "text": "A third thing happened"},
        ],
    })))
    .success();
    db
}

const PARTIES: &[&str] = &["a", "b", "c", "anon"];
const PROPS: &[&str] = &["p", "q", "r"];
const STANCES: &[&str] = &["affirms", "denies", "qualifies", "declined", "no-response"];
const RELS: &[&str] = &["contradicts", "supports", "cites", "supersedes"];
const DATES: &[&str] = &["2025-09-20", "2025-10-01", "2025-10-02", "2025-10-04"];

/// One write, with indexes into the lists above (claims and sources by the order made).
#[derive(Clone, Debug)]
enum Write {
    Claim {
        prop: usize,
        party: usize,
        stance: usize,
        source: usize,
        date: Option<usize>,
        basis: Option<usize>,
    },
    Link {
        from: usize,
        rel: usize,
        to: usize,
    },
    RetractClaim(usize),
    RetractSource(usize),
    Source {
        derived: Vec<usize>,
    },
    Derive {
        source: usize,
        from: usize,
    },
    MoveClaim {
        claim: usize,
        prop: usize,
    },
    Restance {
        claim: usize,
        stance: usize,
    },
    RenameParty(usize),
    Anonymous(usize),
    /// A party put under another (a correction of `parent`): its organisation moves, and so
    /// does that of every party under it.
    Reparent {
        party: usize,
        parent: usize,
    },
    Request {
        party: usize,
        prop: usize,
        deadline: usize,
    },
    Expect {
        prop: usize,
        party: usize,
    },
    Dismiss(usize),
    /// A triage (reopen, ack, resolve) of a finding that cleared: refused (issue 24 item 5).
    TriageCleared(usize, usize),
    NextDay,
}

fn write() -> impl Strategy<Value = Write> {
    let i = || 0usize..64;
    prop_oneof![
        4 => (i(), i(), i(), i(), proptest::option::of(i()), proptest::option::of(i())).prop_map(
            |(prop, party, stance, source, date, basis)| Write::Claim { prop, party, stance, source, date, basis }
        ),
        2 => (i(), i(), i()).prop_map(|(from, rel, to)| Write::Link { from, rel, to }),
        1 => i().prop_map(Write::RetractClaim),
        1 => i().prop_map(Write::RetractSource),
        1 => proptest::collection::vec(i(), 0..3).prop_map(|derived| Write::Source { derived }),
        1 => (i(), i()).prop_map(|(source, from)| Write::Derive { source, from }),
        1 => (i(), i()).prop_map(|(claim, prop)| Write::MoveClaim { claim, prop }),
        1 => (i(), i()).prop_map(|(claim, stance)| Write::Restance { claim, stance }),
        1 => i().prop_map(Write::RenameParty),
        1 => i().prop_map(Write::Anonymous),
        1 => (i(), i()).prop_map(|(party, parent)| Write::Reparent { party, parent }),
        1 => (i(), i(), i()).prop_map(|(party, prop, deadline)| Write::Request { party, prop, deadline }),
        1 => (i(), i()).prop_map(|(prop, party)| Write::Expect { prop, party }),
        1 => i().prop_map(Write::Dismiss),
        1 => (i(), i()).prop_map(|(finding, verb)| Write::TriageCleared(finding, verb)),
        1 => Just(Write::NextDay),
    ]
}

/// The story as the test drives it: the database, what it holds, and the pinned clock.
struct Run {
    db: Db,
    claims: Vec<String>,
    sources: Vec<String>,
    now: String,
    renamed: usize,
}

fn pick<'a>(list: &'a [&'a str], i: usize) -> &'a str {
    list[i % list.len()]
}

impl Run {
    /// A run on the base story (three sources), at the pinned clock.
    fn new() -> Run {
        Run {
            db: base(),
            claims: Vec::new(),
            sources: vec!["s1".into(), "s2".into(), "s3".into()],
            now: NOW.to_string(),
            renamed: 0,
        }
    }

    fn cmd(&self, args: &[&str]) -> Outcome {
        let mut cmd = self.db.cmd();
        cmd.env("CLAIMTRACK_NOW", &self.now).args(args);
        outcome(&mut cmd)
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.cmd(args);
        assert_eq!(out.code, 0, "{args:?}: {out:#?}");
        out.stdout
    }

    /// Writes; a write the store refuses (a loop of `supersedes` onto itself, say) is
    /// refused whole, which is also a sequence of writes.
    fn apply(&mut self, w: &Write) {
        let claim = |i: usize| self.claims.get(i % self.claims.len().max(1)).cloned();
        let source = |i: usize| self.sources[i % self.sources.len()].clone();
        match w {
            Write::Claim { prop, party, stance, source: s, date, basis } => {
                let id = format!("k{}", self.claims.len());
                let mut c = json!({"id": id, "proposition": pick(PROPS, *prop), "party": pick(PARTIES, *party),
                                   "stance": pick(STANCES, *stance), "source": source(*s)});
                if let Some(d) = date {
                    c["stated"] = json!(pick(DATES, *d));
                }
                if let Some(b) = basis {
                    c["basis"] = json!([source(*b)]);
                }
                if self.db.import_str(&bundle(json!({"claims": [c]}))).code == 0 {
                    self.claims.push(id);
                }
            }
            Write::Link { from, rel, to } => {
                if let (Some(f), Some(t)) = (claim(*from), claim(*to)) {
                    let l = json!({"from": f, "rel": pick(RELS, *rel), "to": t});
                    self.db.import_str(&bundle(json!({"links": [l]})));
                }
            }
            Write::RetractClaim(i) => {
                if let Some(c) = claim(*i) {
                    self.cmd(&["retract", &c, "--reason", "wrong", "--date", pick(DATES, *i)]);
                }
            }
            Write::RetractSource(i) => {
                self.cmd(&["retract", &source(*i), "--reason", "withdrawn", "--date", pick(DATES, *i)]);
            }
            Write::Source { derived } => {
                let id = format!("t{}", self.sources.len());
                let from: Vec<String> = derived.iter().map(|d| source(*d)).collect();
                let s = json!({"id": id, "title": format!("Source {id}"), "kind": "article", "derived_from": from});
                if self.db.import_str(&bundle(json!({"sources": [s]}))).code == 0 {
                    self.sources.push(id);
                }
            }
            Write::Derive { source: s, from } => {
                let add = format!("derived_from={}", source(*from));
                self.cmd(&["correct", &source(*s), "--add", &add, "--reason", "it does"]);
            }
            Write::MoveClaim { claim: c, prop } => {
                if let Some(c) = claim(*c) {
                    let set = format!("proposition={}", pick(PROPS, *prop));
                    self.cmd(&["correct", &c, "--set", &set, "--reason", "misfiled"]);
                }
            }
            Write::Restance { claim: c, stance } => {
                if let Some(c) = claim(*c) {
                    let set = format!("stance={}", pick(STANCES, *stance));
                    self.cmd(&["correct", &c, "--set", &set, "--reason", "misread"]);
                }
            }
            Write::RenameParty(i) => {
                self.renamed += 1;
                let set = format!("name=Renamed {}", self.renamed);
                self.cmd(&["correct", pick(PARTIES, *i), "--set", &set, "--reason", "its real name"]);
            }
            Write::Anonymous(i) => {
                let party = pick(PARTIES, *i);
                let value = if party == "anon" { "anonymous=false" } else { "anonymous=true" };
                self.cmd(&["correct", party, "--set", value, "--reason", "as sourced"]);
            }
            Write::Reparent { party, parent } => {
                let set = format!("parent={}", pick(PARTIES, *parent));
                self.cmd(&["correct", pick(PARTIES, *party), "--set", &set, "--reason", "its real place"]);
            }
            Write::Request { party, prop, deadline } => {
                let q = json!({"party": pick(PARTIES, *party), "proposition": pick(PROPS, *prop), "by": "b",
                               "asked": "2025-09-30", "deadline": pick(DATES, *deadline)});
                self.db.import_str(&bundle(json!({"requests": [q]})));
            }
            Write::Expect { prop, party } => {
                let add = format!("expected={}", pick(PARTIES, *party));
                self.cmd(&["correct", pick(PROPS, *prop), "--add", &add, "--reason", "they should speak"]);
            }
            Write::Dismiss(i) => {
                let open: Vec<String> = match self.db.json(&["findings", "--state", "open"]) {
                    Value::Array(rows) => rows.iter().map(|r| r["id"].as_str().unwrap().to_string()).collect(),
                    other => panic!("findings printed {other}"),
                };
                if !open.is_empty() {
                    self.cmd(&["findings", "dismiss", &open[i % open.len()], "--note", "known"]);
                }
            }
            Write::TriageCleared(i, verb) => {
                let cleared: Vec<String> = match self.db.json(&["findings", "--state", "cleared"]) {
                    Value::Array(rows) => rows.iter().map(|r| r["id"].as_str().unwrap().to_string()).collect(),
                    other => panic!("findings printed {other}"),
                };
                if !cleared.is_empty() {
                    let verb = pick(&["reopen", "ack", "resolve"], *verb);
                    let out = self.cmd(&["findings", verb, &cleared[i % cleared.len()]]);
                    assert_eq!(out.code, 1, "a triage of a cleared finding is refused: {out:#?}");
                }
            }
            Write::NextDay => {
                let day: u32 = self.now[8..10].parse().unwrap();
                self.now = format!("{}{:02}{}", &self.now[..8], day + 1, &self.now[10..]);
            }
        }
    }

    /// The stored findings (every state, cleared ones too) and positions: what a reconcile
    /// leaves for the SQL views and `findings`.
    fn stored(&self, db: &Db) -> (Value, String) {
        let mut cmd = db.cmd();
        cmd.env("CLAIMTRACK_NOW", &self.now).args(["findings", "--format", "json"]);
        let findings = outcome(&mut cmd).success().stdout;
        (
            serde_json::from_str(&findings).unwrap(),
            rows(
                db,
                &[
                    "SELECT * FROM position ORDER BY proposition, party",
                    "SELECT proposition, status, outcome FROM proposition_outcome ORDER BY proposition",
                ],
            ),
        )
    }

    /// Reconciles incrementally, and holds what it stored and printed against a full
    /// recompute of a copy taken just before, and against the whole story read in memory.
    fn check(&self, step: usize, w: &Write) {
        let copy = Db::new();
        self.ok(&["backup", copy.path().to_str().unwrap()]);
        let incremental: Value = serde_json::from_str(&self.ok(&["reconcile", "--format", "json"])).unwrap();
        let mut whole: Value =
            serde_json::from_str(&self.ok(&["reconcile", "--format", "json", "--known-at", "2099-01-01"])).unwrap();
        whole.as_object_mut().unwrap().remove("known_at");
        assert_eq!(incremental, whole, "step {step} ({w:?}): the stored reading is not the whole story's");
        let mut full = copy.cmd();
        full.env("CLAIMTRACK_NOW", &self.now).args(["reconcile", "--full", "--format", "json"]);
        let full: Value = serde_json::from_str(&outcome(&mut full).success().stdout).unwrap();
        assert_eq!(incremental, full, "step {step} ({w:?}): incremental and full reconcile printed different readings");
        assert_eq!(self.stored(&self.db), self.stored(&copy), "step {step} ({w:?}): stored findings differ");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: heavy(24, 6), failure_persistence: None, ..ProptestConfig::default() })]

    /// Any sequence of writes, reconciled after each: the incremental result is the full one.
    #[test]
    fn incremental_reconcile_equals_a_full_recompute(writes in proptest::collection::vec(write(), 1..9)) {
        let mut run = Run::new();
        run.ok(&["reconcile"]);
        for (step, w) in writes.iter().enumerate() {
            run.apply(w);
            run.check(step, w);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: heavy(24, 6), failure_persistence: None, ..ProptestConfig::default() })]

    /// Any sequence of writes with no reconcile between, then a first reconcile: it stores
    /// and prints what `reconcile --full` on the same story then finds, and `--full` changes
    /// nothing it stored.
    #[test]
    fn a_first_reconcile_equals_a_full_one(writes in proptest::collection::vec(write(), 1..12)) {
        let mut run = Run::new();
        for w in &writes {
            run.apply(w);
        }
        let first: Value = serde_json::from_str(&run.ok(&["reconcile", "--format", "json"])).unwrap();
        let stored = run.stored(&run.db);
        let full: Value = serde_json::from_str(&run.ok(&["reconcile", "--full", "--format", "json"])).unwrap();
        assert_eq!(first, full, "{writes:?}: the first and the full reconcile printed different readings");
        assert_eq!(stored, run.stored(&run.db), "{writes:?}: --full changed what the first reconcile stored");
        let again: Value =
            serde_json::from_str(&run.ok(&["reconcile", "--full", "--changed", "--format", "json"])).unwrap();
        assert_eq!(again["findings"], json!([]), "{writes:?}: a --full after a first reconcile changes nothing");
        assert!(run.ok(&["verify"]).starts_with("sound"), "{writes:?}");
    }
}

/// A first reconcile of more propositions than one batch holds (analysis.rs reads them
/// in batches, the next one beside the write): it stores and prints what the whole story
/// read at once gives, links between claims in different batches included, and `--full`
/// then changes nothing.
#[test]
fn a_first_reconcile_of_many_batches_reads_as_the_whole_story() {
    let db = base();
    let n = 4500;
    let (mut props, mut claims, mut links) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..n {
        let prop = format!("m{i:04}");
        props.push(json!({"id": prop, "text": format!("Thing {i} happened"), "expected": ["a", "b"]}));
        let stance = if i % 3 == 0 { "denies" } else { "affirms" };
        claims.push(json!({"id": format!("ca{i:04}"), "proposition": prop, "party": "a", "stance": "affirms",
                           "source": "s2", "stated": "2025-09-20"}));
        claims.push(json!({"id": format!("cb{i:04}"), "proposition": prop, "party": "b", "stance": stance,
                           "source": if i % 2 == 0 { "s3" } else { "s1" }}));
        if i % 7 == 0 {
            claims.push(json!({"id": format!("cn{i:04}"), "proposition": prop, "party": "anon", "stance": "affirms",
                               "source": "s2", "via": "c"}));
        }
        if i % 11 == 0 {
            let other = format!("cb{:04}", (i + 2300) % n);
            links.push(json!({"from": format!("ca{i:04}"), "rel": "cites", "to": other}));
            links.push(
                json!({"from": format!("cb{i:04}"), "rel": "contradicts", "to": format!("ca{:04}", (i + 4100) % n)}),
            );
        }
    }
    db.import_str(&bundle(json!({"propositions": props, "claims": claims, "links": links}))).success();
    let first: Value = serde_json::from_str(&db.ok(&["reconcile", "--format", "json"])).unwrap();
    let mut whole: Value =
        serde_json::from_str(&db.ok(&["reconcile", "--format", "json", "--known-at", "2099-01-01"])).unwrap();
    whole.as_object_mut().unwrap().remove("known_at");
    assert!(first["findings"].as_array().unwrap().len() > n, "{}", first["findings"]);
    assert_eq!(first, whole, "the first reconcile's stored reading is not the whole story's");
    let stored = |db: &Db| (db.json(&["findings"]), rows(db, &["SELECT * FROM position ORDER BY proposition, party"]));
    let before = stored(&db);
    let full: Value = serde_json::from_str(&db.ok(&["reconcile", "--full", "--format", "json"])).unwrap();
    assert_eq!(first, full, "the first and the full reconcile printed different readings");
    assert_eq!(before, stored(&db), "--full changed what the first reconcile stored");
    assert!(db.ok(&["verify"]).starts_with("sound"));
}

#[test]
fn a_reconcile_reads_again_only_what_the_writes_touched() {
    let db = base();
    db.ok("reconcile");
    let claim = json!({"id": "k1", "proposition": "q", "party": "b", "stance": "affirms", "source": "s3"});
    db.import_str(&bundle(json!({"claims": [claim]}))).success();
    assert_eq!(rows(&db, &["SELECT kind, record FROM reconcile_queue"]), "claim|k1\n");
    let out = db.run("reconcile --changed --format json").success();
    assert!(out.stderr.contains("(1 new, 0 reopened, 0 cleared)"), "{}", out.stderr);
    let changed: Value = serde_json::from_str(&out.stdout).unwrap();
    let kinds: Vec<&str> =
        changed["findings"].as_array().unwrap().iter().map(|f| f["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["single-source"], "only what changed is printed: {changed}");
    assert_eq!(changed["findings"][0]["proposition"], "q");
    let full = db.run("reconcile --full").success();
    assert!(full.stderr.contains("0 new, 0 reopened, 0 cleared"), "{}", full.stderr);
}

#[test]
fn findings_say_when_records_were_logged_since_the_last_reconcile() {
    let db = base();
    db.ok("reconcile");
    let quiet = db.run("findings").success();
    assert!(!quiet.stderr.contains("run `claimtrack reconcile`"), "{}", quiet.stderr);
    let claim = json!({"id": "k1", "proposition": "q", "party": "b", "stance": "affirms", "source": "s3"});
    db.import_str(&bundle(json!({"claims": [claim]}))).success();
    let stale = db.run("findings").success();
    assert!(stale.stderr.contains("run `claimtrack reconcile` to bring them up to date"), "{}", stale.stderr);
}

#[test]
fn findings_come_a_page_at_a_time_in_the_listing_order() {
    let db = Db::with_fixture("kupol-drones.json");
    db.ok("reconcile");
    let every = db.json("findings");
    let all: Vec<String> = every.as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap().to_string()).collect();
    assert!(all.len() >= 5, "the worked example has findings to page through: {all:?}");
    let mut paged = Vec::new();
    for offset in (0..all.len()).step_by(2) {
        let args = format!("findings --limit 2 --offset {offset}");
        let page = db.run(format!("{args} --format json").as_str()).success();
        let ids: Vec<String> = serde_json::from_str::<Value>(&page.stdout)
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["id"].as_str().unwrap().to_string())
            .collect();
        let rest = all.len() - offset - ids.len();
        if rest > 0 {
            let said = format!(
                "{} of {} findings; {rest} more: --offset {} for the next page",
                ids.len(),
                all.len(),
                offset + 2
            );
            assert!(page.stderr.contains(&said), "{args}: {}", page.stderr);
        } else {
            assert!(!page.stderr.contains("more:"), "the last page says nothing more: {}", page.stderr);
        }
        paged.extend(ids);
    }
    assert_eq!(paged, all, "the pages, end to end, are the whole listing in its order");
    assert_eq!(db.json("findings --offset 1000"), json!([]), "past the end: an empty list");
    let party = every.as_array().unwrap().iter().flat_map(|f| f["parties"].as_array().unwrap().clone()).next().unwrap();
    let party = party.as_str().unwrap();
    let theirs: Vec<&String> = all
        .iter()
        .zip(every.as_array().unwrap())
        .filter(|(_, f)| f["parties"].as_array().unwrap().iter().any(|p| p == party))
        .map(|(id, _)| id)
        .collect();
    assert_eq!(
        db.column(format!("findings --party {party}").as_str(), "id").iter().collect::<Vec<_>>(),
        theirs,
        "--party keeps the findings that name the party"
    );
}

/// The rows the queries return, read straight from the file as a data journalist would, one
/// line a row with its values joined by `|` (as the sqlite3 shell prints them).
fn rows(db: &Db, queries: &[&str]) -> String {
    let conn = rusqlite::Connection::open(db.path()).unwrap();
    let mut out = String::new();
    for query in queries {
        let mut stmt = conn.prepare(query).unwrap();
        let width = stmt.column_count();
        let mut rows = stmt.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            let values: Vec<String> = (0..width)
                .map(|i| match row.get_ref(i).unwrap() {
                    rusqlite::types::ValueRef::Null => String::new(),
                    rusqlite::types::ValueRef::Integer(n) => n.to_string(),
                    rusqlite::types::ValueRef::Real(x) => x.to_string(),
                    rusqlite::types::ValueRef::Text(t) | rusqlite::types::ValueRef::Blob(t) => {
                        String::from_utf8_lossy(t).into_owned()
                    }
                })
                .collect();
            out += &values.join("|");
            out.push('\n');
        }
    }
    out
}

/// A party put under another moves the organisation of every party below it: what those
/// parties said is read again (c is under a; a goes under b, so c and b become one
/// organisation, and their two claims on r, which names neither a nor b, one line of evidence,
/// not two).
#[test]
fn a_party_moved_under_another_moves_the_parties_below_it() {
    let mut run = Run::new();
    run.ok(&["reconcile"]);
    let writes = [
        Write::Claim { prop: 2, party: 2, stance: 0, source: 0, date: None, basis: None },
        Write::Claim { prop: 2, party: 1, stance: 0, source: 2, date: None, basis: None },
        Write::Reparent { party: 0, parent: 1 },
    ];
    for (step, w) in writes.iter().enumerate() {
        run.apply(w);
        run.check(step, w);
    }
}
